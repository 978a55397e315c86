//! The API's configuration: stage settings, routes and the integrations behind them.

pub mod live;
mod scenario;

use crate::evidence::SourceError;
use crate::trigger::{ApiKind, ApiRef};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// Port: describe an API and one of its stages.
#[async_trait]
pub trait ApiCatalog: Send + Sync {
    async fn describe(&self, api: &ApiRef) -> Result<ApiDescription, SourceError>;
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiDescription {
    pub id: String,
    pub name: String,
    pub protocol: Protocol,
    /// REST only; HTTP APIs are always Regional.
    #[serde(default)]
    pub endpoint_type: Option<EndpointType>,
    pub stage: StageSettings,
    pub integrations: Vec<Integration>,
}

impl ApiDescription {
    pub fn kind(&self) -> ApiKind {
        match self.protocol {
            Protocol::Rest => ApiKind::Rest,
            Protocol::Http | Protocol::WebSocket => ApiKind::Http,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    Rest,
    Http,
    #[serde(rename = "websocket")]
    WebSocket,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EndpointType {
    Regional,
    Edge,
    Private,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageSettings {
    pub name: String,
    /// REST execution logging level; HTTP APIs have none.
    #[serde(default)]
    pub execution_logging: LogLevel,
    #[serde(default)]
    pub access_log: Option<AccessLogSettings>,
    #[serde(default)]
    pub tracing: bool,
    #[serde(default)]
    pub detailed_metrics: bool,
    /// HTTP APIs: whether changes deploy themselves.
    #[serde(default)]
    pub auto_deploy: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LogLevel {
    #[default]
    Off,
    Error,
    Info,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessLogSettings {
    pub destination_arn: String,
    pub format: String,
}

impl AccessLogSettings {
    /// The log group's name from its ARN (`arn:aws:logs:r:a:log-group:NAME[:*]`).
    pub fn log_group(&self) -> Option<&str> {
        let rest = self.destination_arn.split_once(":log-group:")?.1;
        Some(rest.strip_suffix(":*").unwrap_or(rest))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Integration {
    /// `POST /orders` style: method (or `ANY`) and path or route key.
    pub route: String,
    /// REST resource id, needed by `update-integration`.
    #[serde(default)]
    pub resource_id: Option<String>,
    /// REST HTTP method of the integration's method.
    #[serde(default)]
    pub http_method: Option<String>,
    /// HTTP API integration id.
    #[serde(default)]
    pub integration_id: Option<String>,
    #[serde(rename = "type")]
    pub kind: IntegrationType,
    #[serde(default)]
    pub uri: Option<String>,
    /// VPC link id when the integration goes through one.
    #[serde(default)]
    pub vpc_link_id: Option<String>,
    /// Configured timeout; `None` means the platform default (REST reads 0 as unset).
    #[serde(default)]
    pub timeout_ms: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IntegrationType {
    AwsProxy,
    Aws,
    HttpProxy,
    Http,
    Mock,
}

/// What stands behind an integration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Backend {
    Lambda {
        function: String,
        qualifier: Option<String>,
    },
    /// An HTTP endpoint on the internet.
    Http {
        url: String,
    },
    /// A load balancer reached through a VPC link.
    LoadBalancer {
        target: String,
        vpc_link_id: String,
    },
    AwsService {
        uri: String,
    },
    Mock,
}

impl Integration {
    pub fn backend(&self) -> Backend {
        match (self.kind, &self.uri) {
            (IntegrationType::Mock, _) | (_, None) => Backend::Mock,
            (_, Some(uri)) => {
                if let Some((function, qualifier)) = lambda_function_of(uri) {
                    Backend::Lambda {
                        function,
                        qualifier,
                    }
                } else if let Some(link) = &self.vpc_link_id {
                    Backend::LoadBalancer {
                        target: uri.clone(),
                        vpc_link_id: link.clone(),
                    }
                } else if uri.starts_with("arn:aws:apigateway:") {
                    Backend::AwsService { uri: uri.clone() }
                } else {
                    Backend::Http { url: uri.clone() }
                }
            }
        }
    }
}

/// The function name and alias/version from a Lambda integration URI or a function ARN:
/// `arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{functionArn}/invocations`.
pub fn lambda_function_of(uri: &str) -> Option<(String, Option<String>)> {
    let arn = match uri.split_once("/functions/") {
        Some((_, rest)) => rest.strip_suffix("/invocations").unwrap_or(rest),
        None => uri,
    };
    let rest = arn.strip_prefix("arn:")?;
    let mut parts = rest.splitn(7, ':');
    let (_partition, service, _region, _account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if service != "lambda" || resource != "function" {
        return None;
    }
    let name = parts.next()?.to_string();
    let qualifier = parts.next().map(str::to_string);
    (!name.is_empty()).then_some((name, qualifier))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lambda_integration_uri_names_its_function_and_alias() {
        let uri = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:orders-handler:live/invocations";
        assert_eq!(
            lambda_function_of(uri),
            Some(("orders-handler".into(), Some("live".into())))
        );
    }

    #[test]
    fn a_bare_function_arn_names_its_function() {
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:report-builder";
        assert_eq!(
            lambda_function_of(arn),
            Some(("report-builder".into(), None))
        );
    }

    #[test]
    fn an_http_url_is_not_a_function() {
        assert_eq!(lambda_function_of("https://example.com/orders"), None);
        assert_eq!(
            lambda_function_of("arn:aws:apigateway:us-east-1:sqs:path/123/queue"),
            None
        );
    }

    #[test]
    fn an_access_log_arn_gives_its_group() {
        let s = AccessLogSettings {
            destination_arn: "arn:aws:logs:us-east-1:123456789012:log-group:/aws/apigw/orders:*"
                .into(),
            format: String::new(),
        };
        assert_eq!(s.log_group(), Some("/aws/apigw/orders"));
    }
}
