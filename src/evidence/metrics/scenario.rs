use super::{MetricQuery, MetricStats, Series};
use crate::evidence::scenario::Scenario;
use crate::evidence::{SourceError, SourceKind};
use crate::trigger::Window;
use async_trait::async_trait;
use chrono::Duration;

#[async_trait]
impl MetricStats for Scenario {
    async fn fetch(
        &self,
        queries: &[MetricQuery],
        window: Window,
    ) -> Result<Vec<Series>, SourceError> {
        let source = match queries.first().map(|q| q.namespace.as_str()) {
            Some("AWS/ApiGateway") => SourceKind::ApiMetrics,
            _ => SourceKind::BackendMetrics,
        };
        self.behave(source).await?;
        // Like GetMetricData: a query with no recorded data comes back as an empty series.
        Ok(queries
            .iter()
            .map(|q| {
                let recorded = self.metrics.iter().find(|r| {
                    r.namespace == q.namespace
                        && r.name == q.name
                        && r.stat.eq_ignore_ascii_case(q.stat.as_cloudwatch())
                        && q.dimensions
                            .iter()
                            .all(|(k, v)| r.dimensions.get(k) == Some(v))
                        && r.dimensions.len() == q.dimensions.len()
                });
                let points = recorded
                    .map(|r| {
                        r.values
                            .iter()
                            .enumerate()
                            .filter_map(|(i, v)| {
                                let t = r.start + Duration::seconds(i as i64 * r.period_s as i64);
                                Some((t, (*v)?))
                            })
                            .filter(|(t, _)| window.contains(*t))
                            .collect()
                    })
                    .unwrap_or_default();
                Series {
                    measure: q.measure,
                    stat: q.stat,
                    points,
                }
            })
            .collect())
    }
}
