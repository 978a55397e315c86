//! Notifications: the only place that sends anything.
//!
//! A [`Notifier`] delivers a finished report, threaded under the incident's earlier notification
//! when there was one. [`LogNotifier`] writes the report to the function's log; the SNS and Slack
//! notifiers sit beside it.

mod log;
pub mod secret;
pub mod slack;
pub mod sns;

use crate::report::Report;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

pub use log::LogNotifier;
pub use secret::{SecretsManagerSecret, SlackCredential};
pub use slack::{SlackBot, SlackFromSecret, SlackRouting, SlackWebhook};
pub use sns::{SnsFormat, SnsNotifier};

/// Port: deliver one report.
#[async_trait]
pub trait Notifier: Send + Sync {
    /// A short name for logs and errors (`sns`, `slack`, `log`).
    fn name(&self) -> &'static str;
    /// Sends `report`. `earlier` says where this incident's first notification went, so a follow-up
    /// can thread under it or update it in place. Returns where this one went.
    async fn send(
        &self,
        report: &Report,
        earlier: Option<&IncidentRefs>,
    ) -> Result<IncidentRefs, NotifyError>;
}

/// Where one incident's notifications went. Stored with the incident so the OK follow-up can find them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentRefs {
    /// The Slack message posted by the bot (channel id and message `ts`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slack: Option<SlackMessageRef>,
    /// The SNS message id of the first notification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sns_message_id: Option<String>,
}

impl IncidentRefs {
    /// Keeps what `other` knows in addition to what `self` does.
    pub fn merge(&mut self, other: IncidentRefs) {
        if other.slack.is_some() {
            self.slack = other.slack;
        }
        if other.sns_message_id.is_some() {
            self.sns_message_id = other.sns_message_id;
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlackMessageRef {
    pub channel: String,
    pub ts: String,
}

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("{channel} rejected the notification: {detail}")]
    Rejected {
        channel: &'static str,
        detail: String,
    },
    #[error("{channel} could not be reached: {detail}")]
    Unreachable {
        channel: &'static str,
        detail: String,
    },
    #[error("{channel} is not configured: {detail}")]
    Misconfigured {
        channel: &'static str,
        detail: String,
    },
}
