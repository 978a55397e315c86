//! The CLI, run as a person runs it.

use super::*;
use std::process::{Command, Output};

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gateway-doctor"))
        .args(args)
        .current_dir(root())
        .env_remove("AWS_LAMBDA_RUNTIME_API")
        .output()
        .expect("binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn replay_without_arguments_reports_on_every_bundled_event_and_names_each_scenario() {
    let o = cli(&["replay", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let docs: Vec<serde_json::Value> = serde_json::Deserializer::from_str(&stdout(&o))
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("a stream of JSON documents");
    assert_eq!(docs.len(), event_files().len());
    for d in &docs {
        assert!(d["verdict"].as_str().is_some_and(|v| !v.is_empty()), "{d}");
    }
    assert_eq!(
        stderr(&o).matches("answered by bundled scenario").count(),
        event_files().len()
    );
}

#[test]
fn replay_prints_a_readable_text_report_by_default() {
    let o = cli(&["replay", "events/rest-cold-start.json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("catalog-api"), "{out}");
    assert!(
        out.contains("aws lambda put-provisioned-concurrency-config"),
        "{out}"
    );
    assert!(
        stderr(&o).contains("catalog-api"),
        "says which scenario answered"
    );
}

#[test]
fn every_output_format_renders() {
    for format in ["text", "slack", "sns", "chat", "json"] {
        let o = cli(&[
            "replay",
            "--format",
            format,
            "events/rest-function-timeout-sns.json",
        ]);
        assert!(o.status.success(), "{format}: {}", stderr(&o));
        assert!(!stdout(&o).trim().is_empty(), "{format}");
    }
}

#[test]
fn replay_with_an_explicit_scenario_uses_it() {
    let o = cli(&[
        "replay",
        "--format",
        "json",
        "--scenario",
        "scenarios/payments-api.json",
        "events/rest-function-timeout-sns.json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["verdict"], "function_timeout");
    assert!(!stderr(&o).contains("bundled scenario"));
}

#[test]
fn decode_prints_the_alarm_object() {
    let o = cli(&["decode", "events/rest-hard-limit-sns.json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["name"], "reports-api-prod-integration-latency");
    assert_eq!(v["state"], "ALARM");
    assert_eq!(v["metric"], "IntegrationLatency");
    assert_eq!(v["api"], "reports-api");
    assert_eq!(v["stage"], "prod");
    assert_eq!(v["region"], "eu-west-1");
}

#[test]
fn decode_of_unusable_input_exits_non_zero_with_a_one_line_reason() {
    let dir = std::env::temp_dir().join(format!("gd-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let cases = [
        ("not-json.json", "this is not json", "not JSON"),
        (
            "unknown.json",
            r#"{"detail-type":"EC2 Instance State-change Notification","source":"aws.ec2"}"#,
            "unrecognised",
        ),
    ];
    for (name, body, says) in cases {
        let p = dir.join(name);
        std::fs::write(&p, body).expect("write");
        let o = cli(&["decode", p.to_str().expect("utf8")]);
        assert!(!o.status.success(), "{name}");
        let err = stderr(&o);
        assert_eq!(err.trim().lines().count(), 1, "{name}: one line: {err}");
        assert!(err.contains(says), "{name}: {err}");
    }
    let o = cli(&["decode", "no/such/file.json"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("no/such/file.json"));
}

#[test]
fn an_event_no_scenario_answers_is_an_error_naming_the_alarm() {
    let dir = std::env::temp_dir().join(format!("gd-cli-ns-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let text = std::fs::read_to_string(root().join("events/rest-integration-timeout-too-low.json"))
        .expect("read");
    let p = dir.join("renamed.json");
    std::fs::write(
        &p,
        text.replace("orders-api-prod-5xx", "nobody-knows-this-alarm"),
    )
    .expect("write");
    let o = cli(&["replay", p.to_str().expect("utf8")]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("nobody-knows-this-alarm"),
        "{}",
        stderr(&o)
    );
}
