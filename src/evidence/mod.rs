//! Evidence: the facts a diagnosis rests on, and the ports that fetch them.
//!
//! Each port is a small trait in its folder's `mod.rs`, with its adapters beside it: `scenario.rs`
//! answers from a recorded account (replay and tests). [`gather`] asks them all concurrently
//! under a deadline; a source that fails or is late becomes a [`Gap`], never a lost report.

pub mod alarms;
pub mod api;
pub mod changes;
pub mod functions;
mod gather;
pub mod logs;
pub mod metrics;
pub mod scenario;
pub(crate) mod sdk_error;
pub mod traces;

use crate::trigger::Window;
use serde::Serialize;
use std::fmt;
use std::sync::Arc;

pub use gather::{GatherPlan, alb_dimension, gather};

use api::{ApiDescription, Backend, Integration};
use changes::Change;
use functions::FunctionSettings;
use logs::{AccessSummary, ExecutionSummary, FunctionSummary};
use metrics::SeriesSet;
use traces::TraceSummary;

/// Why a source could not answer. Adapters map their service's errors onto these.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, serde::Deserialize)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum SourceError {
    #[error("access denied ({0})")]
    AccessDenied(String),
    #[error("throttled ({0})")]
    Throttled(String),
    #[error("not found ({0})")]
    NotFound(String),
    #[error("ambiguous ({0})")]
    Ambiguous(String),
    #[error("not enabled ({0})")]
    NotEnabled(String),
    #[error("no answer before the deadline ({0})")]
    DeadlinePassed(String),
    #[error("service error ({0})")]
    Service(String),
    #[error("malformed response ({0})")]
    Malformed(String),
    /// Answered, but from part of the data (a scan budget ran out).
    #[error("partial answer ({0})")]
    Partial(String),
}

impl SourceError {
    /// The same kind of error with its detail rewritten (to add context).
    pub fn map_detail(self, f: impl FnOnce(String) -> String) -> Self {
        match self {
            Self::AccessDenied(m) => Self::AccessDenied(f(m)),
            Self::Throttled(m) => Self::Throttled(f(m)),
            Self::NotFound(m) => Self::NotFound(f(m)),
            Self::Ambiguous(m) => Self::Ambiguous(f(m)),
            Self::NotEnabled(m) => Self::NotEnabled(f(m)),
            Self::DeadlinePassed(m) => Self::DeadlinePassed(f(m)),
            Self::Service(m) => Self::Service(f(m)),
            Self::Malformed(m) => Self::Malformed(f(m)),
            Self::Partial(m) => Self::Partial(f(m)),
        }
    }
}

/// The sources of facts, as the entry points wire them.
#[derive(Clone)]
pub struct Sources {
    pub apis: Arc<dyn api::ApiCatalog>,
    pub metrics: Arc<dyn metrics::MetricStats>,
    pub logs: Arc<dyn logs::LogQuestions>,
    pub functions: Arc<dyn functions::FunctionCatalog>,
    pub traces: Arc<dyn traces::TraceSummaries>,
    pub changes: Arc<dyn changes::ChangeHistory>,
    pub alarms: Arc<dyn alarms::AlarmDirectory>,
}

impl Sources {
    /// Every port answered by the AWS account `config` reaches, each adapter on its own SDK client
    /// built once from the one shared configuration.
    pub fn live(config: &aws_config::SdkConfig) -> Self {
        let rest = aws_sdk_apigateway::Client::new(config);
        let http = aws_sdk_apigatewayv2::Client::new(config);
        let lambda = aws_sdk_lambda::Client::new(config);
        let cloudwatch = aws_sdk_cloudwatch::Client::new(config);
        Self {
            apis: Arc::new(api::live::ApiGatewayCatalog::new(
                rest.clone(),
                http.clone(),
            )),
            metrics: Arc::new(metrics::live::CloudWatchMetricStats::new(
                cloudwatch.clone(),
            )),
            logs: Arc::new(logs::live::CloudWatchLogsInsights::new(
                aws_sdk_cloudwatchlogs::Client::new(config),
            )),
            functions: Arc::new(functions::live::LambdaFunctions::new(lambda.clone())),
            traces: Arc::new(traces::live::XRayTraceSummaries::new(
                aws_sdk_xray::Client::new(config),
            )),
            changes: Arc::new(changes::live::RecentChanges::new(
                aws_sdk_cloudtrail::Client::new(config),
                rest,
                http,
                lambda,
            )),
            alarms: Arc::new(alarms::live::CloudWatchAlarmDirectory::new(cloudwatch)),
        }
    }

    /// Every port answered by one recorded account.
    pub fn from_scenario(scenario: Arc<scenario::Scenario>) -> Self {
        Self {
            apis: scenario.clone(),
            metrics: scenario.clone(),
            logs: scenario.clone(),
            functions: scenario.clone(),
            traces: scenario.clone(),
            changes: scenario.clone(),
            alarms: scenario,
        }
    }
}

/// Which source a fact (or a gap) comes from.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    ApiConfig,
    ApiMetrics,
    ExecutionLog,
    AccessLog,
    FunctionConfig,
    FunctionLog,
    BackendMetrics,
    Traces,
    Changes,
    Alarms,
}

impl SourceKind {
    pub fn describe(self) -> &'static str {
        match self {
            Self::ApiConfig => "API configuration",
            Self::ApiMetrics => "API metrics",
            Self::ExecutionLog => "execution log",
            Self::AccessLog => "access log",
            Self::FunctionConfig => "function configuration",
            Self::FunctionLog => "function log",
            Self::BackendMetrics => "backend metrics",
            Self::Traces => "X-Ray traces",
            Self::Changes => "recent changes",
            Self::Alarms => "child alarms",
        }
    }
}

/// Something that could not be checked, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    pub source: SourceKind,
    /// What exactly was not checked (a log group, a function).
    pub subject: String,
    pub reason: SourceError,
}

impl fmt::Display for Gap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} of {}: {}",
            self.source.describe(),
            self.subject,
            self.reason
        )
    }
}

/// What gathering cost: the report states it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Cost {
    pub insights_bytes_scanned: u64,
    pub insights_queries: u32,
    pub metric_requests: u32,
    pub metric_series: u32,
    /// Log questions answered by FilterLogEvents because Insights was refused.
    pub log_fallbacks: u32,
}

/// Everything gathered for one API in one window.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Evidence {
    pub api: Option<ApiDescription>,
    pub api_metrics: SeriesSet,
    pub execution_log: Option<ExecutionSummary>,
    pub access_log: Option<AccessSummary>,
    pub traces: Option<Vec<TraceSummary>>,
    pub changes: Option<Vec<Change>>,
    pub backends: Vec<BackendEvidence>,
    pub gaps: Vec<Gap>,
    pub cost: Cost,
    /// The window the alarm evaluated; metric series start earlier, at `baseline.start`.
    pub window: Option<Window>,
    /// The stretch before the window, for comparison.
    pub baseline: Option<Window>,
}

/// One integration and what is known of the backend behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BackendEvidence {
    pub integration: Integration,
    pub backend: Backend,
    pub function: Option<FunctionSettings>,
    pub function_log: Option<FunctionSummary>,
    pub metrics: SeriesSet,
}
