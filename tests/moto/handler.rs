//! The whole Lambda handler against a live-shaped account: moto serves API Gateway, Lambda and
//! CloudWatch Logs (FilterLogEvents); canned SDK responses stand in where moto cannot answer
//! (CloudWatch metrics over CBOR, X-Ray, CloudTrail, DescribeAlarms). Then the fix the report prints
//! is run with the AWS CLI against moto, and the integration's timeout is shown changed.

use crate::{api::seed_rest, endpoint, functions::lambda_role, lambda, sdk_config, unique, zip_of};
use async_trait::async_trait;
use aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataOutput;
use aws_sdk_cloudwatch::primitives::DateTime as AwsTime;
use aws_sdk_cloudwatch::types::MetricDataResult;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{FunctionCode, Runtime};
use aws_smithy_mocks::{RuleMode, mock, mock_client};
use gateway_doctor::diagnosis::FixStep;
use gateway_doctor::evidence::logs::live::CloudWatchLogsInsights;
use gateway_doctor::evidence::scenario::Scenario;
use gateway_doctor::evidence::{Sources, alarms, api, changes, functions, metrics, traces};
use gateway_doctor::handler::{App, handle};
use gateway_doctor::incident::memory::MemoryIncidentLog;
use gateway_doctor::notify::{IncidentRefs, Notifier, NotifyError};
use gateway_doctor::pipeline::{Account, Settings};
use gateway_doctor::report::Report;
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn bundled(name: &str) -> Scenario {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    Scenario::parse(name, &std::fs::read_to_string(path).expect("scenario")).expect("parses")
}

#[derive(Default)]
struct Captured(Mutex<Vec<Report>>);

#[async_trait]
impl Notifier for Captured {
    fn name(&self) -> &'static str {
        "captured"
    }
    async fn send(
        &self,
        report: &Report,
        _: Option<&IncidentRefs>,
    ) -> Result<IncidentRefs, NotifyError> {
        self.0.lock().expect("lock").push(report.clone());
        Ok(IncidentRefs::default())
    }
}

/// Puts the recorded lines of `group` into moto under `as_group`, in time order.
async fn put_logs(
    client: &aws_sdk_cloudwatchlogs::Client,
    scenario: &Scenario,
    group: &str,
    as_group: &str,
) {
    client
        .create_log_group()
        .log_group_name(as_group)
        .send()
        .await
        .expect("CreateLogGroup");
    client
        .create_log_stream()
        .log_group_name(as_group)
        .log_stream_name("replay")
        .send()
        .await
        .expect("CreateLogStream");
    let mut events: Vec<(i64, String)> = scenario.logs[group]
        .iter()
        .filter_map(|l| {
            let (t, m) = l.split_once(' ')?;
            Some((
                gateway_doctor::trigger::parse_timestamp(t)?.timestamp_millis(),
                m.to_string(),
            ))
        })
        .collect();
    events.sort_by_key(|(t, _)| *t);
    for chunk in events.chunks(5_000) {
        client
            .put_log_events()
            .log_group_name(as_group)
            .log_stream_name("replay")
            .set_log_events(Some(
                chunk
                    .iter()
                    .map(|(t, m)| {
                        aws_sdk_cloudwatchlogs::types::InputLogEvent::builder()
                            .timestamp(*t)
                            .message(m)
                            .build()
                            .expect("event")
                    })
                    .collect(),
            ))
            .send()
            .await
            .expect("PutLogEvents");
    }
}

/// GetMetricData answered from the recorded series, query by query, as CloudWatch would.
fn metrics_from(
    scenario: Scenario,
    api_name: String,
    function: String,
) -> aws_sdk_cloudwatch::Client {
    let rule = mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_compute_output(move |req| {
        let mut out = GetMetricDataOutput::builder();
        for q in req.metric_data_queries() {
            let Some(stat) = q.metric_stat() else {
                continue;
            };
            let Some(m) = stat.metric() else { continue };
            let wanted: Vec<(String, String)> = m
                .dimensions()
                .iter()
                .map(|d| {
                    let v = d.value().unwrap_or_default();
                    // The seeded names are unique per test run; the recording uses the bundled ones.
                    let v = if v == api_name {
                        "orders-api"
                    } else if v == function {
                        "orders-handler"
                    } else {
                        v
                    };
                    (d.name().unwrap_or_default().to_string(), v.to_string())
                })
                .collect();
            let recorded = scenario.metrics.iter().find(|r| {
                Some(r.namespace.as_str()) == m.namespace()
                    && Some(r.name.as_str()) == m.metric_name()
                    && stat.stat().is_some_and(|s| s.eq_ignore_ascii_case(&r.stat))
                    && wanted.len() == r.dimensions.len()
                    && wanted.iter().all(|(k, v)| r.dimensions.get(k) == Some(v))
            });
            let mut result = MetricDataResult::builder().id(q.id().unwrap_or_default());
            if let Some(r) = recorded {
                for (i, v) in r.values.iter().enumerate() {
                    if let Some(v) = v {
                        let t =
                            r.start + chrono::Duration::seconds(i as i64 * i64::from(r.period_s));
                        result = result
                            .timestamps(AwsTime::from_millis(t.timestamp_millis()))
                            .values(*v);
                    }
                }
            }
            out = out.metric_data_results(result.build());
        }
        out.build()
    });
    mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&rule])
}

fn empty_traces() -> aws_sdk_xray::Client {
    let rule = mock!(aws_sdk_xray::Client::get_trace_summaries).then_output(|| {
        aws_sdk_xray::operation::get_trace_summaries::GetTraceSummariesOutput::builder().build()
    });
    mock_client!(aws_sdk_xray, RuleMode::MatchAny, [&rule])
}

fn no_cloudtrail_events() -> aws_sdk_cloudtrail::Client {
    let rule = mock!(aws_sdk_cloudtrail::Client::lookup_events).then_output(|| {
        aws_sdk_cloudtrail::operation::lookup_events::LookupEventsOutput::builder().build()
    });
    mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, [&rule])
}

#[tokio::test]
async fn a_sample_alarm_is_diagnosed_end_to_end_and_its_printed_fix_works_against_the_emulator() {
    let scenario = bundled("orders-api.json");
    let name = unique("orders-api");
    let function = unique("orders-handler");
    let (api_id, resource_id) = seed_rest(&name, &function, Some(10_000)).await;
    lambda()
        .await
        .create_function()
        .function_name(&function)
        .runtime(Runtime::Nodejs22x)
        .role(lambda_role())
        .handler("index.handler")
        .code(
            FunctionCode::builder()
                .zip_file(Blob::new(zip_of(
                    "index.js",
                    b"exports.handler=async()=>({})\n",
                )))
                .build(),
        )
        .timeout(30)
        .memory_size(1024)
        .send()
        .await
        .expect("CreateFunction");
    let conf = sdk_config().await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&conf);
    put_logs(
        &logs,
        &scenario,
        "API-Gateway-Execution-Logs_p4x8n2k6qa/prod",
        &format!("API-Gateway-Execution-Logs_{api_id}/prod"),
    )
    .await;
    put_logs(
        &logs,
        &scenario,
        "/aws/lambda/orders-handler",
        &format!("/aws/lambda/{function}"),
    )
    .await;

    let rest = aws_sdk_apigateway::Client::new(&conf);
    let http = aws_sdk_apigatewayv2::Client::new(&conf);
    let lambda_client = aws_sdk_lambda::Client::new(&conf);
    let sources = Sources {
        apis: Arc::new(api::live::ApiGatewayCatalog::new(
            rest.clone(),
            http.clone(),
        )),
        metrics: Arc::new(metrics::live::CloudWatchMetricStats::new(metrics_from(
            scenario,
            name.clone(),
            function.clone(),
        ))),
        // moto ignores Insights' parse/stats: the FilterLogEvents path is the one it serves faithfully.
        logs: Arc::new(CloudWatchLogsInsights::new(logs.clone()).without_insights()),
        functions: Arc::new(functions::live::LambdaFunctions::new(lambda_client.clone())),
        traces: Arc::new(traces::live::XRayTraceSummaries::new(empty_traces())),
        changes: Arc::new(changes::live::RecentChanges::new(
            no_cloudtrail_events(),
            rest.clone(),
            http,
            lambda_client,
        )),
        alarms: Arc::new(alarms::live::CloudWatchAlarmDirectory::new(mock_client!(
            aws_sdk_cloudwatch,
            []
        ))),
    };
    let captured = Arc::new(Captured::default());
    let app = App {
        account: Account::Live(sources),
        settings: Settings::default(),
        notifiers: vec![captured.clone()],
        incidents: Arc::new(MemoryIncidentLog::new()),
        quiet_period: Duration::from_secs(1800),
        claim_ttl: Duration::from_secs(3600),
        publish_reserve: Duration::from_secs(1),
    };
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("events/rest-integration-timeout-too-low.json"),
    )
    .expect("event");
    let event: serde_json::Value = serde_json::from_str(
        &text
            .replace("\\\"orders-api\\\"", &format!("\\\"{name}\\\""))
            .replace("\"orders-api\"", &format!("\"{name}\"")),
    )
    .expect("json");
    handle(&app, &event, Duration::from_secs(30))
        .await
        .expect("handled");

    let report = captured
        .0
        .lock()
        .expect("lock")
        .pop()
        .expect("a report was delivered");
    let d = &report.diagnosis;
    assert_eq!(
        d.verdict.as_str(),
        "integration_timeout_too_low",
        "{}\n{:?}",
        d.summary,
        d.gaps
    );
    assert_eq!(
        report.api.as_ref().and_then(|a| a.id.as_deref()),
        Some(api_id.as_str())
    );
    assert!(
        d.findings
            .iter()
            .any(|f| f.text.contains("integration timeouts")),
        "the execution log was read through FilterLogEvents: {:?}",
        d.findings
    );
    assert!(report.cost.log_fallbacks >= 1, "{:?}", report.cost);

    // Run the printed fix, exactly as printed, against the emulator.
    let commands: Vec<String> = d
        .fixes
        .iter()
        .flat_map(|f| &f.steps)
        .filter_map(|s| match s {
            FixStep::Run { command } => Some(command.to_string()),
            _ => None,
        })
        .collect();
    let update = commands
        .iter()
        .find(|c| c.starts_with("aws apigateway update-integration"))
        .expect("the fix updates the integration");
    assert!(update.contains(&resource_id), "{update}");
    for printed in commands.iter().filter(|c| c.starts_with("aws apigateway ")) {
        let argv = shlex::split(printed).expect("valid shell words");
        let out = std::process::Command::new(&argv[0])
            .args(&argv[1..])
            .args(["--endpoint-url", &endpoint()])
            .output()
            .expect("the AWS CLI runs (scripts/with-moto installs it)");
        assert!(
            out.status.success(),
            "`{printed}` failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let integration = rest
        .get_integration()
        .rest_api_id(&api_id)
        .resource_id(&resource_id)
        .http_method("POST")
        .send()
        .await
        .expect("GetIntegration");
    let expected: i32 = update
        .split("value=")
        .nth(1)
        .and_then(|v| {
            v.trim_end_matches(|c: char| !c.is_ascii_digit())
                .split(|c: char| !c.is_ascii_digit())
                .next()
        })
        .and_then(|v| v.parse().ok())
        .expect("the command names the new timeout");
    assert_eq!(integration.timeout_in_millis(), expected);
    assert!(expected > 10_000 && expected <= 29_000, "{expected}");
}
