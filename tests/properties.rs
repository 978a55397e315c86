//! Fuzzing as bounded property tests, run in CI with every `cargo test`.
//!
//! Whatever arrives, event decoding, the log evaluators and the scenario parser must answer
//! (an error is an answer) and never panic; the evaluators must also keep their state bounded
//! by what the lines say. Inputs are arbitrary, built from the shapes the code reads, or the
//! bundled events and scenarios mutated.
//!
//! Each property prints how many inputs it ran (`cargo test --test properties -- --nocapture`).
//! `PROPTEST_CASES=N` runs every property N times for a longer fuzzing session.

use gateway_doctor::evidence::logs::evaluate::{
    AccessLogEvaluator, ExecutionLogEvaluator, FunctionLogEvaluator, SAMPLES, SLOWEST,
};
use gateway_doctor::evidence::logs::{LatencyStats, RequestRecord, Tally};
use gateway_doctor::evidence::scenario::{self, Scenario};
use gateway_doctor::trigger;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// Longest sample message the evaluators keep, in characters.
const MESSAGE_CHARS: usize = 200;
/// Distinct integration error texts an access log summary keeps, plus the bucket for the rest.
const ERROR_TEXTS: usize = 32 + 1;

// -------------------------------------------------------------------------------------------
// Running properties with a count
// -------------------------------------------------------------------------------------------

/// Runs `test` on `cases` inputs from `strategy` (or `PROPTEST_CASES`), prints how many ran,
/// and fails with the smallest failing input proptest finds. Panics inside `test` are caught
/// and shrunk like any failure.
fn check<S: Strategy>(
    name: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let ran = AtomicU64::new(0);
    let result = runner.run(&strategy, |input| {
        ran.fetch_add(1, Ordering::Relaxed);
        test(input)
    });
    println!(
        "property `{name}`: {} inputs ran ({cases} had to pass)",
        ran.load(Ordering::Relaxed)
    );
    if let Err(e) = result {
        panic!("property `{name}` failed: {e}");
    }
}

// -------------------------------------------------------------------------------------------
// The bundled inputs
// -------------------------------------------------------------------------------------------

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled events, as bytes, by file name.
fn events() -> &'static [(String, Vec<u8>)] {
    static EVENTS: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    EVENTS.get_or_init(|| {
        let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(root().join("events"))
            .expect("events/ exists")
            .map(|e| e.expect("readable entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .map(|p| {
                let name = p
                    .file_name()
                    .expect("a file")
                    .to_string_lossy()
                    .into_owned();
                (name, std::fs::read(&p).expect("event readable"))
            })
            .collect();
        v.sort();
        v
    })
}

fn event_values() -> Vec<Value> {
    events()
        .iter()
        .map(|(_, b)| serde_json::from_slice(b).expect("bundled events are JSON"))
        .collect()
}

/// Every object key and string value in the bundled events, JSON embedded in strings included
/// (the SNS `Message`): arbitrary JSON built from these reaches the decoder's deeper branches.
fn vocabulary() -> &'static (Vec<String>, Vec<String>) {
    static WORDS: OnceLock<(Vec<String>, Vec<String>)> = OnceLock::new();
    WORDS.get_or_init(|| {
        fn walk(v: &Value, keys: &mut Vec<String>, strings: &mut Vec<String>) {
            match v {
                Value::Object(m) => {
                    for (k, item) in m {
                        keys.push(k.clone());
                        walk(item, keys, strings);
                    }
                }
                Value::Array(items) => items.iter().for_each(|i| walk(i, keys, strings)),
                Value::String(s) => {
                    if let Ok(inner @ (Value::Object(_) | Value::Array(_))) =
                        serde_json::from_str::<Value>(s)
                    {
                        walk(&inner, keys, strings);
                    }
                    strings.push(s.clone());
                }
                _ => {}
            }
        }
        let (mut keys, mut strings) = (Vec::new(), Vec::new());
        for v in event_values() {
            walk(&v, &mut keys, &mut strings);
        }
        keys.sort();
        keys.dedup();
        strings.sort();
        strings.dedup();
        (keys, strings)
    })
}

// -------------------------------------------------------------------------------------------
// JSON: arbitrary values and mutations of real documents
// -------------------------------------------------------------------------------------------

/// Arbitrary text of up to `max` characters: any `char`, control and unassigned ones included
/// (cheaper to generate than a regex class, and harsher).
fn text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(any::<char>(), 0..=max).prop_map(String::from_iter)
}

/// Strings a decoder is likely to trip on.
fn awkward_string() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("ALARM".to_string()),
        Just("OK".to_string()),
        Just("INSUFFICIENT_DATA".to_string()),
        Just("2026-11-24T02:15:00.000+0000".to_string()),
        Just("2026-13-45T99:99:99Z".to_string()),
        Just("+275760-09-13T00:00:00Z".to_string()),
        Just("arn:aws:cloudwatch:us-east-1:123456789012:alarm:x".to_string()),
        Just("arn:aws:cloudwatch".to_string()),
        Just("arn:::::::::".to_string()),
        Just("null".to_string()),
        Just("{\"AlarmName\": null}".to_string()),
        Just("-1".to_string()),
        Just("1e309".to_string()),
        Just("\u{0}\u{ffff}é🦀".to_string()),
        text(64),
        "[ -~]{0,24}",
    ]
}

fn json_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        prop_oneof![
            Just(0),
            Just(-1),
            Just(1),
            Just(60),
            Just(86_400),
            Just(i64::MAX)
        ]
        .prop_map(Value::from),
    ]
}

/// Arbitrary JSON whose keys and strings are mostly those the bundled events use.
fn json_value() -> impl Strategy<Value = Value> {
    let (keys, strings) = vocabulary();
    let (keys, strings) = (keys.clone(), strings.clone());
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        json_number(),
        prop::sample::select(strings).prop_map(Value::String),
        awkward_string().prop_map(Value::String),
    ];
    let key = prop_oneof![
        4 => prop::sample::select(keys),
        1 => "[ -~]{0,12}",
    ];
    leaf.prop_recursive(5, 96, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner.clone()), 0..10)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            // JSON inside a string, as SNS carries the alarm.
            inner.prop_map(|v| Value::String(v.to_string())),
        ]
    })
}

/// One change to one node of a JSON document.
#[derive(Debug, Clone)]
enum Mutation {
    Replace(Value),
    DropKey(Index),
    AddKey(String, Value),
    DropItem(Index),
    DuplicateItem(Index),
    Truncate(Index),
    /// The node as a string of its JSON, or a string's JSON parsed back.
    Stringify,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let key = prop::sample::select(vocabulary().0.clone());
    prop_oneof![
        3 => json_value().prop_map(Mutation::Replace),
        2 => any::<Index>().prop_map(Mutation::DropKey),
        1 => (key, json_value()).prop_map(|(k, v)| Mutation::AddKey(k, v)),
        1 => any::<Index>().prop_map(Mutation::DropItem),
        1 => any::<Index>().prop_map(Mutation::DuplicateItem),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        1 => Just(Mutation::Stringify),
    ]
}

impl Mutation {
    fn apply_here(&self, v: &mut Value) {
        match (self, &mut *v) {
            (Self::Replace(new), _) => *v = new.clone(),
            (Self::DropKey(i), Value::Object(m)) if !m.is_empty() => {
                let key = m.keys().nth(i.index(m.len())).cloned();
                if let Some(k) = key {
                    m.remove(&k);
                }
            }
            (Self::AddKey(k, new), Value::Object(m)) => {
                m.insert(k.clone(), new.clone());
            }
            (Self::DropItem(i), Value::Array(items)) if !items.is_empty() => {
                items.remove(i.index(items.len()));
            }
            (Self::DuplicateItem(i), Value::Array(items)) if !items.is_empty() => {
                let copy = items[i.index(items.len())].clone();
                items.push(copy);
            }
            (Self::Truncate(i), Value::String(s)) => {
                let cut = s
                    .char_indices()
                    .map(|(at, _)| at)
                    .nth(i.index(s.chars().count() + 1))
                    .unwrap_or(s.len());
                s.truncate(cut);
            }
            (Self::Stringify, Value::String(s)) => {
                if let Ok(parsed) = serde_json::from_str::<Value>(s) {
                    *v = parsed;
                }
            }
            (Self::Stringify, other) => *v = Value::String(other.to_string()),
            _ => {}
        }
    }
}

/// Nodes in `v`, counting those of JSON embedded in strings.
fn node_count(v: &Value) -> usize {
    1 + match v {
        Value::Array(items) => items.iter().map(node_count).sum(),
        Value::Object(m) => m.values().map(node_count).sum(),
        Value::String(s) => match serde_json::from_str::<Value>(s) {
            Ok(inner @ (Value::Object(_) | Value::Array(_))) => node_count(&inner),
            _ => 0,
        },
        _ => 0,
    }
}

/// Applies `m` to the `target`th node in pre-order; JSON embedded in a string is edited in place.
fn mutate_at(v: &mut Value, target: &mut usize, m: &Mutation) -> bool {
    if *target == 0 {
        m.apply_here(v);
        return true;
    }
    *target -= 1;
    match v {
        Value::Array(items) => items.iter_mut().any(|i| mutate_at(i, target, m)),
        Value::Object(map) => map.values_mut().any(|i| mutate_at(i, target, m)),
        Value::String(s) => match serde_json::from_str::<Value>(s) {
            Ok(mut inner @ (Value::Object(_) | Value::Array(_))) => {
                let done = mutate_at(&mut inner, target, m);
                if done {
                    *s = inner.to_string();
                }
                done
            }
            _ => false,
        },
        _ => false,
    }
}

fn mutated(mut doc: Value, edits: &[(Index, Mutation)]) -> Value {
    for (at, m) in edits {
        let mut target = at.index(node_count(&doc));
        mutate_at(&mut doc, &mut target, m);
    }
    doc
}

// -------------------------------------------------------------------------------------------
// Event decoding
// -------------------------------------------------------------------------------------------

#[test]
fn every_bundled_event_decodes_so_the_mutations_start_from_valid_input() {
    for (name, bytes) in events() {
        assert!(trigger::decode(bytes).is_ok(), "{name} does not decode");
    }
}

#[test]
fn decoding_arbitrary_bytes_never_panics() {
    let bytes = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..2048),
        // A bundled event with bytes flipped, inserted and cut.
        (
            prop::sample::select(events().to_vec()),
            prop::collection::vec((any::<Index>(), any::<u8>()), 1..8),
            any::<Index>(),
        )
            .prop_map(|((_, mut b), edits, cut)| {
                for (at, byte) in edits {
                    let i = at.index(b.len());
                    if byte % 2 == 0 {
                        b[i] = byte;
                    } else {
                        b.insert(i, byte);
                    }
                }
                b.truncate(b.len() - cut.index(b.len() / 4 + 1));
                b
            }),
    ];
    check("decode(arbitrary bytes)", 3_000, bytes, |b| {
        let _ = trigger::decode(&b);
        Ok(())
    });
}

#[test]
fn decoding_arbitrary_json_never_panics() {
    check("decode(arbitrary JSON)", 2_000, json_value(), |v| {
        let _ = trigger::decode(v.to_string().as_bytes());
        Ok(())
    });
}

#[test]
fn decoding_mutated_bundled_events_never_panics_and_errors_name_the_problem() {
    let docs = event_values();
    let strategy = (
        prop::sample::select(docs),
        prop::collection::vec((any::<Index>(), mutation()), 1..5),
    );
    check(
        "decode(mutated bundled event)",
        3_000,
        strategy,
        |(doc, edits)| {
            let doc = mutated(doc, &edits);
            if let Err(e) = trigger::decode(doc.to_string().as_bytes()) {
                prop_assert!(!e.to_string().is_empty());
            }
            Ok(())
        },
    );
}

// -------------------------------------------------------------------------------------------
// Log evaluators
// -------------------------------------------------------------------------------------------

const IDS: [&str; 6] = [
    "4c2a8f19-7d3e-4b1a-9c55-2e8f0a1b3c4d",
    "9d1e0a2b-6c3f-4e5d-8a7b-1c2d3e4f5a6b",
    "7b2a1d3f-4c5e-4f60-9a1b-2c3d4e5f6a7b",
    "a",
    "",
    "  spaced id  ",
];

fn request_id() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(IDS.to_vec()).prop_map(str::to_string),
        1 => "[0-9a-f-]{1,40}",
        1 => text(140),
    ]
}

/// A number as logs might print it, or not quite.
fn number_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<u16>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| f.to_string()),
        Just("NaN".to_string()),
        Just("inf".to_string()),
        Just("-0".to_string()),
        Just("99999999999999999999999".to_string()),
        "[0-9.eE+-]{0,12}",
    ]
}

fn execution_line() -> impl Strategy<Value = String> {
    let body = prop_oneof![
        Just("Starting execution for request: ".to_string()),
        "Sending request to https://lambda\\.[a-z0-9.-]{0,30}",
        (number_text(), number_text()).prop_map(|(s, l)| format!(
            "Received response. Status: {s}, Integration latency: {l} ms"
        )),
        number_text().prop_map(|s| format!("Received response. Status: {s}")),
        Just("Execution failed due to a timeout error".to_string()),
        (text(300), request_id()).prop_map(|(m, id)| format!(
            "Lambda execution failed with status 200 due to customer function error: {m}. Lambda request id: {id}"
        )),
        Just(
            "Execution failed due to configuration error: Malformed Lambda proxy response"
                .to_string()
        ),
        number_text().prop_map(|n| format!("Lambda invocation failed with status: {n}")),
        number_text().prop_map(|n| format!("Method completed with status: {n}")),
        text(200).prop_map(|t| format!("Execution failed due to {t}")),
        text(200),
    ];
    prop_oneof![
        6 => (request_id(), body).prop_map(|(id, b)| format!("({id}) {b}")),
        1 => text(400),
        // An id that never closes.
        1 => text(300).prop_map(|t| format!("({}", t.replace(')', ""))),
    ]
}

fn function_line() -> impl Strategy<Value = String> {
    let label = prop::sample::select(vec![
        "RequestId:",
        "Duration:",
        "Billed Duration:",
        "Init Duration:",
        "Restore Duration:",
        "Memory Size:",
        "Max Memory Used:",
        "Status:",
        "ms",
        "MB",
        "timeout",
    ]);
    prop_oneof![
        3 => prop::collection::vec((label, prop_oneof![number_text(), request_id()]), 0..10)
            .prop_map(|fields| {
                let mut line = "REPORT".to_string();
                for (l, v) in fields {
                    line.push_str(if v.len() % 2 == 0 { "\t" } else { " " });
                    line.push_str(l);
                    line.push(' ');
                    line.push_str(&v);
                }
                line
            }),
        1 => request_id().prop_map(|id| format!("START RequestId: {id} Version: $LATEST")),
        1 => (request_id(), number_text()).prop_map(|(id, s)| format!(
            "2026-11-24T02:10:00.000Z {id} Task timed out after {s} seconds"
        )),
        1 => (request_id(), text(200)).prop_map(|(id, m)| format!(
            "2026-11-24T02:10:00.000Z\t{id}\tERROR\t{m}"
        )),
        1 => (request_id(), text(200)).prop_map(|(id, m)| format!(
            "[ERROR]\t2026-11-24T02:10:00.000Z\t{id}\t{m}"
        )),
        1 => (text(60), text(60), request_id()).prop_map(|(t, m, id)| format!(
            "{{\"errorType\":\"{t}\",\"errorMessage\":\"{m}\",\"requestId\":\"{id}\"}}"
        )),
        1 => (text(60), prop::sample::select(vec!["errorType", "errorMessage", "message", "level"]), text(60))
            .prop_map(|(a, key, b)| format!("{a}\"{key}\"{b}")),
        1 => text(300),
    ]
}

/// Access log formats: the bundled ones, common text ones, variables in arbitrary order, and noise.
fn access_format() -> impl Strategy<Value = String> {
    let mut bundled: Vec<String> = scenario::bundled()
        .expect("bundled scenarios parse")
        .iter()
        .flat_map(|s| s.apis.iter())
        .filter_map(|a| a.stage.access_log.as_ref().map(|l| l.format.clone()))
        .collect();
    bundled.push(
        "$context.identity.sourceIp - - [$context.requestTime] \"$context.httpMethod $context.routeKey $context.protocol\" $context.status $context.responseLength $context.requestId $context.integrationLatency"
            .to_string(),
    );
    bundled.push(
        "$context.requestId,$context.status,$context.responseLatency,$context.integration.latency,$context.integrationErrorMessage"
            .to_string(),
    );
    let variable = prop::sample::select(vec![
        "$context.requestId",
        "$context.status",
        "$context.integrationLatency",
        "$context.integration.latency",
        "$context.responseLatency",
        "$context.integration.error",
        "$context.integrationErrorMessage",
        "$context.integration.status",
        "$context.requestTime",
        "$context.",
        "$",
        "$$context.status",
    ]);
    let separator = prop::sample::select(vec![" ", ",", "\t", " - ", "\"", "<br>", "", "."]);
    prop_oneof![
        3 => prop::sample::select(bundled),
        2 => prop::collection::vec((variable.clone(), separator), 0..10).prop_map(|parts| {
            parts.into_iter().map(|(v, s)| format!("{v}{s}")).collect::<String>()
        }),
        2 => prop::collection::vec(("[a-zA-Z]{1,12}", variable, any::<bool>()), 0..10).prop_map(
            |fields| {
                let body: Vec<String> = fields
                    .into_iter()
                    .map(|(k, v, quoted)| {
                        if quoted {
                            format!("\"{k}\":\"{v}\"")
                        } else {
                            format!("\"{k}\":{v}")
                        }
                    })
                    .collect();
                format!("{{{}}}", body.join(","))
            }
        ),
        1 => text(200),
    ]
}

/// A value an access log might hold for a variable.
fn access_value() -> impl Strategy<Value = String> {
    prop_oneof![
        number_text(),
        request_id(),
        Just("-".to_string()),
        Just(String::new()),
        "[ -~]{0,40}",
        text(40),
    ]
}

/// Writes a line in `format`'s shape, each `$variable` replaced by one of `values`.
fn fill(format: &str, values: &[String]) -> String {
    let mut out = String::new();
    let mut rest = format;
    let mut n = 0;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(after.len());
        match values.get(n % values.len().max(1)) {
            Some(v) => out.push_str(v),
            None => out.push_str(&rest[at..at + 1 + len]),
        }
        n += 1;
        rest = &after[len..];
    }
    out.push_str(rest);
    out
}

fn access_case() -> impl Strategy<Value = (String, Vec<String>)> {
    access_format().prop_flat_map(|format| {
        let from_format = prop::collection::vec(access_value(), 0..16)
            .prop_map({
                let format = format.clone();
                move |values| fill(&format, &values)
            })
            .boxed();
        let line = prop_oneof![4 => from_format, 1 => text(200).boxed()];
        (Just(format), prop::collection::vec(line, 0..64))
    })
}

fn tally_is_bounded(what: &str, t: &Tally) -> Result<(), TestCaseError> {
    prop_assert!(
        t.sample_request_ids.len() <= SAMPLES,
        "{what}: {} sample ids",
        t.sample_request_ids.len()
    );
    prop_assert!(
        t.sample_request_ids.len() as u64 <= t.count,
        "{what}: more samples than requests counted"
    );
    if let Some(m) = &t.sample_message {
        prop_assert!(
            m.chars().count() <= MESSAGE_CHARS,
            "{what}: a sample message of {} characters",
            m.chars().count()
        );
    }
    Ok(())
}

fn stats_are_sane(what: &str, s: &LatencyStats, at_most: u64) -> Result<(), TestCaseError> {
    prop_assert!(
        s.count <= at_most,
        "{what}: {} samples of {at_most}",
        s.count
    );
    for v in [s.p50_ms, s.p99_ms, s.max_ms] {
        prop_assert!(v.is_finite() && v >= 0.0, "{what}: {s:?}");
    }
    prop_assert!(
        s.p50_ms <= s.p99_ms && s.p99_ms <= s.max_ms,
        "{what}: percentiles out of order: {s:?}"
    );
    Ok(())
}

/// At most [`SLOWEST`], slowest first, unknown latencies last.
fn slowest_is_bounded(what: &str, records: &[RequestRecord]) -> Result<(), TestCaseError> {
    prop_assert!(records.len() <= SLOWEST, "{what}: {} kept", records.len());
    for pair in records.windows(2) {
        let ordered = match (pair[0].latency_ms, pair[1].latency_ms) {
            (Some(a), Some(b)) => a >= b,
            (None, Some(_)) => false,
            _ => true,
        };
        prop_assert!(ordered, "{what}: not slowest first: {records:?}");
    }
    Ok(())
}

#[test]
fn the_execution_log_evaluator_never_panics_and_keeps_bounded_state() {
    let lines = prop::collection::vec((any::<i64>(), execution_line()), 0..64);
    check("ExecutionLogEvaluator", 1_000, lines, |lines| {
        let mut e = ExecutionLogEvaluator::new();
        for (at, line) in &lines {
            e.push(*at, line);
        }
        let s = e.finish();
        let pushed = lines.len() as u64;
        prop_assert_eq!(s.lines, pushed);
        prop_assert!(s.requests <= pushed);
        prop_assert!(s.statuses.values().sum::<u64>() <= s.requests);
        prop_assert!(s.total_failures() <= s.requests);
        for (class, t) in &s.failures {
            tally_is_bounded(&format!("{class:?}"), t)?;
        }
        stats_are_sane("integration latency", &s.integration_latency, s.requests)?;
        slowest_is_bounded("slowest failing", &s.slowest_failing)?;
        Ok(())
    });
}

#[test]
fn the_access_log_evaluator_never_panics_on_any_format_and_keeps_bounded_state() {
    check(
        "AccessLogEvaluator::new(arbitrary format)",
        1_000,
        access_case(),
        |(format, lines)| {
            let mut e = AccessLogEvaluator::new(&format);
            for line in &lines {
                e.push(line);
            }
            let s = e.finish();
            let pushed = lines.len() as u64;
            prop_assert_eq!(s.requests + s.unparsed_lines, pushed);
            prop_assert!(s.statuses.values().sum::<u64>() <= s.requests);
            prop_assert!(s.integration_errors.len() <= ERROR_TEXTS);
            prop_assert!(s.integration_errors.values().map(|t| t.count).sum::<u64>() <= s.requests);
            for (text, t) in &s.integration_errors {
                prop_assert!(text.chars().count() <= MESSAGE_CHARS);
                tally_is_bounded(text, t)?;
            }
            if let Some(l) = &s.integration_latency {
                stats_are_sane("integration latency", l, s.requests)?;
            }
            if let Some(l) = &s.response_latency {
                stats_are_sane("response latency", l, s.requests)?;
            }
            slowest_is_bounded("slowest failing", &s.slowest_failing)?;
            Ok(())
        },
    );
}

#[test]
fn the_function_log_evaluator_never_panics_and_keeps_bounded_state() {
    let lines = prop::collection::vec(function_line(), 0..64);
    check("FunctionLogEvaluator", 1_000, lines, |lines| {
        let mut e = FunctionLogEvaluator::new();
        for line in &lines {
            e.push(line);
        }
        let s = e.finish();
        let pushed = lines.len() as u64;
        prop_assert_eq!(s.lines, pushed);
        prop_assert!(s.invocations <= pushed);
        prop_assert!(s.cold_starts <= s.invocations);
        // Every cold start has an init duration, and nothing else does.
        prop_assert_eq!(s.init.count, s.cold_starts);
        prop_assert!(s.warm.count + s.cold_total.count <= s.invocations);
        stats_are_sane("warm", &s.warm, s.invocations)?;
        stats_are_sane("cold total", &s.cold_total, s.cold_starts)?;
        stats_are_sane("init", &s.init, s.cold_starts)?;
        prop_assert!(s.timeouts.count <= pushed);
        prop_assert!(s.errors.count <= pushed);
        tally_is_bounded("timeouts", &s.timeouts)?;
        tally_is_bounded("errors", &s.errors)?;
        Ok(())
    });
}

// -------------------------------------------------------------------------------------------
// The scenario parser
// -------------------------------------------------------------------------------------------

fn bundled_scenarios() -> Vec<Value> {
    scenario::BUNDLED
        .iter()
        .map(|(_, text)| serde_json::from_str(text).expect("bundled scenarios are JSON"))
        .collect()
}

#[test]
fn the_scenario_parser_never_panics_on_arbitrary_text() {
    let text = prop_oneof![
        text(400),
        json_value().prop_map(|v| v.to_string()),
        // The start of a real scenario, cut anywhere.
        (
            prop::sample::select(scenario::BUNDLED.to_vec()),
            any::<Index>()
        )
            .prop_map(|((_, text), cut)| text.chars().take(cut.index(text.len())).collect()),
    ];
    check("Scenario::parse(arbitrary text)", 1_000, text, |text| {
        let _ = Scenario::parse("fuzz.json", &text);
        Ok(())
    });
}

#[test]
fn the_scenario_parser_never_panics_on_mutated_bundled_scenarios() {
    let strategy = (
        prop::sample::select(bundled_scenarios()),
        prop::collection::vec((any::<Index>(), mutation()), 1..4),
    );
    check(
        "Scenario::parse(mutated bundled scenario)",
        300,
        strategy,
        |(doc, edits)| {
            let text = mutated(doc, &edits).to_string();
            if let Err(e) = Scenario::parse("fuzz.json", &text) {
                prop_assert!(e.to_string().contains("fuzz.json"), "{e}");
            }
            Ok(())
        },
    );
}
