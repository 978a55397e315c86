//! Decoding alarm and schedule events into one [`Trigger`].
//!
//! Pure: no clock, no environment. Real payloads come in shapes the typed structs of
//! `aws_lambda_events` reject (null descriptions, metric math, composites), so the alarm
//! itself is decoded leniently in [`alarm`].

mod alarm;
mod time;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use std::fmt;

pub use alarm::decode;
pub use time::parse_timestamp;

/// Longest stretch of time a diagnosis looks at. A daily alarm period would otherwise make every
/// log query scan a day of logs, which is slow and billed per GB.
pub const MAX_WINDOW: Duration = Duration::hours(3);
/// Shortest stretch: one-minute alarms still need a few datapoints to compare.
pub const MIN_WINDOW: Duration = Duration::minutes(5);

/// What started this run.
// One trigger is built per invocation; boxing the alarm would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Trigger {
    /// A CloudWatch alarm changed state.
    Alarm(Alarm),
    /// An EventBridge schedule asked for a check of the configured APIs.
    Schedule(Schedule),
}

/// How the event reached us; shapes differ in where they keep the same facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// The alarm's own Lambda action (`source: aws.cloudwatch`, `alarmData`).
    LambdaAction,
    /// An SNS notification whose `Message` is the alarm JSON.
    Sns,
    /// EventBridge `CloudWatch Alarm State Change`.
    EventBridge,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alarm {
    pub name: String,
    pub arn: String,
    pub description: Option<String>,
    pub delivery: Delivery,
    pub state: AlarmState,
    pub previous_state: Option<AlarmState>,
    /// When the alarm entered `state`.
    pub changed_at: DateTime<Utc>,
    /// When the alarm entered `previous_state`, where the event says (tells how long an incident lasted).
    pub previous_changed_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
    pub region: String,
    pub account: String,
    pub metric: AlarmMetric,
    /// The API the alarm watches, when its dimensions name one (composites name none).
    pub api: Option<ApiRef>,
    /// The stretch of time the diagnosis looks at.
    pub window: Window,
    /// Set when the alarm's own period was longer than [`MAX_WINDOW`] and the window was cut.
    pub window_clamped_from: Option<Duration>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Schedule {
    pub rule_arn: Option<String>,
    pub at: DateTime<Utc>,
    pub region: String,
    pub account: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AlarmState {
    #[serde(rename = "ALARM")]
    Alarm,
    #[serde(rename = "OK")]
    Ok,
    #[serde(rename = "INSUFFICIENT_DATA")]
    InsufficientData,
}

impl AlarmState {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ALARM" => Some(Self::Alarm),
            "OK" => Some(Self::Ok),
            "INSUFFICIENT_DATA" => Some(Self::InsufficientData),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Alarm => "ALARM",
            Self::Ok => "OK",
            Self::InsufficientData => "INSUFFICIENT_DATA",
        }
    }
}

impl fmt::Display for AlarmState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the alarm evaluates.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AlarmMetric {
    /// One metric with one statistic.
    Single(MetricRef),
    /// Metric math: an expression over one or more metrics.
    Math {
        expression: Option<String>,
        metrics: Vec<MetricRef>,
    },
    /// A composite alarm: a rule over other alarms, no metric of its own.
    Composite {
        rule: String,
        /// Child alarms that tripped this one, by name, where the event says.
        triggering: Vec<String>,
    },
}

impl AlarmMetric {
    /// The metrics the alarm reads, whatever its kind.
    pub fn metrics(&self) -> &[MetricRef] {
        match self {
            Self::Single(m) => std::slice::from_ref(m),
            Self::Math { metrics, .. } => metrics,
            Self::Composite { .. } => &[],
        }
    }

    /// The metric name as CloudWatch names it, or a description for math and composites.
    pub fn display_name(&self) -> String {
        match self {
            Self::Single(m) => m.name.clone(),
            Self::Math {
                expression,
                metrics,
            } => {
                let names: Vec<&str> = metrics.iter().map(|m| m.name.as_str()).collect();
                match expression {
                    Some(e) => format!("{} ({})", e, names.join(", ")),
                    None => names.join(", "),
                }
            }
            Self::Composite { rule, .. } => format!("composite: {rule}"),
        }
    }

    /// The API stage the alarm's metrics watch, from their dimensions: `ApiName` (REST) or
    /// `ApiId` (HTTP) with `Stage`, narrowed by `Resource`+`Method` or `Route` when present.
    pub fn api(&self) -> Option<ApiRef> {
        alarm::api_of(self.metrics())
    }

    /// What kind of trouble the alarm watches for, judged by its metrics.
    pub fn watches(&self) -> Watch {
        let mut watch = Watch::Other;
        for m in self.metrics() {
            match m.name.as_str() {
                "5XXError" | "5xx" => return Watch::ServerErrors,
                "IntegrationLatency" | "Latency" => watch = Watch::Latency,
                _ => {}
            }
        }
        watch
    }
}

/// The family of metric an alarm is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Watch {
    ServerErrors,
    Latency,
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricRef {
    pub namespace: String,
    pub name: String,
    /// CloudWatch statistic (`Sum`, `Maximum`, `Average`) or percentile (`p99`).
    pub stat: String,
    pub period_s: u32,
    pub dimensions: Vec<(String, String)>,
}

impl MetricRef {
    pub fn dimension(&self, name: &str) -> Option<&str> {
        self.dimensions
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Which kind of API Gateway API a dimension names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiKind {
    /// REST API, named by `ApiName` in metrics.
    Rest,
    /// HTTP (or WebSocket) API, named by `ApiId` in metrics.
    Http,
}

impl fmt::Display for ApiKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Rest => "REST",
            Self::Http => "HTTP",
        })
    }
}

/// An API and stage as an alarm or a configuration names them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ApiRef {
    pub kind: ApiKind,
    /// The REST API's name or the HTTP API's id.
    pub name_or_id: String,
    pub stage: String,
    /// Narrowed to one route or resource when detailed metrics dimensions say so.
    pub route: Option<RouteRef>,
}

impl fmt::Display for ApiRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} API {} stage {}",
            self.kind, self.name_or_id, self.stage
        )?;
        if let Some(r) = &self.route {
            write!(f, " route {r}")?;
        }
        Ok(())
    }
}

/// `Method`+`Resource` (REST) or `Route` (HTTP, e.g. `GET /orders`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct RouteRef {
    pub method: Option<String>,
    pub path: String,
}

impl fmt::Display for RouteRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.method {
            Some(m) => write!(f, "{m} {}", self.path),
            None => f.write_str(&self.path),
        }
    }
}

/// A half-open stretch of time `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Window {
    /// The window an alarm evaluated, clamped to [`MIN_WINDOW`]..[`MAX_WINDOW`]; returns the
    /// unclamped length too when it was cut.
    pub fn ending_at(end: DateTime<Utc>, length: Duration) -> (Self, Option<Duration>) {
        let clamped = length.clamp(MIN_WINDOW, MAX_WINDOW);
        let cut = (length > MAX_WINDOW).then_some(length);
        (
            Self {
                start: end - clamped,
                end,
            },
            cut,
        )
    }

    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        t >= self.start && t < self.end
    }

    pub fn length(&self) -> Duration {
        self.end - self.start
    }

    /// The same window with `lead_in` added before it, for baselines.
    pub fn with_lead_in(&self, lead_in: Duration) -> Self {
        Self {
            start: self.start - lead_in,
            end: self.end,
        }
    }
}

/// Why an event could not be used. Each variant names what was wrong.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum TriggerError {
    #[error("event is not JSON: {0}")]
    NotJson(String),
    #[error(
        "unrecognised event: expected a CloudWatch alarm (Lambda action, SNS or EventBridge) or an EventBridge Scheduled Event; {0}"
    )]
    Unrecognised(String),
    #[error("missing field `{0}`")]
    Missing(&'static str),
    #[error("field `{field}` is invalid: {why}")]
    Invalid { field: &'static str, why: String },
    #[error("SNS message is not alarm JSON: {0}")]
    SnsMessage(String),
    #[error("SNS event holds no records")]
    NoRecords,
}
