//! The live adapters against moto's AWS emulator, for what it serves faithfully (API Gateway REST
//! and v2 configuration, Lambda configuration), as one test binary with shared helpers.
//! Run through `scripts/with-moto cargo test --test moto`: it starts the server and exports
//! `MOTO_ENDPOINT` and dummy credentials.

mod api;
mod delivery;
mod functions;
mod handler;
mod incidents;
mod logs;
mod secrets;
mod sns;

use aws_config::{BehaviorVersion, SdkConfig};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The emulator's address; a moto test never passes silently without one.
pub fn endpoint() -> String {
    std::env::var("MOTO_ENDPOINT").unwrap_or_else(|_| {
        panic!("MOTO_ENDPOINT is unset: run through scripts/with-moto (make test does)")
    })
}

pub async fn sdk_config() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(endpoint())
        .region("us-east-1")
        .load()
        .await
}

pub async fn apigateway() -> aws_sdk_apigateway::Client {
    aws_sdk_apigateway::Client::from_conf(
        aws_sdk_apigateway::config::Builder::from(&sdk_config().await).build(),
    )
}

pub async fn apigatewayv2() -> aws_sdk_apigatewayv2::Client {
    aws_sdk_apigatewayv2::Client::from_conf(
        aws_sdk_apigatewayv2::config::Builder::from(&sdk_config().await).build(),
    )
}

pub async fn lambda() -> aws_sdk_lambda::Client {
    aws_sdk_lambda::Client::from_conf(
        aws_sdk_lambda::config::Builder::from(&sdk_config().await).build(),
    )
}

pub async fn secretsmanager() -> aws_sdk_secretsmanager::Client {
    aws_sdk_secretsmanager::Client::from_conf(
        aws_sdk_secretsmanager::config::Builder::from(&sdk_config().await).build(),
    )
}

/// A name no other test on the same server uses (tests run in parallel against one moto).
pub fn unique(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}-{}-{}-{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Runs the AWS CLI against the emulator (for services whose SDK crate is not a dependency)
/// and returns its standard output.
pub fn aws_cli(args: &[&str]) -> String {
    let out = Command::new("aws")
        .args(args)
        .args([
            "--endpoint-url",
            &endpoint(),
            "--region",
            "us-east-1",
            "--output",
            "text",
        ])
        .output()
        .unwrap_or_else(|e| {
            panic!("the AWS CLI could not run ({e}); scripts/with-moto installs it")
        });
    assert!(
        out.status.success(),
        "aws {} failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A zip archive holding one stored (uncompressed) file: enough for CreateFunction, which
/// moto stores but never runs.
pub fn zip_of(name: &str, body: &[u8]) -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let (crc, size, name_len) = (crc32(body), body.len() as u32, name.len() as u16);
    let mut zip = Vec::new();
    // Local file header: version 2.0, no flags, stored, DOS date 1980-01-01.
    zip.extend(0x0403_4b50u32.to_le_bytes());
    zip.extend([20u16, 0, 0, 0, 0x21].iter().flat_map(|v| v.to_le_bytes()));
    zip.extend([crc, size, size].iter().flat_map(|v| v.to_le_bytes()));
    zip.extend([name_len, 0].iter().flat_map(|v| v.to_le_bytes()));
    zip.extend(name.as_bytes());
    zip.extend(body);
    let directory_at = zip.len() as u32;
    // Central directory entry for the same file, its local header at offset 0.
    zip.extend(0x0201_4b50u32.to_le_bytes());
    zip.extend(
        [20u16, 20, 0, 0, 0, 0x21]
            .iter()
            .flat_map(|v| v.to_le_bytes()),
    );
    zip.extend([crc, size, size].iter().flat_map(|v| v.to_le_bytes()));
    zip.extend([name_len, 0, 0, 0, 0].iter().flat_map(|v| v.to_le_bytes()));
    zip.extend([0u32, 0].iter().flat_map(|v| v.to_le_bytes()));
    zip.extend(name.as_bytes());
    let directory_len = zip.len() as u32 - directory_at;
    // End of central directory: one entry.
    zip.extend(0x0605_4b50u32.to_le_bytes());
    zip.extend([0u16, 0, 1, 1].iter().flat_map(|v| v.to_le_bytes()));
    zip.extend(
        [directory_len, directory_at]
            .iter()
            .flat_map(|v| v.to_le_bytes()),
    );
    zip.extend(0u16.to_le_bytes());
    zip
}

/// The report the pipeline gives for one bundled event against the bundled account.
pub async fn bundled_report(event: &str) -> gateway_doctor::report::Report {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("events")
        .join(event);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let trigger = gateway_doctor::trigger::decode(&bytes)
        .unwrap_or_else(|e| panic!("{event} does not decode: {e}"));
    let account = gateway_doctor::pipeline::Account::Recorded(
        gateway_doctor::evidence::scenario::bundled().expect("bundled scenarios parse"),
    );
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    gateway_doctor::pipeline::run(
        &trigger,
        &account,
        &gateway_doctor::pipeline::Settings::default(),
        deadline,
    )
    .await
    .expect("pipeline runs")
    .into_iter()
    .find_map(|o| match o {
        gateway_doctor::pipeline::Outcome::Report(r) => Some(*r),
        gateway_doctor::pipeline::Outcome::Healthy { .. } => None,
    })
    .unwrap_or_else(|| panic!("{event} gives a report"))
}
