//! The alarm went back to OK: a short follow-up to the earlier notification.

use super::super::{Confidence, Context, Diagnosis, Finding, Step, Verdict, span};
use crate::evidence::Evidence;

pub(super) fn diagnose(ctx: &Context, evidence: &Evidence) -> Diagnosis {
    let name = ctx.alarm_name.as_deref().unwrap_or("The alarm");
    let since = ctx
        .previous_changed_at
        .or(ctx.earlier.as_ref().map(|e| e.at));
    let lasted = match (ctx.changed_at, since) {
        (Some(now), Some(then)) if now > then => format!(" after {} in ALARM", span(now - then)),
        _ => String::new(),
    };
    let when = ctx
        .changed_at
        .map(|t| format!(" at {}", t.format("%Y-%m-%d %H:%M UTC")))
        .unwrap_or_default();
    let mut findings = Vec::new();
    match (&ctx.earlier, since) {
        (Some(e), _) => findings.push(Finding {
            step: Step::Context,
            text: format!(
                "Follows up the {} diagnosis sent when it entered ALARM at {}.",
                e.verdict,
                e.at.format("%Y-%m-%d %H:%M UTC")
            ),
        }),
        (None, Some(then)) => findings.push(Finding {
            step: Step::Context,
            text: format!("It entered ALARM at {}.", then.format("%Y-%m-%d %H:%M UTC")),
        }),
        (None, None) => {}
    }
    Diagnosis {
        verdict: Verdict::Recovered,
        confidence: Confidence::High,
        summary: format!("{name} on {} returned to OK{when}{lasted}.", ctx.api),
        findings,
        fixes: Vec::new(),
        gaps: evidence.gaps.clone(),
        suspects: Vec::new(),
        worst_requests: Vec::new(),
    }
}
