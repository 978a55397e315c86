//! Cold start: the release binary, exec'd as Lambda would, under a minimal Lambda Runtime API
//! served here. Measures exec -> first `next` (init), `next` -> response (one diagnosis from the
//! bundled scenarios), and the process's peak resident memory (`VmHWM`) after the invocation.
//!
//! The binary is `GATEWAY_DOCTOR_BIN` when set (`make bench` sets it to what `cargo build
//! --release` produced), else the one cargo built for this bench. `GATEWAY_DOCTOR_BOOTSTRAP`
//! names the arm64 `bootstrap` from `cargo lambda build --release --arm64`, to report its size.

mod common;

use common::{ms, peak_rss_kib, percentile, summary};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const RUNS: usize = 20;
const EVENT: &str = "events/rest-integration-timeout-too-low.json";
const REQUEST_ID: &str = "8476a536-e9f4-11e8-9739-2dfe598c3fcd";
const FUNCTION_ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:gateway-doctor";
const PATIENCE: Duration = Duration::from_secs(30);

/// What the runtime API saw, in order.
#[derive(Debug)]
enum Seen {
    Next { at: Instant },
    Response { at: Instant, body: Vec<u8> },
    Error { body: Vec<u8> },
}

/// One HTTP/1.1 request: method, path and body (Content-Length or chunked).
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<(String, String, Vec<u8>)> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next()?.to_string(), parts.next()?.to_string());
    let (mut length, mut chunked) = (0usize, false);
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().ok()?,
            "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
            _ => {}
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).ok()?;
            let size = usize::from_str_radix(size.trim().split(';').next()?, 16).ok()?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).ok()?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    } else {
        body.resize(length, 0);
        reader.read_exact(&mut body).ok()?;
    }
    Some((method, path, body))
}

/// Serves one connection of the runtime client: the first `next` gets the event, a later one
/// is left waiting (the bench then reads the process's memory and stops it).
fn serve(
    stream: TcpStream,
    event: &[u8],
    served: &std::sync::atomic::AtomicBool,
    tx: &Sender<Seen>,
) {
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    while let Some((method, path, body)) = read_request(&mut reader) {
        let at = Instant::now();
        if method == "GET" && path.ends_with("/runtime/invocation/next") {
            let _ = tx.send(Seen::Next { at });
            if served.swap(true, std::sync::atomic::Ordering::SeqCst) {
                // Lambda freezes the environment here; the bench kills it instead.
                std::thread::sleep(PATIENCE);
                return;
            }
            let deadline = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() + 60_000);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nLambda-Runtime-Aws-Request-Id: {REQUEST_ID}\r\nLambda-Runtime-Deadline-Ms: {deadline}\r\nLambda-Runtime-Invoked-Function-Arn: {FUNCTION_ARN}\r\nLambda-Runtime-Trace-Id: Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1\r\nContent-Length: {}\r\n\r\n",
                event.len()
            );
            if writer
                .write_all(head.as_bytes())
                .and_then(|()| writer.write_all(event))
                .is_err()
            {
                return;
            }
        } else {
            let seen = if path.ends_with("/response") {
                Seen::Response { at, body }
            } else {
                Seen::Error { body }
            };
            let _ = tx.send(seen);
            let ok = b"{\"status\":\"OK\"}";
            let head = format!(
                "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                ok.len()
            );
            if writer
                .write_all(head.as_bytes())
                .and_then(|()| writer.write_all(ok))
                .is_err()
            {
                return;
            }
        }
    }
}

/// One cold start's figures.
struct Start {
    init: Duration,
    invocation: Duration,
    peak_rss_kib: u64,
    verdict: String,
}

fn cold_start(bin: &Path, event: &'static [u8]) -> Result<Start, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("bind: {e}"))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let (tx, rx): (Sender<Seen>, Receiver<Seen>) = channel();
    let served: &'static std::sync::atomic::AtomicBool =
        Box::leak(Box::new(std::sync::atomic::AtomicBool::new(false)));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let tx = tx.clone();
            std::thread::spawn(move || serve(stream, event, served, &tx));
        }
    });

    let started = Instant::now();
    let mut child = Command::new(bin)
        .env_clear()
        .env("AWS_LAMBDA_RUNTIME_API", format!("127.0.0.1:{port}"))
        .env("AWS_LAMBDA_FUNCTION_NAME", "gateway-doctor")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "2026/11/24/[$LATEST]bench")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/gateway-doctor")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("GATEWAY_DOCTOR_SOURCES", "recorded")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    let pid = child.id();

    let outcome = (|| {
        let wait = |what: &str| {
            rx.recv_timeout(PATIENCE)
                .map_err(|_| format!("no {what} within {} s", PATIENCE.as_secs()))
        };
        let Seen::Next { at: ready } = wait("first `next`")? else {
            return Err("the first request was not `next`".to_string());
        };
        let (answered, body) = match wait("response")? {
            Seen::Response { at, body } => (at, body),
            Seen::Error { body, .. } => {
                return Err(format!(
                    "the invocation failed: {}",
                    String::from_utf8_lossy(&body)
                ));
            }
            Seen::Next { .. } => return Err("`next` again before any response".into()),
        };
        // The runtime asks for the next event once the response is posted: the diagnosis is over.
        let _ = wait("second `next`")?;
        let peak = peak_rss_kib(pid).ok_or("no /proc/PID/status VmHWM")?;
        let out: serde_json::Value =
            serde_json::from_slice(&body).map_err(|e| format!("the response is not JSON: {e}"))?;
        let verdict = out["reports"][0]["verdict"]
            .as_str()
            .ok_or_else(|| format!("the response has no report: {out}"))?
            .to_string();
        Ok(Start {
            init: ready - started,
            invocation: answered - ready,
            peak_rss_kib: peak,
            verdict,
        })
    })();
    let _ = child.kill();
    let _ = child.wait();
    outcome
}

/// Size in MB (10^6 bytes), as the 12 MB target counts.
fn size_mb(path: &Path) -> Option<f64> {
    std::fs::metadata(path).ok().map(|m| m.len() as f64 / 1e6)
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bin = std::env::var_os("GATEWAY_DOCTOR_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_gateway-doctor")));
    let event: &'static [u8] = Box::leak(
        std::fs::read(root.join(EVENT))
            .unwrap_or_else(|e| panic!("{EVENT}: {e}"))
            .into_boxed_slice(),
    );
    println!("== cold start ({})", common::machine());
    println!("binary: {}", bin.display());

    let runs = if common::smoke() { 1 } else { RUNS };
    // One unmeasured start pulls the binary into the page cache, as a warm Lambda host has it.
    if let Err(e) = cold_start(&bin, event) {
        eprintln!("cold start failed: {e}");
        std::process::exit(1);
    }
    let mut starts = Vec::new();
    for _ in 0..runs {
        match cold_start(&bin, event) {
            Ok(s) => starts.push(s),
            Err(e) => {
                eprintln!("cold start failed: {e}");
                std::process::exit(1);
            }
        }
    }
    let init: Vec<f64> = starts.iter().map(|s| ms(s.init)).collect();
    let invocation: Vec<f64> = starts.iter().map(|s| ms(s.invocation)).collect();
    let rss: Vec<f64> = starts
        .iter()
        .map(|s| s.peak_rss_kib as f64 / 1024.0)
        .collect();
    println!("event: {EVENT} -> verdict {}", starts[0].verdict);
    println!("{runs} cold starts:        p50       p90       max");
    println!(
        "  init (exec -> next)  {:7.1} ms {:7.1} ms {:7.1} ms",
        percentile(&init, 50.0),
        percentile(&init, 90.0),
        percentile(&init, 100.0)
    );
    println!(
        "  next -> response     {:7.1} ms {:7.1} ms {:7.1} ms",
        percentile(&invocation, 50.0),
        percentile(&invocation, 90.0),
        percentile(&invocation, 100.0)
    );
    println!(
        "  peak RSS (VmHWM)     {:7.1} MiB{:7.1} MiB{:7.1} MiB",
        percentile(&rss, 50.0),
        percentile(&rss, 90.0),
        percentile(&rss, 100.0)
    );

    let native = size_mb(&bin).unwrap_or(f64::NAN);
    summary(&format!(
        "cold start: init p50 {:.1} ms (max {:.1}; target < 50), diagnosis {:.1} ms, peak RSS {:.1} MiB (max {:.1}; target < 40), native {} binary {:.2} MB",
        percentile(&init, 50.0),
        percentile(&init, 100.0),
        percentile(&invocation, 50.0),
        percentile(&rss, 50.0),
        percentile(&rss, 100.0),
        std::env::consts::ARCH,
        native
    ));
    let bootstrap = std::env::var_os("GATEWAY_DOCTOR_BOOTSTRAP").map(PathBuf::from);
    match bootstrap
        .as_deref()
        .and_then(|p| size_mb(p).map(|s| (p, s)))
    {
        Some((path, mb)) => summary(&format!(
            "bootstrap (arm64, cargo lambda build --release --arm64): {mb:.2} MB (target < 12 MB) at {}",
            path.display()
        )),
        None => summary(
            "bootstrap (arm64): not measured (`make bench` builds it when cargo-lambda is installed: `pip install cargo-lambda`)",
        ),
    }
}
