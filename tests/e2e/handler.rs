//! The Lambda handler with in-memory fakes, fed every bundled event.

use super::*;
use async_trait::async_trait;
use gateway_doctor::handler::{App, HandlerError, handle};
use gateway_doctor::incident::memory::MemoryIncidentLog;
use gateway_doctor::notify::{IncidentRefs, Notifier, NotifyError};
use std::sync::Mutex;

/// Remembers what it was sent.
#[derive(Default)]
struct Captured(Mutex<Vec<Report>>);

#[async_trait]
impl Notifier for Captured {
    fn name(&self) -> &'static str {
        "captured"
    }
    async fn send(
        &self,
        report: &Report,
        _: Option<&IncidentRefs>,
    ) -> Result<IncidentRefs, NotifyError> {
        self.0.lock().expect("lock").push(report.clone());
        Ok(IncidentRefs::default())
    }
}

/// Always refuses.
struct Refusing;

#[async_trait]
impl Notifier for Refusing {
    fn name(&self) -> &'static str {
        "refusing"
    }
    async fn send(
        &self,
        _: &Report,
        _: Option<&IncidentRefs>,
    ) -> Result<IncidentRefs, NotifyError> {
        Err(NotifyError::Unreachable {
            channel: "refusing",
            detail: "connection refused".into(),
        })
    }
}

fn app(notifiers: Vec<Arc<dyn Notifier>>) -> App {
    App {
        account: bundled_account(),
        settings: Settings::default(),
        notifiers,
        incidents: Arc::new(MemoryIncidentLog::new()),
        quiet_period: Duration::from_secs(30 * 60),
        claim_ttl: Duration::from_secs(48 * 3600),
        publish_reserve: Duration::from_secs(1),
    }
}

fn json_of(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).expect("read")).expect("json")
}

#[tokio::test]
async fn every_bundled_event_is_diagnosed_and_delivered_by_the_handler() {
    let captured = Arc::new(Captured::default());
    let app = app(vec![captured.clone()]);
    for file in event_files() {
        let before = captured.0.lock().expect("lock").len();
        let out = handle(&app, &json_of(&file), Duration::from_secs(30))
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let sent = captured.0.lock().expect("lock").len() - before;
        let returned = out["reports"].as_array().map_or(0, Vec::len);
        assert_eq!(
            sent,
            returned,
            "{}: every report returned was delivered",
            file.display()
        );
        assert!(sent >= 1, "{}: a report went out", file.display());
        assert!(out["reports"][0]["verdict"].is_string());
    }
}

#[tokio::test]
async fn an_event_that_cannot_be_decoded_fails_the_invocation_with_the_reason() {
    let app = app(vec![Arc::new(Captured::default())]);
    let err = handle(
        &app,
        &serde_json::json!({"hello": "world"}),
        Duration::from_secs(5),
    )
    .await
    .expect_err("must fail so the event reaches the failure destination");
    assert!(matches!(err, HandlerError::Decode(_)));
    assert!(
        err.to_string().contains("hello"),
        "names what it saw: {err}"
    );
}

#[tokio::test]
async fn one_working_notifier_is_enough_but_none_fails_the_invocation() {
    let file = root().join("events/rest-integration-timeout-too-low.json");
    let captured = Arc::new(Captured::default());
    let ok = app(vec![Arc::new(Refusing), captured.clone()]);
    handle(&ok, &json_of(&file), Duration::from_secs(30))
        .await
        .expect("delivered once");
    assert_eq!(captured.0.lock().expect("lock").len(), 1);

    let none = app(vec![Arc::new(Refusing)]);
    let err = handle(&none, &json_of(&file), Duration::from_secs(30))
        .await
        .expect_err("nothing delivered");
    assert!(matches!(err, HandlerError::NotDelivered { .. }));
    assert!(err.to_string().contains("orders-api-prod-5xx"), "{err}");
}

#[tokio::test]
async fn a_redelivered_alarm_is_diagnosed_once_and_its_recovery_follows_up() {
    let captured = Arc::new(Captured::default());
    let app = app(vec![captured.clone()]);
    let alarm = json_of(&root().join("events/rest-integration-timeout-too-low.json"));
    handle(&app, &alarm, Duration::from_secs(30))
        .await
        .expect("first delivery");
    let again = handle(&app, &alarm, Duration::from_secs(30))
        .await
        .expect("redelivery");
    assert_eq!(again["skipped"], "duplicate");
    assert_eq!(
        captured.0.lock().expect("lock").len(),
        1,
        "one diagnosis per state change"
    );

    // The OK transition of the same alarm (SNS-delivered: no previous timestamp of its own).
    let ok = json_of(&root().join("events/rest-recovered-sns.json"));
    handle(&app, &ok, Duration::from_secs(30))
        .await
        .expect("follow-up");
    let sent = captured.0.lock().expect("lock");
    let follow_up = &sent[1].diagnosis;
    assert_eq!(follow_up.verdict.as_str(), "recovered");
    assert!(
        follow_up.summary.contains("26 min"),
        "says how long it lasted: {}",
        follow_up.summary
    );
    assert!(
        follow_up
            .findings
            .iter()
            .any(|f| f.text.contains("integration_timeout_too_low")),
        "refers to the earlier diagnosis: {:?}",
        follow_up.findings
    );
}

#[tokio::test]
async fn an_undelivered_alarm_is_released_so_the_retry_delivers_it() {
    let file = root().join("events/rest-integration-timeout-too-low.json");
    let captured = Arc::new(Captured::default());
    let mut app = app(vec![Arc::new(Refusing)]);
    handle(&app, &json_of(&file), Duration::from_secs(30))
        .await
        .expect_err("nothing delivered");
    app.notifiers = vec![captured.clone()];
    let out = handle(&app, &json_of(&file), Duration::from_secs(30))
        .await
        .expect("retry");
    assert!(out.get("skipped").is_none(), "{out}");
    assert_eq!(captured.0.lock().expect("lock").len(), 1);
}
