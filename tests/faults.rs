//! Fault injection: each AWS dependency in turn is denied, throttled, fails with a 5XX, answers
//! with something unreadable, or hangs past the deadline. Every time, the whole Lambda handler
//! runs on every bundled event, and a notification must still go out, name the gap with the
//! right reason, and go out before the invocation's deadline.
//!
//! The faults are injected by a decorator over the bundled scenario adapter, one port at a time.
//! Below it, the real SDK adapters for metrics and logs are fed HTTP 500s and unreadable bodies
//! through aws-smithy-mocks, to check they turn them into the errors the decorator stands in for.
//! The table these tests print is kept in docs/reliability.md.

use async_trait::async_trait;
use gateway_doctor::evidence::alarms::AlarmDirectory;
use gateway_doctor::evidence::api::{ApiCatalog, ApiDescription};
use gateway_doctor::evidence::changes::{Change, ChangeHistory, ChangeQuestion};
use gateway_doctor::evidence::functions::{FunctionCatalog, FunctionSettings};
use gateway_doctor::evidence::logs::{
    AccessLogQuestion, AccessSummary, Answered, ExecutionLogQuestion, ExecutionSummary,
    FunctionLogQuestion, FunctionSummary, LogQuestions,
};
use gateway_doctor::evidence::metrics::{MetricQuery, MetricStats, Series};
use gateway_doctor::evidence::traces::{TraceQuestion, TraceSummaries, TraceSummary};
use gateway_doctor::evidence::{SourceError, SourceKind, Sources, scenario};
use gateway_doctor::handler::{App, handle};
use gateway_doctor::incident::memory::MemoryIncidentLog;
use gateway_doctor::notify::{IncidentRefs, Notifier, NotifyError};
use gateway_doctor::pipeline::{Account, Settings};
use gateway_doctor::report::Report;
use gateway_doctor::trigger::{self, AlarmMetric, ApiKind, ApiRef, Trigger, Window};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the Lambda invocation has left when the handler starts.
const REMAINING: Duration = Duration::from_millis(2_000);
/// Kept back for publishing: sources are cut off at `REMAINING - RESERVE`.
const RESERVE: Duration = Duration::from_millis(1_000);
/// Scheduling noise allowed past `REMAINING` (a correctness check, not a timing threshold).
const SLACK: Duration = Duration::from_secs(2);

// -------------------------------------------------------------------------------------------
// The faults and the decorator that injects them
// -------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Port {
    ApiCatalog,
    MetricStats,
    LogQuestions,
    FunctionCatalog,
    TraceSummaries,
    ChangeHistory,
    AlarmDirectory,
}

impl Port {
    /// The AWS operation the live adapter would have failed in, for realistic error texts.
    fn operation(self, kind: SourceKind) -> &'static str {
        match (self, kind) {
            (Self::ApiCatalog, _) => "apigateway:GetRestApis",
            (Self::MetricStats, _) => "cloudwatch:GetMetricData",
            (Self::LogQuestions, SourceKind::AccessLog) => "logs:FilterLogEvents",
            (Self::LogQuestions, _) => "logs:StartQuery",
            (Self::FunctionCatalog, _) => "lambda:GetFunctionConfiguration",
            (Self::TraceSummaries, _) => "xray:GetTraceSummaries",
            (Self::ChangeHistory, _) => "cloudtrail:LookupEvents",
            (Self::AlarmDirectory, _) => "cloudwatch:DescribeAlarms",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    AccessDenied,
    Throttled,
    ServerError,
    Malformed,
    /// Never answers: only the deadline ends the wait.
    Hang,
}

const FAULTS: [Fault; 5] = [
    Fault::AccessDenied,
    Fault::Throttled,
    Fault::ServerError,
    Fault::Malformed,
    Fault::Hang,
];

impl Fault {
    /// The error the live adapter returns for this fault (see `src/evidence/sdk_error.rs`).
    fn error(self, operation: &str) -> SourceError {
        match self {
            Self::AccessDenied => SourceError::AccessDenied(format!(
                "{operation}: User: arn:aws:sts::123456789012:assumed-role/gateway-doctor/fn is not authorized to perform: {operation}"
            )),
            Self::Throttled => SourceError::Throttled(format!("{operation}: Rate exceeded")),
            Self::ServerError => SourceError::Service(format!(
                "{operation}: InternalFailure (HTTP 500): We encountered an internal error"
            )),
            Self::Malformed => SourceError::Malformed(format!(
                "{operation}: failed to parse the response: unexpected end of input"
            )),
            Self::Hang => SourceError::DeadlinePassed(operation.to_string()),
        }
    }

    /// Whether a gap's reason is the one this fault must produce.
    fn named_by(self, reason: &SourceError) -> bool {
        matches!(
            (self, reason),
            (Self::AccessDenied, SourceError::AccessDenied(_))
                | (Self::Throttled, SourceError::Throttled(_))
                | (Self::ServerError, SourceError::Service(_))
                | (Self::Malformed, SourceError::Malformed(_))
                | (Self::Hang, SourceError::DeadlinePassed(_))
        )
    }
}

/// The bundled scenario's sources, with one port failing every call it gets.
struct Faulty {
    inner: Sources,
    port: Port,
    fault: Fault,
    /// The kinds of evidence the failing port was asked for, one entry per call.
    asked: Mutex<Vec<SourceKind>>,
}

impl Faulty {
    fn failing(&self, port: Port) -> bool {
        self.port == port
    }

    async fn fail<T>(&self, kind: SourceKind) -> Result<T, SourceError> {
        self.asked.lock().expect("lock").push(kind);
        if self.fault == Fault::Hang {
            std::future::pending::<()>().await;
        }
        Err(self.fault.error(self.port.operation(kind)))
    }
}

#[async_trait]
impl ApiCatalog for Faulty {
    async fn describe(&self, api: &ApiRef) -> Result<ApiDescription, SourceError> {
        if self.failing(Port::ApiCatalog) {
            return self.fail(SourceKind::ApiConfig).await;
        }
        self.inner.apis.describe(api).await
    }
}

#[async_trait]
impl MetricStats for Faulty {
    async fn fetch(
        &self,
        queries: &[MetricQuery],
        window: Window,
    ) -> Result<Vec<Series>, SourceError> {
        if self.failing(Port::MetricStats) {
            let kind = match queries.first().map(|q| q.namespace.as_str()) {
                Some("AWS/ApiGateway") => SourceKind::ApiMetrics,
                _ => SourceKind::BackendMetrics,
            };
            return self.fail(kind).await;
        }
        self.inner.metrics.fetch(queries, window).await
    }
}

#[async_trait]
impl LogQuestions for Faulty {
    async fn execution_log(
        &self,
        q: &ExecutionLogQuestion,
    ) -> Result<Answered<ExecutionSummary>, SourceError> {
        if self.failing(Port::LogQuestions) {
            return self.fail(SourceKind::ExecutionLog).await;
        }
        self.inner.logs.execution_log(q).await
    }

    async fn access_log(
        &self,
        q: &AccessLogQuestion,
    ) -> Result<Answered<AccessSummary>, SourceError> {
        if self.failing(Port::LogQuestions) {
            return self.fail(SourceKind::AccessLog).await;
        }
        self.inner.logs.access_log(q).await
    }

    async fn function_log(
        &self,
        q: &FunctionLogQuestion,
    ) -> Result<Answered<FunctionSummary>, SourceError> {
        if self.failing(Port::LogQuestions) {
            return self.fail(SourceKind::FunctionLog).await;
        }
        self.inner.logs.function_log(q).await
    }
}

#[async_trait]
impl FunctionCatalog for Faulty {
    async fn function(
        &self,
        name: &str,
        qualifier: Option<&str>,
    ) -> Result<FunctionSettings, SourceError> {
        if self.failing(Port::FunctionCatalog) {
            return self.fail(SourceKind::FunctionConfig).await;
        }
        self.inner.functions.function(name, qualifier).await
    }
}

#[async_trait]
impl TraceSummaries for Faulty {
    async fn slowest(&self, q: &TraceQuestion) -> Result<Vec<TraceSummary>, SourceError> {
        if self.failing(Port::TraceSummaries) {
            return self.fail(SourceKind::Traces).await;
        }
        self.inner.traces.slowest(q).await
    }
}

#[async_trait]
impl ChangeHistory for Faulty {
    async fn changes(&self, q: &ChangeQuestion) -> Result<Vec<Change>, SourceError> {
        if self.failing(Port::ChangeHistory) {
            return self.fail(SourceKind::Changes).await;
        }
        self.inner.changes.changes(q).await
    }
}

#[async_trait]
impl AlarmDirectory for Faulty {
    async fn metric_of(&self, alarm_name: &str) -> Result<Option<AlarmMetric>, SourceError> {
        if self.failing(Port::AlarmDirectory) {
            return self.fail(SourceKind::Alarms).await;
        }
        self.inner.alarms.metric_of(alarm_name).await
    }
}

fn sources_of(faulty: &Arc<Faulty>) -> Sources {
    Sources {
        apis: faulty.clone(),
        metrics: faulty.clone(),
        logs: faulty.clone(),
        functions: faulty.clone(),
        traces: faulty.clone(),
        changes: faulty.clone(),
        alarms: faulty.clone(),
    }
}

// -------------------------------------------------------------------------------------------
// The handler, with a notifier that remembers what it sent and when
// -------------------------------------------------------------------------------------------

struct Captured {
    started: Instant,
    sent: Mutex<Vec<(Duration, Report)>>,
}

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
        self.sent
            .lock()
            .expect("lock")
            .push((self.started.elapsed(), report.clone()));
        Ok(IncidentRefs::default())
    }
}

fn event_files() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("events");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("events/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    v.sort();
    v
}

/// What one handler run under one fault came to.
#[derive(Debug)]
struct Run {
    event: String,
    port: Port,
    fault: Fault,
    asked: Vec<SourceKind>,
    /// When each report was handed to the notifier, from the handler's start.
    sent_at: Vec<Duration>,
    returned_after: Duration,
    /// Why the run does not meet the contract; empty when it does.
    problems: Vec<String>,
}

async fn run(event: &PathBuf, port: Port, fault: Fault) -> Run {
    run_against(event, None, port, fault).await
}

/// Runs `event` with `port` failing. The scenario that answers is the one the event names,
/// or `scenario`, whose APIs a scheduled check then covers.
async fn run_against(event: &PathBuf, scenario: Option<&str>, port: Port, fault: Fault) -> Run {
    let name = event
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bytes = std::fs::read(event).expect("event readable");
    let json: serde_json::Value = serde_json::from_slice(&bytes).expect("event is JSON");
    let trigger = trigger::decode(&bytes).expect("bundled event decodes");
    let bundled = scenario::bundled().expect("bundled scenarios parse");
    let (inner, scheduled) = match scenario {
        Some(wanted) => {
            let s = bundled
                .iter()
                .find(|s| s.name == wanted)
                .unwrap_or_else(|| panic!("no bundled scenario {wanted}"))
                .clone();
            let apis = s
                .apis
                .iter()
                .map(|a| ApiRef {
                    kind: a.kind(),
                    name_or_id: match a.kind() {
                        ApiKind::Rest => a.name.clone(),
                        ApiKind::Http => a.id.clone(),
                    },
                    stage: a.stage.name.clone(),
                    route: None,
                })
                .collect();
            (Sources::from_scenario(s), apis)
        }
        None => {
            let (inner, s) = Account::Recorded(bundled)
                .sources_for(&trigger)
                .expect("a bundled scenario answers every bundled event");
            (inner, s.map(|s| s.scheduled()).unwrap_or_default())
        }
    };
    let faulty = Arc::new(Faulty {
        inner,
        port,
        fault,
        asked: Mutex::new(Vec::new()),
    });
    let started = Instant::now();
    let captured = Arc::new(Captured {
        started,
        sent: Mutex::new(Vec::new()),
    });
    let app = App {
        account: Account::Live(sources_of(&faulty)),
        settings: Settings {
            // Live sources name no scheduled APIs of their own: the configuration does.
            scheduled_apis: scheduled,
            ..Settings::default()
        },
        notifiers: vec![captured.clone()],
        incidents: Arc::new(MemoryIncidentLog::new()),
        quiet_period: Duration::from_secs(30 * 60),
        claim_ttl: Duration::from_secs(48 * 3600),
        publish_reserve: RESERVE,
    };
    let result = handle(&app, &json, REMAINING).await;
    let returned_after = started.elapsed();
    let asked = faulty.asked.lock().expect("lock").clone();
    let sent = std::mem::take(&mut *captured.sent.lock().expect("lock"));

    let mut problems = Vec::new();
    let out = match result {
        Ok(out) => out,
        Err(e) => {
            problems.push(format!("the handler failed: {e}"));
            serde_json::Value::Null
        }
    };
    let healthy = out["healthy"].as_array().map_or(0, Vec::len);
    if sent.is_empty() {
        // A scheduled check that found a healthy API sends nothing by design, but only when it
        // could read the API's 5XX count: a check blind to it must say so.
        let scheduled_and_healthy =
            matches!(trigger, Trigger::Schedule(_)) && healthy > 0 && port != Port::MetricStats;
        if !scheduled_and_healthy {
            problems.push("no notification went out".into());
        }
    }
    for (at, report) in &sent {
        if *at > REMAINING + SLACK {
            problems.push(format!(
                "the notification went out after {} ms, past the {} ms the invocation had",
                at.as_millis(),
                REMAINING.as_millis()
            ));
        }
        let gaps = &report.diagnosis.gaps;
        for kind in &asked {
            if !gaps
                .iter()
                .any(|g| g.source == *kind && fault.named_by(&g.reason))
            {
                problems.push(format!(
                    "no {kind:?} gap with a {fault:?} reason in the report: {gaps:?}"
                ));
            }
        }
    }
    if returned_after > REMAINING + SLACK {
        problems.push(format!(
            "the handler returned after {} ms",
            returned_after.as_millis()
        ));
    }
    Run {
        event: name,
        port,
        fault,
        asked,
        sent_at: sent.iter().map(|(at, _)| *at).collect(),
        returned_after,
        problems,
    }
}

/// Runs every bundled event with `port` failing each way, all at once, and prints one table
/// row per fault.
async fn every_fault_of(port: Port) -> Vec<Run> {
    let events = event_files();
    let cases: Vec<(PathBuf, Fault)> = FAULTS
        .iter()
        .flat_map(|f| events.iter().map(move |e| (e.clone(), *f)))
        .collect();
    let runs = futures::future::join_all(cases.iter().map(|(e, f)| run(e, port, *f))).await;
    for fault in FAULTS {
        let of: Vec<&Run> = runs.iter().filter(|r| r.fault == fault).collect();
        let asked: Vec<&&Run> = of.iter().filter(|r| !r.asked.is_empty()).collect();
        let mut kinds: Vec<SourceKind> = asked.iter().flat_map(|r| r.asked.clone()).collect();
        kinds.sort();
        kinds.dedup();
        let reports: usize = of.iter().map(|r| r.sent_at.len()).sum();
        let slowest = of
            .iter()
            .flat_map(|r| r.sent_at.iter())
            .max()
            .copied()
            .unwrap_or_default();
        let returned = of
            .iter()
            .map(|r| r.returned_after)
            .max()
            .unwrap_or_default();
        let ok = of.iter().filter(|r| r.problems.is_empty()).count();
        println!(
            "| {port:?} | {fault:?} | {} of {} | {} | {reports} | {} ms | {} ms | {ok}/{} |",
            asked.len(),
            of.len(),
            kinds
                .iter()
                .map(|k| format!("{k:?}"))
                .collect::<Vec<_>>()
                .join(", "),
            slowest.as_millis(),
            returned.as_millis(),
            of.len()
        );
    }
    runs
}

fn assert_contract(port: Port, runs: &[Run]) {
    let asked = runs.iter().filter(|r| !r.asked.is_empty()).count();
    assert!(
        asked > 0,
        "no bundled event asked {port:?} anything: the injection tested nothing"
    );
    let failed: Vec<String> = runs
        .iter()
        .filter(|r| !r.problems.is_empty())
        .map(|r| {
            format!(
                "{} with {:?} {:?}: {}",
                r.event,
                r.port,
                r.fault,
                r.problems.join("; ")
            )
        })
        .collect();
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_catalog_failing_any_way_still_lets_a_report_out_naming_the_gap() {
    let runs = every_fault_of(Port::ApiCatalog).await;
    assert_contract(Port::ApiCatalog, &runs);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metric_stats_failing_any_way_still_let_a_report_out_naming_the_gap() {
    let runs = every_fault_of(Port::MetricStats).await;
    assert_contract(Port::MetricStats, &runs);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_questions_failing_any_way_still_let_a_report_out_naming_the_gap() {
    let runs = every_fault_of(Port::LogQuestions).await;
    assert_contract(Port::LogQuestions, &runs);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_function_catalog_failing_any_way_still_lets_a_report_out_naming_the_gap() {
    let runs = every_fault_of(Port::FunctionCatalog).await;
    assert_contract(Port::FunctionCatalog, &runs);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trace_summaries_failing_any_way_still_let_a_report_out_naming_the_gap() {
    let runs = every_fault_of(Port::TraceSummaries).await;
    assert_contract(Port::TraceSummaries, &runs);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_history_failing_any_way_still_lets_a_report_out_naming_the_gap() {
    let runs = every_fault_of(Port::ChangeHistory).await;
    assert_contract(Port::ChangeHistory, &runs);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alarm_directory_failing_any_way_still_lets_a_report_out_naming_the_gap() {
    let runs = every_fault_of(Port::AlarmDirectory).await;
    assert_contract(Port::AlarmDirectory, &runs);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_check_that_cannot_read_the_5xx_count_reports_instead_of_calling_the_api_healthy()
 {
    // legacy-proxy fails one request in five, and only its metrics say so: with them denied,
    // late or unreadable, the check must not conclude that the API is healthy.
    let event = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("events/scheduled-check.json");
    let runs = futures::future::join_all(
        FAULTS
            .iter()
            .map(|f| run_against(&event, Some("legacy-proxy"), Port::MetricStats, *f)),
    )
    .await;
    for r in &runs {
        println!(
            "| scheduled check, legacy-proxy | MetricStats {:?} | reports {} | {} |",
            r.fault,
            r.sent_at.len(),
            if r.problems.is_empty() {
                "ok"
            } else {
                "FAILED"
            }
        );
    }
    assert_contract(Port::MetricStats, &runs);
}

// -------------------------------------------------------------------------------------------
// The real SDK adapters under HTTP 500s and unreadable bodies
// -------------------------------------------------------------------------------------------

mod adapters {
    use super::SourceError;
    use aws_smithy_mocks::{RuleMode, mock, mock_client};
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    use chrono::{TimeZone, Utc};
    use gateway_doctor::evidence::logs::live::{CloudWatchLogsInsights, PollPolicy};
    use gateway_doctor::evidence::logs::{ExecutionLogQuestion, LogQuestions};
    use gateway_doctor::evidence::metrics::MetricStats;
    use gateway_doctor::evidence::metrics::api_queries;
    use gateway_doctor::evidence::metrics::live::CloudWatchMetricStats;
    use gateway_doctor::trigger::{ApiKind, Window};
    use std::time::Duration;

    fn window() -> Window {
        Window {
            start: Utc.with_ymd_and_hms(2026, 11, 24, 2, 10, 0).unwrap(),
            end: Utc.with_ymd_and_hms(2026, 11, 24, 2, 15, 0).unwrap(),
        }
    }

    fn response(status: u16, body: &'static [u8]) -> HttpResponse {
        HttpResponse::new(
            StatusCode::try_from(status).expect("valid status"),
            SdkBody::from(body),
        )
    }

    /// The SDK's standard retries, with backoffs short enough for a test.
    fn quick_retries() -> aws_smithy_types::retry::RetryConfig {
        aws_smithy_types::retry::RetryConfig::standard()
            .with_max_attempts(3)
            .with_initial_backoff(Duration::from_millis(1))
            .with_max_backoff(Duration::from_millis(5))
    }

    async fn metrics_with(response: fn() -> HttpResponse) -> (SourceError, usize) {
        let rule = mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_http_response(response);
        let client = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&rule], |c| c
            .retry_config(quick_retries()));
        let err = CloudWatchMetricStats::new(client)
            .fetch(&api_queries(ApiKind::Rest, "orders-api", "prod"), window())
            .await
            .expect_err("no answer from a failing service");
        (err, rule.num_calls())
    }

    fn question() -> ExecutionLogQuestion {
        ExecutionLogQuestion {
            rest_api_id: "a1b2c3d4e5".into(),
            stage: "prod".into(),
            window: window(),
        }
    }

    fn quick_polls() -> PollPolicy {
        PollPolicy {
            first_wait: Duration::from_millis(1),
            max_wait_between_polls: Duration::from_millis(5),
            give_up_after: Duration::from_secs(5),
        }
    }

    #[tokio::test]
    async fn a_cloudwatch_500_is_retried_then_becomes_a_service_error() {
        let (err, calls) = metrics_with(|| response(500, b"")).await;
        assert!(
            matches!(err, SourceError::Service(ref m) if m.contains("cloudwatch:GetMetricData")),
            "{err:?}"
        );
        assert_eq!(calls, 3, "the SDK's standard retries ran");
    }

    #[tokio::test]
    async fn an_unreadable_cloudwatch_answer_becomes_a_malformed_error() {
        // GetMetricData speaks CBOR: a JSON body (cut short, at that) cannot be read as it.
        let (err, _) = metrics_with(|| response(200, b"{\"MetricDataResults\": [")).await;
        assert!(
            matches!(err, SourceError::Malformed(ref m) if m.contains("cloudwatch:GetMetricData")),
            "{err:?}"
        );
    }

    fn logs_client(
        start: &aws_smithy_mocks::Rule,
        results: &aws_smithy_mocks::Rule,
        filter: &aws_smithy_mocks::Rule,
    ) -> aws_sdk_cloudwatchlogs::Client {
        // Queries given up on are stopped, so they are not billed to their end.
        let stop = mock!(aws_sdk_cloudwatchlogs::Client::stop_query).then_output(|| {
            aws_sdk_cloudwatchlogs::operation::stop_query::StopQueryOutput::builder()
                .success(true)
                .build()
        });
        mock_client!(
            aws_sdk_cloudwatchlogs,
            RuleMode::MatchAny,
            [start, results, filter, &stop],
            |c| c.retry_config(quick_retries())
        )
    }

    #[tokio::test]
    async fn logs_500s_from_insights_and_filter_log_events_become_a_service_error() {
        let start = mock!(aws_sdk_cloudwatchlogs::Client::start_query).then_http_response(|| {
            response(
                500,
                br#"{"__type":"ServiceUnavailableException","message":"internal error"}"#,
            )
        });
        let results = mock!(aws_sdk_cloudwatchlogs::Client::get_query_results)
            .then_http_response(|| response(500, b""));
        let filter = mock!(aws_sdk_cloudwatchlogs::Client::filter_log_events)
            .then_http_response(|| response(500, b""));
        let logs = CloudWatchLogsInsights::new(logs_client(&start, &results, &filter))
            .with_poll_policy(quick_polls());
        let err = logs
            .execution_log(&question())
            .await
            .expect_err("neither path answers");
        assert!(
            matches!(err, SourceError::Service(ref m) if m.contains("logs:FilterLogEvents")),
            "{err:?}"
        );
        assert!(start.num_calls() >= 1, "Insights was tried first");
        assert_eq!(
            filter.num_calls(),
            3,
            "the fallback was retried, then gave up"
        );
    }

    #[tokio::test]
    async fn unreadable_logs_answers_become_a_malformed_error() {
        let start = mock!(aws_sdk_cloudwatchlogs::Client::start_query)
            .then_http_response(|| response(200, br#"{"queryId": "q-1"}"#));
        // Insights' answer cannot be read, so the question falls back; so can FilterLogEvents'.
        let results = mock!(aws_sdk_cloudwatchlogs::Client::get_query_results)
            .then_http_response(|| response(200, br#"{"status": "Complete", "results": [[{"#));
        let filter = mock!(aws_sdk_cloudwatchlogs::Client::filter_log_events)
            .then_http_response(|| response(200, br#"{"events": [{"message": 12"#));
        let logs = CloudWatchLogsInsights::new(logs_client(&start, &results, &filter))
            .with_poll_policy(quick_polls());
        let err = logs
            .execution_log(&question())
            .await
            .expect_err("nothing readable came back");
        assert!(
            matches!(err, SourceError::Malformed(ref m) if m.contains("logs:FilterLogEvents")),
            "{err:?}"
        );
        assert!(results.num_calls() >= 1, "Insights was polled first");
    }

    #[tokio::test]
    async fn logs_throttling_and_access_denied_bodies_are_named() {
        for (body, throttled) in [
            (
                &br#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#[..],
                true,
            ),
            (
                &br#"{"__type":"AccessDeniedException","message":"not authorized to perform: logs:FilterLogEvents"}"#[..],
                false,
            ),
        ] {
            let filter = mock!(aws_sdk_cloudwatchlogs::Client::filter_log_events)
                .then_http_response(move || response(400, body));
            let client = mock_client!(
                aws_sdk_cloudwatchlogs,
                RuleMode::MatchAny,
                [&filter],
                |c| c.retry_config(quick_retries())
            );
            let err = CloudWatchLogsInsights::new(client)
                .without_insights()
                .execution_log(&question())
                .await
                .expect_err("refused");
            if throttled {
                assert!(matches!(err, SourceError::Throttled(_)), "{err:?}");
            } else {
                assert!(matches!(err, SourceError::AccessDenied(_)), "{err:?}");
            }
        }
    }
}
