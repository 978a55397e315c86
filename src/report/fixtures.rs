//! Reports built by hand for the renderers' tests: realistic ones, and hostile ones.

use crate::diagnosis::{
    Command, Confidence, Diagnosis, Finding, Fix, FixStep, Step, Verdict, WorstFunction,
    WorstRequest, WorstTrace,
};
use crate::evidence::changes::{Change, ChangeKind};
use crate::evidence::logs::{FailureClass, Invocation, RequestRecord};
use crate::evidence::{Cost, Gap, SourceError, SourceKind};
use crate::report::{AlarmView, ApiView, CheckView, Report};
use crate::trigger::{AlarmState, ApiKind, Delivery, Window};
use chrono::{DateTime, Utc};

pub(crate) const ALARM_ARN: &str =
    "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:catalog-api-5xx";

pub(crate) fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("fixture timestamp")
        .with_timezone(&Utc)
}

fn finding(step: Step, text: &str) -> Finding {
    Finding {
        step,
        text: text.into(),
    }
}

pub(crate) fn alarm(state: AlarmState, previous: AlarmState, changed_at: &str) -> AlarmView {
    AlarmView {
        name: "catalog-api-5xx".into(),
        state,
        previous_state: Some(previous),
        metric: "5XXError".into(),
        api: Some("catalog-api".into()),
        stage: Some("prod".into()),
        region: "eu-west-1".into(),
        account: "111122223333".into(),
        arn: ALARM_ARN.into(),
        delivery: Delivery::Sns,
        changed_at: at(changed_at),
        window: Window {
            start: at("2026-11-03T01:59:00Z"),
            end: at("2026-11-03T02:14:00Z"),
        },
    }
}

pub(crate) fn api() -> ApiView {
    ApiView {
        kind: ApiKind::Rest,
        name: Some("catalog-api".into()),
        id: Some("a1b2c3d4e5".into()),
        stage: "prod".into(),
        region: "eu-west-1".into(),
    }
}

pub(crate) fn provisioned_concurrency_command() -> Command {
    Command::aws("lambda", "put-provisioned-concurrency-config")
        .arg("function-name", "catalog-fn")
        .arg("qualifier", "live")
        .arg("provisioned-concurrent-executions", "5")
}

pub(crate) fn deployment_command() -> Command {
    Command::aws("apigateway", "create-deployment")
        .arg("rest-api-id", "a1b2c3d4e5")
        .arg("stage-name", "prod")
        .arg("description", "gateway-doctor: warm 'catalog-fn'")
}

/// A REST API whose Lambda's cold starts push requests over the 29 s limit.
pub(crate) fn cold_start() -> Report {
    Report {
        alarm: Some(alarm(AlarmState::Alarm, AlarmState::Ok, "2026-11-03T02:14:07Z")),
        check: None,
        api: Some(api()),
        diagnosis: Diagnosis {
            verdict: Verdict::ColdStart,
            confidence: Confidence::High,
            summary: "Cold starts of catalog-fn take 31.2 s with init, past the 29 s integration timeout, while warm requests finish in 1.4 s.".into(),
            findings: vec![
                finding(Step::WhereDied, "IntegrationLatency p99 29000 ms equals the integration timeout (29000 ms): requests are cut off at the gateway."),
                finding(Step::WhereDied, "42 of 1310 requests failed with integration timeouts (504)."),
                finding(Step::Backend, "catalog-fn: 18 cold starts; Init Duration p99 9800 ms; cold total p99 31200 ms against warm p99 1400 ms."),
                finding(Step::Backend, "catalog-fn has no provisioned concurrency."),
                finding(Step::Context, "catalog-fn memory is 512 MB; max used 498 MB."),
            ],
            fixes: vec![
                Fix {
                    title: "Keep instances warm with provisioned concurrency (about 5 instances, roughly USD 55 a month)".into(),
                    steps: vec![
                        FixStep::Do {
                            text: "Publish an alias `live` for catalog-fn if the integration does not call one yet.".into(),
                        },
                        FixStep::Run {
                            command: provisioned_concurrency_command(),
                        },
                        FixStep::Snippet {
                            language: "yaml".into(),
                            text: "Resources:\n  CatalogFunction:\n    Type: AWS::Serverless::Function\n    Properties:\n      AutoPublishAlias: live\n      ProvisionedConcurrencyConfig:\n        ProvisionedConcurrentExecutions: 5\n".into(),
                        },
                        FixStep::Run {
                            command: deployment_command(),
                        },
                    ],
                },
                Fix {
                    title: "Shrink the init phase".into(),
                    steps: vec![FixStep::Do {
                        text: "Move SDK client creation and configuration loading out of the import path; load large dependencies lazily.".into(),
                    }],
                },
            ],
            gaps: vec![Gap {
                source: SourceKind::Traces,
                subject: "catalog-fn".into(),
                reason: SourceError::NotEnabled("active tracing is off".into()),
            }],
            suspects: vec![Change {
                at: at("2026-11-03T01:50:00Z"),
                kind: ChangeKind::FunctionCode,
                resource: "catalog-fn".into(),
                actor: Some("alice@example.com".into()),
                detail: Some("version 42".into()),
            }],
            worst_requests: vec![
                WorstRequest {
                    request: RequestRecord {
                        request_id: "7f2c9a10-0000-4000-8000-000000000001".into(),
                        latency_ms: Some(29001.0),
                        status: Some(504),
                        failure: Some(FailureClass::IntegrationTimeout),
                        backend_request_id: Some("8f2c1d0e-1111-2222-3333-444455556666".into()),
                    },
                    function: Some(WorstFunction {
                        function: "catalog-fn".into(),
                        invocation: Invocation {
                            request_id: "8f2c1d0e-1111-2222-3333-444455556666".into(),
                            duration_ms: Some(21400.0),
                            init_duration_ms: Some(9800.0),
                            memory_size_mb: Some(512),
                            max_memory_used_mb: Some(498),
                            timed_out: false,
                        },
                    }),
                    trace: Some(WorstTrace {
                        trace_id: "1-6762f0a1-3b2c1d0e9f8a7b6c5d4e3f2a".into(),
                        duration_ms: 29000.0,
                        dominant: Some("Initialization".into()),
                        dominant_operation: None,
                        dominant_share: Some(0.34),
                    }),
                    missing: Vec::new(),
                },
                WorstRequest {
                    request: RequestRecord {
                        request_id: "7f2c9a10-0000-4000-8000-000000000002".into(),
                        latency_ms: Some(28999.4),
                        status: Some(504),
                        failure: Some(FailureClass::IntegrationTimeout),
                        backend_request_id: Some("9a8b7c6d-1111-2222-3333-444455556666".into()),
                    },
                    function: None,
                    trace: None,
                    missing: vec![
                        "no REPORT line for Lambda request 9a8b7c6d-1111-2222-3333-444455556666 among the slowest invocations in the window".into(),
                    ],
                },
            ],
        },
        cost: Cost {
            insights_bytes_scanned: 12_345_678,
            insights_queries: 3,
            metric_requests: 14,
            metric_series: 22,
            log_fallbacks: 1,
        },
    }
}

/// The OK follow-up of [`cold_start`]'s alarm.
pub(crate) fn recovered() -> Report {
    let mut report = cold_start();
    report.alarm = Some(alarm(
        AlarmState::Ok,
        AlarmState::Alarm,
        "2026-11-03T02:44:07Z",
    ));
    report.diagnosis = Diagnosis {
        verdict: Verdict::Recovered,
        confidence: Confidence::High,
        summary: "5XXError is back under the threshold after 30 minutes in ALARM.".into(),
        findings: vec![finding(
            Step::WhereDied,
            "No integration timeouts in the last 15 minutes.",
        )],
        fixes: Vec::new(),
        gaps: Vec::new(),
        suspects: Vec::new(),
        worst_requests: Vec::new(),
    };
    report
}

/// A scheduled check that found a slow backend.
pub(crate) fn scheduled() -> Report {
    let mut report = cold_start();
    report.alarm = None;
    report.check = Some(CheckView {
        kind: crate::report::CheckKind::Scheduled,
        rule_arn: Some("arn:aws:events:eu-west-1:111122223333:rule/gateway-doctor-hourly".into()),
        at: at("2026-11-03T06:00:00Z"),
        region: "eu-west-1".into(),
        window: Window {
            start: at("2026-11-03T05:00:00Z"),
            end: at("2026-11-03T06:00:00Z"),
        },
    });
    report.diagnosis.verdict = Verdict::BackendSlow;
    report.diagnosis.confidence = Confidence::Medium;
    report
}

/// Strings an attacker controls (log messages, change actors, request ids, API names) carrying
/// mentions, links and code fences.
pub(crate) const HOSTILE: &str = "<!channel> <!here> <@U123> <#C1> <http://evil.example|click> @here @channel @everyone ```end``` & done";

pub(crate) fn hostile() -> Report {
    let mut report = cold_start();
    if let Some(api) = report.api.as_mut() {
        api.name = Some(format!("catalog {HOSTILE}"));
    }
    let d = &mut report.diagnosis;
    d.summary = format!("Summary {HOSTILE}");
    d.findings
        .push(finding(Step::WhereDied, &format!("Finding {HOSTILE}")));
    d.findings
        .push(finding(Step::Backend, &format!("Backend {HOSTILE}")));
    d.findings
        .push(finding(Step::Context, &format!("Context {HOSTILE}")));
    d.gaps.push(Gap {
        source: SourceKind::ExecutionLog,
        subject: format!("group {HOSTILE}"),
        reason: SourceError::AccessDenied(HOSTILE.into()),
    });
    d.suspects.push(Change {
        at: at("2026-11-03T01:55:00Z"),
        kind: ChangeKind::StageDeployment,
        resource: "prod".into(),
        actor: Some(HOSTILE.into()),
        detail: Some(HOSTILE.into()),
    });
    d.worst_requests.push(WorstRequest {
        request: RequestRecord {
            request_id: HOSTILE.into(),
            latency_ms: None,
            status: Some(502),
            failure: None,
            backend_request_id: Some(HOSTILE.into()),
        },
        function: Some(WorstFunction {
            function: HOSTILE.into(),
            invocation: Invocation {
                request_id: HOSTILE.into(),
                ..Invocation::default()
            },
        }),
        trace: Some(WorstTrace {
            trace_id: HOSTILE.into(),
            duration_ms: f64::NAN,
            dominant: Some(HOSTILE.into()),
            dominant_operation: Some(HOSTILE.into()),
            dominant_share: Some(1.0),
        }),
        missing: vec![HOSTILE.into()],
    });
    d.fixes.push(Fix {
        title: format!("Fix {HOSTILE}"),
        steps: vec![
            FixStep::Do {
                text: format!("Do {HOSTILE}"),
            },
            FixStep::Snippet {
                language: "yaml".into(),
                text: format!("key: {HOSTILE}\n```\nafter: fence"),
            },
        ],
    });
    report
}

/// Hundreds of findings, 10 000-character log messages, dozens of fixes and gaps.
pub(crate) fn huge() -> Report {
    let mut report = cold_start();
    let blob = format!("{} {}", "E".repeat(5_000), "é&<>@here ".repeat(500));
    let d = &mut report.diagnosis;
    d.summary = format!("Summary {blob}");
    d.findings = (0..300)
        .map(|i| {
            let step = match i % 3 {
                0 => Step::WhereDied,
                1 => Step::Backend,
                _ => Step::Context,
            };
            finding(step, &format!("finding {i}: {blob}"))
        })
        .collect();
    d.fixes = (0..40)
        .map(|i| Fix {
            title: format!("Fix number {i} {blob}"),
            steps: vec![
                FixStep::Do {
                    text: format!("do {i} {blob}"),
                },
                FixStep::Run {
                    command: Command::aws("apigateway", "update-integration")
                        .arg("rest-api-id", "a1b2c3d4e5")
                        .arg(
                            "patch-operations",
                            "op=replace,path=/timeoutInMillis,value=29000",
                        ),
                },
                FixStep::Snippet {
                    language: "yaml".into(),
                    text: format!("key: {blob}\n").repeat(5),
                },
            ],
        })
        .collect();
    d.gaps = (0..100)
        .map(|i| Gap {
            source: SourceKind::FunctionLog,
            subject: format!("fn-{i}"),
            reason: SourceError::Service(blob.clone()),
        })
        .collect();
    d.suspects = (0..100)
        .map(|i| Change {
            at: at("2026-11-03T01:50:00Z"),
            kind: ChangeKind::FunctionConfiguration,
            resource: format!("fn-{i}"),
            actor: Some(blob.clone()),
            detail: Some(blob.clone()),
        })
        .collect();
    d.worst_requests = (0..100)
        .map(|i| WorstRequest {
            request: RequestRecord {
                request_id: format!("{i}-{blob}"),
                latency_ms: Some(29000.0),
                status: Some(504),
                failure: Some(FailureClass::IntegrationTimeout),
                backend_request_id: Some(blob.clone()),
            },
            function: None,
            trace: None,
            missing: vec![blob.clone()],
        })
        .collect();
    report
}
