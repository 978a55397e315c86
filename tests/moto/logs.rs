//! CloudWatchLogsInsights' FilterLogEvents path against moto, which stores and filters log
//! events faithfully (its Logs Insights ignores parse and stats, so that path is tested with
//! canned responses beside the adapter instead).

use crate::{sdk_config, unique};
use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use gateway_doctor::evidence::SourceError;
use gateway_doctor::evidence::logs::evaluate::ExecutionLogEvaluator;
use gateway_doctor::evidence::logs::live::{CloudWatchLogsInsights, FilterBudget};
use gateway_doctor::evidence::logs::{
    AnswerMethod, ExecutionLogQuestion, FailureClass, LogQuestions,
};
use gateway_doctor::trigger::Window;

const LAMBDA_URI: &str = "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:orders-handler/invocations";

/// A five-minute window ending on the last whole minute, recent enough for PutLogEvents.
fn window() -> Window {
    let end = Utc::now()
        .duration_trunc(TimeDelta::minutes(1))
        .expect("a minute divides the epoch");
    Window {
        start: end - TimeDelta::minutes(5),
        end,
    }
}

/// REST execution log lines for three requests starting at `t` (epoch ms): one cut off at the
/// 29 s integration timeout, one fine, one failed by the function.
fn requests_at(t: i64, ids: [&str; 3]) -> Vec<(i64, String)> {
    let [timeout, ok, error] = ids;
    let sending = format!("Sending request to {LAMBDA_URI}");
    let mut lines: Vec<(i64, &str, &str)> = vec![
        (t, timeout, "Extended Request Id: Xk1Z2FjvoAMEbPw="),
        (t, timeout, "Starting execution for request: 4c2a8f19"),
        (t, timeout, "HTTP Method: POST, Resource Path: /orders"),
        (t + 2, timeout, &sending),
        (t + 120, ok, "Starting execution for request: 9d1e0a2b"),
        (t + 121, ok, &sending),
        (
            t + 933,
            ok,
            "Received response. Status: 200, Integration latency: 812 ms",
        ),
        (t + 934, ok, "Successfully completed execution"),
        (t + 934, ok, "Method completed with status: 200"),
        (t + 1_500, error, &sending),
        (
            t + 2_710,
            error,
            "Received response. Status: 200, Integration latency: 1210 ms",
        ),
        (
            t + 2_711,
            error,
            "Lambda execution failed with status 200 due to customer function error: KeyError: 'sku'. Lambda request id: 11111111-2222-3333-4444-555555555555",
        ),
        (t + 2_711, error, "Method completed with status: 502"),
        (
            t + 29_003,
            timeout,
            "Execution failed due to a timeout error",
        ),
        (t + 29_004, timeout, "Method completed with status: 504"),
    ];
    lines.sort_by_key(|(at, _, _)| *at);
    lines
        .into_iter()
        .map(|(at, id, body)| (at, format!("({id}) {body}")))
        .collect()
}

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// Creates the group and one stream, and puts `events` (sorted by time) in batches.
async fn seed(client: &Client, group: &str, events: &[(i64, String)]) {
    client
        .create_log_group()
        .log_group_name(group)
        .send()
        .await
        .expect("moto creates the log group");
    let stream = "2026/11/24/[$LATEST]e4da3b7fbbce2345d7772b0674a318d5";
    client
        .create_log_stream()
        .log_group_name(group)
        .log_stream_name(stream)
        .send()
        .await
        .expect("moto creates the log stream");
    for batch in events.chunks(5_000) {
        let put = client
            .put_log_events()
            .log_group_name(group)
            .log_stream_name(stream)
            .set_log_events(Some(
                batch
                    .iter()
                    .map(|(at, m)| {
                        InputLogEvent::builder()
                            .timestamp(*at)
                            .message(m)
                            .build()
                            .expect("timestamp and message are set")
                    })
                    .collect(),
            ))
            .send()
            .await
            .expect("moto accepts the events");
        assert!(
            put.rejected_log_events_info().is_none(),
            "moto rejected events: {:?}",
            put.rejected_log_events_info()
        );
    }
}

fn evaluated<'a>(
    lines: impl Iterator<Item = &'a (i64, String)>,
) -> gateway_doctor::evidence::logs::ExecutionSummary {
    let mut e = ExecutionLogEvaluator::new();
    for (at, m) in lines {
        e.push(*at, m);
    }
    e.finish()
}

#[tokio::test]
async fn filter_log_events_answers_the_execution_log_question_within_the_window() {
    let client = Client::new(&sdk_config().await);
    let w = window();
    let q = ExecutionLogQuestion {
        rest_api_id: unique("api"),
        stage: "prod".into(),
        window: w,
    };
    let inside = requests_at(
        ms(w.start) + 61_000,
        [
            "4c2a8f19-7d3e-4b1a-9c55-2e8f0a1b3c4d",
            "9d1e0a2b-6c3f-4e5d-8a7b-1c2d3e4f5a6b",
            "7b2a1d3f-4c5e-4f60-9a1b-2c3d4e5f6a7b",
        ],
    );
    let mut all = vec![(
        ms(w.start) - 1,
        "(0a0a0a0a-0000-4000-8000-000000000001) Method completed with status: 500".to_owned(),
    )];
    all.extend(inside.iter().cloned());
    all.push((
        ms(w.end),
        "(0a0a0a0a-0000-4000-8000-000000000002) Method completed with status: 503".to_owned(),
    ));
    seed(&client, &q.log_group(), &all).await;

    let got = CloudWatchLogsInsights::new(client)
        .without_insights()
        .execution_log(&q)
        .await
        .expect("FilterLogEvents answers");

    assert_eq!(got.method, AnswerMethod::FilterFallback);
    assert_eq!((got.bytes_scanned, got.cut_short.as_deref()), (0, None));
    let s = &got.answer;
    assert_eq!(
        *s,
        evaluated(inside.iter()),
        "the lines just outside the window are not read"
    );
    assert_eq!((s.requests, s.lines), (3, 15));
    assert_eq!(s.statuses.get(&504), Some(&1));
    assert_eq!(s.statuses.get(&500), None);
    assert_eq!(s.statuses.get(&503), None);
    assert_eq!(s.failures_of(FailureClass::IntegrationTimeout), 1);
    assert_eq!(
        s.failures[&FailureClass::FunctionError]
            .sample_message
            .as_deref(),
        Some("KeyError: 'sku'")
    );
    assert_eq!(s.integration_latency.count, 2);
    assert_eq!(
        s.slowest_failing[0].request_id,
        "4c2a8f19-7d3e-4b1a-9c55-2e8f0a1b3c4d"
    );
    assert_eq!(s.slowest_failing[0].latency_ms, Some(29_001.0));
}

#[tokio::test]
async fn a_window_larger_than_a_page_is_read_across_pages_and_the_budget_stops_it() {
    let client = Client::new(&sdk_config().await);
    let w = window();
    let q = ExecutionLogQuestion {
        rest_api_id: unique("api"),
        stage: "prod".into(),
        window: w,
    };
    // 700 requests of 15 lines: more than one 10,000-event page.
    let mut all: Vec<(i64, String)> = (0..700)
        .flat_map(|i| {
            let ids = [
                format!("4c2a8f19-7d3e-4b1a-9c55-{i:012x}"),
                format!("9d1e0a2b-6c3f-4e5d-8a7b-{i:012x}"),
                format!("7b2a1d3f-4c5e-4f60-9a1b-{i:012x}"),
            ];
            requests_at(
                ms(w.start) + i64::from(i) * 300,
                [&ids[0], &ids[1], &ids[2]],
            )
        })
        .collect();
    all.sort_by_key(|(at, _)| *at);
    all.retain(|(at, _)| *at < ms(w.end));
    seed(&client, &q.log_group(), &all).await;

    let whole = CloudWatchLogsInsights::new(client.clone())
        .without_insights()
        .execution_log(&q)
        .await
        .expect("FilterLogEvents answers");
    assert_eq!(whole.answer.lines, all.len() as u64);
    assert!(all.len() > 10_000);
    assert_eq!(whole.answer.requests, 2_100);
    assert_eq!(
        whole.answer.failures_of(FailureClass::IntegrationTimeout),
        700
    );
    assert_eq!(whole.cut_short, None);

    let cut = CloudWatchLogsInsights::new(client)
        .without_insights()
        .with_filter_budget(FilterBudget {
            max_events: 1_000,
            ..FilterBudget::default()
        })
        .execution_log(&q)
        .await
        .expect("FilterLogEvents answers");
    assert_eq!(cut.answer.lines, 1_000);
    assert!(cut.cut_short.is_some_and(|why| why.contains("1000 events")));
}

#[tokio::test]
async fn a_log_group_that_does_not_exist_is_not_found() {
    let client = Client::new(&sdk_config().await);
    let q = ExecutionLogQuestion {
        rest_api_id: unique("api"),
        stage: "prod".into(),
        window: window(),
    };
    let err = CloudWatchLogsInsights::new(client)
        .without_insights()
        .execution_log(&q)
        .await
        .expect_err("no such group");
    assert!(
        matches!(err, SourceError::NotFound(ref m) if m.contains(&q.log_group())),
        "{err:?}"
    );
}
