//! What is visible does not decide: say exactly what to turn on.

use super::super::fixes::{run, say};
use super::super::{Command, Confidence, Fix, FixStep, Verdict};
use super::{Detection, Facts};
use crate::evidence::api::{ApiDescription, Backend};
use crate::evidence::{SourceError, SourceKind};
use crate::trigger::ApiKind;

pub(super) fn detect(f: &Facts) -> Detection {
    let g = &f.gateway;
    let mut missing = Vec::new();
    let mut steps = Vec::new();
    let region = f.region();
    let not_enabled = |kind: SourceKind| {
        f.evidence
            .gaps
            .iter()
            .any(|gap| gap.source == kind && matches!(gap.reason, SourceError::NotEnabled(_)))
    };
    if let Some(api) = f.api {
        if not_enabled(SourceKind::ExecutionLog) {
            missing.push("execution logs");
            steps.extend(execution_logging(api, region));
        }
        if not_enabled(SourceKind::AccessLog) {
            missing.push("access logs");
            steps.extend(access_logging(api, &f.ctx.account, region));
        }
        if not_enabled(SourceKind::Traces) && api.kind() == ApiKind::Rest {
            missing.push("X-Ray traces");
            steps.push(run(Command::aws("apigateway", "update-stage")
                .arg("rest-api-id", &api.id)
                .arg("stage-name", &api.stage.name)
                .arg(
                    "patch-operations",
                    "op=replace,path=/tracingEnabled,value=true",
                )
                .arg("region", region)));
        }
        if !api.stage.detailed_metrics {
            missing.push("per-route metrics");
            steps.push(detailed_metrics(api, region));
        }
    }
    for b in &f.evidence.backends {
        if let (Backend::Lambda { function, .. }, Some(func)) = (&b.backend, &b.function)
            && !func.tracing_active
        {
            steps.push(run(Command::aws("lambda", "update-function-configuration")
                .arg("function-name", function)
                .arg("tracing-config", "Mode=Active")
                .arg("region", region)));
        }
    }
    let failed: Vec<String> = f
        .evidence
        .gaps
        .iter()
        .filter(|gap| !matches!(gap.reason, SourceError::NotEnabled(_)))
        .map(|gap| gap.source.describe().to_string())
        .collect();
    let seen = match g.errors_5xx {
        Some(e) if e > 0.0 => format!("{e:.0} 5XX are visible in the metrics, but "),
        _ => String::new(),
    };
    let summary = match (missing.is_empty(), failed.is_empty()) {
        (false, _) => format!(
            "{seen}nothing visible says why: {} {} not enabled on this API. Turn {} on and the next alarm will be diagnosed.",
            missing.join(", "),
            if missing.len() == 1 { "is" } else { "are" },
            if missing.len() == 1 { "it" } else { "them" }
        ),
        (true, false) => format!(
            "{seen}the sources that would decide could not be read: {}.",
            failed.join(", ")
        ),
        (true, true) => format!(
            "{seen}the metrics and logs examined show no timeouts, throttles, errors or slow backend that explain the alarm; check its threshold against normal traffic."
        ),
    };
    if steps.is_empty() {
        steps.push(say(
            "Review the alarm's threshold and evaluation periods against the API's normal traffic.",
        ));
    }
    Detection {
        verdict: Verdict::InsufficientEvidence,
        confidence: Confidence::Low,
        summary: capitalised(&summary),
        findings: Vec::new(),
        fixes: vec![Fix {
            title: "Turn on what would decide it".into(),
            steps,
        }],
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|first| first.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn execution_logging(api: &ApiDescription, region: &str) -> Vec<FixStep> {
    vec![
        say(
            "Execution logs need the account's API Gateway CloudWatch Logs role (Settings, CloudWatch log role ARN), set once per region. Then:",
        ),
        run(Command::aws("apigateway", "update-stage")
            .arg("rest-api-id", &api.id)
            .arg("stage-name", &api.stage.name)
            .arg(
                "patch-operations",
                "op=replace,path=/*/*/logging/loglevel,value=INFO",
            )
            .arg("region", region)),
    ]
}

/// The access log format the diagnosis reads best.
pub(crate) fn access_log_format(kind: ApiKind) -> String {
    let (latency, error, route) = match kind {
        ApiKind::Rest => (
            "$context.integrationLatency",
            "$context.integration.error",
            "$context.resourcePath",
        ),
        ApiKind::Http => (
            "$context.integration.latency",
            "$context.integrationErrorMessage",
            "$context.routeKey",
        ),
    };
    serde_json::json!({
        "requestId": "$context.requestId",
        "httpMethod": "$context.httpMethod",
        "route": route,
        "status": "$context.status",
        "integrationStatus": "$context.integration.status",
        "integrationLatency": latency,
        "responseLatency": "$context.responseLatency",
        "integrationError": error,
    })
    .to_string()
}

fn access_logging(api: &ApiDescription, account: &str, region: &str) -> Vec<FixStep> {
    // Log group names may not contain `$` (as in the `$default` stage).
    let stage = api.stage.name.replace('$', "");
    let group = format!("/aws/apigateway/{}/{}/access", api.id, stage);
    let arn = format!("arn:aws:logs:{region}:{account}:log-group:{group}");
    let format = access_log_format(api.kind());
    let set = match api.kind() {
        ApiKind::Rest => Command::aws("apigateway", "update-stage")
            .arg("rest-api-id", &api.id)
            .arg("stage-name", &api.stage.name)
            .arg(
                "patch-operations",
                serde_json::json!([
                    {"op": "replace", "path": "/accessLogSettings/destinationArn", "value": arn},
                    {"op": "replace", "path": "/accessLogSettings/format", "value": format},
                ])
                .to_string(),
            ),
        ApiKind::Http => Command::aws("apigatewayv2", "update-stage")
            .arg("api-id", &api.id)
            .arg("stage-name", &api.stage.name)
            .arg(
                "access-log-settings",
                serde_json::json!({"DestinationArn": arn, "Format": format}).to_string(),
            ),
    };
    vec![
        run(Command::aws("logs", "create-log-group")
            .arg("log-group-name", &group)
            .arg("region", region)),
        run(set.arg("region", region)),
    ]
}

fn detailed_metrics(api: &ApiDescription, region: &str) -> FixStep {
    match api.kind() {
        ApiKind::Rest => run(Command::aws("apigateway", "update-stage")
            .arg("rest-api-id", &api.id)
            .arg("stage-name", &api.stage.name)
            .arg(
                "patch-operations",
                "op=replace,path=/*/*/metrics/enabled,value=true",
            )
            .arg("region", region)),
        ApiKind::Http => run(Command::aws("apigatewayv2", "update-stage")
            .arg("api-id", &api.id)
            .arg("stage-name", &api.stage.name)
            .arg("default-route-settings", "DetailedMetricsEnabled=true")
            .arg("region", region)),
    }
}
