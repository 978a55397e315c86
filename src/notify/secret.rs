//! Secrets Manager: the Slack credential, read once per execution environment.
//!
//! The value is read on first use rather than at cold start so a failed read (a missing permission,
//! a throttle) costs one notification, not the environment's life: the next invocation reads again.
//! Nothing here ever formats the value; errors name the secret by its ARN only.

use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use tokio::sync::OnceCell;

/// One secret, read by ARN with `GetSecretValue` and cached once read.
#[derive(Debug)]
pub struct SecretsManagerSecret {
    client: Client,
    arn: String,
    value: OnceCell<SecretString>,
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("could not read secret {arn}: {detail}")]
    Read { arn: String, detail: String },
    #[error("secret {arn} has no text value")]
    Empty { arn: String },
    #[error("secret {arn} is not a Slack credential: {why}")]
    NotSlack { arn: String, why: &'static str },
}

impl SecretsManagerSecret {
    pub fn new(client: Client, arn: impl Into<String>) -> Self {
        Self {
            client,
            arn: arn.into(),
            value: OnceCell::new(),
        }
    }

    pub fn arn(&self) -> &str {
        &self.arn
    }

    /// The secret's value; `GetSecretValue` is called until it succeeds once, then never again.
    pub async fn value(&self) -> Result<SecretString, SecretError> {
        self.value.get_or_try_init(|| self.read()).await.cloned()
    }

    /// The value parsed as a [`SlackCredential`].
    pub async fn slack_credential(&self) -> Result<SlackCredential, SecretError> {
        SlackCredential::parse(&self.arn, &self.value().await?)
    }

    async fn read(&self) -> Result<SecretString, SecretError> {
        let out = self
            .client
            .get_secret_value()
            .secret_id(&self.arn)
            .send()
            .await
            .map_err(|e| SecretError::Read {
                arn: self.arn.clone(),
                detail: describe(&e),
            })?;
        let text = match (out.secret_string(), out.secret_binary()) {
            (Some(s), _) => Some(s.to_owned()),
            // A binary secret holding UTF-8 text is the same credential stored another way.
            (None, Some(b)) => String::from_utf8(b.clone().into_inner()).ok(),
            (None, None) => None,
        };
        match text {
            Some(t) if !t.trim().is_empty() => Ok(SecretString::from(t)),
            _ => Err(SecretError::Empty {
                arn: self.arn.clone(),
            }),
        }
    }
}

/// The service's error code and message: they name the secret and the principal, never the value.
fn describe<E, R>(err: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match (err.code(), err.message()) {
        (Some(code), Some(msg)) => format!("secretsmanager:GetSecretValue: {code}: {msg}"),
        (Some(code), None) => format!("secretsmanager:GetSecretValue: {code}"),
        _ => format!(
            "secretsmanager:GetSecretValue: {}",
            DisplayErrorContext(err)
        ),
    }
}

/// What a Slack secret holds: an incoming webhook's URL, or a bot token for the Web API.
#[derive(Debug, Clone)]
pub enum SlackCredential {
    Webhook(SecretString),
    BotToken(SecretString),
}

impl SlackCredential {
    /// Accepts a plain webhook URL, `{"webhook_url": "..."}` or `{"bot_token": "xoxb-..."}`.
    /// `arn` only names the secret in errors.
    pub fn parse(arn: &str, value: &SecretString) -> Result<Self, SecretError> {
        let not_slack = |why| SecretError::NotSlack {
            arn: arn.to_string(),
            why,
        };
        let raw = value.expose_secret().trim();
        if !raw.starts_with('{') {
            return webhook_url(raw)
                .map(|u| Self::Webhook(SecretString::from(u.to_string())))
                .map_err(not_slack);
        }
        // serde's messages can quote the input, so only the fact of a failure is reported.
        let json: Value = serde_json::from_str(raw)
            .map_err(|_| not_slack("it starts with '{' but is not valid JSON"))?;
        let field = |name| match json.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim())),
            Some(_) => Err(not_slack(if name == "webhook_url" {
                "its webhook_url is not a string"
            } else {
                "its bot_token is not a string"
            })),
        };
        match (field("webhook_url")?, field("bot_token")?) {
            (Some(_), Some(_)) => Err(not_slack(
                "it holds both webhook_url and bot_token; keep the one to use",
            )),
            (Some(url), None) => webhook_url(url)
                .map(|u| Self::Webhook(SecretString::from(u.to_string())))
                .map_err(not_slack),
            (None, Some(token)) => bot_token(token)
                .map(|t| Self::BotToken(SecretString::from(t.to_string())))
                .map_err(not_slack),
            (None, None) => Err(not_slack(
                "it is JSON without a webhook_url or bot_token field",
            )),
        }
    }
}

/// An `https://` URL, or `http://` to this machine (a local test receiver): the URL is the
/// credential, so it never goes over plain HTTP across a network.
fn webhook_url(s: &str) -> Result<&str, &'static str> {
    if s.is_empty() {
        return Err("it is empty");
    }
    if s.chars().any(char::is_whitespace) {
        return Err("it is neither a webhook URL (it contains whitespace) nor JSON");
    }
    if let Some(rest) = s.strip_prefix("https://") {
        return if rest.is_empty() || rest.starts_with('/') {
            Err("its webhook URL has no host")
        } else {
            Ok(s)
        };
    }
    if let Some(rest) = s.strip_prefix("http://") {
        let host = rest.split(['/', '?']).next().unwrap_or_default();
        let host = host.rsplit_once(':').map_or(host, |(h, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) {
                h
            } else {
                host
            }
        });
        return if matches!(host, "localhost" | "127.0.0.1" | "[::1]") {
            Ok(s)
        } else {
            Err("its webhook URL is plain http:// to another machine; Slack webhooks are https://")
        };
    }
    Err("it is neither an https:// webhook URL nor JSON with webhook_url or bot_token")
}

fn bot_token(s: &str) -> Result<&str, &'static str> {
    if s.starts_with("xox") && !s.chars().any(char::is_whitespace) {
        Ok(s)
    } else {
        Err("its bot_token does not look like a Slack token (xoxb-…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_secretsmanager::operation::get_secret_value::{
        GetSecretValueError, GetSecretValueOutput,
    };
    use aws_sdk_secretsmanager::types::error::ResourceNotFoundException;
    use aws_smithy_mocks::{RuleMode, mock, mock_client};

    const ARN: &str =
        "arn:aws:secretsmanager:eu-west-1:111122223333:secret:gateway-doctor/slack-AbCdEf";
    const URL: &str = "https://hooks.slack.com/services/T0000/B0000/s3cr3tPathSegment";

    fn parse(value: &str) -> Result<SlackCredential, SecretError> {
        SlackCredential::parse(ARN, &SecretString::from(value))
    }

    fn webhook(c: SlackCredential) -> String {
        match c {
            SlackCredential::Webhook(u) => u.expose_secret().to_string(),
            SlackCredential::BotToken(_) => panic!("expected a webhook"),
        }
    }

    #[test]
    fn a_plain_webhook_url_is_a_webhook() {
        let c = parse(&format!("{URL}\n")).expect("parses");
        assert_eq!(webhook(c), URL);
    }

    #[test]
    fn json_with_a_webhook_url_is_a_webhook() {
        let c = parse(&format!(r#"{{"webhook_url": "{URL}"}}"#)).expect("parses");
        assert_eq!(webhook(c), URL);
    }

    #[test]
    fn json_with_a_bot_token_is_a_bot_token() {
        let c = parse(r#"{"bot_token": "xoxb-1234-5678-abcdef"}"#).expect("parses");
        match c {
            SlackCredential::BotToken(t) => assert_eq!(t.expose_secret(), "xoxb-1234-5678-abcdef"),
            SlackCredential::Webhook(_) => panic!("expected a bot token"),
        }
    }

    #[test]
    fn a_local_http_receiver_is_accepted_but_plain_http_elsewhere_is_not() {
        assert!(parse("http://127.0.0.1:8080/services/T/B/X").is_ok());
        assert!(parse("http://localhost/hook").is_ok());
        let err = parse("http://hooks.example.com/services/T/B/X").expect_err("plain http");
        assert!(err.to_string().contains("plain http://"), "{err}");
    }

    #[test]
    fn values_that_are_no_slack_credential_are_refused_naming_the_arn_but_not_the_value() {
        let cases = [
            ("not-a-url-TOPSECRETVALUE", "neither"),
            (
                r#"{"url": "TOPSECRETVALUE"}"#,
                "without a webhook_url or bot_token",
            ),
            (
                r#"{"bot_token": "TOPSECRETVALUE"}"#,
                "does not look like a Slack token",
            ),
            (
                r#"{"webhook_url": 42, "x": "TOPSECRETVALUE"}"#,
                "webhook_url is not a string",
            ),
            (r#"{"webhook_url": "TOPSECRETVALUE"#, "not valid JSON"),
            (
                r#"{"webhook_url": "https://h/TOPSECRETVALUE", "bot_token": "xoxb-TOPSECRETVALUE"}"#,
                "both",
            ),
            ("https://", "no host"),
            ("   ", "empty"),
        ];
        for (value, expected) in cases {
            let err = parse(value).expect_err(value);
            let shown = format!("{err} {err:?}");
            assert!(shown.contains(ARN), "{shown}");
            assert!(shown.contains(expected), "{value}: {shown}");
            assert!(!shown.contains("TOPSECRETVALUE"), "{shown}");
        }
    }

    #[test]
    fn a_credential_debug_print_hides_the_value() {
        let c = parse(URL).expect("parses");
        assert!(!format!("{c:?}").contains("s3cr3t"));
    }

    fn output(value: &'static str) -> GetSecretValueOutput {
        GetSecretValueOutput::builder()
            .arn(ARN)
            .name("gateway-doctor/slack")
            .secret_string(value)
            .build()
    }

    #[tokio::test]
    async fn the_value_is_read_once_and_cached() {
        let rule = mock!(Client::get_secret_value)
            .match_requests(|r| r.secret_id() == Some(ARN))
            .then_output(|| output(URL));
        let client = mock_client!(aws_sdk_secretsmanager, RuleMode::MatchAny, [&rule]);
        let secret = SecretsManagerSecret::new(client, ARN);

        let first = secret.value().await.expect("first read");
        let second = secret.slack_credential().await.expect("second read");

        assert_eq!(first.expose_secret(), URL);
        assert_eq!(webhook(second), URL);
        assert_eq!(rule.num_calls(), 1);
    }

    #[tokio::test]
    async fn a_failed_read_is_not_cached_and_the_next_read_tries_again() {
        let rule = mock!(Client::get_secret_value)
            .sequence()
            .error(|| {
                GetSecretValueError::ResourceNotFoundException(
                    ResourceNotFoundException::builder()
                        .message("Secrets Manager can't find the specified secret.")
                        .build(),
                )
            })
            .output(|| output(r#"{"bot_token":"xoxb-1-2-3"}"#))
            .build();
        let client = mock_client!(aws_sdk_secretsmanager, RuleMode::Sequential, [&rule]);
        let secret = SecretsManagerSecret::new(client, ARN);

        let err = secret.value().await.expect_err("first read fails");
        let shown = err.to_string();
        assert!(shown.contains(ARN), "{shown}");
        assert!(shown.contains("ResourceNotFoundException"), "{shown}");

        let cred = secret.slack_credential().await.expect("second read");
        assert!(matches!(cred, SlackCredential::BotToken(_)));
        assert!(secret.value().await.is_ok());
        assert_eq!(rule.num_calls(), 2);
    }

    #[tokio::test]
    async fn a_secret_without_a_text_value_is_empty() {
        let rule = mock!(Client::get_secret_value)
            .then_output(|| GetSecretValueOutput::builder().arn(ARN).build());
        let client = mock_client!(aws_sdk_secretsmanager, [&rule]);
        let err = SecretsManagerSecret::new(client, ARN)
            .value()
            .await
            .expect_err("no value");
        assert!(matches!(err, SecretError::Empty { .. }), "{err}");
    }
}
