//! Adapters against moto's AWS emulator, as one test binary with shared helpers. Run through
//! `scripts/with-moto cargo test --test moto`, which starts moto and exports `MOTO_ENDPOINT`.

mod incidents;
mod sns;

use aws_config::{BehaviorVersion, SdkConfig};
use gateway_doctor::evidence::scenario;
use gateway_doctor::pipeline::{self, Account, Outcome, Settings};
use gateway_doctor::report::Report;
use gateway_doctor::trigger;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;
use tokio::time::Instant;

/// The emulator's address; a moto test never passes without one.
pub fn endpoint() -> String {
    std::env::var("MOTO_ENDPOINT").unwrap_or_else(|_| {
        panic!("MOTO_ENDPOINT is not set: run through scripts/with-moto (make test does)")
    })
}

/// One SDK configuration pointed at moto, as `main` builds one for the account.
pub async fn sdk_config() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(endpoint())
        .region("us-east-1")
        .load()
        .await
}

/// A name no other test on the same server uses: `prefix-<pid>-<n>`.
pub fn unique(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// The report the pipeline gives for one bundled event against the bundled account.
pub async fn bundled_report(event: &str) -> Report {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("events")
        .join(event);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let trigger =
        trigger::decode(&bytes).unwrap_or_else(|e| panic!("{event} does not decode: {e}"));
    let account = Account::Recorded(scenario::bundled().expect("bundled scenarios parse"));
    let deadline = Instant::now() + Duration::from_secs(10);
    pipeline::run(&trigger, &account, &Settings::default(), deadline)
        .await
        .expect("pipeline runs")
        .into_iter()
        .find_map(|o| match o {
            Outcome::Report(r) => Some(*r),
            Outcome::Healthy { .. } => None,
        })
        .unwrap_or_else(|| panic!("{event} gives a report"))
}
