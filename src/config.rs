//! Configuration, read once at start from the environment the template sets, failing fast with the
//! variable's name. Parsing takes a lookup function so it is tested without touching the process env.

use crate::evidence::scenario::parse_api_entry;
use crate::notify::slack::{self, RoutingError, SlackRouting};
use crate::trigger::ApiRef;
use std::time::Duration;

/// Where evidence comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceMode {
    /// The AWS account the function runs in (default).
    Live,
    /// The scenarios bundled in the binary (local runs under `cargo lambda watch`).
    Recorded,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub sources: SourceMode,
    /// APIs the scheduled check examines.
    pub scheduled_apis: Vec<ApiRef>,
    /// How far back a scheduled check looks.
    pub schedule_lookback: Duration,
    /// Time kept back from the invocation's deadline to publish the report.
    pub publish_reserve: Duration,
    pub delivery: Delivery,
}

/// Where reports go, and how incidents are remembered.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub topic_arn: Option<String>,
    /// Publish the chat-applications custom notification instead of the e-mail text.
    pub chat_format: bool,
    /// Secrets Manager ARN of the Slack webhook URL or bot token (the value itself is never in the environment).
    pub slack_secret_arn: Option<String>,
    /// Channels by API and the mention for chosen verdicts.
    pub slack_routing: SlackRouting,
    pub slack_api_url: String,
    /// DynamoDB table that claims state changes and remembers incidents.
    pub table: Option<String>,
    /// A second ALARM within this long of the last diagnosis is flapping: not diagnosed again.
    pub quiet_period: Duration,
    /// How long claims and incidents are kept (DynamoDB TTL).
    pub claim_ttl: Duration,
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{variable}={value:?} is invalid: {why}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub value: String,
    pub why: String,
}

pub const SOURCES: &str = "GATEWAY_DOCTOR_SOURCES";
pub const APIS: &str = "GATEWAY_DOCTOR_APIS";
pub const LOOKBACK: &str = "GATEWAY_DOCTOR_SCHEDULE_LOOKBACK_MINUTES";
pub const RESERVE: &str = "GATEWAY_DOCTOR_PUBLISH_RESERVE_MS";
pub const TOPIC: &str = "GATEWAY_DOCTOR_TOPIC_ARN";
pub const SNS_FORMAT: &str = "GATEWAY_DOCTOR_SNS_FORMAT";
pub const SLACK_SECRET: &str = "GATEWAY_DOCTOR_SLACK_SECRET_ARN";
pub const SLACK_CHANNELS: &str = "GATEWAY_DOCTOR_SLACK_CHANNELS";
pub const SLACK_MENTION: &str = "GATEWAY_DOCTOR_SLACK_MENTION";
pub const SLACK_MENTION_VERDICTS: &str = "GATEWAY_DOCTOR_SLACK_MENTION_VERDICTS";
pub const SLACK_API_URL: &str = "GATEWAY_DOCTOR_SLACK_API_URL";
pub const TABLE: &str = "GATEWAY_DOCTOR_TABLE";
pub const QUIET: &str = "GATEWAY_DOCTOR_QUIET_MINUTES";
pub const CLAIM_TTL: &str = "GATEWAY_DOCTOR_CLAIM_TTL_HOURS";

impl Config {
    /// Reads the configuration through `var` (the process environment in `main`).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let invalid = |variable, value: &str, why: &str| ConfigError {
            variable,
            value: value.to_string(),
            why: why.to_string(),
        };
        let sources = match var(SOURCES).as_deref().map(str::trim) {
            None | Some("") | Some("live") => SourceMode::Live,
            Some("recorded") => SourceMode::Recorded,
            Some(other) => return Err(invalid(SOURCES, other, "expected `live` or `recorded`")),
        };
        let mut scheduled_apis = Vec::new();
        if let Some(list) = var(APIS) {
            for entry in list
                .split([',', ' ', '\n'])
                .map(str::trim)
                .filter(|e| !e.is_empty())
            {
                scheduled_apis.push(parse_api_entry(entry).ok_or_else(|| {
                    invalid(
                        APIS,
                        entry,
                        "each entry is `rest:API_NAME/STAGE` or `http:API_ID/STAGE`",
                    )
                })?);
            }
        }
        let number = |variable: &'static str, default: u64, max: u64| -> Result<u64, ConfigError> {
            match var(variable) {
                None => Ok(default),
                Some(v) if v.trim().is_empty() => Ok(default),
                Some(v) => v
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|n| (1..=max).contains(n))
                    .ok_or_else(|| {
                        invalid(
                            variable,
                            &v,
                            &format!("expected a whole number from 1 to {max}"),
                        )
                    }),
            }
        };
        let text = |variable: &'static str| {
            var(variable)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let arn = |variable: &'static str, service: &str| -> Result<Option<String>, ConfigError> {
            match text(variable) {
                None => Ok(None),
                Some(v) if v.starts_with("arn:") && v.split(':').nth(2) == Some(service) => {
                    Ok(Some(v))
                }
                Some(v) => Err(invalid(variable, &v, &format!("expected an {service} ARN"))),
            }
        };
        let chat_format = match text(SNS_FORMAT).as_deref() {
            None | Some("email") => false,
            Some("chat") => true,
            Some(other) => return Err(invalid(SNS_FORMAT, other, "expected `email` or `chat`")),
        };
        let slack_api_url = text(SLACK_API_URL).unwrap_or_else(|| "https://slack.com/api".into());
        if !slack_api_url.starts_with("https://") && !slack_api_url.starts_with("http://127.0.0.1")
        {
            return Err(invalid(
                SLACK_API_URL,
                &slack_api_url,
                "expected an https:// URL",
            ));
        }
        let delivery = Delivery {
            topic_arn: arn(TOPIC, "sns")?,
            chat_format,
            slack_secret_arn: arn(SLACK_SECRET, "secretsmanager")?,
            slack_routing: routing(&text)?,
            slack_api_url,
            table: text(TABLE),
            quiet_period: Duration::from_secs(60 * number(QUIET, 30, 1440)?),
            claim_ttl: Duration::from_secs(3600 * number(CLAIM_TTL, 48, 24 * 90)?),
        };
        Ok(Self {
            sources,
            scheduled_apis,
            schedule_lookback: Duration::from_secs(60 * number(LOOKBACK, 15, 180)?),
            publish_reserve: Duration::from_millis(number(RESERVE, 3000, 60_000)?),
            delivery,
        })
    }
}

/// Slack routing, each variable checked on its own so an error names the one that is wrong.
fn routing(text: &dyn Fn(&'static str) -> Option<String>) -> Result<SlackRouting, ConfigError> {
    let (channels, mention, verdicts) = (
        text(SLACK_CHANNELS),
        text(SLACK_MENTION),
        text(SLACK_MENTION_VERDICTS),
    );
    let wrong = |variable: &'static str, value: &Option<String>, e: RoutingError| ConfigError {
        variable,
        value: value.clone().unwrap_or_default(),
        why: e.to_string(),
    };
    if let Some(c) = &channels {
        slack::parse_channels(c).map_err(|e| wrong(SLACK_CHANNELS, &channels, e))?;
    }
    if let Some(m) = &mention {
        slack::parse_mention(m).map_err(|e| wrong(SLACK_MENTION, &mention, e))?;
    }
    SlackRouting::parse(
        channels.as_deref().unwrap_or_default(),
        mention.as_deref(),
        verdicts.as_deref().unwrap_or_default(),
    )
    .map_err(|e| wrong(SLACK_MENTION_VERDICTS, &verdicts, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_vars(|k| map.get(k).cloned())
    }

    #[test]
    fn an_empty_environment_gives_live_sources_and_defaults() {
        let c = config(&[]).unwrap();
        assert_eq!(c.sources, SourceMode::Live);
        assert!(c.scheduled_apis.is_empty());
        assert_eq!(c.schedule_lookback, Duration::from_secs(900));
        assert_eq!(c.publish_reserve, Duration::from_millis(3000));
    }

    #[test]
    fn scheduled_apis_are_read_from_a_comma_separated_list() {
        let c = config(&[(APIS, "rest:orders-api/prod, http:a1b2c3d4e5/$default")]).unwrap();
        assert_eq!(c.scheduled_apis.len(), 2);
        assert_eq!(c.scheduled_apis[1].stage, "$default");
    }

    #[test]
    fn delivery_settings_are_read_and_checked() {
        let c = config(&[
            (TOPIC, "arn:aws:sns:us-east-1:123456789012:gateway-doctor"),
            (SNS_FORMAT, "chat"),
            (
                SLACK_SECRET,
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:slack-AbCdEf",
            ),
            (TABLE, "gateway-doctor-incidents"),
            (QUIET, "10"),
        ])
        .unwrap();
        assert!(c.delivery.chat_format);
        assert_eq!(c.delivery.quiet_period, Duration::from_secs(600));
        assert_eq!(
            c.delivery.table.as_deref(),
            Some("gateway-doctor-incidents")
        );
        assert_eq!(
            config(&[(TOPIC, "gateway-doctor")]).unwrap_err().variable,
            TOPIC
        );
        assert_eq!(
            config(&[(SLACK_SECRET, "arn:aws:sns:us-east-1:1:x")])
                .unwrap_err()
                .variable,
            SLACK_SECRET
        );
        assert_eq!(
            config(&[(SNS_FORMAT, "sms")]).unwrap_err().variable,
            SNS_FORMAT
        );
        assert_eq!(
            config(&[(SLACK_API_URL, "ftp://x")]).unwrap_err().variable,
            SLACK_API_URL
        );
    }

    #[test]
    fn a_bad_value_names_its_variable() {
        let e = config(&[(APIS, "orders-api")]).unwrap_err();
        assert_eq!(e.variable, APIS);
        assert!(e.to_string().contains("GATEWAY_DOCTOR_APIS"), "{e}");
        assert_eq!(config(&[(SOURCES, "s3")]).unwrap_err().variable, SOURCES);
        assert_eq!(config(&[(RESERVE, "lots")]).unwrap_err().variable, RESERVE);
        assert_eq!(config(&[(LOOKBACK, "0")]).unwrap_err().variable, LOOKBACK);
    }
}
