//! Log questions: typed questions about a window of logs, not raw query strings.
//!
//! The answers are computed from raw lines by [`evaluate`], which the scenario adapter uses
//! directly and the live adapter uses as its fallback when Logs Insights cannot be used.

pub mod evaluate;
pub mod live;
mod scenario;

use crate::evidence::SourceError;
use crate::trigger::Window;
use async_trait::async_trait;
use serde::Serialize;
use std::collections::BTreeMap;

/// Port: answer log questions over a window.
#[async_trait]
pub trait LogQuestions: Send + Sync {
    /// Summarise a REST stage's execution log lines.
    async fn execution_log(
        &self,
        q: &ExecutionLogQuestion,
    ) -> Result<Answered<ExecutionSummary>, SourceError>;
    /// Summarise an access log, reading the fields its format names.
    async fn access_log(
        &self,
        q: &AccessLogQuestion,
    ) -> Result<Answered<AccessSummary>, SourceError>;
    /// Summarise a function's REPORT and timeout lines (cold starts, durations).
    async fn function_log(
        &self,
        q: &FunctionLogQuestion,
    ) -> Result<Answered<FunctionSummary>, SourceError>;
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExecutionLogQuestion {
    pub rest_api_id: String,
    pub stage: String,
    pub window: Window,
}

impl ExecutionLogQuestion {
    pub fn log_group(&self) -> String {
        format!(
            "API-Gateway-Execution-Logs_{}/{}",
            self.rest_api_id, self.stage
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccessLogQuestion {
    pub log_group: String,
    /// The stage's access log format: tells which `$context` fields each line carries.
    pub format: String,
    pub window: Window,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunctionLogQuestion {
    pub function: String,
    pub window: Window,
}

impl FunctionLogQuestion {
    pub fn log_group(&self) -> String {
        format!("/aws/lambda/{}", self.function)
    }
}

/// An answer and what it took to get it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answered<T> {
    pub answer: T,
    pub method: AnswerMethod,
    /// Bytes Logs Insights scanned (billed); 0 for other methods.
    pub bytes_scanned: u64,
    /// Set when a budget stopped the reading before the window's end: what was read and where it
    /// stopped, so the answer is known to cover only the start of the window.
    pub cut_short: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerMethod {
    /// A recorded scenario answered.
    Recorded,
    /// Logs Insights answered.
    Insights,
    /// Insights was refused; FilterLogEvents lines were evaluated here instead.
    FilterFallback,
}

/// Why a request failed, as the gateway's logs tell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureClass {
    /// `Execution failed due to a timeout error`: cut off at the integration timeout.
    IntegrationTimeout,
    /// `Lambda execution failed with status 200 due to customer function error`.
    FunctionError,
    /// `Malformed Lambda proxy response`.
    MalformedProxyResponse,
    /// `Lambda invocation failed with status: 429`.
    Throttled,
    /// The backend answered with a 5XX of its own.
    BackendStatus5xx,
    /// A 5XX whose cause the logs do not name.
    Other5xx,
}

impl FailureClass {
    pub fn describe(self) -> &'static str {
        match self {
            Self::IntegrationTimeout => "integration timeouts (504)",
            Self::FunctionError => "function errors",
            Self::MalformedProxyResponse => "malformed Lambda proxy responses",
            Self::Throttled => "Lambda throttles (429)",
            Self::BackendStatus5xx => "backend 5XX responses",
            Self::Other5xx => "5XX with no cause logged",
        }
    }
}

/// How many requests fell in a class, with a few to look up.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Tally {
    pub count: u64,
    /// At most [`evaluate::SAMPLES`] request ids.
    pub sample_request_ids: Vec<String>,
    /// The first message seen, trimmed (an error's text).
    pub sample_message: Option<String>,
}

/// Order statistics over a set of durations, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct LatencyStats {
    pub count: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// One request, as the logs saw it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestRecord {
    pub request_id: String,
    pub latency_ms: Option<f64>,
    pub status: Option<u16>,
    pub failure: Option<FailureClass>,
    /// The backend's own request id (for Lambda, the invocation's), from `x-amzn-RequestId` in
    /// the endpoint response headers or `Lambda request id:` in a failure line.
    pub backend_request_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ExecutionSummary {
    /// Distinct request ids seen.
    pub requests: u64,
    pub failures: BTreeMap<FailureClass, Tally>,
    /// From `Received response. Status: N, Integration latency: N ms`.
    pub integration_latency: LatencyStats,
    /// Final statuses from `Method completed with status: N`, by status.
    pub statuses: BTreeMap<u16, u64>,
    /// The slowest failing requests, slowest first (at most [`evaluate::SLOWEST`]).
    pub slowest_failing: Vec<RequestRecord>,
    /// Lines read.
    pub lines: u64,
}

impl ExecutionSummary {
    pub fn failures_of(&self, class: FailureClass) -> u64 {
        self.failures.get(&class).map_or(0, |t| t.count)
    }

    pub fn total_failures(&self) -> u64 {
        self.failures.values().map(|t| t.count).sum()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AccessSummary {
    pub requests: u64,
    pub statuses: BTreeMap<u16, u64>,
    /// Present when the format carries `integrationLatency` or `integration.latency`.
    pub integration_latency: Option<LatencyStats>,
    /// Present when the format carries `responseLatency`.
    pub response_latency: Option<LatencyStats>,
    /// `integration.error` / `integrationErrorMessage` values and how often they came.
    pub integration_errors: BTreeMap<String, Tally>,
    pub slowest_failing: Vec<RequestRecord>,
    /// `$context` fields the format lacks that the diagnosis would use.
    pub missing_fields: Vec<String>,
    /// Lines that did not parse under the format.
    pub unparsed_lines: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FunctionSummary {
    pub invocations: u64,
    /// Invocations whose REPORT line carried `Init Duration`.
    pub cold_starts: u64,
    /// Durations of warm invocations.
    pub warm: LatencyStats,
    /// Init duration + duration of cold invocations.
    pub cold_total: LatencyStats,
    pub init: LatencyStats,
    /// `Task timed out after N.NN seconds`.
    pub timeouts: Tally,
    /// Lines logged at ERROR or with an `errorType`.
    pub errors: Tally,
    pub memory_size_mb: Option<u32>,
    pub max_memory_used_mb: Option<u32>,
    /// The slowest invocations' REPORT records, slowest first (at most [`evaluate::SLOWEST_INVOCATIONS`]).
    pub slowest: Vec<Invocation>,
    pub lines: u64,
}

/// One invocation, as its REPORT line told it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Invocation {
    pub request_id: String,
    pub duration_ms: Option<f64>,
    /// Present on cold starts.
    pub init_duration_ms: Option<f64>,
    pub memory_size_mb: Option<u32>,
    pub max_memory_used_mb: Option<u32>,
    /// `Task timed out` was logged for it (or its REPORT said `Status: timeout`).
    pub timed_out: bool,
}
