//! CloudWatch `DescribeAlarms`: what a child alarm of a composite watches.

use super::AlarmDirectory;
use crate::evidence::SourceError;
use crate::evidence::sdk_error::source_error;
use crate::trigger::{AlarmMetric, MetricRef};
use async_trait::async_trait;
use aws_sdk_cloudwatch::Client;
use aws_sdk_cloudwatch::types::{AlarmType, Dimension, MetricAlarm, MetricStat};

pub struct CloudWatchAlarmDirectory {
    client: Client,
}

impl CloudWatchAlarmDirectory {
    pub fn new(client: Client) -> Self {
        Self { client }
    }
}

fn dims(d: &[Dimension]) -> Vec<(String, String)> {
    d.iter()
        .filter_map(|d| Some((d.name()?.to_string(), d.value()?.to_string())))
        .collect()
}

fn from_stat(s: &MetricStat) -> Option<MetricRef> {
    let m = s.metric()?;
    Some(MetricRef {
        namespace: m.namespace()?.to_string(),
        name: m.metric_name()?.to_string(),
        stat: s.stat()?.to_string(),
        period_s: u32::try_from(s.period()?).ok()?,
        dimensions: dims(m.dimensions()),
    })
}

/// A described metric alarm as the trigger module models it.
fn metric_of(a: &MetricAlarm) -> Option<AlarmMetric> {
    if let (Some(ns), Some(name)) = (a.namespace(), a.metric_name()) {
        let stat = a
            .extended_statistic()
            .map(str::to_string)
            .or_else(|| a.statistic().map(|s| s.as_str().to_string()))?;
        return Some(AlarmMetric::Single(MetricRef {
            namespace: ns.to_string(),
            name: name.to_string(),
            stat,
            period_s: a.period().and_then(|p| u32::try_from(p).ok()).unwrap_or(60),
            dimensions: dims(a.dimensions()),
        }));
    }
    let queries = a.metrics();
    if queries.is_empty() {
        return None;
    }
    Some(AlarmMetric::Math {
        expression: queries
            .iter()
            .find(|q| q.return_data() == Some(true))
            .and_then(|q| q.expression())
            .map(str::to_string),
        metrics: queries
            .iter()
            .filter_map(|q| from_stat(q.metric_stat()?))
            .collect(),
    })
}

#[async_trait]
impl AlarmDirectory for CloudWatchAlarmDirectory {
    async fn metric_of(&self, alarm_name: &str) -> Result<Option<AlarmMetric>, SourceError> {
        let out = self
            .client
            .describe_alarms()
            .alarm_names(alarm_name)
            .alarm_types(AlarmType::MetricAlarm)
            .alarm_types(AlarmType::CompositeAlarm)
            .send()
            .await
            .map_err(|e| source_error("cloudwatch:DescribeAlarms", &e))?;
        if let Some(c) = out.composite_alarms().first() {
            return Ok(Some(AlarmMetric::Composite {
                rule: c.alarm_rule().unwrap_or_default().to_string(),
                triggering: Vec::new(),
            }));
        }
        Ok(out.metric_alarms().first().and_then(metric_of))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trigger::ApiKind;
    use aws_sdk_cloudwatch::operation::describe_alarms::DescribeAlarmsOutput;
    use aws_sdk_cloudwatch::types::{Metric, MetricDataQuery, Statistic};
    use aws_smithy_mocks::{mock, mock_client};

    fn dim(k: &str, v: &str) -> Dimension {
        Dimension::builder().name(k).value(v).build()
    }

    #[tokio::test]
    async fn a_child_metric_alarm_resolves_to_its_api() {
        let rule = mock!(Client::describe_alarms)
            .match_requests(|r| r.alarm_names() == ["orders-api-prod-5xx"])
            .then_output(|| {
                DescribeAlarmsOutput::builder()
                    .metric_alarms(
                        MetricAlarm::builder()
                            .alarm_name("orders-api-prod-5xx")
                            .namespace("AWS/ApiGateway")
                            .metric_name("5XXError")
                            .statistic(Statistic::Sum)
                            .period(60)
                            .dimensions(dim("ApiName", "orders-api"))
                            .dimensions(dim("Stage", "prod"))
                            .build(),
                    )
                    .build()
            });
        let client = mock_client!(aws_sdk_cloudwatch, [&rule]);
        let got = CloudWatchAlarmDirectory::new(client)
            .metric_of("orders-api-prod-5xx")
            .await
            .unwrap()
            .unwrap();
        let api = got.api().unwrap();
        assert_eq!(
            (api.kind, api.name_or_id.as_str(), api.stage.as_str()),
            (ApiKind::Rest, "orders-api", "prod")
        );
    }

    #[tokio::test]
    async fn a_metric_math_child_resolves_through_its_metric_stats() {
        let rule = mock!(Client::describe_alarms).then_output(|| {
            let stat = |name: &str| {
                MetricStat::builder()
                    .metric(
                        Metric::builder()
                            .namespace("AWS/ApiGateway")
                            .metric_name(name)
                            .dimensions(dim("ApiId", "m2q5r8t1zx"))
                            .dimensions(dim("Stage", "prod"))
                            .build(),
                    )
                    .period(60)
                    .stat("Sum")
                    .build()
            };
            DescribeAlarmsOutput::builder()
                .metric_alarms(
                    MetricAlarm::builder()
                        .alarm_name("legacy-proxy-5xx-rate")
                        .metrics(
                            MetricDataQuery::builder()
                                .id("e1")
                                .expression("100*(m1/m2)")
                                .return_data(true)
                                .build(),
                        )
                        .metrics(
                            MetricDataQuery::builder()
                                .id("m1")
                                .metric_stat(stat("5xx"))
                                .return_data(false)
                                .build(),
                        )
                        .metrics(
                            MetricDataQuery::builder()
                                .id("m2")
                                .metric_stat(stat("Count"))
                                .return_data(false)
                                .build(),
                        )
                        .build(),
                )
                .build()
        });
        let client = mock_client!(aws_sdk_cloudwatch, [&rule]);
        let got = CloudWatchAlarmDirectory::new(client)
            .metric_of("legacy-proxy-5xx-rate")
            .await
            .unwrap()
            .unwrap();
        assert!(
            matches!(&got, AlarmMetric::Math { expression: Some(e), metrics } if e == "100*(m1/m2)" && metrics.len() == 2)
        );
        assert_eq!(got.api().unwrap().name_or_id, "m2q5r8t1zx");
    }

    #[tokio::test]
    async fn an_unknown_alarm_is_none() {
        let rule =
            mock!(Client::describe_alarms).then_output(|| DescribeAlarmsOutput::builder().build());
        let client = mock_client!(aws_sdk_cloudwatch, [&rule]);
        assert_eq!(
            CloudWatchAlarmDirectory::new(client)
                .metric_of("gone")
                .await
                .unwrap(),
            None
        );
    }
}
