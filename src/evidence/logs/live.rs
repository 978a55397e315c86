//! CloudWatch Logs: each log question answered by Logs Insights queries bounded to its window,
//! and by FilterLogEvents run through the evaluators when Insights is refused.
//!
//! Insights is refused when StartQuery is denied, the account's concurrent-query quota is used
//! up, a query is malformed, a query ends Failed/Cancelled/Timeout, or it is still not Complete
//! after [`PollPolicy::give_up_after`] (it is then stopped, so it is not billed to its end). Only
//! a log group that does not exist ends the question at once: FilterLogEvents would not find it
//! either.

mod queries;

use super::evaluate::{AccessLogEvaluator, ExecutionLogEvaluator, FunctionLogEvaluator};
use super::{
    AccessLogQuestion, AccessSummary, AnswerMethod, Answered, ExecutionLogQuestion,
    ExecutionSummary, FunctionLogQuestion, FunctionSummary, LogQuestions,
};
use crate::evidence::SourceError;
use crate::evidence::sdk_error::source_error;
use crate::trigger::Window;
use async_trait::async_trait;
use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::operation::get_query_results::GetQueryResultsOutput;
use aws_sdk_cloudwatchlogs::types::QueryStatus;
use chrono::{DateTime, Utc};
use queries::{AccessFields, Row};
use std::time::Duration;
use tokio::time::Instant;

/// How Insights queries are polled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollPolicy {
    /// The wait before the first GetQueryResults; each later wait doubles.
    pub first_wait: Duration,
    pub max_wait_between_polls: Duration,
    /// Queries not Complete this long after they started are stopped and the question falls back.
    pub give_up_after: Duration,
}

impl Default for PollPolicy {
    /// Short polls: the caller's deadline cuts the whole question, so no single wait is long.
    fn default() -> Self {
        Self {
            first_wait: Duration::from_millis(250),
            max_wait_between_polls: Duration::from_secs(2),
            give_up_after: Duration::from_secs(10),
        }
    }
}

/// How much FilterLogEvents may read for one question, so a huge group cannot run unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilterBudget {
    pub max_events: u64,
    /// Bytes of message text.
    pub max_bytes: u64,
    /// Pages, counting the empty ones FilterLogEvents returns while it searches.
    pub max_pages: u32,
}

impl Default for FilterBudget {
    fn default() -> Self {
        Self {
            max_events: 200_000,
            max_bytes: 128 * 1024 * 1024,
            max_pages: 1_000,
        }
    }
}

/// Answers log questions from CloudWatch Logs.
pub struct CloudWatchLogsInsights {
    client: Client,
    poll: PollPolicy,
    budget: FilterBudget,
    insights: bool,
}

impl CloudWatchLogsInsights {
    pub fn new(client: Client) -> Self {
        Self {
            client,
            poll: PollPolicy::default(),
            budget: FilterBudget::default(),
            insights: true,
        }
    }

    pub fn with_poll_policy(mut self, poll: PollPolicy) -> Self {
        self.poll = poll;
        self
    }

    pub fn with_filter_budget(mut self, budget: FilterBudget) -> Self {
        self.budget = budget;
        self
    }

    /// Answers every question with FilterLogEvents: for accounts that deny `logs:StartQuery`, and
    /// for emulators whose Insights does not aggregate.
    pub fn without_insights(mut self) -> Self {
        self.insights = false;
        self
    }
}

/// Why Insights gave no answer.
#[derive(Debug)]
enum NoInsights {
    /// The log group does not exist: no other way will find it.
    Missing(SourceError),
    /// Refused or late: FilterLogEvents may still answer.
    Refused(String),
}

/// One finished query.
#[derive(Debug, Default)]
struct Ran {
    rows: Vec<Row>,
    bytes_scanned: f64,
    records_scanned: f64,
}

fn bytes_of(ran: &[Ran]) -> u64 {
    let total: f64 = ran.iter().map(|r| r.bytes_scanned).sum();
    // Saturating cast of a finite non-negative sum.
    if total.is_finite() && total > 0.0 {
        total.round() as u64
    } else {
        0
    }
}

fn missing_group(group: &str) -> SourceError {
    SourceError::NotFound(format!("log group {group} does not exist"))
}

/// StartQuery's bounds: epoch seconds, the start rounded down and the end up.
fn query_bounds(window: &Window) -> (i64, i64) {
    let end = window.end.timestamp() + i64::from(window.end.timestamp_subsec_nanos() > 0);
    (window.start.timestamp(), end)
}

/// FilterLogEvents' bounds: epoch milliseconds, both inclusive, so the end is the last
/// millisecond before the window's (exclusive) end.
fn filter_bounds(window: &Window) -> (i64, i64) {
    let end = window.end.timestamp_millis();
    let end = if window
        .end
        .timestamp_subsec_nanos()
        .is_multiple_of(1_000_000)
    {
        end - 1
    } else {
        end
    };
    (window.start.timestamp_millis(), end)
}

fn rows_of(out: &GetQueryResultsOutput) -> Vec<Row> {
    out.results()
        .iter()
        .map(|fields| {
            Row(fields
                .iter()
                .filter_map(|f| Some((f.field()?.to_owned(), f.value()?.to_owned())))
                .collect())
        })
        .collect()
}

/// Stops queries left running when the question is dropped (the caller's deadline passed), so
/// they are not billed to the end; spawned, since a drop cannot wait.
struct StopOnDrop {
    client: Client,
    ids: Vec<String>,
}

impl StopOnDrop {
    fn disarm(&mut self) -> Vec<String> {
        std::mem::take(&mut self.ids)
    }
}

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        let ids = self.disarm();
        if ids.is_empty() {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let client = self.client.clone();
            runtime.spawn(async move { stop_all(&client, &ids).await });
        }
    }
}

/// Best effort: a query that already ended answers StopQuery with an error, which is fine.
async fn stop_all(client: &Client, ids: &[String]) {
    let stops = ids
        .iter()
        .map(|id| client.stop_query().query_id(id.as_str()).send());
    for (id, result) in ids.iter().zip(futures::future::join_all(stops).await) {
        if let Err(e) = result {
            tracing::debug!(query_id = %id, error = %source_error("logs:StopQuery", &e), "query not stopped");
        }
    }
}

impl CloudWatchLogsInsights {
    /// Runs `queries` concurrently over `group` in `window` and waits for all of them.
    async fn insights(
        &self,
        group: &str,
        window: &Window,
        queries: &[&str],
    ) -> Result<Vec<Ran>, NoInsights> {
        let (start, end) = query_bounds(window);
        let started = futures::future::join_all(queries.iter().map(|q| {
            self.client
                .start_query()
                .log_group_name(group)
                .start_time(start)
                .end_time(end)
                .query_string(*q)
                .send()
        }))
        .await;
        let mut running = StopOnDrop {
            client: self.client.clone(),
            ids: Vec::new(),
        };
        let mut refusal = None;
        for result in started {
            match result {
                Ok(out) => match out.query_id() {
                    Some(id) => running.ids.push(id.to_owned()),
                    None => {
                        refusal.get_or_insert(NoInsights::Refused(
                            "logs:StartQuery returned no query id".into(),
                        ));
                    }
                },
                Err(e) => {
                    let why = match source_error("logs:StartQuery", &e) {
                        SourceError::NotFound(_) => NoInsights::Missing(missing_group(group)),
                        other => NoInsights::Refused(other.to_string()),
                    };
                    // A missing group outranks a refusal from another query.
                    if refusal.is_none() || matches!(why, NoInsights::Missing(_)) {
                        refusal = Some(why);
                    }
                }
            }
        }
        if let Some(why) = refusal {
            stop_all(&self.client, &running.disarm()).await;
            return Err(why);
        }

        let give_up_at = Instant::now() + self.poll.give_up_after;
        let polled =
            futures::future::try_join_all(running.ids.iter().map(|id| self.poll(id, give_up_at)))
                .await;
        match polled {
            Ok(ran) => {
                running.disarm();
                Ok(ran)
            }
            Err(why) => {
                stop_all(&self.client, &running.disarm()).await;
                Err(why)
            }
        }
    }

    /// Polls one query with doubling waits until it is Complete, ends otherwise, or is late.
    async fn poll(&self, id: &str, give_up_at: Instant) -> Result<Ran, NoInsights> {
        let mut wait = self.poll.first_wait;
        loop {
            let now = Instant::now();
            if now >= give_up_at {
                return Err(NoInsights::Refused(format!(
                    "query {id} was not complete after {} ms",
                    self.poll.give_up_after.as_millis()
                )));
            }
            tokio::time::sleep(wait.min(give_up_at - now)).await;
            let out = self
                .client
                .get_query_results()
                .query_id(id)
                .send()
                .await
                .map_err(|e| {
                    NoInsights::Refused(source_error("logs:GetQueryResults", &e).to_string())
                })?;
            match out.status() {
                Some(QueryStatus::Complete) => {
                    let stats = out.statistics();
                    return Ok(Ran {
                        rows: rows_of(&out),
                        bytes_scanned: stats.map_or(0.0, |s| s.bytes_scanned()),
                        records_scanned: stats.map_or(0.0, |s| s.records_scanned()),
                    });
                }
                Some(
                    status @ (QueryStatus::Failed | QueryStatus::Cancelled | QueryStatus::Timeout),
                ) => {
                    return Err(NoInsights::Refused(format!(
                        "query {id} ended {}",
                        status.as_str()
                    )));
                }
                // Scheduled, Running, and Unknown (which may yet resolve) wait for the next poll.
                _ => {}
            }
            wait = (wait * 2).min(self.poll.max_wait_between_polls);
        }
    }

    /// Reads the group's events in the window, oldest first, into `sink(timestamp_ms, message)`.
    /// Returns what stopped the reading early, if a budget did.
    async fn filter_events<F>(
        &self,
        group: &str,
        window: &Window,
        mut sink: F,
    ) -> Result<Option<String>, SourceError>
    where
        F: FnMut(i64, &str) + Send,
    {
        let (start, end) = filter_bounds(window);
        let budget = self.budget;
        let (mut events, mut bytes, mut pages) = (0u64, 0u64, 0u32);
        let mut token: Option<String> = None;
        loop {
            let page = self
                .client
                .filter_log_events()
                .log_group_name(group)
                .start_time(start)
                .end_time(end)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| match source_error("logs:FilterLogEvents", &e) {
                    SourceError::NotFound(_) => missing_group(group),
                    other => other,
                })?;
            pages += 1;
            for event in page.events() {
                let Some(message) = event.message() else {
                    continue;
                };
                let at = event.timestamp().unwrap_or(start);
                sink(at, message);
                events += 1;
                bytes += message.len() as u64;
                if events >= budget.max_events || bytes >= budget.max_bytes {
                    return Ok(Some(cut_short(events, bytes, Some(at))));
                }
            }
            match page.next_token() {
                Some(next) if !next.is_empty() => {
                    if pages >= budget.max_pages {
                        return Ok(Some(cut_short(events, bytes, None)));
                    }
                    token = Some(next.to_owned());
                }
                _ => return Ok(None),
            }
        }
    }

    /// Runs the Insights path when enabled; `Ok(None)` means fall back.
    async fn try_insights<T, Fut>(
        &self,
        group: &str,
        ask: Fut,
    ) -> Result<Option<Answered<T>>, SourceError>
    where
        Fut: std::future::Future<Output = Result<Answered<T>, NoInsights>>,
    {
        if !self.insights {
            return Ok(None);
        }
        match ask.await {
            Ok(answer) => Ok(Some(answer)),
            Err(NoInsights::Missing(e)) => Err(e),
            Err(NoInsights::Refused(why)) => {
                tracing::info!(log_group = group, reason = %why, "Logs Insights refused; falling back to FilterLogEvents");
                Ok(None)
            }
        }
    }

    async fn execution_by_insights(
        &self,
        group: &str,
        window: &Window,
    ) -> Result<Answered<ExecutionSummary>, NoInsights> {
        let ran = self
            .insights(
                group,
                window,
                &[
                    queries::EXECUTION_TOTALS,
                    queries::EXECUTION_SIGNALS,
                    queries::EXECUTION_FAILING_IDS,
                ],
            )
            .await?;
        let mut bytes = bytes_of(&ran);
        let [totals, signals, failing] = <[Ran; 3]>::try_from(ran)
            .map_err(|_| NoInsights::Refused("an Insights query went missing".into()))?;
        let (ids, span) = queries::failing_ids(&failing.rows);
        let mut sample = ExecutionLogEvaluator::new();
        if let Some(query) = queries::execution_request_lines(&ids) {
            // Only the minutes around the sampled failures are scanned again.
            let narrow = span.and_then(|(first, last)| {
                let start =
                    DateTime::<Utc>::from_timestamp_millis(first - queries::REQUEST_LEAD_S * 1000)?;
                let end = DateTime::<Utc>::from_timestamp_millis(last + 1000)?;
                Some(Window {
                    start: start.max(window.start),
                    end: end.min(window.end),
                })
            });
            let narrow = narrow.filter(|w| w.start < w.end).unwrap_or(*window);
            // The counts stand without the samples: a sample that fails only costs the ids.
            match self.insights(group, &narrow, &[query.as_str()]).await {
                Ok(lines) => {
                    bytes += bytes_of(&lines);
                    for row in lines.iter().flat_map(|r| &r.rows) {
                        if let Some(message) = row.get("@message") {
                            sample.push(row.timestamp_ms().unwrap_or(0), message);
                        }
                    }
                }
                Err(NoInsights::Missing(e)) => return Err(NoInsights::Missing(e)),
                Err(NoInsights::Refused(why)) => {
                    tracing::warn!(log_group = group, reason = %why, "sampled request lines not read");
                }
            }
        }
        Ok(Answered {
            answer: queries::execution_summary(&totals.rows, &signals.rows, sample.finish()),
            method: AnswerMethod::Insights,
            bytes_scanned: bytes,
            cut_short: None,
        })
    }

    async fn function_by_insights(
        &self,
        group: &str,
        window: &Window,
    ) -> Result<Answered<FunctionSummary>, NoInsights> {
        let problems = queries::function_problems();
        let problem_lines = queries::function_problem_lines();
        let slowest = queries::function_slowest();
        let ran = self
            .insights(
                group,
                window,
                &[
                    queries::FUNCTION_REPORTS,
                    &problems,
                    &problem_lines,
                    &slowest,
                ],
            )
            .await?;
        let bytes = bytes_of(&ran);
        let scanned = ran.iter().map(|r| r.records_scanned).fold(0.0, f64::max);
        let [reports, problems, lines, slowest] = <[Ran; 4]>::try_from(ran)
            .map_err(|_| NoInsights::Refused("an Insights query went missing".into()))?;
        let mut sample = FunctionLogEvaluator::new();
        for message in lines.rows.iter().filter_map(|r| r.get("@message")) {
            sample.push(message);
        }
        Ok(Answered {
            answer: queries::function_summary(
                &reports.rows,
                &problems.rows,
                &slowest.rows,
                sample.finish(),
                scanned.round() as u64,
            ),
            method: AnswerMethod::Insights,
            bytes_scanned: bytes,
            cut_short: None,
        })
    }

    async fn access_by_insights(
        &self,
        q: &AccessLogQuestion,
        fields: &AccessFields,
    ) -> Result<Answered<AccessSummary>, NoInsights> {
        let totals = queries::access_totals(fields);
        let mut texts = vec![totals];
        let slots: Vec<Option<usize>> = [
            queries::access_statuses(fields),
            queries::access_errors(fields),
            queries::access_failing_lines(fields),
        ]
        .into_iter()
        .map(|q| {
            q.map(|q| {
                texts.push(q);
                texts.len() - 1
            })
        })
        .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let ran = self.insights(&q.log_group, &q.window, &refs).await?;
        let rows = |slot: Option<&Option<usize>>| -> &[Row] {
            slot.copied()
                .flatten()
                .and_then(|i| ran.get(i))
                .map_or(&[], |r| r.rows.as_slice())
        };
        let mut sample = AccessLogEvaluator::new(&q.format);
        // Newest first from Insights; the evaluator keeps the first it sees, so read oldest first.
        for message in rows(slots.get(2))
            .iter()
            .rev()
            .filter_map(|r| r.get("@message"))
        {
            sample.push(message);
        }
        Ok(Answered {
            answer: queries::access_summary(
                ran.first().map_or(&[], |r| r.rows.as_slice()),
                rows(slots.first()),
                rows(slots.get(1)),
                sample.finish(),
            ),
            method: AnswerMethod::Insights,
            bytes_scanned: bytes_of(&ran),
            cut_short: None,
        })
    }
}

fn cut_short(events: u64, bytes: u64, at_ms: Option<i64>) -> String {
    let at = at_ms
        .and_then(DateTime::<Utc>::from_timestamp_millis)
        .map(|t| format!(" at {}", t.format("%H:%M:%S")))
        .unwrap_or_default();
    format!(
        "FilterLogEvents stopped after {events} events ({bytes} bytes){at}: the rest of the window was not read"
    )
}

#[async_trait]
impl LogQuestions for CloudWatchLogsInsights {
    async fn execution_log(
        &self,
        q: &ExecutionLogQuestion,
    ) -> Result<Answered<ExecutionSummary>, SourceError> {
        let group = q.log_group();
        if let Some(answer) = self
            .try_insights(&group, self.execution_by_insights(&group, &q.window))
            .await?
        {
            return Ok(answer);
        }
        let mut e = ExecutionLogEvaluator::new();
        let cut = self
            .filter_events(&group, &q.window, |at, m| e.push(at, m))
            .await?;
        finish_fallback(&group, cut, e.finish())
    }

    async fn access_log(
        &self,
        q: &AccessLogQuestion,
    ) -> Result<Answered<AccessSummary>, SourceError> {
        // Insights discovers fields only in JSON lines; other formats are read here.
        if let Some(fields) = AccessFields::of(&q.format)
            && let Some(answer) = self
                .try_insights(&q.log_group, self.access_by_insights(q, &fields))
                .await?
        {
            return Ok(answer);
        }
        let mut e = AccessLogEvaluator::new(&q.format);
        let cut = self
            .filter_events(&q.log_group, &q.window, |_, m| e.push(m))
            .await?;
        finish_fallback(&q.log_group, cut, e.finish())
    }

    async fn function_log(
        &self,
        q: &FunctionLogQuestion,
    ) -> Result<Answered<FunctionSummary>, SourceError> {
        let group = q.log_group();
        if let Some(answer) = self
            .try_insights(&group, self.function_by_insights(&group, &q.window))
            .await?
        {
            return Ok(answer);
        }
        let mut e = FunctionLogEvaluator::new();
        let cut = self
            .filter_events(&group, &q.window, |_, m| e.push(m))
            .await?;
        finish_fallback(&group, cut, e.finish())
    }
}

fn finish_fallback<T>(
    group: &str,
    cut: Option<String>,
    answer: T,
) -> Result<Answered<T>, SourceError> {
    if let Some(why) = &cut {
        tracing::warn!(log_group = group, reason = %why, "FilterLogEvents budget cut the answer short");
    }
    Ok(Answered {
        answer,
        method: AnswerMethod::FilterFallback,
        bytes_scanned: 0,
        cut_short: cut,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::logs::FailureClass;
    use aws_sdk_cloudwatchlogs::operation::filter_log_events::FilterLogEventsOutput;
    use aws_sdk_cloudwatchlogs::operation::get_query_results::GetQueryResultsError;
    use aws_sdk_cloudwatchlogs::operation::start_query::{StartQueryError, StartQueryOutput};
    use aws_sdk_cloudwatchlogs::operation::stop_query::StopQueryOutput;
    use aws_sdk_cloudwatchlogs::types::error::{LimitExceededException, ResourceNotFoundException};
    use aws_sdk_cloudwatchlogs::types::{FilteredLogEvent, QueryStatistics, ResultField};
    use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
    use aws_smithy_types::retry::RetryConfig;
    use chrono::TimeZone;

    const GROUP: &str = "API-Gateway-Execution-Logs_a1b2c3d4e5/prod";
    const TIMEOUT_ID: &str = "4c2a8f19-7d3e-4b1a-9c55-2e8f0a1b3c4d";
    const OK_ID: &str = "9d1e0a2b-6c3f-4e5d-8a7b-1c2d3e4f5a6b";
    const ERROR_ID: &str = "7b2a1d3f-4c5e-4f60-9a1b-2c3d4e5f6a7b";
    const LAMBDA_URI: &str = "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:orders-handler/invocations";

    /// 02:10:00.250 to 02:14:59.500: neither bound on a whole second.
    fn window() -> Window {
        Window {
            start: Utc.with_ymd_and_hms(2026, 11, 24, 2, 10, 0).unwrap()
                + chrono::Duration::milliseconds(250),
            end: Utc.with_ymd_and_hms(2026, 11, 24, 2, 14, 59).unwrap()
                + chrono::Duration::milliseconds(500),
        }
    }

    fn ms(min: u32, sec: u32, milli: i64) -> i64 {
        Utc.with_ymd_and_hms(2026, 11, 24, 2, min, sec)
            .unwrap()
            .timestamp_millis()
            + milli
    }

    fn question() -> ExecutionLogQuestion {
        ExecutionLogQuestion {
            rest_api_id: "a1b2c3d4e5".into(),
            stage: "prod".into(),
            window: window(),
        }
    }

    /// Three requests as a REST stage with execution logging at INFO writes them: one cut off
    /// at the 29 s integration timeout, one fine, one failed by the function.
    fn execution_lines() -> Vec<(i64, String)> {
        let t = ms(11, 4, 512);
        [
            (t, TIMEOUT_ID, "Extended Request Id: Xk1Z2FjvoAMEbPw="),
            (t, TIMEOUT_ID, "Starting execution for request: 4c2a8f19-7d3e-4b1a-9c55-2e8f0a1b3c4d"),
            (t, TIMEOUT_ID, "HTTP Method: POST, Resource Path: /orders"),
            (t + 2, TIMEOUT_ID, &format!("Sending request to {LAMBDA_URI}")),
            (t + 120, OK_ID, "Starting execution for request: 9d1e0a2b-6c3f-4e5d-8a7b-1c2d3e4f5a6b"),
            (t + 121, OK_ID, &format!("Sending request to {LAMBDA_URI}")),
            (t + 933, OK_ID, "Received response. Status: 200, Integration latency: 812 ms"),
            (t + 934, OK_ID, "Endpoint response body before transformations: {\"statusCode\":200,\"body\":\"{\\\"id\\\":\\\"o-1\\\"}\"}"),
            (t + 934, OK_ID, "Successfully completed execution"),
            (t + 934, OK_ID, "Method completed with status: 200"),
            (t + 1_500, ERROR_ID, &format!("Sending request to {LAMBDA_URI}")),
            (t + 2_710, ERROR_ID, "Received response. Status: 200, Integration latency: 1210 ms"),
            (t + 2_711, ERROR_ID, "Lambda execution failed with status 200 due to customer function error: KeyError: 'sku'. Lambda request id: 11111111-2222-3333-4444-555555555555"),
            (t + 2_711, ERROR_ID, "Method completed with status: 502"),
            (t + 29_003, TIMEOUT_ID, "Execution failed due to a timeout error"),
            (t + 29_004, TIMEOUT_ID, "Method completed with status: 504"),
        ]
        .into_iter()
        .map(|(at, id, body)| (at, format!("({id}) {body}")))
        .collect()
    }

    fn evaluated(lines: &[(i64, String)]) -> ExecutionSummary {
        let mut e = ExecutionLogEvaluator::new();
        for (at, m) in lines {
            e.push(*at, m);
        }
        e.finish()
    }

    fn event(at: i64, message: &str) -> FilteredLogEvent {
        FilteredLogEvent::builder()
            .log_stream_name("2d4f5d1a8b3c9e7f6a5b4c3d2e1f0a9b")
            .timestamp(at)
            .ingestion_time(at + 800)
            .message(message)
            .event_id(format!("{at}0000000000000000000000000000000000000000"))
            .build()
    }

    fn fields(pairs: &[(&str, &str)]) -> Vec<ResultField> {
        pairs
            .iter()
            .map(|(f, v)| ResultField::builder().field(*f).value(*v).build())
            .collect()
    }

    fn complete(rows: Vec<Vec<ResultField>>, bytes: f64) -> GetQueryResultsOutput {
        GetQueryResultsOutput::builder()
            .status(QueryStatus::Complete)
            .set_results(Some(rows))
            .statistics(
                QueryStatistics::builder()
                    .records_matched(rows_matched(bytes))
                    .records_scanned(48_211.0)
                    .bytes_scanned(bytes)
                    .build(),
            )
            .build()
    }

    fn rows_matched(bytes: f64) -> f64 {
        (bytes / 1000.0).round()
    }

    fn running() -> GetQueryResultsOutput {
        GetQueryResultsOutput::builder()
            .status(QueryStatus::Running)
            .statistics(
                QueryStatistics::builder()
                    .records_scanned(1_024.0)
                    .bytes_scanned(512_000.0)
                    .build(),
            )
            .build()
    }

    fn results_for(
        id: &'static str,
        out: impl Fn() -> GetQueryResultsOutput + Send + Sync + 'static,
    ) -> Rule {
        mock!(Client::get_query_results)
            .match_requests(move |r| r.query_id() == Some(id))
            .then_output(out)
    }

    /// Starts every query with an id named after what it asks.
    fn start_any() -> Rule {
        mock!(Client::start_query)
            .match_requests(|r| r.log_group_name() == Some(GROUP))
            .then_compute_output(|r| {
                let q = r.query_string().unwrap_or_default();
                let id = if q.contains("count_distinct") {
                    "q-totals"
                } else if q.contains("by signal") {
                    "q-signals"
                } else {
                    "q-failing"
                };
                StartQueryOutput::builder().query_id(id).build()
            })
    }

    fn stop_any() -> Rule {
        mock!(Client::stop_query).then_output(|| StopQueryOutput::builder().success(true).build())
    }

    fn page(events: &[(i64, String)], next: Option<&str>) -> FilterLogEventsOutput {
        let mut out = FilterLogEventsOutput::builder().set_next_token(next.map(str::to_owned));
        for (at, m) in events {
            out = out.events(event(*at, m));
        }
        out.build()
    }

    /// FilterLogEvents serving `lines` in two pages, bounded to the window in milliseconds.
    fn filter_pages(lines: Vec<(i64, String)>) -> (Rule, Rule) {
        let (first, second) = lines.split_at(lines.len() / 2);
        let (first, second) = (first.to_vec(), second.to_vec());
        let bounded =
            |r: &aws_sdk_cloudwatchlogs::operation::filter_log_events::FilterLogEventsInput| {
                r.log_group_name() == Some(GROUP)
                    && r.start_time() == Some(ms(10, 0, 250))
                    && r.end_time() == Some(ms(14, 59, 499))
            };
        (
            mock!(Client::filter_log_events)
                .match_requests(move |r| bounded(r) && r.next_token().is_none())
                .then_output(move || page(&first, Some("f/38271645038271645038271645"))),
            mock!(Client::filter_log_events)
                .match_requests(move |r| {
                    bounded(r) && r.next_token() == Some("f/38271645038271645038271645")
                })
                .then_output(move || page(&second, None)),
        )
    }

    fn no_retries(
        c: aws_sdk_cloudwatchlogs::config::Builder,
    ) -> aws_sdk_cloudwatchlogs::config::Builder {
        c.retry_config(RetryConfig::disabled())
    }

    #[test]
    fn insights_bounds_are_whole_seconds_around_the_window_and_filter_bounds_exclude_its_end() {
        assert_eq!(
            query_bounds(&window()),
            (ms(10, 0, 0) / 1000, ms(15, 0, 0) / 1000)
        );
        assert_eq!(filter_bounds(&window()), (ms(10, 0, 250), ms(14, 59, 499)));
        let whole = Window {
            start: Utc.with_ymd_and_hms(2026, 11, 24, 2, 10, 0).unwrap(),
            end: Utc.with_ymd_and_hms(2026, 11, 24, 2, 15, 0).unwrap(),
        };
        assert_eq!(
            query_bounds(&whole),
            (ms(10, 0, 0) / 1000, ms(15, 0, 0) / 1000)
        );
        assert_eq!(filter_bounds(&whole), (ms(10, 0, 0), ms(14, 59, 999)));
    }

    #[tokio::test(start_paused = true)]
    async fn insights_answers_the_execution_log_and_records_the_bytes_it_scanned() {
        // The sampled requests' lines are asked for over the minutes around them only.
        let lines_start = mock!(Client::start_query)
            .match_requests(|r| {
                r.query_string()
                    .is_some_and(|q| q.contains("filter requestId in"))
                    && r.start_time() == Some(ms(10, 0, 0) / 1000)
                    && r.end_time() == Some(ms(11, 35, 0) / 1000)
            })
            .then_output(|| StartQueryOutput::builder().query_id("q-lines").build());
        let start = mock!(Client::start_query)
            .match_requests(|r| {
                r.log_group_name() == Some(GROUP)
                    && r.start_time() == Some(ms(10, 0, 0) / 1000)
                    && r.end_time() == Some(ms(15, 0, 0) / 1000)
                    && r.query_string()
                        .is_some_and(|q| !q.contains("filter requestId in"))
            })
            .then_compute_output(|r| {
                let q = r.query_string().unwrap_or_default();
                let id = if q.contains("count_distinct") {
                    "q-totals"
                } else if q.contains("by signal") {
                    "q-signals"
                } else {
                    "q-failing"
                };
                StartQueryOutput::builder().query_id(id).build()
            });
        let totals = mock!(Client::get_query_results)
            .match_requests(|r| r.query_id() == Some("q-totals"))
            .sequence()
            .output(running)
            .output(|| {
                complete(
                    vec![fields(&[
                        ("lines", "48211"),
                        ("requests", "6120"),
                        ("latencyCount", "5309"),
                        ("latencyP50", "812"),
                        ("latencyP99", "28731.5"),
                        ("latencyMax", "28990"),
                    ])],
                    2_147_483_648.0,
                )
            })
            .build();
        let signals = results_for("q-signals", || {
            complete(
                vec![
                    fields(&[
                        ("signal", "Method completed with status: 200"),
                        ("n", "5290"),
                    ]),
                    fields(&[
                        ("signal", "Method completed with status: 504"),
                        ("n", "811"),
                    ]),
                    fields(&[("signal", "Method completed with status: 502"), ("n", "19")]),
                    fields(&[
                        ("signal", "Execution failed due to a timeout error"),
                        ("n", "811"),
                    ]),
                    fields(&[
                        (
                            "signal",
                            "Lambda execution failed with status 200 due to customer function error",
                        ),
                        ("n", "19"),
                    ]),
                ],
                2_147_483_648.0,
            )
        });
        let failing = results_for("q-failing", || {
            complete(
                vec![
                    fields(&[
                        ("@timestamp", "2026-11-24 02:11:07.223"),
                        ("requestId", ERROR_ID),
                        ("@ptr", "CmAKJwoj"),
                    ]),
                    fields(&[
                        ("@timestamp", "2026-11-24 02:11:33.516"),
                        ("requestId", TIMEOUT_ID),
                        ("@ptr", "CmAKJwok"),
                    ]),
                    fields(&[
                        ("@timestamp", "2026-11-24 02:11:33.516"),
                        ("requestId", TIMEOUT_ID),
                        ("@ptr", "CmAKJwol"),
                    ]),
                ],
                2_147_483_648.0,
            )
        });
        let lines = results_for("q-lines", || {
            let rows = execution_lines()
                .into_iter()
                .filter(|(_, m)| !m.contains(OK_ID))
                .map(|(at, m)| {
                    let t = DateTime::<Utc>::from_timestamp_millis(at).unwrap();
                    fields(&[
                        ("@timestamp", &t.format("%Y-%m-%d %H:%M:%S%.3f").to_string()),
                        ("@message", &m),
                    ])
                })
                .collect();
            complete(rows, 40_960_000.0)
        });
        let client = mock_client!(
            aws_sdk_cloudwatchlogs,
            RuleMode::MatchAny,
            [&lines_start, &start, &totals, &signals, &failing, &lines]
        );

        let got = CloudWatchLogsInsights::new(client)
            .execution_log(&question())
            .await
            .unwrap();

        assert_eq!(got.method, AnswerMethod::Insights);
        assert_eq!(got.bytes_scanned, 3 * 2_147_483_648 + 40_960_000);
        assert_eq!(got.cut_short, None);
        let s = got.answer;
        assert_eq!((s.lines, s.requests), (48_211, 6_120));
        assert_eq!(s.integration_latency.p99_ms, 28_731.5);
        assert_eq!(s.statuses.get(&504), Some(&811));
        assert_eq!(s.failures_of(FailureClass::IntegrationTimeout), 811);
        assert_eq!(s.failures_of(FailureClass::FunctionError), 19);
        assert_eq!(s.failures_of(FailureClass::Other5xx), 0);
        let function_errors = &s.failures[&FailureClass::FunctionError];
        assert_eq!(function_errors.sample_request_ids, vec![ERROR_ID]);
        assert_eq!(
            function_errors.sample_message.as_deref(),
            Some("KeyError: 'sku'")
        );
        assert_eq!(s.slowest_failing[0].request_id, TIMEOUT_ID);
        assert_eq!(s.slowest_failing[0].latency_ms, Some(29_001.0));
        assert_eq!(totals.num_calls(), 2, "polled while Running, then Complete");
        assert_eq!(lines_start.num_calls(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_used_up_query_quota_falls_back_to_filter_log_events_and_stops_what_started() {
        let start = mock!(Client::start_query)
            .match_requests(|r| r.log_group_name() == Some(GROUP))
            .then_compute_response(|r| {
                if r.query_string()
                    .is_some_and(|q| q.contains("count_distinct"))
                {
                    aws_smithy_mocks::MockResponse::Output(
                        StartQueryOutput::builder().query_id("q-totals").build(),
                    )
                } else {
                    aws_smithy_mocks::MockResponse::Error(StartQueryError::LimitExceededException(
                        LimitExceededException::builder()
                            .message("Account maximum query concurrency limit of [30] reached.")
                            .build(),
                    ))
                }
            });
        let stop = stop_any();
        let (first, second) = filter_pages(execution_lines());
        let client = mock_client!(
            aws_sdk_cloudwatchlogs,
            RuleMode::MatchAny,
            [&start, &stop, &first, &second],
            no_retries
        );

        let got = CloudWatchLogsInsights::new(client)
            .execution_log(&question())
            .await
            .unwrap();

        assert_eq!(got.method, AnswerMethod::FilterFallback);
        assert_eq!(got.bytes_scanned, 0);
        assert_eq!(got.cut_short, None);
        assert_eq!(got.answer, evaluated(&execution_lines()));
        let s = &got.answer;
        assert_eq!((s.requests, s.lines), (3, 16));
        assert_eq!(s.failures_of(FailureClass::IntegrationTimeout), 1);
        assert_eq!(s.failures_of(FailureClass::FunctionError), 1);
        assert_eq!(s.slowest_failing[0].request_id, TIMEOUT_ID);
        assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
        assert_eq!(stop.num_calls(), 1, "the one query that started is stopped");
    }

    #[tokio::test(start_paused = true)]
    async fn a_query_that_never_completes_is_stopped_and_the_question_falls_back() {
        let start = start_any();
        let results = mock!(Client::get_query_results).then_output(running);
        let stop = stop_any();
        let (first, second) = filter_pages(execution_lines());
        let client = mock_client!(
            aws_sdk_cloudwatchlogs,
            RuleMode::MatchAny,
            [&start, &results, &stop, &first, &second]
        );
        let policy = PollPolicy {
            first_wait: Duration::from_millis(10),
            max_wait_between_polls: Duration::from_millis(40),
            give_up_after: Duration::from_millis(200),
        };
        let began = Instant::now();

        let got = CloudWatchLogsInsights::new(client)
            .with_poll_policy(policy)
            .execution_log(&question())
            .await
            .unwrap();

        assert_eq!(got.method, AnswerMethod::FilterFallback);
        assert_eq!(got.answer, evaluated(&execution_lines()));
        assert_eq!(stop.num_calls(), 3, "every query stopped");
        assert!(began.elapsed() >= Duration::from_millis(200));
        assert!(
            began.elapsed() < Duration::from_millis(300),
            "{:?}",
            began.elapsed()
        );
        // Waits of 10, 20, 40, 40, 40, 40, 10 ms: at most seven polls per query before giving
        // up (the first to give up ends the others' last wait), not one per millisecond.
        assert!(
            (3 * 6..=3 * 7).contains(&results.num_calls()),
            "{} polls",
            results.num_calls()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_query_falls_back_too() {
        let start = mock!(Client::start_query)
            .then_output(|| StartQueryOutput::builder().query_id("q-1").build());
        let results = mock!(Client::get_query_results).then_output(|| {
            GetQueryResultsOutput::builder()
                .status(QueryStatus::Failed)
                .build()
        });
        let stop = stop_any();
        let report = "REPORT RequestId: 3f6c2b1a-5d4e-4f3a-9b2c-1d0e9f8a7b6c\tDuration: 5120.33 ms\tBilled Duration: 5121 ms\tMemory Size: 1024 MB\tMax Memory Used: 312 MB\tInit Duration: 4480.12 ms\t";
        let filter = mock!(Client::filter_log_events)
            .match_requests(|r| r.log_group_name() == Some("/aws/lambda/orders-handler"))
            .then_output(move || page(&[(ms(11, 0, 0), report.to_owned())], None));
        let client = mock_client!(
            aws_sdk_cloudwatchlogs,
            RuleMode::MatchAny,
            [&start, &results, &stop, &filter]
        );
        let got = CloudWatchLogsInsights::new(client)
            .function_log(&FunctionLogQuestion {
                function: "orders-handler".into(),
                window: window(),
            })
            .await
            .unwrap();
        assert_eq!(got.method, AnswerMethod::FilterFallback);
        assert_eq!((got.answer.invocations, got.answer.cold_starts), (1, 1));
        assert_eq!(got.answer.memory_size_mb, Some(1024));
    }

    #[tokio::test]
    async fn a_missing_log_group_is_not_found_and_names_the_group() {
        let start = mock!(Client::start_query).then_error(|| {
            StartQueryError::ResourceNotFoundException(
                ResourceNotFoundException::builder()
                    .message("Log group 'API-Gateway-Execution-Logs_a1b2c3d4e5/prod' does not exist for account ID '123456789012'")
                    .build(),
            )
        });
        let client = mock_client!(aws_sdk_cloudwatchlogs, RuleMode::MatchAny, [&start]);
        let err = CloudWatchLogsInsights::new(client)
            .execution_log(&question())
            .await
            .unwrap_err();
        assert!(
            matches!(err, SourceError::NotFound(ref m) if m.contains(GROUP)),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn a_missing_log_group_is_not_found_through_filter_log_events_too() {
        let filter = mock!(Client::filter_log_events).then_error(|| {
            aws_sdk_cloudwatchlogs::operation::filter_log_events::FilterLogEventsError::ResourceNotFoundException(
                ResourceNotFoundException::builder().message("The specified log group does not exist.").build(),
            )
        });
        let client = mock_client!(aws_sdk_cloudwatchlogs, RuleMode::MatchAny, [&filter]);
        let err = CloudWatchLogsInsights::new(client)
            .without_insights()
            .execution_log(&question())
            .await
            .unwrap_err();
        assert!(
            matches!(err, SourceError::NotFound(ref m) if m.contains(GROUP)),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn the_event_budget_cuts_the_answer_short_and_says_so() {
        let lines = execution_lines();
        let served = lines.clone();
        let filter =
            mock!(Client::filter_log_events).then_output(move || page(&served, Some("more")));
        let client = mock_client!(aws_sdk_cloudwatchlogs, RuleMode::MatchAny, [&filter]);
        let got = CloudWatchLogsInsights::new(client)
            .without_insights()
            .with_filter_budget(FilterBudget {
                max_events: 10,
                ..FilterBudget::default()
            })
            .execution_log(&question())
            .await
            .unwrap();
        assert_eq!(got.answer, evaluated(&lines[..10]));
        let why = got.cut_short.unwrap();
        assert!(why.contains("stopped after 10 events"), "{why}");
        assert_eq!(filter.num_calls(), 1);
    }

    #[tokio::test]
    async fn a_text_access_log_is_read_without_insights() {
        let format = r#"$context.identity.sourceIp - - [$context.requestTime] "$context.httpMethod $context.resourcePath $context.protocol" $context.status $context.responseLength $context.requestId $context.integrationLatency"#;
        let line = r#"203.0.113.7 - - [24/Nov/2026:02:11:04 +0000] "POST /orders HTTP/1.1" 504 36 4c2a8f19-7d3e-4b1a-9c55-2e8f0a1b3c4d 29001"#;
        let filter = mock!(Client::filter_log_events)
            .match_requests(|r| r.log_group_name() == Some("/aws/apigateway/orders-api/prod"))
            .then_output(move || page(&[(ms(11, 4, 0), line.to_owned())], None));
        // No StartQuery rule: calling it would panic the mock.
        let client = mock_client!(aws_sdk_cloudwatchlogs, RuleMode::MatchAny, [&filter]);
        let got = CloudWatchLogsInsights::new(client)
            .access_log(&AccessLogQuestion {
                log_group: "/aws/apigateway/orders-api/prod".into(),
                format: format.into(),
                window: window(),
            })
            .await
            .unwrap();
        assert_eq!(got.method, AnswerMethod::FilterFallback);
        assert_eq!(got.answer.statuses.get(&504), Some(&1));
        assert_eq!(got.answer.slowest_failing[0].latency_ms, Some(29_001.0));
    }

    #[tokio::test(start_paused = true)]
    async fn a_question_dropped_at_the_callers_deadline_stops_its_queries() {
        let start = start_any();
        let results = mock!(Client::get_query_results).then_output(running);
        let stop = stop_any();
        let client = mock_client!(
            aws_sdk_cloudwatchlogs,
            RuleMode::MatchAny,
            [&start, &results, &stop]
        );
        let logs = CloudWatchLogsInsights::new(client);
        let late =
            tokio::time::timeout(Duration::from_secs(1), logs.execution_log(&question())).await;
        assert!(late.is_err(), "the caller gave up first");
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        assert_eq!(stop.num_calls(), 3);
    }

    #[tokio::test]
    async fn an_access_denied_poll_falls_back() {
        let start = start_any();
        let results = mock!(Client::get_query_results).then_error(|| {
            GetQueryResultsError::generic(
                aws_sdk_cloudwatchlogs::error::ErrorMetadata::builder()
                    .code("AccessDeniedException")
                    .message("User is not authorized to perform: logs:GetQueryResults")
                    .build(),
            )
        });
        let stop = stop_any();
        let (first, second) = filter_pages(execution_lines());
        let client = mock_client!(
            aws_sdk_cloudwatchlogs,
            RuleMode::MatchAny,
            [&start, &results, &stop, &first, &second]
        );
        let got = CloudWatchLogsInsights::new(client)
            .with_poll_policy(PollPolicy {
                first_wait: Duration::from_millis(1),
                ..PollPolicy::default()
            })
            .execution_log(&question())
            .await
            .unwrap();
        assert_eq!(got.method, AnswerMethod::FilterFallback);
    }
}
