//! SNS: each report published to one topic, either for e-mail and other plain subscribers (a
//! subject and the text report) or for Amazon Q Developer in chat applications (its custom
//! notification JSON, threaded by alarm). Both carry message attributes that subscription
//! filter policies can select on.

use super::{IncidentRefs, Notifier, NotifyError};
use crate::evidence::sdk_error::{CallFailure, SdkFailure, call_failure};
use crate::report::{Report, chat, sns};
use async_trait::async_trait;
use aws_sdk_sns::Client;
use aws_sdk_sns::config::http::HttpResponse;
use aws_sdk_sns::error::SdkError;
use aws_sdk_sns::operation::publish::PublishError;
use aws_sdk_sns::types::MessageAttributeValue;

const CHANNEL: &str = "sns";

/// What the topic's subscribers read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SnsFormat {
    /// A subject and the plain-text report: readable in e-mail, SMS aside.
    #[default]
    Email,
    /// The custom notification format of Amazon Q Developer in chat applications; its
    /// `metadata.threadId` is the alarm ARN, so the OK follow-up threads under the ALARM card.
    ChatApplications,
}

impl SnsFormat {
    /// `email` or `chat-applications`, as a setting names them.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "email" => Some(Self::Email),
            "chat-applications" => Some(Self::ChatApplications),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::ChatApplications => "chat-applications",
        }
    }
}

/// Publishes reports to one SNS topic.
pub struct SnsNotifier {
    client: Client,
    topic_arn: String,
    format: SnsFormat,
}

impl SnsNotifier {
    pub fn new(client: Client, topic_arn: impl Into<String>, format: SnsFormat) -> Self {
        Self {
            client,
            topic_arn: topic_arn.into(),
            format,
        }
    }
}

/// One Publish request, built without the SDK.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Publication {
    subject: Option<String>,
    message: String,
    attributes: Vec<(&'static str, String)>,
}

fn publication(report: &Report, format: SnsFormat) -> Publication {
    let (subject, message) = match format {
        SnsFormat::Email => {
            let m = sns::render(report);
            (Some(m.subject), m.body)
        }
        SnsFormat::ChatApplications => (None, chat::render(report).to_string()),
    };
    Publication {
        subject,
        message,
        attributes: attributes(report),
    }
}

/// `verdict`, `api`, `stage`, `state` (the alarm's state, or `CHECK` for a check without an
/// alarm). SNS rejects an empty attribute value, so one with no value is left out.
fn attributes(report: &Report) -> Vec<(&'static str, String)> {
    let (api, stage) = match (&report.api, &report.alarm) {
        (Some(api), _) => (
            api.name.clone().or_else(|| api.id.clone()),
            Some(api.stage.clone()),
        ),
        (None, Some(alarm)) => (alarm.api.clone(), alarm.stage.clone()),
        (None, None) => (None, None),
    };
    let state = match &report.alarm {
        Some(alarm) => alarm.state.as_str(),
        None => "CHECK",
    };
    [
        (
            "verdict",
            Some(report.diagnosis.verdict.as_str().to_string()),
        ),
        ("api", api),
        ("stage", stage),
        ("state", Some(state.to_string())),
    ]
    .into_iter()
    .filter_map(|(name, value)| {
        // Control characters have no place in a filter value and XML-based APIs refuse some.
        let value: String = value?.chars().filter(|c| !c.is_control()).collect();
        let value = value.trim();
        (!value.is_empty()).then(|| (name, value.to_string()))
    })
    .collect()
}

fn publish_error(topic_arn: &str, err: &SdkError<PublishError, HttpResponse>) -> NotifyError {
    let CallFailure { kind, detail } = call_failure(err);
    let server_fault = err
        .raw_response()
        .is_some_and(|r| r.status().is_server_error());
    let detail = format!("sns:Publish to {topic_arn}: {detail}");
    match kind {
        // Worth another try later: the topic may well take the same message then. An
        // unreadable answer (often a proxy's page) says nothing about the message either.
        SdkFailure::TimedOut
        | SdkFailure::Unreachable
        | SdkFailure::Malformed
        | SdkFailure::Throttled
        | SdkFailure::Internal => NotifyError::Unreachable {
            channel: CHANNEL,
            detail,
        },
        _ if server_fault => NotifyError::Unreachable {
            channel: CHANNEL,
            detail,
        },
        SdkFailure::AccessDenied | SdkFailure::NotFound | SdkFailure::Service => {
            NotifyError::Rejected {
                channel: CHANNEL,
                detail,
            }
        }
    }
}

#[async_trait]
impl Notifier for SnsNotifier {
    fn name(&self) -> &'static str {
        CHANNEL
    }

    /// SNS has no threads of its own: `earlier` is not needed, since the chat format threads by
    /// alarm ARN and e-mail clients thread by subject.
    async fn send(
        &self,
        report: &Report,
        _earlier: Option<&IncidentRefs>,
    ) -> Result<IncidentRefs, NotifyError> {
        let p = publication(report, self.format);
        let mut request = self
            .client
            .publish()
            .topic_arn(&self.topic_arn)
            .message(p.message)
            .set_subject(p.subject);
        for (name, value) in p.attributes {
            let value = MessageAttributeValue::builder()
                .data_type("String")
                .string_value(value)
                .build()
                .map_err(|e| NotifyError::Rejected {
                    channel: CHANNEL,
                    detail: format!("message attribute {name}: {e}"),
                })?;
            request = request.message_attributes(name, value);
        }
        let out = request
            .send()
            .await
            .map_err(|e| publish_error(&self.topic_arn, &e))?;
        tracing::info!(
            topic = %self.topic_arn,
            format = self.format.as_str(),
            message_id = out.message_id().unwrap_or_default(),
            "published to SNS"
        );
        Ok(IncidentRefs {
            sns_message_id: out.message_id().map(str::to_string),
            ..IncidentRefs::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures;
    use aws_sdk_sns::config::retry::RetryConfig;
    use aws_sdk_sns::operation::publish::{PublishInput, PublishOutput};
    use aws_sdk_sns::types::error::{AuthorizationErrorException, NotFoundException};
    use aws_smithy_mocks::{RuleMode, mock, mock_client};
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    use serde_json::Value;
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    const TOPIC: &str = "arn:aws:sns:eu-west-1:111122223333:gateway-doctor";

    /// Publishes `report` through a mocked SNS that answers with a message id, returning what
    /// was sent and what `send` returned.
    async fn publish(
        report: &Report,
        format: SnsFormat,
    ) -> (PublishInput, Result<IncidentRefs, NotifyError>) {
        let sent: Arc<Mutex<Option<PublishInput>>> = Arc::default();
        let seen = Arc::clone(&sent);
        let rule = mock!(Client::publish)
            .match_requests(move |req| {
                *seen.lock().unwrap() = Some(req.clone());
                true
            })
            .then_output(|| {
                PublishOutput::builder()
                    .message_id("5f3e1c2a-0b7d-4c1e-9a55-2f1d8e6b7c90")
                    .build()
            });
        let client = mock_client!(aws_sdk_sns, [&rule]);
        let got = SnsNotifier::new(client, TOPIC, format)
            .send(report, None)
            .await;
        let input = sent.lock().unwrap().take().expect("a Publish request");
        (input, got)
    }

    fn string_attributes(input: &PublishInput) -> HashMap<String, String> {
        input
            .message_attributes()
            .into_iter()
            .flatten()
            .map(|(k, v)| {
                assert_eq!(v.data_type(), "String", "{k}");
                (k.clone(), v.string_value().unwrap_or_default().to_string())
            })
            .collect()
    }

    fn expected(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[tokio::test]
    async fn an_email_publication_has_the_subject_the_text_body_and_four_attributes() {
        let report = fixtures::cold_start();
        let (input, got) = publish(&report, SnsFormat::Email).await;
        assert_eq!(input.topic_arn(), Some(TOPIC));
        let rendered = sns::render(&report);
        assert_eq!(input.subject(), Some(rendered.subject.as_str()));
        assert_eq!(input.message(), Some(rendered.body.as_str()));
        assert_eq!(
            string_attributes(&input),
            expected(&[
                ("verdict", "cold_start"),
                ("api", "catalog-api"),
                ("stage", "prod"),
                ("state", "ALARM"),
            ])
        );
        assert_eq!(
            got.expect("published").sns_message_id.as_deref(),
            Some("5f3e1c2a-0b7d-4c1e-9a55-2f1d8e6b7c90")
        );
    }

    #[tokio::test]
    async fn a_chat_publication_is_the_custom_notification_threaded_by_alarm_without_a_subject() {
        let report = fixtures::recovered();
        let (input, got) = publish(&report, SnsFormat::ChatApplications).await;
        assert_eq!(input.subject(), None);
        let body: Value =
            serde_json::from_str(input.message().unwrap_or_default()).expect("the message is JSON");
        assert_eq!(body, chat::render(&report));
        assert_eq!(body["version"], "1.0");
        assert_eq!(body["source"], "custom");
        assert_eq!(body["metadata"]["threadId"], fixtures::ALARM_ARN);
        assert_eq!(string_attributes(&input)["state"], "OK");
        assert_eq!(string_attributes(&input)["verdict"], "recovered");
        assert!(got.expect("published").sns_message_id.is_some());
    }

    #[tokio::test]
    async fn a_scheduled_check_is_in_state_check() {
        let (input, _) = publish(&fixtures::scheduled(), SnsFormat::Email).await;
        assert_eq!(
            string_attributes(&input),
            expected(&[
                ("verdict", "backend_slow"),
                ("api", "catalog-api"),
                ("stage", "prod"),
                ("state", "CHECK"),
            ])
        );
    }

    #[test]
    fn an_attribute_without_a_value_is_left_out_rather_than_sent_empty() {
        let mut report = fixtures::cold_start();
        report.api = None;
        if let Some(alarm) = report.alarm.as_mut() {
            alarm.api = Some(" \u{7}\n".into());
            alarm.stage = None;
        }
        let names: Vec<&str> = attributes(&report).iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["verdict", "state"]);
    }

    #[test]
    fn an_api_known_only_by_id_is_filtered_on_its_id() {
        let mut report = fixtures::cold_start();
        if let Some(api) = report.api.as_mut() {
            api.name = None;
        }
        let attrs: HashMap<_, _> = attributes(&report).into_iter().collect();
        assert_eq!(attrs.get("api").map(String::as_str), Some("a1b2c3d4e5"));
    }

    #[test]
    fn the_format_setting_is_parsed_by_name() {
        assert_eq!(SnsFormat::parse("email"), Some(SnsFormat::Email));
        assert_eq!(
            SnsFormat::parse(" Chat-Applications "),
            Some(SnsFormat::ChatApplications)
        );
        assert_eq!(SnsFormat::parse("slack"), None);
        assert_eq!(SnsFormat::default(), SnsFormat::Email);
        for f in [SnsFormat::Email, SnsFormat::ChatApplications] {
            assert_eq!(SnsFormat::parse(f.as_str()), Some(f));
        }
    }

    async fn failing(rule: aws_smithy_mocks::Rule) -> NotifyError {
        let client = mock_client!(aws_sdk_sns, RuleMode::MatchAny, [&rule], |c| c
            .retry_config(RetryConfig::disabled()));
        SnsNotifier::new(client, TOPIC, SnsFormat::Email)
            .send(&fixtures::cold_start(), None)
            .await
            .expect_err("the publish fails")
    }

    fn query_error(status: u16, code: &str) -> aws_smithy_mocks::Rule {
        let body = format!(
            "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>Sender</Type>\
             <Code>{code}</Code><Message>said SNS</Message></Error><RequestId>r-1</RequestId></ErrorResponse>"
        );
        mock!(Client::publish).then_http_response(move || {
            HttpResponse::new(
                StatusCode::try_from(status).unwrap(),
                SdkBody::from(body.clone()),
            )
        })
    }

    #[tokio::test]
    async fn a_denied_or_missing_topic_is_a_rejection_naming_the_topic() {
        let denied = mock!(Client::publish).then_error(|| {
            PublishError::AuthorizationErrorException(
                AuthorizationErrorException::builder()
                    .message("not authorized to perform SNS:Publish")
                    .build(),
            )
        });
        let missing = mock!(Client::publish).then_error(|| {
            PublishError::NotFoundException(
                NotFoundException::builder()
                    .message("Topic does not exist")
                    .build(),
            )
        });
        for (rule, says) in [
            (denied, "not authorized"),
            (missing, "Topic does not exist"),
        ] {
            let err = failing(rule).await;
            assert!(
                matches!(err, NotifyError::Rejected { channel: "sns", ref detail }
                    if detail.contains(says) && detail.contains(TOPIC)),
                "{err:?}"
            );
        }
    }

    #[tokio::test]
    async fn an_invalid_parameter_is_a_rejection() {
        let err = failing(query_error(400, "InvalidParameter")).await;
        assert!(
            matches!(err, NotifyError::Rejected { ref detail, .. } if detail.contains("said SNS")),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn throttling_and_server_faults_are_unreachable() {
        for (status, code) in [
            (400, "Throttling"),
            (500, "InternalError"),
            (503, "SomethingNew"),
        ] {
            let err = failing(query_error(status, code)).await;
            assert!(
                matches!(err, NotifyError::Unreachable { channel: "sns", .. }),
                "{status} {code}: {err:?}"
            );
        }
    }
}
