//! The one path both entry points take: trigger -> evidence -> diagnosis -> report.
//!
//! This is the imperative shell around the pure core: it asks the sources (under a deadline) and
//! hands their answers to [`diagnosis::diagnose`].

use crate::diagnosis::{self, Context, Earlier};
use crate::evidence::scenario::{Scenario, ScenarioError};
use crate::evidence::{Evidence, Gap, GatherPlan, SourceError, SourceKind, Sources, gather};
use crate::report::{AlarmView, ApiView, CheckKind, CheckView, Report};
use crate::trigger::{
    Alarm, AlarmMetric, AlarmState, ApiKind, ApiRef, Schedule, Trigger, Watch, Window,
};
use chrono::Duration;
use std::sync::Arc;
use tokio::time::Instant;
use tracing::instrument;

/// Where the facts come from.
pub enum Account {
    /// A real AWS account, through the live adapters.
    Live(Sources),
    /// Recorded accounts; each event is answered by the scenario that names its alarm.
    Recorded(Vec<Arc<Scenario>>),
}

/// Settings the pipeline needs from the configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    pub plan: GatherPlan,
    /// APIs a scheduled check covers; empty means the recorded scenario's own list.
    pub scheduled_apis: Vec<ApiRef>,
    /// How far back a scheduled check looks.
    pub schedule_lookback: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            plan: GatherPlan::default(),
            scheduled_apis: Vec::new(),
            schedule_lookback: Duration::minutes(15),
        }
    }
}

/// What one API came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Report(Box<Report>),
    /// A scheduled check found nothing wrong: nothing to send.
    Healthy {
        api: ApiRef,
        window: Window,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(
        "no recorded scenario answers `{0}`: name one with --scenario, or add the alarm to a scenario's `answers`"
    )]
    NoScenario(String),
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error(
        "the scheduled check has no APIs to examine: configure them (rest:NAME/STAGE or http:ID/STAGE)"
    )]
    NothingScheduled,
}

impl Account {
    /// The sources for this trigger, and the scenario's name when one answers.
    pub fn sources_for(
        &self,
        trigger: &Trigger,
    ) -> Result<(Sources, Option<Arc<Scenario>>), PipelineError> {
        match self {
            Self::Live(s) => Ok((s.clone(), None)),
            Self::Recorded(scenarios) => {
                let key = match trigger {
                    Trigger::Alarm(a) => a.name.clone(),
                    Trigger::Schedule(s) => s
                        .rule_arn
                        .as_deref()
                        .and_then(|arn| arn.rsplit('/').next())
                        .unwrap_or_default()
                        .to_string(),
                };
                let found = match scenarios.as_slice() {
                    [only] => Some(only.clone()),
                    many => many.iter().find(|s| s.answers.contains(&key)).cloned(),
                };
                let s = found.ok_or(PipelineError::NoScenario(key))?;
                Ok((Sources::from_scenario(s.clone()), Some(s)))
            }
        }
    }
}

/// Runs the diagnosis for whatever the trigger asks, each API it names.
#[instrument(skip_all)]
pub async fn run(
    trigger: &Trigger,
    account: &Account,
    settings: &Settings,
    deadline: Instant,
) -> Result<Vec<Outcome>, PipelineError> {
    run_follow_up(trigger, account, settings, deadline, None).await
}

/// As [`run`], for a state change that follows an earlier notification of the same incident.
pub async fn run_follow_up(
    trigger: &Trigger,
    account: &Account,
    settings: &Settings,
    deadline: Instant,
    earlier: Option<Earlier>,
) -> Result<Vec<Outcome>, PipelineError> {
    let (sources, scenario) = account.sources_for(trigger)?;
    match trigger {
        Trigger::Alarm(alarm) => Ok(vec![
            diagnose_alarm(alarm, &sources, settings, deadline, earlier).await,
        ]),
        Trigger::Schedule(schedule) => {
            let apis = if settings.scheduled_apis.is_empty() {
                scenario.map(|s| s.scheduled()).unwrap_or_default()
            } else {
                settings.scheduled_apis.clone()
            };
            if apis.is_empty() {
                return Err(PipelineError::NothingScheduled);
            }
            let checks = apis
                .iter()
                .map(|api| check(schedule, api, &sources, settings, deadline));
            Ok(futures::future::join_all(checks).await)
        }
    }
}

async fn diagnose_alarm(
    alarm: &Alarm,
    sources: &Sources,
    settings: &Settings,
    deadline: Instant,
    earlier: Option<Earlier>,
) -> Outcome {
    let view = AlarmView::of(alarm);
    let (api, resolution_gaps) = match &alarm.api {
        Some(api) => (Ok(api.clone()), Vec::new()),
        None => resolve_composite(alarm, sources, deadline).await,
    };
    let api = match api {
        Ok(api) => api,
        Err(why) => {
            return Outcome::Report(Box::new(Report {
                alarm: Some(view),
                check: None,
                api: None,
                diagnosis: diagnosis::undiagnosable(&alarm.name, &why, resolution_gaps),
                cost: Default::default(),
            }));
        }
    };
    let ctx = Context {
        api: api.clone(),
        region: alarm.region.clone(),
        account: alarm.account.clone(),
        state: Some(alarm.state),
        watch: alarm.metric.watches(),
        changed_at: Some(alarm.changed_at),
        previous_changed_at: alarm.previous_changed_at,
        alarm_name: Some(alarm.name.clone()),
        window: alarm.window,
        window_clamped_from: alarm.window_clamped_from,
        earlier,
    };
    // A recovery needs no new evidence: it follows up on the diagnosis already sent.
    let mut evidence = if alarm.state == AlarmState::Ok {
        Evidence::default()
    } else {
        gather(sources, &api, alarm.window, &settings.plan, deadline).await
    };
    evidence.gaps.extend(resolution_gaps);
    let mut view = view;
    if view.api.is_none() {
        view.api = Some(api.name_or_id.clone());
        view.stage = Some(api.stage.clone());
    }
    Outcome::Report(Box::new(Report {
        alarm: Some(view),
        check: None,
        api: Some(api_view(&api, &alarm.region, &evidence)),
        diagnosis: diagnosis::diagnose(&ctx, &evidence),
        cost: evidence.cost,
    }))
}

async fn check(
    schedule: &Schedule,
    api: &ApiRef,
    sources: &Sources,
    settings: &Settings,
    deadline: Instant,
) -> Outcome {
    let (window, _) = Window::ending_at(schedule.at, settings.schedule_lookback);
    let view = CheckView::of(schedule, window);
    examine(view, api, &schedule.account, sources, settings, deadline).await
}

/// Where and over what stretch an on-demand diagnosis looks.
#[derive(Debug, Clone)]
pub struct OnDemand {
    pub api: ApiRef,
    pub at: chrono::DateTime<chrono::Utc>,
    pub since: Duration,
    pub region: String,
    pub account: String,
}

/// Diagnoses one API over the last `since`, on a person's request (`gateway-doctor diagnose`).
/// Unlike a scheduled check it answers with a report even when nothing is wrong.
pub async fn on_demand(
    request: &OnDemand,
    sources: &Sources,
    settings: &Settings,
    deadline: Instant,
) -> Outcome {
    let (window, _) = Window::ending_at(request.at, request.since);
    let view = CheckView {
        kind: CheckKind::OnDemand,
        rule_arn: None,
        at: request.at,
        region: request.region.clone(),
        window,
    };
    examine(
        view,
        &request.api,
        &request.account,
        sources,
        settings,
        deadline,
    )
    .await
}

async fn examine(
    view: CheckView,
    api: &ApiRef,
    account: &str,
    sources: &Sources,
    settings: &Settings,
    deadline: Instant,
) -> Outcome {
    let window = view.window;
    let evidence = gather(sources, api, window, &settings.plan, deadline).await;
    let ctx = Context {
        api: api.clone(),
        region: view.region.clone(),
        account: account.to_string(),
        state: None,
        watch: Watch::Other,
        changed_at: None,
        previous_changed_at: None,
        alarm_name: None,
        window,
        window_clamped_from: None,
        earlier: None,
    };
    let diagnosis = diagnosis::diagnose(&ctx, &evidence);
    if view.kind == CheckKind::Scheduled
        && diagnosis.verdict == diagnosis::Verdict::InsufficientEvidence
        && diagnosis::quiet(&evidence)
    {
        return Outcome::Healthy {
            api: api.clone(),
            window,
        };
    }
    Outcome::Report(Box::new(Report {
        alarm: None,
        api: Some(api_view(api, &view.region, &evidence)),
        check: Some(view),
        diagnosis,
        cost: evidence.cost,
    }))
}

/// Finds an API named on the command line: each kind in turn (an HTTP API by id, a REST API by
/// name); an ambiguous REST name is an error, never a guess.
pub async fn find_api(
    sources: &Sources,
    name_or_id: &str,
    stage: &str,
    kinds: &[ApiKind],
    deadline: Instant,
) -> Result<ApiRef, SourceError> {
    let mut last = SourceError::NotFound(format!("no API {name_or_id}"));
    for kind in kinds {
        let candidate = ApiRef {
            kind: *kind,
            name_or_id: name_or_id.to_string(),
            stage: stage.to_string(),
            route: None,
        };
        let asked = tokio::time::timeout_at(deadline, sources.apis.describe(&candidate)).await;
        match asked.unwrap_or_else(|_| Err(SourceError::DeadlinePassed("API configuration".into())))
        {
            // Metrics name a REST API by its name, whatever the person typed.
            Ok(found) => {
                return Ok(ApiRef {
                    name_or_id: if *kind == ApiKind::Rest {
                        found.name
                    } else {
                        found.id
                    },
                    ..candidate
                });
            }
            Err(SourceError::NotFound(why)) => last = SourceError::NotFound(why),
            Err(other) => return Err(other),
        }
    }
    Err(last)
}

/// A composite alarm names no API: follow its triggering child alarms to one that does.
async fn resolve_composite(
    alarm: &Alarm,
    sources: &Sources,
    deadline: Instant,
) -> (Result<ApiRef, String>, Vec<Gap>) {
    let AlarmMetric::Composite { triggering, rule } = &alarm.metric else {
        return (
            Err("its metric has no ApiName+Stage or ApiId+Stage dimensions".into()),
            Vec::new(),
        );
    };
    let mut gaps = Vec::new();
    for child in triggering {
        let asked = tokio::time::timeout_at(deadline, sources.alarms.metric_of(child)).await;
        match asked.unwrap_or_else(|_| Err(SourceError::DeadlinePassed("child alarm".into()))) {
            Ok(Some(metric)) => {
                if let Some(api) = metric.api() {
                    return (Ok(api), gaps);
                }
            }
            Ok(None) => gaps.push(Gap {
                source: SourceKind::Alarms,
                subject: child.clone(),
                reason: SourceError::NotFound(format!("alarm {child}")),
            }),
            Err(reason) => gaps.push(Gap {
                source: SourceKind::Alarms,
                subject: child.clone(),
                reason,
            }),
        }
    }
    (
        Err(format!(
            "composite alarm rule `{rule}` names no child alarm on an API stage that could be resolved"
        )),
        gaps,
    )
}

fn api_view(api: &ApiRef, region: &str, evidence: &Evidence) -> ApiView {
    let described = evidence.api.as_ref();
    ApiView {
        kind: api.kind,
        name: described
            .map(|d| d.name.clone())
            .or_else(|| (api.kind == ApiKind::Rest).then(|| api.name_or_id.clone())),
        id: described
            .map(|d| d.id.clone())
            .or_else(|| (api.kind == ApiKind::Http).then(|| api.name_or_id.clone())),
        stage: api.stage.clone(),
        region: region.to_string(),
    }
}
