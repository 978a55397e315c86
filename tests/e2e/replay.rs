//! Every bundled sample event, replayed against its bundled scenario, gives the expected verdict;
//! together they cover every verdict, every alarm shape, REST and HTTP APIs, Lambda and ALB backends.

use super::*;
use gateway_doctor::diagnosis::Verdict;
use gateway_doctor::evidence::api::Backend;
use gateway_doctor::trigger::{AlarmMetric, ApiKind, Delivery};
use std::collections::BTreeSet;

/// The verdict each bundled event must produce (events/ and scenarios/ are written to this table).
const EXPECTED: &[(&str, Verdict)] = &[
    (
        "rest-integration-timeout-too-low.json",
        Verdict::IntegrationTimeoutTooLow,
    ),
    ("rest-hard-limit-sns.json", Verdict::HardLimit),
    ("http-backend-slow-eventbridge.json", Verdict::BackendSlow),
    ("rest-cold-start.json", Verdict::ColdStart),
    ("rest-function-timeout-sns.json", Verdict::FunctionTimeout),
    ("rest-throttling.json", Verdict::Throttling),
    ("http-alb-backend-errors-sns.json", Verdict::BackendErrors),
    (
        "rest-malformed-proxy-eventbridge.json",
        Verdict::BackendErrors,
    ),
    ("rest-gateway-overhead.json", Verdict::GatewayOverhead),
    (
        "http-metric-math-insufficient.json",
        Verdict::InsufficientEvidence,
    ),
    ("rest-recovered-sns.json", Verdict::Recovered),
    (
        "composite-eventbridge.json",
        Verdict::IntegrationTimeoutTooLow,
    ),
    ("http-daily-5xx-sns.json", Verdict::BackendErrors),
    ("scheduled-check.json", Verdict::ColdStart),
];

fn expected(file: &Path) -> Verdict {
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    EXPECTED
        .iter()
        .find(|(f, _)| *f == name)
        .map(|(_, v)| *v)
        .unwrap_or_else(|| panic!("{name} has no expected verdict in the table"))
}

#[tokio::test]
async fn every_bundled_event_gives_its_expected_verdict() {
    let account = bundled_account();
    let files = event_files();
    assert_eq!(
        files.len(),
        EXPECTED.len(),
        "every event file is in the table and vice versa"
    );
    for file in files {
        let reports = reports_for(&decode_file(&file), &account).await;
        assert_eq!(reports.len(), 1, "{}: one report", file.display());
        let d = &reports[0].diagnosis;
        assert_eq!(
            d.verdict,
            expected(&file),
            "{}: got {} ({})",
            file.display(),
            d.verdict,
            d.summary
        );
        assert!(!d.summary.is_empty());
        if d.verdict != Verdict::Recovered {
            assert!(
                !d.findings.is_empty(),
                "{}: findings back the verdict",
                file.display()
            );
            assert!(!d.fixes.is_empty(), "{}: a fix is offered", file.display());
        }
    }
}

#[tokio::test]
async fn every_scenario_states_the_verdict_its_events_produce() {
    let account = bundled_account();
    for file in event_files() {
        let trigger = decode_file(&file);
        let (_, scenario) = account
            .sources_for(&trigger)
            .expect("a bundled scenario answers");
        let scenario = scenario.expect("recorded");
        let got = reports_for(&trigger, &account).await[0].diagnosis.verdict;
        // A scenario states the verdict of its main incident; a recovery follows up on it.
        if got != Verdict::Recovered {
            assert_eq!(
                scenario.expect.as_deref(),
                Some(got.as_str()),
                "{}",
                file.display()
            );
        }
    }
}

#[test]
fn the_bundled_events_cover_every_verdict_shape_api_kind_and_backend() {
    let verdicts: BTreeSet<&str> = EXPECTED.iter().map(|(_, v)| v.as_str()).collect();
    for v in Verdict::ALL {
        assert!(
            verdicts.contains(v.as_str()),
            "no bundled event produces {v}"
        );
    }
    let mut deliveries = BTreeSet::new();
    let mut kinds = BTreeSet::new();
    let (mut math, mut composite, mut schedule) = (false, false, false);
    for file in event_files() {
        match decode_file(&file) {
            Trigger::Alarm(a) => {
                deliveries.insert(format!("{:?}", a.delivery));
                if let Some(api) = &a.api {
                    kinds.insert(format!("{:?}", api.kind));
                }
                math |= matches!(a.metric, AlarmMetric::Math { .. });
                composite |= matches!(a.metric, AlarmMetric::Composite { .. });
            }
            Trigger::Schedule(_) => schedule = true,
        }
    }
    for d in [Delivery::LambdaAction, Delivery::Sns, Delivery::EventBridge] {
        assert!(deliveries.contains(&format!("{d:?}")), "no {d:?} event");
    }
    for k in [ApiKind::Rest, ApiKind::Http] {
        assert!(kinds.contains(&format!("{k:?}")), "no {k:?} API event");
    }
    assert!(
        math && composite && schedule,
        "metric math, composite and schedule events are bundled"
    );
    let backends: Vec<Backend> = scenario::bundled()
        .expect("parse")
        .iter()
        .flat_map(|s| {
            s.apis
                .iter()
                .flat_map(|a| a.integrations.iter().map(|i| i.backend()))
        })
        .collect();
    assert!(backends.iter().any(|b| matches!(b, Backend::Lambda { .. })));
    assert!(
        backends
            .iter()
            .any(|b| matches!(b, Backend::LoadBalancer { .. }))
    );
    assert!(backends.iter().any(|b| matches!(b, Backend::Http { .. })));
}

#[test]
fn every_scenario_file_is_bundled_and_parses() {
    let mut on_disk: Vec<String> = std::fs::read_dir(root().join("scenarios"))
        .expect("scenarios/ exists")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".json"))
        .collect();
    on_disk.sort();
    let mut bundled: Vec<String> = scenario::BUNDLED
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    bundled.sort();
    assert_eq!(on_disk, bundled);
    for n in &on_disk {
        let s = scenario_file(n);
        if let Some(v) = &s.expect {
            assert!(
                Verdict::parse(v).is_some(),
                "{n}: `expect` is not a verdict name: {v}"
            );
        }
    }
}

#[tokio::test]
async fn worst_requests_of_a_function_timeout_are_followed_to_their_report_lines() {
    let account = bundled_account();
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("events/rest-function-timeout-sns.json");
    let reports = reports_for(&decode_file(&file), &account).await;
    let worst = &reports[0].diagnosis.worst_requests;
    assert!(!worst.is_empty());
    for w in worst {
        let f = w
            .function
            .as_ref()
            .unwrap_or_else(|| panic!("{} not followed: {:?}", w.request.request_id, w.missing));
        assert_eq!(
            Some(f.invocation.request_id.as_str()),
            w.request.backend_request_id.as_deref()
        );
        assert!(f.invocation.timed_out, "{f:?}");
        assert!(
            f.invocation.duration_ms.is_some_and(|d| d >= 6_000.0),
            "{f:?}"
        );
        assert!(f.invocation.memory_size_mb.is_some());
    }
}

#[tokio::test]
async fn worst_requests_cut_at_the_integration_timeout_say_the_gateway_named_no_lambda_request() {
    // A request the gateway gave up on never got the Invoke response, so its execution log
    // carries no Lambda request id: the link is said to be missing, not guessed.
    let account = bundled_account();
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("events/rest-integration-timeout-too-low.json");
    let reports = reports_for(&decode_file(&file), &account).await;
    let worst = &reports[0].diagnosis.worst_requests;
    assert!(!worst.is_empty());
    for w in worst {
        assert!(w.request.latency_ms.is_some_and(|l| l >= 10_000.0), "{w:?}");
        assert_eq!(w.function, None);
        assert!(
            w.missing
                .iter()
                .any(|m| m.contains("named no Lambda request id")),
            "{:?}",
            w.missing
        );
    }
}
