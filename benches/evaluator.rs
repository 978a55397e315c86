//! Throughput of the log evaluators (src/evidence/logs/evaluate.rs) on generated logs of a
//! million lines, on one thread, with the heap each evaluator holds at its peak.
//!
//! The execution log is what a REST stage logs at INFO without data tracing: about twelve lines
//! a request, sixteen requests in flight interleaved, 4% of them failing in the four ways the
//! evaluator classifies. The generator's own counts are checked against the evaluator's answer,
//! so a fast wrong answer cannot pass for a fast one.

mod common;

use common::{percentile, summary};
use gateway_doctor::evidence::logs::FailureClass;
use gateway_doctor::evidence::logs::evaluate::{
    AccessLogEvaluator, ExecutionLogEvaluator, FunctionLogEvaluator,
};
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const LINES: usize = 1_000_000;
const RUNS: usize = 5;
/// Lines and runs in a smoke run (`cargo test`, unoptimised).
const SMOKE: (usize, usize) = (20_000, 1);

// -------------------------------------------------------------------------------------------
// Heap accounting
// -------------------------------------------------------------------------------------------

/// The system allocator, counting the bytes live and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is passed to `System` unchanged; only counters are kept beside it.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Starts a new peak from what is live now; returns what is live.
fn reset_peak() -> usize {
    let live = LIVE.load(Ordering::Relaxed);
    PEAK.store(live, Ordering::Relaxed);
    live
}

// -------------------------------------------------------------------------------------------
// Generated logs
// -------------------------------------------------------------------------------------------

/// xorshift64*: reproducible and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn uuid(&mut self) -> String {
        let (a, b) = (self.next(), self.next());
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            (b >> 48) | 0x8000,
            b & 0xffff_ffff_ffff
        )
    }
}

const LAMBDA: &str = "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:orders-handler/invocations";

#[derive(Debug, Default, PartialEq)]
struct Expected {
    requests: u64,
    timeouts: u64,
    function_errors: u64,
    malformed: u64,
    throttled: u64,
}

/// One request's execution log lines, as API Gateway writes them at INFO.
fn request_lines(rng: &mut Rng, expected: &mut Expected) -> Vec<String> {
    let id = rng.uuid();
    let mut body: Vec<String> = vec![
        format!("Extended Request Id: {}=", &rng.uuid()[..16]),
        format!("Starting execution for request: {id}"),
        format!(
            "HTTP Method: GET, Resource Path: /orders/{}",
            rng.below(100_000)
        ),
        format!("Method request path: {{id={}}}", rng.below(100_000)),
        "Method request query string: {}".to_string(),
        format!("Endpoint request URI: {LAMBDA}"),
        format!("Sending request to {LAMBDA}"),
    ];
    let latency = 20 + rng.below(400) + if rng.below(100) == 0 { 3_000 } else { 0 };
    match rng.below(100) {
        0 => {
            expected.timeouts += 1;
            body.push("Execution failed due to a timeout error".into());
            body.push("Method completed with status: 504".into());
        }
        1 => {
            expected.function_errors += 1;
            body.push(format!(
                "Lambda execution failed with status 200 due to customer function error: Task timed out after 3.00 seconds. Lambda request id: {}",
                rng.uuid()
            ));
            body.push("Method completed with status: 502".into());
        }
        2 => {
            expected.malformed += 1;
            body.push(format!(
                "Received response. Status: 200, Integration latency: {latency} ms"
            ));
            body.push(
                "Execution failed due to configuration error: Malformed Lambda proxy response"
                    .into(),
            );
            body.push("Method completed with status: 502".into());
        }
        3 => {
            expected.throttled += 1;
            body.push("Lambda invocation failed with status: 429. Lambda request id: 7".into());
            body.push(
                "Execution failed due to configuration error: Lambda invocation failed".into(),
            );
            body.push("Method completed with status: 500".into());
        }
        _ => {
            body.push(format!(
                "Received response. Status: 200, Integration latency: {latency} ms"
            ));
            body.push(format!(
                "Method response headers: {{X-Amzn-Trace-Id=Root=1-{:08x}-{:024x}, Content-Type=application/json}}",
                rng.next() >> 32,
                rng.next()
            ));
            body.push("Successfully completed execution".into());
            body.push("Method completed with status: 200".into());
        }
    }
    body.push(format!(
        "AWS Integration Endpoint RequestId : {}",
        rng.uuid()
    ));
    expected.requests += 1;
    body.into_iter().map(|b| format!("({id}) {b}")).collect()
}

/// A million execution log lines (and the few more that finish the last requests), from
/// requests interleaved sixteen at a time.
fn execution_log(rng: &mut Rng, count: usize) -> (Vec<(i64, String)>, Expected) {
    let mut expected = Expected::default();
    let mut lines = Vec::with_capacity(count + 16 * 16);
    let mut in_flight: Vec<std::vec::IntoIter<String>> = Vec::new();
    let mut at_ms = 1_795_000_000_000_i64;
    while lines.len() < count || !in_flight.is_empty() {
        while lines.len() < count && in_flight.len() < 16 {
            in_flight.push(request_lines(rng, &mut expected).into_iter());
        }
        let pick = rng.below(in_flight.len() as u64) as usize;
        match in_flight[pick].next() {
            Some(line) => {
                at_ms += rng.below(3) as i64;
                lines.push((at_ms, line));
            }
            None => {
                in_flight.swap_remove(pick);
            }
        }
    }
    (lines, expected)
}

fn function_log(rng: &mut Rng, count: usize) -> Vec<String> {
    let mut lines = Vec::with_capacity(count);
    while lines.len() < count {
        let id = rng.uuid();
        lines.push(format!("START RequestId: {id} Version: $LATEST"));
        lines.push(format!(
            "2026-11-24T02:10:00.000Z\t{id}\tINFO\tloaded order {}",
            rng.below(100_000)
        ));
        lines.push(format!("END RequestId: {id}"));
        let init = if rng.below(50) == 0 {
            format!(
                "\tInit Duration: {}.{:02} ms",
                200 + rng.below(800),
                rng.below(100)
            )
        } else {
            String::new()
        };
        lines.push(format!(
            "REPORT RequestId: {id}\tDuration: {d}.{c:02} ms\tBilled Duration: {b} ms\tMemory Size: 512 MB\tMax Memory Used: {m} MB{init}",
            d = 20 + rng.below(900),
            c = rng.below(100),
            b = 21 + rng.below(900),
            m = 80 + rng.below(100)
        ));
    }
    lines.truncate(count);
    lines
}

const ACCESS_FORMAT: &str = r#"{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","requestTime":"$context.requestTime","httpMethod":"$context.httpMethod","routeKey":"$context.routeKey","path":"$context.path","status":"$context.status","protocol":"$context.protocol","responseLength":"$context.responseLength","responseLatency":"$context.responseLatency","integrationLatency":"$context.integrationLatency","integrationStatus":"$context.integration.status","integrationError":"$context.integration.error"}"#;

fn access_log(rng: &mut Rng, count: usize) -> Vec<String> {
    (0..count)
        .map(|_| {
            let failing = rng.below(25) == 0;
            let (status, error) = if failing {
                ("504", "Integration timeout")
            } else {
                ("200", "-")
            };
            let latency = 20 + rng.below(900);
            format!(
                r#"{{"requestId":"{}","ip":"203.0.113.{}","requestTime":"24/Nov/2026:02:10:{:02} +0000","httpMethod":"GET","routeKey":"GET /orders/{{id}}","path":"/orders/{}","status":"{status}","protocol":"HTTP/1.1","responseLength":"{}","responseLatency":"{}","integrationLatency":"{latency}","integrationStatus":"{status}","integrationError":"{error}"}}"#,
                rng.uuid(),
                rng.below(255),
                rng.below(60),
                rng.below(100_000),
                rng.below(4_000),
                latency + 3
            )
        })
        .collect()
}

// -------------------------------------------------------------------------------------------
// Measuring
// -------------------------------------------------------------------------------------------

struct Figures {
    lines_per_s: Vec<f64>,
    mib_per_s: Vec<f64>,
    peak_heap: usize,
}

fn measure(runs: usize, lines: usize, bytes: usize, mut evaluate: impl FnMut()) -> Figures {
    let mut f = Figures {
        lines_per_s: Vec::new(),
        mib_per_s: Vec::new(),
        peak_heap: 0,
    };
    for _ in 0..runs {
        let live = reset_peak();
        let started = Instant::now();
        evaluate();
        let took: Duration = started.elapsed();
        f.peak_heap = f.peak_heap.max(PEAK.load(Ordering::Relaxed) - live);
        f.lines_per_s.push(lines as f64 / took.as_secs_f64());
        f.mib_per_s
            .push(bytes as f64 / 1024.0 / 1024.0 / took.as_secs_f64());
    }
    f
}

fn report(name: &str, f: &Figures) -> String {
    let median = percentile(&f.lines_per_s, 50.0);
    let best = percentile(&f.lines_per_s, 100.0);
    println!(
        "  {name:<10} median {:>5.2} M lines/s ({:>6.1} MiB/s), best {:>5.2} M lines/s, heap at peak {:.2} MiB",
        median / 1e6,
        percentile(&f.mib_per_s, 50.0),
        best / 1e6,
        f.peak_heap as f64 / 1024.0 / 1024.0
    );
    format!(
        "{:.2} M lines/s median (best {:.2}), heap at peak {:.2} MiB",
        median / 1e6,
        best / 1e6,
        f.peak_heap as f64 / 1024.0 / 1024.0
    )
}

fn main() {
    let (count, runs) = if common::smoke() {
        SMOKE
    } else {
        (LINES, RUNS)
    };
    println!(
        "== log evaluators, {count} generated lines, {runs} runs each, one thread ({})",
        common::machine()
    );
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);

    let (exec, expected) = execution_log(&mut rng, count);
    let exec_bytes: usize = exec.iter().map(|(_, l)| l.len()).sum();
    let mut last = None;
    let f = measure(runs, exec.len(), exec_bytes, || {
        let mut e = ExecutionLogEvaluator::new();
        for (at, line) in &exec {
            e.push(*at, line);
        }
        last = Some(black_box(e.finish()));
    });
    let s = last.expect("the evaluator ran");
    let got = Expected {
        requests: s.requests,
        timeouts: s.failures_of(FailureClass::IntegrationTimeout),
        function_errors: s.failures_of(FailureClass::FunctionError),
        malformed: s.failures_of(FailureClass::MalformedProxyResponse),
        throttled: s.failures_of(FailureClass::Throttled),
    };
    if got != expected {
        eprintln!("the execution log evaluator miscounted: expected {expected:?}, got {got:?}");
        std::process::exit(1);
    }
    println!(
        "  execution log: {} requests, {} MiB, {} failing; evaluator agrees with the generator",
        expected.requests,
        exec_bytes / 1024 / 1024,
        s.total_failures()
    );
    let line = report("execution", &f);
    summary(&format!(
        "execution log evaluator ({} lines, {} requests): {line} (target > 1 M lines/s on one core)",
        exec.len(),
        expected.requests
    ));
    drop(exec);

    let function = function_log(&mut rng, count);
    let bytes = function.iter().map(String::len).sum();
    let f = measure(runs, function.len(), bytes, || {
        let mut e = FunctionLogEvaluator::new();
        for line in &function {
            e.push(line);
        }
        black_box(e.finish());
    });
    summary(&format!(
        "function log evaluator: {}",
        report("function", &f)
    ));
    drop(function);

    let access = access_log(&mut rng, count);
    let bytes = access.iter().map(String::len).sum();
    let f = measure(runs, access.len(), bytes, || {
        let mut e = AccessLogEvaluator::new(ACCESS_FORMAT);
        for line in &access {
            e.push(line);
        }
        black_box(e.finish());
    });
    summary(&format!(
        "access log evaluator (JSON): {}",
        report("access", &f)
    ));
    if let Some(kib) = common::peak_rss_kib(std::process::id()) {
        println!(
            "  process peak RSS {:.0} MiB (mostly the generated logs held in memory)",
            kib as f64 / 1024.0
        );
    }
}
