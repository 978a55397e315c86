//! Lambda's control plane: a function's configuration, its reserved concurrency, and the provisioned
//! concurrency of the qualifier an integration invokes, read in one round of concurrent calls.

use super::{FunctionCatalog, FunctionSettings};
use crate::evidence::SourceError;
use crate::evidence::sdk_error::source_error;
use crate::trigger::parse_timestamp;
use async_trait::async_trait;
use aws_sdk_lambda::Client;
use aws_sdk_lambda::operation::get_function_configuration::GetFunctionConfigurationOutput;
use aws_sdk_lambda::operation::get_provisioned_concurrency_config::GetProvisionedConcurrencyConfigError;
use aws_sdk_lambda::types::TracingMode;

pub struct LambdaFunctions {
    client: Client,
}

impl LambdaFunctions {
    pub fn new(client: Client) -> Self {
        Self { client }
    }

    /// Allocated provisioned concurrency of `qualifier`; `None` when it has none configured.
    async fn provisioned(&self, name: &str, qualifier: &str) -> Result<Option<u32>, SourceError> {
        match self
            .client
            .get_provisioned_concurrency_config()
            .function_name(name)
            .qualifier(qualifier)
            .send()
            .await
        {
            Ok(out) => Ok(out
                .allocated_provisioned_concurrent_executions()
                .and_then(|n| u32::try_from(n).ok())),
            Err(e)
                if matches!(
                    e.as_service_error(),
                    Some(
                        GetProvisionedConcurrencyConfigError::ProvisionedConcurrencyConfigNotFoundException(_)
                    )
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(source_error("lambda:GetProvisionedConcurrencyConfig", &e)),
        }
    }

    async fn reserved(&self, name: &str) -> Result<Option<u32>, SourceError> {
        let out = self
            .client
            .get_function_concurrency()
            .function_name(name)
            .send()
            .await
            .map_err(|e| source_error("lambda:GetFunctionConcurrency", &e))?;
        Ok(out
            .reserved_concurrent_executions()
            .and_then(|n| u32::try_from(n).ok()))
    }
}

#[async_trait]
impl FunctionCatalog for LambdaFunctions {
    async fn function(
        &self,
        name: &str,
        qualifier: Option<&str>,
    ) -> Result<FunctionSettings, SourceError> {
        let config = self
            .client
            .get_function_configuration()
            .function_name(name)
            .set_qualifier(qualifier.map(str::to_string))
            .send();
        // $LATEST cannot carry provisioned concurrency; only an alias or a version can.
        let provisioned = async {
            match qualifier {
                Some(q) if q != "$LATEST" => self.provisioned(name, q).await,
                _ => Ok(None),
            }
        };
        let (config, reserved, provisioned) =
            futures::join!(config, self.reserved(name), provisioned);
        let config = config.map_err(|e| source_error("lambda:GetFunctionConfiguration", &e))?;
        settings(name, &config, reserved?, provisioned?)
    }
}

/// The one place Lambda's output becomes [`FunctionSettings`].
fn settings(
    name: &str,
    c: &GetFunctionConfigurationOutput,
    reserved: Option<u32>,
    provisioned: Option<u32>,
) -> Result<FunctionSettings, SourceError> {
    let missing = |field: &str| {
        SourceError::Malformed(format!(
            "lambda:GetFunctionConfiguration: function {name} has no {field}"
        ))
    };
    let positive = |n: Option<i32>, field: &str| {
        n.and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| missing(field))
    };
    Ok(FunctionSettings {
        name: c.function_name().unwrap_or(name).to_string(),
        timeout_s: positive(c.timeout(), "Timeout")?,
        memory_mb: positive(c.memory_size(), "MemorySize")?,
        architecture: c
            .architectures()
            .first()
            .map(|a| a.as_str().to_string())
            .unwrap_or_else(|| "x86_64".into()),
        // Container images have no runtime.
        runtime: c.runtime().map(|r| r.as_str().to_string()),
        in_vpc: c.vpc_config().is_some_and(|v| !v.subnet_ids().is_empty()),
        reserved_concurrency: reserved,
        provisioned_concurrency: provisioned,
        tracing_active: c
            .tracing_config()
            .and_then(|t| t.mode())
            .is_some_and(|m| *m == TracingMode::Active),
        last_modified: c.last_modified().and_then(parse_timestamp),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_lambda::operation::get_function_concurrency::GetFunctionConcurrencyOutput;
    use aws_sdk_lambda::operation::get_function_configuration::GetFunctionConfigurationError;
    use aws_sdk_lambda::operation::get_provisioned_concurrency_config::GetProvisionedConcurrencyConfigOutput;
    use aws_sdk_lambda::types::error::{
        ProvisionedConcurrencyConfigNotFoundException, ResourceNotFoundException,
    };
    use aws_sdk_lambda::types::{Architecture, Runtime, TracingConfigResponse, VpcConfigResponse};
    use aws_smithy_mocks::{RuleMode, mock, mock_client};
    use chrono::{TimeZone, Utc};

    fn checkout_config() -> GetFunctionConfigurationOutput {
        GetFunctionConfigurationOutput::builder()
            .function_name("checkout-handler")
            .function_arn("arn:aws:lambda:us-east-1:123456789012:function:checkout-handler:live")
            .runtime(Runtime::Nodejs22x)
            .timeout(6)
            .memory_size(512)
            .architectures(Architecture::Arm64)
            .last_modified("2026-11-24T01:50:12.000+0000")
            .vpc_config(
                VpcConfigResponse::builder()
                    .subnet_ids("subnet-0a1b2c3d")
                    .security_group_ids("sg-0e1f2a3b")
                    .vpc_id("vpc-01234567")
                    .build(),
            )
            .tracing_config(
                TracingConfigResponse::builder()
                    .mode(TracingMode::Active)
                    .build(),
            )
            .build()
    }

    #[tokio::test]
    async fn a_qualified_function_reads_its_configuration_and_both_concurrencies() {
        let config = mock!(Client::get_function_configuration)
            .match_requests(|r| {
                r.function_name() == Some("checkout-handler") && r.qualifier() == Some("live")
            })
            .then_output(checkout_config);
        let reserved = mock!(Client::get_function_concurrency).then_output(|| {
            GetFunctionConcurrencyOutput::builder()
                .reserved_concurrent_executions(50)
                .build()
        });
        let provisioned = mock!(Client::get_provisioned_concurrency_config)
            .match_requests(|r| r.qualifier() == Some("live"))
            .then_output(|| {
                GetProvisionedConcurrencyConfigOutput::builder()
                    .requested_provisioned_concurrent_executions(10)
                    .allocated_provisioned_concurrent_executions(8)
                    .build()
            });
        let client = mock_client!(
            aws_sdk_lambda,
            RuleMode::MatchAny,
            [&config, &reserved, &provisioned]
        );
        let got = LambdaFunctions::new(client)
            .function("checkout-handler", Some("live"))
            .await
            .unwrap();
        assert_eq!(got.name, "checkout-handler");
        assert_eq!((got.timeout_s, got.memory_mb), (6, 512));
        assert_eq!(got.architecture, "arm64");
        assert_eq!(got.runtime.as_deref(), Some("nodejs22.x"));
        assert!(got.in_vpc && got.tracing_active);
        assert_eq!(got.reserved_concurrency, Some(50));
        assert_eq!(
            got.provisioned_concurrency,
            Some(8),
            "allocated, not requested"
        );
        assert_eq!(
            got.last_modified,
            Some(Utc.with_ymd_and_hms(2026, 11, 24, 1, 50, 12).unwrap())
        );
    }

    #[tokio::test]
    async fn a_qualifier_without_provisioned_concurrency_reads_as_none() {
        let config = mock!(Client::get_function_configuration).then_output(|| {
            GetFunctionConfigurationOutput::builder()
                .function_name("report-builder")
                .timeout(900)
                .memory_size(3008)
                .build()
        });
        let reserved = mock!(Client::get_function_concurrency)
            .then_output(|| GetFunctionConcurrencyOutput::builder().build());
        let provisioned = mock!(Client::get_provisioned_concurrency_config).then_error(|| {
            GetProvisionedConcurrencyConfigError::ProvisionedConcurrencyConfigNotFoundException(
                ProvisionedConcurrencyConfigNotFoundException::builder()
                    .message("No Provisioned Concurrency Config found for this function")
                    .build(),
            )
        });
        let client = mock_client!(
            aws_sdk_lambda,
            RuleMode::MatchAny,
            [&config, &reserved, &provisioned]
        );
        let got = LambdaFunctions::new(client)
            .function("report-builder", Some("prod"))
            .await
            .unwrap();
        assert_eq!(provisioned.num_calls(), 1);
        assert_eq!(got.provisioned_concurrency, None);
        assert_eq!(got.reserved_concurrency, None);
        assert_eq!(got.architecture, "x86_64");
        assert!(!got.in_vpc && !got.tracing_active);
        assert_eq!(got.last_modified, None);
    }

    #[tokio::test]
    async fn an_unqualified_function_does_not_ask_for_provisioned_concurrency() {
        let config = mock!(Client::get_function_configuration)
            .match_requests(|r| r.qualifier().is_none())
            .then_output(checkout_config);
        let reserved = mock!(Client::get_function_concurrency)
            .then_output(|| GetFunctionConcurrencyOutput::builder().build());
        let provisioned = mock!(Client::get_provisioned_concurrency_config)
            .then_output(|| GetProvisionedConcurrencyConfigOutput::builder().build());
        let client = mock_client!(
            aws_sdk_lambda,
            RuleMode::MatchAny,
            [&config, &reserved, &provisioned]
        );
        let got = LambdaFunctions::new(client)
            .function("checkout-handler", None)
            .await
            .unwrap();
        assert_eq!(provisioned.num_calls(), 0);
        assert_eq!(got.timeout_s, 6);
    }

    #[tokio::test]
    async fn a_missing_function_is_not_found() {
        let config = mock!(Client::get_function_configuration).then_error(|| {
            GetFunctionConfigurationError::ResourceNotFoundException(
                ResourceNotFoundException::builder()
                    .message(
                        "Function not found: arn:aws:lambda:us-east-1:123456789012:function:gone",
                    )
                    .build(),
            )
        });
        let reserved = mock!(Client::get_function_concurrency)
            .then_output(|| GetFunctionConcurrencyOutput::builder().build());
        let client = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&config, &reserved]);
        let err = LambdaFunctions::new(client)
            .function("gone", None)
            .await
            .unwrap_err();
        assert!(
            matches!(err, SourceError::NotFound(ref m) if m.contains("lambda:GetFunctionConfiguration")),
            "{err:?}"
        );
    }
}
