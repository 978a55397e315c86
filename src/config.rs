//! Configuration, read once at start from the environment the template sets, failing fast with the
//! variable's name. Parsing takes a lookup function so it is tested without touching the process env.

use crate::evidence::scenario::parse_api_entry;
use crate::trigger::ApiRef;
use std::time::Duration;

/// Where evidence comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceMode {
    /// The AWS account the function runs in (default).
    Live,
    /// The scenarios bundled in the binary (local runs under `cargo lambda watch`).
    Recorded,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub sources: SourceMode,
    /// APIs the scheduled check examines.
    pub scheduled_apis: Vec<ApiRef>,
    /// How far back a scheduled check looks.
    pub schedule_lookback: Duration,
    /// Time kept back from the invocation's deadline to publish the report.
    pub publish_reserve: Duration,
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{variable}={value:?} is invalid: {why}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub value: String,
    pub why: String,
}

pub const SOURCES: &str = "GATEWAY_DOCTOR_SOURCES";
pub const APIS: &str = "GATEWAY_DOCTOR_APIS";
pub const LOOKBACK: &str = "GATEWAY_DOCTOR_SCHEDULE_LOOKBACK_MINUTES";
pub const RESERVE: &str = "GATEWAY_DOCTOR_PUBLISH_RESERVE_MS";

impl Config {
    /// Reads the configuration through `var` (the process environment in `main`).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let invalid = |variable, value: &str, why: &str| ConfigError {
            variable,
            value: value.to_string(),
            why: why.to_string(),
        };
        let sources = match var(SOURCES).as_deref().map(str::trim) {
            None | Some("") | Some("live") => SourceMode::Live,
            Some("recorded") => SourceMode::Recorded,
            Some(other) => return Err(invalid(SOURCES, other, "expected `live` or `recorded`")),
        };
        let mut scheduled_apis = Vec::new();
        if let Some(list) = var(APIS) {
            for entry in list
                .split([',', ' ', '\n'])
                .map(str::trim)
                .filter(|e| !e.is_empty())
            {
                scheduled_apis.push(parse_api_entry(entry).ok_or_else(|| {
                    invalid(
                        APIS,
                        entry,
                        "each entry is `rest:API_NAME/STAGE` or `http:API_ID/STAGE`",
                    )
                })?);
            }
        }
        let number = |variable: &'static str, default: u64, max: u64| -> Result<u64, ConfigError> {
            match var(variable) {
                None => Ok(default),
                Some(v) if v.trim().is_empty() => Ok(default),
                Some(v) => v
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|n| (1..=max).contains(n))
                    .ok_or_else(|| {
                        invalid(
                            variable,
                            &v,
                            &format!("expected a whole number from 1 to {max}"),
                        )
                    }),
            }
        };
        Ok(Self {
            sources,
            scheduled_apis,
            schedule_lookback: Duration::from_secs(60 * number(LOOKBACK, 15, 180)?),
            publish_reserve: Duration::from_millis(number(RESERVE, 3000, 60_000)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_vars(|k| map.get(k).cloned())
    }

    #[test]
    fn an_empty_environment_gives_live_sources_and_defaults() {
        let c = config(&[]).unwrap();
        assert_eq!(c.sources, SourceMode::Live);
        assert!(c.scheduled_apis.is_empty());
        assert_eq!(c.schedule_lookback, Duration::from_secs(900));
        assert_eq!(c.publish_reserve, Duration::from_millis(3000));
    }

    #[test]
    fn scheduled_apis_are_read_from_a_comma_separated_list() {
        let c = config(&[(APIS, "rest:orders-api/prod, http:a1b2c3d4e5/$default")]).unwrap();
        assert_eq!(c.scheduled_apis.len(), 2);
        assert_eq!(c.scheduled_apis[1].stage, "$default");
    }

    #[test]
    fn a_bad_value_names_its_variable() {
        let e = config(&[(APIS, "orders-api")]).unwrap_err();
        assert_eq!(e.variable, APIS);
        assert!(e.to_string().contains("GATEWAY_DOCTOR_APIS"), "{e}");
        assert_eq!(config(&[(SOURCES, "s3")]).unwrap_err().variable, SOURCES);
        assert_eq!(config(&[(RESERVE, "lots")]).unwrap_err().variable, RESERVE);
        assert_eq!(config(&[(LOOKBACK, "0")]).unwrap_err().variable, LOOKBACK);
    }
}
