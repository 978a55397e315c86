//! Entry points: the Lambda runtime when running in Lambda, the CLI otherwise. Only wiring here.

mod cli;

use gateway_doctor::handler::{App, handle};
use gateway_doctor::notify::LogNotifier;
use gateway_doctor::pipeline::{Account, Settings};
use lambda_runtime::{LambdaEvent, service_fn};
use serde_json::Value;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn main() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("gateway-doctor: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        runtime.block_on(lambda())
    } else {
        runtime.block_on(cli::run())
    }
}

async fn lambda() -> ExitCode {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_current_span(false)
        .without_time()
        .init();
    let app = match app_from_env() {
        Ok(app) => Arc::new(app),
        Err(e) => {
            tracing::error!(error = %e, "configuration is invalid");
            return ExitCode::FAILURE;
        }
    };
    let result = lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let app = app.clone();
        async move {
            let remaining = remaining_until(event.context.deadline);
            handle(&app, &event.payload, remaining).await
        }
    }))
    .await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "runtime stopped");
            ExitCode::FAILURE
        }
    }
}

/// Builds the app once, at cold start.
fn app_from_env() -> Result<App, String> {
    let sources = std::env::var("GATEWAY_DOCTOR_SOURCES").unwrap_or_else(|_| "recorded".into());
    let account = match sources.as_str() {
        "recorded" => Account::Recorded(
            gateway_doctor::evidence::scenario::bundled().map_err(|e| e.to_string())?,
        ),
        other => {
            return Err(format!(
                "GATEWAY_DOCTOR_SOURCES={other}: only `recorded` (the bundled scenarios) is available in this build"
            ));
        }
    };
    Ok(App {
        account,
        settings: Settings::default(),
        notifiers: vec![Arc::new(LogNotifier)],
        publish_reserve: Duration::from_secs(3),
    })
}

/// Time left until the invocation's deadline (epoch milliseconds).
fn remaining_until(deadline_ms: u64) -> Duration {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    Duration::from_millis(deadline_ms.saturating_sub(now))
}
