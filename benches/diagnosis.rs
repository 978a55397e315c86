//! End-to-end diagnosis time with realistic AWS latency, and what a diagnosis costs.
//!
//! Every bundled event runs through the whole Lambda handler. The bundled scenario answers, but
//! behind decorators that first make the AWS calls the live adapter would make for that answer
//! (`src/evidence/*/live.rs`), each an 80 ms round trip on tokio's real clock; a Logs Insights
//! query runs 2 s after StartQuery and is polled as `PollPolicy::default()` polls it. The
//! incident store (DynamoDB) and the SNS notifier are given the same 80 ms per call.
//!
//! Every call is recorded with what it waited for, so the critical path is followed back from
//! the call that ended last. "Dependent round trips" count a query's repeated polls once.

mod common;

use async_trait::async_trait;
use common::{ms, summary};
use futures::StreamExt;
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
use gateway_doctor::evidence::{SourceError, Sources, scenario};
use gateway_doctor::handler::{App, handle};
use gateway_doctor::incident::memory::MemoryIncidentLog;
use gateway_doctor::incident::{Claim, Incident, IncidentLog, StateChange, StoreError};
use gateway_doctor::notify::{IncidentRefs, Notifier, NotifyError};
use gateway_doctor::pipeline::{Account, Settings};
use gateway_doctor::report::Report;
use gateway_doctor::trigger::{self, AlarmMetric, ApiKind, ApiRef, Window};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// One AWS API round trip.
const LATENCY: Duration = Duration::from_millis(80);
/// How long a Logs Insights query runs once started.
const QUERY_RUNTIME: Duration = Duration::from_secs(2);
/// `PollPolicy::default()` in src/evidence/logs/live.rs.
const FIRST_POLL_WAIT: Duration = Duration::from_millis(250);
const MAX_POLL_WAIT: Duration = Duration::from_secs(2);
/// The template's function timeout: what the invocation has left when it starts.
const REMAINING: Duration = Duration::from_secs(60);
const HEADLINE: &str = "rest-integration-timeout-too-low.json";
/// Every modelled time is divided by this: 1 under `cargo bench`, more in a smoke run.
static SCALE: AtomicU32 = AtomicU32::new(1);

fn at_scale(d: Duration) -> Duration {
    d / SCALE.load(Ordering::Relaxed).max(1)
}

// -------------------------------------------------------------------------------------------
// Recording calls
// -------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Execution,
    Access,
    Function,
}

#[derive(Debug, Clone)]
struct Call {
    op: &'static str,
    start: Duration,
    end: Duration,
    /// The call whose answer this one needed, when the plan says so; otherwise inferred.
    after: Option<usize>,
    /// The Insights query this call starts or polls.
    query: Option<usize>,
    poll: bool,
}

#[derive(Debug, Clone, Copy)]
struct Query {
    group: Group,
}

struct Recorder {
    t0: Instant,
    calls: Mutex<Vec<Call>>,
    queries: Mutex<Vec<Query>>,
    /// The longest wait between two polls of a query.
    max_poll_wait: Duration,
}

impl Recorder {
    fn new(max_poll_wait: Duration) -> Self {
        Self {
            t0: Instant::now(),
            calls: Mutex::new(Vec::new()),
            queries: Mutex::new(Vec::new()),
            max_poll_wait,
        }
    }

    async fn traced(
        &self,
        op: &'static str,
        after: Option<usize>,
        query: Option<usize>,
        poll: bool,
    ) -> (usize, Duration) {
        let start = self.t0.elapsed();
        tokio::time::sleep(at_scale(LATENCY)).await;
        let end = self.t0.elapsed();
        let mut calls = self.calls.lock().expect("lock");
        calls.push(Call {
            op,
            start,
            end,
            after,
            query,
            poll,
        });
        (calls.len() - 1, start + at_scale(LATENCY) / 2)
    }

    /// One round trip, after `after` (None: whatever the caller waited for before asking).
    async fn call(&self, op: &'static str, after: Option<usize>) -> usize {
        self.traced(op, after, None, false).await.0
    }

    /// Calls made together after `after`; returns the one that answered last.
    async fn together(&self, ops: &[&'static str], after: Option<usize>) -> Option<usize> {
        let ids = futures::future::join_all(ops.iter().map(|op| self.call(op, after))).await;
        self.last_of(&ids)
    }

    fn last_of(&self, ids: &[usize]) -> Option<usize> {
        let calls = self.calls.lock().expect("lock");
        ids.iter().copied().max_by_key(|i| calls[*i].end)
    }

    /// `n` Insights queries started together, then each polled until complete, as
    /// `CloudWatchLogsInsights::insights` does. Returns the last poll.
    async fn insights(&self, group: Group, n: usize, after: Option<usize>) -> Option<usize> {
        let qids: Vec<usize> = {
            let mut queries = self.queries.lock().expect("lock");
            (0..n)
                .map(|_| {
                    queries.push(Query { group });
                    queries.len() - 1
                })
                .collect()
        };
        let started = futures::future::join_all(
            qids.iter()
                .map(|q| self.traced("logs:StartQuery", after, Some(*q), false)),
        )
        .await;
        let polled =
            futures::future::join_all(qids.iter().zip(started).map(|(q, (id, at))| async move {
                let mut prev = id;
                let mut wait = at_scale(FIRST_POLL_WAIT);
                loop {
                    tokio::time::sleep(wait).await;
                    let (poll, seen) = self
                        .traced("logs:GetQueryResults", Some(prev), Some(*q), true)
                        .await;
                    prev = poll;
                    if seen.saturating_sub(at) >= at_scale(QUERY_RUNTIME) {
                        return poll;
                    }
                    wait = (wait * 2).min(at_scale(self.max_poll_wait));
                }
            }))
            .await;
        self.last_of(&polled)
    }
}

// -------------------------------------------------------------------------------------------
// The scenario's answers, behind the calls the live adapters make
// -------------------------------------------------------------------------------------------

struct Delayed {
    inner: Sources,
    rec: Arc<Recorder>,
}

#[async_trait]
impl ApiCatalog for Delayed {
    async fn describe(&self, api: &ApiRef) -> Result<ApiDescription, SourceError> {
        match api.kind {
            // A REST API is found by name, then described by id.
            ApiKind::Rest => {
                let found = self.rec.call("apigateway:GetRestApis", None).await;
                self.rec
                    .together(
                        &["apigateway:GetStage", "apigateway:GetResources"],
                        Some(found),
                    )
                    .await;
            }
            ApiKind::Http => {
                self.rec
                    .together(
                        &[
                            "apigatewayv2:GetApi",
                            "apigatewayv2:GetStage",
                            "apigatewayv2:GetRoutes",
                            "apigatewayv2:GetIntegrations",
                        ],
                        None,
                    )
                    .await;
            }
        }
        self.inner.apis.describe(api).await
    }
}

#[async_trait]
impl MetricStats for Delayed {
    async fn fetch(
        &self,
        queries: &[MetricQuery],
        window: Window,
    ) -> Result<Vec<Series>, SourceError> {
        self.rec.call("cloudwatch:GetMetricData", None).await;
        self.inner.metrics.fetch(queries, window).await
    }
}

#[async_trait]
impl LogQuestions for Delayed {
    async fn execution_log(
        &self,
        q: &ExecutionLogQuestion,
    ) -> Result<Answered<ExecutionSummary>, SourceError> {
        let answer = self.inner.logs.execution_log(q).await;
        if let Err(SourceError::NotFound(_)) = answer {
            self.rec.together(&["logs:StartQuery"; 3], None).await;
            return answer;
        }
        // Totals, signals and failing ids; then the failing requests' own lines.
        let last = self.rec.insights(Group::Execution, 3, None).await;
        if answer.as_ref().is_ok_and(|a| a.answer.total_failures() > 0) {
            self.rec.insights(Group::Execution, 1, last).await;
        }
        answer
    }

    async fn access_log(
        &self,
        q: &AccessLogQuestion,
    ) -> Result<Answered<AccessSummary>, SourceError> {
        if q.format.trim_start().starts_with('{') {
            // Totals, statuses, errors and failing lines, when the format has their fields.
            self.rec.insights(Group::Access, 4, None).await;
        } else {
            // Insights finds fields only in JSON: other formats are read with FilterLogEvents.
            self.rec.call("logs:FilterLogEvents", None).await;
        }
        self.inner.logs.access_log(q).await
    }

    async fn function_log(
        &self,
        q: &FunctionLogQuestion,
    ) -> Result<Answered<FunctionSummary>, SourceError> {
        self.rec.insights(Group::Function, 3, None).await;
        self.inner.logs.function_log(q).await
    }
}

#[async_trait]
impl FunctionCatalog for Delayed {
    async fn function(
        &self,
        name: &str,
        qualifier: Option<&str>,
    ) -> Result<FunctionSettings, SourceError> {
        let mut ops = vec![
            "lambda:GetFunctionConfiguration",
            "lambda:GetFunctionConcurrency",
        ];
        if qualifier.is_some() {
            ops.push("lambda:GetProvisionedConcurrencyConfig");
        }
        self.rec.together(&ops, None).await;
        self.inner.functions.function(name, qualifier).await
    }
}

#[async_trait]
impl TraceSummaries for Delayed {
    async fn slowest(&self, q: &TraceQuestion) -> Result<Vec<TraceSummary>, SourceError> {
        let summaries = self.rec.call("xray:GetTraceSummaries", None).await;
        let answer = self.inner.traces.slowest(q).await;
        if let Ok(traces) = &answer
            && !traces.is_empty()
        {
            // Segment documents in batches of five, all at once.
            let batches = vec!["xray:BatchGetTraces"; traces.len().div_ceil(5)];
            self.rec.together(&batches, Some(summaries)).await;
        }
        answer
    }
}

#[async_trait]
impl ChangeHistory for Delayed {
    async fn changes(&self, q: &ChangeQuestion) -> Result<Vec<Change>, SourceError> {
        let deployments: &[&'static str] = match q.kind {
            ApiKind::Rest => &["apigateway:GetDeployments", "apigateway:GetStage"],
            ApiKind::Http => &["apigatewayv2:GetDeployments", "apigatewayv2:GetStage"],
        };
        let modified = vec!["lambda:GetFunctionConfiguration"; q.functions.len()];
        // CloudTrail for the API and each function, two at a time.
        let trail = futures::stream::iter(0..=q.functions.len())
            .map(|_| self.rec.call("cloudtrail:LookupEvents", None))
            .buffer_unordered(2)
            .collect::<Vec<_>>();
        futures::join!(
            self.rec.together(deployments, None),
            self.rec.together(&modified, None),
            trail
        );
        self.inner.changes.changes(q).await
    }
}

#[async_trait]
impl AlarmDirectory for Delayed {
    async fn metric_of(&self, alarm_name: &str) -> Result<Option<AlarmMetric>, SourceError> {
        self.rec.call("cloudwatch:DescribeAlarms", None).await;
        self.inner.alarms.metric_of(alarm_name).await
    }
}

/// The DynamoDB incident table's round trips around the in-memory store.
struct DelayedIncidents {
    inner: MemoryIncidentLog,
    rec: Arc<Recorder>,
}

#[async_trait]
impl IncidentLog for DelayedIncidents {
    async fn claim(
        &self,
        change: &StateChange,
        quiet: chrono::Duration,
        ttl: chrono::Duration,
    ) -> Result<Claim, StoreError> {
        // The change is claimed with a conditional PutItem; an ALARM then claims the diagnosis.
        let put = self.rec.call("dynamodb:PutItem", None).await;
        if change.state == "ALARM" {
            self.rec.call("dynamodb:UpdateItem", Some(put)).await;
        }
        self.inner.claim(change, quiet, ttl).await
    }
    async fn open(
        &self,
        alarm_arn: &str,
        incident: &Incident,
        ttl: chrono::Duration,
    ) -> Result<(), StoreError> {
        self.rec.call("dynamodb:PutItem", None).await;
        self.inner.open(alarm_arn, incident, ttl).await
    }
    async fn release(&self, change: &StateChange) -> Result<(), StoreError> {
        self.rec.call("dynamodb:DeleteItem", None).await;
        self.inner.release(change).await
    }
    async fn find(&self, alarm_arn: &str) -> Result<Option<Incident>, StoreError> {
        self.rec.call("dynamodb:GetItem", None).await;
        self.inner.find(alarm_arn).await
    }
    async fn close(&self, alarm_arn: &str) -> Result<(), StoreError> {
        self.rec.call("dynamodb:UpdateItem", None).await;
        self.inner.close(alarm_arn).await
    }
}

/// SNS, keeping what it sent.
struct DelayedSns {
    rec: Arc<Recorder>,
    sent: Mutex<Vec<Report>>,
}

#[async_trait]
impl Notifier for DelayedSns {
    fn name(&self) -> &'static str {
        "sns"
    }
    async fn send(
        &self,
        report: &Report,
        _: Option<&IncidentRefs>,
    ) -> Result<IncidentRefs, NotifyError> {
        self.rec.call("sns:Publish", None).await;
        self.sent.lock().expect("lock").push(report.clone());
        Ok(IncidentRefs::default())
    }
}

// -------------------------------------------------------------------------------------------
// One event, and its critical path
// -------------------------------------------------------------------------------------------

struct Measured {
    event: String,
    wall: Duration,
    calls: Vec<Call>,
    queries: Vec<Query>,
    reports: Vec<Report>,
    /// The critical path, first call first.
    path: Vec<usize>,
}

impl Measured {
    fn evidence_calls(&self) -> impl Iterator<Item = &Call> {
        self.calls
            .iter()
            .filter(|c| !c.op.starts_with("dynamodb:") && !c.op.starts_with("sns:"))
    }

    /// Each call made one after another, each query waited for alone.
    fn sequential(&self) -> Duration {
        at_scale(LATENCY) * self.calls.len() as u32
            + at_scale(QUERY_RUNTIME) * self.queries.len() as u32
    }

    /// Round trips on the critical path: all of them, and with a query's polls counted once.
    fn round_trips(&self, evidence_only: bool) -> (usize, usize) {
        let on_path: Vec<&Call> = self
            .path
            .iter()
            .map(|i| &self.calls[*i])
            .filter(|c| {
                !evidence_only || !(c.op.starts_with("dynamodb:") || c.op.starts_with("sns:"))
            })
            .collect();
        let repeated_polls = on_path
            .windows(2)
            .filter(|w| w[0].poll && w[1].poll && w[0].query == w[1].query)
            .count();
        (on_path.len(), on_path.len() - repeated_polls)
    }

    fn path_text(&self) -> String {
        let mut out: Vec<String> = Vec::new();
        let mut polls = 0;
        for (n, i) in self.path.iter().enumerate() {
            let c = &self.calls[*i];
            let next_is_same_poll = self
                .path
                .get(n + 1)
                .map(|j| &self.calls[*j])
                .is_some_and(|d| c.poll && d.poll && d.query == c.query);
            if c.poll {
                polls += 1;
                if next_is_same_poll {
                    continue;
                }
                out.push(format!("GetQueryResults x{polls}"));
                polls = 0;
            } else {
                out.push(c.op.split(':').nth(1).unwrap_or(c.op).to_string());
            }
        }
        out.join(" -> ")
    }
}

/// Follows each call back to what it waited for: the plan's `after`, or else the call that
/// ended last just before it started (what released the caller).
fn critical_path(calls: &[Call]) -> Vec<usize> {
    let slack = at_scale(Duration::from_millis(5)).max(Duration::from_millis(1));
    let Some(mut at) = (0..calls.len()).max_by_key(|i| calls[*i].end) else {
        return Vec::new();
    };
    let mut path = vec![at];
    loop {
        let c = &calls[at];
        let before = c.after.or_else(|| {
            (0..calls.len())
                .filter(|j| calls[*j].end <= c.start && c.start - calls[*j].end <= slack)
                .max_by_key(|j| calls[*j].end)
        });
        match before {
            Some(b) if !path.contains(&b) => {
                path.push(b);
                at = b;
            }
            _ => break,
        }
    }
    path.reverse();
    path
}

async fn measure(event: PathBuf, max_poll_wait: Duration) -> Measured {
    let name = event
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bytes = std::fs::read(&event).expect("event readable");
    let json: serde_json::Value = serde_json::from_slice(&bytes).expect("event is JSON");
    let trigger = trigger::decode(&bytes).expect("bundled event decodes");
    let recorded = Account::Recorded(scenario::bundled().expect("bundled scenarios parse"));
    let (inner, scenario) = recorded.sources_for(&trigger).expect("a scenario answers");
    let rec = Arc::new(Recorder::new(max_poll_wait));
    let delayed = Arc::new(Delayed {
        inner,
        rec: rec.clone(),
    });
    let sns = Arc::new(DelayedSns {
        rec: rec.clone(),
        sent: Mutex::new(Vec::new()),
    });
    let app = App {
        account: Account::Live(Sources {
            apis: delayed.clone(),
            metrics: delayed.clone(),
            logs: delayed.clone(),
            functions: delayed.clone(),
            traces: delayed.clone(),
            changes: delayed.clone(),
            alarms: delayed,
        }),
        settings: Settings {
            scheduled_apis: scenario.map(|s| s.scheduled()).unwrap_or_default(),
            ..Settings::default()
        },
        notifiers: vec![sns.clone()],
        incidents: Arc::new(DelayedIncidents {
            inner: MemoryIncidentLog::new(),
            rec: rec.clone(),
        }),
        quiet_period: Duration::from_secs(30 * 60),
        claim_ttl: Duration::from_secs(48 * 3600),
        publish_reserve: Duration::from_secs(3),
    };
    let started = Instant::now();
    if let Err(e) = handle(&app, &json, REMAINING).await {
        panic!("{name}: the handler failed: {e}");
    }
    let wall = started.elapsed();
    let calls = rec.calls.lock().expect("lock").clone();
    let queries = rec.queries.lock().expect("lock").clone();
    let reports = sns.sent.lock().expect("lock").clone();
    let path = critical_path(&calls);
    Measured {
        event: name,
        wall,
        calls,
        queries,
        reports,
        path,
    }
}

// -------------------------------------------------------------------------------------------
// Cost
// -------------------------------------------------------------------------------------------

/// Assumptions for a busy API (us-east-1 list prices, free tiers ignored).
struct Busy {
    requests_per_s: f64,
}

const GB: f64 = 1024.0 * 1024.0 * 1024.0;
/// REST execution log at INFO without data tracing: ~12 lines of ~125 bytes a request.
const EXECUTION_BYTES_PER_REQUEST: f64 = 1_500.0;
/// The bundled JSON access log format (13 fields).
const ACCESS_BYTES_PER_REQUEST: f64 = 350.0;
/// START, END and REPORT lines plus a little application logging.
const FUNCTION_BYTES_PER_INVOCATION: f64 = 400.0;
const INSIGHTS_PER_GB: f64 = 0.005;
const METRICS_PER_1000: f64 = 0.01;
const CLOUDWATCH_REQUESTS_PER_1000: f64 = 0.01;
const LAMBDA_ARM_PER_GB_S: f64 = 0.000_013_333_4;
const LAMBDA_PER_REQUEST: f64 = 0.20 / 1e6;
const LAMBDA_MEMORY_GB: f64 = 0.25;
/// Init allowance billed on a cold start (the cold-start bench measures it well below this).
const INIT: Duration = Duration::from_millis(50);
const XRAY_PER_TRACE: f64 = 0.50 / 1e6;
/// X-Ray's default sampling: the first request each second, then 5%.
const XRAY_SAMPLED: (f64, f64) = (1.0, 0.05);
const SNS_PER_PUBLISH: f64 = 0.50 / 1e6;
const DYNAMODB_PER_WRITE: f64 = 0.625 / 1e6;
const DYNAMODB_PER_READ: f64 = 0.125 / 1e6;

#[derive(Debug, Default)]
struct Bill {
    insights_gb: f64,
    insights: f64,
    metrics: f64,
    lambda: f64,
    xray: f64,
    other: f64,
}

impl Bill {
    fn total(&self) -> f64 {
        self.insights + self.metrics + self.lambda + self.xray + self.other
    }
}

fn bill(m: &Measured, busy: &Busy) -> Bill {
    let window_s = m
        .reports
        .iter()
        .find_map(|r| {
            r.alarm
                .as_ref()
                .map(|a| a.window)
                .or(r.check.as_ref().map(|c| c.window))
        })
        .map_or(300.0, |w: Window| w.length().num_seconds() as f64);
    let requests = busy.requests_per_s * window_s;
    // Every query scans its group over the whole window (the sample query's window starts
    // REQUEST_LEAD_S = 300 s before the first failure, so for a 5-minute alarm it is the same).
    let insights_bytes: f64 = m
        .queries
        .iter()
        .map(|q| {
            requests
                * match q.group {
                    Group::Execution => EXECUTION_BYTES_PER_REQUEST,
                    Group::Access => ACCESS_BYTES_PER_REQUEST,
                    Group::Function => FUNCTION_BYTES_PER_INVOCATION,
                }
        })
        .sum();
    let metric_series: u32 = m.reports.iter().map(|r| r.cost.metric_series).sum();
    let count = |op: &str| m.calls.iter().filter(|c| c.op == op).count() as f64;
    let traces_scanned = if count("xray:GetTraceSummaries") > 0.0 {
        let sampled = (XRAY_SAMPLED.0 * window_s).max(0.0).min(requests)
            + XRAY_SAMPLED.1 * (requests - XRAY_SAMPLED.0 * window_s).max(0.0);
        sampled * count("xray:GetTraceSummaries")
    } else {
        0.0
    };
    // At most five traces a BatchGetTraces call.
    let traces_retrieved = 5.0 * count("xray:BatchGetTraces");
    let billed_s = (m.wall + INIT).as_secs_f64();
    Bill {
        insights_gb: insights_bytes / GB,
        insights: insights_bytes / GB * INSIGHTS_PER_GB,
        metrics: f64::from(metric_series) / 1000.0 * METRICS_PER_1000,
        lambda: LAMBDA_MEMORY_GB * billed_s * LAMBDA_ARM_PER_GB_S + LAMBDA_PER_REQUEST,
        xray: (traces_scanned + traces_retrieved) * XRAY_PER_TRACE,
        other: count("cloudwatch:DescribeAlarms") / 1000.0 * CLOUDWATCH_REQUESTS_PER_1000
            + count("sns:Publish") * SNS_PER_PUBLISH
            + (count("dynamodb:PutItem") + count("dynamodb:UpdateItem")) * DYNAMODB_PER_WRITE
            + count("dynamodb:GetItem") * DYNAMODB_PER_READ,
    }
}

/// The request rate at which a diagnosis costs `target`, everything else as measured.
fn break_even(m: &Measured, target: f64) -> f64 {
    let (mut low, mut high) = (0.0, 1e6);
    for _ in 0..60 {
        let mid = (low + high) / 2.0;
        if bill(
            m,
            &Busy {
                requests_per_s: mid,
            },
        )
        .total()
            < target
        {
            low = mid;
        } else {
            high = mid;
        }
    }
    low
}

// -------------------------------------------------------------------------------------------

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    if common::smoke() {
        SCALE.store(20, Ordering::Relaxed);
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("events");
    let mut events: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("events/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    events.sort();
    println!(
        "== diagnosis with {} ms per AWS call, {} ms per Logs Insights query ({})",
        at_scale(LATENCY).as_millis(),
        at_scale(QUERY_RUNTIME).as_millis(),
        common::machine()
    );
    // All events at once: each run is almost all waiting, so they do not disturb one another.
    let measured =
        futures::future::join_all(events.iter().cloned().map(|e| measure(e, MAX_POLL_WAIT))).await;

    println!(
        "{:<40} {:>5} {:>7} {:>8} {:>10} {:>10} {:>7} {:>9}",
        "event", "calls", "queries", "path", "wall", "one-by-one", "speedup", "$ @100/s"
    );
    for m in &measured {
        let (all, dependent) = m.round_trips(false);
        println!(
            "{:<40} {:>5} {:>7} {:>3} ({:>2}) {:>7.0} ms {:>7.0} ms {:>6.1}x {:>9.6}",
            m.event,
            m.calls.len(),
            m.queries.len(),
            dependent,
            all,
            ms(m.wall),
            ms(m.sequential()),
            m.sequential().as_secs_f64() / m.wall.as_secs_f64().max(1e-9),
            bill(
                m,
                &Busy {
                    requests_per_s: 100.0
                }
            )
            .total()
        );
    }
    println!(
        "(path: dependent round trips on the critical path, a query's polls counted once; all calls in brackets)"
    );

    let Some(head) = measured.iter().find(|m| m.event == HEADLINE) else {
        panic!("{HEADLINE} is not among the bundled events");
    };
    println!("\n-- {HEADLINE}");
    let mut ops: Vec<(&str, usize)> = Vec::new();
    for c in &head.calls {
        match ops.iter_mut().find(|(op, _)| *op == c.op) {
            Some((_, n)) => *n += 1,
            None => ops.push((c.op, 1)),
        }
    }
    for (op, n) in &ops {
        println!("  {n:>3} x {op}");
    }
    println!("  critical path: {}", head.path_text());
    let (all, dependent) = head.round_trips(false);
    let (e_all, e_dependent) = head.round_trips(true);
    let evidence_calls = head.evidence_calls().count();
    summary(&format!(
        "diagnosis ({HEADLINE}): wall {:.0} ms vs {:.0} ms one after another ({} calls, {} of them for evidence, {} Insights queries); critical path {} dependent round trips ({} calls), {} of them gathering evidence ({} calls) (target <= 4)",
        ms(head.wall),
        ms(head.sequential()),
        head.calls.len(),
        evidence_calls,
        head.queries.len(),
        dependent,
        all,
        e_dependent,
        e_all
    ));
    let worst = measured
        .iter()
        .max_by_key(|m| m.wall)
        .expect("events were measured");
    summary(&format!(
        "diagnosis (slowest event, {}): wall {:.0} ms vs {:.0} ms one after another",
        worst.event,
        ms(worst.wall),
        ms(worst.sequential())
    ));
    // What the poll schedule costs: the same diagnosis with polls at most 500 ms apart.
    let capped = measure(dir.join(HEADLINE), Duration::from_millis(500)).await;
    summary(&format!(
        "diagnosis ({HEADLINE}) with Insights polled at most 500 ms apart instead of {} ms: wall {:.0} ms ({} calls)",
        MAX_POLL_WAIT.as_millis(),
        ms(capped.wall),
        capped.calls.len()
    ));

    println!(
        "\n-- cost of one diagnosis of {HEADLINE} (us-east-1 list prices, free tiers ignored)"
    );
    println!(
        "  assumptions: the alarm's window; execution log {EXECUTION_BYTES_PER_REQUEST} B, access log {ACCESS_BYTES_PER_REQUEST} B, function log {FUNCTION_BYTES_PER_INVOCATION} B a request; every Insights query scans its group over the window at ${INSIGHTS_PER_GB}/GB; GetMetricData ${METRICS_PER_1000}/1,000 metrics; Lambda 256 MB arm64 at ${LAMBDA_ARM_PER_GB_S}/GB-s for the measured wall time + {} ms init, $0.20/M requests; X-Ray $0.50/M traces scanned or retrieved (default sampling); SNS $0.50/M; DynamoDB on-demand $0.625/M writes",
        INIT.as_millis()
    );
    println!(
        "  {:>8} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}",
        "req/s", "GB scanned", "Insights", "metrics", "Lambda", "X-Ray", "other", "total"
    );
    for rate in [1.0, 10.0, 50.0, 100.0, 1000.0] {
        let b = bill(
            head,
            &Busy {
                requests_per_s: rate,
            },
        );
        println!(
            "  {rate:>8.0} {:>10.4} {:>10.6} {:>10.6} {:>10.6} {:>10.6} {:>10.6} {:>10.6}",
            b.insights_gb,
            b.insights,
            b.metrics,
            b.lambda,
            b.xray,
            b.other,
            b.total()
        );
    }
    let busy = bill(
        head,
        &Busy {
            requests_per_s: 100.0,
        },
    );
    summary(&format!(
        "cost per diagnosis ({HEADLINE}, busy API at 100 req/s, 5-minute window): ${:.6} (target < $0.001): Insights ${:.6} for {:.3} GB scanned, metrics ${:.6}, Lambda ${:.6}; under $0.001 up to {:.0} req/s",
        busy.total(),
        busy.insights,
        busy.insights_gb,
        busy.metrics,
        busy.lambda,
        break_even(head, 0.001)
    ));
    let worst_cost = measured
        .iter()
        .map(|m| {
            (
                m,
                bill(
                    m,
                    &Busy {
                        requests_per_s: 100.0,
                    },
                ),
            )
        })
        .max_by(|a, b| a.1.total().total_cmp(&b.1.total()));
    if let Some((m, b)) = worst_cost {
        summary(&format!(
            "cost per diagnosis (dearest event at 100 req/s, {}): ${:.6}",
            m.event,
            b.total()
        ));
    }
}
