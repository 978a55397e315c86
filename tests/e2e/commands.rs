//! Every command a report prints is valid exactly as printed: it splits back into its arguments
//! under a POSIX shell, names a real AWS CLI operation, and passes only flags that operation takes,
//! with values of the right shape. The table below is transcribed from the AWS CLI reference.

use super::*;
use gateway_doctor::diagnosis::FixStep;
use gateway_doctor::evidence::api::LogLevel;
use gateway_doctor::evidence::metrics::Stat;

/// (service, operation, required flags, optional flags). `--region`, `--query`, `--output` are global.
const OPERATIONS: &[(&str, &str, &[&str], &[&str])] = &[
    (
        "apigateway",
        "update-integration",
        &["rest-api-id", "resource-id", "http-method"],
        &["patch-operations"],
    ),
    (
        "apigateway",
        "create-deployment",
        &["rest-api-id"],
        &["stage-name", "description", "stage-description"],
    ),
    ("apigateway", "get-resources", &["rest-api-id"], &[]),
    (
        "apigateway",
        "update-stage",
        &["rest-api-id", "stage-name"],
        &["patch-operations"],
    ),
    ("apigateway", "get-authorizers", &["rest-api-id"], &[]),
    (
        "apigatewayv2",
        "update-integration",
        &["api-id", "integration-id"],
        &["timeout-in-millis"],
    ),
    (
        "apigatewayv2",
        "create-deployment",
        &["api-id"],
        &["stage-name", "description"],
    ),
    ("apigatewayv2", "get-integrations", &["api-id"], &[]),
    (
        "apigatewayv2",
        "update-stage",
        &["api-id", "stage-name"],
        &["access-log-settings", "default-route-settings"],
    ),
    ("apigatewayv2", "get-authorizers", &["api-id"], &[]),
    (
        "lambda",
        "update-function-configuration",
        &["function-name"],
        &["timeout", "memory-size", "tracing-config"],
    ),
    (
        "lambda",
        "put-function-concurrency",
        &["function-name", "reserved-concurrent-executions"],
        &[],
    ),
    (
        "lambda",
        "put-provisioned-concurrency-config",
        &[
            "function-name",
            "qualifier",
            "provisioned-concurrent-executions",
        ],
        &[],
    ),
    ("lambda", "get-account-settings", &[], &[]),
    (
        "service-quotas",
        "request-service-quota-increase",
        &["service-code", "quota-code", "desired-value"],
        &[],
    ),
    (
        "service-quotas",
        "list-service-quotas",
        &["service-code"],
        &[],
    ),
    (
        "logs",
        "filter-log-events",
        &["log-group-name"],
        &["start-time", "end-time", "filter-pattern"],
    ),
    ("logs", "create-log-group", &["log-group-name"], &[]),
    (
        "elbv2",
        "describe-target-groups",
        &[],
        &["load-balancer-arn"],
    ),
];
const GLOBAL: &[&str] = &["region", "query", "output"];

fn integer_in(v: &str, lo: i64, hi: i64) -> bool {
    v.parse::<i64>().is_ok_and(|n| (lo..=hi).contains(&n))
}

/// Checks one printed command; returns what is wrong with it.
fn check(printed: &str) -> Result<(), String> {
    let argv = shlex::split(printed).ok_or("does not split under a POSIX shell")?;
    if argv.first().map(String::as_str) != Some("aws") || argv.len() < 3 {
        return Err("is not `aws SERVICE OPERATION`".into());
    }
    let (service, op) = (argv[1].as_str(), argv[2].as_str());
    let (_, _, required, optional) = OPERATIONS
        .iter()
        .find(|(s, o, _, _)| *s == service && *o == op)
        .ok_or(format!(
            "`aws {service} {op}` is not in the operation table"
        ))?;
    let mut seen = Vec::new();
    let mut rest = argv[3..].iter();
    while let Some(flag) = rest.next() {
        let name = flag
            .strip_prefix("--")
            .ok_or(format!("`{flag}` is not a flag"))?;
        let value = rest.next().ok_or(format!("--{name} has no value"))?;
        if !required.contains(&name) && !optional.contains(&name) && !GLOBAL.contains(&name) {
            return Err(format!("--{name} is not a flag of `aws {service} {op}`"));
        }
        if value.is_empty() || value.starts_with("--") || value.contains('<') {
            return Err(format!(
                "--{name} has a missing or placeholder value `{value}`"
            ));
        }
        let ok = match name {
            "timeout" => integer_in(value, 1, 900),
            "timeout-in-millis" => integer_in(value, 50, 30_000),
            "memory-size" => integer_in(value, 128, 10_240),
            "reserved-concurrent-executions" | "provisioned-concurrent-executions" => {
                integer_in(value, 1, 100_000)
            }
            "start-time" | "end-time" => integer_in(value, 1_000_000_000_000, 9_999_999_999_999),
            "desired-value" => value.parse::<f64>().is_ok(),
            "tracing-config" => value == "Mode=Active" || value == "Mode=PassThrough",
            "http-method" => [
                "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY",
            ]
            .contains(&value.as_str()),
            "patch-operations" => valid_patch(value),
            "access-log-settings" => serde_json::from_str::<serde_json::Value>(value)
                .is_ok_and(|v| v["DestinationArn"].is_string() && v["Format"].is_string()),
            "region" => value.split('-').count() == 3,
            _ => true,
        };
        if !ok {
            return Err(format!("--{name} has a malformed value `{value}`"));
        }
        seen.push(name.to_string());
    }
    for r in *required {
        if !seen.iter().any(|s| s == r) {
            return Err(format!("misses required --{r}"));
        }
    }
    Ok(())
}

/// Shorthand `op=replace,path=/x,value=y` (no further commas) or the JSON list form.
fn valid_patch(value: &str) -> bool {
    if value.starts_with('[') {
        return serde_json::from_str::<Vec<serde_json::Value>>(value).is_ok_and(|ops| {
            !ops.is_empty()
                && ops.iter().all(|o| {
                    o["op"].is_string() && o["path"].as_str().is_some_and(|p| p.starts_with('/'))
                })
        });
    }
    let parts: Vec<&str> = value.split(',').collect();
    parts.len() == 3
        && parts[0].starts_with("op=")
        && parts[1].starts_with("path=/")
        && parts[2].starts_with("value=")
}

fn commands_of(report: &Report) -> Vec<String> {
    report
        .diagnosis
        .fixes
        .iter()
        .flat_map(|f| &f.steps)
        .filter_map(|s| match s {
            FixStep::Run { command } => {
                assert_eq!(
                    shlex::split(&command.to_string()).as_deref(),
                    Some(command.argv()),
                    "printed form splits back into its arguments"
                );
                Some(command.to_string())
            }
            _ => None,
        })
        .collect()
}

#[test]
fn the_checker_rejects_what_aws_would_reject() {
    for bad in [
        "aws apigateway update-integration --rest-api-id a --resource-id b --http-method GET --timeout-in-millis 29000",
        "aws apigateway update-integration --rest-api-id a --http-method GET --patch-operations op=replace,path=/timeoutInMillis,value=29000",
        "aws apigatewayv2 create-deployment --api-id a --stage-name $default'",
        "aws lambda update-function-configuration --function-name <name> --timeout 30",
        "aws lambda update-function-configuration --function-name f --timeout 29.5",
        "aws apigateway update-stage --rest-api-id a --stage-name p --patch-operations op=replace,path=/x,value={\"a\":1,\"b\":2}",
    ] {
        assert!(check(bad).is_err(), "accepted: {bad}");
    }
    assert!(check("aws apigatewayv2 create-deployment --api-id a1 --stage-name '$default' --region us-east-1").is_ok());
}

#[tokio::test]
async fn every_command_in_every_bundled_report_is_valid_as_printed() {
    let account = bundled_account();
    let mut count = 0;
    for file in event_files() {
        for report in reports_for(&decode_file(&file), &account).await {
            for c in commands_of(&report) {
                check(&c).unwrap_or_else(|why| panic!("{}: `{c}` {why}", file.display()));
                count += 1;
            }
        }
    }
    assert!(count >= 10, "the bundled reports print commands ({count})");
}

#[tokio::test]
async fn the_commands_that_turn_evidence_on_are_valid_for_rest_and_http_apis() {
    // A REST API with every source off, and an HTTP API without access logs.
    let mut rest = scenario_file("orders-api.json");
    for api in &mut rest.apis {
        api.stage.execution_logging = LogLevel::Off;
        api.stage.access_log = None;
        api.stage.tracing = false;
        api.stage.detailed_metrics = false;
    }
    rest.logs.clear();
    rest.metrics.retain(|m| {
        m.namespace == "AWS/ApiGateway" && m.stat.eq_ignore_ascii_case(Stat::Sum.as_cloudwatch())
    });
    let trigger = decode_file(&root().join("events/rest-integration-timeout-too-low.json"));
    let reports = reports_for(&trigger, &single(rest)).await;
    assert_eq!(
        reports[0].diagnosis.verdict.as_str(),
        "insufficient_evidence"
    );
    let printed = commands_of(&reports[0]);
    assert!(
        printed.iter().any(|c| c.contains("logging/loglevel")),
        "{printed:?}"
    );
    assert!(
        printed.iter().any(|c| c.contains("accessLogSettings")),
        "{printed:?}"
    );
    assert!(
        printed.iter().any(|c| c.contains("tracingEnabled")),
        "{printed:?}"
    );
    for c in printed {
        check(&c).unwrap_or_else(|why| panic!("`{c}` {why}"));
    }
}
