//! API Gateway's control plane: a REST API found by name or an HTTP API by id, one of its stages,
//! and every integration behind it.
//!
//! Sequential round trips are kept to the minimum each kind allows:
//! - REST: two. `GetRestApis` first (a REST API is named, not identified, by its metrics), then
//!   `GetStage` and `GetResources` together; `embed=methods` makes one `GetResources` answer carry
//!   every method and its integration, instead of a `GetMethod`/`GetIntegration` pair per method.
//! - HTTP: one. `GetApi`, `GetStage`, `GetRoutes` and `GetIntegrations` all at once.
//!
//! Only an account with more than a page of APIs, resources, routes or integrations adds calls
//! (the next pages of the same operation), and those add no round for the other calls.

use super::{
    AccessLogSettings, ApiCatalog, ApiDescription, EndpointType, Integration, IntegrationType,
    LogLevel, Protocol, StageSettings,
};
use crate::evidence::SourceError;
use crate::evidence::sdk_error::source_error;
use crate::trigger::{ApiKind, ApiRef};
use async_trait::async_trait;
use aws_sdk_apigateway as rest;
use aws_sdk_apigatewayv2 as http;
use std::collections::HashMap;

/// The largest page `GetRestApis` and `GetResources` serve.
const REST_PAGE: i32 = 500;
/// apigatewayv2 takes its page size as a string.
const HTTP_PAGE: &str = "500";

/// Describes REST APIs through `apigateway` and HTTP/WebSocket APIs through `apigatewayv2`.
pub struct ApiGatewayCatalog {
    rest: rest::Client,
    http: http::Client,
}

impl ApiGatewayCatalog {
    pub fn new(rest: rest::Client, http: http::Client) -> Self {
        Self { rest, http }
    }

    async fn describe_rest(&self, name: &str, stage: &str) -> Result<ApiDescription, SourceError> {
        let apis: Vec<rest::types::RestApi> = self
            .rest
            .get_rest_apis()
            .limit(REST_PAGE)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| source_error("apigateway:GetRestApis", &e))?;
        let named: Vec<&rest::types::RestApi> =
            apis.iter().filter(|a| a.name() == Some(name)).collect();
        let api = match named.as_slice() {
            [] => {
                return Err(SourceError::NotFound(format!(
                    "apigateway:GetRestApis: no REST API is named {name}"
                )));
            }
            [one] => *one,
            // Names are not unique; picking one would diagnose an API nobody asked about.
            many => {
                let ids: Vec<&str> = many.iter().map(|a| a.id().unwrap_or("?")).collect();
                return Err(SourceError::Ambiguous(format!(
                    "{} REST APIs are named {name}: {}",
                    many.len(),
                    ids.join(", ")
                )));
            }
        };
        let id = api.id().ok_or_else(|| {
            SourceError::Malformed(format!(
                "apigateway:GetRestApis: the REST API named {name} has no id"
            ))
        })?;

        let stage_call = self
            .rest
            .get_stage()
            .rest_api_id(id)
            .stage_name(stage)
            .send();
        let resources_call = self
            .rest
            .get_resources()
            .rest_api_id(id)
            .embed("methods")
            .limit(REST_PAGE)
            .into_paginator()
            .items()
            .send()
            .try_collect();
        let (stage_out, resources) = futures::join!(stage_call, resources_call);
        let stage_out = stage_out
            .map_err(|e| missing_stage(source_error("apigateway:GetStage", &e), id, stage))?;
        let resources = resources.map_err(|e| source_error("apigateway:GetResources", &e))?;

        Ok(ApiDescription {
            id: id.to_string(),
            name: name.to_string(),
            protocol: Protocol::Rest,
            endpoint_type: api.endpoint_configuration().and_then(rest_endpoint_type),
            stage: rest_stage(&stage_out, stage),
            integrations: rest_integrations(&resources),
        })
    }

    async fn describe_http(&self, id: &str, stage: &str) -> Result<ApiDescription, SourceError> {
        let (api, stage_out, routes, integrations) = futures::join!(
            self.http.get_api().api_id(id).send(),
            self.http.get_stage().api_id(id).stage_name(stage).send(),
            self.http_routes(id),
            self.http_integrations(id),
        );
        // GetApi's error first: when the API is missing, it is the one that says so plainly.
        let api = api.map_err(|e| source_error("apigatewayv2:GetApi", &e))?;
        let stage_out = stage_out
            .map_err(|e| missing_stage(source_error("apigatewayv2:GetStage", &e), id, stage))?;
        let routes = routes?;
        let integrations = integrations?;

        let protocol = match api.protocol_type() {
            Some(http::types::ProtocolType::Websocket) => Protocol::WebSocket,
            _ => Protocol::Http,
        };
        Ok(ApiDescription {
            id: api.api_id().unwrap_or(id).to_string(),
            name: api.name().unwrap_or(id).to_string(),
            protocol,
            endpoint_type: None,
            stage: http_stage(&stage_out, stage),
            integrations: http_integrations(&routes, &integrations),
        })
    }

    async fn http_routes(&self, id: &str) -> Result<Vec<http::types::Route>, SourceError> {
        let mut all = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .http
                .get_routes()
                .api_id(id)
                .max_results(HTTP_PAGE)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| source_error("apigatewayv2:GetRoutes", &e))?;
            all.extend_from_slice(page.items());
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => return Ok(all),
            }
        }
    }

    async fn http_integrations(
        &self,
        id: &str,
    ) -> Result<Vec<http::types::Integration>, SourceError> {
        let mut all = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .http
                .get_integrations()
                .api_id(id)
                .max_results(HTTP_PAGE)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| source_error("apigatewayv2:GetIntegrations", &e))?;
            all.extend_from_slice(page.items());
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => return Ok(all),
            }
        }
    }
}

#[async_trait]
impl ApiCatalog for ApiGatewayCatalog {
    async fn describe(&self, api: &ApiRef) -> Result<ApiDescription, SourceError> {
        match api.kind {
            ApiKind::Rest => self.describe_rest(&api.name_or_id, &api.stage).await,
            ApiKind::Http => self.describe_http(&api.name_or_id, &api.stage).await,
        }
    }
}

/// A stage's NotFound names the API and stage; the service's own message only says "Invalid stage identifier".
fn missing_stage(err: SourceError, api_id: &str, stage: &str) -> SourceError {
    match err {
        SourceError::NotFound(detail) => {
            SourceError::NotFound(format!("API {api_id} has no stage {stage} ({detail})"))
        }
        other => other,
    }
}

fn rest_endpoint_type(c: &rest::types::EndpointConfiguration) -> Option<EndpointType> {
    match c.types().first()? {
        rest::types::EndpointType::Regional => Some(EndpointType::Regional),
        rest::types::EndpointType::Edge => Some(EndpointType::Edge),
        rest::types::EndpointType::Private => Some(EndpointType::Private),
        _ => None,
    }
}

fn log_level(level: Option<&str>) -> LogLevel {
    match level {
        Some(l) if l.eq_ignore_ascii_case("INFO") => LogLevel::Info,
        Some(l) if l.eq_ignore_ascii_case("ERROR") => LogLevel::Error,
        _ => LogLevel::Off,
    }
}

fn access_log(destination_arn: Option<&str>, format: Option<&str>) -> Option<AccessLogSettings> {
    Some(AccessLogSettings {
        destination_arn: destination_arn.filter(|d| !d.is_empty())?.to_string(),
        format: format.unwrap_or_default().to_string(),
    })
}

/// A REST timeout is a plain i32 where 0 (absent) means the platform default.
fn rest_timeout(ms: i32) -> Option<u32> {
    u32::try_from(ms).ok().filter(|ms| *ms > 0)
}

fn rest_stage(s: &rest::operation::get_stage::GetStageOutput, name: &str) -> StageSettings {
    // `*/*` holds the stage-wide method settings; per-method overrides are not read.
    let all = s.method_settings().and_then(|m| m.get("*/*"));
    StageSettings {
        name: s.stage_name().unwrap_or(name).to_string(),
        execution_logging: log_level(all.and_then(|m| m.logging_level())),
        access_log: s
            .access_log_settings()
            .and_then(|a| access_log(a.destination_arn(), a.format())),
        tracing: s.tracing_enabled(),
        detailed_metrics: all.is_some_and(|m| m.metrics_enabled()),
        auto_deploy: false,
    }
}

fn rest_integrations(resources: &[rest::types::Resource]) -> Vec<Integration> {
    let mut found = Vec::new();
    for resource in resources {
        let path = resource.path().unwrap_or("/");
        for (method_name, method) in resource.resource_methods().into_iter().flatten() {
            let Some(i) = method.method_integration() else {
                continue;
            };
            let route = format!("{method_name} {path}");
            let kind = match i.r#type() {
                Some(rest::types::IntegrationType::AwsProxy) => IntegrationType::AwsProxy,
                Some(rest::types::IntegrationType::Aws) => IntegrationType::Aws,
                Some(rest::types::IntegrationType::HttpProxy) => IntegrationType::HttpProxy,
                Some(rest::types::IntegrationType::Http) => IntegrationType::Http,
                Some(rest::types::IntegrationType::Mock) => IntegrationType::Mock,
                other => {
                    tracing::warn!(route, kind = ?other, "skipping an integration of an unknown type");
                    continue;
                }
            };
            let vpc_link_id = match i.connection_type() {
                Some(rest::types::ConnectionType::VpcLink) => i.connection_id().map(str::to_string),
                _ => None,
            };
            found.push(Integration {
                route,
                resource_id: resource.id().map(str::to_string),
                http_method: Some(method_name.clone()),
                integration_id: None,
                kind,
                uri: i.uri().map(str::to_string),
                vpc_link_id,
                timeout_ms: rest_timeout(i.timeout_in_millis()),
            });
        }
    }
    found.sort_by(|a, b| a.route.cmp(&b.route));
    found
}

fn http_stage(s: &http::operation::get_stage::GetStageOutput, name: &str) -> StageSettings {
    let defaults = s.default_route_settings();
    StageSettings {
        name: s.stage_name().unwrap_or(name).to_string(),
        // Only WebSocket stages have execution logging; HTTP stages leave it unset.
        execution_logging: match defaults.and_then(|d| d.logging_level()) {
            Some(http::types::LoggingLevel::Info) => LogLevel::Info,
            Some(http::types::LoggingLevel::Error) => LogLevel::Error,
            _ => LogLevel::Off,
        },
        access_log: s
            .access_log_settings()
            .and_then(|a| access_log(a.destination_arn(), a.format())),
        tracing: false,
        detailed_metrics: defaults
            .and_then(|d| d.detailed_metrics_enabled())
            .unwrap_or(false),
        auto_deploy: s.auto_deploy().unwrap_or(false),
    }
}

fn http_integrations(
    routes: &[http::types::Route],
    integrations: &[http::types::Integration],
) -> Vec<Integration> {
    let by_id: HashMap<&str, &http::types::Integration> = integrations
        .iter()
        .filter_map(|i| Some((i.integration_id()?, i)))
        .collect();
    let mut found = Vec::new();
    for r in routes {
        let Some(route) = r.route_key() else { continue };
        // A route without a target answers 404 itself; nothing stands behind it.
        let Some(id) = r.target().and_then(|t| t.strip_prefix("integrations/")) else {
            continue;
        };
        let Some(i) = by_id.get(id) else {
            tracing::warn!(
                route,
                integration = id,
                "route targets an integration the API does not list"
            );
            continue;
        };
        let kind = match i.integration_type() {
            Some(http::types::IntegrationType::AwsProxy) => IntegrationType::AwsProxy,
            Some(http::types::IntegrationType::Aws) => IntegrationType::Aws,
            Some(http::types::IntegrationType::HttpProxy) => IntegrationType::HttpProxy,
            Some(http::types::IntegrationType::Http) => IntegrationType::Http,
            Some(http::types::IntegrationType::Mock) => IntegrationType::Mock,
            other => {
                tracing::warn!(route, kind = ?other, "skipping an integration of an unknown type");
                continue;
            }
        };
        let vpc_link_id = match i.connection_type() {
            Some(http::types::ConnectionType::VpcLink) => i.connection_id().map(str::to_string),
            _ => None,
        };
        found.push(Integration {
            route: route.to_string(),
            resource_id: None,
            http_method: None,
            integration_id: Some(id.to_string()),
            kind,
            uri: i.integration_uri().map(str::to_string),
            vpc_link_id,
            timeout_ms: i.timeout_in_millis().and_then(|ms| u32::try_from(ms).ok()),
        });
    }
    found.sort_by(|a, b| a.route.cmp(&b.route));
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::api::Backend;
    use aws_smithy_mocks::{RuleMode, mock, mock_client};
    use http::operation::get_api::GetApiOutput;
    use http::operation::get_integrations::GetIntegrationsOutput;
    use http::operation::get_routes::GetRoutesOutput;
    use http::operation::get_stage::GetStageOutput as HttpStageOutput;
    use rest::operation::get_resources::GetResourcesOutput;
    use rest::operation::get_rest_apis::GetRestApisOutput;
    use rest::operation::get_stage::{GetStageError, GetStageOutput as RestStageOutput};

    const ORDERS_FN: &str = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:orders-handler:live/invocations";

    fn rest_ref(name: &str, stage: &str) -> ApiRef {
        ApiRef {
            kind: ApiKind::Rest,
            name_or_id: name.into(),
            stage: stage.into(),
            route: None,
        }
    }

    fn http_ref(id: &str, stage: &str) -> ApiRef {
        ApiRef {
            kind: ApiKind::Http,
            name_or_id: id.into(),
            stage: stage.into(),
            route: None,
        }
    }

    fn rest_api(id: &str, name: &str) -> rest::types::RestApi {
        rest::types::RestApi::builder()
            .id(id)
            .name(name)
            .endpoint_configuration(
                rest::types::EndpointConfiguration::builder()
                    .types(rest::types::EndpointType::Regional)
                    .build(),
            )
            .build()
    }

    fn unused_http() -> http::Client {
        mock_client!(aws_sdk_apigatewayv2, Vec::<&aws_smithy_mocks::Rule>::new())
    }

    fn unused_rest() -> rest::Client {
        mock_client!(aws_sdk_apigateway, Vec::<&aws_smithy_mocks::Rule>::new())
    }

    fn method(
        verb: &str,
        kind: rest::types::IntegrationType,
        uri: &str,
        timeout: i32,
    ) -> rest::types::Method {
        rest::types::Method::builder()
            .http_method(verb)
            .method_integration(
                rest::types::Integration::builder()
                    .r#type(kind)
                    .uri(uri)
                    .timeout_in_millis(timeout)
                    .build(),
            )
            .build()
    }

    #[tokio::test]
    async fn two_rest_apis_with_the_asked_name_are_reported_not_guessed() {
        let apis = mock!(rest::Client::get_rest_apis).then_output(|| {
            GetRestApisOutput::builder()
                .items(rest_api("a1b2c3d4e5", "orders-api"))
                .items(rest_api("z9y8x7w6v5", "billing-api"))
                .items(rest_api("f6g7h8i9j0", "orders-api"))
                .build()
        });
        let stage = mock!(rest::Client::get_stage)
            .then_output(|| RestStageOutput::builder().stage_name("prod").build());
        let client = mock_client!(aws_sdk_apigateway, RuleMode::MatchAny, [&apis, &stage]);
        let err = ApiGatewayCatalog::new(client, unused_http())
            .describe(&rest_ref("orders-api", "prod"))
            .await
            .unwrap_err();
        match err {
            SourceError::Ambiguous(m) => {
                assert!(m.contains("a1b2c3d4e5") && m.contains("f6g7h8i9j0"), "{m}");
                assert!(!m.contains("z9y8x7w6v5"), "{m}");
            }
            other => panic!("expected Ambiguous, got {other:?}"),
        }
        assert_eq!(stage.num_calls(), 0, "no stage is read for a guessed API");
    }

    #[tokio::test]
    async fn a_rest_name_nobody_uses_is_not_found() {
        let apis = mock!(rest::Client::get_rest_apis).then_output(|| {
            GetRestApisOutput::builder()
                .items(rest_api("z9y8x7w6v5", "billing-api"))
                .build()
        });
        let client = mock_client!(aws_sdk_apigateway, RuleMode::MatchAny, [&apis]);
        let err = ApiGatewayCatalog::new(client, unused_http())
            .describe(&rest_ref("orders-api", "prod"))
            .await
            .unwrap_err();
        assert!(
            matches!(err, SourceError::NotFound(ref m) if m.contains("orders-api")),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn a_rest_api_is_found_on_a_later_page_and_described_with_its_stage_and_integrations() {
        let first = mock!(rest::Client::get_rest_apis)
            .match_requests(|r| r.position().is_none())
            .then_output(|| {
                GetRestApisOutput::builder()
                    .items(rest_api("z9y8x7w6v5", "billing-api"))
                    .position("page-2")
                    .build()
            });
        let second = mock!(rest::Client::get_rest_apis)
            .match_requests(|r| r.position() == Some("page-2"))
            .then_output(|| {
                GetRestApisOutput::builder()
                    .items(rest_api("a1b2c3d4e5", "orders-api"))
                    .build()
            });
        let stage = mock!(rest::Client::get_stage)
            .match_requests(|r| r.rest_api_id() == Some("a1b2c3d4e5") && r.stage_name() == Some("prod"))
            .then_output(|| {
                RestStageOutput::builder()
                    .stage_name("prod")
                    .deployment_id("6hq2xk")
                    .method_settings(
                        "*/*",
                        rest::types::MethodSetting::builder()
                            .logging_level("INFO")
                            .metrics_enabled(true)
                            .data_trace_enabled(false)
                            .build(),
                    )
                    .access_log_settings(
                        rest::types::AccessLogSettings::builder()
                            .destination_arn("arn:aws:logs:eu-west-1:123456789012:log-group:/aws/apigw/orders-api")
                            .format(r#"{"requestId":"$context.requestId","integrationLatency":"$context.integrationLatency"}"#)
                            .build(),
                    )
                    .tracing_enabled(true)
                    .build()
            });
        let resources = mock!(rest::Client::get_resources)
            .match_requests(|r| {
                r.rest_api_id() == Some("a1b2c3d4e5") && r.embed() == ["methods".to_string()]
            })
            .then_output(|| {
                GetResourcesOutput::builder()
                    .items(
                        rest::types::Resource::builder()
                            .id("r00tr00t01")
                            .path("/")
                            .build(),
                    )
                    .items(
                        rest::types::Resource::builder()
                            .id("k3l4m5")
                            .parent_id("r00tr00t01")
                            .path_part("orders")
                            .path("/orders")
                            .resource_methods(
                                "POST",
                                method(
                                    "POST",
                                    rest::types::IntegrationType::AwsProxy,
                                    ORDERS_FN,
                                    0,
                                ),
                            )
                            .build(),
                    )
                    .build()
            });
        let client = mock_client!(
            aws_sdk_apigateway,
            RuleMode::MatchAny,
            [&first, &second, &stage, &resources]
        );
        let got = ApiGatewayCatalog::new(client, unused_http())
            .describe(&rest_ref("orders-api", "prod"))
            .await
            .unwrap();
        assert_eq!(got.id, "a1b2c3d4e5");
        assert_eq!(got.protocol, Protocol::Rest);
        assert_eq!(got.endpoint_type, Some(EndpointType::Regional));
        assert_eq!(got.stage.execution_logging, LogLevel::Info);
        assert!(got.stage.detailed_metrics && got.stage.tracing);
        assert_eq!(
            got.stage.access_log.as_ref().and_then(|a| a.log_group()),
            Some("/aws/apigw/orders-api")
        );
        assert_eq!(got.integrations.len(), 1, "{:?}", got.integrations);
        let i = &got.integrations[0];
        assert_eq!(i.route, "POST /orders");
        assert_eq!(i.resource_id.as_deref(), Some("k3l4m5"));
        assert_eq!(i.http_method.as_deref(), Some("POST"));
        assert_eq!(i.kind, IntegrationType::AwsProxy);
        assert_eq!(i.timeout_ms, None, "0 reads as the platform default");
        assert_eq!(
            i.backend(),
            Backend::Lambda {
                function: "orders-handler".into(),
                qualifier: Some("live".into())
            }
        );
    }

    #[tokio::test]
    async fn a_rest_integration_through_a_vpc_link_keeps_its_link_and_custom_timeout() {
        let apis = mock!(rest::Client::get_rest_apis).then_output(|| {
            GetRestApisOutput::builder()
                .items(rest_api("p0q1r2s3t4", "legacy-proxy"))
                .build()
        });
        let stage = mock!(rest::Client::get_stage)
            .then_output(|| RestStageOutput::builder().stage_name("live").build());
        let resources = mock!(rest::Client::get_resources).then_output(|| {
            let mut get = method(
                "ANY",
                rest::types::IntegrationType::HttpProxy,
                "http://internal-legacy-nlb-1234.elb.eu-west-1.amazonaws.com/{proxy}",
                10_000,
            );
            if let Some(i) = get.method_integration.as_mut() {
                i.connection_type = Some(rest::types::ConnectionType::VpcLink);
                i.connection_id = Some("vl7x9k".into());
            }
            GetResourcesOutput::builder()
                .items(
                    rest::types::Resource::builder()
                        .id("px1px1")
                        .path("/{proxy+}")
                        .resource_methods("ANY", get)
                        .build(),
                )
                .build()
        });
        let client = mock_client!(
            aws_sdk_apigateway,
            RuleMode::MatchAny,
            [&apis, &stage, &resources]
        );
        let got = ApiGatewayCatalog::new(client, unused_http())
            .describe(&rest_ref("legacy-proxy", "live"))
            .await
            .unwrap();
        assert_eq!(got.stage.execution_logging, LogLevel::Off);
        assert!(!got.stage.tracing && got.stage.access_log.is_none());
        let i = &got.integrations[0];
        assert_eq!(i.route, "ANY /{proxy+}");
        assert_eq!(i.timeout_ms, Some(10_000));
        assert_eq!(i.vpc_link_id.as_deref(), Some("vl7x9k"));
        assert!(
            matches!(i.backend(), Backend::LoadBalancer { ref vpc_link_id, .. } if vpc_link_id == "vl7x9k"),
            "{:?}",
            i.backend()
        );
    }

    #[tokio::test]
    async fn a_missing_rest_stage_is_named() {
        let apis = mock!(rest::Client::get_rest_apis).then_output(|| {
            GetRestApisOutput::builder()
                .items(rest_api("a1b2c3d4e5", "orders-api"))
                .build()
        });
        let stage = mock!(rest::Client::get_stage).then_error(|| {
            GetStageError::NotFoundException(
                rest::types::error::NotFoundException::builder()
                    .message("Invalid stage identifier specified")
                    .build(),
            )
        });
        let resources = mock!(rest::Client::get_resources)
            .then_output(|| GetResourcesOutput::builder().build());
        let client = mock_client!(
            aws_sdk_apigateway,
            RuleMode::MatchAny,
            [&apis, &stage, &resources]
        );
        let err = ApiGatewayCatalog::new(client, unused_http())
            .describe(&rest_ref("orders-api", "staging"))
            .await
            .unwrap_err();
        assert!(
            matches!(err, SourceError::NotFound(ref m) if m.contains("a1b2c3d4e5") && m.contains("staging")),
            "{err:?}"
        );
    }

    fn http_integration(id: &str, uri: &str) -> http::types::Integration {
        http::types::Integration::builder()
            .integration_id(id)
            .integration_type(http::types::IntegrationType::AwsProxy)
            .integration_uri(uri)
            .payload_format_version("2.0")
            .build()
    }

    #[tokio::test]
    async fn an_http_api_is_described_in_one_round_with_each_routes_integration() {
        let api = mock!(http::Client::get_api).then_output(|| {
            GetApiOutput::builder()
                .api_id("k7x2m9q4ab")
                .name("checkout-http")
                .protocol_type(http::types::ProtocolType::Http)
                .build()
        });
        let stage = mock!(http::Client::get_stage)
            .match_requests(|r| r.stage_name() == Some("$default"))
            .then_output(|| {
                HttpStageOutput::builder()
                    .stage_name("$default")
                    .auto_deploy(true)
                    .default_route_settings(
                        http::types::RouteSettings::builder()
                            .detailed_metrics_enabled(true)
                            .build(),
                    )
                    .access_log_settings(
                        http::types::AccessLogSettings::builder()
                            .destination_arn(
                                "arn:aws:logs:us-east-1:123456789012:log-group:/aws/http/checkout",
                            )
                            .format(
                                "$context.requestId $context.integration.latency $context.status",
                            )
                            .build(),
                    )
                    .build()
            });
        let routes = mock!(http::Client::get_routes).then_output(|| {
            GetRoutesOutput::builder()
                .items(
                    http::types::Route::builder()
                        .route_id("r1")
                        .route_key("POST /checkout")
                        .target("integrations/int0001")
                        .build(),
                )
                .items(
                    http::types::Route::builder()
                        .route_id("r2")
                        .route_key("GET /inventory")
                        .target("integrations/int0002")
                        .build(),
                )
                .items(
                    http::types::Route::builder()
                        .route_id("r3")
                        .route_key("GET /nowhere")
                        .build(),
                )
                .build()
        });
        let integrations = mock!(http::Client::get_integrations).then_output(|| {
            let mut lambda = http_integration(
                "int0001",
                "arn:aws:lambda:us-east-1:123456789012:function:checkout-handler",
            );
            lambda.timeout_in_millis = Some(5_000);
            let mut alb = http_integration(
                "int0002",
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/inventory/50dc6c495c0c9188/0467ef3c8400ae65",
            );
            alb.integration_type = Some(http::types::IntegrationType::HttpProxy);
            alb.connection_type = Some(http::types::ConnectionType::VpcLink);
            alb.connection_id = Some("vpcl-inv01".into());
            GetIntegrationsOutput::builder()
                .items(lambda)
                .items(alb)
                .build()
        });
        let client = mock_client!(
            aws_sdk_apigatewayv2,
            RuleMode::MatchAny,
            [&api, &stage, &routes, &integrations]
        );
        let got = ApiGatewayCatalog::new(unused_rest(), client)
            .describe(&http_ref("k7x2m9q4ab", "$default"))
            .await
            .unwrap();
        assert_eq!(got.name, "checkout-http");
        assert_eq!(got.protocol, Protocol::Http);
        assert_eq!(got.stage.name, "$default");
        assert!(got.stage.auto_deploy && got.stage.detailed_metrics);
        assert_eq!(
            got.stage.access_log.as_ref().map(|a| a.format.as_str()),
            Some("$context.requestId $context.integration.latency $context.status")
        );
        let keys: Vec<&str> = got.integrations.iter().map(|i| i.route.as_str()).collect();
        assert_eq!(keys, ["GET /inventory", "POST /checkout"]);
        let checkout = &got.integrations[1];
        assert_eq!(checkout.integration_id.as_deref(), Some("int0001"));
        assert_eq!(checkout.timeout_ms, Some(5_000));
        assert!(
            matches!(checkout.backend(), Backend::Lambda { ref function, qualifier: None } if function == "checkout-handler")
        );
        let inventory = &got.integrations[0];
        assert_eq!(inventory.timeout_ms, None);
        assert_eq!(inventory.vpc_link_id.as_deref(), Some("vpcl-inv01"));
        assert_eq!(inventory.kind, IntegrationType::HttpProxy);
        for rule in [&api, &stage, &routes, &integrations] {
            assert_eq!(rule.num_calls(), 1);
        }
    }

    #[tokio::test]
    async fn a_websocket_api_reads_its_execution_logging_level() {
        let api = mock!(http::Client::get_api).then_output(|| {
            GetApiOutput::builder()
                .api_id("w5s0ck3t01")
                .name("live-updates")
                .protocol_type(http::types::ProtocolType::Websocket)
                .build()
        });
        let stage = mock!(http::Client::get_stage).then_output(|| {
            HttpStageOutput::builder()
                .stage_name("prod")
                .default_route_settings(
                    http::types::RouteSettings::builder()
                        .logging_level(http::types::LoggingLevel::Error)
                        .build(),
                )
                .build()
        });
        let routes =
            mock!(http::Client::get_routes).then_output(|| GetRoutesOutput::builder().build());
        let integrations = mock!(http::Client::get_integrations)
            .then_output(|| GetIntegrationsOutput::builder().build());
        let client = mock_client!(
            aws_sdk_apigatewayv2,
            RuleMode::MatchAny,
            [&api, &stage, &routes, &integrations]
        );
        let got = ApiGatewayCatalog::new(unused_rest(), client)
            .describe(&http_ref("w5s0ck3t01", "prod"))
            .await
            .unwrap();
        assert_eq!(got.protocol, Protocol::WebSocket);
        assert_eq!(got.kind(), ApiKind::Http);
        assert_eq!(got.stage.execution_logging, LogLevel::Error);
        assert!(got.integrations.is_empty());
    }
}
