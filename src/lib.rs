//! gateway-doctor: turns a CloudWatch alarm on an API Gateway API into a root-cause report.
//!
//! Data flows one way: event -> [`trigger`] -> [`evidence`] -> [`diagnosis`] -> [`report`] -> [`notify`].
//! `trigger`, `diagnosis` and `report` are pure; `evidence` and `notify` hold the ports and adapters;
//! [`pipeline`] wires them for both entry points (the Lambda handler and the CLI).

pub mod config;
pub mod diagnosis;
pub mod evidence;
pub mod handler;
pub mod incident;
pub mod notify;
pub mod pipeline;
pub mod report;
pub mod trigger;
