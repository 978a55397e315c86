//! Fix steps shared by several rules, with the API's real ids filled in.
//!
//! Only commands whose every argument is known are printed; where an id is missing, the step says
//! how to find it instead (with a command that is itself valid).

use super::limits::TimeoutLimits;
use super::{Command, Fix, FixStep};
use crate::evidence::api::{ApiDescription, Integration, Protocol};
use crate::trigger::ApiKind;

pub(crate) fn run(command: Command) -> FixStep {
    FixStep::Run { command }
}

pub(crate) fn say(text: impl Into<String>) -> FixStep {
    FixStep::Do { text: text.into() }
}

pub(crate) fn yaml(text: impl Into<String>) -> FixStep {
    FixStep::Snippet {
        language: "yaml".into(),
        text: text.into(),
    }
}

/// Rounds a timeout up to whole seconds, within API Gateway's bounds.
pub(crate) fn round_timeout(ms: f64, max_ms: u32) -> u32 {
    let secs = (ms / 1000.0).ceil().max(1.0) as u32;
    secs.saturating_mul(1000).clamp(50, max_ms)
}

/// Raise an integration's timeout and make it live.
pub(crate) fn raise_timeout(
    api: &ApiDescription,
    i: &Integration,
    to_ms: u32,
    region: &str,
) -> Vec<FixStep> {
    let mut steps = Vec::new();
    match api.protocol {
        Protocol::Rest => match (&i.resource_id, &i.http_method) {
            (Some(resource), Some(method)) => {
                steps.push(run(Command::aws("apigateway", "update-integration")
                    .arg("rest-api-id", &api.id)
                    .arg("resource-id", resource)
                    .arg("http-method", method)
                    .arg(
                        "patch-operations",
                        format!("op=replace,path=/timeoutInMillis,value={to_ms}"),
                    )
                    .arg("region", region)))
            }
            _ => {
                steps.push(say(format!(
                    "Find the resource id of {} with the command below, then set timeoutInMillis to {to_ms} with `aws apigateway update-integration` and a replace patch operation.",
                    i.route
                )));
                steps.push(run(Command::aws("apigateway", "get-resources")
                    .arg("rest-api-id", &api.id)
                    .arg("region", region)));
            }
        },
        Protocol::Http | Protocol::WebSocket => match &i.integration_id {
            Some(id) => steps.push(run(Command::aws("apigatewayv2", "update-integration")
                .arg("api-id", &api.id)
                .arg("integration-id", id)
                .arg("timeout-in-millis", to_ms.to_string())
                .arg("region", region))),
            None => steps.push(run(Command::aws("apigatewayv2", "get-integrations")
                .arg("api-id", &api.id)
                .arg("region", region))),
        },
    }
    steps.extend(redeploy(
        api,
        region,
        &format!("gateway-doctor: integration timeout {to_ms} ms"),
    ));
    steps.push(say(format!(
        "Put the same value in your infrastructure code (TimeoutInMillis: {to_ms} on the integration) so the next deployment keeps it."
    )));
    steps
}

/// A REST stage only serves changes after a new deployment; an HTTP stage with auto-deploy needs none.
pub(crate) fn redeploy(api: &ApiDescription, region: &str, description: &str) -> Vec<FixStep> {
    match api.kind() {
        ApiKind::Rest => vec![run(Command::aws("apigateway", "create-deployment")
            .arg("rest-api-id", &api.id)
            .arg("stage-name", &api.stage.name)
            .arg("description", description)
            .arg("region", region))],
        ApiKind::Http if api.stage.auto_deploy => Vec::new(),
        ApiKind::Http => vec![run(Command::aws("apigatewayv2", "create-deployment")
            .arg("api-id", &api.id)
            .arg("stage-name", &api.stage.name)
            .arg("description", description)
            .arg("region", region))],
    }
}

/// The ways out when the work itself is longer than the gateway allows.
pub(crate) fn go_async(api: &ApiDescription, limits: Option<TimeoutLimits>, region: &str) -> Fix {
    let mut steps = vec![
        say(
            "Make the operation asynchronous: accept the request, put the work on a queue (SQS) or start a Step Functions execution, and return 202 with a job id at once.",
        ),
        say(
            "Let the client poll a status route (GET /jobs/{id}) or push the result over a WebSocket API when the job finishes.",
        ),
    ];
    if api.protocol == Protocol::Rest {
        steps.push(say(
            "Where the response can be sent as it is produced, REST proxy integrations support response streaming (responseTransferMode STREAM) for long-lived responses.",
        ));
    }
    if let Some(l) = limits.filter(|l| l.quota_raisable && api.protocol == Protocol::Rest) {
        steps.push(say(format!(
            "Regional and private REST APIs can go above {} s through a Service Quotas request (it may lower the account's throttle quota). Find the quota's code and current value with:",
            l.platform_max_ms / 1000
        )));
        steps.push(run(Command::aws("service-quotas", "list-service-quotas")
            .arg("service-code", "apigateway")
            .arg("query", "Quotas[?QuotaName=='Maximum integration timeout in milliseconds'].[QuotaCode,Value]")
            .arg("output", "text")
            .arg("region", region)));
    } else if api.protocol != Protocol::Rest {
        steps.push(say(format!(
            "{} APIs cannot go above this limit: it is fixed, so only an asynchronous design removes it.",
            match api.protocol {
                Protocol::WebSocket => "WebSocket",
                _ => "HTTP",
            }
        )));
    } else {
        steps.push(say("Edge-optimized REST APIs cannot raise the 29 s limit; a Regional endpoint can, through a quota request."));
    }
    Fix {
        title: "Take the long work off the request path".into(),
        steps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeout_is_rounded_up_to_whole_seconds_within_the_limit() {
        assert_eq!(round_timeout(15_240.0, 29_000), 16_000);
        assert_eq!(round_timeout(40_000.0, 29_000), 29_000);
        assert_eq!(round_timeout(0.0, 29_000), 1_000);
    }
}
