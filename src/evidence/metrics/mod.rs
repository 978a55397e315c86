//! Metric series: what the diagnosis asks of CloudWatch metrics.

pub mod live;
mod scenario;

use crate::evidence::SourceError;
use crate::trigger::Window;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Port: fetch several series over one window in one round trip.
#[async_trait]
pub trait MetricStats: Send + Sync {
    async fn fetch(
        &self,
        queries: &[MetricQuery],
        window: Window,
    ) -> Result<Vec<Series>, SourceError>;
}

/// The quantities the diagnosis reasons about; each maps to one CloudWatch metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    ApiLatency,
    ApiIntegrationLatency,
    Api5xx,
    ApiCount,
    LambdaDuration,
    LambdaErrors,
    LambdaThrottles,
    LambdaConcurrentExecutions,
    LambdaSpillover,
    AlbTargetResponseTime,
    AlbTarget5xx,
}

impl Measure {
    pub fn unit(self) -> Unit {
        match self {
            Self::ApiLatency | Self::ApiIntegrationLatency | Self::LambdaDuration => {
                Unit::Milliseconds
            }
            // ALB reports target response time in seconds.
            Self::AlbTargetResponseTime => Unit::Seconds,
            _ => Unit::Count,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Milliseconds,
    Seconds,
    Count,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Stat {
    Sum,
    Maximum,
    Average,
    #[serde(rename = "p99")]
    P99,
}

impl Stat {
    pub fn as_cloudwatch(self) -> &'static str {
        match self {
            Self::Sum => "Sum",
            Self::Maximum => "Maximum",
            Self::Average => "Average",
            Self::P99 => "p99",
        }
    }
}

/// One series to fetch, with its CloudWatch coordinates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricQuery {
    pub measure: Measure,
    pub stat: Stat,
    pub namespace: String,
    pub name: String,
    pub dimensions: Vec<(String, String)>,
    pub period_s: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    pub measure: Measure,
    pub stat: Stat,
    /// Points in time order, in the metric's own unit.
    pub points: Vec<(DateTime<Utc>, f64)>,
}

impl Series {
    /// Values inside `window`, converted to milliseconds for time measures.
    fn values_in(&self, window: &Window) -> impl Iterator<Item = f64> + '_ {
        let scale = if self.measure.unit() == Unit::Seconds {
            1000.0
        } else {
            1.0
        };
        let w = *window;
        self.points
            .iter()
            .filter(move |(t, _)| w.contains(*t))
            .map(move |(_, v)| v * scale)
    }

    pub fn max_in(&self, window: &Window) -> Option<f64> {
        self.values_in(window).reduce(f64::max)
    }

    pub fn sum_in(&self, window: &Window) -> Option<f64> {
        self.values_in(window).reduce(|a, b| a + b)
    }
}

/// The series gathered for one diagnosis, looked up by what they measure.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SeriesSet(pub Vec<Series>);

impl SeriesSet {
    pub fn get(&self, measure: Measure, stat: Stat) -> Option<&Series> {
        self.0
            .iter()
            .find(|s| s.measure == measure && s.stat == stat)
    }

    pub fn max_in(&self, measure: Measure, stat: Stat, window: &Window) -> Option<f64> {
        self.get(measure, stat)?.max_in(window)
    }

    pub fn sum_in(&self, measure: Measure, stat: Stat, window: &Window) -> Option<f64> {
        self.get(measure, stat)?.sum_in(window)
    }
}

/// The queries for an API's own metrics: REST by `ApiName`, HTTP by `ApiId`.
pub fn api_queries(
    kind: crate::trigger::ApiKind,
    name_or_id: &str,
    stage: &str,
) -> Vec<MetricQuery> {
    use crate::trigger::ApiKind;
    let (api_dim, errors) = match kind {
        ApiKind::Rest => ("ApiName", "5XXError"),
        ApiKind::Http => ("ApiId", "5xx"),
    };
    let dims = vec![
        (api_dim.to_string(), name_or_id.to_string()),
        ("Stage".to_string(), stage.to_string()),
    ];
    let q = |measure, name: &str, stat| MetricQuery {
        measure,
        stat,
        namespace: "AWS/ApiGateway".into(),
        name: name.into(),
        dimensions: dims.clone(),
        period_s: 60,
    };
    vec![
        q(Measure::ApiLatency, "Latency", Stat::Maximum),
        q(Measure::ApiLatency, "Latency", Stat::P99),
        q(
            Measure::ApiIntegrationLatency,
            "IntegrationLatency",
            Stat::Maximum,
        ),
        q(
            Measure::ApiIntegrationLatency,
            "IntegrationLatency",
            Stat::P99,
        ),
        q(Measure::Api5xx, errors, Stat::Sum),
        q(Measure::ApiCount, "Count", Stat::Sum),
    ]
}

/// The queries for a Lambda function behind an integration.
pub fn lambda_queries(function: &str) -> Vec<MetricQuery> {
    let dims = vec![("FunctionName".to_string(), function.to_string())];
    let q = |measure, name: &str, stat| MetricQuery {
        measure,
        stat,
        namespace: "AWS/Lambda".into(),
        name: name.into(),
        dimensions: dims.clone(),
        period_s: 60,
    };
    vec![
        q(Measure::LambdaDuration, "Duration", Stat::P99),
        q(Measure::LambdaDuration, "Duration", Stat::Maximum),
        q(Measure::LambdaErrors, "Errors", Stat::Sum),
        q(Measure::LambdaThrottles, "Throttles", Stat::Sum),
        q(
            Measure::LambdaConcurrentExecutions,
            "ConcurrentExecutions",
            Stat::Maximum,
        ),
        q(
            Measure::LambdaSpillover,
            "ProvisionedConcurrencySpilloverInvocations",
            Stat::Sum,
        ),
    ]
}

/// The queries for an Application Load Balancer (`app/NAME/ID` from its ARN).
pub fn alb_queries(load_balancer: &str) -> Vec<MetricQuery> {
    let dims = vec![("LoadBalancer".to_string(), load_balancer.to_string())];
    let q = |measure, name: &str, stat| MetricQuery {
        measure,
        stat,
        namespace: "AWS/ApplicationELB".into(),
        name: name.into(),
        dimensions: dims.clone(),
        period_s: 60,
    };
    vec![
        q(
            Measure::AlbTargetResponseTime,
            "TargetResponseTime",
            Stat::P99,
        ),
        q(
            Measure::AlbTargetResponseTime,
            "TargetResponseTime",
            Stat::Maximum,
        ),
        q(
            Measure::AlbTarget5xx,
            "HTTPCode_Target_5XX_Count",
            Stat::Sum,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 2, min, 0).unwrap()
    }

    #[test]
    fn alb_response_time_is_read_in_seconds_and_reported_in_milliseconds() {
        let s = Series {
            measure: Measure::AlbTargetResponseTime,
            stat: Stat::Maximum,
            points: vec![(at(1), 12.5), (at(2), 31.0)],
        };
        let w = Window {
            start: at(0),
            end: at(10),
        };
        assert_eq!(s.max_in(&w), Some(31_000.0));
    }

    #[test]
    fn points_outside_the_window_are_ignored() {
        let s = Series {
            measure: Measure::Api5xx,
            stat: Stat::Sum,
            points: vec![(at(1), 5.0), (at(5), 7.0), (at(9), 100.0)],
        };
        let w = Window {
            start: at(2),
            end: at(9),
        };
        assert_eq!(s.sum_in(&w), Some(7.0));
    }

    #[test]
    fn http_api_queries_use_api_id_and_lowercase_5xx() {
        let q = api_queries(crate::trigger::ApiKind::Http, "a1b2c3d4e5", "$default");
        assert!(q.iter().any(|q| q.name == "5xx"));
        assert!(
            q.iter()
                .all(|q| q.dimensions[0] == ("ApiId".into(), "a1b2c3d4e5".into()))
        );
    }
}
