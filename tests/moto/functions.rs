//! `LambdaFunctions` against moto's Lambda.

use crate::{aws_cli, lambda, unique, zip_of};
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{Architecture, FunctionCode, Runtime};
use gateway_doctor::evidence::SourceError;
use gateway_doctor::evidence::functions::FunctionCatalog;
use gateway_doctor::evidence::functions::live::LambdaFunctions;

/// moto refuses CreateFunction unless the role exists ("cannot be assumed by Lambda");
/// aws-sdk-iam is not a dependency, so the CLI creates it.
pub(crate) fn lambda_role() -> String {
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    aws_cli(&[
        "iam",
        "create-role",
        "--role-name",
        &unique("gateway-doctor-fn"),
        "--assume-role-policy-document",
        trust,
        "--query",
        "Role.Arn",
    ])
}

async fn seed_function(name: &str) {
    let client = lambda().await;
    client
        .create_function()
        .function_name(name)
        .runtime(Runtime::Nodejs22x)
        .role(lambda_role())
        .handler("index.handler")
        .code(
            FunctionCode::builder()
                .zip_file(Blob::new(zip_of(
                    "index.js",
                    b"exports.handler = async () => ({ statusCode: 200 });\n",
                )))
                .build(),
        )
        .timeout(6)
        .memory_size(512)
        .architectures(Architecture::Arm64)
        .send()
        .await
        .expect("CreateFunction");
    client
        .put_function_concurrency()
        .function_name(name)
        .reserved_concurrent_executions(50)
        .send()
        .await
        .expect("PutFunctionConcurrency");
}

#[tokio::test]
async fn a_function_reads_its_timeout_memory_and_reserved_concurrency() {
    let name = unique("checkout-handler");
    seed_function(&name).await;

    let got = LambdaFunctions::new(lambda().await)
        .function(&name, None)
        .await
        .expect("the function is described");

    assert_eq!(got.name, name);
    assert_eq!(got.timeout_s, 6);
    assert_eq!(got.memory_mb, 512);
    assert_eq!(got.architecture, "arm64");
    assert_eq!(got.runtime.as_deref(), Some("nodejs22.x"));
    assert!(!got.in_vpc && !got.tracing_active);
    assert_eq!(got.reserved_concurrency, Some(50));
    assert_eq!(got.provisioned_concurrency, None);
    // moto writes LastModified as `2026-11-25T01:54:41.838680000Z`, not AWS's
    // `2026-11-24T01:50:12.000+0000`; both parse.
    assert!(got.last_modified.is_some());
}

#[tokio::test]
async fn the_latest_qualifier_reads_the_function_without_asking_for_provisioned_concurrency() {
    // moto does not serve GetProvisionedConcurrencyConfig (it answers 404 with an HTML page),
    // so a published alias is covered by the canned-response tests; $LATEST never asks for it.
    let name = unique("report-builder");
    seed_function(&name).await;

    let got = LambdaFunctions::new(lambda().await)
        .function(&name, Some("$LATEST"))
        .await
        .expect("the function is described");

    assert_eq!(got.timeout_s, 6);
    assert_eq!(got.provisioned_concurrency, None);
}

#[tokio::test]
async fn a_missing_function_is_not_found() {
    let err = LambdaFunctions::new(lambda().await)
        .function(&unique("never-created"), None)
        .await
        .expect_err("no such function");
    assert!(matches!(err, SourceError::NotFound(_)), "{err:?}");
}
