//! The Lambda handler: decode, diagnose, notify. Shared wiring for `main` and the handler tests.

use crate::notify::Notifier;
use crate::pipeline::{self, Account, Outcome, PipelineError, Settings};
use crate::report::json;
use crate::trigger::{self, TriggerError};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;
use tracing::instrument;

/// Everything built once at cold start and lent to every invocation.
pub struct App {
    pub account: Account,
    pub settings: Settings,
    pub notifiers: Vec<Arc<dyn Notifier>>,
    /// Time kept back from the Lambda deadline for publishing.
    pub publish_reserve: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    /// The event cannot be used: failing the invocation sends it to the failure destination.
    #[error("event could not be decoded: {0}")]
    Decode(#[from] TriggerError),
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
    #[error("no notifier delivered the report for {subject}: {errors}")]
    NotDelivered { subject: String, errors: String },
}

/// Handles one event. `remaining` is the time the invocation has left.
#[instrument(skip_all)]
pub async fn handle(app: &App, event: &Value, remaining: Duration) -> Result<Value, HandlerError> {
    let bytes = serde_json::to_vec(event).unwrap_or_default();
    let trigger = trigger::decode(&bytes)?;
    let deadline = Instant::now() + remaining.saturating_sub(app.publish_reserve);
    let outcomes = pipeline::run(&trigger, &app.account, &app.settings, deadline).await?;
    let mut reports = Vec::new();
    let mut healthy = Vec::new();
    for outcome in outcomes {
        match outcome {
            Outcome::Report(report) => {
                deliver(app, &report).await?;
                reports.push(json::render(&report));
            }
            Outcome::Healthy { api, .. } => {
                tracing::info!(api = %api, "scheduled check found nothing wrong");
                healthy.push(api.to_string());
            }
        }
    }
    Ok(json!({ "reports": reports, "healthy": healthy }))
}

/// Sends to every notifier; one success is enough, a failure of all fails the invocation.
async fn deliver(app: &App, report: &crate::report::Report) -> Result<(), HandlerError> {
    let mut errors = Vec::new();
    let sent = futures::future::join_all(app.notifiers.iter().map(|n| n.send(report, None))).await;
    for (n, r) in app.notifiers.iter().zip(sent) {
        if let Err(e) = r {
            tracing::error!(notifier = n.name(), error = %e, "notification failed");
            errors.push(format!("{}: {e}", n.name()));
        }
    }
    if !app.notifiers.is_empty() && errors.len() == app.notifiers.len() {
        let subject = report
            .alarm
            .as_ref()
            .map(|a| a.name.clone())
            .or_else(|| report.api.as_ref().map(|a| a.label()))
            .unwrap_or_default();
        return Err(HandlerError::NotDelivered {
            subject,
            errors: errors.join("; "),
        });
    }
    Ok(())
}

/// How a failed invocation reads in the Lambda console and the failure destination.
impl From<HandlerError> for lambda_runtime::Diagnostic {
    fn from(e: HandlerError) -> Self {
        let error_type = match &e {
            HandlerError::Decode(_) => "UndecodableEvent",
            HandlerError::Pipeline(_) => "PipelineFailed",
            HandlerError::NotDelivered { .. } => "NotDelivered",
        };
        lambda_runtime::Diagnostic {
            error_type: error_type.into(),
            error_message: e.to_string(),
        }
    }
}
