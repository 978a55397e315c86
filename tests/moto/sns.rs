//! `SnsNotifier` against moto: a topic with an SQS queue subscribed (raw delivery off, so the
//! SNS envelope keeps the subject and the message attributes), read back with the SQS SDK.

use super::{bundled_report, sdk_config, unique};
use gateway_doctor::notify::{Notifier, SnsFormat, SnsNotifier};
use gateway_doctor::report::{Report, chat, sns};
use serde_json::{Value, json};

/// A topic and the queue subscribed to it.
struct Subscribed {
    sns: aws_sdk_sns::Client,
    sqs: aws_sdk_sqs::Client,
    topic_arn: String,
    queue_url: String,
}

async fn subscribed_queue() -> Subscribed {
    let conf = sdk_config().await;
    let sns = aws_sdk_sns::Client::new(&conf);
    let sqs = aws_sdk_sqs::Client::new(&conf);
    let topic_arn = sns
        .create_topic()
        .name(unique("doctor"))
        .send()
        .await
        .expect("create_topic")
        .topic_arn
        .expect("topic ARN");
    let queue_url = sqs
        .create_queue()
        .queue_name(unique("doctor-inbox"))
        .send()
        .await
        .expect("create_queue")
        .queue_url
        .expect("queue URL");
    let queue_arn = sqs
        .get_queue_attributes()
        .queue_url(&queue_url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .send()
        .await
        .expect("get_queue_attributes")
        .attributes
        .and_then(|a| {
            a.get(&aws_sdk_sqs::types::QueueAttributeName::QueueArn)
                .cloned()
        })
        .expect("queue ARN");
    sns.subscribe()
        .topic_arn(&topic_arn)
        .protocol("sqs")
        .endpoint(queue_arn)
        .attributes("RawMessageDelivery", "false")
        .send()
        .await
        .expect("subscribe");
    Subscribed {
        sns,
        sqs,
        topic_arn,
        queue_url,
    }
}

impl Subscribed {
    /// Publishes `report` and returns the SNS envelope the queue received, with the message id
    /// the notifier returned.
    async fn deliver(&self, report: &Report, format: SnsFormat) -> (Value, String) {
        let notifier = SnsNotifier::new(self.sns.clone(), &self.topic_arn, format);
        let refs = notifier.send(report, None).await.expect("published");
        let id = refs.sns_message_id.expect("a message id");
        let messages = self
            .sqs
            .receive_message()
            .queue_url(&self.queue_url)
            .max_number_of_messages(10)
            .wait_time_seconds(2)
            .send()
            .await
            .expect("receive_message")
            .messages
            .unwrap_or_default();
        assert_eq!(messages.len(), 1, "one notification per report");
        let body = messages
            .first()
            .and_then(|m| m.body())
            .expect("a message body");
        let envelope: Value = serde_json::from_str(body).expect("an SNS envelope");
        (envelope, id)
    }
}

fn attributes(envelope: &Value) -> Value {
    envelope["MessageAttributes"].clone()
}

fn string_attribute(value: &str) -> Value {
    json!({"Type": "String", "Value": value})
}

#[tokio::test]
async fn an_email_report_reaches_a_subscribed_queue_with_subject_body_and_filterable_attributes() {
    let report = bundled_report("rest-cold-start.json").await;
    let queue = subscribed_queue().await;
    let (envelope, id) = queue.deliver(&report, SnsFormat::Email).await;

    let rendered = sns::render(&report);
    assert_eq!(envelope["Type"], "Notification");
    assert_eq!(envelope["MessageId"], id.as_str());
    assert_eq!(envelope["TopicArn"], queue.topic_arn.as_str());
    assert_eq!(envelope["Subject"], rendered.subject.as_str());
    assert!(
        rendered.subject.starts_with("[cold_start] "),
        "{}",
        rendered.subject
    );
    assert_eq!(envelope["Message"], rendered.body.as_str());

    let alarm = report.alarm.as_ref().expect("an alarm report");
    let api = report.api.as_ref().expect("the API was resolved");
    assert_eq!(
        attributes(&envelope),
        json!({
            "verdict": string_attribute("cold_start"),
            "api": string_attribute(api.name.as_deref().expect("a REST API name")),
            "stage": string_attribute(&api.stage),
            "state": string_attribute(alarm.state.as_str()),
        })
    );
}

#[tokio::test]
async fn a_chat_follow_up_is_the_custom_notification_threaded_under_its_alarm() {
    let report = bundled_report("rest-recovered-sns.json").await;
    let queue = subscribed_queue().await;
    let (envelope, _) = queue.deliver(&report, SnsFormat::ChatApplications).await;

    // Published without a subject: moto leaves `Subject` out of the envelope; SNS's Lambda
    // event shape has it null. Either says there is none.
    assert!(
        envelope.get("Subject").is_none_or(Value::is_null),
        "{envelope}"
    );
    let message: Value =
        serde_json::from_str(envelope["Message"].as_str().expect("a string message"))
            .expect("the message is JSON");
    assert_eq!(message, chat::render(&report));
    assert_eq!(message["version"], "1.0");
    assert_eq!(message["source"], "custom");
    let alarm = report.alarm.as_ref().expect("an alarm report");
    assert_eq!(message["metadata"]["threadId"], alarm.arn.as_str());
    assert_eq!(
        attributes(&envelope)["verdict"],
        string_attribute("recovered")
    );
    assert_eq!(attributes(&envelope)["state"], string_attribute("OK"));
}

#[tokio::test]
async fn a_missing_topic_is_rejected() {
    let conf = sdk_config().await;
    let missing = "arn:aws:sns:us-east-1:123456789012:no-such-topic";
    let notifier = SnsNotifier::new(aws_sdk_sns::Client::new(&conf), missing, SnsFormat::Email);
    let err = notifier
        .send(&bundled_report("rest-cold-start.json").await, None)
        .await
        .expect_err("no such topic");
    let text = err.to_string();
    assert!(text.starts_with("sns rejected the notification"), "{text}");
    assert!(text.contains(missing), "{text}");
}

#[tokio::test]
async fn a_report_without_api_or_stage_is_published_without_those_attributes() {
    // moto, like SNS, refuses an empty attribute value, so sending one would fail here.
    let mut report = bundled_report("rest-cold-start.json").await;
    report.api = None;
    if let Some(alarm) = report.alarm.as_mut() {
        alarm.api = None;
        alarm.stage = Some(String::new());
    }
    let queue = subscribed_queue().await;
    let (envelope, _) = queue.deliver(&report, SnsFormat::Email).await;
    assert_eq!(
        attributes(&envelope),
        json!({
            "verdict": string_attribute("cold_start"),
            "state": string_attribute("ALARM"),
        })
    );
}
