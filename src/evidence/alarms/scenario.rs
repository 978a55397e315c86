use super::AlarmDirectory;
use crate::evidence::scenario::Scenario;
use crate::evidence::{SourceError, SourceKind};
use crate::trigger::{AlarmMetric, MetricRef};
use async_trait::async_trait;

#[async_trait]
impl AlarmDirectory for Scenario {
    async fn metric_of(&self, alarm_name: &str) -> Result<Option<AlarmMetric>, SourceError> {
        self.behave(SourceKind::Alarms).await?;
        Ok(self.alarms.iter().find(|a| a.name == alarm_name).map(|a| {
            AlarmMetric::Single(MetricRef {
                namespace: a.namespace.clone(),
                name: a.metric.clone(),
                stat: a.stat.clone(),
                period_s: a.period_s,
                dimensions: a
                    .dimensions
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            })
        }))
    }
}
