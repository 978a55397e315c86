//! Shared by the bench binaries: where figures go, and order statistics.

#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

/// `cargo bench` passes `--bench`; `cargo test --all-targets` (so `make test`) runs the same
/// binary without it, and then a bench only checks, briefly, that it still works.
pub fn smoke() -> bool {
    let smoke = !std::env::args().any(|a| a == "--bench");
    if smoke {
        println!(
            "smoke run (not under `cargo bench`): a small, quick pass; its figures mean nothing"
        );
    }
    smoke
}

/// Prints a headline figure and appends it to the file named by `GATEWAY_DOCTOR_BENCH_SUMMARY`
/// (set by `make bench`, which prints that file at the end).
pub fn summary(line: &str) {
    println!("{line}");
    let Some(path) = std::env::var_os("GATEWAY_DOCTOR_BENCH_SUMMARY") else {
        return;
    };
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| writeln!(f, "{line}"));
    if let Err(e) = written {
        eprintln!("could not append to {}: {e}", PathBuf::from(path).display());
    }
}

/// Nearest-rank percentile of `values` (sorted here).
pub fn percentile(values: &[f64], p: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// `VmHWM` (peak resident set) of a process, in KiB, from `/proc/PID/status`.
pub fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// The machine, for the record.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|m| m.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or_else(
            || "unknown memory".into(),
            |kib| format!("{:.1} GiB", kib as f64 / 1024.0 / 1024.0),
        );
    format!(
        "{cores} cores, {cpu}, {memory}, {} {}",
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}
