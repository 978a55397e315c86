#!/usr/bin/env python3
"""Write the bundled scenarios (recorded accounts) into this folder.

Each scenario is simulated request by request so that its metrics, logs and traces agree with each
other the way a real account's do: the per-minute CloudWatch values are computed from the same
requests whose execution-log, access-log and function-log lines are written. Random draws come from
a generator seeded with the scenario's name, so every run writes the same bytes.

    python3 scenarios/generate.py          # write the files and print the rule figures
    python3 scenarios/generate.py --check  # fail if a written file differs from what would be written

Python 3.11, standard library only. The file format is documented in docs/scenarios.md.
"""

from __future__ import annotations

import json
import math
import random
import sys
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ACCOUNT = "123456789012"
UTC = timezone.utc
SERIES_START = datetime(2026, 11, 24, 1, 40, tzinfo=UTC)
MINUTES = 40
# The alarm window every single-metric sample event evaluates: 02:10:00-02:15:00.
WINDOW_START = SERIES_START + timedelta(minutes=30)
WINDOW_END = SERIES_START + timedelta(minutes=35)
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


# ---------------------------------------------------------------- small helpers


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def ms(x: float) -> timedelta:
    return timedelta(milliseconds=x)


def minute_of(t: datetime) -> int:
    return int((t - SERIES_START).total_seconds() // 60)


def at_minute(m: int, second: float = 0.0) -> datetime:
    return SERIES_START + timedelta(minutes=m, seconds=second)


def in_window(t: datetime) -> bool:
    return WINDOW_START <= t < WINDOW_END


def p99(values: list[float]) -> float:
    """Nearest-rank 99th percentile, as CloudWatch approximates it for small samples."""
    s = sorted(values)
    return s[max(0, math.ceil(0.99 * len(s)) - 1)]


def new_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def extended_id(rng: random.Random) -> str:
    """API Gateway's extended request id (REST) / request id (HTTP API): 15 characters and `=`."""
    return "".join(rng.choice(B64) for _ in range(15)) + "="


def hexid(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def trace_id(rng: random.Random, t: datetime) -> str:
    return f"1-{int(t.timestamp()):08x}-{hexid(rng, 24)}"


def lambda_arn(region: str, function: str, qualifier: str | None = None) -> str:
    arn = f"arn:aws:lambda:{region}:{ACCOUNT}:function:{function}"
    return f"{arn}:{qualifier}" if qualifier else arn


def rest_lambda_uri(region: str, function: str, qualifier: str | None = None) -> str:
    return (
        f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/"
        f"{lambda_arn(region, function, qualifier)}/invocations"
    )


def invoke_url(region: str, function: str, qualifier: str | None = None) -> str:
    return (
        f"https://lambda.{region}.amazonaws.com/2015-03-31/functions/"
        f"{lambda_arn(region, function, qualifier)}/invocations"
    )


def actor(role: str, session: str) -> str:
    return f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{session}"


def series(namespace: str, name: str, stat: str, dims: dict[str, str], values: list) -> dict:
    return {
        "namespace": namespace,
        "name": name,
        "stat": stat,
        "dimensions": dims,
        "start": "2026-11-24T01:40:00Z",
        "period_s": 60,
        "values": values,
    }


def arrivals(rng: random.Random, per_minute) -> list[datetime]:
    """Request start times: `per_minute(m)` requests spread at random over each minute."""
    out = []
    for m in range(MINUTES):
        for _ in range(per_minute(m)):
            out.append(at_minute(m, rng.uniform(0.0, 59.999)))
    return sorted(out)


# ---------------------------------------------------------------- the request model


@dataclass
class Req:
    start: datetime
    rid: str
    method: str
    path: str
    ext: str = ""
    # Lambda side
    lid: str = ""
    invoked: bool = False
    cold: bool = False
    init: float = 0.0
    dur: float = 0.0
    fn_timeout: bool = False
    mem_used: int = 0
    version: str = "$LATEST"
    # gateway side
    auth_ms: float = 0.0
    il: float = 0.0
    lat: float = 0.0
    status: int = 200
    kind: str = "ok"  # ok | timeout | fnerr | malformed | throttle | backend5xx
    ip: str = ""
    length: int = 0
    trace: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def invoke_at(self) -> datetime:
        return self.start + ms(6 + self.auth_ms)

    @property
    def fn_end(self) -> datetime:
        return self.invoke_at + ms(self.init + self.dur + 1)

    @property
    def gw_end(self) -> datetime:
        return self.start + ms(self.lat)


@dataclass
class Function:
    name: str
    region: str
    timeout_s: int
    memory_mb: int
    runtime: str
    runtime_version: str
    init_range: tuple[float, float]
    mem_range: tuple[int, int]
    qualifier: str | None = None
    version: str = "$LATEST"
    reserved: int | None = None
    tracing: bool = False


class Pool:
    """Lambda execution environments: reused when free, created (a cold start) when not."""

    def __init__(self, warm: int, limit: int | None = None):
        self.free_at = [SERIES_START - timedelta(hours=1)] * warm
        self.needs_init = [False] * warm
        self.limit = limit

    def acquire(self, t: datetime) -> int | None:
        for i, free in enumerate(self.free_at):
            if free <= t:
                return i
        if self.limit is not None and len(self.free_at) >= self.limit:
            return None
        self.free_at.append(t)
        self.needs_init.append(True)
        return len(self.free_at) - 1


def invoke(rng, req: Req, fn: Function, pool: Pool, duration_ms: float) -> bool:
    """Run one invocation through the pool; False when Lambda throttled it."""
    i = pool.acquire(req.invoke_at)
    if i is None:
        req.kind, req.invoked = "throttle", False
        req.lid = new_uuid(rng)
        return False
    req.invoked = True
    req.lid = new_uuid(rng)
    req.version = fn.version
    req.cold = pool.needs_init[i]
    req.init = round(rng.uniform(*fn.init_range), 2) if req.cold else 0.0
    limit = fn.timeout_s * 1000
    if duration_ms >= limit:
        req.fn_timeout = True
        duration_ms = limit + rng.uniform(8, 14)
    req.dur = round(duration_ms, 2)
    req.mem_used = rng.randint(*fn.mem_range)
    pool.needs_init[i] = req.fn_timeout  # a timed-out environment is reset
    pool.free_at[i] = req.fn_end
    return True


def gateway(rng, req: Req, timeout_ms: float, overhead=(8, 26)) -> None:
    """What the gateway saw: integration latency, latency, final status."""
    if req.kind == "throttle":
        req.il = round(rng.uniform(9, 28))
        req.status = 500
    else:
        req.il = round(req.init + req.dur + rng.uniform(12, 34))
        if req.il >= timeout_ms:
            req.il = round(timeout_ms + rng.uniform(1, 14))
            req.kind, req.status = "timeout", 504
        elif req.fn_timeout:
            req.kind, req.status = "fnerr", 502
    req.lat = round(req.auth_ms + req.il + rng.uniform(*overhead))


# ---------------------------------------------------------------- per-minute metrics


def per_minute(reqs, when, value, stat: str, empty=None) -> list:
    buckets: list[list[float]] = [[] for _ in range(MINUTES)]
    for r in reqs:
        m = minute_of(when(r))
        if 0 <= m < MINUTES:
            v = value(r)
            if v is not None:
                buckets[m].append(v)
    out = []
    for b in buckets:
        if stat == "Sum":
            out.append(sum(b) if b else empty)
        elif not b:
            out.append(None)
        elif stat == "Maximum":
            out.append(max(b))
        else:
            out.append(p99(b))
    return out


def rounded(values: list, digits: int) -> list:
    return [None if v is None else (round(v, digits) if digits else int(round(v))) for v in values]


def api_metrics(reqs, kind: str, api: str, stage: str) -> list[dict]:
    """The six gateway series the diagnosis asks for, computed from the requests."""
    dims = {"ApiName": api, "Stage": stage} if kind == "rest" else {"ApiId": api, "Stage": stage}
    errors = "5XXError" if kind == "rest" else "5xx"
    start = lambda r: r.start  # noqa: E731
    count = per_minute(reqs, start, lambda r: 1, "Sum")
    return [
        series("AWS/ApiGateway", "Count", "Sum", dims, count),
        series("AWS/ApiGateway", errors, "Sum", dims,
               per_minute(reqs, start, lambda r: 1 if r.status >= 500 else 0, "Sum")),
        series("AWS/ApiGateway", "Latency", "Maximum", dims,
               rounded(per_minute(reqs, start, lambda r: r.lat, "Maximum"), 0)),
        series("AWS/ApiGateway", "Latency", "p99", dims,
               rounded(per_minute(reqs, start, lambda r: r.lat, "p99"), 0)),
        series("AWS/ApiGateway", "IntegrationLatency", "Maximum", dims,
               rounded(per_minute(reqs, start, lambda r: r.il, "Maximum"), 0)),
        series("AWS/ApiGateway", "IntegrationLatency", "p99", dims,
               rounded(per_minute(reqs, start, lambda r: r.il, "p99"), 0)),
    ]


def concurrency(reqs) -> list:
    """Peak overlapping invocations per minute (ConcurrentExecutions Maximum)."""
    events = []
    for r in reqs:
        if r.invoked:
            events.append((r.invoke_at, 1))
            events.append((r.fn_end, -1))
    events.sort(key=lambda e: (e[0], e[1]))
    peak: list = []
    cur, i = 0, 0
    for m in range(MINUTES):
        best, active = cur, cur > 0
        while i < len(events) and events[i][0] < at_minute(m + 1):
            cur += events[i][1]
            best = max(best, cur)
            active = True
            i += 1
        peak.append(best if active else None)
    return peak


def lambda_metrics(reqs, fn: Function, errors=lambda r: r.fn_timeout) -> list[dict]:
    dims = {"FunctionName": fn.name}
    inv = [r for r in reqs if r.invoked]
    at = lambda r: r.invoke_at  # noqa: E731
    all_at = lambda r: r.start  # noqa: E731
    tried = [r for r in reqs if r.invoked or r.kind == "throttle"]
    return [
        series("AWS/Lambda", "Duration", "p99", dims, rounded(per_minute(inv, at, lambda r: r.dur, "p99"), 2)),
        series("AWS/Lambda", "Duration", "Maximum", dims,
               rounded(per_minute(inv, at, lambda r: r.dur, "Maximum"), 2)),
        series("AWS/Lambda", "Errors", "Sum", dims,
               per_minute(tried, all_at, lambda r: 1 if r.invoked and errors(r) else 0, "Sum")),
        series("AWS/Lambda", "Throttles", "Sum", dims,
               per_minute(tried, all_at, lambda r: 1 if r.kind == "throttle" else 0, "Sum")),
        series("AWS/Lambda", "ConcurrentExecutions", "Maximum", dims, concurrency(inv)),
    ]


# ---------------------------------------------------------------- log lines


class Lines:
    """Log lines of one group, kept in time order as `aws logs tail` prints them."""

    def __init__(self) -> None:
        self.items: list[tuple[datetime, int, str]] = []

    def add(self, t: datetime, message: str) -> None:
        if in_window(t):
            self.items.append((t, len(self.items), message))

    def render(self) -> list[str]:
        return [f"{iso(t)} {m}" for t, _, m in sorted(self.items)]


def execution_log(lines: Lines, r: Req, region: str, fn: Function, authorizer=None) -> None:
    """INFO-level REST execution log of one request (no data tracing)."""
    if not (in_window(r.start) and in_window(r.gw_end)):
        return
    p = f"({r.rid})"
    t = r.start
    url = invoke_url(region, fn.name, fn.qualifier)
    lines.add(t, f"{p} Extended Request Id: {r.ext}")
    if authorizer is not None:
        auth_id, auth_fn, principal, token_tail = authorizer
        aurl = invoke_url(region, auth_fn)
        lines.add(t + ms(1), f"{p} Starting authorizer: {auth_id} for request: {r.rid}")
        lines.add(t + ms(1), f"{p} Incoming identity: ***{token_tail}")
        lines.add(t + ms(2), f"{p} Endpoint request URI: {aurl}")
        lines.add(t + ms(2), f"{p} Sending request to {aurl}")
        lines.add(t + ms(3 + r.auth_ms), f"{p} Using valid authorizer policy for principal: ***{principal[-4:]}")
        lines.add(t + ms(3 + r.auth_ms), f"{p} Successfully completed authorizer execution")
    t = t + ms(r.auth_ms)
    lines.add(t + ms(3), f"{p} Starting execution for request: {r.rid}")
    lines.add(t + ms(3), f"{p} HTTP Method: {r.method}, Resource Path: {r.path}")
    lines.add(t + ms(4), f"{p} Endpoint request URI: {url}")
    lines.add(t + ms(5), f"{p} Sending request to {url}")
    done = t + ms(5 + r.il)
    if r.kind == "timeout":
        lines.add(done, f"{p} Execution failed due to a timeout error")
        lines.add(done, f"{p} Method completed with status: 504")
        return
    if r.kind == "throttle":
        lines.add(done, f"{p} Lambda invocation failed with status: 429. Lambda request id: {r.lid}")
        lines.add(done, f"{p} Execution failed due to configuration error: Rate Exceeded.")
        lines.add(done + ms(1), f"{p} Method completed with status: 500")
        return
    lines.add(done, f"{p} Received response. Status: 200, Integration latency: {int(r.il)} ms")
    # Only a response carries the Lambda request id: a timed-out request never gets these headers.
    lines.add(done, f"{p} Endpoint response headers: {response_headers(r, done)}")
    if r.kind == "fnerr":
        when = iso(r.invoke_at + ms(r.init + r.dur))
        msg = f"{when} {r.lid} Task timed out after {r.dur / 1000:.2f} seconds"
        lines.add(done + ms(1),
                  f"{p} Lambda execution failed with status 200 due to customer function error: {msg}. "
                  f"Lambda request id: {r.lid}")
        lines.add(done + ms(1), f"{p} Method completed with status: 502")
        return
    if r.kind == "malformed":
        lines.add(done + ms(1), f"{p} Execution failed due to configuration error: Malformed Lambda proxy response")
        lines.add(done + ms(1), f"{p} Method completed with status: 502")
        return
    lines.add(done + ms(1), f"{p} Successfully completed execution")
    lines.add(done + ms(1), f"{p} Method completed with status: {r.status}")
    lines.add(done + ms(1), f"{p} AWS Integration Endpoint RequestId : {r.lid}")


def response_headers(r: Req, t: datetime) -> str:
    """The Lambda Invoke response's headers, as the execution log prints them (no random draws,
    so adding them changes no other value)."""
    headers = [
        f"Date={t.strftime('%a, %d %b %Y %H:%M:%S GMT')}",
        "Content-Type=application/json",
        "Connection=keep-alive",
        f"x-amzn-RequestId={r.lid}",
    ]
    if r.kind == "fnerr":
        headers.append("X-Amz-Function-Error=Unhandled")
    headers.append(f"X-Amz-Executed-Version={r.version}")
    if r.trace:
        headers.append(f"X-Amzn-Trace-Id=root={r.trace};sampled=1")
    return "{" + ", ".join(headers) + "}"


def runtime_hash(fn: Function) -> str:
    """One runtime version ARN per function, as Lambda reports it on every INIT_START."""
    return hexid(random.Random(fn.runtime_version + fn.region), 64)


def function_log(lines: Lines, rng, r: Req, fn: Function) -> None:
    """START / END / REPORT lines of one invocation, as the Lambda runtime writes them."""
    if not r.invoked:
        return
    t0 = r.invoke_at
    if r.cold:
        lines.add(t0, f"INIT_START Runtime Version: {fn.runtime_version}\tRuntime Version ARN: "
                      f"arn:aws:lambda:{fn.region}::runtime:{runtime_hash(fn)}")
    start = t0 + ms(r.init)
    end = start + ms(r.dur)
    lines.add(start, f"START RequestId: {r.lid} Version: {r.version}")
    if r.fn_timeout:
        lines.add(end, f"{r.lid} Task timed out after {r.dur / 1000:.2f} seconds")
    lines.add(end, f"END RequestId: {r.lid}")
    billed = math.ceil(r.dur) + (math.ceil(r.init) if r.cold else 0)
    report = (f"REPORT RequestId: {r.lid}\tDuration: {r.dur:.2f} ms\tBilled Duration: {billed} ms\t"
              f"Memory Size: {fn.memory_mb} MB\tMax Memory Used: {r.mem_used} MB")
    if r.cold:
        report += f"\tInit Duration: {r.init:.2f} ms"
    lines.add(end, report)
    if fn.tracing and r.trace:
        lines.add(end, f"XRAY TraceId: {r.trace}\tSegmentId: {hexid(rng, 16)}\tSampled: true")


HTTP_ACCESS_FORMAT = (
    '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp",'
    '"requestTime":"$context.requestTime","httpMethod":"$context.httpMethod",'
    '"routeKey":"$context.routeKey","path":"$context.path","status":"$context.status",'
    '"protocol":"$context.protocol","responseLength":"$context.responseLength",'
    '"responseLatency":"$context.responseLatency","integrationLatency":"$context.integrationLatency",'
    '"integrationStatus":"$context.integration.status","integrationError":"$context.integration.error"}'
)


def access_log(lines: Lines, r: Req, route: str) -> None:
    """One HTTP API access-log line under HTTP_ACCESS_FORMAT (absent values print as `-`)."""
    if not (in_window(r.start) and in_window(r.gw_end)):
        return
    values = {
        "$context.requestId": r.rid,
        "$context.identity.sourceIp": r.ip,
        "$context.requestTime": r.start.strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "$context.httpMethod": r.method,
        "$context.routeKey": route,
        "$context.path": r.path,
        "$context.status": str(r.status),
        "$context.protocol": "HTTP/1.1",
        "$context.responseLength": str(r.length),
        "$context.responseLatency": str(int(r.lat)),
        "$context.integrationLatency": str(int(r.il)),
        "$context.integration.status": str(r.extra.get("integration_status", r.status)),
        "$context.integration.error": r.extra.get("integration_error", "-"),
    }
    text = HTTP_ACCESS_FORMAT
    # Longest variables first, so `$context.integration.status` is not eaten by a shorter prefix.
    for var in sorted(values, key=len, reverse=True):
        text = text.replace(var, values[var])
    lines.add(r.gw_end, text)


def client_ip(rng) -> str:
    return f"{rng.choice(['198.51.100', '203.0.113', '192.0.2'])}.{rng.randint(2, 254)}"


def stage(name, execution="OFF", access=None, tracing=False, auto_deploy=False) -> dict:
    s = {"name": name, "execution_logging": execution}
    if access is not None:
        s["access_log"] = access
    s["tracing"] = tracing
    s["detailed_metrics"] = False
    s["auto_deploy"] = auto_deploy
    return s


def function_settings(fn: Function, architecture: str, last_modified: str, in_vpc=False, provisioned=None) -> dict:
    d = {
        "name": fn.name,
        "timeout_s": fn.timeout_s,
        "memory_mb": fn.memory_mb,
        "architecture": architecture,
        "runtime": fn.runtime,
        "in_vpc": in_vpc,
        "reserved_concurrency": fn.reserved,
        "provisioned_concurrency": provisioned,
        "tracing_active": fn.tracing,
        "last_modified": last_modified,
    }
    return {k: v for k, v in d.items() if v is not None}


def window_values(s: dict) -> list:
    return [v for v in s["values"][30:35] if v is not None]


def baseline_values(s: dict) -> list:
    return [v for v in s["values"][:30] if v is not None]


# ---------------------------------------------------------------- 1. orders-api


def orders_api() -> tuple[dict, dict]:
    rng = random.Random("orders-api")
    region, api_id, api, stg = "us-east-1", "p4x8n2k6qa", "orders-api", "prod"
    timeout_ms = 10000
    fn = Function("orders-handler", region, 30, 1024, "nodejs22.x", "nodejs:22.v41", (280, 460), (148, 231))
    pool = Pool(warm=4)
    reqs = []
    for t in arrivals(rng, lambda m: rng.randint(9, 12)):
        r = Req(t, new_uuid(rng), "POST", "/orders", ext=extended_id(rng))
        slow = t >= WINDOW_START  # the fulfilment service slowed down at 02:10
        if slow:
            x = rng.random()
            if x < 0.42:
                d = rng.uniform(10300, 15800)  # finishes, but after the gateway gave up
            elif x < 0.88:
                d = rng.uniform(3100, 8900)
            else:
                d = rng.uniform(900, 2900)
        else:
            d = rng.uniform(240, 880)
        invoke(rng, r, fn, pool, d)
        r.status = 400 if rng.random() < 0.04 else 201
        gateway(rng, r, timeout_ms)
        reqs.append(r)

    ex, fl = Lines(), Lines()
    for r in reqs:
        execution_log(ex, r, region, fn)
        function_log(fl, rng, r, fn)

    desc = (
        "orders-api (REST, Regional, us-east-1) sends POST /orders to the Lambda function orders-handler "
        "through an integration whose timeout was lowered to a custom 10000 ms, while the function itself "
        "may run for 30 s. At 02:10 the fulfilment service that orders-handler calls slowed down: the "
        "function now takes 3-16 s, so about four requests in ten are cut at 10 s with "
        "`Execution failed due to a timeout error` and a 504, although the function goes on to finish "
        "every one of them in under 16 s (Lambda Duration Maximum 14-16 s, IntegrationLatency Maximum "
        "pinned at 10000 ms). There are no throttles, no function timeouts, and the few cold starts are "
        "short. Raising the integration timeout to 29000 ms lets them finish: expected verdict "
        "integration_timeout_too_low (and the function timeout of 30 s, longer than the integration's, is "
        "called out). The file also records the child alarms of the composite orders-api-health, and "
        "answers the OK notification of orders-api-prod-5xx at 02:41 (recovered)."
    )
    scen = {
        "name": "orders-api",
        "description": desc,
        "answers": ["orders-api-prod-5xx", "orders-api-health"],
        "expect": "integration_timeout_too_low",
        "apis": [{
            "id": api_id,
            "name": api,
            "protocol": "rest",
            "endpoint_type": "REGIONAL",
            "stage": stage(stg, "INFO"),
            "integrations": [{
                "route": "POST /orders",
                "resource_id": "x7k2pq",
                "http_method": "POST",
                "type": "AWS_PROXY",
                "uri": rest_lambda_uri(region, fn.name),
                "timeout_ms": timeout_ms,
            }],
        }],
        "metrics": api_metrics(reqs, "rest", api, stg) + lambda_metrics(reqs, fn),
        "logs": {
            f"API-Gateway-Execution-Logs_{api_id}/{stg}": ex.render(),
            f"/aws/lambda/{fn.name}": fl.render(),
        },
        "functions": [function_settings(fn, "x86_64", "2026-11-12T16:42:09.000Z")],
        "alarms": [
            {"name": "orders-api-prod-5xx", "namespace": "AWS/ApiGateway", "metric": "5XXError",
             "stat": "Sum", "period_s": 60, "dimensions": {"ApiName": api, "Stage": stg}},
            {"name": "orders-api-prod-latency", "namespace": "AWS/ApiGateway", "metric": "IntegrationLatency",
             "stat": "Maximum", "period_s": 60, "dimensions": {"ApiName": api, "Stage": stg}},
        ],
    }
    return scen, {"reqs": reqs, "timeout": timeout_ms, "fn": fn}


# ---------------------------------------------------------------- 2. reports-api


def reports_api() -> tuple[dict, dict]:
    rng = random.Random("reports-api")
    region, api_id, api, stg = "eu-west-1", "h7d3m9v1tz", "reports-api", "prod"
    fn = Function("report-builder", region, 120, 3008, "python3.12", "python:3.12.v58", (1650, 2150),
                  (1210, 2630), tracing=True)
    pool = Pool(warm=12)
    reqs = []
    for m in range(MINUTES):
        incident = m >= 30
        n = rng.randint(5, 7) if incident else rng.randint(2, 3)
        for k in range(n):
            t = at_minute(m, rng.uniform(0, 59.9))
            if k == 0 and incident:  # every minute has at least one large export
                d = rng.uniform(45000, 59800)
            elif k == 0:
                # Before: a large export most minutes just under the wall, every third one over it.
                d = rng.uniform(28600, 31500) if m % 3 == 0 else rng.uniform(23600, 27800)
            elif incident and rng.random() < 0.55:
                d = rng.uniform(35000, 58000)
            else:
                d = rng.uniform(11000, 27500) if incident else rng.uniform(3500, 15000)
            report_id = f"rpt-{rng.randint(10000, 99999)}"
            r = Req(t, new_uuid(rng), "GET", f"/reports/{report_id}/export", ext=extended_id(rng))
            invoke(rng, r, fn, pool, d)
            r.status = 200
            gateway(rng, r, 29000)
            r.trace = trace_id(rng, r.start)
            reqs.append(r)
    reqs.sort(key=lambda r: r.start)

    ex, fl = Lines(), Lines()
    traces = []
    for r in reqs:
        execution_log(ex, r, region, fn)
        function_log(fl, rng, r, fn)
        if in_window(r.start):
            # Where an export's time goes: no single dependency dominates.
            total = r.init + r.dur + rng.uniform(20, 60)
            shares = [("reporting@reports-db.cluster-c9x2k4q7mz1p.eu-west-1.rds.amazonaws.com", "remote", None,
                       rng.uniform(0.29, 0.36)),
                      ("render-xlsx", "", None, rng.uniform(0.21, 0.28)),
                      ("DynamoDB", "aws", "Query", rng.uniform(0.17, 0.23)),
                      ("S3", "aws", "PutObject", rng.uniform(0.08, 0.12))]
            subs = [{"name": n, "namespace": ns, "operation": op, "duration_ms": round(total * s, 1)}
                    for n, ns, op, s in shares]
            subs.sort(key=lambda s: -s["duration_ms"])
            for s in subs:
                if s["operation"] is None:
                    del s["operation"]
            traces.append({
                "at": iso(r.start),
                "trace_id": r.trace,
                "duration_ms": round(max(total, r.lat), 1),
                "http_status": r.status,
                "fault": r.status >= 500,
                "request_id": r.rid,
                "subsegments": subs,
            })
    desc = (
        "reports-api (REST, Regional, eu-west-1) serves GET /reports/{id}/export from the Lambda function "
        "report-builder (3008 MB, 120 s timeout) with the default integration timeout of 29 s. The export "
        "has always been long: in the half hour before the alarm its Duration p99 already sat at 24-31 s "
        "every minute, and every third minute or so a request was lost at the 29 s wall. At 02:10 month-end "
        "load arrived "
        "(five to seven exports a minute instead of two or three, most of them large): Duration p99 is now "
        "45-60 s, most exports end in `Execution failed due to a timeout error` at 29 s, and IntegrationLatency "
        "p99 is pinned at 29000 ms. Nothing changed in the account. X-Ray shows the time spread over the "
        "reporting database, XLSX rendering, a DynamoDB query and an S3 upload, none of them 40% of a "
        "trace. The work needs longer than any gateway allows: expected verdict hard_limit (go "
        "asynchronous: accept with 202 and a job id, build in the background, poll or push)."
    )
    scen = {
        "name": "reports-api",
        "description": desc,
        "answers": ["reports-api-prod-integration-latency"],
        "expect": "hard_limit",
        "apis": [{
            "id": api_id,
            "name": api,
            "protocol": "rest",
            "endpoint_type": "REGIONAL",
            "stage": stage(stg, "INFO", tracing=True),
            "integrations": [{
                "route": "GET /reports/{id}/export",
                "resource_id": "e4u9wd",
                "http_method": "GET",
                "type": "AWS_PROXY",
                "uri": rest_lambda_uri(region, fn.name),
            }],
        }],
        "metrics": api_metrics(reqs, "rest", api, stg) + lambda_metrics(reqs, fn),
        "logs": {
            f"API-Gateway-Execution-Logs_{api_id}/{stg}": ex.render(),
            f"/aws/lambda/{fn.name}": fl.render(),
        },
        "functions": [function_settings(fn, "x86_64", "2026-11-03T10:15:44.000Z")],
        "traces": traces,
        "changes": [{
            "at": "2026-11-15T09:12:31Z",
            "kind": "function_configuration",
            "resource": fn.name,
            "actor": f"arn:aws:iam::{ACCOUNT}:user/maeve.oconnor",
            "detail": "UpdateFunctionConfiguration: MemorySize 2048 -> 3008",
        }],
    }
    return scen, {"reqs": reqs, "timeout": 29000, "fn": fn, "traces": traces}


# ---------------------------------------------------------------- 3. checkout-http


def checkout_http() -> tuple[dict, dict]:
    rng = random.Random("checkout-http")
    region, api_id, stg = "us-east-1", "k7x2m9q4ab", "$default"
    route = "POST /checkout"
    fn = Function("checkout-handler", region, 30, 1024, "nodejs22.x", "nodejs:22.v41", (310, 520), (176, 262),
                  tracing=True)
    pool = Pool(warm=3)
    reqs = []
    for t in arrivals(rng, lambda m: rng.randint(24, 30)):
        r = Req(t, extended_id(rng), "POST", "/checkout", ip=client_ip(rng))
        slow = t >= WINDOW_START
        d = rng.uniform(7600, 11900) if slow else rng.uniform(260, 560)
        pay = d * (rng.uniform(0.72, 0.85) if slow else rng.uniform(0.45, 0.62))
        r.extra["pay"] = pay
        invoke(rng, r, fn, pool, d)
        r.status = 402 if rng.random() < 0.03 else 200
        r.length = 61 if r.status == 402 else rng.randint(410, 520)
        gateway(rng, r, 30000, overhead=(3, 11))
        r.trace = trace_id(rng, r.start)
        reqs.append(r)

    al, fl = Lines(), Lines()
    for r in reqs:
        access_log(al, r, route)
        function_log(fl, rng, r, fn)

    def trace_of(r: Req) -> dict:
        total = r.init + r.dur + rng.uniform(1, 4)
        pay = r.extra["pay"]
        rest = r.dur - pay
        subs = [
            {"name": "payments.example.com", "namespace": "remote", "operation": "POST", "duration_ms": round(pay, 1)},
            {"name": "DynamoDB", "namespace": "aws", "operation": "PutItem", "duration_ms": round(rest * 0.22, 1)},
            {"name": "DynamoDB", "namespace": "aws", "operation": "GetItem", "duration_ms": round(rest * 0.12, 1)},
            {"name": "SQS", "namespace": "aws", "operation": "SendMessage", "duration_ms": round(rest * 0.06, 1)},
        ]
        if r.cold:
            subs.append({"name": "Initialization", "namespace": "", "duration_ms": round(r.init, 1)})
        subs.sort(key=lambda s: -s["duration_ms"])
        return {"at": iso(r.start), "trace_id": r.trace, "duration_ms": round(total, 1),
                "http_status": r.status, "fault": False, "subsegments": subs}

    in_win = sorted((r for r in reqs if in_window(r.start)), key=lambda r: -r.dur)[:12]
    before = [r for r in reqs if at_minute(15) <= r.start < at_minute(16)][:3]
    traces = sorted((trace_of(r) for r in before + in_win), key=lambda t: t["at"])
    desc = (
        "checkout-http (HTTP API k7x2m9q4ab, stage $default with auto-deploy, us-east-1) sends POST /checkout "
        "to the Lambda function checkout-handler (30 s timeout). At 01:50, 25 minutes before the alarm, a "
        "code update of checkout-handler removed the 2 s client timeout on the card-payment call; at 02:10 "
        "payments.example.com slowed down, and since then IntegrationLatency Maximum is 8-12 s a minute "
        "against about 400-600 ms before, with Latency only a few milliseconds above it. Nothing is cut: no "
        "504, no function timeouts, no throttles, every request still gets its 200. The access log (JSON) "
        "carries status and integration latency, and X-Ray shows payments.example.com (remote, POST) taking "
        "70-85% of the slowest traces. The backend is what is slow: expected verdict backend_slow, naming "
        "payments.example.com, with the code update as the suspect change. (The stage records tracing as on "
        "so the traces are read; on real HTTP APIs X-Ray comes from the function's active tracing.)"
    )
    scen = {
        "name": "checkout-http",
        "description": desc,
        "answers": ["checkout-http-latency"],
        "expect": "backend_slow",
        "apis": [{
            "id": api_id,
            "name": "checkout-http",
            "protocol": "http",
            "stage": stage(stg, access={
                "destination_arn": f"arn:aws:logs:{region}:{ACCOUNT}:log-group:/aws/http-api/checkout-http/access:*",
                "format": HTTP_ACCESS_FORMAT,
            }, tracing=True, auto_deploy=True),
            "integrations": [{
                "route": route,
                "integration_id": "9x4mq2c",
                "type": "AWS_PROXY",
                "uri": lambda_arn(region, fn.name),
                "timeout_ms": 30000,
            }],
        }],
        "metrics": api_metrics(reqs, "http", api_id, stg) + lambda_metrics(reqs, fn),
        "logs": {
            "/aws/http-api/checkout-http/access": al.render(),
            f"/aws/lambda/{fn.name}": fl.render(),
        },
        "functions": [function_settings(fn, "arm64", "2026-11-24T01:50:12.000Z")],
        "traces": traces,
        "changes": [{
            "at": "2026-11-24T01:50:12Z",
            "kind": "function_code",
            "resource": fn.name,
            "actor": actor("GitHubActionsDeployRole", "checkout-service-deploy-2291"),
            "detail": ("UpdateFunctionCode: release 2026.11.24-1 "
                       "(CodeSha256 Yx8v0m3K2c5cQyq7kqJ1pW9rFv2L0cE4oXhT8aGk3dQ=)"),
        }],
    }
    return scen, {"reqs": reqs, "timeout": 30000, "fn": fn, "traces": traces}


# ---------------------------------------------------------------- 4. catalog-api


WAVES = [6, 7, 8, 9, 10, 11, 12, 12, 13, 13]


def catalog_api() -> tuple[dict, dict]:
    rng = random.Random("catalog-api")
    region, api_id, api, stg = "us-east-1", "c5j8r2w6ny", "catalog-api", "prod"
    timeout_ms = 6000
    fn = Function("catalog-reader", region, 15, 1024, "java21", "java:21.v29", (4700, 6450), (212, 348),
                  qualifier="live", version="14")
    pool = Pool(warm=4)
    times = arrivals(rng, lambda m: rng.randint(7, 10))
    # 02:10: a push notification sends app users to product pages in waves that grow each minute.
    for k, size in enumerate(WAVES):
        base = at_minute(30 + k // 2, 6 + 30 * (k % 2) + rng.uniform(0, 12))
        times += [base + ms(rng.uniform(0, 350)) for _ in range(size)]
    times.sort()
    reqs = []
    for t in times:
        r = Req(t, new_uuid(rng), "GET", f"/products/{rng.randint(100000, 999999)}", ext=extended_id(rng))
        # The first request in a new JVM is slow too (class loading, JIT); warm ones are quick.
        i = pool.acquire(r.invoke_at)
        cold = i is None or pool.needs_init[i]
        if cold:
            d = rng.uniform(1450, 2350)
        else:
            d = rng.uniform(290, 760) if rng.random() < 0.9 else rng.uniform(760, 1490)
        invoke(rng, r, fn, pool, d)
        r.status = 404 if rng.random() < 0.05 else 200
        gateway(rng, r, timeout_ms)
        reqs.append(r)

    ex, fl = Lines(), Lines()
    for r in reqs:
        execution_log(ex, r, region, fn)
        function_log(fl, rng, r, fn)
    desc = (
        "catalog-api (REST, edge-optimized, us-east-1) serves GET /products/{id} from the alias live "
        "(version 14) of catalog-reader, a Java 21 function (1024 MB, arm64, 15 s timeout, no provisioned "
        "concurrency), through an integration with a custom 6000 ms timeout. Warm requests take 300-1500 ms. "
        "At 02:10 a push notification sent app users to product pages in growing waves: concurrency rose "
        "from one or two to 13, and each new execution environment spent 4.7-6.5 s in Init Duration plus "
        "1.5-2.3 s on its first request, so every cold request crossed 6000 ms and was cut with "
        "`Execution failed due to a timeout error` and a 504, while warm ones kept finishing in time. "
        "Expected verdict cold_start (fix: provisioned concurrency sized from the peak ConcurrentExecutions, "
        "or a faster init such as SnapStart). The file also answers the scheduled proactive check "
        "(gateway-doctor-proactive-check at 02:15, window 02:00-02:15), which covers rest:catalog-api/prod."
    )
    scen = {
        "name": "catalog-api",
        "description": desc,
        "answers": ["catalog-api-prod-5xx", "gateway-doctor-proactive-check"],
        "expect": "cold_start",
        "apis": [{
            "id": api_id,
            "name": api,
            "protocol": "rest",
            "endpoint_type": "EDGE",
            "stage": stage(stg, "INFO"),
            "integrations": [{
                "route": "GET /products/{id}",
                "resource_id": "p3m8vz",
                "http_method": "GET",
                "type": "AWS_PROXY",
                "uri": rest_lambda_uri(region, fn.name, fn.qualifier),
                "timeout_ms": timeout_ms,
            }],
        }],
        "scheduled_apis": ["rest:catalog-api/prod"],
        "metrics": api_metrics(reqs, "rest", api, stg) + lambda_metrics(reqs, fn),
        "logs": {
            f"API-Gateway-Execution-Logs_{api_id}/{stg}": ex.render(),
            f"/aws/lambda/{fn.name}": fl.render(),
        },
        "functions": [function_settings(fn, "arm64", "2026-11-21T14:03:51.000Z")],
        "changes": [{
            "at": "2026-11-21T14:05:10Z",
            "kind": "function_configuration",
            "resource": f"{fn.name}:live",
            "actor": actor("GitHubActionsDeployRole", "catalog-service-deploy-877"),
            "detail": "UpdateAlias live: FunctionVersion 13 -> 14",
        }],
    }
    return scen, {"reqs": reqs, "timeout": timeout_ms, "fn": fn}


# ---------------------------------------------------------------- 5. payments-api


def payments_api() -> tuple[dict, dict]:
    rng = random.Random("payments-api")
    region, api_id, api, stg = "us-west-2", "f2q7t4b9ke", "payments-api", "prod"
    fn = Function("payments-processor", region, 6, 512, "python3.12", "python:3.12.v58", (640, 910), (96, 141))
    pool = Pool(warm=4)
    reqs = []
    for t in arrivals(rng, lambda m: rng.randint(13, 17)):
        r = Req(t, new_uuid(rng), "POST", "/payments", ext=extended_id(rng))
        if t >= WINDOW_START:  # the card network's authorisation calls slowed down
            d = rng.uniform(6100, 9500) if rng.random() < 0.4 else rng.uniform(1800, 5600)
        else:
            d = rng.uniform(380, 1150)
        invoke(rng, r, fn, pool, d)
        r.status = 402 if rng.random() < 0.05 else 201
        gateway(rng, r, 29000)
        reqs.append(r)

    ex, fl = Lines(), Lines()
    for r in reqs:
        execution_log(ex, r, region, fn)
        function_log(fl, rng, r, fn)
    desc = (
        "payments-api (REST, Regional, us-west-2) sends POST /payments to the Lambda function "
        "payments-processor, whose own timeout is 6 s while the integration keeps the default 29 s. At 02:10 "
        "the card network's authorisation calls slowed to 2-9 s; about four invocations in ten now end with "
        "`Task timed out after 6.01 seconds` in the function log (Duration Maximum about 6010 ms, Lambda "
        "Errors counting them), the execution log shows `Lambda execution failed with status 200 due to "
        "customer function error: ... Task timed out after 6.01 seconds` and the gateway answers 502. Each "
        "timed-out environment is reset, so the next request on it starts cold. The function gives up long "
        "before the gateway would: expected verdict function_timeout (raise the function timeout towards the "
        "integration's, or make the authorisation call faster)."
    )
    scen = {
        "name": "payments-api",
        "description": desc,
        "answers": ["payments-api-prod-5xx"],
        "expect": "function_timeout",
        "apis": [{
            "id": api_id,
            "name": api,
            "protocol": "rest",
            "endpoint_type": "REGIONAL",
            "stage": stage(stg, "INFO"),
            "integrations": [{
                "route": "POST /payments",
                "resource_id": "k2w9rt",
                "http_method": "POST",
                "type": "AWS_PROXY",
                "uri": rest_lambda_uri(region, fn.name),
            }],
        }],
        "metrics": api_metrics(reqs, "rest", api, stg) + lambda_metrics(reqs, fn),
        "logs": {
            f"API-Gateway-Execution-Logs_{api_id}/{stg}": ex.render(),
            f"/aws/lambda/{fn.name}": fl.render(),
        },
        "functions": [function_settings(fn, "x86_64", "2026-10-29T08:51:17.000Z", in_vpc=True)],
    }
    return scen, {"reqs": reqs, "timeout": 29000, "fn": fn}


# ---------------------------------------------------------------- 6. ingest-api


def ingest_api() -> tuple[dict, dict]:
    rng = random.Random("ingest-api")
    region, api_id, api, stg = "us-east-1", "g9v3h6s1md", "ingest-api", "prod"
    fn = Function("ingest-handler", region, 30, 512, "nodejs22.x", "nodejs:22.v41", (210, 340), (104, 139),
                  reserved=50)
    pool = Pool(warm=30, limit=50)
    # 02:10: a partner started replaying a day of events; reserved concurrency caps the function at 50.
    reqs = []
    for t in arrivals(rng, lambda m: rng.randint(3800, 4200) if m >= 30 else rng.randint(1050, 1300)):
        r = Req(t, new_uuid(rng), "POST", "/events", ext="")
        invoke(rng, r, fn, pool, rng.uniform(880, 1620))
        r.status = 202
        gateway(rng, r, 29000)
        reqs.append(r)

    # The recorded logs keep a sample of the window: every 250th request and every 300th invocation.
    ex, fl = Lines(), Lines()
    win = [r for r in reqs if in_window(r.start)]
    for k, r in enumerate(win):
        if k % 250 == 7:
            r.ext = extended_id(rng)
            execution_log(ex, r, region, fn)
    for k, r in enumerate(x for x in win if x.invoked):
        if k % 300 == 11:
            function_log(fl, rng, r, fn)
    desc = (
        "ingest-api (REST, Regional, us-east-1) sends POST /events to the Lambda function ingest-handler, "
        "which has a reserved concurrency of 50. At 02:10 a partner started replaying a day of events: "
        "requests went from about 1200 to about 4000 a minute, ConcurrentExecutions hit 50 and stayed "
        "there, and Lambda rejected the rest: Throttles sum to well over a thousand a minute, the execution "
        "log shows `Lambda invocation failed with status: 429` followed by `Method completed with status: "
        "500`, and the 5XX count follows the throttles. Invocations that got in still take about 1.2 s. The "
        "recorded logs are a sample (every 250th request, every 300th invocation). Expected verdict "
        "throttling (raise the reserved concurrency, and have the partner back off)."
    )
    scen = {
        "name": "ingest-api",
        "description": desc,
        "answers": ["ingest-api-prod-5xx"],
        "expect": "throttling",
        "apis": [{
            "id": api_id,
            "name": api,
            "protocol": "rest",
            "endpoint_type": "REGIONAL",
            "stage": stage(stg, "INFO"),
            "integrations": [{
                "route": "POST /events",
                "resource_id": "v5n1hs",
                "http_method": "POST",
                "type": "AWS_PROXY",
                "uri": rest_lambda_uri(region, fn.name),
            }],
        }],
        "metrics": api_metrics(reqs, "rest", api, stg) + lambda_metrics(reqs, fn),
        "logs": {
            f"API-Gateway-Execution-Logs_{api_id}/{stg}": ex.render(),
            f"/aws/lambda/{fn.name}": fl.render(),
        },
        "functions": [function_settings(fn, "arm64", "2026-11-18T11:27:40.000Z")],
    }
    return scen, {"reqs": reqs, "timeout": 29000, "fn": fn}


# ---------------------------------------------------------------- 7. inventory-http


def inventory_http() -> tuple[dict, dict]:
    rng = random.Random("inventory-http")
    region, api_id, stg = "us-east-1", "w4t6y8u0ie", "prod"
    route = "ANY /inventory/{proxy+}"
    listener = (f"arn:aws:elasticloadbalancing:{region}:{ACCOUNT}:listener/app/inventory-alb/"
                "50dc6c495c0c9188/0467ef3c8400ae65")
    lb = "app/inventory-alb/50dc6c495c0c9188"
    reqs = []
    for t in arrivals(rng, lambda m: rng.randint(36, 44)):
        sku = f"SKU-{rng.randint(10000, 99999)}"
        method = "GET" if rng.random() < 0.85 else "PUT"
        r = Req(t, extended_id(rng), method, f"/inventory/items/{sku}", ip=client_ip(rng))
        failing = t >= WINDOW_START - timedelta(seconds=40) and rng.random() < 0.68
        if failing:
            # The service's connection pool to its database is exhausted: it sheds load with 503.
            target = rng.uniform(4, 38)
            r.status = 503 if rng.random() < 0.85 else 502
            r.kind = "backend5xx"
            r.length = 95 if r.status == 503 else 122
        else:
            target = rng.uniform(38, 240) if t >= WINDOW_START else rng.uniform(30, 160)
            r.status = 200
            r.length = rng.randint(180, 900)
        r.extra["target_s"] = target / 1000
        r.extra["integration_status"] = r.status
        r.il = round(target + rng.uniform(2, 9))
        r.lat = round(r.il + rng.uniform(1, 6))
        reqs.append(r)

    al = Lines()
    for r in reqs:
        access_log(al, r, route)
    dims = {"LoadBalancer": lb}
    at = lambda r: r.start  # noqa: E731
    alb = [
        series("AWS/ApplicationELB", "TargetResponseTime", "p99", dims,
               rounded(per_minute(reqs, at, lambda r: r.extra["target_s"], "p99"), 4)),
        series("AWS/ApplicationELB", "TargetResponseTime", "Maximum", dims,
               rounded(per_minute(reqs, at, lambda r: r.extra["target_s"], "Maximum"), 4)),
        series("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", dims,
               per_minute(reqs, at, lambda r: 1 if r.status >= 500 else 0, "Sum")),
    ]
    desc = (
        "inventory-http (HTTP API w4t6y8u0ie, stage prod, us-east-1) proxies ANY /inventory/{proxy+} through "
        "the VPC link q8r7s6 to the internal Application Load Balancer inventory-alb. At 02:10 the inventory "
        "service's connection pool to its database ran dry and the service started shedding about two "
        "requests in three: the access log (JSON) shows 503 and some 502 with the same integration status, "
        "the ALB counts them as HTTPCode_Target_5XX_Count, and they come back fast (TargetResponseTime "
        "under 0.25 s, so nothing is timing out). A stage deployment at 01:35, 40 minutes before the alarm, is "
        "named as a suspect but changed only CORS settings. The targets themselves answer 5XX: expected "
        "verdict backend_errors. The file answers both the per-minute alarm inventory-http-5xx and the daily "
        "alarm inventory-http-5xx-daily, whose window is clamped to the 3 h before 02:15."
    )
    scen = {
        "name": "inventory-http",
        "description": desc,
        "answers": ["inventory-http-5xx", "inventory-http-5xx-daily"],
        "expect": "backend_errors",
        "apis": [{
            "id": api_id,
            "name": "inventory-http",
            "protocol": "http",
            "stage": stage(stg, access={
                "destination_arn": (f"arn:aws:logs:{region}:{ACCOUNT}:log-group:"
                                    "/aws/http-api/inventory-http/prod/access"),
                "format": HTTP_ACCESS_FORMAT,
            }),
            "integrations": [{
                "route": route,
                "integration_id": "2mv8c4r",
                "type": "HTTP_PROXY",
                "uri": listener,
                "vpc_link_id": "q8r7s6",
                "timeout_ms": 30000,
            }],
        }],
        "metrics": api_metrics(reqs, "http", api_id, stg) + alb,
        "logs": {"/aws/http-api/inventory-http/prod/access": al.render()},
        "changes": [{
            "at": "2026-11-24T01:35:08Z",
            "kind": "stage_deployment",
            "resource": f"{api_id}/{stg}",
            "actor": f"arn:aws:iam::{ACCOUNT}:user/priya.raman",
            "detail": "CreateDeployment 6hq2xk: allow PATCH in CORS configuration",
        }],
    }
    return scen, {"reqs": reqs, "timeout": 30000, "alb": alb}


# ---------------------------------------------------------------- 8. users-api


def users_api() -> tuple[dict, dict]:
    rng = random.Random("users-api")
    region, api_id, api, stg = "eu-central-1", "u6z1c8x3rb", "users-api", "prod"
    fn = Function("users-handler", region, 15, 256, "nodejs22.x", "nodejs:22.v41", (190, 380), (82, 117))
    deploy = at_minute(17, 4.0)  # 01:57:04
    pool = Pool(warm=3)
    replaced = False
    reqs = []
    for t in arrivals(rng, lambda m: rng.randint(12, 16)):
        r = Req(t, new_uuid(rng), "GET", f"/users/u-{rng.randint(1000, 99999)}", ext=extended_id(rng))
        if t >= deploy and not replaced:
            # New code: every environment is replaced, so the first request on each starts cold.
            pool.needs_init = [True] * len(pool.needs_init)
            replaced = True
        invoke(rng, r, fn, pool, rng.uniform(24, 118))
        # The new code returns `body` as an object on cache misses; cached profiles expired around 02:09.
        if t < deploy:
            bad = 0.0
        elif t < WINDOW_START:
            bad = 0.06
        else:
            bad = 0.72
        r.status = 404 if rng.random() < 0.04 else 200
        if rng.random() < bad:
            r.kind = "malformed"
        gateway(rng, r, 29000)
        if r.kind == "malformed":
            r.status = 502
        reqs.append(r)

    ex, fl = Lines(), Lines()
    for r in reqs:
        execution_log(ex, r, region, fn)
        function_log(fl, rng, r, fn)
    desc = (
        "users-api (REST, Regional, eu-central-1) serves GET /users/{id} from the Lambda function "
        "users-handler. At 01:57, 18 minutes before the alarm, a code update changed how profiles read from "
        "the database (cache misses) are returned: the handler now puts `body` into its proxy response as an "
        "object instead of a string. While cached profiles lasted only a few requests failed; when they "
        "expired at 02:10 about eight requests in ten began to fail with `Execution failed due to "
        "configuration error: Malformed Lambda proxy response` and a 502. The function itself succeeds, so "
        "Lambda Errors stay at 0, and nothing is slow or throttled. Expected verdict backend_errors (malformed "
        "proxy responses, with sample request ids), with the code update named as the suspect change."
    )
    scen = {
        "name": "users-api",
        "description": desc,
        "answers": ["users-api-prod-5xx"],
        "expect": "backend_errors",
        "apis": [{
            "id": api_id,
            "name": api,
            "protocol": "rest",
            "endpoint_type": "REGIONAL",
            "stage": stage(stg, "INFO"),
            "integrations": [{
                "route": "GET /users/{id}",
                "resource_id": "d8f3ja",
                "http_method": "GET",
                "type": "AWS_PROXY",
                "uri": rest_lambda_uri(region, fn.name),
            }],
        }],
        "metrics": api_metrics(reqs, "rest", api, stg) + lambda_metrics(reqs, fn),
        "logs": {
            f"API-Gateway-Execution-Logs_{api_id}/{stg}": ex.render(),
            f"/aws/lambda/{fn.name}": fl.render(),
        },
        "functions": [function_settings(fn, "arm64", "2026-11-24T01:57:04.000Z")],
        "changes": [{
            "at": "2026-11-24T01:57:04Z",
            "kind": "function_code",
            "resource": fn.name,
            "actor": actor("GitHubActionsDeployRole", "users-service-deploy-1187"),
            "detail": "UpdateFunctionCode: release 4.18.0 (CodeSha256 q3Lr8Vd1s0cX2mB7nT4yZ6kP9wH5jG0aE1uF3oI7bNc=)",
        }],
    }
    return scen, {"reqs": reqs, "timeout": 29000, "fn": fn}


# ---------------------------------------------------------------- 9. search-api


def search_api() -> tuple[dict, dict]:
    rng = random.Random("search-api")
    region, api_id, api, stg = "us-east-1", "s4n7y2e5jw", "search-api", "prod"
    fn = Function("search-handler", region, 10, 1024, "python3.12", "python:3.12.v58", (520, 790), (131, 188))
    auth = Function("search-authorizer", region, 10, 256, "nodejs22.x", "nodejs:22.v41", (230, 390), (71, 96))
    pool, auth_pool = Pool(warm=4), Pool(warm=8)
    reqs, auth_reqs = [], []
    for t in arrivals(rng, lambda m: rng.randint(10, 14)):
        q = rng.choice(["red+shoes", "usb-c+hub", "espresso+grinder", "rain+jacket", "desk+lamp", "hiking+boots"])
        r = Req(t, new_uuid(rng), "GET", "/search", ext=extended_id(rng))
        r.extra["q"] = q
        # The identity provider's key endpoint slowed down at 02:10; authorizer results are not cached.
        a_ms = rng.uniform(2900, 4050) if t >= WINDOW_START else rng.uniform(55, 170)
        a = Req(t + ms(2), "", "", "")
        invoke(rng, a, auth, auth_pool, a_ms)
        r.auth_ms = round(a.init + a.dur + rng.uniform(10, 25))
        auth_reqs.append(a)
        invoke(rng, r, fn, pool, rng.uniform(140, 330))
        r.status = 200
        gateway(rng, r, 29000)
        reqs.append(r)

    ex, fl, afl = Lines(), Lines(), Lines()
    for r in reqs:
        execution_log(ex, r, region, fn, authorizer=("8f2k1m", auth.name, f"user-{rng.randint(1000, 9999)}",
                                                     "".join(rng.choice(B64) for _ in range(4))))
        function_log(fl, rng, r, fn)
    for a in auth_reqs:
        function_log(afl, rng, a, auth)
    desc = (
        "search-api (REST, Regional, us-east-1) serves GET /search from the Lambda function search-handler, "
        "behind a Lambda TOKEN authorizer (search-authorizer) whose results are not cached. At 02:10 the "
        "identity provider's key endpoint slowed down and every authorizer call now takes 3.2-4.5 s: "
        "Latency p99 is 3500-4500 ms while IntegrationLatency p99 stays at 200-400 ms, and the execution log "
        "shows the gap between `Starting authorizer` and `Successfully completed authorizer execution`. "
        "There are no 5XX, no timeouts and no function errors. The time is spent in the gateway, before the "
        "integration: expected verdict gateway_overhead (look at the authorizer: cache its results, speed up "
        "its key lookup)."
    )
    scen = {
        "name": "search-api",
        "description": desc,
        "answers": ["search-api-prod-latency"],
        "expect": "gateway_overhead",
        "apis": [{
            "id": api_id,
            "name": api,
            "protocol": "rest",
            "endpoint_type": "REGIONAL",
            "stage": stage(stg, "INFO"),
            "integrations": [{
                "route": "GET /search",
                "resource_id": "h6t2bn",
                "http_method": "GET",
                "type": "AWS_PROXY",
                "uri": rest_lambda_uri(region, fn.name),
            }],
        }],
        "metrics": api_metrics(reqs, "rest", api, stg) + lambda_metrics(reqs, fn),
        "logs": {
            f"API-Gateway-Execution-Logs_{api_id}/{stg}": ex.render(),
            f"/aws/lambda/{fn.name}": fl.render(),
            f"/aws/lambda/{auth.name}": afl.render(),
        },
        "functions": [
            function_settings(fn, "x86_64", "2026-11-19T13:38:02.000Z"),
            function_settings(auth, "arm64", "2026-11-06T09:14:55.000Z"),
        ],
    }
    return scen, {"reqs": reqs, "timeout": 29000, "fn": fn}


# ---------------------------------------------------------------- 10. legacy-proxy


def legacy_proxy() -> tuple[dict, dict]:
    rng = random.Random("legacy-proxy")
    region, api_id, stg = "us-east-1", "m2q5r8t1zx", "prod"
    reqs = []
    for t in arrivals(rng, lambda m: rng.randint(280, 320)):
        r = Req(t, "", "GET", "/")
        failing = t >= WINDOW_START and rng.random() < 0.19
        if failing:
            r.il = round(rng.uniform(40, 2400))
            r.status = rng.choice([500, 502, 503])
        else:
            r.il = round(rng.uniform(60, 900) if rng.random() < 0.97 else rng.uniform(900, 1400))
            r.status = 200 if rng.random() < 0.996 or t >= WINDOW_START else 502
        r.lat = round(r.il + rng.uniform(2, 9))
        reqs.append(r)
    desc = (
        "legacy-proxy (HTTP API m2q5r8t1zx, stage prod, us-east-1) forwards ANY /{proxy+} to "
        "https://legacy.example.com/{proxy} over the internet. Its alarm is a metric-math 5xx rate "
        "(100*m1/m2 over 5xx and Count). Since 02:10 about one request in five fails with a 5xx, but the "
        "API records nothing else: HTTP APIs have no execution log, no access log is configured on the stage, "
        "there is no X-Ray, and the backend is not a Lambda function or a load balancer with metrics of its "
        "own. Latency and IntegrationLatency stay close to each other and far from the 30 s limit, so "
        "nothing is being cut. What is visible cannot tell a backend error from a connection failure: expected "
        "verdict insufficient_evidence, with the commands to turn on an access log that carries status, "
        "integration status, integration error and integration latency."
    )
    scen = {
        "name": "legacy-proxy",
        "description": desc,
        "answers": ["legacy-proxy-5xx-rate"],
        "expect": "insufficient_evidence",
        "apis": [{
            "id": api_id,
            "name": "legacy-proxy",
            "protocol": "http",
            "stage": stage(stg),
            "integrations": [{
                "route": "ANY /{proxy+}",
                "integration_id": "7fj3k2x",
                "type": "HTTP_PROXY",
                "uri": "https://legacy.example.com/{proxy}",
            }],
        }],
        "metrics": api_metrics(reqs, "http", api_id, stg),
    }
    return scen, {"reqs": reqs, "timeout": 30000}


# ---------------------------------------------------------------- rule figures


def figures(name: str, scen: dict, sim: dict) -> dict:
    """The numbers each rule of docs/rules reads, from the scenario's own window (02:10-02:15)."""
    def get(metric, stat, ns=None):
        for s in scen.get("metrics", []):
            if s["name"] == metric and s["stat"] == stat and (ns is None or s["namespace"] == ns):
                return s
        return None

    def wmax(metric, stat, ns=None):
        s = get(metric, stat, ns)
        v = window_values(s) if s else []
        return max(v) if v else None

    def wsum(metric, stat, ns=None):
        s = get(metric, stat, ns)
        v = window_values(s) if s else []
        return sum(v) if v else None

    def bmax(metric, stat):
        s = get(metric, stat)
        v = baseline_values(s) if s else []
        return (min(v), max(v)) if v else None

    f: dict = {}
    text = "\n".join(l for ls in scen.get("logs", {}).values() for l in ls)
    f["timeout_lines"] = text.count("Execution failed due to a timeout error")
    f["429_lines"] = text.count("Lambda invocation failed with status: 429")
    f["fnerr_lines"] = text.count("due to customer function error")
    f["malformed_lines"] = text.count("Malformed Lambda proxy response")
    f["task_timed_out"] = sum(1 for g, ls in scen.get("logs", {}).items() if g.startswith("/aws/lambda/")
                              for l in ls if " Task timed out after " in l and "customer function" not in l)
    f["5xx_sum"] = wsum("5XXError", "Sum") or wsum("5xx", "Sum") or 0
    f["throttles"] = wsum("Throttles", "Sum")
    f["lambda_errors"] = wsum("Errors", "Sum")
    f["conc_max"] = wmax("ConcurrentExecutions", "Maximum")
    f["dur_max"] = wmax("Duration", "Maximum")
    dp = get("Duration", "p99")
    f["dur_p99_window"] = (min(window_values(dp)), max(window_values(dp))) if dp else None
    f["dur_p99_baseline"] = bmax("Duration", "p99")
    f["il_max"] = wmax("IntegrationLatency", "Maximum")
    f["il_p99"] = (lambda s: (min(window_values(s)), max(window_values(s))))(get("IntegrationLatency", "p99"))
    f["lat_p99"] = (lambda s: (min(window_values(s)), max(window_values(s))))(get("Latency", "p99"))
    f["il_max_baseline"] = bmax("IntegrationLatency", "Maximum")
    f["alb_5xx"] = wsum("HTTPCode_Target_5XX_Count", "Sum")
    f["alb_trt_max_s"] = wmax("TargetResponseTime", "Maximum")
    # Function log: cold starts and warm durations in the window.
    warm, cold_total = [], []
    for g, ls in scen.get("logs", {}).items():
        if not g.startswith("/aws/lambda/") or g.endswith("authorizer"):
            continue
        for l in ls:
            if "REPORT RequestId:" not in l:
                continue
            parts = dict(p.split(": ", 1) for p in l.split(" ", 1)[1].split("\t") if ": " in p)
            d = float(parts["Duration"].split()[0])
            if "Init Duration" in parts:
                cold_total.append(d + float(parts["Init Duration"].split()[0]))
            else:
                warm.append(d)
    f["warm_p99"] = p99(warm) if warm else None
    s5 = get("5XXError", "Sum") or get("5xx", "Sum")
    f["5xx_per_minute"] = s5["values"][30:35]
    f["count_per_minute"] = get("Count", "Sum")["values"][30:35]
    f["cold_totals"] = (len(cold_total), min(cold_total, default=None), max(cold_total, default=None))
    access = [json.loads(l.split(" ", 1)[1]) for g, ls in scen.get("logs", {}).items() if "access" in g for l in ls]
    f["access_statuses"] = {}
    for a in access:
        f["access_statuses"][a["status"]] = f["access_statuses"].get(a["status"], 0) + 1
    f["traces_max_share"] = None
    if scen.get("traces"):
        shares = []
        for t in scen["traces"]:
            if not (WINDOW_START.isoformat()[:16] <= t["at"][:16] < WINDOW_END.isoformat()[:16]):
                continue
            top = max(s["duration_ms"] for s in t["subsegments"])
            shares.append((top / t["duration_ms"], t["subsegments"][0]["name"]))
        f["traces_max_share"] = (round(min(s for s, _ in shares), 2), round(max(s for s, _ in shares), 2),
                                 sorted({n for _, n in shares}))
    return f


def check(name: str, scen: dict, f: dict) -> list[str]:
    """The intended rule holds and the earlier ones do not (rules as in the diagnosis brief)."""
    problems = []

    def need(cond, what):
        if not cond:
            problems.append(what)

    api = scen["apis"][0]
    integ = api["integrations"][0]
    platform = 29000 if api["protocol"] == "rest" else 30000
    effective = integ.get("timeout_ms") or platform
    fn = (scen.get("functions") or [None])[0]
    failures = f["timeout_lines"] + f["429_lines"] + f["fnerr_lines"] + f["malformed_lines"]
    throttling = (failures and f["429_lines"] >= 0.2 * failures) or (
        (f["throttles"] or 0) >= 1 and (f["throttles"] or 0) >= 0.2 * max(f["5xx_sum"], 1))
    fn_timeout = bool(fn) and fn["timeout_s"] * 1000 < effective and (
        f["task_timed_out"] > 0 or f["fnerr_lines"] > 0 or (f["dur_max"] or 0) >= 0.97 * fn["timeout_s"] * 1000)
    cut = f["timeout_lines"] > 0 or f["access_statuses"].get("504", 0) > 0 or (f["il_max"] or 0) >= 0.95 * effective
    n_cold, cold_min, _ = f["cold_totals"]
    cold = cut and n_cold > 0 and (cold_min or 0) > effective and (f["warm_p99"] or 0) < 0.8 * effective
    custom = integ.get("timeout_ms") is not None and integ["timeout_ms"] < platform
    too_low = cut and custom and effective < (f["dur_max"] or 0) < platform
    expected = scen["expect"]
    order = ["throttling", "function_timeout", "cold_start", "integration_timeout_too_low"]
    held = {"throttling": bool(throttling), "function_timeout": fn_timeout, "cold_start": cold,
            "integration_timeout_too_low": too_low}
    for rule in order:
        if rule == expected:
            need(held[rule], f"{rule} should hold")
            break
        need(not held[rule], f"{rule} should not hold")
    if expected == "hard_limit":
        need(f["il_p99"][0] >= 0.9 * platform, "IntegrationLatency p99 at >= 90% of the platform max")
        need(f["dur_p99_window"][0] >= platform, "Duration p99 in the window >= platform max")
        need(f["dur_p99_baseline"][0] >= 0.8 * platform, "baseline Duration p99 >= 80% of platform max")
        need(f["traces_max_share"][1] < 0.4, "no dependency at >= 40% of a trace")
    if expected == "backend_slow":
        need(not cut, "nothing cut")
        need(f["il_max"] < 0.9 * platform, "latency below the hard limit")
        need(f["traces_max_share"][0] >= 0.7 and f["traces_max_share"][1] <= 0.85, "payments at 70-85%")
    if expected in ("backend_errors", "gateway_overhead", "insufficient_evidence"):
        need(not cut, "nothing cut")
    if expected == "gateway_overhead":
        need(f["5xx_sum"] == 0, "no 5XX")
        need(f["lat_p99"][0] - f["il_p99"][1] >= 1000, "Latency p99 - IntegrationLatency p99 >= 1000 ms")
    if expected == "insufficient_evidence":
        need(f["lat_p99"][1] - f["il_p99"][0] < 1000, "no gateway overhead")
        need(not scen.get("logs") and not scen.get("traces"), "nothing but metrics")
    return problems


# ---------------------------------------------------------------- output


def render(value, indent: int = 0) -> str:
    """JSON with short objects and number arrays on one line, everything else one item a line."""
    pad = "  " * indent
    compact = json.dumps(value, ensure_ascii=False)
    if isinstance(value, list) and all(v is None or isinstance(v, (int, float)) for v in value):
        return compact.replace(",", ", ").replace(",  ", ", ")
    if isinstance(value, (dict, list)) and len(compact) + len(pad) < 110 and "\n" not in compact:
        nested = any(isinstance(v, (dict, list)) and v for v in (value.values() if isinstance(value, dict) else value))
        if not nested or len(compact) < 80:
            return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = [f'{pad}  {json.dumps(k)}: {render(v, indent + 1)}' for k, v in value.items()]
        return "{\n" + ",\n".join(inner) + "\n" + pad + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        inner = [f"{pad}  {render(v, indent + 1)}" for v in value]
        return "[\n" + ",\n".join(inner) + "\n" + pad + "]"
    return compact


BUILDERS = [orders_api, reports_api, checkout_http, catalog_api, payments_api, ingest_api, inventory_http,
            users_api, search_api, legacy_proxy]


def main() -> int:
    check_only = "--check" in sys.argv[1:]
    failed = False
    for build in BUILDERS:
        scen, sim = build()
        name = scen["name"]
        text = render(scen) + "\n"
        path = HERE / f"{name}.json"
        if check_only:
            if not path.exists() or path.read_text() != text:
                print(f"{path.name}: differs from what generate.py writes")
                failed = True
        else:
            path.write_text(text)
        f = figures(name, scen, sim)
        problems = check(name, scen, f)
        failed |= bool(problems)
        shown = {k: v for k, v in f.items() if v not in (None, 0, {}, (0, None, None))}
        print(f"{name} -> {scen['expect']}: {len(text) // 1024} KiB")
        for k, v in shown.items():
            print(f"    {k}: {v}")
        for p in problems:
            print(f"    PROBLEM: {p}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
