//! The incident store in memory, for replay and the handler's tests: the same answers as the
//! DynamoDB table (see `contract.rs`), nothing expires.

use super::{
    ALARM, Claim, Incident, IncidentLog, StateChange, StoreError, epoch, from_epoch, quiet_cutoff,
};
use async_trait::async_trait;
use chrono::Duration;
use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};

#[derive(Debug, Default)]
pub struct MemoryIncidentLog {
    records: Mutex<Records>,
}

#[derive(Debug, Default)]
struct Records {
    /// Claimed state changes: (alarm ARN, state, epoch seconds and nanoseconds).
    changes: HashSet<(String, String, i64, u32)>,
    /// The second each alarm was last diagnosed in ALARM.
    last_diagnosed: HashMap<String, i64>,
    /// Open incidents by alarm ARN.
    incidents: HashMap<String, Incident>,
}

impl MemoryIncidentLog {
    pub fn new() -> Self {
        Self::default()
    }

    /// A test that panicked while holding the lock leaves whole records behind (every update is
    /// one insert), so the records stay usable.
    fn records(&self) -> MutexGuard<'_, Records> {
        self.records
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[async_trait]
impl IncidentLog for MemoryIncidentLog {
    async fn claim(
        &self,
        change: &StateChange,
        quiet: Duration,
        _ttl: Duration,
    ) -> Result<Claim, StoreError> {
        let mut records = self.records();
        let key = (
            change.alarm_arn.clone(),
            change.state.clone(),
            change.at.timestamp(),
            change.at.timestamp_subsec_nanos(),
        );
        if !records.changes.insert(key) {
            return Ok(Claim::Duplicate);
        }
        if change.state != ALARM {
            return Ok(Claim::Fresh);
        }
        let cutoff = quiet_cutoff(change.at, quiet);
        match records.last_diagnosed.get(&change.alarm_arn) {
            Some(&last) if last >= cutoff => match from_epoch(last) {
                Some(last_diagnosed) => Ok(Claim::Quiet { last_diagnosed }),
                None => Err(StoreError {
                    operation: "memory:claim",
                    detail: format!("last diagnosed second {last} is not a time"),
                }),
            },
            _ => {
                records
                    .last_diagnosed
                    .insert(change.alarm_arn.clone(), epoch(change.at));
                Ok(Claim::Fresh)
            }
        }
    }

    async fn release(&self, change: &StateChange) -> Result<(), StoreError> {
        let mut records = self.records();
        records.changes.remove(&(
            change.alarm_arn.clone(),
            change.state.clone(),
            change.at.timestamp(),
            change.at.timestamp_subsec_nanos(),
        ));
        if records.last_diagnosed.get(&change.alarm_arn) == Some(&epoch(change.at)) {
            records.last_diagnosed.remove(&change.alarm_arn);
        }
        Ok(())
    }

    async fn open(
        &self,
        alarm_arn: &str,
        incident: &Incident,
        _ttl: Duration,
    ) -> Result<(), StoreError> {
        self.records()
            .incidents
            .insert(alarm_arn.to_string(), incident.clone());
        Ok(())
    }

    async fn find(&self, alarm_arn: &str) -> Result<Option<Incident>, StoreError> {
        Ok(self.records().incidents.get(alarm_arn).cloned())
    }

    async fn close(&self, alarm_arn: &str) -> Result<(), StoreError> {
        self.records().incidents.remove(alarm_arn);
        Ok(())
    }
}

/// The semantics every incident store has, run here on memory and in `tests/moto` on DynamoDB.
#[cfg(test)]
#[path = "contract.rs"]
mod contract;

#[cfg(test)]
use crate as lib;

#[cfg(test)]
async fn make_log() -> MemoryIncidentLog {
    MemoryIncidentLog::new()
}
