//! Other alarms: a composite alarm names no API, its child alarms do.

pub mod live;
mod scenario;

use crate::evidence::SourceError;
use crate::trigger::AlarmMetric;
use async_trait::async_trait;

/// Port: what a named alarm watches.
#[async_trait]
pub trait AlarmDirectory: Send + Sync {
    async fn metric_of(&self, alarm_name: &str) -> Result<Option<AlarmMetric>, SourceError>;
}
