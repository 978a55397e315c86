//! Asks every source concurrently, under one deadline, and turns failures into gaps.

use super::api::{ApiDescription, Backend, Integration, LogLevel, Protocol};
use super::changes::ChangeQuestion;
use super::logs::{
    AccessLogQuestion, AnswerMethod, Answered, ExecutionLogQuestion, FunctionLogQuestion,
    FunctionSummary,
};
use super::metrics::{SeriesSet, alb_queries, api_queries, lambda_queries};
use super::traces::TraceQuestion;
use super::{BackendEvidence, Cost, Evidence, Gap, SourceError, SourceKind, Sources};
use crate::trigger::{ApiRef, Window};
use chrono::Duration;
use std::future::Future;
use tokio::time::Instant;
use tracing::instrument;

/// How far around the alarm window to look.
#[derive(Debug, Clone)]
pub struct GatherPlan {
    /// Metrics start this long before the window, for a baseline.
    pub lead_in: Duration,
    /// Changes are looked for this long before the window.
    pub change_lookback: Duration,
    pub trace_limit: usize,
    /// Distinct backends examined at most (an API with many routes is narrowed by its logs).
    pub max_backends: usize,
}

impl Default for GatherPlan {
    fn default() -> Self {
        Self {
            lead_in: Duration::minutes(30),
            change_lookback: Duration::hours(6),
            trace_limit: 10,
            max_backends: 3,
        }
    }
}

/// Runs `fut` until `deadline`; lateness becomes [`SourceError::DeadlinePassed`].
async fn by_deadline<T>(
    deadline: Instant,
    what: &str,
    fut: impl Future<Output = Result<T, SourceError>>,
) -> Result<T, SourceError> {
    match tokio::time::timeout_at(deadline, fut).await {
        Ok(r) => r,
        Err(_) => Err(SourceError::DeadlinePassed(what.to_string())),
    }
}

/// Collects gaps and costs while the answers are put in place.
struct Ledger {
    gaps: Vec<Gap>,
    cost: Cost,
}

impl Ledger {
    fn take<T>(
        &mut self,
        source: SourceKind,
        subject: &str,
        r: Result<T, SourceError>,
    ) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(reason) => {
                tracing::warn!(source = ?source, subject, error = %reason, "source gave no answer");
                self.gaps.push(Gap {
                    source,
                    subject: subject.to_string(),
                    reason,
                });
                None
            }
        }
    }

    fn answered<T>(
        &mut self,
        source: SourceKind,
        subject: &str,
        r: Result<Answered<T>, SourceError>,
    ) -> Option<T> {
        let a = self.take(source, subject, r)?;
        if let Some(why) = &a.cut_short {
            self.gaps.push(Gap {
                source,
                subject: subject.to_string(),
                reason: SourceError::Partial(why.clone()),
            });
        }
        match a.method {
            AnswerMethod::Insights => {
                self.cost.insights_queries += 1;
                self.cost.insights_bytes_scanned += a.bytes_scanned;
            }
            AnswerMethod::FilterFallback => self.cost.log_fallbacks += 1,
            AnswerMethod::Recorded => {}
        }
        Some(a.answer)
    }

    fn not_enabled(&mut self, source: SourceKind, subject: &str, why: &str) {
        self.gaps.push(Gap {
            source,
            subject: subject.to_string(),
            reason: SourceError::NotEnabled(why.to_string()),
        });
    }
}

/// Gathers the evidence for one API over `window`. Never fails: what cannot be had is a gap.
#[instrument(skip(sources, plan), fields(api = %api))]
pub async fn gather(
    sources: &Sources,
    api: &ApiRef,
    window: Window,
    plan: &GatherPlan,
    deadline: Instant,
) -> Evidence {
    let metrics_window = window.with_lead_in(plan.lead_in);
    let api_subject = format!("{} {}/{}", api.kind, api.name_or_id, api.stage);
    let mut ledger = Ledger {
        gaps: Vec::new(),
        cost: Cost::default(),
    };

    // Round one: the API's description and its metrics need nothing but the alarm's dimensions.
    let queries = api_queries(api.kind, &api.name_or_id, &api.stage);
    let (described, api_series) = tokio::join!(
        by_deadline(deadline, "API configuration", sources.apis.describe(api)),
        by_deadline(
            deadline,
            "API metrics",
            sources.metrics.fetch(&queries, metrics_window)
        ),
    );
    ledger.cost.metric_requests += 1;
    ledger.cost.metric_series += queries.len() as u32;
    let api_metrics = SeriesSet(
        ledger
            .take(SourceKind::ApiMetrics, &api_subject, api_series)
            .unwrap_or_default(),
    );
    let Some(description) = ledger.take(SourceKind::ApiConfig, &api_subject, described) else {
        return Evidence {
            api_metrics,
            gaps: ledger.gaps,
            cost: ledger.cost,
            window: Some(window),
            baseline: Some(Window {
                start: metrics_window.start,
                end: window.start,
            }),
            ..Evidence::default()
        };
    };

    // Round two: everything that needs the API's ids, all at once.
    let stage = &description.stage;
    let exec_q = (description.protocol == Protocol::Rest
        && stage.execution_logging != LogLevel::Off)
        .then(|| ExecutionLogQuestion {
            rest_api_id: description.id.clone(),
            stage: stage.name.clone(),
            window,
        });
    let access_q = stage.access_log.as_ref().and_then(|a| {
        Some(AccessLogQuestion {
            log_group: a.log_group()?.to_string(),
            format: a.format.clone(),
            window,
        })
    });
    let backends = backends_of(&description, api, plan.max_backends);
    let functions: Vec<String> = backends
        .iter()
        .filter_map(|(_, b)| match b {
            Backend::Lambda { function, .. } => Some(function.clone()),
            _ => None,
        })
        .collect();
    // REST stages trace themselves; HTTP APIs cannot, but their functions' active tracing can.
    let traced = match description.protocol {
        Protocol::Rest => stage.tracing,
        Protocol::Http | Protocol::WebSocket => !functions.is_empty(),
    };
    let trace_q = traced.then(|| TraceQuestion {
        api_id: description.id.clone(),
        api_name: description.name.clone(),
        stage: stage.name.clone(),
        functions: functions.clone(),
        traced_through_functions: description.protocol != Protocol::Rest,
        window,
        limit: plan.trace_limit,
    });
    let change_q = ChangeQuestion {
        api_id: description.id.clone(),
        kind: description.kind(),
        stage: stage.name.clone(),
        functions,
        since: window.start - plan.change_lookback,
        until: window.end,
    };

    let exec_fut = async {
        match &exec_q {
            Some(q) => {
                Some(by_deadline(deadline, "execution log", sources.logs.execution_log(q)).await)
            }
            None => None,
        }
    };
    let access_fut = async {
        match &access_q {
            Some(q) => Some(by_deadline(deadline, "access log", sources.logs.access_log(q)).await),
            None => None,
        }
    };
    let trace_fut = async {
        match &trace_q {
            Some(q) => Some(by_deadline(deadline, "X-Ray traces", sources.traces.slowest(q)).await),
            None => None,
        }
    };
    let change_fut = by_deadline(
        deadline,
        "recent changes",
        sources.changes.changes(&change_q),
    );
    let backend_futs = futures::future::join_all(backends.iter().map(|(integration, backend)| {
        gather_backend(
            sources,
            integration,
            backend,
            metrics_window,
            window,
            deadline,
        )
    }));
    let (exec, access, traces, changes, backend_results) =
        tokio::join!(exec_fut, access_fut, trace_fut, change_fut, backend_futs);

    let exec_subject = format!(
        "API-Gateway-Execution-Logs_{}/{}",
        description.id, stage.name
    );
    let execution_log = match exec {
        Some(r) => ledger.answered(SourceKind::ExecutionLog, &exec_subject, r),
        None => {
            if description.protocol == Protocol::Rest {
                ledger.not_enabled(
                    SourceKind::ExecutionLog,
                    &exec_subject,
                    "execution logging is OFF on the stage",
                );
            }
            None
        }
    };
    let access_log = match (access, &access_q) {
        (Some(r), Some(q)) => ledger.answered(SourceKind::AccessLog, &q.log_group, r),
        _ => {
            ledger.not_enabled(
                SourceKind::AccessLog,
                &api_subject,
                "the stage has no access log destination",
            );
            None
        }
    };
    let traces = match traces {
        Some(r) => ledger.take(SourceKind::Traces, &api_subject, r),
        None => {
            let why = match description.protocol {
                Protocol::Rest => "X-Ray tracing is off on the stage",
                _ => "HTTP APIs do not support X-Ray and no Lambda backend could be traced instead",
            };
            ledger.not_enabled(SourceKind::Traces, &api_subject, why);
            None
        }
    };
    let changes = ledger.take(SourceKind::Changes, &api_subject, changes);

    let mut backends_out = Vec::new();
    for (mut b, parts) in backend_results {
        for (source, subject, reason) in parts.gaps {
            ledger.gaps.push(Gap {
                source,
                subject,
                reason,
            });
        }
        ledger.cost.metric_requests += parts.metric_requests;
        ledger.cost.metric_series += parts.metric_series;
        if let Some((subject, answer)) = parts.function_log {
            b.function_log = ledger.answered(SourceKind::FunctionLog, &subject, answer);
        }
        b.metrics.0.sort_by_key(|s| (s.measure as u8, s.stat as u8));
        backends_out.push(b);
    }

    Evidence {
        api: Some(description),
        api_metrics,
        execution_log,
        access_log,
        traces,
        changes,
        backends: backends_out,
        gaps: ledger.gaps,
        cost: ledger.cost,
        window: Some(window),
        baseline: Some(Window {
            start: metrics_window.start,
            end: window.start,
        }),
    }
}

/// The integrations worth examining: the alarm's route when it names one, else every distinct backend.
fn backends_of(api: &ApiDescription, target: &ApiRef, max: usize) -> Vec<(Integration, Backend)> {
    let on_route = |i: &Integration| match &target.route {
        None => true,
        Some(r) => {
            let key = r.to_string();
            i.route == key || i.route.ends_with(&format!(" {}", r.path)) && r.method.is_none()
        }
    };
    let mut out: Vec<(Integration, Backend)> = Vec::new();
    for i in api.integrations.iter().filter(|i| on_route(i)) {
        let b = i.backend();
        if matches!(b, Backend::Mock) || out.iter().any(|(_, seen)| *seen == b) {
            continue;
        }
        out.push((i.clone(), b));
        if out.len() == max {
            break;
        }
    }
    out
}

struct BackendParts {
    gaps: Vec<(SourceKind, String, SourceError)>,
    metric_requests: u32,
    metric_series: u32,
    /// The function log's answer, accounted for with the others' in the ledger.
    function_log: Option<(String, Result<Answered<FunctionSummary>, SourceError>)>,
}

async fn gather_backend(
    sources: &Sources,
    integration: &Integration,
    backend: &Backend,
    metrics_window: Window,
    window: Window,
    deadline: Instant,
) -> (BackendEvidence, BackendParts) {
    let mut parts = BackendParts {
        gaps: Vec::new(),
        metric_requests: 0,
        metric_series: 0,
        function_log: None,
    };
    let mut evidence = BackendEvidence {
        integration: integration.clone(),
        backend: backend.clone(),
        function: None,
        function_log: None,
        metrics: SeriesSet::default(),
    };
    match backend {
        Backend::Lambda { function, qualifier } => {
            let queries = lambda_queries(function);
            let log_q = FunctionLogQuestion {
                function: function.clone(),
                window,
            };
            let (config, log, series) = tokio::join!(
                by_deadline(deadline, "function configuration", sources.functions.function(function, qualifier.as_deref())),
                by_deadline(deadline, "function log", sources.logs.function_log(&log_q)),
                by_deadline(deadline, "backend metrics", sources.metrics.fetch(&queries, metrics_window)),
            );
            parts.metric_requests += 1;
            parts.metric_series += queries.len() as u32;
            match config {
                Ok(c) => evidence.function = Some(c),
                Err(e) => parts.gaps.push((SourceKind::FunctionConfig, function.clone(), e)),
            }
            parts.function_log = Some((log_q.log_group(), log));
            match series {
                Ok(s) => evidence.metrics = SeriesSet(s),
                Err(e) => parts.gaps.push((SourceKind::BackendMetrics, function.clone(), e)),
            }
        }
        Backend::LoadBalancer { target, .. } => match alb_dimension(target) {
            Some(lb) => {
                let queries = alb_queries(&lb);
                parts.metric_requests += 1;
                parts.metric_series += queries.len() as u32;
                match by_deadline(deadline, "backend metrics", sources.metrics.fetch(&queries, metrics_window)).await {
                    Ok(s) => evidence.metrics = SeriesSet(s),
                    Err(e) => parts.gaps.push((SourceKind::BackendMetrics, lb, e)),
                }
            }
            None => parts.gaps.push((
                SourceKind::BackendMetrics,
                target.clone(),
                SourceError::NotEnabled("the VPC link target is not an Application Load Balancer; its metrics are not read".into()),
            )),
        },
        Backend::Http { url } => parts.gaps.push((
            SourceKind::BackendMetrics,
            url.clone(),
            SourceError::NotEnabled("the backend is a public HTTP endpoint; only the gateway's view of it is visible".into()),
        )),
        Backend::AwsService { .. } | Backend::Mock => {}
    }
    (evidence, parts)
}

/// The `LoadBalancer` metric dimension (`app/NAME/ID`) from an ALB or ALB-listener ARN.
pub fn alb_dimension(arn: &str) -> Option<String> {
    let rest = arn
        .split_once(":loadbalancer/")
        .or_else(|| arn.split_once(":listener/"))?
        .1;
    let mut parts = rest.split('/');
    let (kind, name, id) = (parts.next()?, parts.next()?, parts.next()?);
    (kind == "app").then(|| format!("app/{name}/{id}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alb_listener_arn_gives_the_load_balancer_dimension() {
        let arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/orders-alb/50dc6c495c0c9188/0467ef3c8400ae65";
        assert_eq!(
            alb_dimension(arn).as_deref(),
            Some("app/orders-alb/50dc6c495c0c9188")
        );
    }

    #[test]
    fn a_network_load_balancer_has_no_alb_dimension() {
        let arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/orders-nlb/50dc6c495c0c9188";
        assert_eq!(alb_dimension(arn), None);
    }
}
