//! The backend is slow and eats the budget; the slowest traces name the dependency.

use super::super::fixes::{go_async, say};
use super::super::{Finding, Fix, Step, Verdict, duration, span};
use super::{Detection, Facts, confidence_from};
use crate::trigger::Watch;

pub(super) fn detect(f: &Facts) -> Option<Detection> {
    let g = &f.gateway;
    let eff = f.effective_ms()?;
    if !g.cut_at_timeout() && f.ctx.watch != Watch::Latency {
        return None;
    }
    let b = f.backend.as_ref();
    let backend_fills = b
        .and_then(|b| b.duration_p99)
        .is_some_and(|d| d >= 0.5 * eff)
        || b.and_then(|b| b.duration_max)
            .is_some_and(|d| d >= 0.5 * eff);
    let integration_dominates = match (g.integration_p99, g.latency_p99) {
        (Some(i), Some(l)) => l > 0.0 && i >= 0.7 * l,
        _ => false,
    };
    if !backend_fills && !integration_dominates {
        return None;
    }
    let dominant = b
        .and_then(|b| b.dominant.as_ref())
        .filter(|d| d.share >= 0.4);
    let regression = match (
        b.and_then(|b| b.duration_p99),
        b.and_then(|b| b.baseline_duration_p99),
    ) {
        (Some(now), Some(before)) => before > 0.0 && now >= 2.0 * before,
        _ => match (g.integration_p99, g.baseline_integration_p99) {
            (Some(now), Some(before)) => before > 0.0 && now >= 2.0 * before,
            _ => false,
        },
    };
    let who = b.map(|b| b.label()).unwrap_or_else(|| "The backend".into());
    let time = b
        .and_then(|b| b.duration_p99)
        .or(g.integration_p99)
        .unwrap_or(eff);
    let mut findings = Vec::new();
    let mut steps = Vec::new();
    let summary = match dominant {
        Some(d) => {
            let op = d
                .operation
                .as_deref()
                .map(|o| format!(" {o}"))
                .unwrap_or_default();
            findings.push(Finding {
                step: Step::Backend,
                text: format!(
                    "{}{op} dominates the slowest traces ({:.0}% of their time).",
                    d.name,
                    100.0 * d.share
                ),
            });
            steps.push(say(format!(
                "Speed up or bound the calls to {}{op}: give the client a timeout well under the {} budget, retry once with backoff, cache what can be cached, and check that dependency's own latency and limits.",
                d.name,
                duration(eff)
            )));
            format!(
                "{who} is slow ({} at p99) because {}{op} takes {:.0}% of its time.",
                duration(time),
                d.name,
                100.0 * d.share
            )
        }
        None => {
            steps.push(say(format!(
                "Find where {who} spends its {}: turn on X-Ray tracing (stage and function) to see the slow dependency, and try more memory (CPU scales with it).",
                duration(time)
            )));
            format!(
                "{who} is slow: {} at p99 against a {} timeout.",
                duration(time),
                duration(eff)
            )
        }
    };
    if regression {
        let before = b
            .and_then(|b| b.baseline_duration_p99)
            .or(g.baseline_integration_p99)
            .unwrap_or(0.0);
        findings.push(Finding {
            step: Step::Backend,
            text: format!(
                "This is a regression: p99 was {} in the 30 min before the window.",
                duration(before)
            ),
        });
        if let Some(c) = f.suspects().first() {
            steps.push(say(format!(
                "The slowdown follows the {} of {} {} before the alarm: compare it with the previous version, or roll it back.",
                c.kind.describe(),
                c.resource,
                span(f.ctx.window.end - c.at)
            )));
        }
    }
    let mut fixes = vec![Fix {
        title: match dominant {
            Some(d) => format!("Optimise {}", d.name),
            None => "Find and fix the slow part of the backend".into(),
        },
        steps,
    }];
    if let Some(api) = f.api
        && time >= 0.5 * eff
    {
        fixes.push(go_async(api, f.gateway.limits, f.region()));
    }
    Some(Detection {
        verdict: Verdict::BackendSlow,
        confidence: confidence_from(
            usize::from(backend_fills)
                + usize::from(integration_dominates)
                + usize::from(dominant.is_some())
                + usize::from(regression),
        ),
        summary,
        findings,
        fixes,
    })
}
