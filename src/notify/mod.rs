//! Notifications: the only place that sends anything.
//!
//! A [`Notifier`] delivers a finished report. Delivery to SNS and Slack plugs in here; the
//! [`LogNotifier`] writes the report to the function's log (the Lambda handler without a topic,
//! and `cargo lambda watch`).

mod log;

use crate::report::Report;
use async_trait::async_trait;

pub use log::LogNotifier;

/// Port: deliver one report.
#[async_trait]
pub trait Notifier: Send + Sync {
    /// A short name for logs and errors (`sns`, `slack`, `log`).
    fn name(&self) -> &'static str;
    async fn send(&self, report: &Report) -> Result<(), NotifyError>;
}

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("{channel} rejected the notification: {detail}")]
    Rejected {
        channel: &'static str,
        detail: String,
    },
    #[error("{channel} could not be reached: {detail}")]
    Unreachable {
        channel: &'static str,
        detail: String,
    },
}
