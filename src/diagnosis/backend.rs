//! Step 2: is the backend the bottleneck? Its duration against the gateway's timeout, its errors and
//! throttles, cold starts from its REPORT lines, and the dependency that dominates its slowest traces.

use super::{Finding, Step, duration};
use crate::evidence::api::Backend;
use crate::evidence::metrics::{Measure, Stat};
use crate::evidence::traces::TraceSummary;
use crate::evidence::{BackendEvidence, Evidence};
use std::collections::BTreeMap;

/// What the backend's own metrics and logs say.
#[derive(Debug, Clone, PartialEq)]
pub struct BackendView<'a> {
    pub evidence: &'a BackendEvidence,
    pub duration_p99: Option<f64>,
    pub duration_max: Option<f64>,
    pub baseline_duration_p99: Option<f64>,
    pub errors: Option<f64>,
    pub throttles: Option<f64>,
    pub concurrency_peak: Option<f64>,
    pub spillover: Option<f64>,
    pub target_5xx: Option<f64>,
    pub function_timeout_ms: Option<u32>,
    /// `Task timed out` lines in the function's log.
    pub task_timeouts: u64,
    pub cold: Option<ColdStarts>,
    pub dominant: Option<Dominant>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColdStarts {
    pub count: u64,
    pub invocations: u64,
    pub init_max: f64,
    pub total_max: f64,
    pub total_p99: f64,
    pub warm_p99: f64,
}

/// The subsegment that takes most of the slowest traces' time.
#[derive(Debug, Clone, PartialEq)]
pub struct Dominant {
    pub name: String,
    pub operation: Option<String>,
    /// Mean share of the traces' duration.
    pub share: f64,
    pub traces: usize,
}

impl BackendView<'_> {
    pub fn label(&self) -> String {
        label(&self.evidence.backend)
    }

    pub fn function(&self) -> Option<&str> {
        match &self.evidence.backend {
            Backend::Lambda { function, .. } => Some(function),
            _ => None,
        }
    }
}

pub fn label(b: &Backend) -> String {
    match b {
        Backend::Lambda {
            function,
            qualifier: Some(q),
        } => format!("Lambda function {function}:{q}"),
        Backend::Lambda {
            function,
            qualifier: None,
        } => format!("Lambda function {function}"),
        Backend::Http { url } => format!("HTTP endpoint {url}"),
        Backend::LoadBalancer {
            target,
            vpc_link_id,
        } => match crate::evidence::alb_dimension(target) {
            Some(dim) => format!(
                "Application Load Balancer {} (VPC link {vpc_link_id})",
                dim.split('/').nth(1).unwrap_or(&dim)
            ),
            None => format!("Load balancer behind VPC link {vpc_link_id}"),
        },
        Backend::AwsService { uri } => format!("AWS service integration {uri}"),
        Backend::Mock => "Mock integration".into(),
    }
}

/// The backend most likely behind the alarm: the one with the most trouble in its own evidence.
pub fn pick(evidence: &Evidence) -> Option<&BackendEvidence> {
    let window = evidence.window?;
    let trouble = |b: &BackendEvidence| {
        let m = &b.metrics;
        let sum = |measure| m.sum_in(measure, Stat::Sum, &window).unwrap_or(0.0);
        let log = b.function_log.as_ref();
        sum(Measure::LambdaErrors)
            + sum(Measure::LambdaThrottles)
            + sum(Measure::AlbTarget5xx)
            + log.map_or(0.0, |l| (l.timeouts.count + l.errors.count) as f64)
            + m.max_in(Measure::LambdaDuration, Stat::Maximum, &window)
                .unwrap_or(0.0)
                / 1000.0
            + m.max_in(Measure::AlbTargetResponseTime, Stat::Maximum, &window)
                .unwrap_or(0.0)
                / 1000.0
    };
    evidence
        .backends
        .iter()
        .max_by(|a, b| trouble(a).total_cmp(&trouble(b)))
}

pub fn read<'a>(b: &'a BackendEvidence, evidence: &Evidence) -> BackendView<'a> {
    let (Some(window), Some(baseline)) = (evidence.window, evidence.baseline) else {
        return empty(b);
    };
    let m = &b.metrics;
    let log = b.function_log.as_ref();
    let (duration_measure, p99_stat) = match b.backend {
        Backend::LoadBalancer { .. } => (Measure::AlbTargetResponseTime, Stat::P99),
        _ => (Measure::LambdaDuration, Stat::P99),
    };
    let log_max = log
        .map(|l| l.warm.max_ms.max(l.cold_total.max_ms))
        .filter(|v| *v > 0.0);
    let log_p99 = log
        .map(|l| l.warm.p99_ms.max(l.cold_total.p99_ms))
        .filter(|v| *v > 0.0);
    let cold = log.filter(|l| l.cold_starts > 0).map(|l| ColdStarts {
        count: l.cold_starts,
        invocations: l.invocations,
        init_max: l.init.max_ms,
        total_max: l.cold_total.max_ms,
        total_p99: l.cold_total.p99_ms,
        warm_p99: l.warm.p99_ms,
    });
    BackendView {
        evidence: b,
        duration_p99: m.max_in(duration_measure, p99_stat, &window).or(log_p99),
        duration_max: m
            .max_in(duration_measure, Stat::Maximum, &window)
            .or(log_max),
        baseline_duration_p99: m.max_in(duration_measure, p99_stat, &baseline),
        errors: m.sum_in(Measure::LambdaErrors, Stat::Sum, &window),
        throttles: m.sum_in(Measure::LambdaThrottles, Stat::Sum, &window),
        concurrency_peak: m.max_in(Measure::LambdaConcurrentExecutions, Stat::Maximum, &window),
        spillover: m.sum_in(Measure::LambdaSpillover, Stat::Sum, &window),
        target_5xx: m.sum_in(Measure::AlbTarget5xx, Stat::Sum, &window),
        function_timeout_ms: b
            .function
            .as_ref()
            .map(|f| f.timeout_s.saturating_mul(1000)),
        task_timeouts: log.map_or(0, |l| l.timeouts.count),
        cold,
        dominant: evidence.traces.as_deref().and_then(dominant),
    }
}

fn empty(b: &BackendEvidence) -> BackendView<'_> {
    BackendView {
        evidence: b,
        duration_p99: None,
        duration_max: None,
        baseline_duration_p99: None,
        errors: None,
        throttles: None,
        concurrency_peak: None,
        spillover: None,
        target_5xx: None,
        function_timeout_ms: b
            .function
            .as_ref()
            .map(|f| f.timeout_s.saturating_mul(1000)),
        task_timeouts: 0,
        cold: None,
        dominant: None,
    }
}

/// The subsegment with the largest mean share across the slowest traces.
pub fn dominant(traces: &[TraceSummary]) -> Option<Dominant> {
    let mut shares: BTreeMap<&str, (f64, usize, Option<&str>)> = BTreeMap::new();
    for t in traces.iter().filter(|t| t.duration_ms > 0.0) {
        for s in &t.subsegments {
            let e = shares
                .entry(s.name.as_str())
                .or_insert((0.0, 0, s.operation.as_deref()));
            e.0 += s.duration_ms / t.duration_ms;
            e.1 += 1;
        }
    }
    let n = traces.iter().filter(|t| t.duration_ms > 0.0).count();
    if n == 0 {
        return None;
    }
    shares
        .into_iter()
        .map(|(name, (sum, seen, op))| Dominant {
            name: name.to_string(),
            operation: op.map(str::to_string),
            share: sum / n as f64,
            traces: seen,
        })
        .max_by(|a, b| a.share.total_cmp(&b.share))
}

/// The numbers of step 2, as evidence lines.
pub fn findings(v: &BackendView, trace_count: Option<usize>) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut say = |text: String| {
        out.push(Finding {
            step: Step::Backend,
            text,
        })
    };
    let who = v.label();
    if let Some(f) = &v.evidence.function {
        say(format!(
            "{who}: timeout {} s, memory {} MB, {}{}{}.",
            f.timeout_s,
            f.memory_mb,
            f.architecture,
            f.runtime
                .as_deref()
                .map(|r| format!(", {r}"))
                .unwrap_or_default(),
            match (f.reserved_concurrency, f.provisioned_concurrency) {
                (Some(r), Some(p)) => format!(", reserved concurrency {r}, provisioned {p}"),
                (Some(r), None) => format!(", reserved concurrency {r}"),
                (None, Some(p)) => format!(", provisioned concurrency {p}"),
                (None, None) => ", no reserved or provisioned concurrency".into(),
            }
        ));
    }
    let name = match v.evidence.backend {
        Backend::LoadBalancer { .. } => "TargetResponseTime",
        _ => "Duration",
    };
    if let (Some(p99), Some(max)) = (v.duration_p99, v.duration_max) {
        let base = v
            .baseline_duration_p99
            .map(|b| format!(" (p99 {} in the 30 min before)", duration(b)))
            .unwrap_or_default();
        say(format!(
            "{name} p99 {}, max {} in the window{base}.",
            duration(p99),
            duration(max)
        ));
    }
    let counts: Vec<String> = [
        ("Errors", v.errors),
        ("Throttles", v.throttles),
        ("HTTPCode_Target_5XX_Count", v.target_5xx),
        ("provisioned-concurrency spillover invocations", v.spillover),
    ]
    .into_iter()
    .filter_map(|(n, c)| c.filter(|c| *c > 0.0).map(|c| format!("{n} {c:.0}")))
    .collect();
    if !counts.is_empty() {
        say(format!("{who}: {}.", counts.join(", ")));
    }
    if let Some(c) = v.concurrency_peak {
        say(format!("Peak concurrent executions {c:.0}."));
    }
    if v.task_timeouts > 0 {
        say(format!(
            "{} invocations logged `Task timed out`.",
            v.task_timeouts
        ));
    }
    if let Some(c) = v.cold {
        say(format!(
            "{} of {} invocations were cold starts: init up to {}, init+duration up to {} (p99 {}); warm p99 {}.",
            c.count,
            c.invocations,
            duration(c.init_max),
            duration(c.total_max),
            duration(c.total_p99),
            duration(c.warm_p99)
        ));
    }
    if let (Some(d), Some(n)) = (&v.dominant, trace_count) {
        say(format!(
            "In the {n} slowest traces, {}{} took {:.0}% of the time on average.",
            d.name,
            d.operation
                .as_deref()
                .map(|o| format!(" ({o})"))
                .unwrap_or_default(),
            100.0 * d.share
        ));
    }
    out
}
