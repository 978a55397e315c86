//! A custom integration timeout below the platform maximum cuts off requests the backend would finish.

use super::super::fixes::{raise_timeout, round_timeout};
use super::super::{Confidence, Finding, Fix, Step, Verdict, duration};
use super::{Detection, Facts};

pub(super) fn detect(f: &Facts) -> Option<Detection> {
    let l = f.gateway.limits?;
    let (api, i) = (f.api?, f.focus?);
    if !l.custom || !f.gateway.cut_at_timeout() {
        return None;
    }
    let eff = f64::from(l.effective_ms);
    let max = f64::from(l.platform_max_ms);
    let needed = f.backend.as_ref().and_then(|b| b.duration_max);
    let (confidence, to) = match needed {
        // Known to finish within the platform limit: raising the timeout lets them through.
        Some(d) if d > 0.95 * eff && d < max => {
            (Confidence::High, round_timeout(d * 1.2, l.platform_max_ms))
        }
        // Needs more than the platform allows: that is a hard limit, not this.
        Some(d) if d >= max => return None,
        // Finishes well within the timeout: something else cuts requests.
        Some(_) => return None,
        None => (Confidence::Medium, l.platform_max_ms),
    };
    let route = &i.route;
    let mut findings = vec![Finding {
        step: Step::WhereDied,
        text: format!(
            "{route} has a custom integration timeout of {}, below the {} the platform allows, and requests are cut off at it.",
            duration(eff),
            duration(max)
        ),
    }];
    let summary = match (needed, &f.backend) {
        (Some(d), Some(b)) => {
            findings.push(Finding {
                step: Step::Backend,
                text: format!(
                    "{} finished its slowest invocations in {}, after the gateway had given up.",
                    b.label(),
                    duration(d)
                ),
            });
            format!(
                "Requests to {route} die at its custom {} integration timeout while {} needs up to {}: raising it to {} lets them finish within the {} limit.",
                duration(eff),
                b.label(),
                duration(d),
                duration(f64::from(to)),
                duration(max)
            )
        }
        _ => format!(
            "Requests to {route} die at its custom {} integration timeout; the backend's own duration is not visible, so the new value is the platform's {}.",
            duration(eff),
            duration(max)
        ),
    };
    Some(Detection {
        verdict: Verdict::IntegrationTimeoutTooLow,
        confidence,
        summary,
        findings,
        fixes: vec![Fix {
            title: format!(
                "Raise the integration timeout of {route} to {}",
                duration(f64::from(to))
            ),
            steps: raise_timeout(api, i, to, f.region()),
        }],
    })
}
