"""Checks template.yaml against DESIGN.md's metrics and against the AWS calls the function's code makes.

Run by `make test` (pytest). The template is decoded with cfn-lint's loader and its Fn::ForEach loop expanded
with SAM CLI's own language-extensions processor, so what is checked is what CloudFormation would create.
"""

import json
import pathlib
import re

import pytest
from cfnlint.decode import decode
from samcli.lib.cfn_language_extensions.sam_integration import expand_language_extensions

ROOT = pathlib.Path(__file__).resolve().parents[2]
APIS = "rest:orders-api/prod,http:a1b2c3d4e5/$default"


def load():
    template, problems = decode(str(ROOT / "template.yaml"))
    assert not problems, problems
    return json.loads(json.dumps(template))


def expanded():
    params = {"Apis": APIS, "AWS::Region": "us-east-1", "AWS::AccountId": "123456789012"}
    return expand_language_extensions(load(), params, enabled=True).expanded_template


def alarms():
    return {k: v["Properties"] for k, v in expanded()["Resources"].items() if v["Type"] == "AWS::CloudWatch::Alarm"}


def dims(props):
    return {d["Name"]: d["Value"] for d in props["Dimensions"]}


def test_every_listed_api_gets_a_5xx_and_an_integration_latency_alarm():
    a = alarms()
    assert len(a) == 4, sorted(a)
    names = sorted(p["AlarmName"] if isinstance(p["AlarmName"], str) else json.dumps(p["AlarmName"]) for p in a.values())
    assert len(set(names)) == 4


def test_rest_alarms_use_5XXError_and_ApiName_with_Stage():
    rest = [p for p in alarms().values() if "ApiName" in dims(p)]
    assert len(rest) == 2
    by_metric = {p["MetricName"]: p for p in rest}
    assert set(by_metric) == {"5XXError", "IntegrationLatency"}
    for p in rest:
        assert dims(p) == {"ApiName": "orders-api", "Stage": "prod"}
        assert p["Namespace"] == "AWS/ApiGateway"
    assert by_metric["5XXError"]["Statistic"] == "Sum"
    assert by_metric["IntegrationLatency"]["ExtendedStatistic"] == "p99"


def test_http_alarms_use_lowercase_5xx_and_ApiId_with_Stage():
    http = [p for p in alarms().values() if "ApiId" in dims(p)]
    assert len(http) == 2
    assert {p["MetricName"] for p in http} == {"5xx", "IntegrationLatency"}
    for p in http:
        assert dims(p) == {"ApiId": "a1b2c3d4e5", "Stage": "$default"}


def test_alarms_invoke_the_function_on_alarm_and_on_ok():
    for p in alarms().values():
        for actions in (p["AlarmActions"], p["OKActions"]):
            assert {"Fn::GetAtt": ["GatewayDoctorFunction", "Arn"]} in actions


def granted():
    fn = load()["Resources"]["GatewayDoctorFunction"]["Properties"]
    actions = set()
    for policy in fn["Policies"]:
        docs = [policy]
        if "Fn::If" in policy:
            docs = [d for d in policy["Fn::If"][1:] if isinstance(d, dict) and "Statement" in d]
        for doc in docs:
            for st in doc["Statement"]:
                a = st["Action"]
                actions.update([a] if isinstance(a, str) else a)
    return actions


# The SDK crate each client comes from, and the IAM prefix its operations are authorised under.
IAM_PREFIX = {
    "apigateway": "apigateway",
    "apigatewayv2": "apigateway",
    "cloudwatch": "cloudwatch",
    "cloudwatchlogs": "logs",
    "lambda": "lambda",
    "xray": "xray",
    "cloudtrail": "cloudtrail",
    "sns": "sns",
    "dynamodb": "dynamodb",
    "secretsmanager": "secretsmanager",
}


def pascal(op):
    return "".join(part.capitalize() for part in op.split("_"))


def called():
    """IAM actions of the SDK operations the function's code sends (the CLI's own calls excluded)."""
    found = set()
    for path in (ROOT / "src").rglob("*.rs"):
        if path.name in ("cli.rs", "main.rs"):
            continue
        text = path.read_text().split("#[cfg(test)]")[0]
        # Which crate each client variable or field comes from.
        crates = {}
        for crate, alias in re.findall(r"use aws_sdk_(\w+)(?:::Client)?(?: as (\w+))?;", text):
            if alias:
                crates[alias] = crate
        bare = re.findall(r"use aws_sdk_(\w+)::(?:\{[^}]*\bClient\b[^}]*\}|Client);", text)
        for field, crate, alias in re.findall(r"(\w+):\s*(?:aws_sdk_(\w+)::|(\w+)::)?Client\b", text):
            source = crate or crates.get(alias) or (bare[0] if bare else None)
            if source:
                crates[field] = source
        for var, op in re.findall(r"\b(\w+)\s*\.\s*([a-z][a-z0-9_]+)\(\)", text):
            crate = crates.get(var)
            if crate is None or op in ("clone", "config", "send", "as_input", "into_paginator"):
                continue
            if crate in ("apigateway", "apigatewayv2"):
                found.add("apigateway:GET")
            else:
                found.add(f"{IAM_PREFIX[crate]}:{pascal(op)}")
    return found


def test_every_action_the_code_calls_is_granted_and_nothing_more():
    calls = called()
    assert "cloudwatch:GetMetricData" in calls, calls  # the scan sees the adapters
    assert calls == granted(), f"called but not granted: {calls - granted()}; granted but not called: {granted() - calls}"


def test_every_statement_on_all_resources_says_why():
    lines = (ROOT / "template.yaml").read_text().splitlines()
    for i, line in enumerate(lines):
        if re.search(r"Resource:\s*\"\*\"", line):
            sid = next(j for j in range(i, 0, -1) if "- Sid:" in lines[j])
            assert lines[sid - 1].strip().startswith("#"), f"statement at line {sid + 1} uses * without saying why"


def test_the_slack_secret_value_never_enters_the_environment():
    env = load()["Resources"]["GatewayDoctorFunction"]["Properties"]["Environment"]["Variables"]
    assert env["GATEWAY_DOCTOR_SLACK_SECRET_ARN"] == {"Ref": "SlackSecretArn"}
    assert not any("hooks.slack.com" in json.dumps(v) for v in env.values())
