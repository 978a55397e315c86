//! Rendering a diagnosis for people and machines. Pure: a [`Report`] in, text or JSON out.

pub mod chat;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod json;
pub mod slack;
pub mod sns;
pub mod text;

use crate::diagnosis::Diagnosis;
use crate::evidence::Cost;
use crate::trigger::{Alarm, AlarmState, ApiKind, Delivery, Schedule, Window};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Everything a renderer needs: what fired, on which API, what was found, what it cost.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The alarm, or `None` for a scheduled check.
    pub alarm: Option<AlarmView>,
    pub check: Option<CheckView>,
    pub api: Option<ApiView>,
    pub diagnosis: Diagnosis,
    pub cost: Cost,
}

/// The alarm as understood from the event (`gateway-doctor decode` prints this).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlarmView {
    pub name: String,
    pub state: AlarmState,
    pub previous_state: Option<AlarmState>,
    /// The metric as CloudWatch names it (or the math expression, or the composite rule).
    pub metric: String,
    /// The REST API's name or the HTTP API's id.
    pub api: Option<String>,
    pub stage: Option<String>,
    pub region: String,
    pub account: String,
    pub arn: String,
    pub delivery: Delivery,
    pub changed_at: DateTime<Utc>,
    pub window: Window,
}

impl AlarmView {
    pub fn of(a: &Alarm) -> Self {
        Self {
            name: a.name.clone(),
            state: a.state,
            previous_state: a.previous_state,
            metric: a.metric.display_name(),
            api: a.api.as_ref().map(|r| r.name_or_id.clone()),
            stage: a.api.as_ref().map(|r| r.stage.clone()),
            region: a.region.clone(),
            account: a.account.clone(),
            arn: a.arn.clone(),
            delivery: a.delivery,
            changed_at: a.changed_at,
            window: a.window,
        }
    }
}

/// A check without an alarm, in place of one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckView {
    pub kind: CheckKind,
    pub rule_arn: Option<String>,
    pub at: DateTime<Utc>,
    pub region: String,
    pub window: Window,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// An EventBridge schedule ran it.
    Scheduled,
    /// A person ran `gateway-doctor diagnose`.
    OnDemand,
}

impl std::fmt::Display for CheckKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Scheduled => "Scheduled check",
            Self::OnDemand => "On-demand check",
        })
    }
}

impl CheckView {
    pub fn of(s: &Schedule, window: Window) -> Self {
        Self {
            kind: CheckKind::Scheduled,
            rule_arn: s.rule_arn.clone(),
            at: s.at,
            region: s.region.clone(),
            window,
        }
    }
}

/// The API diagnosed, with its resolved id where it is known.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiView {
    pub kind: ApiKind,
    pub name: Option<String>,
    pub id: Option<String>,
    pub stage: String,
    pub region: String,
}

impl ApiView {
    /// `orders-api (a1b2c3d4e5) stage prod` or as much of it as is known.
    pub fn label(&self) -> String {
        let who = match (&self.name, &self.id) {
            (Some(n), Some(i)) if n != i => format!("{n} ({i})"),
            (Some(n), _) => n.clone(),
            (None, Some(i)) => i.clone(),
            (None, None) => "unknown API".into(),
        };
        format!("{} API {who} stage {}", self.kind, self.stage)
    }
}
