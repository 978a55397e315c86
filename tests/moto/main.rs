//! The adapters against moto's AWS emulator, for what it serves faithfully, as one test binary with
//! shared helpers. Run through `scripts/with-moto cargo test --test moto`: it starts the server and
//! exports `MOTO_ENDPOINT` and dummy credentials.

mod secrets;

use aws_config::{BehaviorVersion, SdkConfig};
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
