//! A source that fails or is late becomes a named gap; the report still goes out.

use super::*;
use gateway_doctor::evidence::{SourceError, SourceKind};

#[tokio::test]
async fn a_source_that_is_denied_becomes_a_named_gap_and_the_report_still_goes_out() {
    let mut s = scenario_file("orders-api.json");
    s.failures.insert(
        SourceKind::Traces,
        SourceError::AccessDenied(
            "User is not authorized to perform: xray:GetTraceSummaries".into(),
        ),
    );
    s.failures.insert(
        SourceKind::FunctionLog,
        SourceError::Throttled("LimitExceededException".into()),
    );
    let trigger = decode_file(&root().join("events/rest-integration-timeout-too-low.json"));
    let reports = reports_for(&trigger, &single(s)).await;
    let gaps = &reports[0].diagnosis.gaps;
    assert!(
        gaps.iter().any(|g| g.source == SourceKind::FunctionLog
            && matches!(g.reason, SourceError::Throttled(_))),
        "{gaps:?}"
    );
    assert!(!reports[0].diagnosis.summary.is_empty());
}

#[tokio::test]
async fn a_source_later_than_the_deadline_becomes_a_gap_before_the_deadline() {
    let mut s = scenario_file("orders-api.json");
    s.delays_ms.insert(SourceKind::ExecutionLog, 5_000);
    let trigger = decode_file(&root().join("events/rest-integration-timeout-too-low.json"));
    let started = std::time::Instant::now();
    let deadline = Instant::now() + Duration::from_millis(300);
    let outcomes = pipeline::run(&trigger, &single(s), &Settings::default(), deadline)
        .await
        .expect("runs");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "did not wait for the late source"
    );
    let Outcome::Report(r) = &outcomes[0] else {
        panic!("a report")
    };
    assert!(
        r.diagnosis
            .gaps
            .iter()
            .any(|g| g.source == SourceKind::ExecutionLog
                && matches!(g.reason, SourceError::DeadlinePassed(_))),
        "{:?}",
        r.diagnosis.gaps
    );
}

#[tokio::test]
async fn an_alarm_on_an_api_the_account_does_not_have_is_reported_with_why() {
    let mut s = scenario_file("orders-api.json");
    s.apis.clear();
    let trigger = decode_file(&root().join("events/rest-integration-timeout-too-low.json"));
    let reports = reports_for(&trigger, &single(s)).await;
    let d = &reports[0].diagnosis;
    assert!(
        d.gaps
            .iter()
            .any(|g| g.source == SourceKind::ApiConfig
                && matches!(g.reason, SourceError::NotFound(_))),
        "{:?}",
        d.gaps
    );
}

#[tokio::test]
async fn a_composite_alarm_whose_children_cannot_be_resolved_is_still_reported() {
    let mut s = scenario_file("orders-api.json");
    s.alarms.clear();
    let trigger = decode_file(&root().join("events/composite-eventbridge.json"));
    let reports = reports_for(&trigger, &single(s)).await;
    let d = &reports[0].diagnosis;
    assert_eq!(d.verdict.as_str(), "insufficient_evidence");
    assert!(d.summary.contains("orders-api-health"), "{}", d.summary);
    assert!(
        d.gaps.iter().any(|g| g.source == SourceKind::Alarms),
        "{:?}",
        d.gaps
    );
}
