//! The backend rejects load: Lambda 429s in the execution log, or Throttles in its metrics.

use super::super::fixes::{run, say};
use super::super::{Command, Finding, Fix, Step, Verdict};
use super::{Detection, Facts, confidence_from};
use crate::evidence::logs::FailureClass;

/// Lambda's account-level "Concurrent executions" quota.
const LAMBDA_CONCURRENCY_QUOTA: &str = "L-B99A9384";

pub(super) fn detect(f: &Facts) -> Option<Detection> {
    let g = &f.gateway;
    let logged = g.failures_of(FailureClass::Throttled);
    let log_says = logged > 0 && logged as f64 >= 0.2 * g.logged_failures() as f64;
    let b = f.backend.as_ref();
    let throttles = b.and_then(|b| b.throttles).unwrap_or(0.0);
    let metric_says = throttles >= 1.0 && throttles >= 0.2 * g.errors_5xx.unwrap_or(0.0);
    if !log_says && !metric_says {
        return None;
    }
    let function = b.and_then(|b| b.evidence.function.as_ref());
    let peak = b.and_then(|b| b.concurrency_peak);
    let reserved = function.and_then(|f| f.reserved_concurrency);
    let at_reserved = matches!((peak, reserved), (Some(p), Some(r)) if p >= 0.95 * f64::from(r));
    let mut findings = Vec::new();
    if log_says {
        findings.push(Finding {
            step: Step::WhereDied,
            text: format!(
                "{logged} of {} failing requests were Lambda throttles (`Lambda invocation failed with status: 429`).",
                g.logged_failures()
            ),
        });
    }
    if let (true, Some(p), Some(r)) = (at_reserved, peak, reserved) {
        findings.push(Finding {
            step: Step::Backend,
            text: format!("Concurrency peaked at {p:.0}, the function's reserved concurrency of {r}: every request above it was rejected."),
        });
    }
    let region = f.region();
    let mut steps = Vec::new();
    match (function, reserved) {
        (Some(func), Some(r)) if at_reserved => {
            let to = (peak.unwrap_or(f64::from(r)) * 2.0)
                .ceil()
                .max(f64::from(r) + 1.0) as u32;
            steps.push(say(format!(
                "Raise the reserved concurrency of {} from {r} to about {to} (twice the peak), within the account's unreserved pool:",
                func.name
            )));
            steps.push(run(Command::aws("lambda", "put-function-concurrency")
                .arg("function-name", &func.name)
                .arg("reserved-concurrent-executions", to.to_string())
                .arg("region", region)));
        }
        _ => {
            steps.push(say(
                "The account's concurrency limit is the ceiling: check it, then ask for more.",
            ));
            steps.push(run(
                Command::aws("lambda", "get-account-settings").arg("region", region)
            ));
            let want = peak.map_or(2000, |p| ((p * 2.0).ceil() as u32).max(2000));
            steps.push(run(Command::aws(
                "service-quotas",
                "request-service-quota-increase",
            )
            .arg("service-code", "lambda")
            .arg("quota-code", LAMBDA_CONCURRENCY_QUOTA)
            .arg("desired-value", want.to_string())
            .arg("region", region)));
        }
    }
    steps.push(say("Make clients retry 5XX and 429 with exponential backoff and jitter, and set a usage plan or stage throttle so excess load is turned away at the gateway with 429 instead of failing as 5XX."));
    let who = b.map(|b| b.label()).unwrap_or_else(|| "The backend".into());
    let summary = match (at_reserved, reserved, peak) {
        (true, Some(r), _) => format!(
            "{who} is throttled at its reserved concurrency of {r}: {} requests were rejected with 429.",
            logged.max(throttles as u64)
        ),
        (_, _, Some(p)) => format!(
            "{who} is rejecting invocations (Throttles {throttles:.0}, peak concurrency {p:.0})."
        ),
        _ => format!("{who} is rejecting invocations with 429 throttles."),
    };
    Some(Detection {
        verdict: Verdict::Throttling,
        confidence: confidence_from(
            usize::from(log_says) + usize::from(metric_says) + usize::from(at_reserved),
        ),
        summary,
        findings,
        fixes: vec![Fix {
            title: "Give the backend the concurrency the load needs".into(),
            steps,
        }],
    })
}
