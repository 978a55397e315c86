//! A recorded account: the file format behind replay and tests (documented in `docs/scenarios.md`).
//!
//! One [`Scenario`] answers every port; each port's `scenario.rs` holds its implementation, so a
//! reader finds all implementations of a port in its folder.

use super::api::ApiDescription;
use super::changes::Change;
use super::functions::FunctionSettings;
use super::traces::TraceSummary;
use super::{SourceError, SourceKind};
use crate::trigger::{ApiKind, ApiRef, Window, parse_timestamp};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    /// Alarm or schedule-rule names whose events this scenario answers (how replay picks it).
    #[serde(default)]
    pub answers: Vec<String>,
    /// The verdict this scenario is expected to produce (checked by the tests).
    #[serde(default)]
    pub expect: Option<String>,
    #[serde(default)]
    pub apis: Vec<ApiDescription>,
    /// APIs a scheduled check covers, as `rest:NAME/STAGE` or `http:ID/STAGE`.
    #[serde(default)]
    pub scheduled_apis: Vec<String>,
    #[serde(default)]
    pub metrics: Vec<RecordedSeries>,
    /// Log group name to lines, each `TIMESTAMP MESSAGE` as `aws logs tail` prints them.
    #[serde(default)]
    pub logs: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub functions: Vec<FunctionSettings>,
    #[serde(default)]
    pub traces: Vec<RecordedTrace>,
    #[serde(default)]
    pub changes: Vec<Change>,
    #[serde(default)]
    pub alarms: Vec<RecordedAlarm>,
    /// Sources that fail, and how (to replay a gap).
    #[serde(default)]
    pub failures: BTreeMap<SourceKind, SourceError>,
    /// Sources that answer late, in milliseconds (to replay a deadline).
    #[serde(default)]
    pub delays_ms: BTreeMap<SourceKind, u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedSeries {
    pub namespace: String,
    pub name: String,
    /// `Sum`, `Maximum`, `Average`, `p99`.
    pub stat: String,
    pub dimensions: BTreeMap<String, String>,
    /// Time of the first value.
    pub start: DateTime<Utc>,
    #[serde(default = "sixty")]
    pub period_s: u32,
    /// One value a period; `null` where CloudWatch has no datapoint.
    pub values: Vec<Option<f64>>,
}

fn sixty() -> u32 {
    60
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedTrace {
    pub at: DateTime<Utc>,
    #[serde(flatten)]
    pub summary: TraceSummary,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedAlarm {
    pub name: String,
    pub namespace: String,
    pub metric: String,
    pub stat: String,
    #[serde(default = "sixty")]
    pub period_s: u32,
    pub dimensions: BTreeMap<String, String>,
}

/// Why a scenario file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("scenario {file} is not valid: {source}")]
    Parse {
        file: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("scenario {file}: log line {line} of group {group} does not start with a timestamp")]
    LogLine {
        file: String,
        group: String,
        line: usize,
    },
    #[error("scenario {file}: scheduled API `{entry}` is not `rest:NAME/STAGE` or `http:ID/STAGE`")]
    ScheduledApi { file: String, entry: String },
}

impl Scenario {
    pub fn parse(file: &str, text: &str) -> Result<Self, ScenarioError> {
        let s: Self = serde_json::from_str(text).map_err(|source| ScenarioError::Parse {
            file: file.to_string(),
            source,
        })?;
        for (group, lines) in &s.logs {
            if let Some(line) = lines.iter().position(|l| split_log_line(l).is_none()) {
                return Err(ScenarioError::LogLine {
                    file: file.to_string(),
                    group: group.clone(),
                    line: line + 1,
                });
            }
        }
        for entry in &s.scheduled_apis {
            if parse_api_entry(entry).is_none() {
                return Err(ScenarioError::ScheduledApi {
                    file: file.to_string(),
                    entry: entry.clone(),
                });
            }
        }
        Ok(s)
    }

    /// The APIs a scheduled check covers.
    pub fn scheduled(&self) -> Vec<ApiRef> {
        self.scheduled_apis
            .iter()
            .filter_map(|e| parse_api_entry(e))
            .collect()
    }

    /// Fails or delays as the scenario records for `source`.
    pub(super) async fn behave(&self, source: SourceKind) -> Result<(), SourceError> {
        if let Some(ms) = self.delays_ms.get(&source) {
            tokio::time::sleep(Duration::from_millis(*ms)).await;
        }
        match self.failures.get(&source) {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }

    /// Messages of a log group inside a window, with their times in epoch milliseconds.
    pub(super) fn lines_in<'a>(
        &'a self,
        group: &str,
        window: &Window,
    ) -> Result<impl Iterator<Item = (i64, &'a str)> + 'a, SourceError> {
        let lines = self
            .logs
            .get(group)
            .ok_or_else(|| SourceError::NotFound(format!("log group {group} does not exist")))?;
        let w = *window;
        Ok(lines
            .iter()
            .filter_map(|l| split_log_line(l))
            .filter_map(move |(t, m)| w.contains(t).then_some((t.timestamp_millis(), m))))
    }
}

/// The recorded accounts shipped in the binary, so replay needs no files.
pub const BUNDLED: &[(&str, &str)] = &[
    (
        "orders-api.json",
        include_str!("../../scenarios/orders-api.json"),
    ),
    (
        "reports-api.json",
        include_str!("../../scenarios/reports-api.json"),
    ),
    (
        "checkout-http.json",
        include_str!("../../scenarios/checkout-http.json"),
    ),
    (
        "catalog-api.json",
        include_str!("../../scenarios/catalog-api.json"),
    ),
    (
        "payments-api.json",
        include_str!("../../scenarios/payments-api.json"),
    ),
    (
        "ingest-api.json",
        include_str!("../../scenarios/ingest-api.json"),
    ),
    (
        "inventory-http.json",
        include_str!("../../scenarios/inventory-http.json"),
    ),
    (
        "users-api.json",
        include_str!("../../scenarios/users-api.json"),
    ),
    (
        "search-api.json",
        include_str!("../../scenarios/search-api.json"),
    ),
    (
        "legacy-proxy.json",
        include_str!("../../scenarios/legacy-proxy.json"),
    ),
];

/// Parses every bundled scenario.
pub fn bundled() -> Result<Vec<Arc<Scenario>>, ScenarioError> {
    BUNDLED
        .iter()
        .map(|(file, text)| Scenario::parse(file, text).map(Arc::new))
        .collect()
}

/// `2026-11-24T02:10:05.123Z (id) message` into its time and message.
fn split_log_line(line: &str) -> Option<(DateTime<Utc>, &str)> {
    let (t, m) = line.split_once(' ')?;
    Some((parse_timestamp(t)?, m))
}

/// `rest:orders-api/prod` or `http:a1b2c3d4e5/$default`.
pub fn parse_api_entry(entry: &str) -> Option<ApiRef> {
    let (kind, rest) = entry.split_once(':')?;
    let kind = match kind {
        "rest" => ApiKind::Rest,
        "http" => ApiKind::Http,
        _ => return None,
    };
    let (name, stage) = rest.rsplit_once('/')?;
    (!name.is_empty() && !stage.is_empty()).then(|| ApiRef {
        kind,
        name_or_id: name.to_string(),
        stage: stage.to_string(),
        route: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_api_entry_names_kind_api_and_stage() {
        let r = parse_api_entry("http:a1b2c3d4e5/$default").unwrap();
        assert_eq!(
            (r.kind, r.name_or_id.as_str(), r.stage.as_str()),
            (ApiKind::Http, "a1b2c3d4e5", "$default")
        );
        assert!(parse_api_entry("soap:x/y").is_none());
        assert!(parse_api_entry("rest:orders-api").is_none());
    }

    #[test]
    fn a_log_line_without_a_timestamp_is_rejected_with_its_place() {
        let text = r#"{"name":"x","description":"y","logs":{"g":["2026-11-24T02:00:00Z ok","no time here"]}}"#;
        let err = Scenario::parse("x.json", text).unwrap_err().to_string();
        assert!(err.contains("log line 2 of group g"), "{err}");
    }

    #[test]
    fn an_unknown_field_is_rejected_by_name() {
        let err = Scenario::parse("x.json", r#"{"name":"x","description":"y","metrix":[]}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("metrix"), "{err}");
    }
}
