//! CloudWatch `GetMetricData`: every query of one round in one request (paginated by CloudWatch only
//! when the points overflow a page).

use super::{MetricQuery, MetricStats, Series};
use crate::evidence::SourceError;
use crate::evidence::sdk_error::source_error;
use crate::trigger::Window;
use async_trait::async_trait;
use aws_sdk_cloudwatch::Client;
use aws_sdk_cloudwatch::primitives::DateTime as AwsTime;
use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat, ScanBy};
use chrono::{DateTime, Utc};

pub struct CloudWatchMetricStats {
    client: Client,
}

impl CloudWatchMetricStats {
    pub fn new(client: Client) -> Self {
        Self { client }
    }
}

fn aws_time(t: DateTime<Utc>) -> AwsTime {
    AwsTime::from_millis(t.timestamp_millis())
}

fn query(id: usize, q: &MetricQuery) -> MetricDataQuery {
    let dims = q
        .dimensions
        .iter()
        .map(|(k, v)| Dimension::builder().name(k).value(v).build())
        .collect();
    let metric = Metric::builder()
        .namespace(&q.namespace)
        .metric_name(&q.name)
        .set_dimensions(Some(dims))
        .build();
    MetricDataQuery::builder()
        .id(format!("m{id}"))
        .metric_stat(
            MetricStat::builder()
                .metric(metric)
                .period(q.period_s as i32)
                .stat(q.stat.as_cloudwatch())
                .build(),
        )
        .return_data(true)
        .build()
}

#[async_trait]
impl MetricStats for CloudWatchMetricStats {
    async fn fetch(
        &self,
        queries: &[MetricQuery],
        window: Window,
    ) -> Result<Vec<Series>, SourceError> {
        let mut series: Vec<Series> = queries
            .iter()
            .map(|q| Series {
                measure: q.measure,
                stat: q.stat,
                points: Vec::new(),
            })
            .collect();
        let mut pages = self
            .client
            .get_metric_data()
            .set_metric_data_queries(Some(
                queries
                    .iter()
                    .enumerate()
                    .map(|(i, q)| query(i, q))
                    .collect(),
            ))
            .start_time(aws_time(window.start))
            .end_time(aws_time(window.end))
            .scan_by(ScanBy::TimestampAscending)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| source_error("cloudwatch:GetMetricData", &e))?;
            for r in page.metric_data_results() {
                let Some(i) = r
                    .id()
                    .and_then(|id| id.strip_prefix('m'))
                    .and_then(|n| n.parse::<usize>().ok())
                else {
                    continue;
                };
                let Some(s) = series.get_mut(i) else { continue };
                for (t, v) in r.timestamps().iter().zip(r.values()) {
                    if let Some(t) =
                        DateTime::<Utc>::from_timestamp_millis(t.to_millis().unwrap_or(0))
                    {
                        s.points.push((t, *v));
                    }
                }
            }
        }
        for s in &mut series {
            s.points.sort_by_key(|(t, _)| *t);
        }
        Ok(series)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::metrics::{Measure, Stat, api_queries};
    use crate::trigger::ApiKind;
    use aws_sdk_cloudwatch::operation::get_metric_data::{GetMetricDataError, GetMetricDataOutput};
    use aws_sdk_cloudwatch::types::MetricDataResult;
    use aws_smithy_mocks::{RuleMode, mock, mock_client};
    use chrono::TimeZone;

    fn window() -> Window {
        Window {
            start: Utc.with_ymd_and_hms(2026, 11, 24, 2, 10, 0).unwrap(),
            end: Utc.with_ymd_and_hms(2026, 11, 24, 2, 15, 0).unwrap(),
        }
    }

    fn at(min: u32) -> AwsTime {
        aws_time(Utc.with_ymd_and_hms(2026, 11, 24, 2, min, 0).unwrap())
    }

    #[tokio::test]
    async fn one_request_answers_every_query_and_pages_are_joined_in_time_order() {
        let queries = api_queries(ApiKind::Rest, "orders-api", "prod");
        let first = mock!(Client::get_metric_data)
            .match_requests(|r| r.metric_data_queries().len() == 6 && r.next_token().is_none())
            .then_output(|| {
                GetMetricDataOutput::builder()
                    .metric_data_results(
                        MetricDataResult::builder()
                            .id("m2")
                            .timestamps(at(11))
                            .values(9_998.0)
                            .build(),
                    )
                    .next_token("page-2")
                    .build()
            });
        let second = mock!(Client::get_metric_data)
            .match_requests(|r| r.next_token() == Some("page-2"))
            .then_output(|| {
                GetMetricDataOutput::builder()
                    .metric_data_results(
                        MetricDataResult::builder()
                            .id("m2")
                            .timestamps(at(12))
                            .values(10_000.0)
                            .build(),
                    )
                    .metric_data_results(
                        MetricDataResult::builder()
                            .id("m4")
                            .timestamps(at(12))
                            .values(23.0)
                            .build(),
                    )
                    .build()
            });
        let client = mock_client!(aws_sdk_cloudwatch, RuleMode::Sequential, [&first, &second]);
        let got = CloudWatchMetricStats::new(client)
            .fetch(&queries, window())
            .await
            .unwrap();
        let max = got
            .iter()
            .find(|s| s.measure == Measure::ApiIntegrationLatency && s.stat == Stat::Maximum)
            .unwrap();
        assert_eq!(max.points.len(), 2);
        assert_eq!(max.max_in(&window()), Some(10_000.0));
        let errors = got.iter().find(|s| s.measure == Measure::Api5xx).unwrap();
        assert_eq!(errors.sum_in(&window()), Some(23.0));
        assert_eq!(first.num_calls() + second.num_calls(), 2);
    }

    #[tokio::test]
    async fn access_denied_becomes_a_named_gap() {
        let denied = mock!(Client::get_metric_data).then_error(|| {
            GetMetricDataError::generic(
                aws_sdk_cloudwatch::error::ErrorMetadata::builder()
                    .code("AccessDenied")
                    .message("User is not authorized to perform: cloudwatch:GetMetricData")
                    .build(),
            )
        });
        let client = mock_client!(aws_sdk_cloudwatch, [&denied]);
        let err = CloudWatchMetricStats::new(client)
            .fetch(
                &api_queries(ApiKind::Http, "k7x2m9q4ab", "$default"),
                window(),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(err, SourceError::AccessDenied(ref m) if m.contains("cloudwatch:GetMetricData")),
            "{err:?}"
        );
    }
}
