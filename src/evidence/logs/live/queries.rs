//! The Logs Insights query texts, in one place, and the conversion of their result rows into the
//! summaries the evaluators in [`crate::evidence::logs::evaluate`] compute from raw lines.
//!
//! Counts, statuses and latency percentiles are aggregated by Insights over the whole window, so
//! a busy log group costs one scan per query, not a download. What needs one request's lines
//! together (a failure's sample ids and message, the slowest failing requests) comes from a small
//! sample of raw lines run through the evaluator itself, so both paths classify alike.
//!
//! Where Insights cannot match the evaluator exactly, it says so here: failure classes are
//! counted per cause line rather than per request, `count_distinct` is approximate on very many
//! ids, and Insights percentiles are its own (the evaluator uses nearest rank).

use super::super::evaluate::{self, MAX_ERROR_TEXTS, OTHER_ERROR_TEXTS, clip};
use super::super::{
    AccessSummary, ExecutionSummary, FailureClass, FunctionSummary, Invocation, LatencyStats, Tally,
};
use chrono::{DateTime, NaiveDateTime, Utc};
use std::collections::BTreeMap;

/// Failing requests whose lines are fetched whole, for samples and the slowest.
pub(crate) const SAMPLED_REQUESTS: usize = 50;
/// Lines of a sample query at most (Insights returns at most 10,000 rows without paging).
const SAMPLE_LINES: usize = 10_000;
/// How long before its last failure line a sampled request may have started.
pub(crate) const REQUEST_LEAD_S: i64 = 300;

/// One result row: Insights returns each as field/value pairs.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Row(pub(crate) Vec<(String, String)>);

impl Row {
    pub(crate) fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, v)| v.as_str())
    }

    /// A finite, non-negative number.
    fn num(&self, field: &str) -> Option<f64> {
        self.get(field)?
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0)
    }

    fn count(&self, field: &str) -> u64 {
        // Saturating cast: a finite non-negative float never panics here.
        self.num(field).map_or(0, |v| v.round() as u64)
    }

    /// `@timestamp`, which Insights writes as `2026-11-24 02:11:04.512` (UTC).
    pub(crate) fn timestamp_ms(&self) -> Option<i64> {
        let text = self.get("@timestamp")?.trim();
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f")
            .ok()
            .map(|t| t.and_utc().timestamp_millis())
            .or_else(|| {
                DateTime::parse_from_rfc3339(text)
                    .ok()
                    .map(|t| t.with_timezone(&Utc).timestamp_millis())
            })
    }
}

/// Latency statistics from a row's `{prefix}Count`, `{prefix}P50`, `{prefix}P99`, `{prefix}Max`.
fn latency(row: Option<&Row>, prefix: &str) -> LatencyStats {
    let Some(row) = row else {
        return LatencyStats::default();
    };
    let count = row.count(&format!("{prefix}Count"));
    if count == 0 {
        return LatencyStats::default();
    }
    let get = |suffix: &str| row.num(&format!("{prefix}{suffix}")).unwrap_or(0.0);
    LatencyStats {
        count,
        p50_ms: get("P50"),
        p99_ms: get("P99"),
        max_ms: get("Max"),
    }
}

/// Joins query commands with pipes, one per line, as people write them.
fn pipeline(commands: &[String]) -> String {
    commands.join("\n| ")
}

/// Overlays the samples' ids and message on a tally counted by Insights; the sample's own count
/// is a lower bound on the truth, so it wins when larger.
fn overlay(tally: &mut Tally, sample: Tally) {
    tally.count = tally.count.max(sample.count);
    tally.sample_request_ids = sample.sample_request_ids;
    if sample.sample_message.is_some() {
        tally.sample_message = sample.sample_message;
    }
}

// ---------------------------------------------------------------------------------------------
// REST execution logs
// ---------------------------------------------------------------------------------------------

/// Lines, distinct requests and the integration latency of `Received response` lines.
pub(crate) const EXECUTION_TOTALS: &str = r"parse @message /^\s*\((?<requestId>[^)]+)\)/
| parse @message /^\s*\([^)]+\)\s*Received response\. Status: \d+, Integration latency: (?<latency>\d+(?:\.\d+)?) ms/
| stats count(*) as lines, count_distinct(requestId) as requests, count(latency) as latencyCount, pct(latency, 50) as latencyP50, pct(latency, 99) as latencyP99, max(latency) as latencyMax";

/// Final statuses and failure causes, one row per distinct line start.
pub(crate) const EXECUTION_SIGNALS: &str = r"parse @message /^\s*\((?<requestId>[^)]+)\)\s*(?<signal>Method completed with status: \d+|Received response\. Status: 5\d\d|Execution failed due to a timeout error|Execution failed due to configuration error: Malformed Lambda proxy response|Lambda execution failed with status \d+ due to customer function error|Lambda invocation failed with status: 429)/
| filter ispresent(signal)
| stats count(*) as n by signal
| limit 1000";

/// The first failing requests of the window, by the lines that say they failed.
pub(crate) const EXECUTION_FAILING_IDS: &str = r"parse @message /^\s*\((?<requestId>[^)]+)\)\s*(?<signal>Method completed with status: 5\d\d|Received response\. Status: 5\d\d|Execution failed due to|Lambda execution failed with status|Lambda invocation failed with status)/
| filter ispresent(signal)
| fields @timestamp, requestId
| sort @timestamp asc
| limit 200";

/// Every line of the given requests, oldest first, for the evaluator; `None` when no id is safe
/// to quote (ids come from log lines, so they are checked, not trusted).
pub(crate) fn execution_request_lines(ids: &[String]) -> Option<String> {
    let quoted: Vec<String> = ids
        .iter()
        .filter(|id| is_safe_id(id))
        .map(|id| format!("\"{id}\""))
        .collect();
    if quoted.is_empty() {
        return None;
    }
    Some(pipeline(&[
        r"parse @message /^\s*\((?<requestId>[^)]+)\)/".to_owned(),
        format!("filter requestId in [{}]", quoted.join(", ")),
        "fields @timestamp, @message".to_owned(),
        "sort @timestamp asc".to_owned(),
        format!("limit {SAMPLE_LINES}"),
    ]))
}

fn is_safe_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
}

/// The distinct failing request ids (oldest first, at most [`SAMPLED_REQUESTS`]) and the time
/// span of their lines in epoch milliseconds.
pub(crate) fn failing_ids(rows: &[Row]) -> (Vec<String>, Option<(i64, i64)>) {
    let mut ids: Vec<String> = Vec::new();
    let mut span: Option<(i64, i64)> = None;
    for row in rows {
        let Some(id) = row
            .get("requestId")
            .map(str::trim)
            .filter(|id| is_safe_id(id))
        else {
            continue;
        };
        if !ids.iter().any(|seen| seen == id) {
            if ids.len() == SAMPLED_REQUESTS {
                continue;
            }
            ids.push(id.to_owned());
        }
        if let Some(t) = row.timestamp_ms() {
            span = Some(span.map_or((t, t), |(lo, hi)| (lo.min(t), hi.max(t))));
        }
    }
    (ids, span)
}

/// What one `signal` value of [`EXECUTION_SIGNALS`] stands for.
#[derive(Debug, PartialEq)]
enum Signal {
    Completed(u16),
    Failure(FailureClass),
}

fn read_signal(signal: &str) -> Option<Signal> {
    let signal = signal.trim();
    if let Some(rest) = signal.strip_prefix("Method completed with status:") {
        return rest.trim().parse().ok().map(Signal::Completed);
    }
    let class = if signal.starts_with("Received response. Status: 5") {
        FailureClass::BackendStatus5xx
    } else if signal.starts_with("Execution failed due to a timeout error") {
        FailureClass::IntegrationTimeout
    } else if signal.contains("Malformed Lambda proxy response") {
        FailureClass::MalformedProxyResponse
    } else if signal.starts_with("Lambda execution failed with status")
        && signal.contains("due to customer function error")
    {
        FailureClass::FunctionError
    } else if signal.starts_with("Lambda invocation failed with status: 429") {
        FailureClass::Throttled
    } else {
        return None;
    };
    Some(Signal::Failure(class))
}

/// The execution summary from the rows of [`EXECUTION_TOTALS`] and [`EXECUTION_SIGNALS`], with
/// samples and the slowest failing requests from `sample` (the evaluator's reading of the
/// sampled requests' lines).
pub(crate) fn execution_summary(
    totals: &[Row],
    signals: &[Row],
    sample: ExecutionSummary,
) -> ExecutionSummary {
    let t = totals.first();
    let mut s = ExecutionSummary {
        requests: t.map_or(0, |r| r.count("requests")),
        lines: t.map_or(0, |r| r.count("lines")),
        integration_latency: latency(t, "latency"),
        ..ExecutionSummary::default()
    };
    let (mut failing, mut explained) = (0u64, 0u64);
    for row in signals {
        let n = row.count("n");
        match row.get("signal").and_then(read_signal) {
            Some(Signal::Completed(status)) => {
                *s.statuses.entry(status).or_default() += n;
                if status >= 500 {
                    failing += n;
                }
            }
            Some(Signal::Failure(class)) => {
                s.failures.entry(class).or_default().count += n;
                explained += n;
            }
            None => {}
        }
    }
    // A 5XX that no cause line explains is what the evaluator calls Other5xx.
    let unexplained = failing.saturating_sub(explained);
    if unexplained > 0 {
        s.failures.entry(FailureClass::Other5xx).or_default().count += unexplained;
    }
    for (class, tally) in sample.failures {
        overlay(s.failures.entry(class).or_default(), tally);
    }
    s.slowest_failing = sample.slowest_failing;
    s
}

// ---------------------------------------------------------------------------------------------
// Lambda function logs
// ---------------------------------------------------------------------------------------------

/// REPORT lines, split into cold (`cold` = 1, with `Init Duration`) and warm (`cold` = 0).
/// Insights reports `@memorySize` and `@maxMemoryUsed` in bytes (MB x 1,000,000).
pub(crate) const FUNCTION_REPORTS: &str = r#"filter @type = "REPORT"
| fields strcontains(@message, "Init Duration") as cold, @initDuration + @duration as coldTotal
| stats count(*) as invocations, count(@duration) as durationCount, pct(@duration, 50) as durationP50, pct(@duration, 99) as durationP99, max(@duration) as durationMax, count(@initDuration) as initCount, pct(@initDuration, 50) as initP50, pct(@initDuration, 99) as initP99, max(@initDuration) as initMax, count(coldTotal) as totalCount, pct(coldTotal, 50) as totalP50, pct(coldTotal, 99) as totalP99, max(coldTotal) as totalMax, latest(@memorySize) as memorySize, max(@maxMemoryUsed) as maxMemoryUsed by cold"#;

/// The slowest invocations' REPORT records, so the worst requests can be found by their Lambda
/// request id. `timedOut` is not in the discovered fields: it is read from the message.
pub(crate) fn function_slowest() -> String {
    pipeline(&[
        r#"filter @type = "REPORT""#.to_owned(),
        // Ranked by what the caller waited, init included, as the evaluator ranks them.
        "fields @duration + coalesce(@initDuration, 0) as total".to_owned(),
        "sort total desc".to_owned(),
        format!("limit {}", evaluate::SLOWEST_INVOCATIONS),
        r#"fields @requestId, @duration, @initDuration, @memorySize, @maxMemoryUsed, strcontains(@message, "Status: timeout") as timedOut"#.to_owned(),
    ])
}

/// The invocations of [`function_slowest`]'s rows, slowest first; rows without a request id are
/// dropped, as nothing could be joined to them.
fn slowest_invocations(rows: &[Row], timed_out: &[String]) -> Vec<Invocation> {
    let mut out: Vec<Invocation> = rows
        .iter()
        .filter_map(|row| {
            let id = row
                .get("@requestId")
                .map(str::trim)
                .filter(|id| !id.is_empty())?;
            Some(Invocation {
                request_id: id.to_owned(),
                duration_ms: row.num("@duration"),
                init_duration_ms: row.num("@initDuration"),
                memory_size_mb: row.num("@memorySize").and_then(megabytes),
                max_memory_used_mb: row.num("@maxMemoryUsed").and_then(megabytes),
                timed_out: row.num("timedOut").is_some_and(|t| t >= 1.0)
                    || timed_out.iter().any(|t| t == id),
            })
        })
        .take(evaluate::SLOWEST_INVOCATIONS)
        .collect();
    // Insights sorts already; sorting again keeps the evaluator's order whatever it sent.
    let total = |i: &Invocation| {
        i.duration_ms
            .map_or(-1.0, |d| d + i.init_duration_ms.unwrap_or(0.0))
    };
    out.sort_by(|a, b| total(b).total_cmp(&total(a)));
    out
}

/// The lines the evaluator reads as timeouts or errors, in each runtime's format.
const PROBLEM_LINES: &str =
    r#"/Task timed out after|Status: timeout|\tERROR\t|\[ERROR\]|"errorType"|"level":"ERROR"/"#;

/// How many problem lines there are, and how many of them are timeouts of either kind.
pub(crate) fn function_problems() -> String {
    pipeline(&[
        format!("filter @message like {PROBLEM_LINES}"),
        r#"fields strcontains(@message, "Task timed out after") as taskTimeout, strcontains(@message, "Status: timeout") as reportTimeout"#.to_owned(),
        "stats count(*) as lines, sum(taskTimeout) as taskTimeouts, sum(reportTimeout) as reportTimeouts".to_owned(),
    ])
}

/// The first problem lines, for the evaluator's samples.
pub(crate) fn function_problem_lines() -> String {
    pipeline(&[
        format!("filter @message like {PROBLEM_LINES}"),
        "fields @timestamp, @message".to_owned(),
        "sort @timestamp asc".to_owned(),
        "limit 200".to_owned(),
    ])
}

/// Megabytes from Insights' byte count.
fn megabytes(bytes: f64) -> Option<u32> {
    let mb = (bytes / 1_000_000.0).round();
    (mb >= 1.0 && mb <= f64::from(u32::MAX)).then_some(mb as u32)
}

/// The function summary from the rows of [`FUNCTION_REPORTS`], [`function_problems`] and
/// [`function_slowest`], with sample ids and messages from `sample`; `lines` is what Insights
/// scanned.
pub(crate) fn function_summary(
    reports: &[Row],
    problems: &[Row],
    slowest: &[Row],
    sample: FunctionSummary,
    lines: u64,
) -> FunctionSummary {
    let mut s = FunctionSummary {
        lines,
        slowest: slowest_invocations(slowest, &sample.timeouts.sample_request_ids),
        ..FunctionSummary::default()
    };
    for row in reports {
        let n = row.count("invocations");
        s.invocations += n;
        if row.num("cold").is_some_and(|c| c >= 1.0) {
            s.cold_starts += n;
            s.init = latency(Some(row), "init");
            s.cold_total = latency(Some(row), "total");
        } else {
            s.warm = latency(Some(row), "duration");
        }
        if let Some(mb) = row.num("memorySize").and_then(megabytes) {
            s.memory_size_mb = Some(s.memory_size_mb.map_or(mb, |m| m.max(mb)));
        }
        if let Some(mb) = row.num("maxMemoryUsed").and_then(megabytes) {
            s.max_memory_used_mb = Some(s.max_memory_used_mb.map_or(mb, |m| m.max(mb)));
        }
    }
    if let Some(p) = problems.first() {
        let (task, report) = (p.count("taskTimeouts"), p.count("reportTimeouts"));
        // A timed-out request usually logs both lines: the larger count is the requests.
        s.timeouts.count = task.max(report);
        s.errors.count = p.count("lines").saturating_sub(task + report);
    }
    overlay(&mut s.timeouts, sample.timeouts);
    overlay(&mut s.errors, sample.errors);
    s
}

// ---------------------------------------------------------------------------------------------
// Access logs (JSON formats)
// ---------------------------------------------------------------------------------------------

/// Where a JSON access log format puts the `$context` fields the summary reads, as Insights field
/// references (nested objects are flattened to dotted names by Insights).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct AccessFields {
    pub(crate) request_id: Option<String>,
    pub(crate) status: Option<String>,
    pub(crate) integration_latency: Option<String>,
    pub(crate) response_latency: Option<String>,
    pub(crate) integration_error: Option<String>,
    pub(crate) integration_error_message: Option<String>,
    pub(crate) error_message: Option<String>,
}

impl AccessFields {
    /// `None` when the format is not JSON: Insights discovers no fields in other formats.
    pub(crate) fn of(format: &str) -> Option<Self> {
        let format = format.trim();
        if !format.starts_with('{') {
            return None;
        }
        let object = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(format)
            .or_else(|_| serde_json::from_str(&evaluate::quote_bare_variables(format)))
            .ok()?;
        let mut fields = Self::default();
        fields.walk(&object, "");
        Some(fields)
    }

    fn walk(&mut self, map: &serde_json::Map<String, serde_json::Value>, prefix: &str) {
        for (key, value) in map {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            match value {
                serde_json::Value::String(variable) => {
                    let slot = match variable.trim() {
                        "$context.requestId" => &mut self.request_id,
                        "$context.status" => &mut self.status,
                        "$context.integrationLatency" | "$context.integration.latency" => {
                            &mut self.integration_latency
                        }
                        "$context.responseLatency" => &mut self.response_latency,
                        "$context.integration.error" => &mut self.integration_error,
                        "$context.integrationErrorMessage" => &mut self.integration_error_message,
                        "$context.error.message" => &mut self.error_message,
                        _ => continue,
                    };
                    if slot.is_none() {
                        *slot = field_ref(&path);
                    }
                }
                serde_json::Value::Object(inner) => self.walk(inner, &path),
                _ => {}
            }
        }
    }

    /// The field whose presence marks a line Insights read as JSON.
    fn anchor(&self) -> Option<&str> {
        self.request_id
            .as_deref()
            .or(self.status.as_deref())
            .or(self.integration_latency.as_deref())
            .or(self.response_latency.as_deref())
    }
}

/// A field reference: dotted plain names as they are, anything else in backticks; `None` for a
/// name that cannot be quoted.
fn field_ref(path: &str) -> Option<String> {
    let plain = |part: &str| {
        part.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if path.split('.').all(plain) {
        Some(path.to_owned())
    } else if !path.is_empty() && !path.contains('`') {
        Some(format!("`{path}`"))
    } else {
        None
    }
}

/// A value that is neither empty nor the `-` access logs write for "none".
const SOME_TEXT: &str = r"[^-].*|-.+";
/// A latency in milliseconds.
const MILLISECONDS: &str = r"\d+(?:\.\d+)?";

/// Lines, readable lines and the latency statistics the format carries.
pub(crate) fn access_totals(f: &AccessFields) -> String {
    let mut commands = Vec::new();
    let mut stats = vec!["count(*) as lines".to_owned()];
    if let Some(anchor) = f.anchor() {
        stats.push(format!("count({anchor}) as requests"));
    }
    for (field, name) in [
        (&f.integration_latency, "integration"),
        (&f.response_latency, "response"),
    ] {
        let Some(field) = field else { continue };
        commands.push(format!("parse {field} /^(?<{name}Ms>{MILLISECONDS})$/"));
        stats.push(format!(
            "count({name}Ms) as {name}Count, pct({name}Ms, 50) as {name}P50, pct({name}Ms, 99) as {name}P99, max({name}Ms) as {name}Max"
        ));
    }
    commands.push(format!("stats {}", stats.join(", ")));
    pipeline(&commands)
}

/// Requests by status; `None` when the format has no status.
pub(crate) fn access_statuses(f: &AccessFields) -> Option<String> {
    let status = f.status.as_ref()?;
    Some(pipeline(&[
        format!(r"parse {status} /^(?<statusCode>\d{{3}})$/"),
        "filter ispresent(statusCode)".to_owned(),
        "stats count(*) as n by statusCode".to_owned(),
        "limit 1000".to_owned(),
    ]))
}

/// Requests by error text, read as the evaluator does: the integration's error first, the
/// gateway's own message only for a 5XX; `None` when the format has no error field.
pub(crate) fn access_errors(f: &AccessFields) -> Option<String> {
    let mut commands = Vec::new();
    let mut texts = Vec::new();
    for (field, name) in [
        (&f.integration_error, "integrationErrorText"),
        (&f.integration_error_message, "integrationErrorMessageText"),
    ] {
        if let Some(field) = field {
            commands.push(format!("parse {field} /^(?<{name}>{SOME_TEXT})$/"));
            texts.push(name);
        }
    }
    if let (Some(status), Some(message)) = (&f.status, &f.error_message) {
        commands.push(format!(
            r#"fields concat({status}, " ", {message}) as statusAndMessage"#
        ));
        commands.push(format!(
            r"parse statusAndMessage /^5\d\d (?<gatewayErrorText>{SOME_TEXT})$/"
        ));
        texts.push("gatewayErrorText");
    }
    let text = match texts.as_slice() {
        [] => return None,
        [one] => (*one).to_owned(),
        many => format!("coalesce({})", many.join(", ")),
    };
    commands.extend([
        format!("fields {text} as errorText"),
        "filter ispresent(errorText)".to_owned(),
        "stats count(*) as n by errorText".to_owned(),
        "sort n desc".to_owned(),
        "limit 1000".to_owned(),
    ]);
    Some(pipeline(&commands))
}

/// The latest 5XX lines, for the evaluator's slowest failing requests and sample ids; `None`
/// when the format has no status (the evaluator cannot tell a failure then).
pub(crate) fn access_failing_lines(f: &AccessFields) -> Option<String> {
    let status = f.status.as_ref()?;
    Some(pipeline(&[
        format!(r"parse {status} /^(?<failingStatus>5\d\d)$/"),
        "filter ispresent(failingStatus)".to_owned(),
        "fields @timestamp, @message".to_owned(),
        "sort @timestamp desc".to_owned(),
        "limit 500".to_owned(),
    ]))
}

/// The access summary from the rows of [`access_totals`], [`access_statuses`] and
/// [`access_errors`], with the slowest failing requests, sample ids and the format's missing
/// fields from `sample` (the evaluator's reading of the failing lines, under the same format).
pub(crate) fn access_summary(
    totals: &[Row],
    statuses: &[Row],
    errors: &[Row],
    sample: AccessSummary,
) -> AccessSummary {
    let t = totals.first();
    let lines = t.map_or(0, |r| r.count("lines"));
    let requests = t.map_or(0, |r| r.count("requests")).min(lines);
    let mut s = AccessSummary {
        requests,
        unparsed_lines: lines - requests,
        integration_latency: sample
            .integration_latency
            .map(|_| latency(t, "integration")),
        response_latency: sample.response_latency.map(|_| latency(t, "response")),
        missing_fields: sample.missing_fields,
        slowest_failing: sample.slowest_failing,
        ..AccessSummary::default()
    };
    for row in statuses {
        if let Some(status) = row.get("statusCode").and_then(|v| v.trim().parse().ok()) {
            *s.statuses.entry(status).or_default() += row.count("n");
        }
    }
    let mut counted: Vec<(String, u64)> = Vec::new();
    for row in errors {
        let Some(text) = row.get("errorText").map(clip).filter(|t| !t.is_empty()) else {
            continue;
        };
        let n = row.count("n");
        match counted.iter_mut().find(|(t, _)| *t == text) {
            Some((_, seen)) => *seen += n,
            None => counted.push((text, n)),
        }
    }
    counted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut texts: BTreeMap<String, Tally> = BTreeMap::new();
    for (i, (text, n)) in counted.into_iter().enumerate() {
        let (key, message) = if i < MAX_ERROR_TEXTS {
            (text.clone(), text)
        } else {
            (OTHER_ERROR_TEXTS.to_owned(), text)
        };
        let tally = texts.entry(key).or_default();
        tally.count += n;
        tally.sample_message.get_or_insert(message);
    }
    for (text, tally) in sample.integration_errors {
        if let Some(counted) = texts.get_mut(&text) {
            overlay(counted, tally);
        }
    }
    s.integration_errors = texts;
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::logs::RequestRecord;
    use crate::evidence::logs::evaluate::{
        AccessLogEvaluator, ExecutionLogEvaluator, FunctionLogEvaluator,
    };

    fn row(pairs: &[(&str, &str)]) -> Row {
        Row(pairs
            .iter()
            .map(|(f, v)| ((*f).to_owned(), (*v).to_owned()))
            .collect())
    }

    // -- query texts: each is pinned, since a change is a change in what the account is billed --

    #[test]
    fn the_execution_totals_query_is_pinned() {
        assert_eq!(
            EXECUTION_TOTALS,
            "parse @message /^\\s*\\((?<requestId>[^)]+)\\)/\n\
             | parse @message /^\\s*\\([^)]+\\)\\s*Received response\\. Status: \\d+, Integration latency: (?<latency>\\d+(?:\\.\\d+)?) ms/\n\
             | stats count(*) as lines, count_distinct(requestId) as requests, count(latency) as latencyCount, pct(latency, 50) as latencyP50, pct(latency, 99) as latencyP99, max(latency) as latencyMax"
        );
    }

    #[test]
    fn the_execution_signals_query_is_pinned() {
        assert_eq!(
            EXECUTION_SIGNALS,
            "parse @message /^\\s*\\((?<requestId>[^)]+)\\)\\s*(?<signal>Method completed with status: \\d+|Received response\\. Status: 5\\d\\d|Execution failed due to a timeout error|Execution failed due to configuration error: Malformed Lambda proxy response|Lambda execution failed with status \\d+ due to customer function error|Lambda invocation failed with status: 429)/\n\
             | filter ispresent(signal)\n\
             | stats count(*) as n by signal\n\
             | limit 1000"
        );
    }

    #[test]
    fn the_execution_failing_ids_query_is_pinned() {
        assert_eq!(
            EXECUTION_FAILING_IDS,
            "parse @message /^\\s*\\((?<requestId>[^)]+)\\)\\s*(?<signal>Method completed with status: 5\\d\\d|Received response\\. Status: 5\\d\\d|Execution failed due to|Lambda execution failed with status|Lambda invocation failed with status)/\n\
             | filter ispresent(signal)\n\
             | fields @timestamp, requestId\n\
             | sort @timestamp asc\n\
             | limit 200"
        );
    }

    #[test]
    fn the_execution_request_lines_query_quotes_only_safe_ids() {
        let ids = [
            "4c2a8f19-7d3e-4b1a-9c55-2e8f0a1b3c4d".to_owned(),
            "x\"] | stats count(*) by @logStream #".to_owned(),
            "9d1e0a2b-1111-2222-3333-444455556666".to_owned(),
        ];
        assert_eq!(
            execution_request_lines(&ids).unwrap(),
            "parse @message /^\\s*\\((?<requestId>[^)]+)\\)/\n\
             | filter requestId in [\"4c2a8f19-7d3e-4b1a-9c55-2e8f0a1b3c4d\", \"9d1e0a2b-1111-2222-3333-444455556666\"]\n\
             | fields @timestamp, @message\n\
             | sort @timestamp asc\n\
             | limit 10000"
        );
        assert_eq!(execution_request_lines(&ids[1..2]), None);
        assert_eq!(execution_request_lines(&[]), None);
    }

    #[test]
    fn the_function_reports_query_is_pinned() {
        assert_eq!(
            FUNCTION_REPORTS,
            "filter @type = \"REPORT\"\n\
             | fields strcontains(@message, \"Init Duration\") as cold, @initDuration + @duration as coldTotal\n\
             | stats count(*) as invocations, count(@duration) as durationCount, pct(@duration, 50) as durationP50, pct(@duration, 99) as durationP99, max(@duration) as durationMax, count(@initDuration) as initCount, pct(@initDuration, 50) as initP50, pct(@initDuration, 99) as initP99, max(@initDuration) as initMax, count(coldTotal) as totalCount, pct(coldTotal, 50) as totalP50, pct(coldTotal, 99) as totalP99, max(coldTotal) as totalMax, latest(@memorySize) as memorySize, max(@maxMemoryUsed) as maxMemoryUsed by cold"
        );
    }

    #[test]
    fn the_function_slowest_query_is_pinned() {
        assert_eq!(
            function_slowest(),
            "filter @type = \"REPORT\"\n\
             | fields @duration + coalesce(@initDuration, 0) as total\n\
             | sort total desc\n\
             | limit 20\n\
             | fields @requestId, @duration, @initDuration, @memorySize, @maxMemoryUsed, strcontains(@message, \"Status: timeout\") as timedOut"
        );
    }

    #[test]
    fn slowest_report_rows_become_invocations_in_megabytes_marked_when_timed_out() {
        let rows = [
            row(&[
                ("@requestId", "3f6c2b1a-5d4e-4f3a-9b2c-1d0e9f8a7b6c"),
                ("@duration", "15002.51"),
                ("@initDuration", "812.4"),
                ("@memorySize", "512000000"),
                ("@maxMemoryUsed", "201000000"),
                ("timedOut", "0"),
            ]),
            row(&[("@duration", "14000")]),
            row(&[
                ("@requestId", "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e"),
                ("@duration", "6006.58"),
                ("@memorySize", "128000000"),
                ("@maxMemoryUsed", "128000000"),
                ("timedOut", "1"),
            ]),
            row(&[
                ("@requestId", "2b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e"),
                ("@duration", "3000.2"),
                ("timedOut", "0"),
            ]),
        ];
        let mut e = FunctionLogEvaluator::new();
        e.push("2026-11-24T02:11:04.512Z 2b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e Task timed out after 3.00 seconds");
        let s = function_summary(&[], &[], &rows, e.finish(), 0);
        assert_eq!(
            s.slowest,
            vec![
                Invocation {
                    request_id: "3f6c2b1a-5d4e-4f3a-9b2c-1d0e9f8a7b6c".into(),
                    duration_ms: Some(15_002.51),
                    init_duration_ms: Some(812.4),
                    memory_size_mb: Some(512),
                    max_memory_used_mb: Some(201),
                    timed_out: false,
                },
                Invocation {
                    request_id: "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e".into(),
                    duration_ms: Some(6_006.58),
                    init_duration_ms: None,
                    memory_size_mb: Some(128),
                    max_memory_used_mb: Some(128),
                    timed_out: true,
                },
                Invocation {
                    request_id: "2b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e".into(),
                    duration_ms: Some(3_000.2),
                    init_duration_ms: None,
                    memory_size_mb: None,
                    max_memory_used_mb: None,
                    timed_out: true,
                },
            ]
        );
    }

    #[test]
    fn the_function_problems_query_is_pinned() {
        assert_eq!(
            function_problems(),
            "filter @message like /Task timed out after|Status: timeout|\\tERROR\\t|\\[ERROR\\]|\"errorType\"|\"level\":\"ERROR\"/\n\
             | fields strcontains(@message, \"Task timed out after\") as taskTimeout, strcontains(@message, \"Status: timeout\") as reportTimeout\n\
             | stats count(*) as lines, sum(taskTimeout) as taskTimeouts, sum(reportTimeout) as reportTimeouts"
        );
    }

    #[test]
    fn the_function_problem_lines_query_is_pinned() {
        assert_eq!(
            function_problem_lines(),
            "filter @message like /Task timed out after|Status: timeout|\\tERROR\\t|\\[ERROR\\]|\"errorType\"|\"level\":\"ERROR\"/\n\
             | fields @timestamp, @message\n\
             | sort @timestamp asc\n\
             | limit 200"
        );
    }

    const REST_FORMAT: &str = r#"{"requestId":"$context.requestId","status":"$context.status","integrationLatency":"$context.integrationLatency","responseLatency":"$context.responseLatency","integrationError":"$context.integration.error","integrationStatus":"$context.integration.status","errorMessage":"$context.error.message"}"#;
    const HTTP_FORMAT: &str = r#"{ "requestId":"$context.requestId", "routeKey":"$context.routeKey", "status":"$context.status", "integration": {"latency":"$context.integration.latency", "error-message":"$context.integrationErrorMessage"} }"#;

    #[test]
    fn a_json_format_names_its_fields_as_insights_flattens_them() {
        let rest = AccessFields::of(REST_FORMAT).unwrap();
        assert_eq!(rest.request_id.as_deref(), Some("requestId"));
        assert_eq!(rest.integration_error.as_deref(), Some("integrationError"));
        assert_eq!(rest.error_message.as_deref(), Some("errorMessage"));
        let http = AccessFields::of(HTTP_FORMAT).unwrap();
        assert_eq!(
            http.integration_latency.as_deref(),
            Some("integration.latency")
        );
        assert_eq!(
            http.integration_error_message.as_deref(),
            Some("`integration.error-message`")
        );
        assert_eq!(http.response_latency, None);
        let bare =
            AccessFields::of(r#"{"status": $context.status, "ms": $context.responseLatency}"#)
                .unwrap();
        assert_eq!(bare.status.as_deref(), Some("status"));
        assert_eq!(bare.response_latency.as_deref(), Some("ms"));
        assert_eq!(
            AccessFields::of("$context.identity.sourceIp [$context.requestTime] $context.status"),
            None,
            "text formats have no fields Insights can see"
        );
    }

    #[test]
    fn the_access_totals_query_is_pinned() {
        assert_eq!(
            access_totals(&AccessFields::of(REST_FORMAT).unwrap()),
            "parse integrationLatency /^(?<integrationMs>\\d+(?:\\.\\d+)?)$/\n\
             | parse responseLatency /^(?<responseMs>\\d+(?:\\.\\d+)?)$/\n\
             | stats count(*) as lines, count(requestId) as requests, count(integrationMs) as integrationCount, pct(integrationMs, 50) as integrationP50, pct(integrationMs, 99) as integrationP99, max(integrationMs) as integrationMax, count(responseMs) as responseCount, pct(responseMs, 50) as responseP50, pct(responseMs, 99) as responseP99, max(responseMs) as responseMax"
        );
    }

    #[test]
    fn the_access_statuses_query_is_pinned() {
        assert_eq!(
            access_statuses(&AccessFields::of(REST_FORMAT).unwrap()).unwrap(),
            "parse status /^(?<statusCode>\\d{3})$/\n\
             | filter ispresent(statusCode)\n\
             | stats count(*) as n by statusCode\n\
             | limit 1000"
        );
        assert_eq!(access_statuses(&AccessFields::default()), None);
    }

    #[test]
    fn the_access_errors_query_is_pinned() {
        assert_eq!(
            access_errors(&AccessFields::of(REST_FORMAT).unwrap()).unwrap(),
            "parse integrationError /^(?<integrationErrorText>[^-].*|-.+)$/\n\
             | fields concat(status, \" \", errorMessage) as statusAndMessage\n\
             | parse statusAndMessage /^5\\d\\d (?<gatewayErrorText>[^-].*|-.+)$/\n\
             | fields coalesce(integrationErrorText, gatewayErrorText) as errorText\n\
             | filter ispresent(errorText)\n\
             | stats count(*) as n by errorText\n\
             | sort n desc\n\
             | limit 1000"
        );
        assert_eq!(
            access_errors(&AccessFields::of(HTTP_FORMAT).unwrap()).unwrap(),
            "parse `integration.error-message` /^(?<integrationErrorMessageText>[^-].*|-.+)$/\n\
             | fields integrationErrorMessageText as errorText\n\
             | filter ispresent(errorText)\n\
             | stats count(*) as n by errorText\n\
             | sort n desc\n\
             | limit 1000"
        );
        assert_eq!(access_errors(&AccessFields::default()), None);
    }

    #[test]
    fn the_access_failing_lines_query_is_pinned() {
        assert_eq!(
            access_failing_lines(&AccessFields::of(REST_FORMAT).unwrap()).unwrap(),
            "parse status /^(?<failingStatus>5\\d\\d)$/\n\
             | filter ispresent(failingStatus)\n\
             | fields @timestamp, @message\n\
             | sort @timestamp desc\n\
             | limit 500"
        );
    }

    // -- conversions ---------------------------------------------------------------------------

    #[test]
    fn execution_rows_and_sampled_lines_become_the_summary() {
        let totals = [row(&[
            ("lines", "48211"),
            ("requests", "6120"),
            ("latencyCount", "5309"),
            ("latencyP50", "812"),
            ("latencyP99", "28731.5"),
            ("latencyMax", "28990"),
        ])];
        let signals = [
            row(&[
                ("signal", "Method completed with status: 200"),
                ("n", "5290"),
            ]),
            row(&[
                ("signal", "Method completed with status: 504"),
                ("n", "811"),
            ]),
            row(&[("signal", "Method completed with status: 502"), ("n", "19")]),
            row(&[
                ("signal", "Execution failed due to a timeout error"),
                ("n", "811"),
            ]),
            row(&[
                (
                    "signal",
                    "Lambda execution failed with status 200 due to customer function error",
                ),
                ("n", "12"),
            ]),
            row(&[("signal", "something Insights made up"), ("n", "3")]),
        ];
        // The sampled requests, read whole by the evaluator.
        let mut e = ExecutionLogEvaluator::new();
        let timeout = "6a1f0c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b";
        let error = "7b2a1d3f-4c5e-4f60-9a1b-2c3d4e5f6a7b";
        for (at, id, text) in [
            (0, timeout, "Starting execution for request: 6a1f0c2e"),
            (
                5,
                timeout,
                "Sending request to https://lambda.us-east-1.amazonaws.com/x",
            ),
            (29_005, timeout, "Execution failed due to a timeout error"),
            (29_006, timeout, "Method completed with status: 504"),
            (
                100,
                error,
                "Received response. Status: 200, Integration latency: 1210 ms",
            ),
            (
                101,
                error,
                "Lambda execution failed with status 200 due to customer function error: KeyError: 'sku'. Lambda request id: 11111111-2222-3333-4444-555555555555",
            ),
            (102, error, "Method completed with status: 502"),
        ] {
            e.push(at, &format!("({id}) {text}"));
        }
        let s = execution_summary(&totals, &signals, e.finish());

        assert_eq!((s.lines, s.requests), (48_211, 6_120));
        assert_eq!(
            s.integration_latency,
            LatencyStats {
                count: 5_309,
                p50_ms: 812.0,
                p99_ms: 28_731.5,
                max_ms: 28_990.0
            }
        );
        assert_eq!(
            s.statuses,
            BTreeMap::from([(200, 5_290), (502, 19), (504, 811)])
        );
        assert_eq!(s.failures_of(FailureClass::IntegrationTimeout), 811);
        assert_eq!(s.failures_of(FailureClass::FunctionError), 12);
        assert_eq!(
            s.failures_of(FailureClass::Other5xx),
            830 - 823,
            "5XX that no cause line explains"
        );
        let errors = &s.failures[&FailureClass::FunctionError];
        assert_eq!(errors.sample_request_ids, vec![error]);
        assert_eq!(errors.sample_message.as_deref(), Some("KeyError: 'sku'"));
        assert_eq!(
            s.slowest_failing.first(),
            Some(&RequestRecord {
                request_id: timeout.to_owned(),
                latency_ms: Some(29_000.0),
                status: Some(504),
                failure: Some(FailureClass::IntegrationTimeout),
                backend_request_id: None,
            })
        );
    }

    #[test]
    fn failing_ids_are_distinct_safe_and_span_their_lines() {
        let rows = [
            row(&[
                ("@timestamp", "2026-11-24 02:11:04.512"),
                ("requestId", "a1b2c3d4-0000"),
            ]),
            row(&[
                ("@timestamp", "2026-11-24 02:11:33.520"),
                ("requestId", "a1b2c3d4-0000"),
            ]),
            row(&[
                ("@timestamp", "2026-11-24 02:12:00.000"),
                ("requestId", "bad id\""),
            ]),
            row(&[("@timestamp", "not a time"), ("requestId", "e5f6a7b8-1111")]),
        ];
        let (ids, span) = failing_ids(&rows);
        assert_eq!(ids, vec!["a1b2c3d4-0000", "e5f6a7b8-1111"]);
        assert_eq!(span, Some((1_795_486_264_512, 1_795_486_293_520)));
    }

    #[test]
    fn function_rows_become_the_summary_with_megabytes_and_sampled_timeouts() {
        let reports = [
            row(&[
                ("cold", "0"),
                ("invocations", "1200"),
                ("durationCount", "1200"),
                ("durationP50", "41.2"),
                ("durationP99", "812.9"),
                ("durationMax", "2980.1"),
                ("initCount", "0"),
                ("memorySize", "1024000000"),
                ("maxMemoryUsed", "98000000"),
            ]),
            row(&[
                ("cold", "1"),
                ("invocations", "7"),
                ("durationCount", "7"),
                ("initCount", "7"),
                ("initP50", "4480.12"),
                ("initP99", "5120"),
                ("initMax", "5120"),
                ("totalCount", "7"),
                ("totalP50", "9600.45"),
                ("totalP99", "10240"),
                ("totalMax", "10240"),
                ("memorySize", "1024000000"),
                ("maxMemoryUsed", "312000000"),
            ]),
        ];
        let problems = [row(&[
            ("lines", "31"),
            ("taskTimeouts", "9"),
            ("reportTimeouts", "9"),
        ])];
        let mut e = FunctionLogEvaluator::new();
        e.push("2026-11-24T02:11:04.512Z 1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e Task timed out after 6.01 seconds");
        e.push("2026-11-24T02:11:05.100Z\t2b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e\tERROR\tInvoke Error \t{\"errorType\":\"Error\",\"errorMessage\":\"connect ETIMEDOUT 10.0.3.7:5432\"}");
        let s = function_summary(&reports, &problems, &[], e.finish(), 9_876);

        assert_eq!((s.invocations, s.cold_starts, s.lines), (1_207, 7, 9_876));
        assert_eq!(s.warm.count, 1_200);
        assert_eq!(s.warm.p99_ms, 812.9);
        assert_eq!(s.init.max_ms, 5_120.0);
        assert_eq!(s.cold_total.p50_ms, 9_600.45);
        assert_eq!(s.memory_size_mb, Some(1024));
        assert_eq!(s.max_memory_used_mb, Some(312));
        assert_eq!(s.timeouts.count, 9);
        assert_eq!(
            s.timeouts.sample_request_ids,
            vec!["1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e"]
        );
        assert_eq!(s.errors.count, 31 - 18);
        assert_eq!(
            s.errors.sample_message.as_deref(),
            Some("Error: connect ETIMEDOUT 10.0.3.7:5432")
        );
    }

    #[test]
    fn access_rows_become_the_summary_with_the_formats_missing_fields() {
        let totals = [row(&[
            ("lines", "1000"),
            ("requests", "998"),
            ("integrationCount", "990"),
            ("integrationP50", "120"),
            ("integrationP99", "29001"),
            ("integrationMax", "29003"),
            ("responseCount", "998"),
            ("responseP50", "131"),
            ("responseP99", "29012"),
            ("responseMax", "29015"),
        ])];
        let statuses = [
            row(&[("statusCode", "200"), ("n", "940")]),
            row(&[("statusCode", "504"), ("n", "58")]),
        ];
        let errors = [
            row(&[("errorText", "Endpoint request timed out"), ("n", "58")]),
            row(&[("errorText", "  Endpoint request timed out  "), ("n", "1")]),
        ];
        let mut e = AccessLogEvaluator::new(REST_FORMAT);
        e.push(r#"{"requestId":"r-timeout","status":"504","integrationLatency":"29001","responseLatency":"29012","integrationError":"-","integrationStatus":"-","errorMessage":"Endpoint request timed out"}"#);
        let s = access_summary(&totals, &statuses, &errors, e.finish());

        assert_eq!((s.requests, s.unparsed_lines), (998, 2));
        assert_eq!(s.statuses, BTreeMap::from([(200, 940), (504, 58)]));
        assert_eq!(s.integration_latency.map(|l| l.p99_ms), Some(29_001.0));
        assert_eq!(s.response_latency.map(|l| l.count), Some(998));
        let timed_out = &s.integration_errors["Endpoint request timed out"];
        assert_eq!(timed_out.count, 59, "texts equal once trimmed are one");
        assert_eq!(timed_out.sample_request_ids, vec!["r-timeout"]);
        assert_eq!(s.slowest_failing.len(), 1);
        assert_eq!(s.slowest_failing[0].latency_ms, Some(29_001.0));
        assert!(s.missing_fields.is_empty());

        let without_latency = AccessLogEvaluator::new(r#"{"status":"$context.status"}"#).finish();
        let s = access_summary(&totals, &[], &[], without_latency);
        assert_eq!(s.integration_latency, None, "the format does not carry it");
        assert!(
            s.missing_fields
                .contains(&"$context.integrationLatency".to_owned())
        );
    }

    #[test]
    fn error_texts_beyond_the_cap_are_folded_like_the_evaluator_does() {
        let errors: Vec<Row> = (0..40)
            .map(|i| {
                let n = (100 - i).to_string();
                row(&[("errorText", &format!("error {i:02}")), ("n", &n)])
            })
            .collect();
        let s = access_summary(&[], &[], &errors, AccessSummary::default());
        assert_eq!(s.integration_errors.len(), MAX_ERROR_TEXTS + 1);
        let other = &s.integration_errors[OTHER_ERROR_TEXTS];
        assert_eq!(other.count, (32..40).map(|i| 100 - i).sum::<u64>());
        assert!(s.integration_errors.contains_key("error 00"));
        assert!(!s.integration_errors.contains_key("error 39"));
    }

    #[test]
    fn rows_with_garbage_values_count_as_nothing() {
        let totals = [row(&[
            ("lines", "NaN"),
            ("requests", "-5"),
            ("latencyCount", "x"),
        ])];
        let signals = [row(&[
            ("signal", "Method completed with status: 9999999"),
            ("n", "1"),
        ])];
        let s = execution_summary(&totals, &signals, ExecutionSummary::default());
        assert_eq!(s, ExecutionSummary::default());
    }
}
