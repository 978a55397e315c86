//! Decoding of the four supported event shapes into one [`Trigger`].
//!
//! The alarm payload is read with lenient structs of our own (every field optional) because the
//! typed structs of `aws_lambda_events` reject shapes CloudWatch really sends (a null description,
//! metric math, composites). What the diagnosis needs is then checked field by field, so an error
//! names the path that was missing or wrong.

use std::collections::BTreeMap;

use aws_lambda_events::event::sns::SnsEvent;
use chrono::{DateTime, Datelike, Duration, Utc};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{
    Alarm, AlarmMetric, AlarmState, ApiKind, ApiRef, Delivery, MetricRef, RouteRef, Schedule,
    Trigger, TriggerError, Window, parse_timestamp,
};

/// How many periods the window spans when the event does not say how many the alarm evaluated.
const DEFAULT_PERIODS: u64 = 5;
/// The period assumed where an alarm has none (composites) or the event omits it.
const DEFAULT_PERIOD_S: u32 = 60;
/// Longer than any real alarm (CloudWatch caps period x evaluation periods at 7 days); keeps the
/// arithmetic far from chrono's limits whatever the event claims.
const LONGEST_LENGTH_S: u64 = 30 * 24 * 3600;
/// Error messages quote at most this many characters of a bad value.
const QUOTE_CHARS: usize = 80;

/// Decodes an alarm notification (Lambda action, SNS, EventBridge) or an EventBridge schedule.
pub fn decode(bytes: &[u8]) -> Result<Trigger, TriggerError> {
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| TriggerError::NotJson(e.to_string()))?;
    let event = match &value {
        Value::Object(event) => event,
        other => {
            return Err(TriggerError::Unrecognised(format!(
                "the event is JSON {}, not an object",
                kind_of(other)
            )));
        }
    };
    if event.contains_key("Records") {
        return sns(&value, event).map(Trigger::Alarm);
    }
    match event.get("detail-type").and_then(Value::as_str) {
        Some("CloudWatch Alarm State Change") => {
            return eventbridge_alarm(event).map(Trigger::Alarm);
        }
        Some("Scheduled Event") => return schedule(event).map(Trigger::Schedule),
        Some(other) => {
            return Err(TriggerError::Unrecognised(format!(
                "EventBridge detail-type `{}` from source `{}` is not handled; top-level keys: {}",
                quote(other),
                quote(event.get("source").and_then(Value::as_str).unwrap_or("?")),
                keys(event)
            )));
        }
        None => {}
    }
    if event.contains_key("alarmData") {
        return lambda_action(event).map(Trigger::Alarm);
    }
    Err(TriggerError::Unrecognised(format!(
        "top-level keys: {}",
        keys(event)
    )))
}

// ---------------------------------------------------------------------------------------------
// Lambda action and EventBridge: the same alarm object under `alarmData` or `detail`.

/// Where each checked field lives, so errors name the real path for either shape.
struct Paths {
    root: &'static str,
    name: &'static str,
    state: &'static str,
    state_value: &'static str,
    state_timestamp: &'static str,
    previous_state: &'static str,
    previous_value: &'static str,
    previous_timestamp: &'static str,
    configuration: &'static str,
    metrics: &'static str,
    namespace: &'static str,
    metric_name: &'static str,
    stat: &'static str,
    period: &'static str,
}

macro_rules! paths {
    ($root:literal) => {
        Paths {
            root: $root,
            name: concat!($root, ".alarmName"),
            state: concat!($root, ".state"),
            state_value: concat!($root, ".state.value"),
            state_timestamp: concat!($root, ".state.timestamp"),
            previous_state: concat!($root, ".previousState"),
            previous_value: concat!($root, ".previousState.value"),
            previous_timestamp: concat!($root, ".previousState.timestamp"),
            configuration: concat!($root, ".configuration"),
            metrics: concat!($root, ".configuration.metrics"),
            namespace: concat!(
                $root,
                ".configuration.metrics[].metricStat.metric.namespace"
            ),
            metric_name: concat!($root, ".configuration.metrics[].metricStat.metric.name"),
            stat: concat!($root, ".configuration.metrics[].metricStat.stat"),
            period: concat!($root, ".configuration.metrics[].metricStat.period"),
        }
    };
}

const ALARM_DATA: Paths = paths!("alarmData");
const DETAIL: Paths = paths!("detail");

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct AlarmData {
    alarm_name: Option<String>,
    state: Option<Value>,
    previous_state: Option<Value>,
    configuration: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct StateData {
    value: Option<String>,
    reason: Option<String>,
    /// A JSON document inside a string: `startDate`, `period`, `triggeringAlarms`...
    reason_data: Option<String>,
    timestamp: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Configuration {
    description: Option<String>,
    metrics: Option<Vec<MetricQuery>>,
    alarm_rule: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct MetricQuery {
    expression: Option<String>,
    return_data: Option<bool>,
    metric_stat: Option<MetricStat>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct MetricStat {
    metric: Option<Metric>,
    period: Option<u32>,
    stat: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Metric {
    namespace: Option<String>,
    name: Option<String>,
    dimensions: Option<BTreeMap<String, String>>,
}

/// The facts an envelope holds besides the alarm object.
struct Envelope {
    delivery: Delivery,
    arn: String,
    region: Option<String>,
    account: Option<String>,
    account_field: &'static str,
}

fn lambda_action(event: &Map<String, Value>) -> Result<Alarm, TriggerError> {
    let envelope = Envelope {
        delivery: Delivery::LambdaAction,
        arn: text(event, "alarmArn")?.ok_or(TriggerError::Missing("alarmArn"))?,
        region: text(event, "region")?,
        account: text(event, "accountId")?,
        account_field: "accountId",
    };
    alarm_object(event.get("alarmData"), &ALARM_DATA, envelope)
}

fn eventbridge_alarm(event: &Map<String, Value>) -> Result<Alarm, TriggerError> {
    let envelope = Envelope {
        delivery: Delivery::EventBridge,
        arn: first_text(event, "resources")?.ok_or(TriggerError::Missing("resources"))?,
        region: text(event, "region")?,
        account: text(event, "account")?,
        account_field: "account",
    };
    // Some published samples carry the alarm under `alarmData` inside an EventBridge envelope.
    match (event.get("detail"), event.get("alarmData")) {
        (None | Some(Value::Null), Some(data)) => alarm_object(Some(data), &ALARM_DATA, envelope),
        (detail, _) => alarm_object(detail, &DETAIL, envelope),
    }
}

fn alarm_object(
    data: Option<&Value>,
    p: &Paths,
    envelope: Envelope,
) -> Result<Alarm, TriggerError> {
    let data: AlarmData = match data {
        None | Some(Value::Null) => return Err(TriggerError::Missing(p.root)),
        Some(v) => section(Some(v), p.root)?,
    };
    let state: StateData = match data.state.as_ref() {
        None | Some(Value::Null) => return Err(TriggerError::Missing(p.state)),
        Some(v) => section(Some(v), p.state)?,
    };
    let previous: StateData = section(data.previous_state.as_ref(), p.previous_state)?;
    let config: Configuration = section(data.configuration.as_ref(), p.configuration)?;

    // The state is checked before the metric: without it there is nothing to report.
    let current = alarm_state(state.value, p.state_value)?;
    let changed_at = timestamp(state.timestamp, p.state_timestamp)?;
    let previous_state = optional_state(previous.value, p.previous_value)?;
    let previous_changed_at = optional_timestamp(previous.timestamp, p.previous_timestamp)?;
    let reason_data = state
        .reason_data
        .as_deref()
        .and_then(|s| serde_json::from_str::<Value>(s).ok());

    let (metric, length) = match present(config.alarm_rule) {
        Some(rule) => {
            let triggering = reason_data
                .as_ref()
                .and_then(triggering_from_reason_data)
                .unwrap_or_else(|| names_in_rule(&rule));
            (
                AlarmMetric::Composite { rule, triggering },
                periods(DEFAULT_PERIOD_S, DEFAULT_PERIODS),
            )
        }
        None => {
            let queries = config
                .metrics
                .unwrap_or_default()
                .into_iter()
                .map(|q| query_from_lambda(q, p))
                .collect::<Result<Vec<_>, _>>()?;
            let metric = metric_from_queries(queries, p.metrics)?;
            let length = evaluated_length(&metric, reason_data.as_ref(), changed_at);
            (metric, length)
        }
    };

    let (region, account) = region_and_account(&envelope.arn, envelope.region, envelope.account);
    Ok(assemble(Parts {
        name: present(data.alarm_name)
            .or_else(|| alarm_name_from_arn(&envelope.arn))
            .ok_or(TriggerError::Missing(p.name))?,
        description: present(config.description),
        delivery: envelope.delivery,
        state: current,
        previous_state,
        changed_at,
        previous_changed_at,
        reason: present(state.reason),
        region: region.ok_or(TriggerError::Missing("region"))?,
        account: account.ok_or(TriggerError::Missing(envelope.account_field))?,
        arn: envelope.arn,
        metric,
        length,
    }))
}

fn query_from_lambda(q: MetricQuery, p: &Paths) -> Result<Query, TriggerError> {
    let metric = match q.metric_stat {
        None => None,
        Some(ms) => {
            let m = ms.metric.unwrap_or_default();
            Some(metric_ref(
                present(m.namespace).ok_or(TriggerError::Missing(p.namespace))?,
                present(m.name).ok_or(TriggerError::Missing(p.metric_name))?,
                present(ms.stat).ok_or(TriggerError::Missing(p.stat))?,
                period(ms.period, p.period)?,
                m.dimensions.unwrap_or_default().into_iter().collect(),
            ))
        }
    };
    Ok(Query {
        expression: present(q.expression),
        return_data: q.return_data,
        metric,
    })
}

/// The window an alarm evaluated, from `reasonData` when it says where evaluation started.
fn evaluated_length(
    metric: &AlarmMetric,
    reason_data: Option<&Value>,
    end: DateTime<Utc>,
) -> Duration {
    let period_s = reason_data
        .and_then(|r| r.get("period"))
        .and_then(Value::as_u64)
        .filter(|p| *p > 0)
        .and_then(|p| u32::try_from(p).ok())
        .or_else(|| metric.metrics().iter().map(|m| m.period_s).max())
        .unwrap_or(DEFAULT_PERIOD_S);
    let start = reason_data
        .and_then(|r| r.get("startDate"))
        .and_then(Value::as_str)
        .and_then(parse_timestamp)
        .filter(|t| in_supported_years(*t));
    match start {
        Some(start) => (end - start).max(periods(period_s, 1)),
        None => periods(period_s, DEFAULT_PERIODS),
    }
}

fn triggering_from_reason_data(reason_data: &Value) -> Option<Vec<String>> {
    let names = dedup(
        reason_data
            .get("triggeringAlarms")?
            .as_array()?
            .iter()
            .filter_map(|a| a.get("arn").and_then(Value::as_str))
            .map(name_from_alarm_ref),
    );
    (!names.is_empty()).then_some(names)
}

// ---------------------------------------------------------------------------------------------
// SNS: the alarm JSON (PascalCase, a different layout) inside `Records[0].Sns.Message`.

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "PascalCase")]
struct SnsAlarm {
    alarm_name: Option<String>,
    alarm_description: Option<String>,
    #[serde(rename = "AWSAccountId")]
    aws_account_id: Option<String>,
    new_state_value: Option<String>,
    new_state_reason: Option<String>,
    state_change_time: Option<String>,
    alarm_arn: Option<String>,
    old_state_value: Option<String>,
    trigger: Option<Value>,
    alarm_rule: Option<String>,
    triggering_children: Option<Vec<SnsChild>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "PascalCase")]
struct SnsChild {
    arn: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "PascalCase")]
struct SnsTrigger {
    metric_name: Option<String>,
    namespace: Option<String>,
    statistic_type: Option<String>,
    statistic: Option<String>,
    extended_statistic: Option<String>,
    dimensions: Option<Vec<SnsDimension>>,
    period: Option<u32>,
    evaluation_periods: Option<u32>,
    metrics: Option<Vec<SnsMetricQuery>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SnsDimension {
    #[serde(alias = "Name")]
    name: Option<String>,
    #[serde(alias = "Value")]
    value: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "PascalCase")]
struct SnsMetricQuery {
    expression: Option<String>,
    return_data: Option<bool>,
    metric_stat: Option<SnsMetricStat>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "PascalCase")]
struct SnsMetricStat {
    metric: Option<SnsMetric>,
    period: Option<u32>,
    stat: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "PascalCase")]
struct SnsMetric {
    dimensions: Option<Vec<SnsDimension>>,
    metric_name: Option<String>,
    namespace: Option<String>,
}

fn sns(value: &Value, event: &Map<String, Value>) -> Result<Alarm, TriggerError> {
    // Checked before the typed envelope so that SQS, S3 or DynamoDB records are named as such
    // rather than reported as a missing SNS field.
    let first = match event.get("Records") {
        Some(Value::Array(records)) => records.first().ok_or(TriggerError::NoRecords)?,
        Some(other) => {
            return Err(TriggerError::Invalid {
                field: "Records",
                why: format!("expected an array, found {}", kind_of(other)),
            });
        }
        None => return Err(TriggerError::Missing("Records")),
    };
    let source = first
        .get("EventSource")
        .or_else(|| first.get("eventSource"))
        .and_then(Value::as_str);
    if source != Some("aws:sns") {
        return Err(TriggerError::Unrecognised(format!(
            "Records[0].EventSource is {}; only aws:sns records carry alarms",
            source.map_or("absent".to_string(), |s| format!("`{}`", quote(s)))
        )));
    }
    let envelope = SnsEvent::deserialize(value).map_err(|e| TriggerError::Invalid {
        field: "Records",
        why: e.to_string(),
    })?;
    let record = envelope
        .records
        .into_iter()
        .next()
        .ok_or(TriggerError::NoRecords)?;
    let topic_arn = record.sns.topic_arn;

    let message: Value = serde_json::from_str(&record.sns.message).map_err(|e| {
        TriggerError::SnsMessage(format!("{e} in `{}`", quote(&record.sns.message)))
    })?;
    let Value::Object(fields) = &message else {
        return Err(TriggerError::SnsMessage(format!(
            "the message is JSON {}, not an object",
            kind_of(&message)
        )));
    };
    if !["AlarmName", "AlarmArn", "NewStateValue"]
        .iter()
        .any(|k| fields.contains_key(*k))
    {
        return Err(TriggerError::SnsMessage(format!(
            "no AlarmName, AlarmArn or NewStateValue; keys: {}",
            keys(fields)
        )));
    }
    let msg: SnsAlarm = section(Some(&message), "Message")?;

    let arn = present(msg.alarm_arn).ok_or(TriggerError::Missing("AlarmArn"))?;
    let state = alarm_state(msg.new_state_value, "NewStateValue")?;
    let changed_at = timestamp(msg.state_change_time, "StateChangeTime")?;
    let previous_state = optional_state(msg.old_state_value, "OldStateValue")?;
    let (metric, length) = match present(msg.alarm_rule) {
        Some(rule) => {
            let children = dedup(
                msg.triggering_children
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|c| present(c.arn))
                    .map(|a| name_from_alarm_ref(&a)),
            );
            let triggering = if children.is_empty() {
                names_in_rule(&rule)
            } else {
                children
            };
            (
                AlarmMetric::Composite { rule, triggering },
                periods(DEFAULT_PERIOD_S, DEFAULT_PERIODS),
            )
        }
        None => {
            let trigger: SnsTrigger = match msg.trigger.as_ref() {
                None | Some(Value::Null) => return Err(TriggerError::Missing("Trigger")),
                Some(t) => section(Some(t), "Trigger")?,
            };
            sns_metric(trigger)?
        }
    };

    // `Region` is a display name ("EU (Ireland)"); the ARNs carry the code.
    let (region, account) = region_and_account(&arn, None, present(msg.aws_account_id));
    let (topic_region, topic_account) = region_and_account(&topic_arn, None, None);
    Ok(assemble(Parts {
        name: present(msg.alarm_name)
            .or_else(|| alarm_name_from_arn(&arn))
            .ok_or(TriggerError::Missing("AlarmName"))?,
        description: present(msg.alarm_description),
        delivery: Delivery::Sns,
        state,
        previous_state,
        changed_at,
        previous_changed_at: None,
        reason: present(msg.new_state_reason),
        region: region
            .or(topic_region)
            .ok_or_else(|| TriggerError::Invalid {
                field: "AlarmArn",
                why: format!(
                    "`{}` names no region and neither does the topic ARN",
                    quote(&arn)
                ),
            })?,
        account: account
            .or(topic_account)
            .ok_or(TriggerError::Missing("AWSAccountId"))?,
        arn,
        metric,
        length,
    }))
}

fn sns_metric(t: SnsTrigger) -> Result<(AlarmMetric, Duration), TriggerError> {
    let evaluations = t
        .evaluation_periods
        .filter(|n| *n > 0)
        .map_or(DEFAULT_PERIODS, u64::from);
    let queries = t.metrics.unwrap_or_default();
    let metric = if queries.is_empty() {
        let stat = match t.statistic_type.as_deref() {
            Some("ExtendedStatistic") => present(t.extended_statistic)
                .ok_or(TriggerError::Missing("Trigger.ExtendedStatistic"))?,
            Some("Statistic") => {
                present(t.statistic).ok_or(TriggerError::Missing("Trigger.Statistic"))?
            }
            _ => present(t.extended_statistic)
                .or(present(t.statistic))
                .ok_or(TriggerError::Missing("Trigger.Statistic"))?,
        };
        AlarmMetric::Single(metric_ref(
            present(t.namespace).ok_or(TriggerError::Missing("Trigger.Namespace"))?,
            present(t.metric_name).ok_or(TriggerError::Missing("Trigger.MetricName"))?,
            stat,
            period(t.period, "Trigger.Period")?,
            sns_dimensions(t.dimensions),
        ))
    } else {
        let queries = queries
            .into_iter()
            .map(|q| {
                let metric = match q.metric_stat {
                    None => None,
                    Some(ms) => {
                        let m = ms.metric.unwrap_or_default();
                        Some(metric_ref(
                            present(m.namespace).ok_or(TriggerError::Missing(
                                "Trigger.Metrics[].MetricStat.Metric.Namespace",
                            ))?,
                            present(m.metric_name).ok_or(TriggerError::Missing(
                                "Trigger.Metrics[].MetricStat.Metric.MetricName",
                            ))?,
                            present(ms.stat).ok_or(TriggerError::Missing(
                                "Trigger.Metrics[].MetricStat.Stat",
                            ))?,
                            period(ms.period, "Trigger.Metrics[].MetricStat.Period")?,
                            sns_dimensions(m.dimensions),
                        ))
                    }
                };
                Ok(Query {
                    expression: present(q.expression),
                    return_data: q.return_data,
                    metric,
                })
            })
            .collect::<Result<Vec<_>, TriggerError>>()?;
        metric_from_queries(queries, "Trigger.Metrics")?
    };
    let period_s = t
        .period
        .filter(|p| *p > 0)
        .or_else(|| metric.metrics().iter().map(|m| m.period_s).max())
        .unwrap_or(DEFAULT_PERIOD_S);
    Ok((metric, periods(period_s, evaluations)))
}

fn sns_dimensions(dimensions: Option<Vec<SnsDimension>>) -> Vec<(String, String)> {
    dimensions
        .unwrap_or_default()
        .into_iter()
        .filter_map(|d| Some((d.name?, d.value?)))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// EventBridge schedule.

fn schedule(event: &Map<String, Value>) -> Result<Schedule, TriggerError> {
    let rule_arn = first_text(event, "resources")?;
    let at = timestamp(text(event, "time")?, "time")?;
    let (arn_region, arn_account) = rule_arn
        .as_deref()
        .map_or((None, None), |a| region_and_account(a, None, None));
    Ok(Schedule {
        region: present(text(event, "region")?)
            .or(arn_region)
            .ok_or(TriggerError::Missing("region"))?,
        account: present(text(event, "account")?)
            .or(arn_account)
            .ok_or(TriggerError::Missing("account"))?,
        rule_arn,
        at,
    })
}

// ---------------------------------------------------------------------------------------------
// Shared by every alarm shape.

/// One entry of an alarm's metric list, whatever shape it came in.
struct Query {
    expression: Option<String>,
    return_data: Option<bool>,
    metric: Option<MetricRef>,
}

fn metric_from_queries(
    queries: Vec<Query>,
    field: &'static str,
) -> Result<AlarmMetric, TriggerError> {
    let returned = queries
        .iter()
        .find(|q| q.return_data == Some(true) && q.expression.is_some())
        .or_else(|| queries.iter().find(|q| q.expression.is_some()))
        .and_then(|q| q.expression.clone());
    let mut metrics: Vec<MetricRef> = queries.into_iter().filter_map(|q| q.metric).collect();
    match (returned, metrics.len()) {
        (None, 0) => Err(TriggerError::Missing(field)),
        (None, 1) => metrics
            .pop()
            .map(AlarmMetric::Single)
            .ok_or(TriggerError::Missing(field)),
        (expression, _) => Ok(AlarmMetric::Math {
            expression,
            metrics,
        }),
    }
}

fn metric_ref(
    namespace: String,
    name: String,
    stat: String,
    period_s: u32,
    dimensions: Vec<(String, String)>,
) -> MetricRef {
    MetricRef {
        namespace,
        name,
        stat: normalise_stat(&stat),
        period_s,
        dimensions,
    }
}

/// SNS spells statistics `SUM`, `SAMPLE_COUNT`; metric queries use CloudWatch's `Sum`, `SampleCount`.
fn normalise_stat(stat: &str) -> String {
    let canonical = match stat.to_ascii_uppercase().replace('_', "").as_str() {
        "SUM" => "Sum",
        "AVERAGE" => "Average",
        "MAXIMUM" => "Maximum",
        "MINIMUM" => "Minimum",
        "SAMPLECOUNT" => "SampleCount",
        _ => return stat.to_string(),
    };
    canonical.to_string()
}

fn period(value: Option<u32>, field: &'static str) -> Result<u32, TriggerError> {
    match value {
        None => Err(TriggerError::Missing(field)),
        // Later steps divide windows by the period.
        Some(0) => Err(TriggerError::Invalid {
            field,
            why: "a period of 0 seconds".to_string(),
        }),
        Some(p) => Ok(p),
    }
}

fn periods(period_s: u32, count: u64) -> Duration {
    let seconds = u64::from(period_s)
        .saturating_mul(count)
        .min(LONGEST_LENGTH_S);
    i64::try_from(seconds)
        .ok()
        .and_then(Duration::try_seconds)
        .unwrap_or(super::MAX_WINDOW)
}

/// The first metric naming an API (`ApiName` for REST, `ApiId` for HTTP) and a stage.
pub(super) fn api_of(metrics: &[MetricRef]) -> Option<ApiRef> {
    metrics.iter().find_map(|m| {
        let non_empty = |name: &str| m.dimension(name).filter(|v| !v.trim().is_empty());
        let (kind, name_or_id) = match (non_empty("ApiName"), non_empty("ApiId")) {
            (Some(name), _) => (ApiKind::Rest, name),
            (None, Some(id)) => (ApiKind::Http, id),
            (None, None) => return None,
        };
        let stage = non_empty("Stage")?;
        let route = match (non_empty("Route"), non_empty("Resource")) {
            (Some(route), _) => Some(route_from_key(route)),
            (None, Some(resource)) => Some(RouteRef {
                method: non_empty("Method").map(str::to_string),
                path: resource.to_string(),
            }),
            (None, None) => None,
        };
        Some(ApiRef {
            kind,
            name_or_id: name_or_id.to_string(),
            stage: stage.to_string(),
            route,
        })
    })
}

/// HTTP route keys are `METHOD /path` or a bare key such as `$default`.
fn route_from_key(key: &str) -> RouteRef {
    match key.trim().split_once(' ') {
        Some((method, path))
            if !method.is_empty() && method.chars().all(|c| c.is_ascii_uppercase()) =>
        {
            RouteRef {
                method: Some(method.to_string()),
                path: path.trim().to_string(),
            }
        }
        _ => RouteRef {
            method: None,
            path: key.trim().to_string(),
        },
    }
}

/// The alarms a composite rule waits on in ALARM, for when the event does not list its children.
/// `NOT ALARM(x)` is skipped: it fires because x is *not* alarming.
fn names_in_rule(rule: &str) -> Vec<String> {
    const FUNCTION: &str = "ALARM(";
    let found = rule.match_indices(FUNCTION).filter_map(|(at, _)| {
        let before = rule.get(..at).unwrap_or_default();
        if before
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            return None;
        }
        let previous_word = before
            .trim_end_matches(|c: char| c.is_whitespace() || c == '(')
            .rsplit(|c: char| c.is_whitespace() || c == '(')
            .next();
        if previous_word == Some("NOT") {
            return None;
        }
        let argument = rule.get(at + FUNCTION.len()..)?.trim_start();
        let name = match argument.strip_prefix('"') {
            Some(quoted) => quoted.split('"').next()?,
            None => argument.split(')').next()?.trim(),
        };
        (!name.is_empty()).then(|| name_from_alarm_ref(name))
    });
    dedup(found)
}

/// Child alarms are named or given by ARN (`arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME`).
fn name_from_alarm_ref(reference: &str) -> String {
    match reference.split_once(":alarm:") {
        Some((_, name)) => name.to_string(),
        None => reference.to_string(),
    }
}

fn alarm_name_from_arn(arn: &str) -> Option<String> {
    arn.split_once(":alarm:")
        .map(|(_, name)| name.to_string())
        .filter(|n| !n.is_empty())
}

/// Region and account from an ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`), falling back
/// to what the envelope says when the ARN does not carry them.
fn region_and_account(
    arn: &str,
    region: Option<String>,
    account: Option<String>,
) -> (Option<String>, Option<String>) {
    let mut parts = arn.splitn(6, ':');
    let is_arn = parts.next() == Some("arn");
    let mut fields = parts.skip(2);
    let (arn_region, arn_account) = if is_arn {
        (fields.next(), fields.next())
    } else {
        (None, None)
    };
    let keep = |s: Option<&str>| {
        s.map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    (
        keep(arn_region).or(present(region)),
        keep(arn_account).or(present(account)),
    )
}

struct Parts {
    name: String,
    arn: String,
    description: Option<String>,
    delivery: Delivery,
    state: AlarmState,
    previous_state: Option<AlarmState>,
    changed_at: DateTime<Utc>,
    previous_changed_at: Option<DateTime<Utc>>,
    reason: Option<String>,
    region: String,
    account: String,
    metric: AlarmMetric,
    length: Duration,
}

fn assemble(p: Parts) -> Alarm {
    let (window, window_clamped_from) = Window::ending_at(p.changed_at, p.length);
    Alarm {
        api: api_of(p.metric.metrics()),
        name: p.name,
        arn: p.arn,
        description: p.description,
        delivery: p.delivery,
        state: p.state,
        previous_state: p.previous_state,
        changed_at: p.changed_at,
        previous_changed_at: p.previous_changed_at,
        reason: p.reason,
        region: p.region,
        account: p.account,
        metric: p.metric,
        window,
        window_clamped_from,
    }
}

fn alarm_state(value: Option<String>, field: &'static str) -> Result<AlarmState, TriggerError> {
    optional_state(value, field)?.ok_or(TriggerError::Missing(field))
}

fn optional_state(
    value: Option<String>,
    field: &'static str,
) -> Result<Option<AlarmState>, TriggerError> {
    present(value)
        .map(|v| {
            AlarmState::parse(v.trim()).ok_or_else(|| TriggerError::Invalid {
                field,
                why: format!("`{}` is not ALARM, OK or INSUFFICIENT_DATA", quote(&v)),
            })
        })
        .transpose()
}

fn timestamp(value: Option<String>, field: &'static str) -> Result<DateTime<Utc>, TriggerError> {
    optional_timestamp(value, field)?.ok_or(TriggerError::Missing(field))
}

fn optional_timestamp(
    value: Option<String>,
    field: &'static str,
) -> Result<Option<DateTime<Utc>>, TriggerError> {
    let Some(value) = present(value) else {
        return Ok(None);
    };
    let t = parse_timestamp(value.trim()).ok_or_else(|| TriggerError::Invalid {
        field,
        why: format!(
            "`{}` is not a timestamp like 2026-11-24T02:15:00.000+0000",
            quote(&value)
        ),
    })?;
    if !in_supported_years(t) {
        return Err(TriggerError::Invalid {
            field,
            why: format!("`{}` is outside the years 1970 to 9999", quote(&value)),
        });
    }
    Ok(Some(t))
}

/// Keeps window arithmetic (which subtracts up to hours) far from chrono's representable range.
fn in_supported_years(t: DateTime<Utc>) -> bool {
    (1970..=9999).contains(&t.year())
}

/// Decodes one object of the payload; an absent or null object reads as all fields absent.
fn section<'a, T>(value: Option<&'a Value>, field: &'static str) -> Result<T, TriggerError>
where
    T: Deserialize<'a> + Default,
{
    match value {
        None | Some(Value::Null) => Ok(T::default()),
        Some(v) => T::deserialize(v).map_err(|e| TriggerError::Invalid {
            field,
            why: e.to_string(),
        }),
    }
}

/// A top-level string field; absent and null read as `None`.
fn text(event: &Map<String, Value>, key: &'static str) -> Result<Option<String>, TriggerError> {
    match event.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(present(Some(s.clone()))),
        Some(other) => Err(TriggerError::Invalid {
            field: key,
            why: format!("expected a string, found {}", kind_of(other)),
        }),
    }
}

/// The first string of a top-level array field such as `resources`.
fn first_text(
    event: &Map<String, Value>,
    key: &'static str,
) -> Result<Option<String>, TriggerError> {
    match event.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => match items.first() {
            None => Ok(None),
            Some(Value::String(s)) => Ok(present(Some(s.clone()))),
            Some(other) => Err(TriggerError::Invalid {
                field: key,
                why: format!("expected strings, found {}", kind_of(other)),
            }),
        },
        Some(other) => Err(TriggerError::Invalid {
            field: key,
            why: format!("expected an array of strings, found {}", kind_of(other)),
        }),
    }
}

/// Empty strings mean "not set" in these payloads.
fn present(value: Option<String>) -> Option<String> {
    value.filter(|s| !s.trim().is_empty())
}

fn dedup(names: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen = Vec::new();
    for name in names {
        if !seen.contains(&name) {
            seen.push(name);
        }
    }
    seen
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The keys of an object for an error message, bounded so a hostile event cannot bloat logs.
fn keys(object: &Map<String, Value>) -> String {
    const SHOWN: usize = 20;
    let mut listed: Vec<String> = object.keys().take(SHOWN).map(|k| quote(k)).collect();
    if object.len() > SHOWN {
        listed.push(format!("... ({} more)", object.len() - SHOWN));
    }
    format!("[{}]", listed.join(", "))
}

/// At most [`QUOTE_CHARS`] characters of a value, cut on a character boundary.
fn quote(value: &str) -> String {
    let mut chars = value.chars();
    let head: String = chars.by_ref().take(QUOTE_CHARS).collect();
    if chars.next().is_some() {
        format!("{head}...")
    } else {
        head
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trigger::{MAX_WINDOW, MIN_WINDOW};
    use serde_json::json;
    use std::path::PathBuf;

    const CHANGED: &str = "2026-11-24T02:15:00.000+0000";

    /// A sentence naming the case, the event bytes, and the check on what they decode to.
    type Case<T, R = ()> = (&'static str, Vec<u8>, fn(&T) -> R);

    fn at(s: &str) -> DateTime<Utc> {
        parse_timestamp(s).expect("test timestamp")
    }

    fn alarm(bytes: &[u8]) -> Alarm {
        match decode(bytes) {
            Ok(Trigger::Alarm(a)) => a,
            other => panic!("expected an alarm, got {other:?}"),
        }
    }

    // --- builders for the Lambda action / EventBridge alarm object -----------------------------

    fn reason_data(start: &str, period: u32) -> String {
        json!({
            "version": "1.0", "queryDate": "2026-11-24T02:14:59.996+0000", "startDate": start,
            "statistic": "Sum", "period": period, "recentDatapoints": [0.0, 3.0, 9.0, 12.0, 14.0],
            "threshold": 5.0
        })
        .to_string()
    }

    fn state(value: &str, reason_data: Option<String>) -> Value {
        json!({"value": value, "reason": "Threshold Crossed", "reasonData": reason_data, "timestamp": CHANGED})
    }

    fn metric_stat(id: &str, name: &str, stat: &str, period: u32, dimensions: Value) -> Value {
        json!({
            "id": id,
            "metricStat": {
                "metric": {"namespace": "AWS/ApiGateway", "name": name, "dimensions": dimensions},
                "period": period, "stat": stat
            },
            "returnData": id == "single"
        })
    }

    fn single(name: &str, stat: &str, period: u32, dimensions: Value) -> Value {
        json!({"description": "watches the API", "metrics": [metric_stat("single", name, stat, period, dimensions)]})
    }

    fn math(dimensions_1: Value, dimensions_2: Value) -> Value {
        json!({"description": null, "metrics": [
            {"id": "e1", "expression": "100*(m1/m2)", "label": "5xx rate", "returnData": true},
            metric_stat("m1", "5xx", "Sum", 60, dimensions_1),
            metric_stat("m2", "Count", "Sum", 60, dimensions_2),
        ]})
    }

    fn composite(rule: &str) -> Value {
        json!({"alarmRule": rule, "description": "health"})
    }

    fn object(name: &str, state: Value, configuration: Value) -> Value {
        json!({
            "alarmName": name, "state": state,
            "previousState": {"value": "OK", "reason": "fine", "timestamp": "2026-11-23T18:02:11.310+0000"},
            "configuration": configuration
        })
    }

    fn arn(region: &str, name: &str) -> String {
        format!("arn:aws:cloudwatch:{region}:123456789012:alarm:{name}")
    }

    fn lambda(data: Value) -> Vec<u8> {
        let name = data["alarmName"].as_str().unwrap_or("unnamed").to_string();
        json!({
            "source": "aws.cloudwatch", "alarmArn": arn("us-east-1", &name), "accountId": "123456789012",
            "time": CHANGED, "region": "us-east-1", "alarmData": data
        })
        .to_string()
        .into_bytes()
    }

    fn eventbridge(data: Value) -> Vec<u8> {
        let name = data["alarmName"].as_str().unwrap_or("unnamed").to_string();
        json!({
            "version": "0", "id": "c4c1c1c9-6542-e61b-6ef0-8c4d36933a92",
            "detail-type": "CloudWatch Alarm State Change", "source": "aws.cloudwatch",
            "account": "123456789012", "time": "2026-11-24T02:15:00Z", "region": "eu-central-1",
            "resources": [arn("eu-central-1", &name)], "detail": data
        })
        .to_string()
        .into_bytes()
    }

    // --- builders for SNS ----------------------------------------------------------------------

    fn sns_raw(message: &str) -> Vec<u8> {
        json!({"Records": [{
            "EventSource": "aws:sns", "EventVersion": "1.0",
            "EventSubscriptionArn": "arn:aws:sns:eu-west-1:123456789012:alarms:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55",
            "Sns": {
                "Type": "Notification", "MessageId": "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
                "TopicArn": "arn:aws:sns:eu-west-1:123456789012:alarms", "Subject": "ALARM",
                "Message": message, "Timestamp": "2026-11-24T02:15:00.214Z", "SignatureVersion": "1",
                "Signature": "EXAMPLE", "SigningCertUrl": "https://sns.eu-west-1.amazonaws.com/x.pem",
                "UnsubscribeUrl": "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe", "MessageAttributes": {}
            }
        }]})
        .to_string()
        .into_bytes()
    }

    fn sns(message: Value) -> Vec<u8> {
        sns_raw(&message.to_string())
    }

    fn sns_message(name: &str, state: &str, trigger: Value) -> Value {
        json!({
            "AlarmName": name, "AlarmDescription": "watches the API", "AWSAccountId": "123456789012",
            "NewStateValue": state, "NewStateReason": "Threshold Crossed", "StateChangeTime": CHANGED,
            "Region": "EU (Ireland)", "AlarmArn": arn("eu-west-1", name), "OldStateValue": "OK",
            "Trigger": trigger
        })
    }

    fn sns_trigger(
        name: &str,
        statistic: Value,
        period: u32,
        evaluations: u32,
        dimensions: Value,
    ) -> Value {
        let mut t = json!({
            "MetricName": name, "Namespace": "AWS/ApiGateway", "Unit": null, "Dimensions": dimensions,
            "Period": period, "EvaluationPeriods": evaluations, "DatapointsToAlarm": evaluations,
            "ComparisonOperator": "GreaterThanThreshold", "Threshold": 5.0,
            "TreatMissingData": "notBreaching", "EvaluateLowSampleCountPercentile": ""
        });
        if let (Some(t), Some(s)) = (t.as_object_mut(), statistic.as_object()) {
            t.extend(s.clone());
        }
        t
    }

    fn rest_dims() -> Value {
        json!([{"value": "prod", "name": "Stage"}, {"value": "reports-api", "name": "ApiName"}])
    }

    fn api(
        kind: ApiKind,
        name_or_id: &str,
        stage: &str,
        route: Option<(Option<&str>, &str)>,
    ) -> Option<ApiRef> {
        Some(ApiRef {
            kind,
            name_or_id: name_or_id.to_string(),
            stage: stage.to_string(),
            route: route.map(|(method, path)| RouteRef {
                method: method.map(str::to_string),
                path: path.to_string(),
            }),
        })
    }

    fn window(start: &str, end: &str) -> Window {
        Window {
            start: at(start),
            end: at(end),
        }
    }

    #[test]
    fn each_shape_decodes_the_facts_the_diagnosis_needs() {
        let cases: Vec<Case<Alarm>> = vec![
            (
                "a lambda action single metric alarm names its REST API, stage and window",
                lambda(object(
                    "orders-api-prod-5xx",
                    state("ALARM", Some(reason_data("2026-11-24T02:10:00.000+0000", 60))),
                    single("5XXError", "Sum", 60, json!({"ApiName": "orders-api", "Stage": "prod"})),
                )),
                |a| {
                    assert_eq!(a.delivery, Delivery::LambdaAction);
                    assert_eq!(a.name, "orders-api-prod-5xx");
                    assert_eq!(a.arn, arn("us-east-1", "orders-api-prod-5xx"));
                    assert_eq!(a.description.as_deref(), Some("watches the API"));
                    assert_eq!(a.state, AlarmState::Alarm);
                    assert_eq!(a.previous_state, Some(AlarmState::Ok));
                    assert_eq!(a.previous_changed_at, Some(at("2026-11-23T18:02:11.310Z")));
                    assert_eq!(a.changed_at, at("2026-11-24T02:15:00Z"));
                    assert_eq!(a.reason.as_deref(), Some("Threshold Crossed"));
                    assert_eq!((a.region.as_str(), a.account.as_str()), ("us-east-1", "123456789012"));
                    assert_eq!(
                        a.metric,
                        AlarmMetric::Single(MetricRef {
                            namespace: "AWS/ApiGateway".into(),
                            name: "5XXError".into(),
                            stat: "Sum".into(),
                            period_s: 60,
                            dimensions: vec![
                                ("ApiName".into(), "orders-api".into()),
                                ("Stage".into(), "prod".into())
                            ],
                        })
                    );
                    assert_eq!(a.api, api(ApiKind::Rest, "orders-api", "prod", None));
                    assert_eq!(a.window, window("2026-11-24T02:10:00Z", "2026-11-24T02:15:00Z"));
                    assert_eq!(a.window_clamped_from, None);
                },
            ),
            (
                "a lambda action metric math alarm keeps the returned expression and every metricStat",
                lambda(object(
                    "legacy-proxy-5xx-rate",
                    state("ALARM", None),
                    math(
                        json!({"ApiId": "m2q5r8t1zx", "Stage": "prod"}),
                        json!({"ApiId": "m2q5r8t1zx", "Stage": "prod"}),
                    ),
                )),
                |a| {
                    let AlarmMetric::Math { expression, metrics } = &a.metric else {
                        panic!("expected math, got {:?}", a.metric);
                    };
                    assert_eq!(expression.as_deref(), Some("100*(m1/m2)"));
                    let names: Vec<&str> = metrics.iter().map(|m| m.name.as_str()).collect();
                    assert_eq!(names, ["5xx", "Count"]);
                    assert_eq!(a.description, None);
                    assert_eq!(a.api, api(ApiKind::Http, "m2q5r8t1zx", "prod", None));
                },
            ),
            (
                "a lambda action composite alarm names the triggering children from reasonData",
                lambda(object(
                    "orders-api-health",
                    state(
                        "ALARM",
                        Some(
                            json!({"triggeringAlarms": [{"arn": arn("us-east-1", "orders-api-prod-5xx"),
                            "state": {"value": "ALARM", "timestamp": CHANGED}}]})
                            .to_string(),
                        ),
                    ),
                    composite(r#"ALARM("orders-api-prod-5xx") OR ALARM("orders-api-prod-latency")"#),
                )),
                |a| {
                    assert_eq!(
                        a.metric,
                        AlarmMetric::Composite {
                            rule: r#"ALARM("orders-api-prod-5xx") OR ALARM("orders-api-prod-latency")"#.into(),
                            triggering: vec!["orders-api-prod-5xx".into()],
                        }
                    );
                    assert_eq!(a.api, None);
                    assert_eq!(a.window, window("2026-11-24T02:10:00Z", "2026-11-24T02:15:00Z"));
                },
            ),
            (
                "an eventbridge single metric alarm names its HTTP API with the $default stage",
                eventbridge(object(
                    "checkout-http-latency",
                    state("ALARM", Some(reason_data("2026-11-24T02:10:00.000+0000", 60))),
                    single("IntegrationLatency", "Maximum", 60, json!({"ApiId": "k7x2m9q4ab", "Stage": "$default"})),
                )),
                |a| {
                    assert_eq!(a.delivery, Delivery::EventBridge);
                    assert_eq!(a.region, "eu-central-1");
                    assert_eq!(a.api, api(ApiKind::Http, "k7x2m9q4ab", "$default", None));
                    assert_eq!(a.metric.metrics()[0].stat, "Maximum");
                },
            ),
            (
                "an eventbridge metric math alarm takes the API from the first metric that has a stage",
                eventbridge(object(
                    "rate",
                    state("ALARM", None),
                    math(json!({"ApiId": "aaaaaaaaaa"}), json!({"ApiId": "bbbbbbbbbb", "Stage": "live"})),
                )),
                |a| {
                    assert_eq!(a.metric.metrics().len(), 2);
                    assert_eq!(a.api, api(ApiKind::Http, "bbbbbbbbbb", "live", None));
                },
            ),
            (
                "an eventbridge composite without reasonData takes the ALARM() names from the rule",
                eventbridge(object(
                    "health",
                    state("ALARM", None),
                    composite(&format!(
                        r#"(ALARM("a") OR ALARM(b)) AND NOT ALARM("c") OR ALARM("{}") OR OK(e) OR ALARM(b)"#,
                        arn("eu-central-1", "d")
                    )),
                )),
                |a| {
                    let AlarmMetric::Composite { triggering, .. } = &a.metric else {
                        panic!("expected a composite, got {:?}", a.metric);
                    };
                    assert_eq!(triggering, &["a", "b", "d"]);
                    assert_eq!(a.api, None);
                },
            ),
            (
                "an sns single metric alarm takes its region from the ARN, not the display name",
                sns(sns_message(
                    "reports-api-prod-5xx",
                    "ALARM",
                    sns_trigger("5XXError", json!({"StatisticType": "Statistic", "Statistic": "SUM"}), 60, 5, rest_dims()),
                )),
                |a| {
                    assert_eq!(a.delivery, Delivery::Sns);
                    assert_eq!(a.region, "eu-west-1");
                    assert_eq!(a.account, "123456789012");
                    assert_eq!(a.previous_state, Some(AlarmState::Ok));
                    assert_eq!(a.previous_changed_at, None);
                    assert_eq!(a.metric.metrics()[0].stat, "Sum");
                    assert_eq!(a.api, api(ApiKind::Rest, "reports-api", "prod", None));
                    assert_eq!(a.window, window("2026-11-24T02:10:00Z", "2026-11-24T02:15:00Z"));
                },
            ),
            (
                "an sns metric math alarm keeps the returned expression and every MetricStat",
                sns(sns_message(
                    "rate",
                    "ALARM",
                    json!({"Period": 60, "EvaluationPeriods": 3, "Threshold": 5.0, "Metrics": [
                        {"Id": "m1", "MetricStat": {"Metric": {"Dimensions": [{"value": "w4t6y8u0ie", "name": "ApiId"},
                            {"value": "prod", "name": "Stage"}], "MetricName": "5xx", "Namespace": "AWS/ApiGateway"},
                            "Period": 60, "Stat": "Sum"}, "ReturnData": false},
                        {"Expression": "m1/60", "Id": "e1", "Label": "per second", "ReturnData": true}
                    ]}),
                )),
                |a| {
                    let AlarmMetric::Math { expression, metrics } = &a.metric else {
                        panic!("expected math, got {:?}", a.metric);
                    };
                    assert_eq!(expression.as_deref(), Some("m1/60"));
                    assert_eq!(metrics.len(), 1);
                    assert_eq!(a.api, api(ApiKind::Http, "w4t6y8u0ie", "prod", None));
                    assert_eq!(a.window.length(), MIN_WINDOW);
                },
            ),
            (
                "an sns composite alarm names its TriggeringChildren",
                sns(json!({
                    "AlarmName": "orders-api-health", "AlarmDescription": null, "AWSAccountId": "123456789012",
                    "NewStateValue": "ALARM", "NewStateReason": "child", "StateChangeTime": "2026-11-24T02:15:30.000+0000",
                    "Region": "US East (N. Virginia)", "AlarmArn": arn("us-east-1", "orders-api-health"),
                    "OldStateValue": "OK", "AlarmRule": r#"ALARM("x") OR ALARM("y")"#,
                    "TriggeringChildren": [{"Arn": arn("us-east-1", "y"), "State": {"Value": "ALARM", "Timestamp": CHANGED}}]
                })),
                |a| {
                    assert_eq!(
                        a.metric,
                        AlarmMetric::Composite { rule: r#"ALARM("x") OR ALARM("y")"#.into(), triggering: vec!["y".into()] }
                    );
                    assert_eq!(a.region, "us-east-1");
                    assert_eq!(a.window, window("2026-11-24T02:10:30Z", "2026-11-24T02:15:30Z"));
                },
            ),
            (
                "REST detailed metrics narrow the API to a resource and method",
                lambda(object(
                    "detailed",
                    state("ALARM", None),
                    single(
                        "5XXError",
                        "Sum",
                        60,
                        json!({"ApiName": "orders-api", "Stage": "prod", "Resource": "/orders/{id}", "Method": "GET"}),
                    ),
                )),
                |a| assert_eq!(a.api, api(ApiKind::Rest, "orders-api", "prod", Some((Some("GET"), "/orders/{id}")))),
            ),
            (
                "an HTTP route dimension splits into method and path",
                sns(sns_message(
                    "route",
                    "ALARM",
                    sns_trigger(
                        "5xx",
                        json!({"StatisticType": "Statistic", "Statistic": "SUM"}),
                        60,
                        5,
                        json!([{"value": "k7x2m9q4ab", "name": "ApiId"}, {"value": "prod", "name": "Stage"},
                               {"value": "GET /orders", "name": "Route"}]),
                    ),
                )),
                |a| assert_eq!(a.api, api(ApiKind::Http, "k7x2m9q4ab", "prod", Some((Some("GET"), "/orders")))),
            ),
            (
                "an HTTP $default route has no method",
                eventbridge(object(
                    "default-route",
                    state("ALARM", None),
                    single("5xx", "Sum", 60, json!({"ApiId": "k7x2m9q4ab", "Stage": "prod", "Route": "$default"})),
                )),
                |a| assert_eq!(a.api, api(ApiKind::Http, "k7x2m9q4ab", "prod", Some((None, "$default")))),
            ),
            (
                "an OK notification carries the ALARM it recovered from",
                {
                    let mut m = sns_message(
                        "orders-api-prod-5xx",
                        "OK",
                        sns_trigger("5XXError", json!({"StatisticType": "Statistic", "Statistic": "SUM"}), 60, 5, rest_dims()),
                    );
                    m["OldStateValue"] = json!("ALARM");
                    m["StateChangeTime"] = json!("2026-11-24T02:41:00.000+0000");
                    sns(m)
                },
                |a| {
                    assert_eq!(a.state, AlarmState::Ok);
                    assert_eq!(a.previous_state, Some(AlarmState::Alarm));
                    assert_eq!(a.window, window("2026-11-24T02:36:00Z", "2026-11-24T02:41:00Z"));
                },
            ),
            (
                "an INSUFFICIENT_DATA state is accepted",
                eventbridge(object(
                    "quiet",
                    state("INSUFFICIENT_DATA", None),
                    single("5XXError", "Sum", 60, json!({"ApiName": "a", "Stage": "prod"})),
                )),
                |a| assert_eq!(a.state, AlarmState::InsufficientData),
            ),
            (
                "a null AlarmDescription is accepted",
                {
                    let mut m = sns_message(
                        "x",
                        "ALARM",
                        sns_trigger("5XXError", json!({"StatisticType": "Statistic", "Statistic": "SUM"}), 60, 5, rest_dims()),
                    );
                    m["AlarmDescription"] = Value::Null;
                    sns(m)
                },
                |a| assert_eq!(a.description, None),
            ),
            (
                "a daily sns alarm is clamped to three hours and remembers the cut",
                sns(sns_message(
                    "daily",
                    "ALARM",
                    sns_trigger("5xx", json!({"StatisticType": "Statistic", "Statistic": "SUM"}), 86400, 1, rest_dims()),
                )),
                |a| {
                    assert_eq!(a.window, window("2026-11-23T23:15:00Z", "2026-11-24T02:15:00Z"));
                    assert_eq!(a.window_clamped_from, Some(Duration::days(1)));
                    assert_eq!(a.metric.metrics()[0].period_s, 86400);
                },
            ),
            (
                "a daily lambda action alarm without startDate is clamped to three hours",
                lambda(object(
                    "daily",
                    state("ALARM", None),
                    single("5XXError", "Sum", 86400, json!({"ApiName": "a", "Stage": "prod"})),
                )),
                |a| {
                    assert_eq!(a.window.length(), MAX_WINDOW);
                    assert_eq!(a.window_clamped_from, Some(Duration::days(5)));
                },
            ),
            (
                "an sns p99 extended statistic is kept as p99",
                sns(sns_message(
                    "latency",
                    "ALARM",
                    sns_trigger(
                        "IntegrationLatency",
                        json!({"StatisticType": "ExtendedStatistic", "ExtendedStatistic": "p99"}),
                        60,
                        5,
                        rest_dims(),
                    ),
                )),
                |a| assert_eq!(a.metric.metrics()[0].stat, "p99"),
            ),
            (
                "an sns uppercase SAMPLE_COUNT is normalised to SampleCount",
                sns(sns_message(
                    "count",
                    "ALARM",
                    sns_trigger("Count", json!({"StatisticType": "Statistic", "Statistic": "SAMPLE_COUNT"}), 60, 5, rest_dims()),
                )),
                |a| assert_eq!(a.metric.metrics()[0].stat, "SampleCount"),
            ),
            (
                "a metric without a Stage dimension names no API",
                lambda(object(
                    "stageless",
                    state("ALARM", None),
                    single("5XXError", "Sum", 60, json!({"ApiName": "orders-api"})),
                )),
                |a| {
                    assert_eq!(a.api, None);
                    assert_eq!(a.metric.metrics()[0].dimension("ApiName"), Some("orders-api"));
                },
            ),
            (
                "the window starts at reasonData's startDate",
                lambda(object(
                    "long",
                    state("ALARM", Some(reason_data("2026-11-24T02:05:00.000+0000", 60))),
                    single("5XXError", "Sum", 60, json!({"ApiName": "a", "Stage": "prod"})),
                )),
                |a| assert_eq!(a.window, window("2026-11-24T02:05:00Z", "2026-11-24T02:15:00Z")),
            ),
            (
                "without a startDate the window spans five periods",
                eventbridge(object(
                    "two-minute",
                    state("ALARM", Some(json!({"version": "1.0"}).to_string())),
                    single("5XXError", "Sum", 120, json!({"ApiName": "a", "Stage": "prod"})),
                )),
                |a| assert_eq!(a.window, window("2026-11-24T02:05:00Z", "2026-11-24T02:15:00Z")),
            ),
            (
                "an ARN without a region falls back to the envelope's region",
                {
                    let mut e: Value = serde_json::from_slice(&lambda(object(
                        "odd",
                        state("ALARM", None),
                        single("5XXError", "Sum", 60, json!({"ApiName": "a", "Stage": "prod"})),
                    )))
                    .expect("json");
                    e["alarmArn"] = json!("arn:aws:cloudwatch:::alarm:odd");
                    e["region"] = json!("ap-south-1");
                    e.to_string().into_bytes()
                },
                |a| assert_eq!((a.region.as_str(), a.account.as_str()), ("ap-south-1", "123456789012")),
            ),
            (
                "the ARN's region and account win over the envelope's",
                {
                    let mut e: Value = serde_json::from_slice(&lambda(object(
                        "cross",
                        state("ALARM", None),
                        single("5XXError", "Sum", 60, json!({"ApiName": "a", "Stage": "prod"})),
                    )))
                    .expect("json");
                    e["region"] = json!("ap-south-1");
                    e["accountId"] = json!("999999999999");
                    e.to_string().into_bytes()
                },
                |a| assert_eq!((a.region.as_str(), a.account.as_str()), ("us-east-1", "123456789012")),
            ),
            (
                "an eventbridge envelope carrying alarmData instead of detail is accepted",
                {
                    let mut e: Value = serde_json::from_slice(&eventbridge(object(
                        "moved",
                        state("ALARM", None),
                        single("5XXError", "Sum", 60, json!({"ApiName": "a", "Stage": "prod"})),
                    )))
                    .expect("json");
                    if let Some(o) = e.as_object_mut() {
                        let detail = o.remove("detail").unwrap_or_default();
                        o.insert("alarmData".into(), detail);
                    }
                    e.to_string().into_bytes()
                },
                |a| assert_eq!(a.api, api(ApiKind::Rest, "a", "prod", None)),
            ),
        ];
        for (case, input, check) in cases {
            eprintln!("case: {case}");
            check(&alarm(&input));
        }
    }

    #[test]
    fn a_scheduled_event_decodes_to_a_schedule() {
        let event = json!({
            "version": "0", "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa", "detail-type": "Scheduled Event",
            "source": "aws.events", "account": "123456789012", "time": "2026-11-24T02:15:00Z",
            "region": "us-east-1", "resources": ["arn:aws:events:us-east-1:123456789012:rule/check"], "detail": {}
        });
        assert_eq!(
            decode(event.to_string().as_bytes()),
            Ok(Trigger::Schedule(Schedule {
                rule_arn: Some("arn:aws:events:us-east-1:123456789012:rule/check".into()),
                at: at("2026-11-24T02:15:00Z"),
                region: "us-east-1".into(),
                account: "123456789012".into(),
            }))
        );
    }

    #[test]
    fn statistics_are_spelled_as_cloudwatch_spells_them() {
        for (given, expected) in [
            ("SUM", "Sum"),
            ("AVERAGE", "Average"),
            ("MAXIMUM", "Maximum"),
            ("MINIMUM", "Minimum"),
            ("SAMPLE_COUNT", "SampleCount"),
            ("Sum", "Sum"),
            ("SampleCount", "SampleCount"),
            ("p99", "p99"),
            ("tm90", "tm90"),
        ] {
            assert_eq!(normalise_stat(given), expected, "{given}");
        }
    }

    #[test]
    fn each_malformed_input_gives_the_named_error() {
        let good_sns = || {
            sns_message(
                "x",
                "ALARM",
                sns_trigger(
                    "5XXError",
                    json!({"StatisticType": "Statistic", "Statistic": "SUM"}),
                    60,
                    5,
                    rest_dims(),
                ),
            )
        };
        let good_state = || state("ALARM", None);
        let good_config = || {
            single(
                "5XXError",
                "Sum",
                60,
                json!({"ApiName": "a", "Stage": "prod"}),
            )
        };
        let cases: Vec<Case<TriggerError, bool>> = vec![
            ("bytes that are not JSON give NotJson", b"ALARM!".to_vec(), |e| {
                matches!(e, TriggerError::NotJson(_))
            }),
            ("an empty body gives NotJson", Vec::new(), |e| matches!(e, TriggerError::NotJson(_))),
            (
                "deeply nested JSON gives NotJson rather than overflowing the stack",
                "[".repeat(100_000).into_bytes(),
                |e| matches!(e, TriggerError::NotJson(_)),
            ),
            ("a JSON array is unrecognised", b"[1, 2]".to_vec(), |e| {
                matches!(e, TriggerError::Unrecognised(m) if m.contains("array"))
            }),
            (
                "an unknown shape lists the keys it saw",
                br#"{"foo": 1, "barKey": {"x": 2}}"#.to_vec(),
                |e| matches!(e, TriggerError::Unrecognised(m) if m.contains("foo") && m.contains("barKey")),
            ),
            (
                "an unhandled EventBridge detail-type is named",
                br#"{"detail-type": "EC2 Instance State-change Notification", "source": "aws.ec2", "detail": {}}"#
                    .to_vec(),
                |e| matches!(e, TriggerError::Unrecognised(m) if m.contains("EC2 Instance") && m.contains("aws.ec2")),
            ),
            (
                "SQS records are not mistaken for SNS",
                br#"{"Records": [{"eventSource": "aws:sqs", "body": "{}"}]}"#.to_vec(),
                |e| matches!(e, TriggerError::Unrecognised(m) if m.contains("aws:sqs")),
            ),
            ("empty Records give NoRecords", br#"{"Records": []}"#.to_vec(), |e| {
                *e == TriggerError::NoRecords
            }),
            ("Records that are not an array are named", br#"{"Records": {}}"#.to_vec(), |e| {
                matches!(e, TriggerError::Invalid { field: "Records", .. })
            }),
            (
                "an SNS record missing its envelope fields is named",
                br#"{"Records": [{"EventSource": "aws:sns", "Sns": {"Message": "{}"}}]}"#.to_vec(),
                |e| matches!(e, TriggerError::Invalid { field: "Records", .. }),
            ),
            ("an SNS message that is not JSON is named", sns_raw("Hello from SNS!"), |e| {
                matches!(e, TriggerError::SnsMessage(m) if m.contains("Hello from SNS!"))
            }),
            ("an SNS message that is a JSON string is named", sns_raw("\"ALARM\""), |e| {
                matches!(e, TriggerError::SnsMessage(m) if m.contains("string"))
            }),
            (
                "an SNS message that is not an alarm lists its keys",
                sns(json!({"orderId": 7})),
                |e| matches!(e, TriggerError::SnsMessage(m) if m.contains("orderId")),
            ),
            (
                "an SNS alarm without Trigger or AlarmRule is named",
                {
                    let mut m = good_sns();
                    m["Trigger"] = Value::Null;
                    sns(m)
                },
                |e| *e == TriggerError::Missing("Trigger"),
            ),
            (
                "a bad StateChangeTime is named",
                {
                    let mut m = good_sns();
                    m["StateChangeTime"] = json!("24/11/26 02:15");
                    sns(m)
                },
                |e| matches!(e, TriggerError::Invalid { field: "StateChangeTime", why } if why.contains("24/11/26")),
            ),
            (
                "a timestamp in the year 0 is rejected",
                {
                    let mut m = good_sns();
                    m["StateChangeTime"] = json!("0000-01-01T00:00:00.000+0000");
                    sns(m)
                },
                |e| matches!(e, TriggerError::Invalid { field: "StateChangeTime", .. }),
            ),
            (
                "an unknown NewStateValue is invalid",
                {
                    let mut m = good_sns();
                    m["NewStateValue"] = json!("ALARMING");
                    sns(m)
                },
                |e| matches!(e, TriggerError::Invalid { field: "NewStateValue", why } if why.contains("ALARMING")),
            ),
            (
                "an unknown OldStateValue is invalid",
                {
                    let mut m = good_sns();
                    m["OldStateValue"] = json!("WARN");
                    sns(m)
                },
                |e| matches!(e, TriggerError::Invalid { field: "OldStateValue", .. }),
            ),
            (
                "an SNS metric without a statistic is named",
                {
                    let mut m = good_sns();
                    m["Trigger"]["Statistic"] = Value::Null;
                    sns(m)
                },
                |e| *e == TriggerError::Missing("Trigger.Statistic"),
            ),
            (
                "a zero period is invalid",
                {
                    let mut m = good_sns();
                    m["Trigger"]["Period"] = json!(0);
                    sns(m)
                },
                |e| matches!(e, TriggerError::Invalid { field: "Trigger.Period", .. }),
            ),
            (
                "a wrongly typed Trigger is named",
                {
                    let mut m = good_sns();
                    m["Trigger"]["Period"] = json!("sixty");
                    sns(m)
                },
                |e| matches!(e, TriggerError::Invalid { field: "Trigger", why } if why.contains("sixty")),
            ),
            (
                "a missing alarmData state is named",
                lambda(json!({"alarmName": "x", "configuration": good_config()})),
                |e| *e == TriggerError::Missing("alarmData.state"),
            ),
            (
                "a missing state value is named",
                lambda(object("x", json!({"timestamp": CHANGED}), good_config())),
                |e| *e == TriggerError::Missing("alarmData.state.value"),
            ),
            (
                "a missing state value is named before a missing metric",
                lambda(object("x", json!({"timestamp": CHANGED}), json!({}))),
                |e| *e == TriggerError::Missing("alarmData.state.value"),
            ),
            (
                "a missing state timestamp is named",
                lambda(object("x", json!({"value": "ALARM"}), good_config())),
                |e| *e == TriggerError::Missing("alarmData.state.timestamp"),
            ),
            (
                "an unknown eventbridge state is invalid",
                eventbridge(object("x", state("PENDING", None), good_config())),
                |e| matches!(e, TriggerError::Invalid { field: "detail.state.value", why } if why.contains("PENDING")),
            ),
            (
                "an eventbridge alarm without detail is named",
                br#"{"detail-type": "CloudWatch Alarm State Change", "source": "aws.cloudwatch", "resources": ["arn:aws:cloudwatch:us-east-1:1:alarm:x"]}"#.to_vec(),
                |e| *e == TriggerError::Missing("detail"),
            ),
            (
                "an eventbridge alarm without resources is named",
                br#"{"detail-type": "CloudWatch Alarm State Change", "source": "aws.cloudwatch", "detail": {}}"#.to_vec(),
                |e| *e == TriggerError::Missing("resources"),
            ),
            (
                "a wrongly typed configuration is named",
                lambda(object("x", good_state(), json!({"metrics": "5XXError"}))),
                |e| matches!(e, TriggerError::Invalid { field: "alarmData.configuration", .. }),
            ),
            (
                "an alarm with neither metrics nor a rule is named",
                lambda(object("x", good_state(), json!({"description": "empty"}))),
                |e| *e == TriggerError::Missing("alarmData.configuration.metrics"),
            ),
            (
                "a metricStat without a period is named",
                eventbridge(object(
                    "x",
                    good_state(),
                    json!({"metrics": [{"id": "m1", "metricStat": {"metric": {"namespace": "AWS/ApiGateway", "name": "5xx"}, "stat": "Sum"}}]}),
                )),
                |e| *e == TriggerError::Missing("detail.configuration.metrics[].metricStat.period"),
            ),
            (
                "a lambda action without alarmArn is named",
                br#"{"source": "aws.cloudwatch", "alarmData": {}}"#.to_vec(),
                |e| *e == TriggerError::Missing("alarmArn"),
            ),
            (
                "a wrongly typed accountId is named",
                br#"{"source": "aws.cloudwatch", "alarmArn": "arn:aws:cloudwatch:us-east-1:1:alarm:x", "accountId": 1, "alarmData": {}}"#.to_vec(),
                |e| matches!(e, TriggerError::Invalid { field: "accountId", .. }),
            ),
            (
                "a schedule without a time is named",
                br#"{"detail-type": "Scheduled Event", "source": "aws.events", "region": "us-east-1", "account": "1"}"#
                    .to_vec(),
                |e| *e == TriggerError::Missing("time"),
            ),
        ];
        for (case, input, check) in cases {
            match decode(&input) {
                Err(e) => assert!(check(&e), "{case}: got {e:?}"),
                Ok(t) => panic!("{case}: decoded {t:?}"),
            }
        }
    }

    #[test]
    fn error_messages_quote_at_most_a_bounded_slice_of_the_input() {
        let huge_key = "k".repeat(10_000);
        let event = json!({ huge_key: 1, "b": 2 });
        let Err(TriggerError::Unrecognised(m)) = decode(event.to_string().as_bytes()) else {
            panic!("expected Unrecognised");
        };
        assert!(m.len() < 400, "{} chars", m.len());
        assert!(m.contains(r#"b"#));
    }

    // --- the bundled events ----------------------------------------------------------------------

    fn events_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("events")
    }

    fn bundled_events() -> Vec<(String, Vec<u8>)> {
        let mut events: Vec<(String, Vec<u8>)> = std::fs::read_dir(events_dir())
            .expect("events/ exists")
            .map(|entry| {
                let path = entry.expect("readable entry").path();
                let name = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default()
                    .to_string();
                (name, std::fs::read(&path).expect("readable event"))
            })
            .filter(|(name, _)| name.ends_with(".json"))
            .collect();
        events.sort();
        events
    }

    struct Expected {
        delivery: Delivery,
        name: &'static str,
        state: AlarmState,
        api: Option<(ApiKind, &'static str, &'static str)>,
        region: &'static str,
    }

    fn expected(file: &str) -> Option<Expected> {
        use AlarmState::{Alarm as A, Ok as O};
        use ApiKind::{Http, Rest};
        use Delivery::{EventBridge as EB, LambdaAction as LA, Sns};
        let e = |delivery, name, state, api, region| {
            Some(Expected {
                delivery,
                name,
                state,
                api,
                region,
            })
        };
        match file {
            "rest-integration-timeout-too-low.json" => e(
                LA,
                "orders-api-prod-5xx",
                A,
                Some((Rest, "orders-api", "prod")),
                "us-east-1",
            ),
            "rest-hard-limit-sns.json" => e(
                Sns,
                "reports-api-prod-integration-latency",
                A,
                Some((Rest, "reports-api", "prod")),
                "eu-west-1",
            ),
            "http-backend-slow-eventbridge.json" => e(
                EB,
                "checkout-http-latency",
                A,
                Some((Http, "k7x2m9q4ab", "$default")),
                "us-east-1",
            ),
            "rest-cold-start.json" => e(
                LA,
                "catalog-api-prod-5xx",
                A,
                Some((Rest, "catalog-api", "prod")),
                "us-east-1",
            ),
            "rest-function-timeout-sns.json" => e(
                Sns,
                "payments-api-prod-5xx",
                A,
                Some((Rest, "payments-api", "prod")),
                "us-west-2",
            ),
            "rest-throttling.json" => e(
                LA,
                "ingest-api-prod-5xx",
                A,
                Some((Rest, "ingest-api", "prod")),
                "us-east-1",
            ),
            "http-alb-backend-errors-sns.json" => e(
                Sns,
                "inventory-http-5xx",
                A,
                Some((Http, "w4t6y8u0ie", "prod")),
                "us-east-1",
            ),
            "rest-malformed-proxy-eventbridge.json" => e(
                EB,
                "users-api-prod-5xx",
                A,
                Some((Rest, "users-api", "prod")),
                "eu-central-1",
            ),
            "rest-gateway-overhead.json" => e(
                LA,
                "search-api-prod-latency",
                A,
                Some((Rest, "search-api", "prod")),
                "us-east-1",
            ),
            "http-metric-math-insufficient.json" => e(
                LA,
                "legacy-proxy-5xx-rate",
                A,
                Some((Http, "m2q5r8t1zx", "prod")),
                "us-east-1",
            ),
            "rest-recovered-sns.json" => e(
                Sns,
                "orders-api-prod-5xx",
                O,
                Some((Rest, "orders-api", "prod")),
                "us-east-1",
            ),
            "composite-eventbridge.json" => e(EB, "orders-api-health", A, None, "us-east-1"),
            "http-daily-5xx-sns.json" => e(
                Sns,
                "inventory-http-5xx-daily",
                A,
                Some((Http, "w4t6y8u0ie", "prod")),
                "us-east-1",
            ),
            _ => None,
        }
    }

    #[test]
    fn every_bundled_event_decodes_to_the_alarm_of_the_table() {
        let events = bundled_events();
        assert_eq!(events.len(), 14, "events/ holds the 14 events of the table");
        for (file, bytes) in &events {
            let trigger = decode(bytes).unwrap_or_else(|e| panic!("{file}: {e}"));
            if file == "scheduled-check.json" {
                assert_eq!(
                    trigger,
                    Trigger::Schedule(Schedule {
                        rule_arn: Some("arn:aws:events:us-east-1:123456789012:rule/gateway-doctor-proactive-check".into()),
                        at: at("2026-11-24T02:15:00Z"),
                        region: "us-east-1".into(),
                        account: "123456789012".into(),
                    })
                );
                continue;
            }
            let want = expected(file).unwrap_or_else(|| panic!("{file} is not in the table"));
            let Trigger::Alarm(a) = trigger else {
                panic!("{file}: expected an alarm");
            };
            assert_eq!(a.delivery, want.delivery, "{file}");
            assert_eq!(a.name, want.name, "{file}");
            assert_eq!(a.state, want.state, "{file}");
            assert_eq!(a.region, want.region, "{file}");
            assert_eq!(a.account, "123456789012", "{file}");
            let api = a
                .api
                .as_ref()
                .map(|r| (r.kind, r.name_or_id.as_str(), r.stage.as_str()));
            assert_eq!(api, want.api, "{file}");
            let expected_window = match file.as_str() {
                "rest-recovered-sns.json" => window("2026-11-24T02:36:00Z", "2026-11-24T02:41:00Z"),
                "composite-eventbridge.json" => {
                    window("2026-11-24T02:10:30Z", "2026-11-24T02:15:30Z")
                }
                "http-daily-5xx-sns.json" => window("2026-11-23T23:15:00Z", "2026-11-24T02:15:00Z"),
                _ => window("2026-11-24T02:10:00Z", "2026-11-24T02:15:00Z"),
            };
            assert_eq!(a.window, expected_window, "{file}");
            let clamped = (file == "http-daily-5xx-sns.json").then_some(Duration::days(1));
            assert_eq!(a.window_clamped_from, clamped, "{file}");
        }
    }

    #[test]
    fn the_bundled_events_carry_the_metric_each_table_row_names() {
        let events = bundled_events();
        let decoded = |file: &str| {
            let bytes = events
                .iter()
                .find(|(f, _)| f == file)
                .map(|(_, b)| b.clone())
                .unwrap_or_default();
            alarm(&bytes)
        };
        for (file, name, stat) in [
            ("rest-hard-limit-sns.json", "IntegrationLatency", "p99"),
            (
                "http-backend-slow-eventbridge.json",
                "IntegrationLatency",
                "Maximum",
            ),
            ("rest-gateway-overhead.json", "Latency", "p99"),
            ("rest-function-timeout-sns.json", "5XXError", "Sum"),
            ("http-daily-5xx-sns.json", "5xx", "Sum"),
        ] {
            let a = decoded(file);
            let AlarmMetric::Single(m) = &a.metric else {
                panic!("{file}: expected a single metric, got {:?}", a.metric);
            };
            assert_eq!((m.name.as_str(), m.stat.as_str()), (name, stat), "{file}");
        }
        let a = decoded("rest-hard-limit-sns.json");
        assert_eq!(a.description, None);
        let a = decoded("http-metric-math-insufficient.json");
        assert_eq!(
            a.metric.display_name(),
            "100*(m1/m2) (5xx, Count)",
            "math alarm keeps e1 and both metrics"
        );
        let a = decoded("composite-eventbridge.json");
        assert_eq!(
            a.metric,
            AlarmMetric::Composite {
                rule: r#"ALARM("orders-api-prod-5xx") OR ALARM("orders-api-prod-latency")"#.into(),
                triggering: vec!["orders-api-prod-5xx".into()],
            }
        );
        let a = decoded("rest-recovered-sns.json");
        assert_eq!(a.previous_state, Some(AlarmState::Alarm));
    }

    // --- robustness ------------------------------------------------------------------------------

    #[test]
    fn no_prefix_of_a_bundled_event_panics_and_none_decodes() {
        for (file, bytes) in bundled_events() {
            let whole = bytes.trim_ascii_end().len();
            for cut in 0..whole {
                let prefix = bytes.get(..cut).unwrap_or_default();
                assert!(
                    decode(prefix).is_err(),
                    "{file}: a prefix of {cut} bytes decoded"
                );
            }
        }
    }

    #[test]
    fn no_prefix_of_an_sns_message_panics_and_none_decodes() {
        for (file, bytes) in bundled_events() {
            let event: Value = serde_json::from_slice(&bytes).expect("bundled event is JSON");
            let Some(message) = event["Records"][0]["Sns"]["Message"].as_str() else {
                continue;
            };
            for (cut, _) in message.char_indices() {
                let prefix = message.get(..cut).unwrap_or_default();
                let mut e = event.clone();
                e["Records"][0]["Sns"]["Message"] = json!(prefix);
                assert!(
                    matches!(
                        decode(e.to_string().as_bytes()),
                        Err(TriggerError::SnsMessage(_))
                    ),
                    "{file}: a message prefix of {cut} bytes was not refused as SNS message"
                );
            }
        }
    }

    /// A small deterministic generator so the test needs no extra crate and always runs the same.
    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            usize::try_from(self.next() % (n.max(1) as u64)).unwrap_or(0)
        }
    }

    #[test]
    fn random_byte_mutations_of_bundled_events_never_panic() {
        const INTERESTING: &[u8] = b"{}[]\":,\\0123456789-+.eEnulltrue \x00\xff\xc3";
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let (mut decoded, mut refused) = (0, 0);
        for (_, original) in bundled_events() {
            for _ in 0..400 {
                let mut bytes = original.clone();
                for _ in 0..=rng.below(3) {
                    let i = rng.below(bytes.len());
                    match rng.below(4) {
                        0 => bytes.insert(i, INTERESTING[rng.below(INTERESTING.len())]),
                        1 if !bytes.is_empty() => {
                            bytes.remove(i);
                        }
                        2 => {
                            if let Some(b) = bytes.get_mut(i) {
                                *b = INTERESTING[rng.below(INTERESTING.len())];
                            }
                        }
                        _ => {
                            if let Some(b) = bytes.get_mut(i) {
                                *b = (rng.next() & 0xff) as u8;
                            }
                        }
                    }
                }
                match decode(&bytes) {
                    Ok(_) => decoded += 1,
                    Err(_) => refused += 1,
                }
            }
        }
        // Both outcomes occur, so the mutations reach past the JSON parser into the decoder.
        assert!(
            decoded > 0 && refused > 0,
            "decoded {decoded}, refused {refused}"
        );
    }

    /// Every node replaced by every wrong type, including inside the SNS message and the
    /// reasonData strings.
    #[test]
    fn every_field_replaced_by_a_wrong_type_never_panics() {
        let replacements = [
            json!(null),
            json!(0),
            json!(-1),
            json!(1e308),
            json!(u64::MAX),
            json!(""),
            json!("x"),
            json!("ALARM(\"x"),
            json!("99999-01-01T00:00:00+0000"),
            json!([]),
            json!([1]),
            json!({}),
            json!(true),
        ];
        let mut refused = 0;
        for (file, bytes) in bundled_events() {
            let event: Value = serde_json::from_slice(&bytes).expect("bundled event is JSON");
            for mutated in every_replacement(&event, &replacements) {
                let mutated = mutated.to_string();
                if decode(mutated.as_bytes()).is_err() {
                    refused += 1;
                }
            }
            eprintln!("{file}: done");
        }
        assert!(refused > 0);
    }

    /// Copies of `root` with one node replaced, descending into JSON held in strings too.
    fn every_replacement(root: &Value, replacements: &[Value]) -> Vec<Value> {
        let mut out = Vec::new();
        for pointer in pointers(root, String::new()) {
            for r in replacements {
                let mut copy = root.clone();
                if let Some(slot) = copy.pointer_mut(&pointer) {
                    *slot = r.clone();
                    out.push(copy);
                }
            }
            // Strings that hold JSON (SNS Message, reasonData) are mutated inside and re-encoded.
            if let Some(Value::String(s)) = root.pointer(&pointer)
                && let Ok(inner @ Value::Object(_)) = serde_json::from_str::<Value>(s)
            {
                for m in every_replacement(&inner, replacements) {
                    let mut copy = root.clone();
                    if let Some(slot) = copy.pointer_mut(&pointer) {
                        *slot = Value::String(m.to_string());
                        out.push(copy);
                    }
                }
            }
        }
        out
    }

    fn pointers(value: &Value, here: String) -> Vec<String> {
        let mut out = Vec::new();
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    let p = format!("{here}/{}", k.replace('~', "~0").replace('/', "~1"));
                    out.push(p.clone());
                    out.extend(pointers(v, p));
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    let p = format!("{here}/{i}");
                    out.push(p.clone());
                    out.extend(pointers(v, p));
                }
            }
            _ => {}
        }
        out
    }
}
