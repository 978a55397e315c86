//! What changed before the alarm, from three places at once: the API's deployment history
//! (apigateway or apigatewayv2 `GetDeployments`), each function's `LastModified`, and CloudTrail
//! `LookupEvents` for the API and each function, which alone says who changed what.
//!
//! One source failing does not lose the others: CloudTrail's 2 requests per second are easily used
//! up by other tools, and a missing `cloudtrail:LookupEvents` permission is common. The answer is
//! an error only when every source failed.

use super::{Change, ChangeHistory, ChangeKind, ChangeQuestion};
use crate::evidence::SourceError;
use crate::evidence::sdk_error::source_error;
use crate::trigger::{ApiKind, parse_timestamp};
use async_trait::async_trait;
use aws_sdk_apigateway as rest;
use aws_sdk_apigatewayv2 as http;
use aws_sdk_cloudtrail as cloudtrail;
use aws_sdk_lambda as lambda;
use chrono::{DateTime, Duration, Utc};
use futures::StreamExt;
use serde_json::Value;

/// CloudTrail serves `LookupEvents` at 2 requests per second per account and region.
const TRAIL_CONCURRENCY: usize = 2;
/// 50 events a page (the most it serves); more pages than this in a few hours is a busy resource,
/// and the newest are read first.
const TRAIL_PAGES: usize = 4;
const TRAIL_PAGE: i32 = 50;
const REST_PAGE: i32 = 500;
const HTTP_PAGE: &str = "500";
/// Two sightings of one change (CloudTrail's event and the deployment's createdDate, or a
/// function's LastModified) are this close in time.
const SAME_CHANGE: Duration = Duration::seconds(5);
const DETAIL_MAX: usize = 200;

pub struct RecentChanges {
    trail: cloudtrail::Client,
    rest: rest::Client,
    http: http::Client,
    lambda: lambda::Client,
}

impl RecentChanges {
    pub fn new(
        trail: cloudtrail::Client,
        rest: rest::Client,
        http: http::Client,
        lambda: lambda::Client,
    ) -> Self {
        Self {
            trail,
            rest,
            http,
            lambda,
        }
    }

    async fn deployments(&self, q: &ChangeQuestion) -> Result<Vec<Found>, SourceError> {
        let (listed, serving) = match q.kind {
            ApiKind::Rest => futures::join!(self.rest_deployments(q), self.rest_serving(q)),
            ApiKind::Http => futures::join!(self.http_deployments(q), self.http_serving(q)),
        };
        // Which deployment the stage serves only sharpens the answer; without it the
        // deployments are still the API's.
        let serving = serving.unwrap_or_else(|e| {
            tracing::warn!(api = %q.api_id, stage = %q.stage, error = %e, "stage's deployment unknown");
            None
        });
        let mut found = Vec::new();
        for d in listed? {
            if !in_range(d.at, q) {
                continue;
            }
            let current = serving.as_deref() == Some(d.id.as_str());
            let mut detail = format!("{} {}", d.how, d.id);
            if let Some(text) = d.description.filter(|t| !t.is_empty()) {
                detail = format!("{detail}: {text}");
            }
            found.push(Found {
                change: Change {
                    at: d.at,
                    kind: ChangeKind::StageDeployment,
                    // A deployment names no stage; only the one the stage serves is known to be its.
                    resource: if current {
                        format!("{}/{}", q.api_id, q.stage)
                    } else {
                        q.api_id.clone()
                    },
                    actor: None,
                    detail: Some(clip(detail)),
                },
                deployment: Some(d.id),
                event_id: None,
                vague: false,
                from_trail: false,
            });
        }
        Ok(found)
    }

    async fn rest_deployments(&self, q: &ChangeQuestion) -> Result<Vec<Deployment>, SourceError> {
        let items: Vec<rest::types::Deployment> = self
            .rest
            .get_deployments()
            .rest_api_id(&q.api_id)
            .limit(REST_PAGE)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| source_error("apigateway:GetDeployments", &e))?;
        Ok(items
            .iter()
            .filter_map(|d| {
                Some(Deployment {
                    id: d.id()?.to_string(),
                    at: chrono_time(d.created_date()?)?,
                    description: d.description().map(str::to_string),
                    how: "CreateDeployment",
                })
            })
            .collect())
    }

    async fn rest_serving(&self, q: &ChangeQuestion) -> Result<Option<String>, SourceError> {
        let out = self
            .rest
            .get_stage()
            .rest_api_id(&q.api_id)
            .stage_name(&q.stage)
            .send()
            .await
            .map_err(|e| source_error("apigateway:GetStage", &e))?;
        Ok(out.deployment_id().map(str::to_string))
    }

    async fn http_deployments(&self, q: &ChangeQuestion) -> Result<Vec<Deployment>, SourceError> {
        let mut all = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .http
                .get_deployments()
                .api_id(&q.api_id)
                .max_results(HTTP_PAGE)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| source_error("apigatewayv2:GetDeployments", &e))?;
            all.extend(page.items().iter().filter_map(|d| {
                Some(Deployment {
                    id: d.deployment_id()?.to_string(),
                    at: chrono_time(d.created_date()?)?,
                    description: d.description().map(str::to_string),
                    how: if d.auto_deployed() == Some(true) {
                        "automatic deployment"
                    } else {
                        "CreateDeployment"
                    },
                })
            }));
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => return Ok(all),
            }
        }
    }

    async fn http_serving(&self, q: &ChangeQuestion) -> Result<Option<String>, SourceError> {
        let out = self
            .http
            .get_stage()
            .api_id(&q.api_id)
            .stage_name(&q.stage)
            .send()
            .await
            .map_err(|e| source_error("apigatewayv2:GetStage", &e))?;
        Ok(out.deployment_id().map(str::to_string))
    }

    /// The function's last modification, when it falls in the question's range.
    async fn last_modified(
        &self,
        function: &str,
        q: &ChangeQuestion,
    ) -> Result<Option<Found>, SourceError> {
        let out = self
            .lambda
            .get_function_configuration()
            .function_name(function)
            .send()
            .await
            .map_err(|e| source_error("lambda:GetFunctionConfiguration", &e))?;
        let Some(at) = out.last_modified().and_then(parse_timestamp) else {
            return Ok(None);
        };
        Ok(in_range(at, q).then(|| Found {
            change: Change {
                at,
                // LastModified moves for code and configuration alike; CloudTrail's event,
                // when there is one, replaces this guess.
                kind: ChangeKind::FunctionConfiguration,
                resource: function.to_string(),
                actor: None,
                detail: Some(
                    "LastModified: code or configuration changed (CloudTrail did not say which)"
                        .into(),
                ),
            },
            deployment: None,
            event_id: None,
            vague: true,
            from_trail: false,
        }))
    }

    /// CloudTrail events naming `resource` in the question's range, newest first.
    async fn trail(&self, resource: &str, q: &ChangeQuestion) -> Result<Vec<Found>, SourceError> {
        // LookupEvents takes exactly one lookup attribute per call.
        let attribute = cloudtrail::types::LookupAttribute::builder()
            .attribute_key(cloudtrail::types::LookupAttributeKey::ResourceName)
            .attribute_value(resource)
            .build()
            .map_err(|e| SourceError::Malformed(format!("cloudtrail:LookupEvents: {e}")))?;
        let mut pages = self
            .trail
            .lookup_events()
            .lookup_attributes(attribute)
            .start_time(aws_time(q.since))
            .end_time(aws_time(q.until))
            .into_paginator()
            .page_size(TRAIL_PAGE)
            .send();
        let mut found = Vec::new();
        for read in 0..TRAIL_PAGES {
            let Some(page) = pages.next().await else {
                break;
            };
            match page {
                Ok(page) => found.extend(
                    page.events()
                        .iter()
                        .filter_map(|e| from_event(e, resource, q)),
                ),
                Err(e) if read == 0 => {
                    return Err(source_error("cloudtrail:LookupEvents", &e));
                }
                // A throttled later page keeps the newer events already read.
                Err(e) => {
                    let e = source_error("cloudtrail:LookupEvents", &e);
                    tracing::warn!(resource, error = %e, "CloudTrail stopped answering part way");
                    break;
                }
            }
        }
        Ok(found)
    }
}

#[async_trait]
impl ChangeHistory for RecentChanges {
    async fn changes(&self, q: &ChangeQuestion) -> Result<Vec<Change>, SourceError> {
        let mut names: Vec<&str> = Vec::with_capacity(q.functions.len() + 1);
        for n in std::iter::once(q.api_id.as_str()).chain(q.functions.iter().map(String::as_str)) {
            if !names.contains(&n) {
                names.push(n);
            }
        }
        let functions: Vec<&str> = names.iter().skip(1).copied().collect();

        let trail = at_most(
            TRAIL_CONCURRENCY,
            names.iter().map(|n| self.trail(n, q)).collect(),
        );
        let modified =
            futures::future::join_all(functions.iter().map(|f| self.last_modified(f, q)));
        let (deployments, modified, trail) = futures::join!(self.deployments(q), modified, trail);

        let mut found = Vec::new();
        let mut failed = Vec::new();
        let mut answered = 0;
        for r in std::iter::once(deployments).chain(trail) {
            match r {
                Ok(f) => {
                    answered += 1;
                    found.extend(f);
                }
                Err(e) => failed.push(e),
            }
        }
        for r in modified {
            match r {
                Ok(f) => {
                    answered += 1;
                    found.extend(f);
                }
                Err(e) => failed.push(e),
            }
        }
        if answered == 0 {
            return Err(all_failed(failed));
        }
        for e in &failed {
            tracing::warn!(api = %q.api_id, error = %e, "a source of recent changes failed; the others answered");
        }
        Ok(merge(found))
    }
}

/// Runs `futures` with no more than `limit` in flight (futures start when first polled).
async fn at_most<F: std::future::Future>(limit: usize, futures: Vec<F>) -> Vec<F::Output> {
    futures::stream::iter(futures)
        .buffer_unordered(limit.max(1))
        .collect()
        .await
}

/// A deployment as both control planes list it.
struct Deployment {
    id: String,
    at: DateTime<Utc>,
    description: Option<String>,
    how: &'static str,
}

/// A change as one source saw it, with what tells two sightings of it apart.
#[derive(Debug, Clone)]
struct Found {
    change: Change,
    deployment: Option<String>,
    event_id: Option<String>,
    /// A LastModified sighting: code or configuration, it cannot tell.
    vague: bool,
    from_trail: bool,
}

fn in_range(at: DateTime<Utc>, q: &ChangeQuestion) -> bool {
    at >= q.since && at < q.until
}

/// The SDKs share one time type; every crate re-exports it.
type AwsTime = cloudtrail::primitives::DateTime;

fn aws_time(t: DateTime<Utc>) -> AwsTime {
    AwsTime::from_millis(t.timestamp_millis())
}

fn chrono_time(t: &AwsTime) -> Option<DateTime<Utc>> {
    DateTime::<Utc>::from_timestamp_millis(t.to_millis().ok()?)
}

fn clip(mut s: String) -> String {
    if s.len() > DETAIL_MAX {
        let mut end = DETAIL_MAX;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s.push('…');
    }
    s
}

/// Every source failed: the deployment history's reason leads, the others follow it.
fn all_failed(mut failed: Vec<SourceError>) -> SourceError {
    if failed.is_empty() {
        return SourceError::Service("no source of recent changes was asked".into());
    }
    let first = failed.remove(0);
    if failed.is_empty() {
        return first;
    }
    let others: Vec<String> = failed.iter().map(ToString::to_string).collect();
    let also = |m: String| format!("{m}; also {}", others.join("; "));
    first.map_detail(also)
}

/// What a CloudTrail event name means here; Lambda's names carry an API version suffix
/// (`UpdateFunctionCode20150331v2`).
fn kind_of(event_name: &str, source: Option<&str>) -> Option<(ChangeKind, &'static str)> {
    const LAMBDA: &str = "lambda.amazonaws.com";
    const APIGATEWAY: &str = "apigateway.amazonaws.com";
    const NAMES: [(&str, ChangeKind, &str); 9] = [
        ("UpdateFunctionCode", ChangeKind::FunctionCode, LAMBDA),
        (
            "UpdateFunctionConfiguration",
            ChangeKind::FunctionConfiguration,
            LAMBDA,
        ),
        ("UpdateAlias", ChangeKind::FunctionConfiguration, LAMBDA),
        (
            "PutFunctionConcurrency",
            ChangeKind::FunctionConfiguration,
            LAMBDA,
        ),
        (
            "DeleteFunctionConcurrency",
            ChangeKind::FunctionConfiguration,
            LAMBDA,
        ),
        (
            "PutProvisionedConcurrencyConfig",
            ChangeKind::FunctionConfiguration,
            LAMBDA,
        ),
        ("CreateDeployment", ChangeKind::StageDeployment, APIGATEWAY),
        ("UpdateIntegration", ChangeKind::IntegrationEdit, APIGATEWAY),
        ("PutIntegration", ChangeKind::IntegrationEdit, APIGATEWAY),
    ];
    NAMES.iter().find_map(|(name, kind, from)| {
        let rest = event_name.strip_prefix(name)?;
        // `UpdateFunctionCode20150331v2` yes, `UpdateAliasRoutingX` no: only a version may follow.
        let versioned = rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_digit());
        // CodeDeploy and others have a CreateDeployment too.
        let ours = source.is_none_or(|s| s == *from);
        (versioned && ours).then_some((*kind, *name))
    })
}

/// One CloudTrail event as a change of `resource`, or `None` when it changed nothing that matters
/// (reads, other operations, a deployment of another stage).
fn from_event(e: &cloudtrail::types::Event, resource: &str, q: &ChangeQuestion) -> Option<Found> {
    let record: Value = e
        .cloud_trail_event()
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or(Value::Null);
    let name = e
        .event_name()
        .or_else(|| record.get("eventName").and_then(Value::as_str))?;
    let source = e
        .event_source()
        .or_else(|| record.get("eventSource").and_then(Value::as_str));
    let (kind, base) = kind_of(name, source)?;
    // A failed call changed nothing.
    if record.get("errorCode").is_some_and(|c| !c.is_null()) {
        return None;
    }
    let at = e.event_time().and_then(chrono_time).or_else(|| {
        record
            .get("eventTime")
            .and_then(Value::as_str)
            .and_then(parse_timestamp)
    })?;
    if !in_range(at, q) {
        return None;
    }
    let identity = record.get("userIdentity");
    let actor = identity
        .and_then(|i| i.get("arn"))
        .and_then(Value::as_str)
        .or_else(|| e.username())
        .or_else(|| {
            identity
                .and_then(|i| i.get("invokedBy"))
                .and_then(Value::as_str)
        })
        .map(str::to_string);
    let request = record.get("requestParameters").unwrap_or(&Value::Null);
    let response = record.get("responseElements").unwrap_or(&Value::Null);

    let mut deployment = None;
    let resource = match kind {
        ChangeKind::StageDeployment => {
            deployment = find_str(response, &["id", "deploymentId"], 2).map(str::to_string);
            match find_str(request, &["stageName"], 2) {
                Some(stage) if stage != q.stage => return None,
                Some(stage) => format!("{resource}/{stage}"),
                None => resource.to_string(),
            }
        }
        _ => resource.to_string(),
    };
    let detail = match kind {
        ChangeKind::StageDeployment => {
            let mut d = match &deployment {
                Some(id) => format!("{base} {id}"),
                None => base.to_string(),
            };
            if let Some(text) = find_str(request, &["description"], 2).filter(|t| !t.is_empty()) {
                d = format!("{d}: {text}");
            }
            d
        }
        ChangeKind::FunctionCode => match find_str(response, &["codeSha256"], 1) {
            Some(sha) => format!("{base} (CodeSha256 {sha})"),
            None => base.to_string(),
        },
        ChangeKind::FunctionConfiguration | ChangeKind::IntegrationEdit => match summary(request) {
            s if s.is_empty() => base.to_string(),
            s => format!("{base}: {s}"),
        },
    };
    Some(Found {
        change: Change {
            at,
            kind,
            resource,
            actor,
            detail: Some(clip(detail)),
        },
        deployment,
        event_id: e
            .event_id()
            .or_else(|| record.get("eventID").and_then(Value::as_str))
            .map(str::to_string),
        vague: false,
        from_trail: true,
    })
}

/// The first string under one of `keys`, searching objects down to `depth` levels
/// (REST nests CreateDeployment's input under `createDeploymentInput`, apigatewayv2 does not).
fn find_str<'a>(v: &'a Value, keys: &[&str], depth: usize) -> Option<&'a str> {
    let obj = v.as_object()?;
    if let Some(s) = keys.iter().find_map(|k| obj.get(*k)?.as_str()) {
        return Some(s);
    }
    if depth <= 1 {
        return None;
    }
    obj.values()
        .find_map(|child| find_str(child, keys, depth - 1))
}

/// What a request set: patch operations as `op path = value`, else its scalar parameters,
/// leaving out the identifiers the change already names.
fn summary(request: &Value) -> String {
    const IDS: [&str; 8] = [
        "functionName",
        "restApiId",
        "apiId",
        "resourceId",
        "integrationId",
        "stageName",
        "name",
        "qualifier",
    ];
    let patches = request
        .get("patchOperations")
        .or_else(|| {
            request
                .as_object()?
                .values()
                .find_map(|v| v.get("patchOperations"))
        })
        .and_then(Value::as_array);
    let mut parts: Vec<String> = Vec::new();
    if let Some(method) = request.get("httpMethod").and_then(Value::as_str) {
        let on = match request.get("resourceId").and_then(Value::as_str) {
            Some(r) => format!("{method} on resource {r}"),
            None => method.to_string(),
        };
        parts.push(on);
    }
    if let Some(ops) = patches {
        parts.extend(ops.iter().filter_map(|op| {
            let verb = op.get("op")?.as_str()?;
            let path = op.get("path")?.as_str()?;
            Some(match op.get("value").and_then(scalar) {
                Some(value) => format!("{verb} {path} = {value}"),
                None => format!("{verb} {path}"),
            })
        }));
    } else if let Some(obj) = request.as_object() {
        let mut keys: Vec<&String> = obj
            .keys()
            .filter(|k| !IDS.contains(&k.as_str()) && k.as_str() != "httpMethod")
            .collect();
        keys.sort();
        // Nested settings (vpcConfig, environment) are named, not spelled out: CloudTrail
        // hides environment values anyway.
        parts.extend(keys.into_iter().filter_map(|k| match obj.get(k)? {
            Value::Null => None,
            v => Some(match scalar(v) {
                Some(value) => format!("{k}={value}"),
                None => k.clone(),
            }),
        }));
    }
    parts.join(", ")
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The resource a change is about, without its stage or qualifier.
fn base(resource: &str) -> &str {
    resource.split(['/', ':']).next().unwrap_or(resource)
}

fn function_kind(k: ChangeKind) -> bool {
    matches!(
        k,
        ChangeKind::FunctionCode | ChangeKind::FunctionConfiguration
    )
}

/// Whether two sightings are one change.
fn same(a: &Found, b: &Found) -> bool {
    if let (Some(x), Some(y)) = (&a.event_id, &b.event_id) {
        return x == y;
    }
    if base(&a.change.resource) != base(&b.change.resource) {
        return false;
    }
    let kinds = a.change.kind == b.change.kind
        || ((a.vague || b.vague) && function_kind(a.change.kind) && function_kind(b.change.kind));
    if !kinds {
        return false;
    }
    match (&a.deployment, &b.deployment) {
        (Some(x), Some(y)) => x == y,
        _ => (a.change.at - b.change.at).abs() <= SAME_CHANGE,
    }
}

/// One change per change, CloudTrail's telling first (it knows who and exactly what), the other
/// sightings filling what it lacks; sorted by time.
fn merge(mut found: Vec<Found>) -> Vec<Change> {
    found.sort_by_key(|f| (!f.from_trail, f.vague, f.change.at));
    let mut kept: Vec<Found> = Vec::with_capacity(found.len());
    for f in found {
        match kept.iter_mut().find(|k| same(k, &f)) {
            Some(k) => {
                if k.change.actor.is_none() {
                    k.change.actor = f.change.actor;
                }
                if k.change.detail.is_none() {
                    k.change.detail = f.change.detail;
                }
                // `api/stage` is more than `api`.
                if f.change.resource.len() > k.change.resource.len() {
                    k.change.resource = f.change.resource;
                }
                if k.deployment.is_none() {
                    k.deployment = f.deployment;
                }
            }
            None => kept.push(f),
        }
    }
    let mut changes: Vec<Change> = kept.into_iter().map(|f| f.change).collect();
    changes.sort_by_key(|c| c.at);
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
    use chrono::TimeZone;
    use cloudtrail::operation::lookup_events::{LookupEventsError, LookupEventsOutput};
    use lambda::operation::get_function_configuration::{
        GetFunctionConfigurationError, GetFunctionConfigurationOutput,
    };
    use rest::operation::get_deployments::{GetDeploymentsError, GetDeploymentsOutput};
    use rest::operation::get_stage::GetStageOutput;

    const ROLE: &str = "arn:aws:sts::123456789012:assumed-role/GitHubActionsDeployRole/checkout-service-deploy-2291";

    fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, h, m, s).unwrap()
    }

    fn question(kind: ApiKind, functions: &[&str]) -> ChangeQuestion {
        ChangeQuestion {
            api_id: "a1b2c3d4e5".into(),
            kind,
            stage: "prod".into(),
            functions: functions.iter().map(|f| f.to_string()).collect(),
            since: Utc.with_ymd_and_hms(2026, 11, 23, 20, 10, 0).unwrap(),
            until: at(2, 15, 0),
        }
    }

    /// A management event as LookupEvents returns it: the SDK's fields plus the raw record.
    fn event(
        id: &str,
        name: &str,
        source: &str,
        t: DateTime<Utc>,
        record: &str,
    ) -> cloudtrail::types::Event {
        cloudtrail::types::Event::builder()
            .event_id(id)
            .event_name(name)
            .event_source(source)
            .event_time(aws_time(t))
            .read_only("false")
            .username("checkout-service-deploy-2291")
            .cloud_trail_event(record)
            .build()
    }

    const UPDATE_CODE: &str = r#"{
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": "AROA4EXAMPLE2WZQ7NBLF:checkout-service-deploy-2291",
            "arn": "arn:aws:sts::123456789012:assumed-role/GitHubActionsDeployRole/checkout-service-deploy-2291",
            "accountId": "123456789012",
            "accessKeyId": "ASIA4EXAMPLEQ3ZTK7VD",
            "sessionContext": {
                "sessionIssuer": {
                    "type": "Role",
                    "principalId": "AROA4EXAMPLE2WZQ7NBLF",
                    "arn": "arn:aws:iam::123456789012:role/GitHubActionsDeployRole",
                    "accountId": "123456789012",
                    "userName": "GitHubActionsDeployRole"
                },
                "attributes": {"creationDate": "2026-11-24T01:48:55Z", "mfaAuthenticated": "false"}
            }
        },
        "eventTime": "2026-11-24T01:50:12Z",
        "eventSource": "lambda.amazonaws.com",
        "eventName": "UpdateFunctionCode20150331v2",
        "awsRegion": "us-east-1",
        "sourceIPAddress": "140.82.112.3",
        "userAgent": "aws-cli/2.22.4 md/Botocore#1.35.63 ua/2.0 os/linux#6.5.0-1025-azure",
        "requestParameters": {"functionName": "checkout-handler", "publish": false, "dryRun": false},
        "responseElements": {
            "functionName": "checkout-handler",
            "functionArn": "arn:aws:lambda:us-east-1:123456789012:function:checkout-handler",
            "runtime": "nodejs22.x",
            "codeSize": 4823112,
            "timeout": 6,
            "memorySize": 512,
            "lastModified": "2026-11-24T01:50:12.000+0000",
            "codeSha256": "Yx8v0m3K2c5cQyq7kqJ1pW9rFv2L0cE4oXhT8aGk3dQ=",
            "version": "$LATEST",
            "state": "Active",
            "lastUpdateStatus": "InProgress"
        },
        "requestID": "7c1e2b9a-5d43-4f0e-9a61-2b8f3c4d5e6f",
        "eventID": "e1a2b3c4-d5e6-47f8-9a0b-1c2d3e4f5a6b",
        "readOnly": false,
        "eventType": "AwsApiCall",
        "managementEvent": true,
        "recipientAccountId": "123456789012",
        "eventCategory": "Management"
    }"#;

    const UPDATE_CONFIG: &str = r#"{
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "IAMUser",
            "principalId": "AIDA4EXAMPLE7HQ2RMX3Z",
            "arn": "arn:aws:iam::123456789012:user/maeve.oconnor",
            "accountId": "123456789012",
            "userName": "maeve.oconnor"
        },
        "eventTime": "2026-11-24T00:12:31Z",
        "eventSource": "lambda.amazonaws.com",
        "eventName": "UpdateFunctionConfiguration20150331v2",
        "awsRegion": "us-east-1",
        "requestParameters": {
            "functionName": "checkout-handler",
            "memorySize": 256,
            "timeout": 6,
            "environment": {"variables": "HIDDEN_DUE_TO_SECURITY_REASONS"}
        },
        "responseElements": {"functionName": "checkout-handler", "memorySize": 256, "timeout": 6},
        "eventID": "0f9e8d7c-6b5a-4493-8281-706f5e4d3c2b",
        "readOnly": false,
        "eventType": "AwsApiCall",
        "managementEvent": true,
        "eventCategory": "Management"
    }"#;

    const DENIED_UPDATE: &str = r#"{
        "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/intern"},
        "eventTime": "2026-11-24T01:00:00Z",
        "eventSource": "lambda.amazonaws.com",
        "eventName": "UpdateFunctionConfiguration20150331v2",
        "errorCode": "AccessDenied",
        "errorMessage": "User is not authorized to perform: lambda:UpdateFunctionConfiguration",
        "requestParameters": null,
        "responseElements": null,
        "eventID": "11111111-2222-4333-8444-555555555555"
    }"#;

    const CREATE_DEPLOYMENT: &str = r#"{
        "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/priya.raman", "userName": "priya.raman"},
        "eventTime": "2026-11-24T01:35:08Z",
        "eventSource": "apigateway.amazonaws.com",
        "eventName": "CreateDeployment",
        "requestParameters": {
            "restApiId": "a1b2c3d4e5",
            "createDeploymentInput": {"stageName": "prod", "description": "allow PATCH in CORS configuration"},
            "template": false
        },
        "responseElements": {
            "id": "6hq2xk",
            "description": "allow PATCH in CORS configuration",
            "createdDate": "Nov 24, 2026, 1:35:08 AM",
            "self": {"restApiId": "a1b2c3d4e5", "deploymentId": "6hq2xk"}
        },
        "eventID": "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"
    }"#;

    fn lambda_unused() -> lambda::Client {
        mock_client!(aws_sdk_lambda, Vec::<&Rule>::new())
    }

    fn http_unused() -> http::Client {
        mock_client!(aws_sdk_apigatewayv2, Vec::<&Rule>::new())
    }

    fn no_deployments() -> rest::Client {
        let list = mock!(rest::Client::get_deployments)
            .then_output(|| GetDeploymentsOutput::builder().build());
        let stage = mock!(rest::Client::get_stage)
            .then_output(|| GetStageOutput::builder().deployment_id("old001").build());
        mock_client!(aws_sdk_apigateway, RuleMode::MatchAny, [&list, &stage])
    }

    fn throttled() -> LookupEventsError {
        LookupEventsError::generic(
            cloudtrail::error::ErrorMetadata::builder()
                .code("ThrottlingException")
                .message("Rate exceeded")
                .build(),
        )
    }

    #[tokio::test]
    async fn cloudtrail_events_become_changes_with_their_actor_and_failed_or_read_calls_are_dropped()
     {
        let by_function = mock!(cloudtrail::Client::lookup_events)
            .match_requests(|r| {
                let attrs = r.lookup_attributes();
                attrs.len() == 1
                    && attrs[0].attribute_key()
                        == &cloudtrail::types::LookupAttributeKey::ResourceName
                    && attrs[0].attribute_value() == "checkout-handler"
                    && r.start_time().is_some()
                    && r.end_time().is_some()
            })
            .then_output(|| {
                LookupEventsOutput::builder()
                    .events(event(
                        "e1a2",
                        "UpdateFunctionCode20150331v2",
                        "lambda.amazonaws.com",
                        at(1, 50, 12),
                        UPDATE_CODE,
                    ))
                    .events(event(
                        "0f9e",
                        "UpdateFunctionConfiguration20150331v2",
                        "lambda.amazonaws.com",
                        at(0, 12, 31),
                        UPDATE_CONFIG,
                    ))
                    .events(event(
                        "1111",
                        "UpdateFunctionConfiguration20150331v2",
                        "lambda.amazonaws.com",
                        at(1, 0, 0),
                        DENIED_UPDATE,
                    ))
                    .events(event(
                        "2222",
                        "GetFunction20150331v2",
                        "lambda.amazonaws.com",
                        at(1, 1, 0),
                        "{}",
                    ))
                    .build()
            });
        let by_api = mock!(cloudtrail::Client::lookup_events)
            .match_requests(|r| {
                r.lookup_attributes().len() == 1
                    && r.lookup_attributes()[0].attribute_value() == "a1b2c3d4e5"
            })
            .then_output(|| LookupEventsOutput::builder().build());
        let trail = mock_client!(
            aws_sdk_cloudtrail,
            RuleMode::MatchAny,
            [&by_function, &by_api]
        );
        let config = mock!(lambda::Client::get_function_configuration).then_output(|| {
            GetFunctionConfigurationOutput::builder()
                .function_name("checkout-handler")
                .last_modified("2026-11-24T01:50:12.000+0000")
                .build()
        });
        let lambda = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&config]);
        let got = RecentChanges::new(trail, no_deployments(), http_unused(), lambda)
            .changes(&question(ApiKind::Rest, &["checkout-handler"]))
            .await
            .unwrap();
        assert_eq!(got.len(), 2, "{got:#?}");
        let config_change = &got[0];
        assert_eq!(config_change.at, at(0, 12, 31));
        assert_eq!(config_change.kind, ChangeKind::FunctionConfiguration);
        assert_eq!(
            config_change.actor.as_deref(),
            Some("arn:aws:iam::123456789012:user/maeve.oconnor")
        );
        assert_eq!(
            config_change.detail.as_deref(),
            Some("UpdateFunctionConfiguration: environment, memorySize=256, timeout=6")
        );
        // LastModified saw the same code update: one change, told by CloudTrail.
        let code = &got[1];
        assert_eq!(code.kind, ChangeKind::FunctionCode);
        assert_eq!(code.resource, "checkout-handler");
        assert_eq!(code.actor.as_deref(), Some(ROLE));
        assert_eq!(
            code.detail.as_deref(),
            Some("UpdateFunctionCode (CodeSha256 Yx8v0m3K2c5cQyq7kqJ1pW9rFv2L0cE4oXhT8aGk3dQ=)")
        );
        assert_eq!(by_function.num_calls() + by_api.num_calls(), 2);
    }

    #[tokio::test]
    async fn a_throttled_cloudtrail_still_returns_the_deployment_history() {
        let lookups = mock!(cloudtrail::Client::lookup_events).then_error(throttled);
        let trail = mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, [&lookups], |c| c
            .retry_config(cloudtrail::config::retry::RetryConfig::disabled()));
        let list = mock!(rest::Client::get_deployments)
            .match_requests(|r| r.rest_api_id() == Some("a1b2c3d4e5"))
            .then_output(|| {
                GetDeploymentsOutput::builder()
                    .items(
                        rest::types::Deployment::builder()
                            .id("6hq2xk")
                            .description("allow PATCH in CORS configuration")
                            .created_date(aws_time(at(1, 35, 8)))
                            .build(),
                    )
                    .items(
                        rest::types::Deployment::builder()
                            .id("3jd8wq")
                            .created_date(aws_time(at(0, 20, 0)))
                            .build(),
                    )
                    .items(
                        rest::types::Deployment::builder()
                            .id("old001")
                            .created_date(aws_time(
                                Utc.with_ymd_and_hms(2026, 10, 2, 9, 0, 0).unwrap(),
                            ))
                            .build(),
                    )
                    .build()
            });
        let stage = mock!(rest::Client::get_stage).then_output(|| {
            GetStageOutput::builder()
                .stage_name("prod")
                .deployment_id("6hq2xk")
                .build()
        });
        let rest = mock_client!(aws_sdk_apigateway, RuleMode::MatchAny, [&list, &stage]);
        let config = mock!(lambda::Client::get_function_configuration).then_output(|| {
            GetFunctionConfigurationOutput::builder()
                .last_modified("2026-09-01T10:00:00.000+0000")
                .build()
        });
        let lambda = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&config]);
        let got = RecentChanges::new(trail, rest, http_unused(), lambda)
            .changes(&question(ApiKind::Rest, &["orders-handler"]))
            .await
            .unwrap();
        assert_eq!(
            lookups.num_calls(),
            2,
            "the API and the function were both looked up"
        );
        let seen: Vec<(&str, DateTime<Utc>)> =
            got.iter().map(|c| (c.resource.as_str(), c.at)).collect();
        assert_eq!(
            seen,
            [
                ("a1b2c3d4e5", at(0, 20, 0)),
                ("a1b2c3d4e5/prod", at(1, 35, 8))
            ]
        );
        assert_eq!(
            got[1].detail.as_deref(),
            Some("CreateDeployment 6hq2xk: allow PATCH in CORS configuration")
        );
        assert!(
            got.iter()
                .all(|c| c.kind == ChangeKind::StageDeployment && c.actor.is_none())
        );
    }

    #[tokio::test]
    async fn a_deployment_seen_in_cloudtrail_and_in_the_history_is_one_change_with_its_actor() {
        let lookups = mock!(cloudtrail::Client::lookup_events).then_output(|| {
            LookupEventsOutput::builder()
                .events(event(
                    "9a8b",
                    "CreateDeployment",
                    "apigateway.amazonaws.com",
                    at(1, 35, 8),
                    CREATE_DEPLOYMENT,
                ))
                .build()
        });
        let trail = mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, [&lookups]);
        let list = mock!(rest::Client::get_deployments).then_output(|| {
            GetDeploymentsOutput::builder()
                .items(
                    rest::types::Deployment::builder()
                        .id("6hq2xk")
                        .description("allow PATCH in CORS configuration")
                        // createdDate and eventTime rarely agree to the second.
                        .created_date(aws_time(at(1, 35, 7)))
                        .build(),
                )
                .build()
        });
        let stage = mock!(rest::Client::get_stage)
            .then_output(|| GetStageOutput::builder().deployment_id("7zz9aa").build());
        let rest = mock_client!(aws_sdk_apigateway, RuleMode::MatchAny, [&list, &stage]);
        let got = RecentChanges::new(trail, rest, http_unused(), lambda_unused())
            .changes(&question(ApiKind::Rest, &[]))
            .await
            .unwrap();
        assert_eq!(got.len(), 1, "{got:#?}");
        assert_eq!(got[0].resource, "a1b2c3d4e5/prod");
        assert_eq!(
            got[0].actor.as_deref(),
            Some("arn:aws:iam::123456789012:user/priya.raman")
        );
        assert_eq!(got[0].at, at(1, 35, 8));
        assert_eq!(
            got[0].detail.as_deref(),
            Some("CreateDeployment 6hq2xk: allow PATCH in CORS configuration")
        );
    }

    #[tokio::test]
    async fn a_deployment_of_another_stage_and_an_integration_edit_are_told_apart() {
        let other_stage =
            CREATE_DEPLOYMENT.replace(r#""stageName": "prod""#, r#""stageName": "dev""#);
        let edit = r#"{
            "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/priya.raman"},
            "eventTime": "2026-11-24T01:30:00Z",
            "eventSource": "apigateway.amazonaws.com",
            "eventName": "UpdateIntegration",
            "requestParameters": {
                "restApiId": "a1b2c3d4e5",
                "resourceId": "k3l4m5",
                "httpMethod": "POST",
                "updateIntegrationInput": {
                    "patchOperations": [{"op": "replace", "path": "/timeoutInMillis", "value": "10000"}]
                }
            },
            "responseElements": {"type": "AWS_PROXY", "timeoutInMillis": 10000},
            "eventID": "5c4b3a29-1807-4f6e-8d5c-4b3a29180706"
        }"#
        .to_string();
        let lookups = mock!(cloudtrail::Client::lookup_events).then_output(move || {
            LookupEventsOutput::builder()
                .events(event(
                    "9a8b",
                    "CreateDeployment",
                    "apigateway.amazonaws.com",
                    at(1, 35, 8),
                    &other_stage,
                ))
                .events(event(
                    "5c4b",
                    "UpdateIntegration",
                    "apigateway.amazonaws.com",
                    at(1, 30, 0),
                    &edit,
                ))
                // CodeDeploy's CreateDeployment is not a stage deployment.
                .events(event(
                    "c0de",
                    "CreateDeployment",
                    "codedeploy.amazonaws.com",
                    at(1, 31, 0),
                    "{}",
                ))
                .build()
        });
        let trail = mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, [&lookups]);
        let got = RecentChanges::new(trail, no_deployments(), http_unused(), lambda_unused())
            .changes(&question(ApiKind::Rest, &[]))
            .await
            .unwrap();
        assert_eq!(got.len(), 1, "{got:#?}");
        assert_eq!(got[0].kind, ChangeKind::IntegrationEdit);
        assert_eq!(got[0].resource, "a1b2c3d4e5");
        assert_eq!(
            got[0].detail.as_deref(),
            Some("UpdateIntegration: POST on resource k3l4m5, replace /timeoutInMillis = 10000")
        );
    }

    #[tokio::test]
    async fn an_http_api_reads_its_deployments_through_apigatewayv2() {
        use http::operation::get_deployments::GetDeploymentsOutput as HttpDeployments;
        use http::operation::get_stage::GetStageOutput as HttpStage;
        let lookups = mock!(cloudtrail::Client::lookup_events)
            .then_output(|| LookupEventsOutput::builder().build());
        let trail = mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, [&lookups]);
        let list = mock!(http::Client::get_deployments)
            .match_requests(|r| r.api_id() == Some("a1b2c3d4e5"))
            .then_output(|| {
                HttpDeployments::builder()
                    .items(
                        http::types::Deployment::builder()
                            .deployment_id("w9d1aa")
                            .auto_deployed(true)
                            .created_date(aws_time(at(2, 1, 0)))
                            .build(),
                    )
                    .build()
            });
        let stage = mock!(http::Client::get_stage)
            .then_output(|| HttpStage::builder().deployment_id("w9d1aa").build());
        let http = mock_client!(aws_sdk_apigatewayv2, RuleMode::MatchAny, [&list, &stage]);
        let got = RecentChanges::new(trail, no_deployments(), http, lambda_unused())
            .changes(&question(ApiKind::Http, &[]))
            .await
            .unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].resource, "a1b2c3d4e5/prod");
        assert_eq!(
            got[0].detail.as_deref(),
            Some("automatic deployment w9d1aa")
        );
    }

    #[tokio::test]
    async fn only_when_every_source_fails_is_it_an_error() {
        let lookups = mock!(cloudtrail::Client::lookup_events).then_error(|| {
            LookupEventsError::generic(
                cloudtrail::error::ErrorMetadata::builder()
                    .code("AccessDeniedException")
                    .message("User is not authorized to perform: cloudtrail:LookupEvents")
                    .build(),
            )
        });
        let trail = mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, [&lookups]);
        let list = mock!(rest::Client::get_deployments).then_error(|| {
            GetDeploymentsError::generic(
                rest::error::ErrorMetadata::builder()
                    .code("AccessDeniedException")
                    .message("User is not authorized to perform: apigateway:GET")
                    .build(),
            )
        });
        let stage =
            mock!(rest::Client::get_stage).then_output(|| GetStageOutput::builder().build());
        let rest = mock_client!(aws_sdk_apigateway, RuleMode::MatchAny, [&list, &stage]);
        let config = mock!(lambda::Client::get_function_configuration).then_error(|| {
            GetFunctionConfigurationError::generic(
                lambda::error::ErrorMetadata::builder()
                    .code("AccessDeniedException")
                    .message("User is not authorized to perform: lambda:GetFunctionConfiguration")
                    .build(),
            )
        });
        let lambda = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&config]);
        let err = RecentChanges::new(trail, rest, http_unused(), lambda)
            .changes(&question(ApiKind::Rest, &["orders-handler"]))
            .await
            .unwrap_err();
        match err {
            SourceError::AccessDenied(m) => {
                assert!(m.starts_with("apigateway:GetDeployments"), "{m}");
                assert!(
                    m.contains("cloudtrail:LookupEvents")
                        && m.contains("lambda:GetFunctionConfiguration"),
                    "{m}"
                );
            }
            other => panic!("expected AccessDenied, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_lookup_throttled_on_its_second_page_keeps_the_first() {
        let first = mock!(cloudtrail::Client::lookup_events)
            .match_requests(|r| r.next_token().is_none())
            .then_output(|| {
                LookupEventsOutput::builder()
                    .events(event(
                        "9a8b",
                        "CreateDeployment",
                        "apigateway.amazonaws.com",
                        at(1, 35, 8),
                        CREATE_DEPLOYMENT,
                    ))
                    .next_token("page-2")
                    .build()
            });
        let second = mock!(cloudtrail::Client::lookup_events)
            .match_requests(|r| r.next_token() == Some("page-2"))
            .then_error(throttled);
        let trail = mock_client!(
            aws_sdk_cloudtrail,
            RuleMode::MatchAny,
            [&first, &second],
            |c| c.retry_config(cloudtrail::config::retry::RetryConfig::disabled())
        );
        let got = RecentChanges::new(trail, no_deployments(), http_unused(), lambda_unused())
            .changes(&question(ApiKind::Rest, &[]))
            .await
            .unwrap();
        assert_eq!(second.num_calls(), 1);
        assert_eq!(got.len(), 1, "{got:#?}");
        assert_eq!(
            got[0].actor.as_deref(),
            Some("arn:aws:iam::123456789012:user/priya.raman")
        );
    }

    #[tokio::test(start_paused = true)]
    async fn no_more_than_two_lookups_are_in_flight() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let (now, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let call = |i: u64| {
            let (now, most) = (&now, &most);
            async move {
                let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(n, Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(100 + i)).await;
                now.fetch_sub(1, Ordering::SeqCst);
                i
            }
        };
        let mut done = at_most(TRAIL_CONCURRENCY, (0..5).map(call).collect()).await;
        done.sort();
        assert_eq!(done, [0, 1, 2, 3, 4]);
        assert_eq!(most.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn lambda_event_names_match_with_their_version_suffix_only() {
        assert_eq!(
            kind_of("UpdateFunctionCode20150331v2", Some("lambda.amazonaws.com")),
            Some((ChangeKind::FunctionCode, "UpdateFunctionCode"))
        );
        assert_eq!(
            kind_of(
                "UpdateFunctionCodeSigningConfig",
                Some("lambda.amazonaws.com")
            ),
            None
        );
        assert_eq!(
            kind_of("PutIntegrationResponse", Some("apigateway.amazonaws.com")),
            None
        );
        assert_eq!(
            kind_of("PutIntegration", None),
            Some((ChangeKind::IntegrationEdit, "PutIntegration"))
        );
    }
}
