//! Slack: the Block Kit report to an incoming webhook ([`SlackWebhook`]), or through the Web API
//! with a bot token ([`SlackBot`]) so that one incident is one message in the channel: posted once,
//! followed up in its thread, and updated in place when the alarm recovers. [`SlackFromSecret`]
//! picks one of the two by what the secret holds.
//!
//! The webhook URL and the bot token are credentials: they are only ever handed to reqwest, whose
//! errors lose their URL (`without_url`) before anything formats them, and what Slack answers is
//! scrubbed of them before it goes into an error.

use super::secret::{SecretError, SecretsManagerSecret, SlackCredential};
use super::{IncidentRefs, Notifier, NotifyError, SlackMessageRef};
use crate::diagnosis::Verdict;
use crate::report::Report;
use crate::report::slack::{self as blocks, MAX_BLOCKS, MAX_SECTION_TEXT};
use async_trait::async_trait;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderMap, RETRY_AFTER};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{Value, json};
use std::future::Future;
use std::time::Duration;
use tokio::time::Instant;

const NAME: &str = "slack";
pub const DEFAULT_API_BASE: &str = "https://slack.com/api";
/// What Slack writes in an error body is at most a code (`invalid_blocks`); anything longer is
/// a proxy's page, cut so it cannot flood a log line.
const MAX_ANSWER: usize = 200;

/// How hard to try one notification. Every call of one `send` shares `budget`: no wait, however
/// long Slack's `Retry-After` asks, takes a send past it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries per call, the first one included.
    pub attempts: u32,
    /// The wait after the first failure; it doubles after each further one.
    pub first_backoff: Duration,
    pub max_backoff: Duration,
    /// One request's time limit (never more than what is left of the budget).
    pub attempt_timeout: Duration,
    pub budget: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            attempts: 4,
            first_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(2),
            attempt_timeout: Duration::from_secs(5),
            budget: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// The wait after `failed` failed attempts when Slack does not say how long.
    fn backoff(&self, failed: u32) -> Duration {
        let factor = 1u32
            .checked_shl(failed.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.first_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }
}

/// An HTTP client for Slack: short connect timeout, and no redirects, so the credential is only
/// ever sent where it points.
pub fn http_client() -> Result<reqwest::Client, NotifyError> {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(3))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("gateway-doctor/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| NotifyError::Misconfigured {
            channel: NAME,
            detail: format!(
                "could not build the HTTP client: {}",
                chain(&e.without_url())
            ),
        })
}

// ---------------------------------------------------------------------------------------------
// Routing and mentions

/// Which channel a report goes to (bot only) and whom it mentions (bot and webhook).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SlackRouting {
    /// (API name or id, or `*`; channel id), in configuration order.
    channels: Vec<(String, String)>,
    /// Slack mention syntax, used as is: it comes from configuration, not from evidence.
    mention: Option<String>,
    mention_verdicts: Vec<Verdict>,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum RoutingError {
    #[error(
        "channel mapping entry {0:?} is not API=CHANNEL_ID (e.g. orders-api=C0123ABCD or *=C0999ZZZZ)"
    )]
    Entry(String),
    #[error("channel mapping names {0:?} more than once")]
    Duplicate(String),
    #[error(
        "mention {0:?} is not Slack mention syntax such as <!subteam^S0123ABC>, <@U0123ABC> or <!here>"
    )]
    Mention(String),
    #[error("unknown verdict(s) in mention verdicts: {unknown}; known: {known}")]
    UnknownVerdicts { unknown: String, known: String },
    #[error("mention verdicts are listed but no mention is set")]
    VerdictsWithoutMention,
    #[error("a mention is set but no verdicts to mention on")]
    MentionWithoutVerdicts,
}

impl SlackRouting {
    /// From the configuration's strings: `channels` like
    /// `orders-api=C0123ABCD,k7x2m9q4ab=C0456EFGH,*=C0999ZZZZ`, `mention` like `<!subteam^S0123ABC>`,
    /// `verdicts` like `throttling,hard_limit`. Empty strings mean none.
    pub fn parse(
        channels: &str,
        mention: Option<&str>,
        verdicts: &str,
    ) -> Result<Self, RoutingError> {
        let channels = parse_channels(channels)?;
        let mention = mention
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(parse_mention)
            .transpose()?;
        let mention_verdicts = parse_verdicts(verdicts)?;
        match (&mention, mention_verdicts.is_empty()) {
            (Some(_), true) => Err(RoutingError::MentionWithoutVerdicts),
            (None, false) => Err(RoutingError::VerdictsWithoutMention),
            _ => Ok(Self {
                channels,
                mention,
                mention_verdicts,
            }),
        }
    }

    /// The channel for the report's API (by name or id), else the `*` entry's.
    pub fn channel_for(&self, report: &Report) -> Option<&str> {
        let api = report.api.as_ref();
        let names = [
            api.and_then(|a| a.name.as_deref()),
            api.and_then(|a| a.id.as_deref()),
            // An alarm that could not be diagnosed still names its API.
            report.alarm.as_ref().and_then(|a| a.api.as_deref()),
        ];
        let specific = self
            .channels
            .iter()
            .find(|(key, _)| key != "*" && names.contains(&Some(key.as_str())));
        specific
            .or_else(|| self.channels.iter().find(|(key, _)| key == "*"))
            .map(|(_, channel)| channel.as_str())
    }

    /// The mention for a report with this verdict, if it is one of the listed ones.
    pub fn mention_for(&self, verdict: Verdict) -> Option<&str> {
        self.mention
            .as_deref()
            .filter(|_| self.mention_verdicts.contains(&verdict))
    }

    /// The report as Block Kit `{text, blocks}`, the mention in front when the verdict calls for one.
    pub fn message(&self, report: &Report) -> Value {
        let mut message = blocks::render(report);
        if let Some(mention) = self.mention_for(report.diagnosis.verdict) {
            add_mention(&mut message, mention);
        }
        message
    }
}

pub fn parse_channels(s: &str) -> Result<Vec<(String, String)>, RoutingError> {
    let mut out: Vec<(String, String)> = Vec::new();
    for entry in s.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let bad = || RoutingError::Entry(entry.to_string());
        let (key, channel) = entry.split_once('=').ok_or_else(bad)?;
        let (key, channel) = (key.trim(), channel.trim());
        let blank = |s: &str| s.is_empty() || s.chars().any(|c| c.is_whitespace() || c == '=');
        if blank(key) || blank(channel) {
            return Err(bad());
        }
        if out.iter().any(|(k, _)| k == key) {
            return Err(RoutingError::Duplicate(key.to_string()));
        }
        out.push((key.to_string(), channel.to_string()));
    }
    Ok(out)
}

/// `<@U…>`, `<!subteam^S…>`, `<!here>`…: one Slack mention, so a typo like `@oncall` (which Slack
/// would print without notifying anyone) fails at start instead.
pub fn parse_mention(s: &str) -> Result<String, RoutingError> {
    let s = s.trim();
    let inner = s
        .strip_prefix('<')
        .and_then(|r| r.strip_suffix('>'))
        .filter(|i| (i.starts_with('@') || i.starts_with('!')) && i.len() > 1)
        .filter(|i| !i.contains(['<', '>']) && !i.chars().any(char::is_whitespace));
    match inner {
        Some(_) => Ok(s.to_string()),
        None => Err(RoutingError::Mention(s.to_string())),
    }
}

pub fn parse_verdicts(s: &str) -> Result<Vec<Verdict>, RoutingError> {
    let mut verdicts = Vec::new();
    let mut unknown = Vec::new();
    for name in s.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        match Verdict::parse(name) {
            Some(v) if !verdicts.contains(&v) => verdicts.push(v),
            Some(_) => {}
            None => unknown.push(format!("{name:?}")),
        }
    }
    if unknown.is_empty() {
        Ok(verdicts)
    } else {
        Err(RoutingError::UnknownVerdicts {
            unknown: unknown.join(", "),
            known: Verdict::ALL.map(Verdict::as_str).join(", "),
        })
    }
}

/// Puts `mention` before the fallback text and the first section; when that section is full, in
/// a section of its own after the header.
fn add_mention(message: &mut Value, mention: &str) {
    if let Some(text) = message.get_mut("text")
        && let Some(t) = text.as_str()
    {
        *text = Value::String(format!("{mention} {t}"));
    }
    let Some(list) = message.get_mut("blocks").and_then(Value::as_array_mut) else {
        return;
    };
    let kind = |b: &Value| b.get("type").and_then(Value::as_str).map(str::to_string);
    let first_section = list
        .iter()
        .position(|b| kind(b).as_deref() == Some("section"));
    if let Some(text) = first_section
        .and_then(|i| list.get_mut(i))
        .and_then(|b| b.pointer_mut("/text/text"))
        && let Some(t) = text.as_str()
        && blocks::units(mention) + 1 + blocks::units(t) <= MAX_SECTION_TEXT
    {
        *text = Value::String(format!("{mention} {t}"));
        return;
    }
    if list.len() < MAX_BLOCKS {
        let at = list
            .iter()
            .position(|b| kind(b).as_deref() == Some("header"))
            .map_or(0, |i| i + 1);
        list.insert(
            at,
            json!({ "type": "section", "text": { "type": "mrkdwn", "text": mention } }),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The notifiers

#[derive(Debug, Clone)]
struct Shared {
    http: reqwest::Client,
    routing: SlackRouting,
    retry: RetryPolicy,
    api_base: String,
}

impl Shared {
    fn new(http: reqwest::Client, routing: SlackRouting) -> Self {
        Self {
            http,
            routing,
            retry: RetryPolicy::default(),
            api_base: DEFAULT_API_BASE.to_string(),
        }
    }
}

/// Posts to an incoming webhook. The webhook's channel is fixed when it is created, so only the
/// routing's mention applies; a webhook answers no message id, so follow-ups are new messages.
#[derive(Debug, Clone)]
pub struct SlackWebhook {
    shared: Shared,
    url: SecretString,
}

impl SlackWebhook {
    pub fn new(http: reqwest::Client, url: SecretString, routing: SlackRouting) -> Self {
        Self {
            shared: Shared::new(http, routing),
            url,
        }
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.shared.retry = retry;
        self
    }
}

#[async_trait]
impl Notifier for SlackWebhook {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn send(
        &self,
        report: &Report,
        _earlier: Option<&IncidentRefs>,
    ) -> Result<IncidentRefs, NotifyError> {
        send_webhook(&self.shared, &self.url, report).await
    }
}

/// Posts with a bot token through the Web API: `chat.postMessage` for the first notification of an
/// incident; for a follow-up, a reply in its thread and, when it recovered, `chat.update` of the
/// first message so the channel shows one card per incident.
#[derive(Debug, Clone)]
pub struct SlackBot {
    shared: Shared,
    token: SecretString,
}

impl SlackBot {
    pub fn new(http: reqwest::Client, token: SecretString, routing: SlackRouting) -> Self {
        Self {
            shared: Shared::new(http, routing),
            token,
        }
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.shared.retry = retry;
        self
    }

    /// The Web API's base URL (default [`DEFAULT_API_BASE`]); tests point it at a local receiver.
    pub fn with_api_base(mut self, base: impl Into<String>) -> Self {
        self.shared.api_base = base.into();
        self
    }
}

#[async_trait]
impl Notifier for SlackBot {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn send(
        &self,
        report: &Report,
        earlier: Option<&IncidentRefs>,
    ) -> Result<IncidentRefs, NotifyError> {
        send_bot(&self.shared, &self.token, report, earlier).await
    }
}

/// A webhook or a bot, whichever the secret holds, read on the first send (and on every send
/// until a read succeeds, so a transient failure does not last the execution environment).
#[derive(Debug)]
pub struct SlackFromSecret {
    shared: Shared,
    secret: SecretsManagerSecret,
}

impl SlackFromSecret {
    pub fn new(http: reqwest::Client, secret: SecretsManagerSecret, routing: SlackRouting) -> Self {
        Self {
            shared: Shared::new(http, routing),
            secret,
        }
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.shared.retry = retry;
        self
    }

    pub fn with_api_base(mut self, base: impl Into<String>) -> Self {
        self.shared.api_base = base.into();
        self
    }
}

#[async_trait]
impl Notifier for SlackFromSecret {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn send(
        &self,
        report: &Report,
        earlier: Option<&IncidentRefs>,
    ) -> Result<IncidentRefs, NotifyError> {
        let credential = self.secret.slack_credential().await.map_err(|e| match e {
            SecretError::Read { .. } => NotifyError::Unreachable {
                channel: NAME,
                detail: e.to_string(),
            },
            SecretError::Empty { .. } | SecretError::NotSlack { .. } => {
                NotifyError::Misconfigured {
                    channel: NAME,
                    detail: e.to_string(),
                }
            }
        })?;
        match credential {
            SlackCredential::Webhook(url) => send_webhook(&self.shared, &url, report).await,
            SlackCredential::BotToken(token) => {
                send_bot(&self.shared, &token, report, earlier).await
            }
        }
    }
}

async fn send_webhook(
    shared: &Shared,
    url: &SecretString,
    report: &Report,
) -> Result<IncidentRefs, NotifyError> {
    let deadline = Instant::now() + shared.retry.budget;
    let body = serde_json::to_vec(&shared.routing.message(report)).map_err(|e| {
        NotifyError::Misconfigured {
            channel: NAME,
            detail: format!("the message could not be serialised: {e}"),
        }
    })?;
    with_retries(&shared.retry, deadline, "incoming webhook", |timeout| {
        let body = body.clone();
        async move {
            let sent = shared
                .http
                .post(url.expose_secret())
                .timeout(timeout)
                .header(CONTENT_TYPE, "application/json; charset=utf-8")
                .body(body)
                .send()
                .await;
            let response = match sent {
                Ok(r) => r,
                Err(e) => return network_failure("incoming webhook", "the webhook URL", e),
            };
            let status = response.status();
            let retry_after = retry_after(response.headers());
            if status.is_success() {
                return Try::Done(());
            }
            let answer = answer(response.text().await.unwrap_or_default(), url);
            http_failure("incoming webhook", status, retry_after, answer)
        }
    })
    .await?;
    tracing::debug!(notifier = NAME, call = "incoming webhook", "delivered");
    Ok(IncidentRefs::default())
}

async fn send_bot(
    shared: &Shared,
    token: &SecretString,
    report: &Report,
    earlier: Option<&IncidentRefs>,
) -> Result<IncidentRefs, NotifyError> {
    let deadline = Instant::now() + shared.retry.budget;
    let message = shared.routing.message(report);
    let routed = shared.routing.channel_for(report);
    let api = Api {
        shared,
        token,
        deadline,
    };

    let Some(parent) = earlier.and_then(|e| e.slack.as_ref()) else {
        let channel = routed.ok_or_else(|| no_channel(report))?;
        let reply = api
            .call("chat.postMessage", &with_fields(&message, channel, &[]))
            .await?;
        return Ok(refs("chat.postMessage", reply));
    };

    // The card is updated only when the incident is over; other follow-ups go in its thread only.
    let updated = if report.diagnosis.verdict == Verdict::Recovered {
        let update = with_fields(&message, &parent.channel, &[("ts", &parent.ts)]);
        Some(api.call("chat.update", &update).await)
    } else {
        None
    };
    let reply = with_fields(&message, &parent.channel, &[("thread_ts", &parent.ts)]);
    let threaded = api.call("chat.postMessage", &reply).await;
    match (updated, threaded) {
        (updated, Ok(_)) => {
            if let Some(Err(e)) = updated {
                tracing::warn!(notifier = NAME, channel = %parent.channel, error = %e,
                    "could not update the incident's message; the follow-up is in its thread");
            }
            Ok(IncidentRefs {
                slack: Some(parent.clone()),
                ..IncidentRefs::default()
            })
        }
        (Some(Ok(_)), Err(e)) => {
            tracing::warn!(notifier = NAME, channel = %parent.channel, error = %e,
                "updated the incident's message but could not reply in its thread");
            Ok(IncidentRefs {
                slack: Some(parent.clone()),
                ..IncidentRefs::default()
            })
        }
        (_, Err(e @ NotifyError::Rejected { .. })) => {
            // The first message is gone (deleted, or its channel archived): the follow-up goes out
            // on its own rather than being lost.
            tracing::warn!(notifier = NAME, channel = %parent.channel, error = %e,
                "could not reach the incident's message; posting the follow-up on its own");
            let channel = routed.unwrap_or(&parent.channel);
            let reply = api
                .call("chat.postMessage", &with_fields(&message, channel, &[]))
                .await?;
            Ok(refs("chat.postMessage", reply))
        }
        (_, Err(e)) => Err(e),
    }
}

fn no_channel(report: &Report) -> NotifyError {
    let what = report
        .api
        .as_ref()
        .map(|a| a.label())
        .or_else(|| {
            report
                .alarm
                .as_ref()
                .and_then(|a| a.api.as_ref())
                .map(|a| format!("API {a}"))
        })
        .unwrap_or_else(|| "a report without an API".to_string());
    NotifyError::Misconfigured {
        channel: NAME,
        detail: format!(
            "no Slack channel for {what}: the channel mapping has no entry for it and no \"*\" entry"
        ),
    }
}

/// `{channel, text, blocks}` plus `extra` fields (`ts`, `thread_ts`).
fn with_fields(message: &Value, channel: &str, extra: &[(&str, &str)]) -> Value {
    let mut body = json!({
        "channel": channel,
        "text": message.get("text").cloned().unwrap_or(Value::Null),
        "blocks": message.get("blocks").cloned().unwrap_or_else(|| json!([])),
    });
    if let Some(map) = body.as_object_mut() {
        for (k, v) in extra {
            map.insert((*k).to_string(), Value::String((*v).to_string()));
        }
    }
    body
}

fn refs(method: &str, reply: ApiReply) -> IncidentRefs {
    match (reply.channel, reply.ts) {
        (Some(channel), Some(ts)) => IncidentRefs {
            slack: Some(SlackMessageRef { channel, ts }),
            ..IncidentRefs::default()
        },
        _ => {
            // Delivered all the same; only threading the follow-up is lost.
            tracing::warn!(
                notifier = NAME,
                call = method,
                "Slack answered ok without channel and ts"
            );
            IncidentRefs::default()
        }
    }
}

/// One Web API call: Slack answers HTTP 200 with `{"ok": false, "error": ...}` for its errors.
#[derive(Debug, Deserialize)]
struct ApiReply {
    ok: bool,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    channel: Option<String>,
    #[serde(default)]
    ts: Option<String>,
}

struct Api<'a> {
    shared: &'a Shared,
    token: &'a SecretString,
    deadline: Instant,
}

impl Api<'_> {
    async fn call(&self, method: &'static str, body: &Value) -> Result<ApiReply, NotifyError> {
        let url = format!("{}/{method}", self.shared.api_base.trim_end_matches('/'));
        let body = serde_json::to_vec(body).map_err(|e| NotifyError::Misconfigured {
            channel: NAME,
            detail: format!("{method}: the message could not be serialised: {e}"),
        })?;
        with_retries(&self.shared.retry, self.deadline, method, |timeout| {
            let (url, body) = (&url, body.clone());
            async move {
                let sent = self
                    .shared
                    .http
                    .post(url)
                    .timeout(timeout)
                    .bearer_auth(self.token.expose_secret())
                    .header(CONTENT_TYPE, "application/json; charset=utf-8")
                    .body(body)
                    .send()
                    .await;
                let response = match sent {
                    Ok(r) => r,
                    Err(e) => return network_failure(method, "the Web API base URL", e),
                };
                let status = response.status();
                let retry_after = retry_after(response.headers());
                let text = response.text().await.unwrap_or_default();
                if !status.is_success() {
                    return http_failure(method, status, retry_after, answer(text, self.token));
                }
                match serde_json::from_str::<ApiReply>(&text) {
                    Ok(reply) if reply.ok => Try::Done(reply),
                    Ok(reply) => {
                        let error = reply.error.unwrap_or_else(|| "unknown_error".into());
                        let error = answer(error, self.token);
                        if error == "ratelimited" {
                            Try::Again {
                                why: error,
                                status: Some(status.as_u16()),
                                retry_after,
                            }
                        } else {
                            Try::Stop(NotifyError::Rejected {
                                channel: NAME,
                                detail: format!("{method}: {error}"),
                            })
                        }
                    }
                    Err(_) => Try::Stop(NotifyError::Rejected {
                        channel: NAME,
                        detail: format!(
                            "{method}: HTTP {} with an answer that is not Slack's JSON: {}",
                            status.as_u16(),
                            answer(text, self.token)
                        ),
                    }),
                }
            }
        })
        .await
    }
}

// ---------------------------------------------------------------------------------------------
// Retries

/// One try, as the retry loop sees it.
enum Try<T> {
    Done(T),
    /// Worth another try: 429, 5XX, `ratelimited`, a network failure.
    Again {
        why: String,
        status: Option<u16>,
        retry_after: Option<Duration>,
    },
    /// Would fail the same way again.
    Stop(NotifyError),
}

/// Runs `once` (given its time limit) until it is done, stops, runs out of attempts, or the next
/// wait would pass `deadline`.
async fn with_retries<T, F, Fut>(
    policy: &RetryPolicy,
    deadline: Instant,
    call: &'static str,
    mut once: F,
) -> Result<T, NotifyError>
where
    F: FnMut(Duration) -> Fut,
    Fut: Future<Output = Try<T>>,
{
    let unreachable = |detail: String| NotifyError::Unreachable {
        channel: NAME,
        detail,
    };
    let mut attempt: u32 = 0;
    let mut last = String::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(unreachable(if attempt == 0 {
                format!("{call}: the send's budget is {}", secs(policy.budget))
            } else {
                format!(
                    "{call}: {last} after {attempt} attempts; the {} budget ran out",
                    secs(policy.budget)
                )
            }));
        }
        attempt += 1;
        let (why, status, retry_after) = match once(left.min(policy.attempt_timeout)).await {
            Try::Done(v) => {
                if attempt > 1 {
                    tracing::info!(
                        notifier = NAME,
                        call,
                        attempt,
                        "Slack accepted after retrying"
                    );
                }
                return Ok(v);
            }
            Try::Stop(e) => {
                tracing::debug!(notifier = NAME, call, attempt, error = %e, "Slack refused the call");
                return Err(e);
            }
            Try::Again {
                why,
                status,
                retry_after,
            } => (why, status, retry_after),
        };
        let retry_after_s = retry_after.map(|d| d.as_secs());
        if attempt >= policy.attempts.max(1) {
            tracing::warn!(notifier = NAME, call, attempt, status, retry_after_s, error = %why,
                "Slack call failed; out of attempts");
            return Err(unreachable(format!(
                "{call}: {why} after {attempt} attempts"
            )));
        }
        let wait = retry_after.unwrap_or_else(|| policy.backoff(attempt));
        if Instant::now() + wait >= deadline {
            tracing::warn!(notifier = NAME, call, attempt, status, retry_after_s, error = %why,
                "Slack call failed; waiting again would pass the send's budget");
            let asked = if retry_after.is_some() {
                "Slack asked to wait"
            } else {
                "the next wait is"
            };
            return Err(unreachable(format!(
                "{call}: {why} after {attempt} attempts; {asked} {}, past the {} budget",
                secs(wait),
                secs(policy.budget)
            )));
        }
        tracing::warn!(notifier = NAME, call, attempt, status, retry_after_s,
            wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX), error = %why,
            "Slack call failed; retrying");
        last = why;
        tokio::time::sleep(wait).await;
    }
}

fn http_failure<T>(
    call: &str,
    status: StatusCode,
    retry_after: Option<Duration>,
    answer: String,
) -> Try<T> {
    let code = status.as_u16();
    let why = if answer.is_empty() {
        format!("HTTP {code}")
    } else {
        format!("HTTP {code} {answer}")
    };
    if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
        Try::Again {
            why,
            status: Some(code),
            retry_after,
        }
    } else {
        Try::Stop(NotifyError::Rejected {
            channel: NAME,
            detail: format!("{call}: {why}"),
        })
    }
}

/// A request that got no answer. `target` names the credential-bearing URL without showing it.
fn network_failure<T>(call: &str, target: &str, err: reqwest::Error) -> Try<T> {
    let err = err.without_url();
    if err.is_builder() {
        return Try::Stop(NotifyError::Misconfigured {
            channel: NAME,
            detail: format!("{call}: {target} is not a valid URL"),
        });
    }
    let why = if err.is_timeout() {
        "the request timed out".to_string()
    } else if err.is_connect() {
        format!("could not connect ({})", chain(&err))
    } else {
        format!("the request failed ({})", chain(&err))
    };
    Try::Again {
        why,
        status: None,
        retry_after: None,
    }
}

/// `Retry-After` in seconds; Slack does not send the HTTP-date form.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

/// What Slack answered, on one line, cut short, and with the credential scrubbed should a proxy
/// ever echo the request.
fn answer(text: String, secret: &SecretString) -> String {
    let secret = secret.expose_secret();
    // A webhook's credential is its path, which an echo may quote under another host name.
    let path = secret
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').and_then(|i| rest.get(i..)))
        .filter(|p| p.len() >= 8);
    let mut scrubbed = text;
    for s in [Some(secret), path].into_iter().flatten() {
        if !s.is_empty() {
            scrubbed = scrubbed.replace(s, "[redacted]");
        }
    }
    let flat: String = scrubbed.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(MAX_ANSWER) {
        Some((cut, _)) => format!("{}…", flat.get(..cut).unwrap_or_default()),
        None => flat,
    }
}

/// An error and its causes on one line.
fn chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures;
    use std::sync::{Arc, Mutex};
    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock, MockServer, Request, ResponseTemplate};

    /// Distinctive enough that finding it anywhere means the credential leaked.
    const HOOK_SECRET: &str = "xyzzyPlugh42SecretHook";
    const TOKEN: &str = "xoxb-111-222-tokenSecretQuux77";
    const TOKEN_SECRET: &str = "tokenSecretQuux77";
    const FIRST_TS: &str = "1732414500.000100";

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn fast() -> RetryPolicy {
        RetryPolicy {
            attempts: 4,
            first_backoff: ms(10),
            max_backoff: ms(40),
            attempt_timeout: Duration::from_secs(2),
            budget: Duration::from_secs(5),
        }
    }

    fn routing() -> SlackRouting {
        SlackRouting::parse("catalog-api=C0CATALOG,*=C0FALLBACK", None, "").expect("routing")
    }

    fn hook_path() -> String {
        format!("/services/T0GDOC/B0GDOC/{HOOK_SECRET}")
    }

    fn webhook_to(url: String, routing: SlackRouting) -> SlackWebhook {
        SlackWebhook::new(
            http_client().expect("client"),
            SecretString::from(url),
            routing,
        )
        .with_retry(fast())
    }

    fn webhook(server: &MockServer) -> SlackWebhook {
        webhook_to(format!("{}{}", server.uri(), hook_path()), routing())
    }

    fn bot(server: &MockServer, routing: SlackRouting) -> SlackBot {
        SlackBot::new(
            http_client().expect("client"),
            SecretString::from(TOKEN),
            routing,
        )
        .with_api_base(server.uri())
        .with_retry(fast())
    }

    async fn requests(server: &MockServer) -> Vec<Request> {
        server.received_requests().await.expect("recording is on")
    }

    fn body(r: &Request) -> Value {
        r.body_json().expect("a JSON body")
    }

    fn posted(channel: &str, ts: &str) -> ResponseTemplate {
        ResponseTemplate::new(200)
            .set_body_json(json!({ "ok": true, "channel": channel, "ts": ts, "message": {} }))
    }

    fn slack_error(error: &str) -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_json(json!({ "ok": false, "error": error }))
    }

    fn earlier() -> IncidentRefs {
        IncidentRefs {
            slack: Some(SlackMessageRef {
                channel: "C0CATALOG".into(),
                ts: FIRST_TS.into(),
            }),
            ..IncidentRefs::default()
        }
    }

    fn detail(e: &NotifyError) -> &str {
        match e {
            NotifyError::Rejected { detail, .. }
            | NotifyError::Unreachable { detail, .. }
            | NotifyError::Misconfigured { detail, .. } => detail,
        }
    }

    // --- webhook ---------------------------------------------------------------------------

    #[tokio::test]
    async fn a_webhook_answering_429_then_200_delivers_after_retry_after_within_the_budget() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(hook_path()))
            .respond_with(
                ResponseTemplate::new(429)
                    .insert_header("Retry-After", "1")
                    .set_body_string("rate_limited"),
            )
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path(hook_path()))
            .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
            .mount(&server)
            .await;
        let budget = Duration::from_secs(3);
        let notifier = webhook(&server).with_retry(RetryPolicy { budget, ..fast() });
        let report = fixtures::cold_start();

        let started = std::time::Instant::now();
        let refs = notifier.send(&report, None).await.expect("delivered");
        let took = started.elapsed();

        assert_eq!(refs, IncidentRefs::default());
        let seen = requests(&server).await;
        assert_eq!(seen.len(), 2);
        assert!(
            took >= Duration::from_secs(1),
            "Retry-After honoured: {took:?}"
        );
        assert!(took < budget, "within the budget: {took:?}");
        for r in &seen {
            assert_eq!(body(r), blocks::render(&report));
        }
    }

    #[tokio::test]
    async fn a_webhook_failing_with_500_four_times_is_unreachable_after_4_attempts() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(500))
            .mount(&server)
            .await;

        let err = webhook(&server)
            .send(&fixtures::cold_start(), None)
            .await
            .expect_err("unreachable");

        assert!(matches!(err, NotifyError::Unreachable { .. }), "{err}");
        assert!(detail(&err).contains("HTTP 500 after 4 attempts"), "{err}");
        assert_eq!(requests(&server).await.len(), 4);
    }

    #[tokio::test]
    async fn a_webhook_answering_400_invalid_blocks_is_rejected_without_retry() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(400).set_body_string("invalid_blocks"))
            .mount(&server)
            .await;

        let err = webhook(&server)
            .send(&fixtures::cold_start(), None)
            .await
            .expect_err("rejected");

        assert!(matches!(err, NotifyError::Rejected { .. }), "{err}");
        assert!(detail(&err).contains("HTTP 400 invalid_blocks"), "{err}");
        assert_eq!(requests(&server).await.len(), 1);
    }

    #[tokio::test]
    async fn a_retry_after_past_the_budget_gives_up_at_once_instead_of_sleeping() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "30"))
            .mount(&server)
            .await;
        let notifier = webhook(&server).with_retry(RetryPolicy {
            budget: Duration::from_secs(2),
            ..fast()
        });

        let started = std::time::Instant::now();
        let err = notifier
            .send(&fixtures::cold_start(), None)
            .await
            .expect_err("gives up");

        assert!(started.elapsed() < Duration::from_secs(1));
        assert!(matches!(err, NotifyError::Unreachable { .. }), "{err}");
        assert!(detail(&err).contains("Slack asked to wait 30.0 s"), "{err}");
        assert_eq!(requests(&server).await.len(), 1);
    }

    #[test]
    fn the_backoff_doubles_from_the_first_wait_and_is_capped() {
        let p = RetryPolicy::default();
        let waits: Vec<Duration> = (1..=5).map(|n| p.backoff(n)).collect();
        assert_eq!(waits, [ms(500), ms(1000), ms(2000), ms(2000), ms(2000)]);
        assert_eq!(p.backoff(200), ms(2000));
    }

    #[tokio::test]
    async fn the_webhook_message_carries_the_mention_for_a_listed_verdict() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
            .mount(&server)
            .await;
        let routing =
            SlackRouting::parse("", Some("<!subteam^S0123ABC>"), "cold_start").expect("routing");
        let notifier = webhook_to(format!("{}{}", server.uri(), hook_path()), routing);

        notifier
            .send(&fixtures::cold_start(), None)
            .await
            .expect("delivered");

        let sent = body(&requests(&server).await[0]);
        let text = sent["text"].as_str().expect("text");
        assert!(text.starts_with("<!subteam^S0123ABC> "), "{text}");
    }

    // --- bot -------------------------------------------------------------------------------

    #[tokio::test]
    async fn the_bot_posts_the_first_notification_to_the_apis_channel_and_returns_its_ts() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/chat.postMessage"))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
            .respond_with(posted("C0CATALOG", FIRST_TS))
            .mount(&server)
            .await;
        let report = fixtures::cold_start();

        let refs = bot(&server, routing())
            .send(&report, None)
            .await
            .expect("posted");

        assert_eq!(refs, earlier());
        let seen = requests(&server).await;
        assert_eq!(seen.len(), 1);
        let sent = body(&seen[0]);
        let message = blocks::render(&report);
        assert_eq!(sent["channel"], "C0CATALOG");
        assert_eq!(sent["text"], message["text"]);
        assert_eq!(sent["blocks"], message["blocks"]);
        assert!(sent.get("thread_ts").is_none(), "{sent}");
    }

    #[tokio::test]
    async fn a_recovery_updates_the_first_message_and_replies_in_its_thread() {
        let server = MockServer::start().await;
        Mock::given(path("/chat.update"))
            .respond_with(posted("C0CATALOG", FIRST_TS))
            .mount(&server)
            .await;
        Mock::given(path("/chat.postMessage"))
            .respond_with(posted("C0CATALOG", "1732416300.000200"))
            .mount(&server)
            .await;
        let report = fixtures::recovered();

        let refs = bot(&server, routing())
            .send(&report, Some(&earlier()))
            .await
            .expect("followed up");

        assert_eq!(
            refs,
            earlier(),
            "the incident's card stays the first message"
        );
        let seen = requests(&server).await;
        let message = blocks::render(&report);
        let update: Vec<Value> = seen
            .iter()
            .filter(|r| r.url.path() == "/chat.update")
            .map(body)
            .collect();
        assert_eq!(update.len(), 1);
        assert_eq!(update[0]["channel"], "C0CATALOG");
        assert_eq!(update[0]["ts"], FIRST_TS);
        assert_eq!(update[0]["blocks"], message["blocks"]);
        let replies: Vec<Value> = seen
            .iter()
            .filter(|r| r.url.path() == "/chat.postMessage")
            .map(body)
            .collect();
        assert_eq!(replies.len(), 1);
        assert_eq!(replies[0]["channel"], "C0CATALOG");
        assert_eq!(replies[0]["thread_ts"], FIRST_TS);
        assert_eq!(replies[0]["blocks"], message["blocks"]);
    }

    #[tokio::test]
    async fn a_follow_up_that_is_not_a_recovery_only_replies_in_the_thread() {
        let server = MockServer::start().await;
        Mock::given(path("/chat.postMessage"))
            .respond_with(posted("C0CATALOG", "1732416300.000200"))
            .mount(&server)
            .await;

        bot(&server, routing())
            .send(&fixtures::cold_start(), Some(&earlier()))
            .await
            .expect("replied");

        let seen = requests(&server).await;
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].url.path(), "/chat.postMessage");
        assert_eq!(body(&seen[0])["thread_ts"], FIRST_TS);
    }

    #[tokio::test]
    async fn a_follow_up_whose_first_message_is_gone_is_posted_on_its_own() {
        let server = MockServer::start().await;
        Mock::given(path("/chat.update"))
            .respond_with(slack_error("message_not_found"))
            .mount(&server)
            .await;
        let threaded = |r: &Request| {
            r.body_json::<Value>()
                .is_ok_and(|b| b.get("thread_ts").is_some())
        };
        Mock::given(path("/chat.postMessage"))
            .and(threaded)
            .respond_with(slack_error("thread_not_found"))
            .mount(&server)
            .await;
        Mock::given(path("/chat.postMessage"))
            .respond_with(posted("C0CATALOG", "1732416300.000200"))
            .mount(&server)
            .await;

        let refs = bot(&server, routing())
            .send(&fixtures::recovered(), Some(&earlier()))
            .await
            .expect("posted on its own");

        assert_eq!(
            refs.slack.map(|s| s.ts).as_deref(),
            Some("1732416300.000200")
        );
        assert_eq!(requests(&server).await.len(), 3);
    }

    #[tokio::test]
    async fn a_ratelimited_answer_is_retried() {
        let server = MockServer::start().await;
        Mock::given(path("/chat.postMessage"))
            .respond_with(slack_error("ratelimited"))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(path("/chat.postMessage"))
            .respond_with(posted("C0CATALOG", FIRST_TS))
            .mount(&server)
            .await;

        let refs = bot(&server, routing())
            .send(&fixtures::cold_start(), None)
            .await
            .expect("posted");

        assert_eq!(refs, earlier());
        assert_eq!(requests(&server).await.len(), 2);
    }

    #[tokio::test]
    async fn an_http_429_from_the_web_api_waits_for_retry_after_and_retries() {
        let server = MockServer::start().await;
        Mock::given(path("/chat.postMessage"))
            .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(path("/chat.postMessage"))
            .respond_with(posted("C0CATALOG", FIRST_TS))
            .mount(&server)
            .await;

        let started = std::time::Instant::now();
        let refs = bot(&server, routing())
            .send(&fixtures::cold_start(), None)
            .await
            .expect("posted");

        assert!(started.elapsed() >= Duration::from_secs(1));
        assert_eq!(refs, earlier());
        assert_eq!(requests(&server).await.len(), 2);
    }

    #[tokio::test]
    async fn a_web_api_error_is_rejected_naming_it_without_retry() {
        let server = MockServer::start().await;
        Mock::given(path("/chat.postMessage"))
            .respond_with(slack_error("channel_not_found"))
            .mount(&server)
            .await;

        let err = bot(&server, routing())
            .send(&fixtures::cold_start(), None)
            .await
            .expect_err("rejected");

        assert!(matches!(err, NotifyError::Rejected { .. }), "{err}");
        assert_eq!(detail(&err), "chat.postMessage: channel_not_found");
        assert_eq!(requests(&server).await.len(), 1);
    }

    #[tokio::test]
    async fn a_report_whose_api_has_no_channel_is_misconfigured_and_nothing_is_sent() {
        let server = MockServer::start().await;
        let routing = SlackRouting::parse("orders-api=C0ORDERS", None, "").expect("routing");

        let err = bot(&server, routing)
            .send(&fixtures::cold_start(), None)
            .await
            .expect_err("no channel");

        assert!(matches!(err, NotifyError::Misconfigured { .. }), "{err}");
        assert!(detail(&err).contains("catalog-api"), "{err}");
        assert!(requests(&server).await.is_empty());
    }

    // --- routing ---------------------------------------------------------------------------

    #[test]
    fn routing_picks_the_apis_channel_by_name_or_id_and_falls_back_to_the_star() {
        let r = SlackRouting::parse(
            "orders-api=C0123ABCD, a1b2c3d4e5=C0456EFGH ,*=C0999ZZZZ",
            None,
            "",
        )
        .expect("routing");
        let mut report = fixtures::cold_start();
        assert_eq!(r.channel_for(&report), Some("C0456EFGH"), "by id");

        if let Some(api) = report.api.as_mut() {
            api.name = Some("orders-api".into());
            api.id = Some("zzzzzzzzzz".into());
        }
        assert_eq!(r.channel_for(&report), Some("C0123ABCD"), "by name");

        if let Some(api) = report.api.as_mut() {
            api.name = Some("billing-api".into());
        }
        assert_eq!(r.channel_for(&report), Some("C0999ZZZZ"), "fallback");

        let no_star = SlackRouting::parse("orders-api=C0123ABCD", None, "").expect("routing");
        assert_eq!(no_star.channel_for(&report), None);
    }

    #[test]
    fn an_undiagnosed_alarm_is_routed_by_the_api_its_alarm_names() {
        let r = SlackRouting::parse("catalog-api=C0CATALOG", None, "").expect("routing");
        let mut report = fixtures::cold_start();
        report.api = None;
        assert_eq!(r.channel_for(&report), Some("C0CATALOG"));
    }

    #[test]
    fn the_mention_is_prepended_unescaped_only_for_listed_verdicts() {
        let r = SlackRouting::parse("", Some(" <!subteam^S0123ABC> "), "throttling, cold_start")
            .expect("routing");

        let message = r.message(&fixtures::cold_start());
        let text = message["text"].as_str().expect("text");
        assert!(text.starts_with("<!subteam^S0123ABC> "), "{text}");
        let first_section = message["blocks"]
            .as_array()
            .expect("blocks")
            .iter()
            .find(|b| b["type"] == "section")
            .expect("a section");
        let section_text = first_section["text"]["text"].as_str().expect("mrkdwn");
        assert!(
            section_text.starts_with("<!subteam^S0123ABC> "),
            "{section_text}"
        );

        let quiet = r.message(&fixtures::recovered());
        assert!(!quiet.to_string().contains("subteam"), "{quiet}");
        assert_eq!(quiet, blocks::render(&fixtures::recovered()));
    }

    #[test]
    fn a_full_first_section_gets_the_mention_in_a_section_of_its_own() {
        let r = SlackRouting::parse("", Some("<@U0123ABC>"), "cold_start").expect("routing");
        let mut report = fixtures::cold_start();
        report.diagnosis.summary = "x".repeat(5000);
        let plain = blocks::render(&report);

        let message = r.message(&report);

        let list = message["blocks"].as_array().expect("blocks");
        assert_eq!(
            list.len(),
            plain["blocks"].as_array().expect("blocks").len() + 1
        );
        assert_eq!(list[0]["type"], "header");
        assert_eq!(list[1]["text"]["text"], "<@U0123ABC>");
        for b in list {
            if let Some(t) = b.pointer("/text/text").and_then(Value::as_str) {
                assert!(blocks::units(t) <= MAX_SECTION_TEXT);
            }
        }
    }

    #[test]
    fn routing_configuration_errors_name_what_is_wrong() {
        let cases: [(&str, Option<&str>, &str, RoutingError); 7] = [
            (
                "orders-api:C0123",
                None,
                "",
                RoutingError::Entry("orders-api:C0123".into()),
            ),
            ("=C0123", None, "", RoutingError::Entry("=C0123".into())),
            ("a=C1,a=C2", None, "", RoutingError::Duplicate("a".into())),
            (
                "",
                Some("@oncall"),
                "throttling",
                RoutingError::Mention("@oncall".into()),
            ),
            (
                "",
                Some("<@U1> <@U2>"),
                "throttling",
                RoutingError::Mention("<@U1> <@U2>".into()),
            ),
            ("", None, "throttling", RoutingError::VerdictsWithoutMention),
            (
                "",
                Some("<!here>"),
                " ",
                RoutingError::MentionWithoutVerdicts,
            ),
        ];
        for (channels, mention, verdicts, expected) in cases {
            assert_eq!(
                SlackRouting::parse(channels, mention, verdicts),
                Err(expected),
                "{channels:?} {mention:?} {verdicts:?}"
            );
        }
    }

    #[test]
    fn unknown_verdict_names_are_an_error_naming_them() {
        let err = parse_verdicts("throttling,slow_backend, hard_limit,timeout")
            .expect_err("unknown verdicts");
        let shown = err.to_string();
        assert!(shown.contains("\"slow_backend\", \"timeout\""), "{shown}");
        assert!(
            shown.contains("backend_slow"),
            "lists the known names: {shown}"
        );
        assert_eq!(
            parse_verdicts("throttling,hard_limit,throttling"),
            Ok(vec![Verdict::Throttling, Verdict::HardLimit])
        );
    }

    // --- credentials never leak ---------------------------------------------------------------

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("lock").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
        type Writer = Self;
        fn make_writer(&'a self) -> Self {
            self.clone()
        }
    }

    #[tokio::test]
    async fn the_webhook_url_and_the_token_appear_in_no_error_and_no_log_line() {
        let logs = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(logs.clone())
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);

        let server = MockServer::start().await;
        let echo = |r: &Request| {
            // A proxy that quotes the request back, credential included.
            ResponseTemplate::new(500).set_body_string(format!(
                "upstream failed for {} {:?}",
                r.url,
                r.headers.get("authorization")
            ))
        };
        Mock::given(path(hook_path()))
            .respond_with(echo)
            .mount(&server)
            .await;
        Mock::given(path("/chat.postMessage"))
            .respond_with(echo)
            .mount(&server)
            .await;
        let report = fixtures::cold_start();
        let closed = format!("http://127.0.0.1:1/services/T0GDOC/B0GDOC/{HOOK_SECRET}");
        let invalid = format!("http://[::1/services/T0GDOC/B0GDOC/{HOOK_SECRET}");

        let notifiers: Vec<Box<dyn Notifier>> = vec![
            Box::new(webhook(&server)),
            Box::new(webhook_to(closed, routing())),
            Box::new(webhook_to(invalid, routing())),
            Box::new(bot(&server, routing())),
        ];
        let mut shown = Vec::new();
        for n in &notifiers {
            let err = n.send(&report, None).await.expect_err("fails");
            shown.push(format!("{err}"));
            shown.push(format!("{err:?}"));
        }
        shown.push(format!("{:?}", webhook(&server)));
        shown.push(format!("{:?}", bot(&server, routing())));

        let logged = String::from_utf8(logs.0.lock().expect("lock").clone()).expect("utf-8");
        assert!(
            logged.contains("attempt="),
            "the failures were logged: {logged}"
        );
        assert!(logged.contains("status=500"), "{logged}");
        assert!(shown.iter().any(|s| s.contains("[redacted]")), "{shown:?}");
        for text in shown.iter().chain([&logged]) {
            assert!(!text.contains(HOOK_SECRET), "webhook URL leaked: {text}");
            assert!(!text.contains(TOKEN_SECRET), "bot token leaked: {text}");
        }
    }

    // --- from the secret -------------------------------------------------------------------

    mod from_secret {
        use super::*;
        use aws_sdk_secretsmanager::Client;
        use aws_sdk_secretsmanager::operation::get_secret_value::{
            GetSecretValueError, GetSecretValueOutput,
        };
        use aws_sdk_secretsmanager::types::error::InternalServiceError;
        use aws_smithy_mocks::{RuleMode, mock, mock_client};

        const ARN: &str = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:slack-AbCdEf";

        fn notifier(client: Client, server: &MockServer) -> SlackFromSecret {
            SlackFromSecret::new(
                http_client().expect("client"),
                SecretsManagerSecret::new(client, ARN),
                routing(),
            )
            .with_api_base(server.uri())
            .with_retry(fast())
        }

        #[tokio::test]
        async fn a_webhook_secret_posts_to_the_webhook() {
            let server = MockServer::start().await;
            Mock::given(path(hook_path()))
                .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
                .mount(&server)
                .await;
            let url = format!("{}{}", server.uri(), hook_path());
            let rule = mock!(Client::get_secret_value).then_output(move || {
                GetSecretValueOutput::builder()
                    .secret_string(format!(r#"{{"webhook_url":"{url}"}}"#))
                    .build()
            });
            let slack = notifier(
                mock_client!(aws_sdk_secretsmanager, RuleMode::MatchAny, [&rule]),
                &server,
            );

            for _ in 0..2 {
                let refs = slack
                    .send(&fixtures::cold_start(), None)
                    .await
                    .expect("sent");
                assert_eq!(refs, IncidentRefs::default());
            }
            assert_eq!(requests(&server).await.len(), 2);
            assert_eq!(rule.num_calls(), 1, "the secret is read once");
        }

        #[tokio::test]
        async fn a_bot_token_secret_posts_through_the_web_api_after_a_failed_read() {
            let server = MockServer::start().await;
            Mock::given(path("/chat.postMessage"))
                .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
                .respond_with(posted("C0CATALOG", FIRST_TS))
                .mount(&server)
                .await;
            let rule = mock!(Client::get_secret_value)
                .sequence()
                .error(|| {
                    GetSecretValueError::InternalServiceError(
                        InternalServiceError::builder().message("try again").build(),
                    )
                })
                .output(|| {
                    GetSecretValueOutput::builder()
                        .secret_string(format!(r#"{{"bot_token":"{TOKEN}"}}"#))
                        .build()
                })
                .build();
            let client = mock_client!(aws_sdk_secretsmanager, RuleMode::Sequential, [&rule], |c| {
                c.retry_config(aws_sdk_secretsmanager::config::retry::RetryConfig::disabled())
            });
            let slack = notifier(client, &server);

            let err = slack
                .send(&fixtures::cold_start(), None)
                .await
                .expect_err("the read failed");
            assert!(matches!(err, NotifyError::Unreachable { .. }), "{err}");
            assert!(detail(&err).contains(ARN), "{err}");

            let refs = slack
                .send(&fixtures::cold_start(), None)
                .await
                .expect("read again, then posted");
            assert_eq!(refs, earlier());
            assert_eq!(rule.num_calls(), 2);
        }
    }
}
