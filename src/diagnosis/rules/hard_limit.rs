//! The backend legitimately needs longer than API Gateway allows.

use super::super::fixes::go_async;
use super::super::{Confidence, Finding, Step, Verdict, duration};
use super::{Detection, Facts};
use crate::trigger::Watch;

pub(super) fn detect(f: &Facts) -> Option<Detection> {
    let l = f.gateway.limits?;
    let api = f.api?;
    let b = f.backend.as_ref()?;
    let max = f64::from(l.platform_max_ms);
    let at_limit = (!l.custom && f.gateway.cut_at_timeout())
        || (f.ctx.watch == Watch::Latency
            && f.gateway.integration_max.is_some_and(|m| m >= 0.9 * max));
    let p99 = b.duration_p99?;
    if !at_limit || p99 < max {
        return None;
    }
    let always = b
        .baseline_duration_p99
        .is_some_and(|base| base >= 0.8 * max);
    let dominated = b.dominant.as_ref().is_some_and(|d| d.share >= 0.4);
    if !always && dominated {
        return None; // a newly slow dependency: backend_slow names it
    }
    let mut findings = vec![Finding {
        step: Step::Backend,
        text: format!(
            "{} needs {} at p99 (max {}), more than the {} any {} integration may wait.",
            b.label(),
            duration(p99),
            duration(b.duration_max.unwrap_or(p99)),
            duration(max),
            api.kind()
        ),
    }];
    if let Some(base) = b.baseline_duration_p99.filter(|_| always) {
        findings.push(Finding {
            step: Step::Backend,
            text: format!("It was as slow before the alarm (p99 {} in the 30 min before): this is the work's normal length, not a regression.", duration(base)),
        });
    }
    Some(Detection {
        verdict: Verdict::HardLimit,
        confidence: if always {
            Confidence::High
        } else {
            Confidence::Medium
        },
        summary: format!(
            "{} needs {} at p99, longer than API Gateway's {} limit: no timeout setting fixes this; the work has to leave the request path.",
            b.label(),
            duration(p99),
            duration(max)
        ),
        findings,
        fixes: vec![go_async(api, Some(l), f.region())],
    })
}
