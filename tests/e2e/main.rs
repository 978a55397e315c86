//! End-to-end paths, as one test binary with shared helpers.

mod cli;
mod commands;
mod gaps;
mod handler;
mod replay;

use gateway_doctor::evidence::scenario::{self, Scenario};
use gateway_doctor::pipeline::{self, Account, Outcome, Settings};
use gateway_doctor::report::Report;
use gateway_doctor::trigger::{self, Trigger};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file in `events/`, by name, sorted.
pub fn event_files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("events"))
        .expect("events/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    v.sort();
    v
}

pub fn decode_file(path: &Path) -> Trigger {
    let bytes = std::fs::read(path).expect("event readable");
    trigger::decode(&bytes).unwrap_or_else(|e| panic!("{} does not decode: {e}", path.display()))
}

pub fn bundled_account() -> Account {
    Account::Recorded(scenario::bundled().expect("bundled scenarios parse"))
}

pub fn scenario_file(name: &str) -> Scenario {
    let path = root().join("scenarios").join(name);
    let text = std::fs::read_to_string(&path).expect("scenario readable");
    Scenario::parse(name, &text).expect("scenario parses")
}

/// Runs the pipeline on one event against `account`, returning the reports.
pub async fn reports_for(trigger: &Trigger, account: &Account) -> Vec<Report> {
    let deadline = Instant::now() + Duration::from_secs(10);
    pipeline::run(trigger, account, &Settings::default(), deadline)
        .await
        .expect("pipeline runs")
        .into_iter()
        .filter_map(|o| match o {
            Outcome::Report(r) => Some(*r),
            Outcome::Healthy { .. } => None,
        })
        .collect()
}

pub fn single(s: Scenario) -> Account {
    Account::Recorded(vec![Arc::new(s)])
}
