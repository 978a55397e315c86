//! Step 1: where did the requests die? The gateway's own view: latency against integration latency
//! against the integration's timeout, and the failing requests classified from the logs.

use super::limits::{TimeoutLimits, timeout_limits};
use super::{Finding, Step, duration};
use crate::evidence::Evidence;
use crate::evidence::api::{ApiDescription, Integration};
use crate::evidence::logs::FailureClass;
use crate::evidence::metrics::{Measure, Stat};
use std::collections::BTreeMap;

/// What the gateway saw in the window.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GatewayView {
    pub limits: Option<TimeoutLimits>,
    pub errors_5xx: Option<f64>,
    pub requests: Option<f64>,
    pub latency_p99: Option<f64>,
    pub latency_max: Option<f64>,
    pub integration_p99: Option<f64>,
    pub integration_max: Option<f64>,
    pub baseline_integration_p99: Option<f64>,
    /// Failing requests by cause, from the execution log or else the access log.
    pub failures: BTreeMap<FailureClass, u64>,
    pub failures_from: Option<&'static str>,
}

impl GatewayView {
    pub fn failures_of(&self, class: FailureClass) -> u64 {
        self.failures.get(&class).copied().unwrap_or(0)
    }

    pub fn logged_failures(&self) -> u64 {
        self.failures.values().sum()
    }

    pub fn timeouts(&self) -> u64 {
        self.failures_of(FailureClass::IntegrationTimeout)
    }

    /// Requests are being cut off at the integration's timeout.
    pub fn cut_at_timeout(&self) -> bool {
        if self.timeouts() > 0 {
            return true;
        }
        match (self.integration_max, self.limits) {
            (Some(max), Some(l)) => max >= 0.95 * f64::from(l.effective_ms),
            _ => false,
        }
    }

    /// Latency spent outside the integration (p99 against p99).
    pub fn overhead_ms(&self) -> Option<f64> {
        Some(self.latency_p99? - self.integration_p99?)
    }
}

/// Reads the gateway's view for the integration in focus.
pub fn read(
    evidence: &Evidence,
    api: Option<&ApiDescription>,
    focus: Option<&Integration>,
) -> GatewayView {
    let m = &evidence.api_metrics;
    let (window, baseline) = match (evidence.window, evidence.baseline) {
        (Some(w), Some(b)) => (w, b),
        _ => return GatewayView::default(),
    };
    let limits = api.map(|a| {
        timeout_limits(
            a.protocol,
            a.endpoint_type,
            focus.and_then(|i| i.timeout_ms),
        )
    });
    let (failures, failures_from) = if let Some(e) = &evidence.execution_log {
        let f: BTreeMap<FailureClass, u64> =
            e.failures.iter().map(|(c, t)| (*c, t.count)).collect();
        (f, Some("execution log"))
    } else if let Some(a) = &evidence.access_log {
        (classify_statuses(a), Some("access log"))
    } else {
        (BTreeMap::new(), None)
    };
    GatewayView {
        limits,
        errors_5xx: m.sum_in(Measure::Api5xx, Stat::Sum, &window),
        requests: m.sum_in(Measure::ApiCount, Stat::Sum, &window),
        latency_p99: m.max_in(Measure::ApiLatency, Stat::P99, &window),
        latency_max: m.max_in(Measure::ApiLatency, Stat::Maximum, &window),
        integration_p99: m.max_in(Measure::ApiIntegrationLatency, Stat::P99, &window),
        integration_max: m.max_in(Measure::ApiIntegrationLatency, Stat::Maximum, &window),
        baseline_integration_p99: m.max_in(Measure::ApiIntegrationLatency, Stat::P99, &baseline),
        failures,
        failures_from,
    }
}

/// Access logs carry statuses, not causes: a 504 is a timeout, a 502/503 the backend's answer.
fn classify_statuses(a: &crate::evidence::logs::AccessSummary) -> BTreeMap<FailureClass, u64> {
    let malformed = a
        .integration_errors
        .keys()
        .any(|e| e.to_ascii_lowercase().contains("malformed"));
    let mut out = BTreeMap::new();
    for (status, n) in &a.statuses {
        let class = match status {
            504 => FailureClass::IntegrationTimeout,
            502 if malformed => FailureClass::MalformedProxyResponse,
            502 | 503 => FailureClass::BackendStatus5xx,
            s if *s >= 500 => FailureClass::Other5xx,
            _ => continue,
        };
        *out.entry(class).or_insert(0) += n;
    }
    out
}

/// The numbers of step 1, as evidence lines.
pub fn findings(v: &GatewayView, focus: Option<&Integration>) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut say = |text: String| {
        out.push(Finding {
            step: Step::WhereDied,
            text,
        })
    };
    if let (Some(e), Some(n)) = (v.errors_5xx, v.requests) {
        let share = if n > 0.0 { 100.0 * e / n } else { 0.0 };
        say(format!(
            "{e:.0} of {n:.0} requests returned 5XX in the window ({share:.1}%)."
        ));
    } else if let Some(e) = v.errors_5xx {
        say(format!("{e:.0} requests returned 5XX in the window."));
    }
    if let (Some(i), Some(l)) = (v.integration_max, v.limits) {
        let at = 100.0 * i / f64::from(l.effective_ms);
        let route = focus
            .map(|f| format!(" of {}", f.route))
            .unwrap_or_default();
        say(format!(
            "IntegrationLatency peaked at {} against the integration timeout{route} of {} ({at:.0}% of it){}.",
            duration(i),
            duration(f64::from(l.effective_ms)),
            if l.custom {
                ", a custom value"
            } else {
                ", the platform default"
            }
        ));
    }
    if let (Some(lat), Some(int)) = (v.latency_p99, v.integration_p99) {
        say(format!(
            "Latency p99 {} vs IntegrationLatency p99 {}: {} spent in the gateway itself.",
            duration(lat),
            duration(int),
            duration((lat - int).max(0.0))
        ));
    }
    if let Some(from) = v.failures_from {
        let total = v.logged_failures();
        if total > 0 {
            let parts: Vec<String> = v
                .failures
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(c, n)| format!("{n} {}", c.describe()))
                .collect();
            say(format!(
                "The {from} shows {total} failing requests: {}.",
                parts.join(", ")
            ));
        } else {
            say(format!(
                "The {from} shows no failing requests in the window."
            ));
        }
    }
    out
}
