//! The Lambda handler: decode, claim, diagnose, notify, remember. Shared by `main` and the tests.

use crate::diagnosis::Earlier;
use crate::incident::{Claim, Incident, IncidentLog, StateChange};
use crate::notify::{IncidentRefs, Notifier};
use crate::pipeline::{self, Account, Outcome, PipelineError, Settings};
use crate::report::{Report, json};
use crate::trigger::{self, AlarmState, Trigger, TriggerError};
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
    pub incidents: Arc<dyn IncidentLog>,
    /// A second ALARM within this long of the last diagnosis is flapping.
    pub quiet_period: Duration,
    /// How long claims and incidents are kept.
    pub claim_ttl: Duration,
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

fn chrono_of(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// Handles one event. `remaining` is the time the invocation has left.
#[instrument(skip_all)]
pub async fn handle(app: &App, event: &Value, remaining: Duration) -> Result<Value, HandlerError> {
    let bytes = serde_json::to_vec(event).unwrap_or_default();
    let trigger = trigger::decode(&bytes)?;
    let deadline = Instant::now() + remaining.saturating_sub(app.publish_reserve);

    // One diagnosis per state change: SNS and Lambda deliver at least once, and alarms flap.
    let change = match &trigger {
        Trigger::Alarm(a) => Some(StateChange {
            alarm_arn: a.arn.clone(),
            state: a.state.as_str().to_string(),
            at: a.changed_at,
        }),
        Trigger::Schedule(_) => None,
    };
    if let Some(change) = &change {
        match app
            .incidents
            .claim(
                change,
                chrono_of(app.quiet_period),
                chrono_of(app.claim_ttl),
            )
            .await
        {
            Ok(Claim::Fresh) => {}
            Ok(Claim::Duplicate) => {
                tracing::info!(alarm = %change.alarm_arn, state = %change.state, "state change already handled");
                return Ok(json!({ "skipped": "duplicate" }));
            }
            Ok(Claim::Quiet { last_diagnosed }) => {
                tracing::info!(alarm = %change.alarm_arn, %last_diagnosed, "alarm is flapping; diagnosed recently");
                return Ok(json!({ "skipped": "quiet", "last_diagnosed": last_diagnosed }));
            }
            // Better a second notification than none.
            Err(e) => tracing::warn!(error = %e, "could not claim the state change; going on"),
        }
    }

    let open = match (&trigger, &change) {
        (Trigger::Alarm(a), Some(c)) if a.state == AlarmState::Ok => {
            app.incidents.find(&c.alarm_arn).await.unwrap_or_else(|e| {
                tracing::warn!(error = %e, "could not read the open incident");
                None
            })
        }
        _ => None,
    };
    let earlier = open.as_ref().map(|i| Earlier {
        verdict: i.verdict.clone(),
        at: i.started_at,
    });
    let outcomes =
        pipeline::run_follow_up(&trigger, &app.account, &app.settings, deadline, earlier).await?;

    let mut reports = Vec::new();
    let mut healthy = Vec::new();
    for outcome in outcomes {
        match outcome {
            Outcome::Report(report) => {
                let refs = match deliver(app, &report, open.as_ref().map(|i| &i.refs)).await {
                    Ok(refs) => refs,
                    Err(e) => {
                        // Nothing went out: let Lambda's retry claim this state change afresh.
                        if let Some(change) = &change
                            && let Err(store) = app.incidents.release(change).await
                        {
                            tracing::warn!(error = %store, "could not release the claim; the retry will be skipped");
                        }
                        return Err(e);
                    }
                };
                remember(app, &trigger, &report, refs).await;
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

/// Opens the incident on ALARM (so the OK can follow up on it) and closes it on OK.
async fn remember(app: &App, trigger: &Trigger, report: &Report, refs: IncidentRefs) {
    let Trigger::Alarm(alarm) = trigger else {
        return;
    };
    let done = match alarm.state {
        AlarmState::Alarm => {
            let incident = Incident {
                started_at: alarm.changed_at,
                verdict: report.diagnosis.verdict.as_str().to_string(),
                refs,
            };
            app.incidents
                .open(&alarm.arn, &incident, chrono_of(app.claim_ttl))
                .await
        }
        AlarmState::Ok => app.incidents.close(&alarm.arn).await,
        AlarmState::InsufficientData => Ok(()),
    };
    if let Err(e) = done {
        tracing::warn!(error = %e, "could not record the incident; a follow-up will not thread");
    }
}

/// Sends to every notifier; one success is enough, a failure of all fails the invocation.
async fn deliver(
    app: &App,
    report: &Report,
    earlier: Option<&IncidentRefs>,
) -> Result<IncidentRefs, HandlerError> {
    let mut errors = Vec::new();
    let mut refs = IncidentRefs::default();
    let sent =
        futures::future::join_all(app.notifiers.iter().map(|n| n.send(report, earlier))).await;
    for (n, r) in app.notifiers.iter().zip(sent) {
        match r {
            Ok(got) => refs.merge(got),
            Err(e) => {
                tracing::error!(notifier = n.name(), error = %e, "notification failed");
                errors.push(format!("{}: {e}", n.name()));
            }
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
    Ok(refs)
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
