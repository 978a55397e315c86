//! Delivery end to end: the handler receives sample alarms; moto's SNS delivers to a subscribed SQS
//! queue, DynamoDB claims each state change, Secrets Manager holds the Slack webhook URL, and a
//! local HTTP receiver plays Slack (answering 429 first). The webhook URL must show up nowhere.

use super::{sdk_config, unique};
use gateway_doctor::evidence::scenario;
use gateway_doctor::handler::{App, handle};
use gateway_doctor::incident::DynamoDbIncidentLog;
use gateway_doctor::notify::slack::{self, RetryPolicy};
use gateway_doctor::notify::{
    LogNotifier, Notifier, SecretsManagerSecret, SlackFromSecret, SlackRouting, SnsFormat,
    SnsNotifier,
};
use gateway_doctor::pipeline::{Account, Settings};
use serde_json::Value;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Everything the function logs, kept to look for the secret in.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn event(name: &str) -> Value {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("events")
        .join(name);
    serde_json::from_slice(&std::fs::read(p).expect("event")).expect("json")
}

async fn queue_messages(sqs: &aws_sdk_sqs::Client, url: &str) -> Vec<Value> {
    let out = sqs
        .receive_message()
        .queue_url(url)
        .max_number_of_messages(10)
        .wait_time_seconds(1)
        .send()
        .await
        .expect("receive");
    let mut bodies = Vec::new();
    for m in out.messages() {
        bodies.push(serde_json::from_str(m.body().unwrap_or_default()).expect("SNS envelope"));
        sqs.delete_message()
            .queue_url(url)
            .receipt_handle(m.receipt_handle().unwrap_or_default())
            .send()
            .await
            .expect("delete");
    }
    bodies
}

#[tokio::test(flavor = "current_thread")]
async fn an_alarm_reaches_sns_and_slack_once_and_its_recovery_follows_up_without_leaking_the_webhook()
 {
    let logs = LogBuffer::default();
    let writer = logs.clone();
    let _guard = tracing::subscriber::set_default(
        tracing_subscriber::fmt()
            .json()
            .with_max_level(tracing::Level::DEBUG)
            .with_writer(move || writer.clone())
            .finish(),
    );

    let conf = sdk_config().await;
    // SNS topic with a queue subscribed.
    let sns = aws_sdk_sns::Client::new(&conf);
    let sqs = aws_sdk_sqs::Client::new(&conf);
    let topic = sns
        .create_topic()
        .name(unique("doctor"))
        .send()
        .await
        .expect("topic")
        .topic_arn
        .expect("arn");
    let queue = sqs
        .create_queue()
        .queue_name(unique("inbox"))
        .send()
        .await
        .expect("queue")
        .queue_url
        .expect("url");
    let queue_arn = sqs
        .get_queue_attributes()
        .queue_url(&queue)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .send()
        .await
        .expect("attributes")
        .attributes
        .and_then(|a| {
            a.get(&aws_sdk_sqs::types::QueueAttributeName::QueueArn)
                .cloned()
        })
        .expect("queue arn");
    sns.subscribe()
        .topic_arn(&topic)
        .protocol("sqs")
        .endpoint(queue_arn)
        .send()
        .await
        .expect("subscribe");
    // The claims table, as the template defines it.
    let dynamodb = aws_sdk_dynamodb::Client::new(&conf);
    let table = unique("incidents");
    dynamodb
        .create_table()
        .table_name(&table)
        .billing_mode(aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
        .attribute_definitions(
            aws_sdk_dynamodb::types::AttributeDefinition::builder()
                .attribute_name("pk")
                .attribute_type(aws_sdk_dynamodb::types::ScalarAttributeType::S)
                .build()
                .expect("attribute"),
        )
        .key_schema(
            aws_sdk_dynamodb::types::KeySchemaElement::builder()
                .attribute_name("pk")
                .key_type(aws_sdk_dynamodb::types::KeyType::Hash)
                .build()
                .expect("key"),
        )
        .send()
        .await
        .expect("table");
    // Slack: 429 with Retry-After once, then 200.
    let slack_server = MockServer::start().await;
    let hook_path = "/services/T0GD0CTR/B0GD0CTR/xK9sEcReTwEbHoOkToKeN";
    Mock::given(method("POST"))
        .and(path(hook_path))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "1")
                .set_body_string("rate_limited"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&slack_server)
        .await;
    Mock::given(method("POST"))
        .and(path(hook_path))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .with_priority(2)
        .mount(&slack_server)
        .await;
    let webhook = format!("{}{hook_path}", slack_server.uri());
    let secrets = aws_sdk_secretsmanager::Client::new(&conf);
    let secret_arn = secrets
        .create_secret()
        .name(unique("gateway-doctor/slack"))
        .secret_string(&webhook)
        .send()
        .await
        .expect("secret")
        .arn
        .expect("arn");

    let slack_notifier = SlackFromSecret::new(
        slack::http_client().expect("http client"),
        SecretsManagerSecret::new(secrets, &secret_arn),
        SlackRouting::default(),
    )
    .with_retry(RetryPolicy {
        first_backoff: Duration::from_millis(100),
        ..RetryPolicy::default()
    });
    let notifiers: Vec<Arc<dyn Notifier>> = vec![
        Arc::new(LogNotifier),
        Arc::new(SnsNotifier::new(sns, &topic, SnsFormat::Email)),
        Arc::new(slack_notifier),
    ];
    let app = App {
        account: Account::Recorded(scenario::bundled().expect("bundled")),
        settings: Settings::default(),
        notifiers,
        incidents: Arc::new(DynamoDbIncidentLog::new(dynamodb, &table)),
        quiet_period: Duration::from_secs(30 * 60),
        claim_ttl: Duration::from_secs(48 * 3600),
        publish_reserve: Duration::from_secs(3),
    };

    let alarm = event("rest-integration-timeout-too-low.json");
    let first = handle(&app, &alarm, Duration::from_secs(30))
        .await
        .expect("alarm handled");
    let sent = queue_messages(&sqs, &queue).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    let attrs = &sent[0]["MessageAttributes"];
    assert_eq!(attrs["verdict"]["Value"], "integration_timeout_too_low");
    assert_eq!(attrs["api"]["Value"], "orders-api");
    assert_eq!(attrs["stage"]["Value"], "prod");
    assert_eq!(attrs["state"]["Value"], "ALARM");
    assert!(
        sent[0]["Subject"]
            .as_str()
            .is_some_and(|s| s.contains("integration_timeout_too_low")),
        "{}",
        sent[0]
    );
    let hits = slack_server.received_requests().await.expect("recorded");
    assert_eq!(
        hits.len(),
        2,
        "429 then 200: the retry honoured Retry-After"
    );

    // The same state change delivered again (SNS and Lambda deliver at least once).
    let again = handle(&app, &alarm, Duration::from_secs(30))
        .await
        .expect("redelivery handled");
    assert_eq!(again["skipped"], "duplicate");
    assert!(
        queue_messages(&sqs, &queue).await.is_empty(),
        "no second notification"
    );
    assert_eq!(
        slack_server
            .received_requests()
            .await
            .expect("recorded")
            .len(),
        2
    );

    // The OK transition: a short recovered follow-up that refers to the first.
    let ok = handle(
        &app,
        &event("rest-recovered-sns.json"),
        Duration::from_secs(30),
    )
    .await
    .expect("ok handled");
    let follow_up = queue_messages(&sqs, &queue).await;
    assert_eq!(follow_up.len(), 1);
    assert_eq!(
        follow_up[0]["MessageAttributes"]["verdict"]["Value"],
        "recovered"
    );
    assert_eq!(follow_up[0]["MessageAttributes"]["state"]["Value"], "OK");
    let body = follow_up[0]["Message"].as_str().unwrap_or_default();
    assert!(body.contains("26 min"), "{body}");
    assert!(
        body.contains("integration_timeout_too_low"),
        "refers to the earlier diagnosis: {body}"
    );
    let slack_calls = slack_server.received_requests().await.expect("recorded");
    assert_eq!(slack_calls.len(), 3);
    let recovered: Value = serde_json::from_slice(&slack_calls[2].body).expect("Block Kit");
    assert!(recovered.to_string().contains("ecovered"), "{recovered}");

    // The webhook's secret path is nowhere: not in any log line, report or notification.
    let secret_part = "xK9sEcReTwEbHoOkToKeN";
    let logged = String::from_utf8_lossy(&logs.0.lock().expect("lock")).into_owned();
    assert!(logged.contains("diagnosis"), "the log was captured");
    assert!(!logged.contains(secret_part), "the webhook URL was logged");
    for doc in [
        first.to_string(),
        ok.to_string(),
        serde_json::to_string(&sent).expect("json"),
        serde_json::to_string(&follow_up).expect("json"),
    ] {
        assert!(
            !doc.contains(secret_part),
            "the webhook URL is in a report: {doc}"
        );
    }
    for call in &slack_calls {
        assert!(!String::from_utf8_lossy(&call.body).contains(secret_part));
    }
}
