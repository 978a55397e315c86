//! The diagnosis: pure functions from evidence to one verdict with its findings and fixes.
//!
//! No I/O, no clock, no SDK types. Step 1 ([`where_died`]) reads the gateway's view, step 2
//! ([`backend`]) the backend's, and step 3 ([`rules`]) picks one verdict from the closed set and
//! writes the fix with the API's real ids ([`fixes`]).

pub mod backend;
pub mod command;
pub mod fixes;
pub mod limits;
pub mod rules;
pub mod where_died;
pub mod worst;

use crate::evidence::Gap;
use crate::evidence::changes::Change;
use crate::evidence::logs::{Invocation, RequestRecord};
use serde::Serialize;
use std::fmt;

pub use command::Command;
pub use rules::{diagnose, quiet, undiagnosable};

/// The closed set of verdicts; the JSON report uses these exact names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    IntegrationTimeoutTooLow,
    HardLimit,
    BackendSlow,
    ColdStart,
    FunctionTimeout,
    Throttling,
    BackendErrors,
    GatewayOverhead,
    InsufficientEvidence,
    Recovered,
}

impl Verdict {
    pub const ALL: [Verdict; 10] = [
        Self::IntegrationTimeoutTooLow,
        Self::HardLimit,
        Self::BackendSlow,
        Self::ColdStart,
        Self::FunctionTimeout,
        Self::Throttling,
        Self::BackendErrors,
        Self::GatewayOverhead,
        Self::InsufficientEvidence,
        Self::Recovered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::IntegrationTimeoutTooLow => "integration_timeout_too_low",
            Self::HardLimit => "hard_limit",
            Self::BackendSlow => "backend_slow",
            Self::ColdStart => "cold_start",
            Self::FunctionTimeout => "function_timeout",
            Self::Throttling => "throttling",
            Self::BackendErrors => "backend_errors",
            Self::GatewayOverhead => "gateway_overhead",
            Self::InsufficientEvidence => "insufficient_evidence",
            Self::Recovered => "recovered",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// A few words for a person: what kind of problem this is.
    pub fn title(self) -> &'static str {
        match self {
            Self::IntegrationTimeoutTooLow => "Integration timeout set too low",
            Self::HardLimit => "Backend needs longer than API Gateway allows",
            Self::BackendSlow => "Backend is slow",
            Self::ColdStart => "Cold starts push requests over the limit",
            Self::FunctionTimeout => "Function times out before the gateway does",
            Self::Throttling => "Backend is throttling requests",
            Self::BackendErrors => "Backend is failing",
            Self::GatewayOverhead => "Time is lost between the gateway and the backend",
            Self::InsufficientEvidence => "Not enough evidence to decide",
            Self::Recovered => "Recovered",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        })
    }
}

/// Which of the three steps a finding belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Step 1: where did the request die?
    WhereDied,
    /// Step 2: is the backend the bottleneck?
    Backend,
    /// Context that bears on the fix (recent changes, settings).
    Context,
}

impl Step {
    pub fn title(self) -> &'static str {
        match self {
            Self::WhereDied => "Where requests died",
            Self::Backend => "Backend",
            Self::Context => "Context",
        }
    }
}

/// One evidence line, with the numbers that prove it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub step: Step,
    pub text: String,
}

/// A way out, in concrete steps.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fix {
    pub title: String,
    pub steps: Vec<FixStep>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FixStep {
    /// Something to do by hand or to consider.
    Do { text: String },
    /// A command to run, valid as printed.
    Run { command: Command },
    /// Configuration to paste (SAM YAML).
    Snippet { language: String, text: String },
}

/// The outcome for one API.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnosis {
    pub verdict: Verdict,
    pub confidence: Confidence,
    /// One sentence: what happened and why.
    pub summary: String,
    pub findings: Vec<Finding>,
    pub fixes: Vec<Fix>,
    /// What could not be checked, and why.
    pub gaps: Vec<Gap>,
    /// Changes made shortly before the alarm.
    pub suspects: Vec<Change>,
    /// The worst failing requests, to look up, followed to their traces and invocations.
    pub worst_requests: Vec<WorstRequest>,
}

/// One of the worst failing requests, as the gateway, X-Ray and the function each saw it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorstRequest {
    /// The gateway's view; flattened so the JSON keeps `request_id`, `latency_ms`... at the top.
    #[serde(flatten)]
    pub request: RequestRecord,
    /// The invocation whose REPORT line carries the request's Lambda request id.
    pub function: Option<WorstFunction>,
    /// The trace that carries the request's API Gateway request id.
    pub trace: Option<WorstTrace>,
    /// Links that could not be made, and why, for a person to read.
    pub missing: Vec<String>,
}

impl WorstRequest {
    /// A request with nothing followed: for requests no other source could be asked about.
    pub fn alone(request: RequestRecord) -> Self {
        Self {
            request,
            function: None,
            trace: None,
            missing: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorstFunction {
    pub function: String,
    pub invocation: Invocation,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorstTrace {
    pub trace_id: String,
    pub duration_ms: f64,
    /// The subsegment that took the largest share of the trace.
    pub dominant: Option<String>,
    pub dominant_operation: Option<String>,
    /// Of the trace's duration, 0 to 1.
    pub dominant_share: Option<f64>,
}

/// What the diagnosis knows beyond the evidence: which alarm, which API, which window.
/// Built by the pipeline from the trigger; the diagnosis reads no clock and no environment.
#[derive(Debug, Clone, PartialEq)]
pub struct Context {
    pub api: crate::trigger::ApiRef,
    pub region: String,
    pub account: String,
    /// `None` for a scheduled check.
    pub state: Option<crate::trigger::AlarmState>,
    pub watch: crate::trigger::Watch,
    pub changed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub previous_changed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub alarm_name: Option<String>,
    pub window: crate::trigger::Window,
    pub window_clamped_from: Option<chrono::Duration>,
    /// The notification this one follows up (an OK after an ALARM), when it is known.
    pub earlier: Option<Earlier>,
}

/// The incident's first diagnosis, as remembered between invocations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Earlier {
    pub verdict: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// `812 ms`, `14.2 s`: milliseconds as a person reads them.
pub(crate) fn duration(ms: f64) -> String {
    if ms.abs() >= 1000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else {
        format!("{ms:.0} ms")
    }
}

/// `1 h 25 min`, `40 min`, `35 s`.
pub(crate) fn span(d: chrono::Duration) -> String {
    let s = d.num_seconds().max(0);
    match (s / 3600, (s % 3600) / 60) {
        (0, 0) => format!("{s} s"),
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}
