//! Pure evaluation of raw CloudWatch Logs lines into the typed answers of the log questions.
//!
//! Shared by the scenario adapter (recorded lines) and the live adapter's FilterLogEvents fallback
//! (used when Logs Insights is refused), so both paths answer with the same numbers.
//!
//! Each evaluator reads one line at a time. Memory is bounded by the requests in flight and the
//! latency samples that percentiles need. Lines that look like nothing known are skipped (or, for
//! access logs, counted as unparsed), never an error and never a panic.

use super::{
    AccessSummary, ExecutionSummary, FailureClass, FunctionSummary, Invocation, LatencyStats,
    RequestRecord, Tally,
};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt;

/// Request ids kept per tally.
pub const SAMPLES: usize = 3;
/// Failing requests kept, slowest first.
pub const SLOWEST: usize = 3;
/// Function invocations kept, slowest first: enough to find the worst requests' REPORT lines.
pub const SLOWEST_INVOCATIONS: usize = 20;

/// Longest message kept as a sample, in characters.
const MESSAGE_CHARS: usize = 200;
/// Longest request id accepted: anything longer is not an id and would only cost memory.
const MAX_ID_LEN: usize = 128;
/// Completed request ids remembered, so a repeated or late line does not count a request twice.
const RECENT_DONE: usize = 1024;
/// Timed-out function request ids remembered, so `Task timed out` and `Status: timeout` count once.
const RECENT_TIMEOUTS: usize = 64;
/// Distinct integration error texts kept: texts can embed per-request ids, so they are capped.
pub(crate) const MAX_ERROR_TEXTS: usize = 32;
/// Where integration error texts beyond [`MAX_ERROR_TEXTS`] are counted.
pub(crate) const OTHER_ERROR_TEXTS: &str = "(other error messages)";

// ---------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------

/// Latency samples, in milliseconds; only finite, non-negative values are kept.
#[derive(Debug, Default)]
struct Samples(Vec<f64>);

impl Samples {
    fn push(&mut self, ms: f64) {
        if ms.is_finite() && ms >= 0.0 {
            self.0.push(ms);
        }
    }

    /// Nearest-rank percentiles; selection instead of a full sort keeps `finish` linear.
    fn stats(mut self) -> LatencyStats {
        let n = self.0.len();
        if n == 0 {
            return LatencyStats::default();
        }
        let max = self.0.iter().copied().fold(0.0, f64::max);
        let i99 = nearest_rank(n, 99);
        let i50 = nearest_rank(n, 50);
        let (below, p99, _) = self.0.select_nth_unstable_by(i99, f64::total_cmp);
        let p99 = *p99;
        let p50 = if i50 < i99 {
            *below.select_nth_unstable_by(i50, f64::total_cmp).1
        } else {
            p99
        };
        LatencyStats {
            count: n as u64,
            p50_ms: p50,
            p99_ms: p99,
            max_ms: max,
        }
    }
}

/// Zero-based index of the nearest-rank `p`th percentile of `n` sorted values.
fn nearest_rank(n: usize, p: usize) -> usize {
    p.saturating_mul(n).div_ceil(100).clamp(1, n) - 1
}

/// A message trimmed and cut to [`MESSAGE_CHARS`] characters.
pub(crate) fn clip(message: &str) -> String {
    let message = message.trim();
    match message.char_indices().nth(MESSAGE_CHARS) {
        Some((end, _)) => message.get(..end).unwrap_or(message).trim_end().to_owned(),
        None => message.to_owned(),
    }
}

/// Counts one request in a tally; the message is only built when the tally still lacks one.
fn note(tally: &mut Tally, request_id: Option<&str>, message: impl FnOnce() -> Option<String>) {
    tally.count += 1;
    if let Some(id) = request_id.filter(|id| !id.is_empty())
        && tally.sample_request_ids.len() < SAMPLES
    {
        tally.sample_request_ids.push(id.to_owned());
    }
    if tally.sample_message.is_none() {
        tally.sample_message = message().filter(|m| !m.is_empty());
    }
}

/// The slowest failing requests, slowest first; unknown latency sorts last, ties keep arrival order.
#[derive(Debug, Default)]
struct Slowest(Vec<RequestRecord>);

impl Slowest {
    /// The record is only built when it makes the list, so fast failures cost no allocation.
    fn offer(&mut self, latency_ms: Option<f64>, record: impl FnOnce() -> RequestRecord) {
        let at = self
            .0
            .iter()
            .position(|r| slower(latency_ms, r.latency_ms))
            .unwrap_or(self.0.len());
        if at < SLOWEST {
            self.0.insert(at, record());
            self.0.truncate(SLOWEST);
        }
    }
}

fn slower(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a > b,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// The status at the start of `text` (`504`, `200, Integration...`).
fn leading_status(text: &str) -> Option<u16> {
    let text = text.trim_start();
    let end = text
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(text.len());
    text.get(..end)?.parse().ok()
}

/// A duration in milliseconds, finite and not negative.
fn parse_ms(text: &str) -> Option<f64> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
}

/// Whether a token looks like a Lambda request id (a UUID or similar), not a timestamp or a word.
fn looks_like_request_id(token: &str) -> bool {
    (8..=MAX_ID_LEN).contains(&token.len())
        && token.contains('-')
        && token.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

fn elapsed_ms(from: Option<i64>, to: Option<i64>) -> Option<f64> {
    let d = to?.checked_sub(from?)?;
    (d >= 0).then_some(d as f64)
}

// ---------------------------------------------------------------------------------------------
// REST execution logs
// ---------------------------------------------------------------------------------------------

/// Summarises a REST stage's execution log, one `(requestId) message` line at a time.
///
/// A request is evaluated when its `Method completed with status` line comes, and then forgotten
/// (apart from a short list of recent ids); requests never completed are evaluated in `finish`.
#[derive(Debug, Default)]
pub struct ExecutionLogEvaluator {
    requests: HashMap<Box<str>, Slot>,
    /// Completed ids, oldest first, so their tombstones can be dropped.
    done: VecDeque<Box<str>>,
    next_seq: u64,
    summary: ExecutionSummary,
    integration: Samples,
    slowest: Slowest,
}

#[derive(Debug)]
enum Slot {
    Open(Request),
    /// Completed: later lines for this id are ignored.
    Done,
}

/// What the lines of one request in flight have said so far.
#[derive(Debug, Default)]
struct Request {
    /// Arrival order, so requests evaluated in `finish` are evaluated deterministically.
    seq: u64,
    started_ms: Option<i64>,
    sent_ms: Option<i64>,
    integration_latency_ms: Option<f64>,
    backend_status: Option<u16>,
    /// The first specific cause line; later ones (a throttle's configuration error) are echoes.
    cause: Option<FailureClass>,
    failed_ms: Option<i64>,
    /// The function's error text, for `FunctionError`.
    message: Option<String>,
    /// The first other `Execution failed ...` text, for `Other5xx`.
    note: Option<String>,
    /// The backend's request id, to find the invocation in the function's log.
    backend_request_id: Option<Box<str>>,
}

/// One execution log line, as far as the evaluation cares.
#[derive(Debug, PartialEq)]
enum ExecLine<'a> {
    Started,
    Sending,
    Received {
        status: Option<u16>,
        latency_ms: Option<f64>,
    },
    TimedOut,
    FunctionError(&'a str),
    Malformed,
    Throttled,
    /// Some other failure text, kept as a hint for a 5XX that no known cause explains.
    Failed(&'a str),
    Completed(u16),
    Other,
}

impl<'a> ExecLine<'a> {
    fn parse(body: &'a str) -> Self {
        // Dispatch on the first byte: most lines are headers and bodies that match nothing.
        match body.as_bytes().first() {
            Some(b'M') => body
                .strip_prefix("Method completed with status:")
                .and_then(leading_status)
                .map_or(Self::Other, Self::Completed),
            Some(b'R') => match body.strip_prefix("Received response. Status:") {
                Some(rest) => {
                    let (status, latency) = match rest.split_once(", Integration latency:") {
                        Some((s, l)) => (s, Some(l)),
                        None => (rest, None),
                    };
                    Self::Received {
                        status: leading_status(status),
                        latency_ms: latency
                            .and_then(|l| l.split_ascii_whitespace().next())
                            .and_then(parse_ms),
                    }
                }
                None => Self::Other,
            },
            Some(b'E') => match body.strip_prefix("Execution failed due to ") {
                Some(rest) if rest.starts_with("a timeout error") => Self::TimedOut,
                Some(rest)
                    if rest.starts_with("configuration error: Malformed Lambda proxy response") =>
                {
                    Self::Malformed
                }
                Some(_) => Self::Failed(body),
                None => Self::Other,
            },
            Some(b'L') => {
                if let Some(rest) = body.strip_prefix("Lambda execution failed with status ") {
                    match rest.split_once("due to customer function error:") {
                        Some((_, message)) => Self::FunctionError(
                            message
                                .rsplit_once(". Lambda request id:")
                                .map_or(message, |(m, _)| m)
                                .trim(),
                        ),
                        None => Self::Failed(body),
                    }
                } else if let Some(rest) =
                    body.strip_prefix("Lambda invocation failed with status:")
                {
                    match leading_status(rest) {
                        Some(429) => Self::Throttled,
                        _ => Self::Failed(body),
                    }
                } else {
                    Self::Other
                }
            }
            Some(b'S') => {
                if body.starts_with("Sending request to ") {
                    Self::Sending
                } else if body.starts_with("Starting execution for request:") {
                    Self::Started
                } else {
                    Self::Other
                }
            }
            _ => Self::Other,
        }
    }
}

/// The backend's request id a line names: `x-amzn-RequestId=...` in `Endpoint response headers:`,
/// or `Lambda request id: ...` in a Lambda failure line.
fn backend_request_id(body: &str) -> Option<&str> {
    let value = match body.as_bytes().first() {
        Some(b'E') if body.starts_with("Endpoint response headers:") => {
            const KEY: &str = "x-amzn-requestid=";
            // Header names are case-insensitive; AWS writes `x-amzn-RequestId`.
            let at = body
                .as_bytes()
                .windows(KEY.len())
                .position(|w| w.eq_ignore_ascii_case(KEY.as_bytes()))?;
            let rest = body.get(at + KEY.len()..)?;
            let end = rest
                .find(|c: char| c == ',' || c == '}' || c.is_whitespace())
                .unwrap_or(rest.len());
            rest.get(..end)?
        }
        Some(b'E' | b'L') => {
            let (_, rest) = body.rsplit_once("Lambda request id:")?;
            rest.split_ascii_whitespace().next()?.trim_end_matches('.')
        }
        _ => return None,
    };
    looks_like_request_id(value).then_some(value)
}

/// `(requestId) message` into the id and the message; `None` for lines without the prefix.
fn split_request_id(message: &str) -> Option<(&str, &str)> {
    let rest = message.trim_start().strip_prefix('(')?;
    // Only look as far as an id can reach: a long line without `)` is not worth scanning.
    let close = rest.bytes().take(MAX_ID_LEN + 1).position(|b| b == b')')?;
    let id = rest.get(..close)?.trim();
    let body = rest.get(close + 1..)?.trim_start();
    (!id.is_empty()).then_some((id, body))
}

impl Request {
    fn apply(&mut self, body: &str, line: &ExecLine<'_>, at_ms: i64, integration: &mut Samples) {
        if self.backend_request_id.is_none()
            && let Some(id) = backend_request_id(body)
        {
            self.backend_request_id = Some(id.into());
        }
        match *line {
            ExecLine::Started => {
                self.started_ms.get_or_insert(at_ms);
            }
            ExecLine::Sending => {
                self.sent_ms.get_or_insert(at_ms);
            }
            ExecLine::Received { status, latency_ms } => {
                // One sample per request, even if a response line is logged twice.
                if self.backend_status.is_none() && self.integration_latency_ms.is_none() {
                    self.backend_status = status;
                    if let Some(ms) = latency_ms {
                        integration.push(ms);
                        self.integration_latency_ms = Some(ms);
                    }
                }
            }
            ExecLine::TimedOut => self.fail(FailureClass::IntegrationTimeout, at_ms, None),
            ExecLine::FunctionError(m) => self.fail(FailureClass::FunctionError, at_ms, Some(m)),
            ExecLine::Malformed => self.fail(FailureClass::MalformedProxyResponse, at_ms, None),
            ExecLine::Throttled => self.fail(FailureClass::Throttled, at_ms, None),
            ExecLine::Failed(text) => {
                if self.note.is_none() {
                    self.note = Some(clip(text));
                }
            }
            ExecLine::Completed(_) | ExecLine::Other => {}
        }
    }

    fn fail(&mut self, class: FailureClass, at_ms: i64, message: Option<&str>) {
        if self.cause.is_none() {
            self.cause = Some(class);
            self.failed_ms = Some(at_ms);
            self.message = message.map(clip);
        }
    }
}

impl ExecutionLogEvaluator {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads one execution log line logged at `at_ms` (epoch milliseconds).
    pub fn push(&mut self, at_ms: i64, message: &str) {
        self.summary.lines += 1;
        let Some((id, body)) = split_request_id(message) else {
            return;
        };
        let line = ExecLine::parse(body);
        match self.requests.get_mut(id) {
            Some(Slot::Done) => {}
            Some(slot @ Slot::Open(_)) => {
                if let ExecLine::Completed(status) = line {
                    if let Slot::Open(request) = std::mem::replace(slot, Slot::Done) {
                        self.retire(id);
                        self.conclude(id, request, Some(status), Some(at_ms));
                    }
                } else if let Slot::Open(request) = slot {
                    request.apply(body, &line, at_ms, &mut self.integration);
                }
            }
            None => {
                self.summary.requests += 1;
                let mut request = Request {
                    seq: self.next_seq,
                    ..Request::default()
                };
                self.next_seq += 1;
                if let ExecLine::Completed(status) = line {
                    self.requests.insert(id.into(), Slot::Done);
                    self.retire(id);
                    self.conclude(id, request, Some(status), Some(at_ms));
                } else {
                    request.apply(body, &line, at_ms, &mut self.integration);
                    self.requests.insert(id.into(), Slot::Open(request));
                }
            }
        }
    }

    /// Remembers a completed id, forgetting the oldest beyond [`RECENT_DONE`].
    fn retire(&mut self, id: &str) {
        self.done.push_back(id.into());
        if self.done.len() > RECENT_DONE
            && let Some(old) = self.done.pop_front()
            && matches!(self.requests.get(&old), Some(Slot::Done))
        {
            self.requests.remove(&old);
        }
    }

    /// Counts a request's final status and, if it failed, its failure class.
    fn conclude(&mut self, id: &str, r: Request, status: Option<u16>, end_ms: Option<i64>) {
        if let Some(s) = status {
            *self.summary.statuses.entry(s).or_default() += 1;
        }
        let class = r
            .cause
            .or_else(|| {
                r.backend_status
                    .filter(|s| *s >= 500)
                    .map(|_| FailureClass::BackendStatus5xx)
            })
            .or_else(|| status.filter(|s| *s >= 500).map(|_| FailureClass::Other5xx));
        let Some(class) = class else {
            return;
        };
        let Request {
            message,
            note: hint,
            backend_request_id,
            ..
        } = &r;
        note(
            self.summary.failures.entry(class).or_default(),
            Some(id),
            || match class {
                FailureClass::Other5xx => hint.clone(),
                _ => message.clone(),
            },
        );
        // A timeout has no response line: its latency is how long the gateway waited.
        let latency_ms = r
            .integration_latency_ms
            .or_else(|| elapsed_ms(r.sent_ms.or(r.started_ms), r.failed_ms.or(end_ms)));
        self.slowest.offer(latency_ms, || RequestRecord {
            request_id: id.to_owned(),
            latency_ms,
            status,
            failure: Some(class),
            backend_request_id: backend_request_id.as_deref().map(str::to_owned),
        });
    }

    pub fn finish(mut self) -> ExecutionSummary {
        let mut open: Vec<(Box<str>, Request)> = self
            .requests
            .drain()
            .filter_map(|(id, slot)| match slot {
                Slot::Open(r) => Some((id, r)),
                Slot::Done => None,
            })
            .collect();
        open.sort_by_key(|(_, r)| r.seq);
        for (id, request) in open {
            self.conclude(&id, request, None, None);
        }
        let mut summary = self.summary;
        summary.integration_latency = self.integration.stats();
        summary.slowest_failing = self.slowest.0;
        summary
    }
}

// ---------------------------------------------------------------------------------------------
// Access logs
// ---------------------------------------------------------------------------------------------

/// The `$context` variables the evaluation reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    RequestId,
    Status,
    IntegrationLatency,
    ResponseLatency,
    /// `$context.integration.error`.
    IntegrationError,
    /// `$context.integrationErrorMessage` (HTTP APIs).
    IntegrationErrorMessage,
    /// `$context.error.message`: the gateway's own message, read only for 5XX lines.
    ErrorMessage,
    /// `$context.error.responseType`: `INTEGRATION_TIMEOUT`, `INTEGRATION_FAILURE`, ...
    ResponseType,
    /// `$context.integration.status` or the Lambda service's `integrationStatus`.
    IntegrationStatus,
}

impl Field {
    fn of(variable: &str) -> Option<Self> {
        Some(match variable.trim() {
            "$context.requestId" => Self::RequestId,
            "$context.status" => Self::Status,
            "$context.integrationLatency" | "$context.integration.latency" => {
                Self::IntegrationLatency
            }
            "$context.responseLatency" => Self::ResponseLatency,
            "$context.integration.error" => Self::IntegrationError,
            "$context.integrationErrorMessage" => Self::IntegrationErrorMessage,
            "$context.error.message" => Self::ErrorMessage,
            "$context.error.responseType" => Self::ResponseType,
            "$context.integration.status"
            | "$context.integrationStatus"
            | "$context.integration.integrationStatus" => Self::IntegrationStatus,
            _ => return None,
        })
    }

    fn bit(self) -> u16 {
        1 << self as u16
    }
}

/// The fields the diagnosis uses, with the variable to add when a format lacks all of them.
const WANTED: [(&[Field], &str); 5] = [
    (&[Field::RequestId], "$context.requestId"),
    (&[Field::Status], "$context.status"),
    (&[Field::IntegrationLatency], "$context.integrationLatency"),
    (&[Field::ResponseLatency], "$context.responseLatency"),
    (
        &[Field::IntegrationError, Field::IntegrationErrorMessage],
        "$context.integration.error",
    ),
];

/// One access log value: a string (possibly `-`), a number, or something without meaning here.
#[derive(Debug)]
enum Value<'a> {
    Text(Cow<'a, str>),
    Number(f64),
    Nothing,
}

impl<'a> Value<'a> {
    fn text(self) -> Option<Cow<'a, str>> {
        let text = match self {
            Self::Text(t) => t,
            Self::Number(n) => Cow::Owned(n.to_string()),
            Self::Nothing => return None,
        };
        let trimmed = text.trim();
        if trimmed.is_empty() || trimmed == "-" {
            return None;
        }
        Some(match text {
            Cow::Borrowed(t) => Cow::Borrowed(t.trim()),
            Cow::Owned(t) if t.len() == t.trim().len() => Cow::Owned(t),
            Cow::Owned(t) => Cow::Owned(t.trim().to_owned()),
        })
    }

    fn number(&self) -> Option<f64> {
        match self {
            Self::Text(t) => parse_ms(t),
            Self::Number(n) => Some(*n).filter(|n| n.is_finite() && *n >= 0.0),
            Self::Nothing => None,
        }
    }

    fn status(&self) -> Option<u16> {
        match self {
            Self::Text(t) => t.trim().parse().ok(),
            Self::Number(n) if n.fract() == 0.0 && (0.0..=f64::from(u16::MAX)).contains(n) => {
                Some(*n as u16)
            }
            _ => None,
        }
    }
}

/// The fields of one access log line.
#[derive(Debug, Default)]
struct AccessLine<'a> {
    request_id: Option<Cow<'a, str>>,
    status: Option<u16>,
    integration_latency_ms: Option<f64>,
    response_latency_ms: Option<f64>,
    integration_error: Option<Cow<'a, str>>,
    integration_error_message: Option<Cow<'a, str>>,
    error_message: Option<Cow<'a, str>>,
    response_type: Option<Cow<'a, str>>,
    integration_status: Option<u16>,
}

impl<'a> AccessLine<'a> {
    fn set(&mut self, field: Field, value: Value<'a>) {
        match field {
            Field::RequestId => self.request_id = value.text(),
            Field::Status => self.status = value.status(),
            Field::IntegrationLatency => self.integration_latency_ms = value.number(),
            Field::ResponseLatency => self.response_latency_ms = value.number(),
            Field::IntegrationError => self.integration_error = value.text(),
            Field::IntegrationErrorMessage => self.integration_error_message = value.text(),
            Field::ErrorMessage => self.error_message = value.text(),
            Field::ResponseType => self.response_type = value.text(),
            Field::IntegrationStatus => self.integration_status = value.status(),
        }
    }

    fn failing(&self) -> bool {
        self.status.is_some_and(|s| s >= 500)
    }

    /// The integration's error text; the gateway's own message only stands in for a 5XX, since
    /// 4XX messages (`Missing Authentication Token`) are not the integration's.
    fn error_text(&self) -> Option<&str> {
        self.integration_error
            .as_deref()
            .or(self.integration_error_message.as_deref())
            .or_else(|| {
                self.error_message
                    .as_deref()
                    .filter(|_| self.status.is_none_or(|s| s >= 500))
            })
    }

    /// Why a 5XX failed, from what the format carries; `Other5xx` when it says nothing.
    fn failure(&self) -> FailureClass {
        let texts = [
            self.integration_error.as_deref(),
            self.integration_error_message.as_deref(),
            self.error_message.as_deref(),
        ];
        let said = |needle: &str| texts.iter().flatten().any(|t| t.contains(needle));
        if self.response_type.as_deref() == Some("INTEGRATION_TIMEOUT") || said("timed out") {
            FailureClass::IntegrationTimeout
        } else if said("Malformed Lambda proxy response") || said("doesn't match the format") {
            FailureClass::MalformedProxyResponse
        } else if self.integration_status == Some(429) {
            FailureClass::Throttled
        } else if said("function error") {
            FailureClass::FunctionError
        } else if self.integration_status.is_some_and(|s| s >= 500) {
            FailureClass::BackendStatus5xx
        } else {
            FailureClass::Other5xx
        }
    }
}

/// Where a JSON format puts the fields of interest: key to field, or key to a nested object.
#[derive(Debug, Default)]
struct Shape(Vec<(String, Node)>);

#[derive(Debug)]
enum Node {
    Leaf(Field),
    Object(Shape),
}

impl Shape {
    fn of(map: &serde_json::Map<String, serde_json::Value>, fields: &mut u16) -> Self {
        let mut shape = Self::default();
        for (key, value) in map {
            match value {
                serde_json::Value::String(v) => {
                    if let Some(field) = Field::of(v) {
                        *fields |= field.bit();
                        shape.0.push((key.clone(), Node::Leaf(field)));
                    }
                }
                serde_json::Value::Object(inner) => {
                    let inner = Self::of(inner, fields);
                    if !inner.0.is_empty() {
                        shape.0.push((key.clone(), Node::Object(inner)));
                    }
                }
                _ => {}
            }
        }
        shape
    }

    fn get(&self, key: &str) -> Option<&Node> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, node)| node)
    }
}

/// One piece of a text format: literal text, or a variable (`None` when not of interest).
#[derive(Debug)]
enum Piece {
    Literal(String),
    Variable(Option<Field>),
}

#[derive(Debug)]
enum Format {
    Json(Shape),
    /// Variables separated by literals (CLF, CSV, XML styles).
    Text(Vec<Piece>),
    /// No way to find fields in a line (empty format, or two variables with nothing between).
    Unreadable,
}

/// Quotes bare `$context.x` values in a JSON format (`{"latency": $context.responseLatency}`).
pub(crate) fn quote_bare_variables(format: &str) -> String {
    let mut out = String::with_capacity(format.len() + 16);
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        } else if c == '$' {
            out.pop();
            out.push_str("\"$");
            while let Some(&n) = chars.peek().filter(|n| is_variable_char(**n)) {
                out.push(n);
                chars.next();
            }
            out.push('"');
        }
    }
    out
}

fn is_variable_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.'
}

/// Splits a text format into literals and `$variables`.
fn tokenise(format: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut literal_from = 0;
    let mut at = 0;
    while let Some(rest) = format.get(at..) {
        let Some(dollar) = rest.find('$') else {
            break;
        };
        let start = at + dollar;
        let name_len = format
            .get(start + 1..)
            .unwrap_or_default()
            .find(|c: char| !is_variable_char(c))
            .unwrap_or(format.len() - start - 1);
        let name = format.get(start..start + 1 + name_len).unwrap_or_default();
        // A sentence's full stop after a variable belongs to the literal that follows.
        let name = name.trim_end_matches('.');
        if name.len() < 2 || !name.as_bytes().get(1).is_some_and(u8::is_ascii_alphabetic) {
            at = start + 1;
            continue;
        }
        if literal_from < start {
            let literal = format.get(literal_from..start).unwrap_or_default();
            pieces.push(Piece::Literal(literal.to_owned()));
        }
        pieces.push(Piece::Variable(Field::of(name)));
        literal_from = start + name.len();
        at = literal_from;
    }
    if let Some(tail) = format.get(literal_from..).filter(|t| !t.is_empty()) {
        pieces.push(Piece::Literal(tail.to_owned()));
    }
    pieces
}

impl Format {
    fn parse(format: &str, fields: &mut u16) -> Self {
        let format = format.trim();
        if format.starts_with('{') {
            let object = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(format)
                .or_else(|_| serde_json::from_str(&quote_bare_variables(format)));
            if let Ok(object) = object {
                return Self::Json(Shape::of(&object, fields));
            }
        }
        let pieces = tokenise(format);
        let variables = pieces
            .iter()
            .filter(|p| matches!(p, Piece::Variable(_)))
            .count();
        let adjacent = pieces
            .windows(2)
            .any(|w| matches!(w, [Piece::Variable(_), Piece::Variable(_)]));
        if variables == 0 || adjacent {
            return Self::Unreadable;
        }
        for piece in &pieces {
            if let Piece::Variable(Some(field)) = piece {
                *fields |= field.bit();
            }
        }
        Self::Text(pieces)
    }

    fn read<'a>(&self, line: &'a str) -> Option<AccessLine<'a>> {
        match self {
            Self::Json(shape) => read_json(shape, line),
            Self::Text(pieces) => read_text(pieces, line),
            Self::Unreadable => None,
        }
    }
}

/// Each variable's value runs up to the next literal. A value containing that literal misreads
/// the line; the formats people use put such values (`requestTime`) between distinct literals.
fn read_text<'a>(pieces: &[Piece], line: &'a str) -> Option<AccessLine<'a>> {
    let mut out = AccessLine::default();
    let mut rest = line;
    let mut pieces = pieces.iter().peekable();
    while let Some(piece) = pieces.next() {
        match piece {
            Piece::Literal(literal) => rest = rest.strip_prefix(literal.as_str())?,
            Piece::Variable(field) => {
                let (value, after) = match pieces.peek() {
                    Some(Piece::Literal(next)) => {
                        rest.split_at_checked(rest.find(next.as_str())?)?
                    }
                    _ => (rest, ""),
                };
                if let Some(field) = field {
                    out.set(*field, Value::Text(Cow::Borrowed(value)));
                }
                rest = after;
            }
        }
    }
    rest.is_empty().then_some(out)
}

/// Reads only the keys the format maps, borrowing strings from the line where it can.
fn read_json<'a>(shape: &Shape, line: &'a str) -> Option<AccessLine<'a>> {
    let mut out = AccessLine::default();
    let mut de = serde_json::Deserializer::from_str(line);
    ObjectSeed {
        shape,
        out: &mut out,
    }
    .deserialize(&mut de)
    .ok()?;
    de.end().ok()?;
    Some(out)
}

struct ObjectSeed<'s, 'o, 'de> {
    shape: &'s Shape,
    out: &'o mut AccessLine<'de>,
}

impl<'de> DeserializeSeed<'de> for ObjectSeed<'_, '_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed<'_, '_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let out = self.out;
        while let Some(node) = map.next_key_seed(KeySeed(self.shape))? {
            match node {
                Some(Node::Leaf(field)) => {
                    let value = map.next_value_seed(ValueSeed)?;
                    out.set(*field, value);
                }
                Some(Node::Object(shape)) => map.next_value_seed(ObjectSeed {
                    shape,
                    out: &mut *out,
                })?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// Looks a key up in the shape without allocating it.
struct KeySeed<'s>(&'s Shape);

impl<'de, 's> DeserializeSeed<'de> for KeySeed<'s> {
    type Value = Option<&'s Node>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de, 's> Visitor<'de> for KeySeed<'s> {
    type Value = Option<&'s Node>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self.0.get(key))
    }
}

struct ValueSeed;

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = Value<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed {
    type Value = Value<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Value::Text(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Value::Text(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Value::Text(Cow::Owned(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Value::Number(v as f64))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Value::Number(v as f64))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Value::Number(v))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Value::Nothing)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Value::Nothing)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Value::Nothing)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Value::Nothing)
    }
}

/// Summarises an access log, reading the fields the stage's access log format names.
#[derive(Debug)]
pub struct AccessLogEvaluator {
    format: Format,
    /// Bits of the [`Field`]s the format carries.
    fields: u16,
    requests: u64,
    statuses: BTreeMap<u16, u64>,
    integration: Samples,
    response: Samples,
    errors: BTreeMap<String, Tally>,
    slowest: Slowest,
    unparsed: u64,
}

impl AccessLogEvaluator {
    /// `format` is the stage's access log format (JSON, or CLF/CSV/XML-style text).
    pub fn new(format: &str) -> Self {
        let mut fields = 0;
        let format = Format::parse(format, &mut fields);
        Self {
            format,
            fields,
            requests: 0,
            statuses: BTreeMap::new(),
            integration: Samples::default(),
            response: Samples::default(),
            errors: BTreeMap::new(),
            slowest: Slowest::default(),
            unparsed: 0,
        }
    }

    fn has(&self, field: Field) -> bool {
        self.fields & field.bit() != 0
    }

    pub fn push(&mut self, message: &str) {
        match self.format.read(message.trim()) {
            Some(line) => self.record(line),
            None => self.unparsed += 1,
        }
    }

    fn record(&mut self, line: AccessLine<'_>) {
        self.requests += 1;
        if let Some(status) = line.status {
            *self.statuses.entry(status).or_default() += 1;
        }
        if let Some(ms) = line.integration_latency_ms {
            self.integration.push(ms);
        }
        if let Some(ms) = line.response_latency_ms {
            self.response.push(ms);
        }
        if let Some(text) = line.error_text() {
            let text = clip(text);
            let key = if self.errors.len() < MAX_ERROR_TEXTS || self.errors.contains_key(&text) {
                text.clone()
            } else {
                OTHER_ERROR_TEXTS.to_owned()
            };
            if !text.is_empty() {
                let tally = self.errors.entry(key).or_default();
                note(tally, line.request_id.as_deref(), || Some(text));
            }
        }
        if line.failing() {
            let latency_ms = line.integration_latency_ms.or(line.response_latency_ms);
            self.slowest.offer(latency_ms, || RequestRecord {
                request_id: line.request_id.as_deref().unwrap_or("-").to_owned(),
                latency_ms,
                status: line.status,
                failure: Some(line.failure()),
                backend_request_id: None,
            });
        }
    }

    pub fn finish(self) -> AccessSummary {
        let missing_fields = WANTED
            .iter()
            .filter(|(any_of, _)| !any_of.iter().any(|f| self.has(*f)))
            .map(|(_, variable)| (*variable).to_owned())
            .collect();
        let has_integration = self.has(Field::IntegrationLatency);
        let has_response = self.has(Field::ResponseLatency);
        let integration_latency = has_integration.then(|| self.integration.stats());
        let response_latency = has_response.then(|| self.response.stats());
        AccessSummary {
            requests: self.requests,
            statuses: self.statuses,
            integration_latency,
            response_latency,
            integration_errors: self.errors,
            slowest_failing: self.slowest.0,
            missing_fields,
            unparsed_lines: self.unparsed,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Lambda function logs
// ---------------------------------------------------------------------------------------------

/// Summarises a function's log group: REPORT lines, timeouts and error lines.
#[derive(Debug, Default)]
pub struct FunctionLogEvaluator {
    summary: FunctionSummary,
    warm: Samples,
    cold_total: Samples,
    init: Samples,
    /// Request ids already counted as timeouts, newest last.
    timed_out: VecDeque<Box<str>>,
    /// Slowest first, at most [`SLOWEST_INVOCATIONS`].
    slowest: Vec<Invocation>,
}

/// The fields of a `REPORT RequestId: ...` line.
#[derive(Debug, Default, PartialEq)]
struct Report<'a> {
    request_id: Option<&'a str>,
    duration_ms: Option<f64>,
    init_ms: Option<f64>,
    memory_size_mb: Option<u32>,
    max_memory_used_mb: Option<u32>,
    timed_out: bool,
}

impl<'a> Report<'a> {
    /// Labels are read by their words, as fields may be tab- or space-separated and several end
    /// in `Duration:` (`Billed Duration`, `Init Duration`, SnapStart's `Restore Duration`).
    fn parse(line: &'a str) -> Self {
        let mut report = Self::default();
        let mut before = ["", ""];
        let mut tokens = line.split_ascii_whitespace();
        while let Some(token) = tokens.next() {
            let is_label = matches!(
                (before[1], token),
                ("REPORT", "RequestId:")
                    | (_, "Duration:")
                    | ("Memory", "Size:")
                    | ("Memory", "Used:")
                    | (_, "Status:")
            );
            if !is_label {
                before = [before[1], token];
                continue;
            }
            let Some(value) = tokens.next() else {
                break;
            };
            match (before, token) {
                ([_, "REPORT"], "RequestId:") => report.request_id = Some(value),
                ([_, "Billed" | "Restore"], "Duration:") => {}
                ([_, "Init"], "Duration:") => report.init_ms = parse_ms(value),
                (_, "Duration:") => report.duration_ms = parse_ms(value),
                (["Max", "Memory"], "Used:") => report.max_memory_used_mb = value.parse().ok(),
                (_, "Size:") => report.memory_size_mb = value.parse().ok(),
                (_, "Status:") => report.timed_out = value == "timeout",
                _ => {}
            }
            before = [token, value];
        }
        report
    }
}

/// `"key":"value"` from a JSON-ish line, without parsing it (escapes are left as they are).
fn json_string<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let quoted = format!("\"{key}\"");
    let after = line.get(line.find(&quoted)? + quoted.len()..)?;
    let after = after.trim_start().strip_prefix(':')?.trim_start();
    let value = after.strip_prefix('"')?;
    let mut escaped = false;
    for (i, b) in value.bytes().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' => escaped = true,
            b'"' => return value.get(..i),
            _ => {}
        }
    }
    None
}

/// `errorType: errorMessage` from a structured error, or `None` if the text carries neither.
fn structured_error(text: &str) -> Option<String> {
    match (
        json_string(text, "errorType"),
        json_string(text, "errorMessage"),
    ) {
        (Some(t), Some(m)) => Some(clip(&format!("{t}: {m}"))),
        (Some(one), None) | (None, Some(one)) => Some(clip(one)),
        // The JSON log format puts the text in `message`.
        (None, None) => json_string(text, "message").map(clip),
    }
}

/// An error line's request id and message text, in the formats the Lambda runtimes write.
fn error_line(line: &str) -> Option<(Option<&str>, &str)> {
    // Node and others: `TIMESTAMP\tREQUESTID\tERROR\tmessage`.
    if let Some((head, message)) = line.split_once("\tERROR\t") {
        let id = head
            .rsplit('\t')
            .next()
            .filter(|t| looks_like_request_id(t));
        return Some((id, message));
    }
    // Python: `[ERROR]\tTIMESTAMP\tREQUESTID\tmessage`, or `[ERROR] Exception: text` when unhandled.
    if let Some((_, rest)) = line.split_once("[ERROR]") {
        if let Some(tabbed) = rest.strip_prefix('\t') {
            let mut fields = tabbed.splitn(3, '\t');
            if let (Some(_), Some(id), Some(message)) =
                (fields.next(), fields.next(), fields.next())
                && looks_like_request_id(id)
            {
                return Some((Some(id), message));
            }
        }
        return Some((None, rest));
    }
    // Structured: an `errorType` object, or the JSON log format's level.
    if line.contains("\"errorType\"") || line.contains("\"level\":\"ERROR\"") {
        let id = json_string(line, "requestId").filter(|t| looks_like_request_id(t));
        return Some((id, line));
    }
    None
}

impl FunctionLogEvaluator {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, message: &str) {
        self.summary.lines += 1;
        let line = message.trim();
        if line.starts_with("REPORT RequestId:") {
            self.report(Report::parse(line));
        } else if line.starts_with("START RequestId:") || line.starts_with("END RequestId:") {
            // Bookends: nothing in them that REPORT does not say better.
        } else if let Some(at) = line.find("Task timed out after") {
            let id = line
                .get(..at)
                .and_then(|head| head.split_ascii_whitespace().next_back())
                .filter(|t| looks_like_request_id(t));
            let text = line.get(at..).unwrap_or(line);
            self.timeout(id, text);
        } else if let Some((id, text)) = error_line(line) {
            note(&mut self.summary.errors, id, || {
                // A stack trace follows the first line; the first line says what went wrong.
                let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or(text);
                Some(structured_error(text).unwrap_or_else(|| clip(first)))
            });
        }
    }

    fn report(&mut self, r: Report<'_>) {
        let s = &mut self.summary;
        s.invocations += 1;
        match (r.init_ms, r.duration_ms) {
            (Some(init), duration) => {
                s.cold_starts += 1;
                self.init.push(init);
                if let Some(d) = duration {
                    self.cold_total.push(init + d);
                }
            }
            (None, Some(d)) => self.warm.push(d),
            (None, None) => {}
        }
        if r.memory_size_mb.is_some() {
            s.memory_size_mb = r.memory_size_mb;
        }
        if let Some(used) = r.max_memory_used_mb {
            s.max_memory_used_mb = Some(s.max_memory_used_mb.map_or(used, |m| m.max(used)));
        }
        if let Some(id) = r.request_id {
            let timed_out = r.timed_out || self.timed_out.iter().any(|seen| &**seen == id);
            // Ranked by what the caller waited (init included), as the gateway's latency is.
            let total = r.duration_ms.map(|d| d + r.init_ms.unwrap_or(0.0));
            self.offer(total, || Invocation {
                request_id: id.to_owned(),
                duration_ms: r.duration_ms,
                init_duration_ms: r.init_ms,
                memory_size_mb: r.memory_size_mb,
                max_memory_used_mb: r.max_memory_used_mb,
                timed_out,
            });
        }
        if r.timed_out {
            self.timeout(r.request_id, "Status: timeout");
        }
    }

    /// Keeps an invocation if it is among the slowest; unknown durations sort last.
    fn offer(&mut self, total_ms: Option<f64>, invocation: impl FnOnce() -> Invocation) {
        let at = self
            .slowest
            .iter()
            .position(|i| {
                slower(
                    total_ms,
                    i.duration_ms.map(|d| d + i.init_duration_ms.unwrap_or(0.0)),
                )
            })
            .unwrap_or(self.slowest.len());
        if at < SLOWEST_INVOCATIONS {
            self.slowest.insert(at, invocation());
            self.slowest.truncate(SLOWEST_INVOCATIONS);
        }
    }

    /// Counts a timeout once per request id, whichever of its two lines comes first.
    fn timeout(&mut self, id: Option<&str>, text: &str) {
        if let Some(id) = id {
            // `Task timed out` may follow its REPORT line.
            if let Some(kept) = self.slowest.iter_mut().find(|i| i.request_id == id) {
                kept.timed_out = true;
            }
            if self.timed_out.iter().any(|seen| &**seen == id) {
                return;
            }
            self.timed_out.push_back(id.into());
            if self.timed_out.len() > RECENT_TIMEOUTS {
                self.timed_out.pop_front();
            }
        }
        note(&mut self.summary.timeouts, id, || Some(clip(text)));
    }

    pub fn finish(self) -> FunctionSummary {
        FunctionSummary {
            warm: self.warm.stats(),
            cold_total: self.cold_total.stats(),
            init: self.init.stats(),
            slowest: self.slowest,
            ..self.summary
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // -- helpers -------------------------------------------------------------------------------

    const ID: &str = "4c2a8f19-7d3e-4b1a-9c55-2e8f0a1b3c4d";
    const LAMBDA_URI: &str = "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:orders-handler/invocations";

    /// Runs `(at_ms, request id, text)` lines through an execution evaluator.
    fn execution(lines: &[(i64, &str, &str)]) -> ExecutionSummary {
        let mut e = ExecutionLogEvaluator::new();
        for (at, id, text) in lines {
            e.push(*at, &format!("({id}) {text}"));
        }
        e.finish()
    }

    fn function(lines: &[&str]) -> FunctionSummary {
        let mut e = FunctionLogEvaluator::new();
        for line in lines {
            e.push(line);
        }
        e.finish()
    }

    fn access(format: &str, lines: &[&str]) -> AccessSummary {
        let mut e = AccessLogEvaluator::new(format);
        for line in lines {
            e.push(line);
        }
        e.finish()
    }

    fn stats_of(values: impl IntoIterator<Item = f64>) -> LatencyStats {
        let mut samples = Samples::default();
        for v in values {
            samples.push(v);
        }
        samples.stats()
    }

    /// A small deterministic generator (Knuth's MMIX LCG), so the garbage tests repeat exactly.
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            self.0 >> 33
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    /// Every prefix of `line` that ends on a character boundary.
    fn prefixes(line: &str) -> impl Iterator<Item = &str> {
        (0..=line.len()).filter_map(move |end| line.get(..end))
    }

    // -- shared pieces -------------------------------------------------------------------------

    #[test]
    fn percentiles_are_nearest_rank_on_known_samples() {
        let cases: [(&str, Vec<f64>, LatencyStats); 6] = [
            ("none", vec![], LatencyStats::default()),
            ("one", vec![7.0], stats(1, 7.0, 7.0, 7.0)),
            ("two", vec![9.0, 1.0], stats(2, 1.0, 9.0, 9.0)),
            (
                "three unsorted",
                vec![3.0, 1.0, 2.0],
                stats(3, 2.0, 3.0, 3.0),
            ),
            (
                "ten",
                (1..=10).rev().map(f64::from).collect(),
                stats(10, 5.0, 10.0, 10.0),
            ),
            (
                "a hundred",
                (1..=100).rev().map(f64::from).collect(),
                stats(100, 50.0, 99.0, 100.0),
            ),
        ];
        for (name, values, want) in cases {
            assert_eq!(stats_of(values), want, "{name}");
        }
    }

    fn stats(count: u64, p50: f64, p99: f64, max: f64) -> LatencyStats {
        LatencyStats {
            count,
            p50_ms: p50,
            p99_ms: p99,
            max_ms: max,
        }
    }

    #[test]
    fn samples_that_are_not_durations_are_dropped() {
        let s = stats_of([f64::NAN, f64::INFINITY, -1.0, 4.0]);
        assert_eq!(s, stats(1, 4.0, 4.0, 4.0));
    }

    #[test]
    fn clipped_messages_keep_at_most_200_characters_on_a_character_boundary() {
        let long = "é".repeat(300);
        let clipped = clip(&format!("  {long}  "));
        assert_eq!(clipped.chars().count(), MESSAGE_CHARS);
        assert_eq!(clip("  short  "), "short");
    }

    // -- execution logs ------------------------------------------------------------------------

    struct ExecCase {
        name: &'static str,
        lines: &'static [(i64, &'static str)],
        failure: Option<FailureClass>,
        status: Option<u16>,
        message: Option<&'static str>,
        latency_ms: Option<f64>,
        backend_id: Option<&'static str>,
    }

    #[test]
    fn each_execution_line_kind_is_read_as_its_failure_class() {
        let cases = [
            ExecCase {
                name: "a success is no failure",
                lines: &[
                    (0, "Starting execution for request: 4c2a8f19"),
                    (1, "HTTP Method: POST, Resource Path: /orders"),
                    (
                        2,
                        "Sending request to https://lambda.us-east-1.amazonaws.com/x",
                    ),
                    (
                        5641,
                        "Received response. Status: 200, Integration latency: 5639 ms",
                    ),
                    (
                        5642,
                        "Endpoint response body before transformations: {\"statusCode\":200}",
                    ),
                    (5643, "Successfully completed execution"),
                    (5643, "Method completed with status: 200"),
                ],
                failure: None,
                status: Some(200),
                message: None,
                latency_ms: None,
                backend_id: None,
            },
            ExecCase {
                name: "an integration timeout",
                lines: &[
                    (1_000, "Starting execution for request: 4c2a8f19"),
                    (
                        1_010,
                        "Sending request to https://lambda.us-east-1.amazonaws.com/x",
                    ),
                    (30_010, "Execution failed due to a timeout error"),
                    (30_011, "Method completed with status: 504"),
                ],
                failure: Some(FailureClass::IntegrationTimeout),
                status: Some(504),
                message: None,
                latency_ms: Some(29_000.0),
                backend_id: None,
            },
            ExecCase {
                name: "a function error keeps its message without the Lambda request id",
                lines: &[
                    (
                        0,
                        "Sending request to https://lambda.us-east-1.amazonaws.com/x",
                    ),
                    (
                        812,
                        "Received response. Status: 200, Integration latency: 812 ms",
                    ),
                    (
                        813,
                        "Endpoint response body before transformations: {\"errorMessage\":\"boom\"}",
                    ),
                    (
                        813,
                        "Lambda execution failed with status 200 due to customer function error: connect ETIMEDOUT 10.0.3.7:5432. Lambda request id: 9a8b7c6d-1111-2222-3333-444455556666",
                    ),
                    (814, "Method completed with status: 502"),
                ],
                failure: Some(FailureClass::FunctionError),
                status: Some(502),
                message: Some("connect ETIMEDOUT 10.0.3.7:5432"),
                latency_ms: Some(812.0),
                backend_id: Some("9a8b7c6d-1111-2222-3333-444455556666"),
            },
            ExecCase {
                name: "a Lambda timeout behind a proxy integration is a function error that says so",
                lines: &[
                    (
                        0,
                        "Sending request to https://lambda.us-east-1.amazonaws.com/x",
                    ),
                    (
                        6_020,
                        "Received response. Status: 200, Integration latency: 6020 ms",
                    ),
                    (
                        6_021,
                        "Lambda execution failed with status 200 due to customer function error: 2026-11-24T02:11:04.512Z 1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e Task timed out after 6.01 seconds",
                    ),
                    (6_022, "Method completed with status: 502"),
                ],
                failure: Some(FailureClass::FunctionError),
                status: Some(502),
                message: Some(
                    "2026-11-24T02:11:04.512Z 1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e Task timed out after 6.01 seconds",
                ),
                latency_ms: Some(6_020.0),
                backend_id: None,
            },
            ExecCase {
                name: "a malformed proxy response",
                lines: &[
                    (
                        0,
                        "Received response. Status: 200, Integration latency: 40 ms",
                    ),
                    (1, "Endpoint response body before transformations: \"ok\""),
                    (
                        1,
                        "Execution failed due to configuration error: Malformed Lambda proxy response",
                    ),
                    (2, "Method completed with status: 502"),
                ],
                failure: Some(FailureClass::MalformedProxyResponse),
                status: Some(502),
                message: None,
                latency_ms: Some(40.0),
                backend_id: None,
            },
            ExecCase {
                name: "a throttle followed by its configuration error counts once as a throttle",
                lines: &[
                    (
                        100,
                        "Sending request to https://lambda.us-east-1.amazonaws.com/x",
                    ),
                    (
                        130,
                        "Lambda invocation failed with status: 429. Lambda request id: 5e6f7a8b-1111-2222-3333-444455556666",
                    ),
                    (
                        131,
                        "Execution failed due to configuration error: Lambda invocation failed with status: 429. Lambda request id: 5e6f7a8b-1111-2222-3333-444455556666",
                    ),
                    (132, "Method completed with status: 500"),
                ],
                failure: Some(FailureClass::Throttled),
                status: Some(500),
                message: None,
                latency_ms: Some(30.0),
                backend_id: Some("5e6f7a8b-1111-2222-3333-444455556666"),
            },
            ExecCase {
                name: "a backend 5XX",
                lines: &[
                    (0, "Sending request to https://backend.example.com/orders"),
                    (
                        12,
                        "Received response. Status: 503, Integration latency: 12 ms",
                    ),
                    (13, "Method completed with status: 503"),
                ],
                failure: Some(FailureClass::BackendStatus5xx),
                status: Some(503),
                message: None,
                latency_ms: Some(12.0),
                backend_id: None,
            },
            ExecCase {
                name: "a specific cause wins over the backend's 5XX",
                lines: &[
                    (
                        0,
                        "Received response. Status: 502, Integration latency: 9 ms",
                    ),
                    (
                        1,
                        "Execution failed due to configuration error: Malformed Lambda proxy response",
                    ),
                    (2, "Method completed with status: 502"),
                ],
                failure: Some(FailureClass::MalformedProxyResponse),
                status: Some(502),
                message: None,
                latency_ms: Some(9.0),
                backend_id: None,
            },
            ExecCase {
                name: "a final 5XX without a cause line is other 5XX, with any failure text as a hint",
                lines: &[
                    (0, "Starting execution for request: 4c2a8f19"),
                    (
                        3,
                        "Execution failed due to configuration error: Invalid permissions on Lambda function",
                    ),
                    (4, "Method completed with status: 500"),
                ],
                failure: Some(FailureClass::Other5xx),
                status: Some(500),
                message: Some(
                    "Execution failed due to configuration error: Invalid permissions on Lambda function",
                ),
                latency_ms: Some(4.0),
                backend_id: None,
            },
            ExecCase {
                name: "a 4XX is no failure",
                lines: &[(0, "Method completed with status: 403")],
                failure: None,
                status: Some(403),
                message: None,
                latency_ms: None,
                backend_id: None,
            },
        ];
        for case in cases {
            let lines: Vec<_> = case
                .lines
                .iter()
                .map(|(at, text)| (*at, ID, *text))
                .collect();
            let s = execution(&lines);
            assert_eq!(s.requests, 1, "{}", case.name);
            assert_eq!(s.lines, case.lines.len() as u64, "{}", case.name);
            assert_eq!(
                s.total_failures(),
                u64::from(case.failure.is_some()),
                "{}",
                case.name
            );
            let statuses: Vec<_> = s.statuses.iter().map(|(k, v)| (*k, *v)).collect();
            assert_eq!(
                statuses,
                case.status
                    .map(|st| (st, 1))
                    .into_iter()
                    .collect::<Vec<_>>(),
                "{}",
                case.name
            );
            match case.failure {
                Some(class) => {
                    let tally = &s.failures[&class];
                    assert_eq!(tally.count, 1, "{}", case.name);
                    assert_eq!(
                        tally.sample_request_ids,
                        vec![ID.to_owned()],
                        "{}",
                        case.name
                    );
                    assert_eq!(
                        tally.sample_message.as_deref(),
                        case.message,
                        "{}",
                        case.name
                    );
                    assert_eq!(
                        s.slowest_failing,
                        vec![RequestRecord {
                            request_id: ID.to_owned(),
                            latency_ms: case.latency_ms,
                            status: case.status,
                            failure: Some(class),
                            backend_request_id: case.backend_id.map(str::to_owned),
                        }],
                        "{}",
                        case.name
                    );
                }
                None => assert!(s.slowest_failing.is_empty(), "{}", case.name),
            }
        }
    }

    #[test]
    fn interleaved_concurrent_requests_are_kept_apart() {
        let (a, b, c) = ("aaaa-1", "bbbb-2", "cccc-3");
        let s = execution(&[
            (0, a, "Starting execution for request: aaaa-1"),
            (1, b, "Starting execution for request: bbbb-2"),
            (
                2,
                a,
                "Sending request to https://lambda.us-east-1.amazonaws.com/x",
            ),
            (
                3,
                c,
                "Sending request to https://lambda.us-east-1.amazonaws.com/x",
            ),
            (
                4,
                b,
                "Sending request to https://lambda.us-east-1.amazonaws.com/x",
            ),
            (
                90,
                b,
                "Received response. Status: 200, Integration latency: 86 ms",
            ),
            (
                91,
                c,
                "Lambda invocation failed with status: 429. Lambda request id: x",
            ),
            (92, b, "Method completed with status: 200"),
            (93, c, "Method completed with status: 500"),
            (29_002, a, "Execution failed due to a timeout error"),
            (29_003, a, "Method completed with status: 504"),
        ]);
        assert_eq!(s.requests, 3);
        assert_eq!(s.failures_of(FailureClass::IntegrationTimeout), 1);
        assert_eq!(s.failures_of(FailureClass::Throttled), 1);
        assert_eq!(s.total_failures(), 2);
        assert_eq!(
            s.failures[&FailureClass::IntegrationTimeout].sample_request_ids,
            vec![a]
        );
        assert_eq!(
            s.failures[&FailureClass::Throttled].sample_request_ids,
            vec![c]
        );
        assert_eq!(s.integration_latency, stats(1, 86.0, 86.0, 86.0));
        let slowest: Vec<_> = s
            .slowest_failing
            .iter()
            .map(|r| (r.request_id.as_str(), r.latency_ms))
            .collect();
        assert_eq!(slowest, vec![(a, Some(29_000.0)), (c, Some(88.0))]);
    }

    #[test]
    fn a_timeouts_latency_falls_back_to_the_start_of_execution_when_no_request_was_sent() {
        let s = execution(&[
            (5_000, ID, "Starting execution for request: x"),
            (34_000, ID, "Execution failed due to a timeout error"),
            (34_001, ID, "Method completed with status: 504"),
        ]);
        assert_eq!(s.slowest_failing[0].latency_ms, Some(29_000.0));
    }

    #[test]
    fn requests_without_a_completion_line_are_evaluated_at_finish() {
        let s = execution(&[
            (
                0,
                "open-1",
                "Sending request to https://lambda.us-east-1.amazonaws.com/x",
            ),
            (
                0,
                "open-2",
                "Sending request to https://lambda.us-east-1.amazonaws.com/x",
            ),
            (29_000, "open-1", "Execution failed due to a timeout error"),
            (
                29_001,
                "open-2",
                "Received response. Status: 200, Integration latency: 20 ms",
            ),
        ]);
        assert_eq!(s.requests, 2);
        assert_eq!(s.failures_of(FailureClass::IntegrationTimeout), 1);
        assert_eq!(s.total_failures(), 1);
        assert!(s.statuses.is_empty());
        assert_eq!(s.slowest_failing[0].status, None);
        assert_eq!(s.slowest_failing[0].latency_ms, Some(29_000.0));
    }

    #[test]
    fn a_repeated_completion_line_is_counted_once() {
        let s = execution(&[
            (0, ID, "Method completed with status: 504"),
            (1, ID, "Method completed with status: 504"),
            (2, ID, "Execution failed due to a timeout error"),
        ]);
        assert_eq!(s.requests, 1);
        assert_eq!(s.lines, 3);
        assert_eq!(s.statuses.get(&504), Some(&1));
        assert_eq!(s.total_failures(), 1);
        assert_eq!(s.failures_of(FailureClass::Other5xx), 1);
    }

    #[test]
    fn completed_requests_do_not_stay_in_memory() {
        let mut e = ExecutionLogEvaluator::new();
        for i in 0..5_000 {
            let id = format!("req-{i}");
            e.push(i, &format!("({id}) Sending request to https://example.com"));
            e.push(i, &format!("({id}) Method completed with status: 200"));
        }
        assert!(e.requests.len() <= RECENT_DONE, "{} kept", e.requests.len());
        assert!(e.done.len() <= RECENT_DONE);
        let s = e.finish();
        assert_eq!(s.requests, 5_000);
        assert_eq!(s.statuses.get(&200), Some(&5_000));
    }

    #[test]
    fn tallies_keep_at_most_samples_request_ids_and_the_first_message() {
        let ids: Vec<String> = (0..10).map(|i| format!("req-{i}")).collect();
        let mut lines = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            let text = format!(
                "Lambda execution failed with status 200 due to customer function error: error number {i}"
            );
            lines.push((i as i64, id.clone(), text));
            lines.push((
                i as i64,
                id.clone(),
                "Method completed with status: 502".to_owned(),
            ));
        }
        let borrowed: Vec<_> = lines
            .iter()
            .map(|(t, id, x)| (*t, id.as_str(), x.as_str()))
            .collect();
        let s = execution(&borrowed);
        let tally = &s.failures[&FailureClass::FunctionError];
        assert_eq!(tally.count, 10);
        assert_eq!(tally.sample_request_ids, ids[..SAMPLES].to_vec());
        assert_eq!(tally.sample_message.as_deref(), Some("error number 0"));
    }

    #[test]
    fn slowest_failing_is_slowest_first_with_unknown_latency_last() {
        let s = execution(&[
            (0, "unknown", "Method completed with status: 500"),
            (
                0,
                "fast",
                "Received response. Status: 500, Integration latency: 10 ms",
            ),
            (1, "fast", "Method completed with status: 500"),
            (
                0,
                "slow",
                "Received response. Status: 500, Integration latency: 900 ms",
            ),
            (1, "slow", "Method completed with status: 500"),
            (
                0,
                "tie",
                "Received response. Status: 500, Integration latency: 900 ms",
            ),
            (1, "tie", "Method completed with status: 500"),
            (
                0,
                "ok",
                "Received response. Status: 200, Integration latency: 5000 ms",
            ),
            (1, "ok", "Method completed with status: 200"),
        ]);
        let order: Vec<_> = s
            .slowest_failing
            .iter()
            .map(|r| r.request_id.as_str())
            .collect();
        assert_eq!(order, vec!["slow", "tie", "fast"]);
        assert_eq!(s.slowest_failing.len(), SLOWEST);

        let only_unknown = execution(&[(0, "u1", "Method completed with status: 500")]);
        assert_eq!(only_unknown.slowest_failing[0].latency_ms, None);
    }

    #[test]
    fn the_backends_request_id_is_read_from_response_headers_and_lambda_failure_lines() {
        const LAMBDA: &str = "8f2c1d0e-1111-2222-3333-444455556666";
        let cases: [(&str, &[&str], Option<&str>); 6] = [
            (
                "the x-amzn-RequestId response header",
                &[
                    "Endpoint response headers: {Date=Tue, 24 Nov 2026 02:11:04 GMT, Content-Type=application/json, Content-Length=21, Connection=keep-alive, x-amzn-RequestId=8f2c1d0e-1111-2222-3333-444455556666, X-Amz-Executed-Version=$LATEST, X-Amzn-Trace-Id=root=1-6762f0a1-3b2c1d0e9f8a7b6c5d4e3f2a;sampled=1}",
                    "Received response. Status: 502, Integration latency: 812 ms",
                ],
                Some(LAMBDA),
            ),
            (
                "the header as the last one, in another case",
                &[
                    "Endpoint response headers: {Date=Tue, 24 Nov 2026 02:11:04 GMT, X-AMZN-REQUESTID=8f2c1d0e-1111-2222-3333-444455556666}",
                ],
                Some(LAMBDA),
            ),
            (
                "a function error's Lambda request id",
                &[
                    "Lambda execution failed with status 200 due to customer function error: boom. Lambda request id: 8f2c1d0e-1111-2222-3333-444455556666",
                ],
                Some(LAMBDA),
            ),
            (
                "a throttle's Lambda request id, through its configuration error echo",
                &[
                    "Execution failed due to configuration error: Lambda invocation failed with status: 429. Lambda request id: 8f2c1d0e-1111-2222-3333-444455556666.",
                ],
                Some(LAMBDA),
            ),
            (
                "headers without the request id",
                &["Endpoint response headers: {Date=Tue, 24 Nov 2026 02:11:04 GMT}"],
                None,
            ),
            (
                "a request id that is not an id",
                &["Lambda invocation failed with status: 429. Lambda request id: x"],
                None,
            ),
        ];
        for (name, bodies, want) in cases {
            let mut lines: Vec<(i64, &str, &str)> =
                bodies.iter().map(|b| (0, "gw-1", *b)).collect();
            lines.push((1, "gw-1", "Method completed with status: 502"));
            let s = execution(&lines);
            assert_eq!(s.slowest_failing.len(), 1, "{name}");
            assert_eq!(
                s.slowest_failing[0].backend_request_id.as_deref(),
                want,
                "{name}"
            );
        }
    }

    #[test]
    fn a_timed_out_requests_backend_id_comes_from_headers_logged_before_the_timeout() {
        let s = execution(&[
            (0, "gw-1", &format!("Sending request to {LAMBDA_URI}")),
            (
                1,
                "gw-1",
                "Endpoint response headers: {x-amzn-RequestId=8f2c1d0e-1111-2222-3333-444455556666}",
            ),
            (10_000, "gw-1", "Execution failed due to a timeout error"),
            (10_001, "gw-1", "Method completed with status: 504"),
        ]);
        assert_eq!(
            s.slowest_failing[0].backend_request_id.as_deref(),
            Some("8f2c1d0e-1111-2222-3333-444455556666")
        );
    }

    #[test]
    fn integration_latency_percentiles_come_from_received_response_lines() {
        let lines: Vec<(i64, String, String)> = (1..=100)
            .map(|i| {
                (
                    i,
                    format!("req-{i}"),
                    format!("Received response. Status: 200, Integration latency: {i} ms"),
                )
            })
            .collect();
        let borrowed: Vec<_> = lines
            .iter()
            .map(|(t, id, x)| (*t, id.as_str(), x.as_str()))
            .collect();
        let s = execution(&borrowed);
        assert_eq!(s.integration_latency, stats(100, 50.0, 99.0, 100.0));
        assert_eq!(s.requests, 100);
    }

    #[test]
    fn lines_without_a_request_id_prefix_are_counted_but_ignored() {
        let mut e = ExecutionLogEvaluator::new();
        for line in [
            "Method completed with status: 504",
            "() Method completed with status: 504",
            "(unterminated Method completed with status: 504",
            "",
            &format!(
                "({}) Method completed with status: 504",
                "x".repeat(MAX_ID_LEN + 1)
            ),
        ] {
            e.push(0, line);
        }
        let s = e.finish();
        assert_eq!(s.lines, 5);
        assert_eq!(s.requests, 0);
        assert!(s.statuses.is_empty());
    }

    #[test]
    fn execution_lines_parse_into_their_kinds() {
        let cases = [
            (
                "Received response. Status: 200, Integration latency: 5639 ms",
                ExecLine::Received {
                    status: Some(200),
                    latency_ms: Some(5639.0),
                },
            ),
            (
                "Received response. Status: 502",
                ExecLine::Received {
                    status: Some(502),
                    latency_ms: None,
                },
            ),
            (
                "Method completed with status: 504",
                ExecLine::Completed(504),
            ),
            ("Method completed with status: x", ExecLine::Other),
            (
                "Lambda invocation failed with status: 502. Lambda request id: x",
                ExecLine::Failed("Lambda invocation failed with status: 502. Lambda request id: x"),
            ),
            (
                "Execution failed due to a timeout error",
                ExecLine::TimedOut,
            ),
            ("Sending request to https://x", ExecLine::Sending),
            ("Successfully completed execution", ExecLine::Other),
        ];
        for (body, want) in cases {
            assert_eq!(ExecLine::parse(body), want, "{body}");
        }
    }

    // -- access logs ---------------------------------------------------------------------------

    const JSON_FORMAT: &str = r#"{"requestId":"$context.requestId","status":"$context.status","integrationLatency":"$context.integrationLatency","responseLatency":"$context.responseLatency","integrationError":"$context.integration.error","integrationStatus":"$context.integration.status","errorMessage":"$context.error.message"}"#;
    const CLF_FORMAT: &str = r#"$context.identity.sourceIp $context.identity.caller $context.identity.user [$context.requestTime] "$context.httpMethod $context.resourcePath $context.protocol" $context.status $context.responseLength $context.requestId"#;
    const CSV_FORMAT: &str = "$context.identity.sourceIp,$context.identity.caller,$context.identity.user,$context.requestTime,$context.httpMethod,$context.resourcePath,$context.protocol,$context.status,$context.responseLength,$context.requestId";
    const XML_FORMAT: &str = r#"<request id="$context.requestId"> <ip>$context.identity.sourceIp</ip> <requestTime>$context.requestTime</requestTime> <status>$context.status</status> <integrationLatency>$context.integrationLatency</integrationLatency> </request>"#;
    const HTTP_FORMAT: &str = r#"{ "requestId":"$context.requestId", "ip": "$context.identity.sourceIp", "routeKey":"$context.routeKey", "status":"$context.status", "integrationLatency":"$context.integration.latency", "integrationError":"$context.integrationErrorMessage", "responseLatency":"$context.responseLatency" }"#;

    #[test]
    fn a_json_access_log_reads_strings_dashes_and_numbers() {
        let s = access(
            JSON_FORMAT,
            &[
                r#"{"requestId":"r-ok","status":"200","integrationLatency":"120","responseLatency":"131","integrationError":"-","integrationStatus":"200","errorMessage":"-"}"#,
                r#"{"requestId":"r-timeout","status":504,"integrationLatency":29001,"responseLatency":29012.5,"integrationError":"-","integrationStatus":"-","errorMessage":"Endpoint request timed out"}"#,
                r#"{"requestId":"r-backend","status":"502","integrationLatency":"-","responseLatency":"40","integrationError":"-","integrationStatus":"503","errorMessage":"Internal server error"}"#,
                r#"{"requestId":"r-denied","status":"403","integrationLatency":"-","responseLatency":"3","integrationError":"-","integrationStatus":"-","errorMessage":"Missing Authentication Token"}"#,
            ],
        );
        assert_eq!(s.requests, 4);
        assert_eq!(s.unparsed_lines, 0);
        let statuses: Vec<_> = s.statuses.iter().map(|(k, v)| (*k, *v)).collect();
        assert_eq!(statuses, vec![(200, 1), (403, 1), (502, 1), (504, 1)]);
        assert_eq!(
            s.integration_latency,
            Some(stats(2, 120.0, 29001.0, 29001.0))
        );
        assert_eq!(
            s.response_latency.map(|l| (l.count, l.max_ms)),
            Some((4, 29012.5))
        );
        let errors: Vec<_> = s
            .integration_errors
            .iter()
            .map(|(k, t)| (k.as_str(), t.count, t.sample_request_ids.clone()))
            .collect();
        assert_eq!(
            errors,
            vec![
                (
                    "Endpoint request timed out",
                    1,
                    vec!["r-timeout".to_owned()]
                ),
                ("Internal server error", 1, vec!["r-backend".to_owned()]),
            ],
            "a 4XX's gateway message is not an integration error"
        );
        let slowest: Vec<_> = s
            .slowest_failing
            .iter()
            .map(|r| (r.request_id.as_str(), r.latency_ms, r.status, r.failure))
            .collect();
        assert_eq!(
            slowest,
            vec![
                (
                    "r-timeout",
                    Some(29001.0),
                    Some(504),
                    Some(FailureClass::IntegrationTimeout)
                ),
                (
                    "r-backend",
                    Some(40.0),
                    Some(502),
                    Some(FailureClass::BackendStatus5xx)
                ),
            ]
        );
        assert!(s.missing_fields.is_empty(), "{:?}", s.missing_fields);
    }

    #[test]
    fn missing_fields_name_the_variables_the_format_lacks() {
        let all = [
            "$context.requestId",
            "$context.status",
            "$context.integrationLatency",
            "$context.responseLatency",
            "$context.integration.error",
        ];
        let cases: [(&str, &str, &[&str]); 8] = [
            ("full JSON", JSON_FORMAT, &[]),
            ("HTTP API names", HTTP_FORMAT, &[]),
            (
                "CLF",
                CLF_FORMAT,
                &[
                    "$context.integrationLatency",
                    "$context.responseLatency",
                    "$context.integration.error",
                ],
            ),
            (
                "XML",
                XML_FORMAT,
                &["$context.responseLatency", "$context.integration.error"],
            ),
            (
                "error.message alone is not the integration's error",
                r#"{"id":"$context.requestId","status":"$context.status","il":"$context.integration.latency","rl":"$context.responseLatency","e":"$context.error.message"}"#,
                &["$context.integration.error"],
            ),
            (
                "nested JSON",
                r#"{"request":{"id":"$context.requestId","status":"$context.status"},"ip":"$context.identity.sourceIp"}"#,
                &all[2..],
            ),
            ("empty", "", &all),
            (
                "two variables with nothing between",
                "$context.requestId$context.status",
                &all,
            ),
        ];
        for (name, format, want) in cases {
            let s = access(format, &[]);
            assert_eq!(s.missing_fields, want.to_vec(), "{name}");
        }
    }

    #[test]
    fn latency_stats_are_absent_only_when_the_format_lacks_the_field() {
        let without = access(CLF_FORMAT, &[]);
        assert_eq!(
            (without.integration_latency, without.response_latency),
            (None, None)
        );
        let with = access(JSON_FORMAT, &[]);
        assert_eq!(with.integration_latency, Some(LatencyStats::default()));
        assert_eq!(with.response_latency, Some(LatencyStats::default()));
    }

    #[test]
    fn http_api_variable_names_are_read() {
        let s = access(
            HTTP_FORMAT,
            &[
                r#"{ "requestId":"Xk1Z2FjvoAMEbPw=", "ip": "203.0.113.7", "routeKey":"POST /orders", "status":"500", "integrationLatency":"31", "integrationError":"The response from the Lambda function doesn't match the format that API Gateway expects. Lambda body contains the wrong type for field \"headers\"", "responseLatency":"33" }"#,
            ],
        );
        assert_eq!(s.integration_latency.map(|l| l.max_ms), Some(31.0));
        assert_eq!(s.integration_errors.len(), 1);
        assert_eq!(
            s.slowest_failing[0].failure,
            Some(FailureClass::MalformedProxyResponse)
        );
        assert_eq!(s.slowest_failing[0].request_id, "Xk1Z2FjvoAMEbPw=");
    }

    #[test]
    fn text_formats_are_read_field_by_field() {
        let cases = [
            (
                "CLF",
                CLF_FORMAT,
                r#"203.0.113.7 - - [24/Nov/2026:02:11:04 +0000] "POST /orders HTTP/1.1" 504 36 c0ffee00-1111-2222-3333-444455556666"#,
                None,
            ),
            (
                "CSV",
                CSV_FORMAT,
                "203.0.113.7,-,-,24/Nov/2026:02:11:04 +0000,POST,/orders,HTTP/1.1,504,36,c0ffee00-1111-2222-3333-444455556666",
                None,
            ),
            (
                "XML",
                XML_FORMAT,
                r#"<request id="c0ffee00-1111-2222-3333-444455556666"> <ip>203.0.113.7</ip> <requestTime>24/Nov/2026:02:11:04 +0000</requestTime> <status>504</status> <integrationLatency>29003</integrationLatency> </request>"#,
                Some(29003.0),
            ),
        ];
        for (name, format, line, latency) in cases {
            let s = access(format, &[line, "not a line of this format"]);
            assert_eq!((s.requests, s.unparsed_lines), (1, 1), "{name}");
            assert_eq!(s.statuses.get(&504), Some(&1), "{name}");
            let record = &s.slowest_failing[0];
            assert_eq!(
                record.request_id, "c0ffee00-1111-2222-3333-444455556666",
                "{name}"
            );
            assert_eq!(record.latency_ms, latency, "{name}");
            assert_eq!(record.failure, Some(FailureClass::Other5xx), "{name}");
        }
    }

    #[test]
    fn an_unreadable_format_counts_every_line_unparsed() {
        let s = access("$context.requestId$context.status", &["abc504", "x"]);
        assert_eq!((s.requests, s.unparsed_lines), (0, 2));
        assert_eq!(s.missing_fields.len(), WANTED.len());
    }

    #[test]
    fn json_lines_that_are_not_objects_of_the_format_are_unparsed() {
        let s = access(
            JSON_FORMAT,
            &[
                "",
                "-",
                "[1,2]",
                "\"text\"",
                r#"{"status":"200""#,
                r#"{"status":"200"} trailing"#,
                r#"{"status":"200"}"#,
            ],
        );
        assert_eq!((s.requests, s.unparsed_lines), (1, 6));
    }

    #[test]
    fn bare_variables_and_nested_objects_in_a_json_format_are_read() {
        let format = r#"{"request": {"id": "$context.requestId", "status": $context.status}, "latency": $context.integrationLatency, "other": [1, {"a": "b"}]}"#;
        let s = access(
            format,
            &[
                r#"{"request": {"id": "r-1", "status": 504, "x": {"y": [1]}}, "latency": 29000, "other": [1, {"a": "b"}]}"#,
            ],
        );
        assert_eq!(s.requests, 1);
        assert_eq!(s.statuses.get(&504), Some(&1));
        assert_eq!(s.slowest_failing[0].request_id, "r-1");
        assert_eq!(s.slowest_failing[0].latency_ms, Some(29000.0));
        assert_eq!(
            s.missing_fields,
            vec!["$context.responseLatency", "$context.integration.error"]
        );
    }

    #[test]
    fn escaped_json_strings_are_read() {
        let s = access(
            JSON_FORMAT,
            &[r#"{"requestId":"r\u002d1","status":"502","integrationError":"bad \"thing\""}"#],
        );
        assert_eq!(s.slowest_failing[0].request_id, "r-1");
        assert!(s.integration_errors.contains_key("bad \"thing\""));
    }

    #[test]
    fn failing_access_lines_are_classified_from_what_they_carry() {
        let format = r#"{"requestId":"$context.requestId","status":"$context.status","integrationError":"$context.integration.error","integrationStatus":"$context.integration.integrationStatus","errorMessage":"$context.error.message","type":"$context.error.responseType"}"#;
        let cases = [
            (
                r#"{"status":"504","type":"INTEGRATION_TIMEOUT"}"#,
                FailureClass::IntegrationTimeout,
            ),
            (
                r#"{"status":"504","errorMessage":"Endpoint request timed out"}"#,
                FailureClass::IntegrationTimeout,
            ),
            (
                r#"{"status":"502","integrationError":"Malformed Lambda proxy response"}"#,
                FailureClass::MalformedProxyResponse,
            ),
            (
                r#"{"status":"500","integrationStatus":"429"}"#,
                FailureClass::Throttled,
            ),
            (
                r#"{"status":"502","integrationError":"Lambda execution failed due to customer function error"}"#,
                FailureClass::FunctionError,
            ),
            (
                r#"{"status":"502","integrationStatus":"500"}"#,
                FailureClass::BackendStatus5xx,
            ),
            (
                r#"{"status":"500","errorMessage":"Internal server error"}"#,
                FailureClass::Other5xx,
            ),
        ];
        for (line, want) in cases {
            let s = access(format, &[line]);
            assert_eq!(s.slowest_failing[0].failure, Some(want), "{line}");
            assert_eq!(s.slowest_failing[0].request_id, "-", "{line}");
        }
    }

    #[test]
    fn distinct_integration_error_texts_are_capped() {
        let lines: Vec<String> = (0..MAX_ERROR_TEXTS + 10)
            .map(|i| {
                format!(
                    r#"{{"requestId":"r-{i}","status":"502","integrationError":"failure {i}"}}"#
                )
            })
            .collect();
        let mut e = AccessLogEvaluator::new(JSON_FORMAT);
        for line in &lines {
            e.push(line);
        }
        let s = e.finish();
        assert_eq!(s.integration_errors.len(), MAX_ERROR_TEXTS + 1);
        let other = &s.integration_errors[OTHER_ERROR_TEXTS];
        assert_eq!(other.count, 10);
        assert_eq!(
            other.sample_message.as_deref(),
            Some(format!("failure {MAX_ERROR_TEXTS}").as_str())
        );
        assert_eq!(other.sample_request_ids.len(), SAMPLES);
    }

    #[test]
    fn text_formats_tokenise_into_variables_and_literals() {
        let pieces = tokenise("[$context.requestTime] $context.status. $5 $");
        let shape: Vec<String> = pieces
            .iter()
            .map(|p| match p {
                Piece::Literal(l) => format!("L({l})"),
                Piece::Variable(f) => format!("V({f:?})"),
            })
            .collect();
        assert_eq!(
            shape,
            vec!["L([)", "V(None)", "L(] )", "V(Some(Status))", "L(. $5 $)"]
        );
    }

    // -- function logs -------------------------------------------------------------------------

    const COLD_REPORT: &str = "REPORT RequestId: 3f6c2b1a-5d4e-4f3a-9b2c-1d0e9f8a7b6c\tDuration: 5120.33 ms\tBilled Duration: 5121 ms\tMemory Size: 1024 MB\tMax Memory Used: 312 MB\tInit Duration: 4480.12 ms\t";
    const WARM_REPORT: &str = "REPORT RequestId: 7a1b2c3d-5d4e-4f3a-9b2c-1d0e9f8a7b6c Duration: 12.50 ms Billed Duration: 13 ms Memory Size: 1024 MB Max Memory Used: 98 MB XRAY TraceId: 1-6762f0a1-3b2c1d0e9f8a7b6c5d4e3f2a SegmentId: 0a1b2c3d4e5f6a7b Sampled: true";
    const TIMEOUT_REPORT: &str = "REPORT RequestId: 1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e Duration: 6006.58 ms Billed Duration: 6000 ms Memory Size: 128 MB Max Memory Used: 128 MB Status: timeout";
    const TIMEOUT_LINE: &str = "2026-11-24T02:11:04.512Z 1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e Task timed out after 6.01 seconds";
    const SNAPSTART_REPORT: &str = "REPORT RequestId: 2c3d4e5f-5f6a-4b7c-8d9e-0f1a2b3c4d5e Duration: 50.00 ms Billed Duration: 351 ms Memory Size: 512 MB Max Memory Used: 200 MB Restore Duration: 300.00 ms Billed Restore Duration: 301 ms";

    #[test]
    fn report_lines_are_read_in_each_shape() {
        let cases = [
            (
                "cold, tab-separated",
                COLD_REPORT,
                Report {
                    request_id: Some("3f6c2b1a-5d4e-4f3a-9b2c-1d0e9f8a7b6c"),
                    duration_ms: Some(5120.33),
                    init_ms: Some(4480.12),
                    memory_size_mb: Some(1024),
                    max_memory_used_mb: Some(312),
                    timed_out: false,
                },
            ),
            (
                "warm with X-Ray",
                WARM_REPORT,
                Report {
                    request_id: Some("7a1b2c3d-5d4e-4f3a-9b2c-1d0e9f8a7b6c"),
                    duration_ms: Some(12.5),
                    init_ms: None,
                    memory_size_mb: Some(1024),
                    max_memory_used_mb: Some(98),
                    timed_out: false,
                },
            ),
            (
                "timed out",
                TIMEOUT_REPORT,
                Report {
                    request_id: Some("1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e"),
                    duration_ms: Some(6006.58),
                    init_ms: None,
                    memory_size_mb: Some(128),
                    max_memory_used_mb: Some(128),
                    timed_out: true,
                },
            ),
            (
                "SnapStart restore is not init",
                SNAPSTART_REPORT,
                Report {
                    request_id: Some("2c3d4e5f-5f6a-4b7c-8d9e-0f1a2b3c4d5e"),
                    duration_ms: Some(50.0),
                    init_ms: None,
                    memory_size_mb: Some(512),
                    max_memory_used_mb: Some(200),
                    timed_out: false,
                },
            ),
            (
                "cut short",
                "REPORT RequestId: x Duration:",
                Report {
                    request_id: Some("x"),
                    ..Report::default()
                },
            ),
        ];
        for (name, line, want) in cases {
            assert_eq!(Report::parse(line), want, "{name}");
        }
    }

    #[test]
    fn cold_and_warm_invocations_are_summarised_apart() {
        let s = function(&[
            "START RequestId: 3f6c2b1a-5d4e-4f3a-9b2c-1d0e9f8a7b6c Version: $LATEST",
            "END RequestId: 3f6c2b1a-5d4e-4f3a-9b2c-1d0e9f8a7b6c",
            COLD_REPORT,
            WARM_REPORT,
            "REPORT RequestId: 8b1b2c3d-5d4e-4f3a-9b2c-1d0e9f8a7b6c Duration: 20.50 ms Billed Duration: 21 ms Memory Size: 2048 MB Max Memory Used: 99 MB",
        ]);
        assert_eq!((s.lines, s.invocations, s.cold_starts), (5, 3, 1));
        assert_eq!(s.init, stats(1, 4480.12, 4480.12, 4480.12));
        assert_eq!(s.cold_total.max_ms, 4480.12 + 5120.33);
        assert_eq!(s.warm, stats(2, 12.5, 20.5, 20.5));
        assert_eq!(s.memory_size_mb, Some(2048), "the last size seen");
        assert_eq!(s.max_memory_used_mb, Some(312), "the most used");
        assert_eq!((s.timeouts.count, s.errors.count), (0, 0));
    }

    #[test]
    fn a_timeout_is_tallied_once_with_its_request_id_and_text() {
        let s = function(&[
            TIMEOUT_LINE,
            "END RequestId: 1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
            TIMEOUT_REPORT,
        ]);
        assert_eq!(s.timeouts.count, 1);
        assert_eq!(
            s.timeouts.sample_request_ids,
            vec!["1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e"]
        );
        assert_eq!(
            s.timeouts.sample_message.as_deref(),
            Some("Task timed out after 6.01 seconds")
        );
        assert_eq!(s.invocations, 1);

        let report_only = function(&[TIMEOUT_REPORT]);
        assert_eq!(report_only.timeouts.count, 1);
        let without_id = function(&[
            "Task timed out after 3.00 seconds",
            "Task timed out after 3.00 seconds",
        ]);
        assert_eq!(without_id.timeouts.count, 2);
        assert!(without_id.timeouts.sample_request_ids.is_empty());
    }

    #[test]
    fn the_slowest_invocations_are_kept_slowest_first_with_their_report_fields() {
        let s = function(&[WARM_REPORT, TIMEOUT_LINE, TIMEOUT_REPORT, COLD_REPORT]);
        let ids: Vec<_> = s.slowest.iter().map(|i| i.request_id.as_str()).collect();
        assert_eq!(
            ids,
            vec![
                "3f6c2b1a-5d4e-4f3a-9b2c-1d0e9f8a7b6c",
                "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
                "7a1b2c3d-5d4e-4f3a-9b2c-1d0e9f8a7b6c",
            ],
            "ranked by init plus duration"
        );
        assert_eq!(
            s.slowest[0],
            Invocation {
                request_id: "3f6c2b1a-5d4e-4f3a-9b2c-1d0e9f8a7b6c".into(),
                duration_ms: Some(5120.33),
                init_duration_ms: Some(4480.12),
                memory_size_mb: Some(1024),
                max_memory_used_mb: Some(312),
                timed_out: false,
            }
        );
        assert!(
            s.slowest[1].timed_out,
            "Task timed out marks its invocation"
        );
        assert!(!s.slowest[2].timed_out);
    }

    #[test]
    fn a_timeout_line_after_its_report_still_marks_the_invocation() {
        const LATE: &str = "REPORT RequestId: 1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e Duration: 6006.58 ms Billed Duration: 6000 ms Memory Size: 128 MB Max Memory Used: 128 MB";
        let s = function(&[LATE, TIMEOUT_LINE]);
        assert!(s.slowest[0].timed_out);
        assert_eq!(s.timeouts.count, 1);
    }

    #[test]
    fn the_slowest_invocations_are_capped_and_keep_the_slowest() {
        let lines: Vec<String> = (0..100)
            .map(|i| {
                format!(
                    "REPORT RequestId: 00000000-0000-0000-0000-{i:012} Duration: {i}.00 ms Billed Duration: {i} ms Memory Size: 128 MB Max Memory Used: 64 MB"
                )
            })
            .collect();
        let s = function(&lines.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(s.slowest.len(), SLOWEST_INVOCATIONS);
        let durations: Vec<_> = s.slowest.iter().filter_map(|i| i.duration_ms).collect();
        let want: Vec<_> = (80..100).rev().map(f64::from).collect();
        assert_eq!(durations, want);
        assert_eq!(s.invocations, 100);
    }

    #[test]
    fn error_lines_in_each_runtime_format_are_tallied() {
        let cases = [
            (
                "Node",
                "2026-11-24T02:11:04.512Z\t1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e\tERROR\tInvoke Error \t{\"errorType\":\"Error\",\"errorMessage\":\"connect ETIMEDOUT 10.0.3.7:5432\",\"stack\":[\"Error: connect ETIMEDOUT\"]}",
                Some("1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e"),
                "Error: connect ETIMEDOUT 10.0.3.7:5432",
            ),
            (
                "Node console.error",
                "2026-11-24T02:11:04.512Z\t1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e\tERROR\tpayment declined\n    at handler (/var/task/index.js:9:11)",
                Some("1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e"),
                "payment declined",
            ),
            (
                "Python logger",
                "[ERROR]\t2026-11-24T02:11:04.512Z\t1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e\tdatabase unavailable",
                Some("1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e"),
                "database unavailable",
            ),
            (
                "Python unhandled",
                "[ERROR] KeyError: 'sku'\nTraceback (most recent call last):\n  File \"/var/task/app.py\", line 9, in handler",
                None,
                "KeyError: 'sku'",
            ),
            (
                "structured",
                "{\"errorMessage\": \"Unable to import module 'app': No module named 'psycopg2'\", \"errorType\": \"Runtime.ImportModuleError\", \"requestId\": \"\", \"stackTrace\": []}",
                None,
                "Runtime.ImportModuleError: Unable to import module 'app': No module named 'psycopg2'",
            ),
            (
                "JSON log format",
                "{\"timestamp\":\"2026-11-24T02:11:04Z\",\"level\":\"ERROR\",\"message\":\"payment declined\",\"requestId\":\"1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e\"}",
                Some("1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e"),
                "payment declined",
            ),
        ];
        for (name, line, id, message) in cases {
            let s = function(&[
                line,
                "2026-11-24T02:11:04.512Z\t1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e\tINFO\tall good",
            ]);
            assert_eq!(s.errors.count, 1, "{name}");
            assert_eq!(
                s.errors.sample_request_ids,
                id.into_iter().map(str::to_owned).collect::<Vec<_>>(),
                "{name}"
            );
            assert_eq!(s.errors.sample_message.as_deref(), Some(message), "{name}");
            assert_eq!(s.lines, 2, "{name}");
        }
    }

    // -- garbage -------------------------------------------------------------------------------

    fn real_execution_lines() -> Vec<String> {
        [
            "Starting execution for request: 4c2a8f19-7d3e-4b1a-9c55-2e8f0a1b3c4d",
            &format!("Sending request to {LAMBDA_URI}"),
            "Received response. Status: 200, Integration latency: 5639 ms",
            "Execution failed due to a timeout error",
            "Lambda execution failed with status 200 due to customer function error: boom. Lambda request id: 9a8b7c6d-1111-2222-3333-444455556666",
            "Execution failed due to configuration error: Malformed Lambda proxy response",
            "Lambda invocation failed with status: 429. Lambda request id: 5e6f7a8b-1111-2222-3333-444455556666",
            "Method completed with status: 504",
        ]
        .iter()
        .map(|body| format!("({ID}) {body}"))
        .collect()
    }

    fn real_function_lines() -> Vec<String> {
        [
            COLD_REPORT,
            WARM_REPORT,
            TIMEOUT_REPORT,
            TIMEOUT_LINE,
            SNAPSTART_REPORT,
            "2026-11-24T02:11:04.512Z\t1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e\tERROR\tInvoke Error \t{\"errorType\":\"Error\",\"errorMessage\":\"boom\"}",
            "[ERROR]\t2026-11-24T02:11:04.512Z\t1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e\tdatabase unavailable",
            "{\"level\":\"ERROR\",\"message\":\"x\",\"requestId\":\"1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e\"}",
        ]
        .iter()
        .map(|l| (*l).to_owned())
        .collect()
    }

    fn real_access_lines() -> Vec<String> {
        [
            r#"{"requestId":"r-timeout","status":504,"integrationLatency":29001,"responseLatency":"29012","integrationError":"-","integrationStatus":"-","errorMessage":"Endpoint request timed out"}"#,
            r#"203.0.113.7 - - [24/Nov/2026:02:11:04 +0000] "POST /orders HTTP/1.1" 504 36 c0ffee00-1111-2222-3333-444455556666"#,
            r#"<request id="c0ffee00"> <ip>203.0.113.7</ip> <requestTime>24/Nov/2026:02:11:04 +0000</requestTime> <status>504</status> <integrationLatency>29003</integrationLatency> </request>"#,
        ]
        .iter()
        .map(|l| (*l).to_owned())
        .collect()
    }

    const FORMATS: [&str; 5] = [JSON_FORMAT, CLF_FORMAT, CSV_FORMAT, XML_FORMAT, HTTP_FORMAT];

    /// Feeds `lines` to every evaluator, under every access log format.
    fn feed_everything<'a>(lines: impl Iterator<Item = &'a str>, formats: &[&str]) {
        let mut execution = ExecutionLogEvaluator::new();
        let mut function = FunctionLogEvaluator::new();
        let mut accesses: Vec<_> = formats.iter().map(|f| AccessLogEvaluator::new(f)).collect();
        let mut count = 0;
        for (at, line) in lines.enumerate() {
            execution.push(at as i64, line);
            function.push(line);
            for a in &mut accesses {
                a.push(line);
            }
            count += 1;
        }
        assert_eq!(execution.finish().lines, count);
        assert_eq!(function.finish().lines, count);
        for a in accesses {
            let s = a.finish();
            assert_eq!(s.requests + s.unparsed_lines, count);
        }
    }

    #[test]
    fn no_prefix_of_a_real_line_panics() {
        let lines: Vec<String> = real_execution_lines()
            .into_iter()
            .chain(real_function_lines())
            .chain(real_access_lines())
            .collect();
        feed_everything(lines.iter().flat_map(|l| prefixes(l)), &FORMATS);
        for format in FORMATS {
            for prefix in prefixes(format) {
                feed_everything(lines.iter().map(String::as_str), &[prefix]);
            }
        }
    }

    #[test]
    fn random_bytes_and_spliced_fragments_never_panic() {
        let real: Vec<String> = real_execution_lines()
            .into_iter()
            .chain(real_function_lines())
            .chain(real_access_lines())
            .chain(FORMATS.iter().map(|f| (*f).to_owned()))
            .collect();
        let mut rng = Lcg(0x5eed);
        let mut lines = Vec::new();
        for _ in 0..5_000 {
            let mut bytes = Vec::new();
            for _ in 0..rng.below(6) {
                if rng.below(2) == 0 {
                    let n = rng.below(40);
                    bytes.extend((0..n).map(|_| rng.next() as u8));
                } else {
                    let source = real[rng.below(real.len())].as_bytes();
                    let from = rng.below(source.len());
                    let to = from + rng.below(source.len() - from + 1);
                    bytes.extend_from_slice(source.get(from..to).unwrap_or_default());
                }
            }
            lines.push(String::from_utf8_lossy(&bytes).into_owned());
        }
        feed_everything(lines.iter().map(String::as_str), &FORMATS);
        // Garbage formats too: each random line is tried as a format on a few lines.
        for format in lines.iter().take(500) {
            feed_everything(lines.iter().take(20).map(String::as_str), &[format]);
        }
    }

    // -- throughput ----------------------------------------------------------------------------

    /// `cargo test --release --lib evaluate::tests::throughput -- --ignored --nocapture`
    #[test]
    #[ignore = "prints a throughput figure; run in release mode"]
    fn throughput_of_a_million_synthetic_lines() {
        use std::time::Instant;
        const LINES: usize = 1_000_000;

        let bodies = [
            "Extended Request Id: Xk1Z2FjvoAMEbPw=",
            "Starting execution for request: x",
            "HTTP Method: POST, Resource Path: /orders",
            "Method request headers: {Content-Type=application/json, User-Agent=curl/8.0}",
            "Endpoint request body after transformations: {\"resource\":\"/orders\",\"path\":\"/orders\"}",
            "Sending request to https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/x/invocations",
            "Received response. Status: 200, Integration latency: 123 ms",
            "Endpoint response body before transformations: {\"statusCode\":200,\"body\":\"ok\"}",
            "Successfully completed execution",
            "Method completed with status: 200",
        ];
        // 50 requests in flight at a time, their lines interleaved.
        let execution: Vec<String> = (0..LINES)
            .map(|i| {
                let request = (i / (bodies.len() * 50)) * 50 + i % 50;
                let body = bodies[(i / 50) % bodies.len()];
                format!("(req-{request:08}-7d3e-4b1a-9c55-2e8f0a1b) {body}")
            })
            .collect();
        let access: Vec<String> = (0..LINES)
            .map(|i| format!(r#"{{"requestId":"req-{i:08}","status":"{}","integrationLatency":"{}","responseLatency":"{}","integrationError":"-","integrationStatus":"200","errorMessage":"-"}}"#, if i % 100 == 0 { 504 } else { 200 }, i % 3000, i % 3000 + 11))
            .collect();
        let function: Vec<String> = (0..LINES)
            .map(|i| match i % 4 {
                0 => format!("START RequestId: {i:08}-5d4e-4f3a-9b2c-1d0e9f8a7b6c Version: $LATEST"),
                1 => format!("2026-11-24T02:11:04.512Z\t{i:08}-5d4e-4f3a-9b2c-1d0e9f8a7b6c\tINFO\tprocessing order {i}"),
                2 => format!("END RequestId: {i:08}-5d4e-4f3a-9b2c-1d0e9f8a7b6c"),
                _ => format!("REPORT RequestId: {i:08}-5d4e-4f3a-9b2c-1d0e9f8a7b6c\tDuration: {}.33 ms\tBilled Duration: 13 ms\tMemory Size: 1024 MB\tMax Memory Used: 98 MB\t", i % 500),
            })
            .collect();

        let start = Instant::now();
        let mut e = ExecutionLogEvaluator::new();
        for (i, line) in execution.iter().enumerate() {
            e.push(i as i64, line);
        }
        let s = e.finish();
        print_rate("execution", start, s.lines, s.requests);

        let start = Instant::now();
        let mut e = AccessLogEvaluator::new(JSON_FORMAT);
        for line in &access {
            e.push(line);
        }
        let s = e.finish();
        print_rate(
            "access (JSON)",
            start,
            s.requests + s.unparsed_lines,
            s.requests,
        );

        let start = Instant::now();
        let mut e = FunctionLogEvaluator::new();
        for line in &function {
            e.push(line);
        }
        let s = e.finish();
        print_rate("function", start, s.lines, s.invocations);
    }

    fn print_rate(name: &str, start: std::time::Instant, lines: u64, units: u64) {
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{name}: {lines} lines ({units} requests) in {:.3} s = {:.2} M lines/s",
            secs,
            lines as f64 / secs / 1e6
        );
    }
}
