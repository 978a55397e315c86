//! What every incident store answers, as tests over any `IncidentLog`.
//!
//! This file is not a module of the library: it is included with `#[path]` by `memory.rs`'s
//! tests and by `tests/moto/incidents.rs`, so the memory store and the DynamoDB table run the
//! same cases. The including module provides `lib` (the gateway_doctor crate) and an async
//! `make_log()` that returns an empty store.

use super::lib::incident::{Claim, Incident, IncidentLog, StateChange};
use super::lib::notify::{IncidentRefs, SlackMessageRef};
use super::make_log;
use chrono::{DateTime, Duration, Utc};

const ARN: &str = "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:catalog-api-5xx";
const OTHER_ARN: &str = "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:orders-api-latency";

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("test timestamp")
        .with_timezone(&Utc)
}

fn change(arn: &str, state: &str, when: &str) -> StateChange {
    StateChange {
        alarm_arn: arn.into(),
        state: state.into(),
        at: at(when),
    }
}

fn quiet() -> Duration {
    Duration::minutes(15)
}

fn ttl() -> Duration {
    Duration::days(7)
}

async fn claim(log: &impl IncidentLog, arn: &str, state: &str, when: &str) -> Claim {
    log.claim(&change(arn, state, when), quiet(), ttl())
        .await
        .unwrap_or_else(|e| panic!("claim {state} at {when}: {e}"))
}

fn quiet_since(when: &str) -> Claim {
    Claim::Quiet {
        last_diagnosed: at(when),
    }
}

fn incident(started: &str, verdict: &str, refs: IncidentRefs) -> Incident {
    Incident {
        started_at: at(started),
        verdict: verdict.into(),
        refs,
    }
}

fn full_refs() -> IncidentRefs {
    IncidentRefs {
        slack: Some(SlackMessageRef {
            channel: "C0123456789".into(),
            ts: "1793671200.000100".into(),
        }),
        sns_message_id: Some("5f3e1c2a-0b7d-4c1e-9a55-2f1d8e6b7c90".into()),
    }
}

#[tokio::test]
async fn a_released_claim_is_fresh_again_and_leaves_no_quiet_period_behind() {
    let log = make_log().await;
    let when = "2026-11-03T02:14:07Z";
    assert_eq!(claim(&log, ARN, "ALARM", when).await, Claim::Fresh);
    log.release(&change(ARN, "ALARM", when))
        .await
        .expect("released");
    assert_eq!(
        claim(&log, ARN, "ALARM", when).await,
        Claim::Fresh,
        "the retry claims it again"
    );
    assert_eq!(
        claim(&log, ARN, "ALARM", "2026-11-03T02:20:07Z").await,
        quiet_since(when),
        "the retried diagnosis counts for the quiet period"
    );
}

#[tokio::test]
async fn a_redelivered_state_change_is_a_duplicate() {
    let log = make_log().await;
    for state in ["ALARM", "OK", "INSUFFICIENT_DATA"] {
        let when = "2026-11-03T02:14:07Z";
        assert_eq!(claim(&log, ARN, state, when).await, Claim::Fresh, "{state}");
        assert_eq!(
            claim(&log, ARN, state, when).await,
            Claim::Duplicate,
            "{state}"
        );
    }
}

#[tokio::test]
async fn an_alarm_within_the_quiet_period_is_quiet_since_the_last_diagnosis() {
    let log = make_log().await;
    assert_eq!(
        claim(&log, ARN, "ALARM", "2026-11-03T02:14:07Z").await,
        Claim::Fresh
    );
    assert_eq!(
        claim(&log, ARN, "OK", "2026-11-03T02:16:00Z").await,
        Claim::Fresh
    );
    assert_eq!(
        claim(&log, ARN, "ALARM", "2026-11-03T02:20:00Z").await,
        quiet_since("2026-11-03T02:14:07Z")
    );
    // Exactly one quiet period later is still within it.
    assert_eq!(
        claim(&log, ARN, "ALARM", "2026-11-03T02:29:07Z").await,
        quiet_since("2026-11-03T02:14:07Z")
    );
}

#[tokio::test]
async fn an_alarm_after_the_quiet_period_is_fresh_and_starts_a_new_one() {
    let log = make_log().await;
    claim(&log, ARN, "ALARM", "2026-11-03T02:14:07Z").await;
    assert_eq!(
        claim(&log, ARN, "ALARM", "2026-11-03T02:29:08Z").await,
        Claim::Fresh
    );
    assert_eq!(
        claim(&log, ARN, "ALARM", "2026-11-03T02:40:00Z").await,
        quiet_since("2026-11-03T02:29:08Z")
    );
}

#[tokio::test]
async fn a_quiet_alarm_does_not_extend_the_quiet_period() {
    let log = make_log().await;
    claim(&log, ARN, "ALARM", "2026-11-03T02:00:00Z").await;
    assert_eq!(
        claim(&log, ARN, "ALARM", "2026-11-03T02:10:00Z").await,
        quiet_since("2026-11-03T02:00:00Z")
    );
    assert_eq!(
        claim(&log, ARN, "ALARM", "2026-11-03T02:16:00Z").await,
        Claim::Fresh
    );
}

#[tokio::test]
async fn a_redelivered_quiet_alarm_is_a_duplicate() {
    let log = make_log().await;
    claim(&log, ARN, "ALARM", "2026-11-03T02:00:00Z").await;
    assert_eq!(
        claim(&log, ARN, "ALARM", "2026-11-03T02:05:00Z").await,
        quiet_since("2026-11-03T02:00:00Z")
    );
    assert_eq!(
        claim(&log, ARN, "ALARM", "2026-11-03T02:05:00Z").await,
        Claim::Duplicate
    );
}

#[tokio::test]
async fn ok_and_insufficient_data_claims_are_never_quiet() {
    let log = make_log().await;
    claim(&log, ARN, "ALARM", "2026-11-03T02:00:00Z").await;
    for (state, when) in [
        ("OK", "2026-11-03T02:01:00Z"),
        ("INSUFFICIENT_DATA", "2026-11-03T02:02:00Z"),
        ("OK", "2026-11-03T02:03:00Z"),
    ] {
        assert_eq!(
            claim(&log, ARN, state, when).await,
            Claim::Fresh,
            "{state} {when}"
        );
    }
}

#[tokio::test]
async fn alarms_are_kept_apart() {
    let log = make_log().await;
    claim(&log, ARN, "ALARM", "2026-11-03T02:00:00Z").await;
    assert_eq!(
        claim(&log, OTHER_ARN, "ALARM", "2026-11-03T02:01:00Z").await,
        Claim::Fresh
    );
    assert_eq!(
        claim(&log, OTHER_ARN, "ALARM", "2026-11-03T02:00:00Z").await,
        quiet_since("2026-11-03T02:01:00Z")
    );
}

#[tokio::test]
async fn changes_a_fraction_of_a_second_apart_are_different_and_the_diagnosis_is_kept_to_the_second()
 {
    let log = make_log().await;
    assert_eq!(
        claim(&log, ARN, "ALARM", "2026-11-03T02:00:00.250Z").await,
        Claim::Fresh
    );
    assert_eq!(
        claim(&log, ARN, "ALARM", "2026-11-03T02:00:00.750Z").await,
        quiet_since("2026-11-03T02:00:00Z")
    );
}

#[tokio::test]
async fn with_no_quiet_period_only_duplicates_are_suppressed() {
    let log = make_log().await;
    let zero = Duration::zero();
    for when in ["2026-11-03T02:00:00Z", "2026-11-03T02:00:01Z"] {
        let c = change(ARN, "ALARM", when);
        assert_eq!(log.claim(&c, zero, ttl()).await.ok(), Some(Claim::Fresh));
        assert_eq!(
            log.claim(&c, zero, ttl()).await.ok(),
            Some(Claim::Duplicate)
        );
    }
}

#[tokio::test]
async fn an_opened_incident_is_found_until_it_is_closed() {
    let log = make_log().await;
    assert_eq!(log.find(ARN).await.expect("find"), None);
    // Fractions of a second survive: the duration of the incident is computed from it.
    let opened = incident("2026-11-03T02:14:07.123Z", "cold_start", full_refs());
    log.open(ARN, &opened, ttl()).await.expect("open");
    assert_eq!(log.find(ARN).await.expect("find"), Some(opened));
    assert_eq!(log.find(OTHER_ARN).await.expect("find"), None);
    log.close(ARN).await.expect("close");
    assert_eq!(log.find(ARN).await.expect("find"), None);
    log.close(ARN).await.expect("closing twice is harmless");
}

#[tokio::test]
async fn a_later_alarm_opens_a_new_incident_in_place_of_the_old_one() {
    let log = make_log().await;
    log.open(
        ARN,
        &incident("2026-11-03T02:00:00Z", "cold_start", full_refs()),
        ttl(),
    )
    .await
    .expect("open");
    log.close(ARN).await.expect("close");
    let only_sns = IncidentRefs {
        slack: None,
        sns_message_id: Some("9a8b7c6d".into()),
    };
    let second = incident("2026-11-03T05:00:00Z", "backend_slow", only_sns);
    log.open(ARN, &second, ttl()).await.expect("open");
    assert_eq!(log.find(ARN).await.expect("find"), Some(second.clone()));
    // Opening over an incident never closed replaces it too.
    let third = incident(
        "2026-11-03T06:00:00Z",
        "throttling",
        IncidentRefs::default(),
    );
    log.open(ARN, &third, ttl()).await.expect("open");
    assert_eq!(log.find(ARN).await.expect("find"), Some(third));
}
