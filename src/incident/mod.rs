//! The life of an alarm's incident: one diagnosis per state change, flapping kept quiet, and the
//! earlier notification remembered so the OK follow-up can refer to it.

pub mod dynamodb;
pub mod memory;

use crate::notify::IncidentRefs;
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

pub use dynamodb::DynamoDbIncidentLog;
pub use memory::MemoryIncidentLog;

/// The state whose repeats are kept quiet; the others are claimed only against duplicates.
const ALARM: &str = "ALARM";

/// One alarm state change, as the alarm event names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateChange {
    pub alarm_arn: String,
    /// `ALARM`, `OK`, `INSUFFICIENT_DATA`.
    pub state: String,
    pub at: DateTime<Utc>,
}

/// What a claim on a state change came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// First delivery of this state change: diagnose and notify.
    Fresh,
    /// The same state change was delivered before (SNS and Lambda retries): do nothing.
    Duplicate,
    /// The alarm was diagnosed in ALARM less than the quiet period ago: it is flapping.
    Quiet { last_diagnosed: DateTime<Utc> },
}

/// An open incident: what was sent when the alarm went to ALARM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    pub started_at: DateTime<Utc>,
    pub verdict: String,
    pub refs: IncidentRefs,
}

#[derive(Debug, thiserror::Error)]
#[error("incident store {operation} failed: {detail}")]
pub struct StoreError {
    pub operation: &'static str,
    pub detail: String,
}

/// Port: the incident store (DynamoDB in the account, memory for replay and tests).
#[async_trait]
pub trait IncidentLog: Send + Sync {
    /// Claims a state change with a conditional write. An ALARM within `quiet` of the alarm's last
    /// diagnosed ALARM is `Quiet`. Records expire after `ttl`.
    async fn claim(
        &self,
        change: &StateChange,
        quiet: Duration,
        ttl: Duration,
    ) -> Result<Claim, StoreError>;
    /// Gives a claimed state change back (its notification could not be delivered), so that the
    /// invocation's retry claims it again instead of finding a duplicate or a quiet alarm.
    async fn release(&self, change: &StateChange) -> Result<(), StoreError>;
    /// Remembers what was sent for an alarm that went to ALARM.
    async fn open(
        &self,
        alarm_arn: &str,
        incident: &Incident,
        ttl: Duration,
    ) -> Result<(), StoreError>;
    /// The alarm's open incident, if any.
    async fn find(&self, alarm_arn: &str) -> Result<Option<Incident>, StoreError>;
    /// Marks the alarm's incident closed.
    async fn close(&self, alarm_arn: &str) -> Result<(), StoreError>;
}

/// Times of claims are kept in whole epoch seconds in every store, as DynamoDB's TTL attribute
/// needs them, so a store in memory answers exactly as the table does.
fn epoch(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

fn from_epoch(seconds: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(seconds, 0)
}

/// An alarm last diagnosed at or after this second is quiet. A negative period counts as none;
/// one too long to subtract keeps every repeat quiet.
fn quiet_cutoff(at: DateTime<Utc>, quiet: Duration) -> i64 {
    at.checked_sub_signed(quiet.max(Duration::zero()))
        .map_or(i64::MIN, epoch)
}

/// When a record written at `at` may be dropped.
fn expiry(at: DateTime<Utc>, ttl: Duration) -> i64 {
    at.checked_add_signed(ttl.max(Duration::zero()))
        .map_or(i64::MAX, epoch)
}
