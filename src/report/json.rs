//! The machine-readable report: a stable document for pipelines, dashboards and tests.
//!
//! Mostly the serialized types, with names fixed here rather than left to whatever the types
//! happen to derive: `verdict` is [`Verdict::as_str`](crate::diagnosis::Verdict::as_str), the
//! closed set DESIGN.md promises; a command is its printed form; a gap carries its sentence.

use super::Report;
use crate::evidence::Gap;
use serde::Serialize;
use serde_json::{Value, json};

pub fn render(report: &Report) -> Value {
    let d = &report.diagnosis;
    json!({
        "alarm": value(&report.alarm),
        "check": value(&report.check),
        "api": report.api.as_ref().map_or(Value::Null, |api| {
            let mut v = value(api);
            if let Value::Object(m) = &mut v {
                m.insert("label".into(), Value::String(api.label()));
            }
            v
        }),
        "verdict": d.verdict.as_str(),
        "title": d.verdict.title(),
        "confidence": d.confidence.to_string(),
        "summary": d.summary,
        "findings": value(&d.findings),
        "fixes": value(&d.fixes),
        "gaps": d.gaps.iter().map(gap).collect::<Vec<_>>(),
        "suspects": value(&d.suspects),
        "worst_requests": value(&d.worst_requests),
        "cost": value(&report.cost),
    })
}

fn gap(g: &Gap) -> Value {
    json!({
        "source": value(&g.source),
        "subject": g.subject,
        "reason": value(&g.reason),
        "text": g.to_string(),
    })
}

/// These types hold no maps with non-string keys and no custom serializers that fail, so this
/// cannot fail; a `null` keeps the document whole if one ever did.
fn value<T: Serialize>(t: &T) -> Value {
    serde_json::to_value(t).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnosis::Verdict;
    use crate::report::fixtures;

    #[test]
    fn the_document_has_the_alarm_verdict_findings_fixes_and_gaps() {
        let v = render(&fixtures::cold_start());
        assert_eq!(v["alarm"]["name"], "catalog-api-5xx");
        assert_eq!(v["alarm"]["state"], "ALARM");
        assert_eq!(v["alarm"]["previous_state"], "OK");
        assert_eq!(v["alarm"]["metric"], "5XXError");
        assert_eq!(v["alarm"]["api"], "catalog-api");
        assert_eq!(v["alarm"]["stage"], "prod");
        assert_eq!(v["alarm"]["region"], "eu-west-1");
        assert_eq!(v["alarm"]["account"], "111122223333");
        assert_eq!(v["alarm"]["arn"], fixtures::ALARM_ARN);
        assert_eq!(v["alarm"]["delivery"], "sns");
        assert_eq!(v["alarm"]["changed_at"], "2026-11-03T02:14:07Z");
        assert_eq!(v["alarm"]["window"]["start"], "2026-11-03T01:59:00Z");
        assert_eq!(v["alarm"]["window"]["end"], "2026-11-03T02:14:00Z");
        assert_eq!(v["check"], Value::Null);
        assert_eq!(v["api"]["kind"], "rest");
        assert_eq!(v["api"]["id"], "a1b2c3d4e5");
        assert_eq!(
            v["api"]["label"],
            "REST API catalog-api (a1b2c3d4e5) stage prod"
        );

        assert_eq!(v["verdict"], "cold_start");
        assert_eq!(v["title"], "Cold starts push requests over the limit");
        assert_eq!(v["confidence"], "high");
        assert_eq!(v["findings"][0]["step"], "where_died");
        assert_eq!(v["findings"][2]["step"], "backend");
        assert!(
            v["findings"][0]["text"]
                .as_str()
                .unwrap_or_default()
                .starts_with("IntegrationLatency")
        );

        let steps = &v["fixes"][0]["steps"];
        assert_eq!(steps[0]["kind"], "do");
        assert_eq!(steps[1]["kind"], "run");
        assert_eq!(
            steps[1]["command"],
            fixtures::provisioned_concurrency_command().to_string()
        );
        assert_eq!(steps[2]["kind"], "snippet");
        assert_eq!(steps[2]["language"], "yaml");
        assert!(
            steps[2]["text"]
                .as_str()
                .unwrap_or_default()
                .starts_with("Resources:")
        );

        assert_eq!(v["gaps"][0]["source"], "traces");
        assert_eq!(v["gaps"][0]["subject"], "catalog-fn");
        assert_eq!(v["gaps"][0]["reason"]["kind"], "not_enabled");
        assert_eq!(v["gaps"][0]["reason"]["detail"], "active tracing is off");
        assert_eq!(
            v["gaps"][0]["text"],
            "X-Ray traces of catalog-fn: not enabled (active tracing is off)"
        );
        assert_eq!(v["suspects"][0]["kind"], "function_code");
        assert_eq!(v["suspects"][0]["actor"], "alice@example.com");
        assert_eq!(v["worst_requests"][0]["failure"], "integration_timeout");
        assert_eq!(v["cost"]["insights_bytes_scanned"], 12_345_678);
        assert_eq!(v["cost"]["log_fallbacks"], 1);
    }

    #[test]
    fn every_verdict_is_named_exactly_as_the_closed_set_says() {
        for verdict in Verdict::ALL {
            let mut report = fixtures::cold_start();
            report.diagnosis.verdict = verdict;
            let v = render(&report);
            assert_eq!(v["verdict"], verdict.as_str());
            assert_eq!(
                Verdict::parse(v["verdict"].as_str().unwrap_or_default()),
                Some(verdict)
            );
            assert_eq!(v["title"], verdict.title());
        }
    }

    #[test]
    fn a_scheduled_check_has_a_null_alarm_and_a_check() {
        let v = render(&fixtures::scheduled());
        assert_eq!(v["alarm"], Value::Null);
        assert_eq!(v["check"]["region"], "eu-west-1");
        assert_eq!(v["check"]["at"], "2026-11-03T06:00:00Z");
        assert_eq!(v["verdict"], "backend_slow");
        assert_eq!(v["confidence"], "medium");
    }

    #[test]
    fn the_top_level_keys_are_stable() {
        let v = render(&fixtures::cold_start());
        let mut keys: Vec<&str> = v
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "alarm",
                "api",
                "check",
                "confidence",
                "cost",
                "findings",
                "fixes",
                "gaps",
                "summary",
                "suspects",
                "title",
                "verdict",
                "worst_requests"
            ]
        );
    }

    #[test]
    fn the_document_survives_a_round_trip_through_a_string() {
        let v = render(&fixtures::huge());
        let s = v.to_string();
        let back: Value = serde_json::from_str(&s).expect("valid JSON");
        assert_eq!(back, v);
    }
}
