//! Adapters against moto's AWS emulator, as one test binary with shared helpers.
//!
//! Run through `scripts/with-moto cargo test --test moto` (make test does): the script starts
//! moto on a free port and exports `MOTO_ENDPOINT` and dummy credentials.

mod logs;

use aws_config::{BehaviorVersion, SdkConfig};
use std::sync::atomic::{AtomicU32, Ordering};

/// moto's address. A moto test must never pass silently without moto, so this panics.
pub fn endpoint() -> String {
    match std::env::var("MOTO_ENDPOINT") {
        Ok(e) if !e.is_empty() => e,
        _ => panic!("MOTO_ENDPOINT is not set: run through scripts/with-moto (make test does)"),
    }
}

/// One SDK configuration aimed at moto, as `main` builds one for AWS.
pub async fn sdk_config() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(endpoint())
        .region("us-east-1")
        .load()
        .await
}

/// A ten-character lowercase id no other test in this run uses (tests share one server).
pub fn unique_id() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let n = u64::from(std::process::id()) << 32
        | u64::from(
            nanos
                ^ NEXT
                    .fetch_add(1, Ordering::Relaxed)
                    .wrapping_mul(0x9e37_79b9),
        );
    let alphabet = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut x = n;
    (0..10)
        .map(|_| {
            let c = alphabet[(x % 36) as usize] as char;
            x /= 36;
            c
        })
        .collect()
}
