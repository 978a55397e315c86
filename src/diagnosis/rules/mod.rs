//! Step 3: one verdict from the closed set. Each rule is named for the condition it detects, one
//! rule a file; they are tried in order of specificity and the first that holds wins.

mod backend_errors;
mod backend_slow;
mod cold_start;
mod function_timeout;
mod gateway_overhead;
mod hard_limit;
mod insufficient_evidence;
mod integration_timeout_too_low;
mod recovered;
mod throttling;

use super::backend::{self, BackendView};
use super::where_died::{self, GatewayView};
use super::{Confidence, Context, Diagnosis, Finding, Fix, Step, Verdict, duration, span};
use crate::evidence::Evidence;
use crate::evidence::api::{ApiDescription, Integration};
use crate::evidence::changes::Change;
use crate::evidence::metrics::{Measure, Stat};
use crate::trigger::AlarmState;

/// Everything the rules read, computed once.
pub(crate) struct Facts<'a> {
    pub ctx: &'a Context,
    pub evidence: &'a Evidence,
    pub api: Option<&'a ApiDescription>,
    pub focus: Option<&'a Integration>,
    pub gateway: GatewayView,
    pub backend: Option<BackendView<'a>>,
}

impl<'a> Facts<'a> {
    fn new(ctx: &'a Context, evidence: &'a Evidence) -> Self {
        let api = evidence.api.as_ref();
        let picked = backend::pick(evidence);
        let focus = picked
            .map(|b| &b.integration)
            .or_else(|| api.and_then(|a| a.integrations.first()));
        Self {
            ctx,
            evidence,
            api,
            focus,
            gateway: where_died::read(evidence, api, focus),
            backend: picked.map(|b| backend::read(b, evidence)),
        }
    }

    /// Changes shortly before the alarm, newest first.
    fn suspects(&self) -> Vec<Change> {
        let mut c: Vec<Change> = self
            .evidence
            .changes
            .iter()
            .flatten()
            .filter(|c| c.at <= self.ctx.window.end)
            .cloned()
            .collect();
        c.sort_by_key(|c| std::cmp::Reverse(c.at));
        c
    }

    pub fn region(&self) -> &str {
        &self.ctx.region
    }

    /// The backend's duration beyond which a request cannot be served by this integration.
    pub fn effective_ms(&self) -> Option<f64> {
        self.gateway.limits.map(|l| f64::from(l.effective_ms))
    }
}

/// What a rule concluded.
pub(crate) struct Detection {
    pub verdict: Verdict,
    pub confidence: Confidence,
    pub summary: String,
    pub findings: Vec<Finding>,
    pub fixes: Vec<Fix>,
}

type Rule = fn(&Facts) -> Option<Detection>;

/// Most specific first: a throttle or a function timeout explains timeouts that would otherwise
/// look like a slow backend.
const RULES: [Rule; 8] = [
    throttling::detect,
    function_timeout::detect,
    cold_start::detect,
    integration_timeout_too_low::detect,
    hard_limit::detect,
    backend_slow::detect,
    backend_errors::detect,
    gateway_overhead::detect,
];

/// Evidence to diagnosis. Pure.
pub fn diagnose(ctx: &Context, evidence: &Evidence) -> Diagnosis {
    if ctx.state == Some(AlarmState::Ok) {
        return recovered::diagnose(ctx, evidence);
    }
    let facts = Facts::new(ctx, evidence);
    let detection = RULES
        .iter()
        .find_map(|rule| rule(&facts))
        .unwrap_or_else(|| insufficient_evidence::detect(&facts));
    assemble(&facts, detection)
}

/// A scheduled check found nothing wrong: no 5XX and no failing request in the window.
/// A check that could not read the 5XX count (denied, late, unreadable) is blind, not quiet.
pub fn quiet(evidence: &Evidence) -> bool {
    let Some(w) = evidence.window else {
        return false;
    };
    let Some(fives) = evidence.api_metrics.get(Measure::Api5xx, Stat::Sum) else {
        return false;
    };
    let errors = fives.sum_in(&w).unwrap_or(0.0);
    let logged = evidence
        .execution_log
        .as_ref()
        .map_or(0, |e| e.total_failures());
    errors == 0.0 && logged == 0
}

fn assemble(f: &Facts, d: Detection) -> Diagnosis {
    let mut findings = where_died::findings(&f.gateway, f.focus);
    if let Some(b) = &f.backend {
        findings.extend(backend::findings(
            b,
            f.evidence.traces.as_ref().map(Vec::len),
        ));
    }
    findings.extend(d.findings);
    findings.extend(context_findings(f));
    let worst_requests = f
        .evidence
        .execution_log
        .as_ref()
        .map(|e| e.slowest_failing.clone())
        .filter(|r| !r.is_empty())
        .or_else(|| {
            f.evidence
                .access_log
                .as_ref()
                .map(|a| a.slowest_failing.clone())
        })
        .unwrap_or_default();
    Diagnosis {
        verdict: d.verdict,
        confidence: d.confidence,
        summary: d.summary,
        findings,
        fixes: d.fixes,
        gaps: f.evidence.gaps.clone(),
        suspects: f.suspects(),
        worst_requests,
    }
}

fn context_findings(f: &Facts) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut say = |text: String| {
        out.push(Finding {
            step: Step::Context,
            text,
        })
    };
    if let (Some(b), Some(l)) = (&f.backend, f.gateway.limits)
        && let Some(ft) = b.function_timeout_ms
        && ft > l.effective_ms
    {
        say(format!(
            "{}'s timeout ({}) is longer than its integration's ({}): after the client gets its 504 the function keeps running, and billing, for up to {} more.",
            b.label(),
            duration(f64::from(ft)),
            duration(f64::from(l.effective_ms)),
            duration(f64::from(ft - l.effective_ms))
        ));
    }
    if let Some(c) = f.suspects().first() {
        let before = f.ctx.window.end - c.at;
        say(format!(
            "Suspect: {} of {} {} before the alarm{}{}.",
            c.kind.describe(),
            c.resource,
            span(before),
            c.actor
                .as_deref()
                .map(|a| format!(" by {a}"))
                .unwrap_or_default(),
            c.detail
                .as_deref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default()
        ));
    }
    if let Some(full) = f.ctx.window_clamped_from {
        say(format!(
            "The alarm evaluates {} at a time; only the last {} were examined, to keep log queries bounded.",
            span(full),
            span(f.ctx.window.length())
        ));
    }
    out
}

/// Two sources that agree make a verdict firmer than one.
pub(crate) fn confidence_from(agreeing: usize) -> Confidence {
    match agreeing {
        0 | 1 => Confidence::Low,
        2 => Confidence::Medium,
        _ => Confidence::High,
    }
}

/// An alarm that names no API it can be diagnosed against is still reported, with why.
pub fn undiagnosable(alarm_name: &str, why: &str, gaps: Vec<crate::evidence::Gap>) -> Diagnosis {
    Diagnosis {
        verdict: Verdict::InsufficientEvidence,
        confidence: Confidence::Low,
        summary: format!("{alarm_name} could not be diagnosed: {why}."),
        findings: Vec::new(),
        fixes: vec![Fix {
            title: "Point the alarm at one API stage".into(),
            steps: vec![super::fixes::say(
                "Give the alarm (or, for a composite, its child alarms) the ApiName+Stage (REST) or ApiId+Stage (HTTP) dimensions of the API it watches, so gateway-doctor knows what to examine.",
            )],
        }],
        gaps,
        suspects: Vec::new(),
        worst_requests: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::metrics::{Series, SeriesSet};
    use crate::trigger::Window;
    use chrono::{TimeZone, Utc};

    fn checked(series: Vec<Series>) -> Evidence {
        Evidence {
            api_metrics: SeriesSet(series),
            window: Some(Window {
                start: Utc.with_ymd_and_hms(2026, 11, 24, 2, 0, 0).unwrap(),
                end: Utc.with_ymd_and_hms(2026, 11, 24, 2, 15, 0).unwrap(),
            }),
            ..Evidence::default()
        }
    }

    #[test]
    fn a_check_that_read_no_5xx_in_the_window_is_quiet() {
        let none = Series {
            measure: Measure::Api5xx,
            stat: Stat::Sum,
            points: Vec::new(),
        };
        assert!(quiet(&checked(vec![none])));
    }

    #[test]
    fn a_check_that_could_not_read_the_5xx_count_is_not_quiet() {
        assert!(!quiet(&checked(Vec::new())));
    }
}
