//! The time is spent between the gateway and the backend, not in the backend.

use super::super::fixes::{run, say};
use super::super::{Command, Finding, Fix, Step, Verdict, duration};
use super::{Detection, Facts, confidence_from};
use crate::trigger::ApiKind;

pub(super) fn detect(f: &Facts) -> Option<Detection> {
    let g = &f.gateway;
    let overhead = g.overhead_ms()?;
    let latency = g.latency_p99?;
    if overhead < 1000.0 || overhead < 0.5 * latency || g.timeouts() > 0 {
        return None;
    }
    let api = f.api;
    let region = f.region();
    let mut steps = vec![say(
        "Look first at authorizers: a Lambda authorizer runs before the integration and its time counts in Latency but not IntegrationLatency. Enable result caching (a TTL of a few minutes) and check the authorizer function's own duration.",
    )];
    match api {
        Some(a) if a.kind() == ApiKind::Rest => {
            steps.push(run(Command::aws("apigateway", "get-authorizers")
                .arg("rest-api-id", &a.id)
                .arg("region", region)))
        }
        Some(a) => steps.push(run(Command::aws("apigatewayv2", "get-authorizers")
            .arg("api-id", &a.id)
            .arg("region", region))),
        None => {}
    }
    steps.push(say(
        "Then the path: a VPC link's target health, WAF rules, and request/response mapping templates. Add $context.authorizer.latency and $context.waf.latency to the access log format to measure each part.",
    ));
    Some(Detection {
        verdict: Verdict::GatewayOverhead,
        confidence: confidence_from(
            2 + usize::from(f.backend.as_ref().and_then(|b| b.duration_p99).is_some()),
        ),
        summary: format!(
            "{} of the {} p99 latency is spent in the gateway, outside the integration (IntegrationLatency p99 {}).",
            duration(overhead),
            duration(latency),
            duration(g.integration_p99.unwrap_or(0.0))
        ),
        findings: vec![Finding {
            step: Step::WhereDied,
            text: format!(
                "The backend answers quickly; the extra {} happens before or after it (authorizer, VPC link, network).",
                duration(overhead)
            ),
        }],
        fixes: vec![Fix {
            title: "Find the time spent around the integration".into(),
            steps,
        }],
    })
}
