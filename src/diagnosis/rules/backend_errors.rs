//! 5XX that are not about time: function errors, malformed proxy responses, backend 5XX.

use super::super::fixes::{run, say};
use super::super::{Command, Finding, Fix, Step, Verdict, span};
use super::{Detection, Facts, confidence_from};
use crate::evidence::api::Backend;
use crate::evidence::logs::{FailureClass, Tally};

const ERROR_CLASSES: [FailureClass; 4] = [
    FailureClass::FunctionError,
    FailureClass::MalformedProxyResponse,
    FailureClass::BackendStatus5xx,
    FailureClass::Other5xx,
];

pub(super) fn detect(f: &Facts) -> Option<Detection> {
    let g = &f.gateway;
    let logged: u64 = ERROR_CLASSES.iter().map(|c| g.failures_of(*c)).sum();
    let log_says = logged > 0 && logged as f64 >= 0.5 * g.logged_failures() as f64;
    let b = f.backend.as_ref();
    let lambda_errors = b.and_then(|b| b.errors).unwrap_or(0.0);
    let target_5xx = b.and_then(|b| b.target_5xx).unwrap_or(0.0);
    let metric_says = (lambda_errors >= 1.0 && g.timeouts() == 0) || target_5xx >= 1.0;
    if !log_says && !metric_says {
        return None;
    }
    // The class that explains most of the failures, with its samples.
    let main = ERROR_CLASSES
        .iter()
        .copied()
        .max_by_key(|c| g.failures_of(*c))
        .filter(|c| g.failures_of(*c) > 0);
    let tally = main.and_then(|c| tally_of(f, c));
    let samples = tally
        .map(|t| t.sample_request_ids.join(", "))
        .filter(|s| !s.is_empty());
    let message = tally.and_then(|t| t.sample_message.clone());
    let region = f.region();
    let mut findings = Vec::new();
    let mut steps = Vec::new();
    if let Some(c) = f.suspects().first() {
        steps.push(say(format!(
            "The errors began after the {} of {} {} before the alarm{}: roll it back first, then fix forward.",
            c.kind.describe(),
            c.resource,
            span(f.ctx.window.end - c.at),
            c.actor.as_deref().map(|a| format!(" by {a}")).unwrap_or_default()
        )));
    }
    let (title, what) = match main {
        Some(FailureClass::MalformedProxyResponse) => {
            steps.push(say("A Lambda proxy integration needs the function to return {\"statusCode\": 200, \"headers\": {...}, \"body\": \"...\"} with body a string (JSON-encode objects; set isBase64Encoded for binary). Fix the handler's return value."));
            (
                "Return a well-formed proxy response",
                "malformed Lambda proxy responses",
            )
        }
        Some(FailureClass::FunctionError) => {
            steps.push(say(format!(
                "Fix the function error{}.",
                message
                    .as_deref()
                    .map(|m| format!(" `{m}`"))
                    .unwrap_or_default()
            )));
            ("Fix the function's error", "function errors")
        }
        _ => ("Fix the failing backend", "backend 5XX responses"),
    };
    if let Some(s) = &samples {
        findings.push(Finding {
            step: Step::WhereDied,
            text: format!("Sample failing request ids: {s}."),
        });
    }
    match b.map(|b| &b.evidence.backend) {
        Some(Backend::Lambda { function, .. }) => {
            let (start, end) = (
                f.ctx.window.start.timestamp_millis(),
                f.ctx.window.end.timestamp_millis(),
            );
            steps.push(say(format!("Read {function}'s errors in the window:")));
            steps.push(run(Command::aws("logs", "filter-log-events")
                .arg("log-group-name", format!("/aws/lambda/{function}"))
                .arg("start-time", start.to_string())
                .arg("end-time", end.to_string())
                .arg(
                    "filter-pattern",
                    "?ERROR ?Error ?Exception ?\"Task timed out\"",
                )
                .arg("region", region)));
        }
        Some(Backend::LoadBalancer { target, .. }) => {
            if let Some(lb) = load_balancer_arn(target) {
                steps.push(say("The load balancer's targets return the 5XX: check their health and logs. List its target groups, then run describe-target-health on each:"));
                steps.push(run(Command::aws("elbv2", "describe-target-groups")
                    .arg("load-balancer-arn", lb)
                    .arg("region", region)));
            }
        }
        _ => {}
    }
    if lambda_errors >= 1.0 {
        findings.push(Finding {
            step: Step::Backend,
            text: format!("The function reported {lambda_errors:.0} Errors in the window."),
        });
    }
    if target_5xx >= 1.0 {
        findings.push(Finding {
            step: Step::Backend,
            text: format!("The load balancer's targets answered {target_5xx:.0} 5XX (HTTPCode_Target_5XX_Count)."),
        });
    }
    let who = b.map(|b| b.label()).unwrap_or_else(|| "The backend".into());
    let count = if logged > 0 {
        logged
    } else {
        (lambda_errors + target_5xx) as u64
    };
    Some(Detection {
        verdict: Verdict::BackendErrors,
        confidence: confidence_from(
            usize::from(log_says) * 2 + usize::from(metric_says) + usize::from(samples.is_some()),
        ),
        summary: format!(
            "{who} is failing, not slow: {count} {what}{}.",
            message
                .as_deref()
                .map(|m| format!(" (`{m}`)"))
                .unwrap_or_default()
        ),
        findings,
        fixes: vec![Fix {
            title: title.into(),
            steps,
        }],
    })
}

fn tally_of<'a>(f: &'a Facts, class: FailureClass) -> Option<&'a Tally> {
    if let Some(t) = f
        .evidence
        .execution_log
        .as_ref()
        .and_then(|e| e.failures.get(&class))
    {
        return Some(t);
    }
    f.evidence
        .access_log
        .as_ref()?
        .integration_errors
        .values()
        .max_by_key(|t| t.count)
}

/// The load balancer's ARN from a listener ARN (`...:listener/app/NAME/ID/LISTENER`).
fn load_balancer_arn(target: &str) -> Option<String> {
    let (head, rest) = target.split_once(":listener/")?;
    let mut parts = rest.split('/');
    let (kind, name, id) = (parts.next()?, parts.next()?, parts.next()?);
    Some(format!("{head}:loadbalancer/{kind}/{name}/{id}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_listener_arn_gives_its_load_balancer_arn() {
        assert_eq!(
            super::load_balancer_arn("arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/inventory-alb/50dc6c495c0c9188/0467ef3c8400ae65").as_deref(),
            Some("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/inventory-alb/50dc6c495c0c9188")
        );
    }
}
