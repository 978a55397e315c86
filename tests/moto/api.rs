//! `ApiGatewayCatalog` against moto's API Gateway (REST) and API Gateway v2 (HTTP).

use crate::{apigateway, apigatewayv2, unique};
use aws_sdk_apigateway::types::{
    EndpointConfiguration, EndpointType as RestEndpointType,
    IntegrationType as RestIntegrationType, Op, PatchOperation,
};
use aws_sdk_apigatewayv2::types::{
    AccessLogSettings as HttpAccessLog, IntegrationType as HttpIntegrationType, ProtocolType,
    RouteSettings,
};
use gateway_doctor::evidence::SourceError;
use gateway_doctor::evidence::api::live::ApiGatewayCatalog;
use gateway_doctor::evidence::api::{
    ApiCatalog, Backend, EndpointType, IntegrationType, LogLevel, Protocol,
};
use gateway_doctor::trigger::{ApiKind, ApiRef};

fn lambda_uri(function: &str) -> String {
    format!(
        "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:{function}/invocations"
    )
}

async fn catalog() -> ApiGatewayCatalog {
    ApiGatewayCatalog::new(apigateway().await, apigatewayv2().await)
}

fn rest_ref(name: &str, stage: &str) -> ApiRef {
    ApiRef {
        kind: ApiKind::Rest,
        name_or_id: name.into(),
        stage: stage.into(),
        route: None,
    }
}

/// A REST API with `POST /orders` proxied to `function`, deployed to stage `prod`;
/// returns the API's id and the resource's id.
pub(crate) async fn seed_rest(
    name: &str,
    function: &str,
    timeout_ms: Option<i32>,
) -> (String, String) {
    let gw = apigateway().await;
    let api = gw
        .create_rest_api()
        .name(name)
        .endpoint_configuration(
            EndpointConfiguration::builder()
                .types(RestEndpointType::Regional)
                .build(),
        )
        .send()
        .await
        .expect("CreateRestApi");
    let id = api.id().expect("API id").to_string();
    let root = api.root_resource_id().expect("root resource").to_string();
    let resource = gw
        .create_resource()
        .rest_api_id(&id)
        .parent_id(root)
        .path_part("orders")
        .send()
        .await
        .expect("CreateResource");
    let resource_id = resource.id().expect("resource id").to_string();
    gw.put_method()
        .rest_api_id(&id)
        .resource_id(&resource_id)
        .http_method("POST")
        .authorization_type("NONE")
        .send()
        .await
        .expect("PutMethod");
    gw.put_integration()
        .rest_api_id(&id)
        .resource_id(&resource_id)
        .http_method("POST")
        .r#type(RestIntegrationType::AwsProxy)
        .integration_http_method("POST")
        .uri(lambda_uri(function))
        .set_timeout_in_millis(timeout_ms)
        .send()
        .await
        .expect("PutIntegration");
    let deployment = gw
        .create_deployment()
        .rest_api_id(&id)
        .send()
        .await
        .expect("CreateDeployment");
    gw.create_stage()
        .rest_api_id(&id)
        .stage_name("prod")
        .deployment_id(deployment.id().expect("deployment id"))
        .tracing_enabled(true)
        .send()
        .await
        .expect("CreateStage");
    let replace = |path: &str, value: &str| {
        PatchOperation::builder()
            .op(Op::Replace)
            .path(path)
            .value(value)
            .build()
    };
    gw.update_stage()
        .rest_api_id(&id)
        .stage_name("prod")
        .patch_operations(replace("/*/*/logging/loglevel", "INFO"))
        .patch_operations(replace("/*/*/metrics/enabled", "true"))
        .send()
        .await
        .expect("UpdateStage");
    (id, resource_id)
}

#[tokio::test]
async fn a_rest_api_is_described_with_its_stage_settings_and_lambda_integration() {
    let name = unique("orders-api");
    let (id, resource_id) = seed_rest(&name, "orders-handler", Some(10_000)).await;

    let got = catalog()
        .await
        .describe(&rest_ref(&name, "prod"))
        .await
        .expect("the API is described");

    assert_eq!(got.id, id);
    assert_eq!(got.name, name);
    assert_eq!(got.protocol, Protocol::Rest);
    assert_eq!(got.endpoint_type, Some(EndpointType::Regional));
    assert_eq!(got.stage.name, "prod");
    assert_eq!(got.stage.execution_logging, LogLevel::Info);
    assert!(got.stage.detailed_metrics, "metrics enabled in */*");
    assert!(got.stage.tracing);
    assert_eq!(got.integrations.len(), 1, "{:?}", got.integrations);
    let i = &got.integrations[0];
    assert_eq!(i.route, "POST /orders");
    assert_eq!(i.resource_id.as_deref(), Some(resource_id.as_str()));
    assert_eq!(i.http_method.as_deref(), Some("POST"));
    assert_eq!(i.kind, IntegrationType::AwsProxy);
    assert_eq!(i.timeout_ms, Some(10_000));
    assert_eq!(
        i.backend(),
        Backend::Lambda {
            function: "orders-handler".into(),
            qualifier: None
        }
    );
}

#[tokio::test]
async fn a_rest_integration_without_a_timeout_reads_as_the_default() {
    let name = unique("reports-api");
    seed_rest(&name, "report-builder", None).await;

    let got = catalog()
        .await
        .describe(&rest_ref(&name, "prod"))
        .await
        .expect("the API is described");

    let i = got.integrations.first().expect("one integration");
    assert_eq!(i.timeout_ms, None);
}

#[tokio::test]
async fn two_rest_apis_with_one_name_are_ambiguous() {
    let name = unique("twin-api");
    let gw = apigateway().await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        let api = gw
            .create_rest_api()
            .name(&name)
            .send()
            .await
            .expect("CreateRestApi");
        ids.push(api.id().expect("API id").to_string());
    }

    let err = catalog()
        .await
        .describe(&rest_ref(&name, "prod"))
        .await
        .expect_err("a shared name is not resolved");

    match err {
        SourceError::Ambiguous(m) => {
            for id in &ids {
                assert!(m.contains(id.as_str()), "{m} names {id}");
            }
        }
        other => panic!("expected Ambiguous, got {other:?}"),
    }
}

#[tokio::test]
async fn a_missing_rest_stage_is_not_found() {
    let name = unique("stageless-api");
    seed_rest(&name, "orders-handler", None).await;

    let err = catalog()
        .await
        .describe(&rest_ref(&name, "staging"))
        .await
        .expect_err("no such stage");

    assert!(
        matches!(err, SourceError::NotFound(ref m) if m.contains("staging")),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_http_api_is_described_with_its_route_integration_and_access_log() {
    let gw = apigatewayv2().await;
    let name = unique("checkout-http");
    let api = gw
        .create_api()
        .name(&name)
        .protocol_type(ProtocolType::Http)
        .send()
        .await
        .expect("CreateApi");
    let api_id = api.api_id().expect("API id").to_string();
    let integration = gw
        .create_integration()
        .api_id(&api_id)
        .integration_type(HttpIntegrationType::AwsProxy)
        .integration_uri("arn:aws:lambda:us-east-1:123456789012:function:checkout-handler")
        .payload_format_version("2.0")
        .timeout_in_millis(5_000)
        .send()
        .await
        .expect("CreateIntegration");
    let integration_id = integration
        .integration_id()
        .expect("integration id")
        .to_string();
    gw.create_route()
        .api_id(&api_id)
        .route_key("POST /checkout")
        .target(format!("integrations/{integration_id}"))
        .send()
        .await
        .expect("CreateRoute");
    let log_arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/http/checkout";
    let format = r#"{"requestId":"$context.requestId","integrationLatency":"$context.integration.latency","status":"$context.status"}"#;
    gw.create_stage()
        .api_id(&api_id)
        .stage_name("$default")
        .auto_deploy(true)
        .access_log_settings(
            HttpAccessLog::builder()
                .destination_arn(log_arn)
                .format(format)
                .build(),
        )
        .default_route_settings(
            RouteSettings::builder()
                .detailed_metrics_enabled(true)
                .build(),
        )
        .send()
        .await
        .expect("CreateStage");

    let got = catalog()
        .await
        .describe(&ApiRef {
            kind: ApiKind::Http,
            name_or_id: api_id.clone(),
            stage: "$default".into(),
            route: None,
        })
        .await
        .expect("the API is described");

    assert_eq!(got.id, api_id);
    assert_eq!(got.name, name);
    assert_eq!(got.protocol, Protocol::Http);
    assert_eq!(got.endpoint_type, None);
    assert_eq!(got.stage.name, "$default");
    assert!(got.stage.auto_deploy && got.stage.detailed_metrics);
    let access = got.stage.access_log.as_ref().expect("access log settings");
    assert_eq!(access.log_group(), Some("/aws/http/checkout"));
    assert_eq!(access.format, format);
    assert_eq!(got.integrations.len(), 1, "{:?}", got.integrations);
    let i = &got.integrations[0];
    assert_eq!(i.route, "POST /checkout");
    assert_eq!(i.integration_id.as_deref(), Some(integration_id.as_str()));
    assert_eq!(i.kind, IntegrationType::AwsProxy);
    assert_eq!(i.timeout_ms, Some(5_000));
    assert_eq!(
        i.backend(),
        Backend::Lambda {
            function: "checkout-handler".into(),
            qualifier: None
        }
    );
}

#[tokio::test]
async fn an_unknown_http_api_is_not_found() {
    let err = catalog()
        .await
        .describe(&ApiRef {
            kind: ApiKind::Http,
            name_or_id: "zz00nothere".into(),
            stage: "$default".into(),
            route: None,
        })
        .await
        .expect_err("no such API");
    assert!(matches!(err, SourceError::NotFound(_)), "{err:?}");
}
