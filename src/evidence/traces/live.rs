//! X-Ray: the slowest traces through a REST stage (or, for HTTP and WebSocket APIs, through the
//! functions behind them, since X-Ray does not trace those APIs) and where their time went.
//!
//! A subsegment's time is its own: end - start, less the time of the subsegments nested in it
//! and of the downstream segments it called. So a wrapper (the gateway's `Lambda` invoke, the
//! function's `Invocation`) cannot outrank the DynamoDB query or HTTP call it wraps, while the
//! function's own code still shows as `Invocation` and a cold start as `Initialization`.

use super::{Subsegment, TraceQuestion, TraceSummaries, TraceSummary};
use crate::evidence::SourceError;
use crate::evidence::sdk_error::source_error;
use async_trait::async_trait;
use aws_sdk_xray::Client;
use aws_sdk_xray::primitives::DateTime as AwsTime;
use serde_json::Value;
use std::collections::HashMap;

/// GetTraceSummaries pages read at most: the slowest are kept from what they hold.
const SUMMARY_PAGES: usize = 5;
/// BatchGetTraces takes at most 5 ids per call.
const BATCH: usize = 5;
/// BatchGetTraces pages per batch at most (large traces come in pages).
const TRACE_PAGES: usize = 3;
/// Traces examined at most, whatever the question asks.
const MAX_TRACES: usize = 50;

pub struct XRayTraceSummaries {
    client: Client,
}

impl XRayTraceSummaries {
    pub fn new(client: Client) -> Self {
        Self { client }
    }
}

/// A quoted filter-expression string, or `None` for a name that cannot be quoted.
fn quoted(name: &str) -> Option<String> {
    (!name.is_empty() && !name.contains(['"', '\\'])).then(|| format!("\"{name}\""))
}

/// A function name from a name, a qualified name or an ARN (X-Ray names the function's service
/// by its bare name).
fn function_name(function: &str) -> &str {
    let name = function
        .split_once(":function:")
        .map_or(function, |(_, rest)| rest);
    name.split(':').next().unwrap_or(name)
}

/// The GetTraceSummaries filter for the question; `None` when nothing can be asked for.
pub(crate) fn filter_expression(q: &TraceQuestion) -> Option<String> {
    if q.traced_through_functions {
        let mut names: Vec<&str> = q.functions.iter().map(|f| function_name(f)).collect();
        names.sort_unstable();
        names.dedup();
        let services: Vec<String> = names
            .into_iter()
            .filter_map(quoted)
            .map(|name| format!("service(id(name: {name}, type: \"AWS::Lambda::Function\"))"))
            .collect();
        (!services.is_empty()).then(|| services.join(" OR "))
    } else {
        let name = quoted(&format!("{}/{}", q.api_name, q.stage))?;
        Some(format!(
            "service(id(name: {name}, type: \"AWS::ApiGateway::Stage\"))"
        ))
    }
}

/// One trace summary, as far as choosing and describing it goes.
#[derive(Debug, Clone, PartialEq)]
struct Found {
    id: String,
    duration_ms: f64,
    http_status: Option<u16>,
    fault: bool,
}

/// The SDK's summary in domain terms; `None` for one of another API that shares the name, or
/// one without an id.
fn found(s: &aws_sdk_xray::types::TraceSummary, q: &TraceQuestion) -> Option<Found> {
    if !q.traced_through_functions {
        let stage_arn = format!("/restapis/{}/stages/{}", q.api_id, q.stage);
        let gateways: Vec<&str> = s
            .resource_arns()
            .iter()
            .filter_map(|r| r.arn())
            .filter(|arn| arn.starts_with("arn:aws") && arn.contains(":apigateway:"))
            .collect();
        if !gateways.is_empty() && !gateways.iter().any(|arn| arn.ends_with(&stage_arn)) {
            return None;
        }
    }
    let seconds = s
        .duration()
        .or(s.response_time())
        .filter(|d| d.is_finite() && *d >= 0.0)
        .unwrap_or(0.0);
    Some(Found {
        id: s.id()?.to_owned(),
        duration_ms: seconds * 1000.0,
        http_status: s
            .http()
            .and_then(|h| h.http_status())
            .and_then(|v| u16::try_from(v).ok()),
        fault: s.has_fault().unwrap_or(false),
    })
}

#[async_trait]
impl TraceSummaries for XRayTraceSummaries {
    async fn slowest(&self, q: &TraceQuestion) -> Result<Vec<TraceSummary>, SourceError> {
        let limit = q.limit.min(MAX_TRACES);
        let Some(filter) = filter_expression(q) else {
            return Ok(Vec::new());
        };
        if limit == 0 {
            return Ok(Vec::new());
        }
        let mut pages = self
            .client
            .get_trace_summaries()
            .start_time(AwsTime::from_millis(q.window.start.timestamp_millis()))
            .end_time(AwsTime::from_millis(q.window.end.timestamp_millis()))
            .filter_expression(filter)
            .sampling(false)
            .into_paginator()
            .send();
        let mut all: Vec<Found> = Vec::new();
        let mut read = 0;
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| source_error("xray:GetTraceSummaries", &e))?;
            for s in page.trace_summaries() {
                if let Some(f) = found(s, q).filter(|f| all.iter().all(|seen| seen.id != f.id)) {
                    all.push(f);
                }
            }
            read += 1;
            if read == SUMMARY_PAGES {
                break;
            }
        }
        all.sort_by(|a, b| b.duration_ms.total_cmp(&a.duration_ms));
        all.truncate(limit);

        let documents = self.documents(&all).await;
        Ok(all
            .into_iter()
            .map(|f| {
                let docs = documents.get(&f.id).map_or(&[][..], Vec::as_slice);
                summarize(f, docs)
            })
            .collect())
    }
}

impl XRayTraceSummaries {
    /// Segment documents by trace id. A batch that fails leaves its traces without subsegments
    /// rather than losing the summaries, which still say which requests were slow.
    async fn documents(&self, found: &[Found]) -> HashMap<String, Vec<String>> {
        let batches = found.chunks(BATCH).map(|chunk| async move {
            let ids: Vec<String> = chunk.iter().map(|f| f.id.clone()).collect();
            let mut out: Vec<(String, Vec<String>)> = Vec::new();
            let mut token: Option<String> = None;
            for _ in 0..TRACE_PAGES {
                let page = self
                    .client
                    .batch_get_traces()
                    .set_trace_ids(Some(ids.clone()))
                    .set_next_token(token.take())
                    .send()
                    .await;
                let page = match page {
                    Ok(p) => p,
                    Err(e) => {
                        tracing::warn!(error = %source_error("xray:BatchGetTraces", &e), "trace segments not read");
                        break;
                    }
                };
                for trace in page.traces() {
                    let Some(id) = trace.id() else { continue };
                    let docs = trace
                        .segments()
                        .iter()
                        .filter_map(|s| s.document().map(str::to_owned));
                    match out.iter_mut().find(|(seen, _)| seen == id) {
                        Some((_, d)) => d.extend(docs),
                        None => out.push((id.to_owned(), docs.collect())),
                    }
                }
                match page.next_token() {
                    Some(next) if !next.is_empty() => token = Some(next.to_owned()),
                    _ => break,
                }
            }
            out
        });
        futures::future::join_all(batches)
            .await
            .into_iter()
            .flatten()
            .collect()
    }
}

/// A segment or subsegment, flattened, with times in seconds.
#[derive(Debug)]
struct Span {
    id: Option<String>,
    /// The segment whose `parent_id` names a subsegment elsewhere in the trace.
    parent_id: Option<String>,
    /// The span this one is nested in.
    within: Option<usize>,
    is_segment: bool,
    name: String,
    namespace: String,
    operation: Option<String>,
    start: f64,
    end: f64,
}

fn text(v: &Value, path: &[&str]) -> Option<String> {
    let mut at = v;
    for key in path {
        at = at.get(key)?;
    }
    at.as_str().map(str::to_owned)
}

fn seconds(v: &Value, key: &str) -> Option<f64> {
    v.get(key)?.as_f64().filter(|t| t.is_finite())
}

/// What a trace's segments say besides their spans.
#[derive(Debug, Default)]
struct Facts {
    request_id: Option<String>,
    gateway_status: Option<u16>,
    gateway_fault: bool,
}

/// Annotation keys that carry the gateway's request id, compared without case or separators.
const REQUEST_ID_KEYS: [&str; 4] = [
    "requestid",
    "apirequestid",
    "apigwrequestid",
    "apigatewayrequestid",
];

fn annotated_request_id(v: &Value) -> Option<String> {
    v.get("annotations")?
        .as_object()?
        .iter()
        .find_map(|(k, v)| {
            let key: String = k
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase())
                .collect();
            REQUEST_ID_KEYS
                .contains(&key.as_str())
                .then(|| v.as_str().map(str::to_owned))
                .flatten()
        })
}

/// Flattens one segment document (and its nested subsegments) into `spans`.
fn flatten(
    v: &Value,
    within: Option<usize>,
    is_segment: bool,
    spans: &mut Vec<Span>,
    facts: &mut Facts,
) {
    if is_segment && text(v, &["origin"]).as_deref() == Some("AWS::ApiGateway::Stage") {
        facts.request_id = facts
            .request_id
            .take()
            .or_else(|| text(v, &["aws", "api_gateway", "request_id"]));
        facts.gateway_status = facts.gateway_status.or_else(|| {
            v.get("http")?
                .get("response")?
                .get("status")?
                .as_u64()
                .and_then(|s| u16::try_from(s).ok())
        });
        facts.gateway_fault |= v.get("fault").and_then(Value::as_bool).unwrap_or(false);
    }
    if facts.request_id.is_none() {
        facts.request_id = annotated_request_id(v);
    }
    let in_progress = v.get("in_progress").and_then(Value::as_bool) == Some(true);
    let here = match (seconds(v, "start_time"), seconds(v, "end_time")) {
        (Some(start), Some(end)) if !in_progress && end >= start => {
            spans.push(Span {
                id: text(v, &["id"]),
                parent_id: is_segment.then(|| text(v, &["parent_id"])).flatten(),
                within,
                is_segment,
                name: text(v, &["name"]).unwrap_or_default(),
                namespace: text(v, &["namespace"]).unwrap_or_default(),
                operation: text(v, &["aws", "operation"])
                    .or_else(|| text(v, &["http", "request", "method"])),
                start,
                end,
            });
            Some(spans.len() - 1)
        }
        // Unfinished: its children still count, under its own parent.
        _ => within,
    };
    if let Some(children) = v.get("subsegments").and_then(Value::as_array) {
        for child in children {
            flatten(child, here, false, spans, facts);
        }
    }
}

/// Length of the union of `intervals` clipped to `[lo, hi]`.
fn covered(mut intervals: Vec<(f64, f64)>, lo: f64, hi: f64) -> f64 {
    intervals.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut total = 0.0;
    let mut reach = lo;
    for (start, end) in intervals {
        let (start, end) = (start.max(reach), end.min(hi));
        if end > start {
            total += end - start;
            reach = end;
        }
    }
    total
}

/// The trace summary from its summary facts and its segment documents.
fn summarize(f: Found, documents: &[String]) -> TraceSummary {
    let mut spans = Vec::new();
    let mut facts = Facts::default();
    for doc in documents {
        if let Ok(v) = serde_json::from_str::<Value>(doc) {
            flatten(&v, None, true, &mut spans, &mut facts);
        }
    }
    let by_id: HashMap<&str, usize> = spans
        .iter()
        .enumerate()
        .filter_map(|(i, s)| Some((s.id.as_deref()?, i)))
        .collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); spans.len()];
    for (i, s) in spans.iter().enumerate() {
        let parent = s
            .within
            .or_else(|| s.parent_id.as_deref().and_then(|p| by_id.get(p).copied()));
        if let Some(list) = parent.filter(|p| *p != i).and_then(|p| children.get_mut(p)) {
            list.push(i);
        }
    }

    let mut merged: Vec<(Subsegment, f64)> = Vec::new();
    for (i, s) in spans.iter().enumerate().filter(|(_, s)| !s.is_segment) {
        let inside = children
            .get(i)
            .map(|c| {
                c.iter()
                    .filter_map(|j| spans.get(*j))
                    .map(|c| (c.start, c.end))
                    .collect()
            })
            .unwrap_or_default();
        let own_ms = ((s.end - s.start) - covered(inside, s.start, s.end)).max(0.0) * 1000.0;
        if !own_ms.is_finite() {
            continue;
        }
        match merged.iter_mut().find(|(m, _)| m.name == s.name) {
            Some((m, largest)) => {
                m.duration_ms += own_ms;
                // The largest call names the operation and namespace of the merged entry.
                if own_ms > *largest {
                    *largest = own_ms;
                    m.namespace = s.namespace.clone();
                    m.operation = s.operation.clone();
                }
            }
            None => merged.push((
                Subsegment {
                    name: s.name.clone(),
                    namespace: s.namespace.clone(),
                    operation: s.operation.clone(),
                    duration_ms: own_ms,
                },
                own_ms,
            )),
        }
    }
    let mut subsegments: Vec<Subsegment> = merged
        .into_iter()
        .map(|(m, _)| m)
        .filter(|m| m.duration_ms > 0.0)
        .collect();
    subsegments.sort_by(|a, b| b.duration_ms.total_cmp(&a.duration_ms));

    let duration_ms = if f.duration_ms > 0.0 {
        f.duration_ms
    } else {
        let segments = spans.iter().filter(|s| s.is_segment);
        let start = segments
            .clone()
            .map(|s| s.start)
            .fold(f64::INFINITY, f64::min);
        let end = segments.map(|s| s.end).fold(f64::NEG_INFINITY, f64::max);
        let ms = (end - start) * 1000.0;
        if ms.is_finite() && ms > 0.0 { ms } else { 0.0 }
    };
    TraceSummary {
        trace_id: f.id,
        duration_ms,
        http_status: f.http_status.or(facts.gateway_status),
        fault: f.fault || facts.gateway_fault,
        request_id: facts.request_id,
        subsegments,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trigger::Window;
    use aws_sdk_xray::operation::batch_get_traces::BatchGetTracesOutput;
    use aws_sdk_xray::operation::get_trace_summaries::{
        GetTraceSummariesError, GetTraceSummariesOutput,
    };
    use aws_sdk_xray::types::{
        Http, ResourceArnDetail, Segment, Trace, TraceSummary as XRaySummary,
    };
    use aws_smithy_mocks::{RuleMode, mock, mock_client};
    use chrono::{TimeZone, Utc};

    const TRACE: &str = "1-6762f0a1-3b2c1d0e9f8a7b6c5d4e3f2a";
    const REQUEST_ID: &str = "4c2a8f19-7d3e-4b1a-9c55-2e8f0a1b3c4d";

    fn question(limit: usize) -> TraceQuestion {
        TraceQuestion {
            api_id: "a1b2c3d4e5".into(),
            api_name: "orders-api".into(),
            stage: "prod".into(),
            functions: vec![
                "arn:aws:lambda:us-east-1:123456789012:function:orders-handler:live".into(),
            ],
            traced_through_functions: false,
            window: Window {
                start: Utc.with_ymd_and_hms(2026, 11, 24, 2, 10, 0).unwrap(),
                end: Utc.with_ymd_and_hms(2026, 11, 24, 2, 15, 0).unwrap(),
            },
            limit,
        }
    }

    /// The segments X-Ray returns for one POST /orders that hit the 29 s integration timeout:
    /// the gateway's stage segment, the Lambda service's segment, and the function's segment
    /// with a cold start, two DynamoDB calls and a remote HTTP call inside `Invocation`.
    fn documents() -> Vec<String> {
        let t0 = 1_795_486_264.500_f64;
        let gateway = serde_json::json!({
            "id": "70de5b6f19ff9a0a", "name": "orders-api/prod", "trace_id": TRACE,
            "start_time": t0, "end_time": t0 + 29.018,
            "http": {
                "request": {"url": "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/orders", "method": "POST", "client_ip": "203.0.113.7", "x_forwarded_for": true},
                "response": {"status": 504, "content_length": 36}
            },
            "aws": {"api_gateway": {"account_id": "123456789012", "rest_api_id": "a1b2c3d4e5", "stage": "prod", "request_id": REQUEST_ID}},
            "annotations": {"aws:api_id": "a1b2c3d4e5", "aws:api_stage": "prod"},
            "metadata": {"default": {"extended_request_id": "Xk1Z2FjvoAMEbPw=", "request_id": REQUEST_ID}},
            "origin": "AWS::ApiGateway::Stage",
            "resource_arn": "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/prod",
            "fault": true,
            "subsegments": [{
                "id": "5f1e3a7c9b2d4e60", "name": "Lambda", "start_time": t0 + 0.008, "end_time": t0 + 29.008,
                "http": {"request": {"url": "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:orders-handler:live/invocations", "method": "POST"}, "response": {"status": 200}},
                "aws": {"function_name": "orders-handler", "region": "us-east-1", "operation": "Invoke", "resource_names": ["orders-handler"]},
                "namespace": "aws", "fault": true
            }]
        });
        let service = serde_json::json!({
            "id": "2b8d4f6a1c3e5a70", "name": "orders-handler", "trace_id": TRACE, "parent_id": "5f1e3a7c9b2d4e60",
            "start_time": t0 + 0.020, "end_time": t0 + 29.005,
            "http": {"response": {"status": 200}},
            "aws": {"request_id": "9a8b7c6d-1111-2222-3333-444455556666"},
            "origin": "AWS::Lambda",
            "resource_arn": "arn:aws:lambda:us-east-1:123456789012:function:orders-handler:live"
        });
        let function = serde_json::json!({
            "id": "3c9e5a7b2d4f6b81", "name": "orders-handler", "trace_id": TRACE, "parent_id": "2b8d4f6a1c3e5a70",
            "start_time": t0 + 0.030, "end_time": t0 + 29.000,
            "aws": {"account_id": "123456789012", "function_arn": "arn:aws:lambda:us-east-1:123456789012:function:orders-handler:live", "resource_names": ["orders-handler"]},
            "origin": "AWS::Lambda::Function",
            "subsegments": [
                {"id": "a1000000000000a1", "name": "Initialization", "start_time": t0 + 0.030, "end_time": t0 + 0.630, "aws": {"function_arn": "arn:aws:lambda:us-east-1:123456789012:function:orders-handler:live"}},
                {"id": "a2000000000000a2", "name": "Invocation", "start_time": t0 + 0.640, "end_time": t0 + 28.990, "subsegments": [
                    {"id": "b1000000000000b1", "name": "DynamoDB", "namespace": "aws", "start_time": t0 + 0.700, "end_time": t0 + 0.900,
                     "http": {"response": {"status": 200}}, "aws": {"operation": "GetItem", "region": "us-east-1", "table_name": "orders", "request_id": "N4RQ1ATA"}},
                    {"id": "b2000000000000b2", "name": "DynamoDB", "namespace": "aws", "start_time": t0 + 0.950, "end_time": t0 + 22.250,
                     "http": {"response": {"status": 200}}, "aws": {"operation": "Query", "region": "us-east-1", "table_name": "orders", "request_id": "QSV0KCJP"}},
                    {"id": "b3000000000000b3", "name": "payments.example.com", "namespace": "remote", "start_time": t0 + 22.300, "end_time": t0 + 28.200,
                     "http": {"request": {"url": "https://payments.example.com/v1/charges", "method": "POST"}, "response": {"status": 200, "content_length": 412}}},
                    {"id": "b4000000000000b4", "name": "payments.example.com", "namespace": "remote", "in_progress": true, "start_time": t0 + 28.300}
                ]},
                {"id": "a3000000000000a3", "name": "Overhead", "start_time": t0 + 28.990, "end_time": t0 + 29.000}
            ]
        });
        [gateway, service, function]
            .iter()
            .map(Value::to_string)
            .collect()
    }

    fn summary(id: &str, seconds: f64, status: i32, arn: &str) -> XRaySummary {
        XRaySummary::builder()
            .id(id)
            .duration(seconds)
            .response_time(seconds)
            .has_fault(status >= 500)
            .http(
                Http::builder()
                    .http_status(status)
                    .http_method("POST")
                    .build(),
            )
            .resource_arns(ResourceArnDetail::builder().arn(arn).build())
            .build()
    }

    const OURS: &str = "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/prod";

    #[test]
    fn a_rest_stage_is_asked_for_by_its_service_name_and_an_http_api_by_its_functions() {
        assert_eq!(
            filter_expression(&question(3)).unwrap(),
            r#"service(id(name: "orders-api/prod", type: "AWS::ApiGateway::Stage"))"#
        );
        let http = TraceQuestion {
            functions: vec![
                "checkout".into(),
                "arn:aws:lambda:eu-west-1:123456789012:function:payments:prod".into(),
                "checkout".into(),
            ],
            traced_through_functions: true,
            ..question(3)
        };
        assert_eq!(
            filter_expression(&http).unwrap(),
            r#"service(id(name: "checkout", type: "AWS::Lambda::Function")) OR service(id(name: "payments", type: "AWS::Lambda::Function"))"#
        );
        let none = TraceQuestion {
            functions: vec![],
            ..http
        };
        assert_eq!(filter_expression(&none), None);
        let unquotable = TraceQuestion {
            api_name: "bad\"name".into(),
            ..question(3)
        };
        assert_eq!(filter_expression(&unquotable), None);
    }

    #[tokio::test]
    async fn the_slowest_traces_are_fetched_and_their_dominant_subsegment_is_the_dynamodb_query() {
        let first = mock!(Client::get_trace_summaries)
            .match_requests(|r| {
                r.next_token().is_none()
                    && r.filter_expression()
                        == Some(r#"service(id(name: "orders-api/prod", type: "AWS::ApiGateway::Stage"))"#)
                    && r.start_time().and_then(|t| t.to_millis().ok()) == Some(1_795_486_200_000)
            })
            .then_output(|| {
                GetTraceSummariesOutput::builder()
                    .trace_summaries(summary("1-fast", 0.2, 200, OURS))
                    .trace_summaries(summary(TRACE, 29.018, 504, OURS))
                    .next_token("page-2")
                    .build()
            });
        let second = mock!(Client::get_trace_summaries)
            .match_requests(|r| r.next_token() == Some("page-2"))
            .then_output(|| {
                GetTraceSummariesOutput::builder()
                    .trace_summaries(summary(
                        "1-other-api-same-name",
                        40.0,
                        504,
                        "arn:aws:apigateway:us-east-1::/restapis/zzzzzzzzzz/stages/prod",
                    ))
                    .trace_summaries(summary("1-medium", 3.5, 200, OURS))
                    .build()
            });
        let traces = mock!(Client::batch_get_traces)
            .match_requests(|r| r.trace_ids() == [TRACE.to_owned(), "1-medium".to_owned()])
            .then_output(|| {
                let mut trace = Trace::builder().id(TRACE).duration(29.018);
                for (i, doc) in documents().into_iter().enumerate() {
                    trace = trace.segments(
                        Segment::builder()
                            .id(format!("seg-{i}"))
                            .document(doc)
                            .build(),
                    );
                }
                BatchGetTracesOutput::builder()
                    .traces(trace.build())
                    .traces(Trace::builder().id("1-medium").duration(3.5).build())
                    .build()
            });
        let client = mock_client!(aws_sdk_xray, RuleMode::MatchAny, [&first, &second, &traces]);

        let got = XRayTraceSummaries::new(client)
            .slowest(&question(2))
            .await
            .unwrap();

        assert_eq!(
            got.iter().map(|t| t.trace_id.as_str()).collect::<Vec<_>>(),
            vec![TRACE, "1-medium"],
            "slowest first, the same-named API's trace left out"
        );
        let worst = &got[0];
        assert_eq!(worst.duration_ms, 29_018.0);
        assert_eq!(worst.http_status, Some(504));
        assert!(worst.fault);
        assert_eq!(worst.request_id.as_deref(), Some(REQUEST_ID));
        let (dominant, share) = worst.dominant().unwrap();
        assert_eq!(dominant.name, "DynamoDB");
        assert_eq!(dominant.namespace, "aws");
        assert_eq!(dominant.operation.as_deref(), Some("Query"));
        assert!(
            (dominant.duration_ms - 21_500.0).abs() < 0.01,
            "Query and GetItem merged: {dominant:?}"
        );
        assert!(share > 0.7, "{share}");
        let names: Vec<&str> = worst.subsegments.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "DynamoDB",
                "payments.example.com",
                "Invocation",
                "Initialization",
                "Lambda",
                "Overhead"
            ]
        );
        let remote = &worst.subsegments[1];
        assert_eq!(
            (remote.namespace.as_str(), remote.operation.as_deref()),
            ("remote", Some("POST"))
        );
        assert!((remote.duration_ms - 5_900.0).abs() < 0.01);
        let invocation = &worst.subsegments[2];
        assert!(
            (invocation.duration_ms - (28_350.0 - 21_500.0 - 5_900.0)).abs() < 0.01,
            "own time only: {invocation:?}"
        );
        let init = &worst.subsegments[3];
        assert!((init.duration_ms - 600.0).abs() < 0.01);
        let invoke = &worst.subsegments[4];
        assert!(
            (invoke.duration_ms - 15.0).abs() < 0.01,
            "the invoke wraps the Lambda segment: {invoke:?}"
        );
        assert!(got[1].subsegments.is_empty());
        assert_eq!(traces.num_calls(), 1);
    }

    #[tokio::test]
    async fn more_than_five_traces_are_fetched_in_batches_of_five() {
        let summaries = mock!(Client::get_trace_summaries).then_output(|| {
            let mut out = GetTraceSummariesOutput::builder();
            for i in 0..7 {
                out = out.trace_summaries(summary(&format!("1-{i}"), f64::from(i), 504, OURS));
            }
            out.build()
        });
        let batches = mock!(Client::batch_get_traces)
            .match_requests(|r| r.trace_ids().len() <= 5)
            .then_compute_output(|r| {
                let mut out = BatchGetTracesOutput::builder();
                for id in r.trace_ids() {
                    out = out.traces(Trace::builder().id(id).build());
                }
                out.build()
            });
        let client = mock_client!(aws_sdk_xray, RuleMode::MatchAny, [&summaries, &batches]);
        let got = XRayTraceSummaries::new(client)
            .slowest(&question(7))
            .await
            .unwrap();
        assert_eq!(got.len(), 7);
        assert_eq!(got[0].trace_id, "1-6");
        assert_eq!(batches.num_calls(), 2);
    }

    #[tokio::test]
    async fn a_throttled_summary_call_becomes_a_throttled_gap() {
        let throttled = mock!(Client::get_trace_summaries).then_error(|| {
            GetTraceSummariesError::ThrottledException(
                aws_sdk_xray::types::error::ThrottledException::builder()
                    .message("Rate exceeded")
                    .build(),
            )
        });
        let client = mock_client!(aws_sdk_xray, [&throttled]);
        let err = XRayTraceSummaries::new(client)
            .slowest(&question(3))
            .await
            .unwrap_err();
        assert!(
            matches!(err, SourceError::Throttled(ref m) if m.contains("xray:GetTraceSummaries")),
            "{err:?}"
        );
    }

    #[test]
    fn garbage_documents_give_no_subsegments_and_no_panic() {
        let f = Found {
            id: "1-x".into(),
            duration_ms: 0.0,
            http_status: None,
            fault: false,
        };
        let docs = [
            "not json".to_owned(),
            "{\"subsegments\": 7}".to_owned(),
            "{\"start_time\": 5, \"end_time\": 1, \"subsegments\": [{\"name\": \"x\"}]}".to_owned(),
            "{\"id\": \"s\", \"parent_id\": \"s\", \"start_time\": 1, \"end_time\": 2, \"subsegments\": [{\"id\": \"s\", \"start_time\": 1e308, \"end_time\": 1.7e308}]}".to_owned(),
        ];
        let t = summarize(f, &docs);
        assert_eq!(t.duration_ms, 1000.0);
        assert!(t.subsegments.iter().all(|s| s.duration_ms.is_finite()));
    }
}
