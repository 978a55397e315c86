//! `SecretsManagerSecret` against moto's Secrets Manager: the Slack credential is read by ARN,
//! parsed, and cached for the life of the adapter.

use crate::{secretsmanager, unique};
use gateway_doctor::notify::secret::{SecretError, SecretsManagerSecret, SlackCredential};
use secrecy::ExposeSecret;

async fn create(name: &str, value: &str) -> String {
    let out = secretsmanager()
        .await
        .create_secret()
        .name(name)
        .secret_string(value)
        .send()
        .await
        .expect("create_secret");
    out.arn().expect("the created secret's ARN").to_string()
}

#[tokio::test]
async fn a_webhook_secret_is_read_by_arn_and_kept_for_the_life_of_the_adapter() {
    let name = unique("gateway-doctor/slack-webhook");
    let url = format!(
        "https://hooks.slack.com/services/T0000/B0000/{}",
        unique("x")
    );
    let arn = create(&name, &format!(r#"{{"webhook_url": "{url}"}}"#)).await;
    let secret = SecretsManagerSecret::new(secretsmanager().await, &arn);

    let first = secret.slack_credential().await.expect("first read");
    match first {
        SlackCredential::Webhook(u) => assert_eq!(u.expose_secret(), url),
        SlackCredential::BotToken(_) => panic!("expected the webhook"),
    }

    // A rotation after the first read is not seen until the next execution environment.
    secretsmanager()
        .await
        .put_secret_value()
        .secret_id(&arn)
        .secret_string(r#"{"bot_token": "xoxb-rotated"}"#)
        .send()
        .await
        .expect("put_secret_value");
    let again = secret.slack_credential().await.expect("second read");
    assert!(matches!(again, SlackCredential::Webhook(_)), "cached");

    let fresh = SecretsManagerSecret::new(secretsmanager().await, &arn);
    let rotated = fresh.slack_credential().await.expect("fresh read");
    match rotated {
        SlackCredential::BotToken(t) => assert_eq!(t.expose_secret(), "xoxb-rotated"),
        SlackCredential::Webhook(_) => panic!("a new adapter reads the rotated value"),
    }
}

#[tokio::test]
async fn a_secret_that_does_not_exist_is_an_error_naming_its_arn() {
    let arn = format!(
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:{}-AbCdEf",
        unique("missing")
    );
    let err = SecretsManagerSecret::new(secretsmanager().await, &arn)
        .value()
        .await
        .expect_err("no such secret");
    assert!(matches!(err, SecretError::Read { .. }), "{err}");
    let shown = err.to_string();
    assert!(shown.contains(&arn), "{shown}");
    assert!(shown.contains("ResourceNotFoundException"), "{shown}");
}

#[tokio::test]
async fn a_secret_that_is_no_slack_credential_is_refused_without_showing_it() {
    let name = unique("gateway-doctor/not-slack");
    let arn = create(&name, "hunter2-not-a-credential").await;
    let err = SecretsManagerSecret::new(secretsmanager().await, &arn)
        .slack_credential()
        .await
        .expect_err("not a Slack credential");
    let shown = err.to_string();
    assert!(shown.contains(&arn), "{shown}");
    assert!(!shown.contains("hunter2"), "{shown}");
}
