//! The worst failing requests, followed end to end: from the gateway's log to the request's trace
//! (by the API Gateway request id) and to its function's REPORT line (by the Lambda request id).

use super::{WorstFunction, WorstRequest, WorstTrace};
use crate::evidence::Evidence;
use crate::evidence::api::Backend;
use crate::evidence::logs::RequestRecord;

/// Joins each request to what the other sources saw of it, saying which link could not be made.
pub fn follow(requests: Vec<RequestRecord>, evidence: &Evidence) -> Vec<WorstRequest> {
    requests
        .into_iter()
        .map(|request| {
            let mut missing = Vec::new();
            let function = function_of(&request, evidence, &mut missing);
            let trace = trace_of(&request, evidence, &mut missing);
            WorstRequest {
                request,
                function,
                trace,
                missing,
            }
        })
        .collect()
}

fn function_of(
    request: &RequestRecord,
    evidence: &Evidence,
    missing: &mut Vec<String>,
) -> Option<WorstFunction> {
    let lambdas: Vec<(&str, _)> = evidence
        .backends
        .iter()
        .filter_map(|b| match &b.backend {
            Backend::Lambda { function, .. } => Some((function.as_str(), b.function_log.as_ref())),
            _ => None,
        })
        .collect();
    // Only a Lambda backend writes REPORT lines: for other backends there is nothing to follow.
    if lambdas.is_empty() {
        return None;
    }
    let Some(id) = request.backend_request_id.as_deref() else {
        missing.push("the gateway's log named no Lambda request id for it".into());
        return None;
    };
    let found = lambdas.iter().find_map(|(function, log)| {
        (*log)?
            .slowest
            .iter()
            .find(|i| i.request_id == id)
            .map(|i| WorstFunction {
                function: (*function).to_owned(),
                invocation: i.clone(),
            })
    });
    if found.is_none() {
        let read = lambdas.iter().any(|(_, log)| log.is_some());
        missing.push(if read {
            format!(
                "no REPORT line for Lambda request {id} among the slowest invocations in the window"
            )
        } else {
            format!(
                "the function's log was not read, so Lambda request {id} could not be looked up"
            )
        });
    }
    found
}

fn trace_of(
    request: &RequestRecord,
    evidence: &Evidence,
    missing: &mut Vec<String>,
) -> Option<WorstTrace> {
    let Some(traces) = evidence.traces.as_ref() else {
        missing.push("no traces were read".into());
        return None;
    };
    let found = traces
        .iter()
        .find(|t| t.request_id.as_deref() == Some(request.request_id.as_str()));
    let Some(t) = found else {
        missing.push(format!(
            "no trace among the {} read carries request id {}",
            traces.len(),
            request.request_id
        ));
        return None;
    };
    let dominant = t.dominant();
    Some(WorstTrace {
        trace_id: t.trace_id.clone(),
        duration_ms: t.duration_ms,
        dominant: dominant.map(|(s, _)| s.name.clone()),
        dominant_operation: dominant.and_then(|(s, _)| s.operation.clone()),
        dominant_share: dominant.map(|(_, share)| share),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::BackendEvidence;
    use crate::evidence::api::{Integration, IntegrationType};
    use crate::evidence::logs::{FailureClass, FunctionSummary, Invocation};
    use crate::evidence::traces::{Subsegment, TraceSummary};

    const GATEWAY_ID: &str = "7f2c9a10-0000-4000-8000-000000000001";
    const LAMBDA_ID: &str = "8f2c1d0e-1111-2222-3333-444455556666";

    fn request(backend_request_id: Option<&str>) -> RequestRecord {
        RequestRecord {
            request_id: GATEWAY_ID.into(),
            latency_ms: Some(10_000.0),
            status: Some(504),
            failure: Some(FailureClass::IntegrationTimeout),
            backend_request_id: backend_request_id.map(str::to_owned),
        }
    }

    fn invocation(id: &str) -> Invocation {
        Invocation {
            request_id: id.into(),
            duration_ms: Some(15_002.5),
            init_duration_ms: Some(812.0),
            memory_size_mb: Some(512),
            max_memory_used_mb: Some(201),
            timed_out: false,
        }
    }

    fn trace(request_id: &str) -> TraceSummary {
        TraceSummary {
            trace_id: "1-6762f0a1-3b2c1d0e9f8a7b6c5d4e3f2a".into(),
            duration_ms: 10_000.0,
            http_status: Some(504),
            fault: true,
            request_id: Some(request_id.into()),
            subsegments: vec![
                Subsegment {
                    name: "DynamoDB".into(),
                    namespace: "aws".into(),
                    operation: Some("Query".into()),
                    duration_ms: 9_000.0,
                },
                Subsegment {
                    name: "Initialization".into(),
                    namespace: String::new(),
                    operation: None,
                    duration_ms: 800.0,
                },
            ],
        }
    }

    fn evidence(
        backend: Backend,
        slowest: Option<Vec<Invocation>>,
        traces: Option<Vec<TraceSummary>>,
    ) -> Evidence {
        let mut e = Evidence {
            traces,
            ..Evidence::default()
        };
        e.backends.push(BackendEvidence {
            integration: Integration {
                route: "POST /orders".into(),
                resource_id: None,
                http_method: None,
                integration_id: None,
                kind: IntegrationType::AwsProxy,
                uri: None,
                vpc_link_id: None,
                timeout_ms: Some(10_000),
            },
            backend,
            function: None,
            function_log: slowest.map(|slowest| FunctionSummary {
                slowest,
                ..FunctionSummary::default()
            }),
            metrics: Default::default(),
        });
        e
    }

    fn lambda() -> Backend {
        Backend::Lambda {
            function: "orders-handler".into(),
            qualifier: None,
        }
    }

    struct Case {
        name: &'static str,
        request: RequestRecord,
        evidence: Evidence,
        function: Option<&'static str>,
        trace: bool,
        missing: &'static [&'static str],
    }

    #[test]
    fn each_worst_request_is_joined_to_its_report_line_and_trace_or_says_what_is_missing() {
        let cases = [
            Case {
                name: "a request is joined to its REPORT line and its trace",
                request: request(Some(LAMBDA_ID)),
                evidence: evidence(
                    lambda(),
                    Some(vec![invocation("other-0000-id"), invocation(LAMBDA_ID)]),
                    Some(vec![trace("someone-else"), trace(GATEWAY_ID)]),
                ),
                function: Some("orders-handler"),
                trace: true,
                missing: &[],
            },
            Case {
                name: "a Lambda request id without a REPORT line is said to be missing",
                request: request(Some(LAMBDA_ID)),
                evidence: evidence(
                    lambda(),
                    Some(vec![invocation("other-0000-id")]),
                    Some(vec![trace(GATEWAY_ID)]),
                ),
                function: None,
                trace: true,
                missing: &["no REPORT line for Lambda request 8f2c1d0e"],
            },
            Case {
                name: "a request the gateway's log gave no Lambda request id says so",
                request: request(None),
                evidence: evidence(lambda(), Some(vec![invocation(LAMBDA_ID)]), Some(vec![])),
                function: None,
                trace: false,
                missing: &[
                    "named no Lambda request id",
                    "no trace among the 0 read carries request id 7f2c9a10",
                ],
            },
            Case {
                name: "an unread function log and unread traces are both said",
                request: request(Some(LAMBDA_ID)),
                evidence: evidence(lambda(), None, None),
                function: None,
                trace: false,
                missing: &["function's log was not read", "no traces were read"],
            },
            Case {
                name: "an HTTP backend has no REPORT line to miss",
                request: request(None),
                evidence: evidence(
                    Backend::Http {
                        url: "https://backend.example.com".into(),
                    },
                    None,
                    Some(vec![trace(GATEWAY_ID)]),
                ),
                function: None,
                trace: true,
                missing: &[],
            },
        ];
        for case in cases {
            let got = follow(vec![case.request.clone()], &case.evidence);
            assert_eq!(got.len(), 1, "{}", case.name);
            let w = &got[0];
            assert_eq!(w.request, case.request, "{}", case.name);
            assert_eq!(
                w.function.as_ref().map(|f| f.function.as_str()),
                case.function,
                "{}",
                case.name
            );
            if let Some(f) = &w.function {
                assert_eq!(f.invocation, invocation(LAMBDA_ID), "{}", case.name);
            }
            assert_eq!(w.trace.is_some(), case.trace, "{}", case.name);
            if let Some(t) = &w.trace {
                assert_eq!(t.dominant.as_deref(), Some("DynamoDB"), "{}", case.name);
                assert_eq!(
                    t.dominant_operation.as_deref(),
                    Some("Query"),
                    "{}",
                    case.name
                );
                assert_eq!(t.dominant_share, Some(0.9), "{}", case.name);
                assert_eq!(t.duration_ms, 10_000.0, "{}", case.name);
            }
            assert_eq!(
                w.missing.len(),
                case.missing.len(),
                "{}: {:?}",
                case.name,
                w.missing
            );
            for (said, want) in w.missing.iter().zip(case.missing) {
                assert!(
                    said.contains(want),
                    "{}: {said:?} lacks {want:?}",
                    case.name
                );
            }
        }
    }
}
