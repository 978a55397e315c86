//! Entry points: the Lambda runtime when running in Lambda, the CLI otherwise. Only wiring here.

mod cli;

use gateway_doctor::config::{Config, SourceMode};
use gateway_doctor::evidence::{Sources, scenario};
use gateway_doctor::handler::{App, handle};
use gateway_doctor::incident::{
    IncidentLog, dynamodb::DynamoDbIncidentLog, memory::MemoryIncidentLog,
};
use gateway_doctor::notify::{
    LogNotifier, Notifier, SecretsManagerSecret, SlackFromSecret, SnsFormat, SnsNotifier, slack,
};
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
    let app = match app_from_env().await {
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

/// Builds the app once, at cold start: one SDK configuration, every client and adapter from it.
async fn app_from_env() -> Result<App, String> {
    let config = Config::from_vars(|k| std::env::var(k).ok()).map_err(|e| e.to_string())?;
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let account = match config.sources {
        SourceMode::Live => Account::Live(Sources::live(&sdk)),
        SourceMode::Recorded => Account::Recorded(scenario::bundled().map_err(|e| e.to_string())?),
    };
    let d = &config.delivery;
    let mut notifiers: Vec<Arc<dyn Notifier>> = vec![Arc::new(LogNotifier)];
    if let Some(topic) = &d.topic_arn {
        let format = if d.chat_format {
            SnsFormat::ChatApplications
        } else {
            SnsFormat::Email
        };
        notifiers.push(Arc::new(SnsNotifier::new(
            aws_sdk_sns::Client::new(&sdk),
            topic,
            format,
        )));
    }
    if let Some(arn) = &d.slack_secret_arn {
        let secret = SecretsManagerSecret::new(aws_sdk_secretsmanager::Client::new(&sdk), arn);
        let http = slack::http_client().map_err(|e| e.to_string())?;
        notifiers.push(Arc::new(
            SlackFromSecret::new(http, secret, d.slack_routing.clone())
                .with_api_base(&d.slack_api_url),
        ));
    }
    let incidents: Arc<dyn IncidentLog> = match &d.table {
        Some(table) => Arc::new(DynamoDbIncidentLog::new(
            aws_sdk_dynamodb::Client::new(&sdk),
            table,
        )),
        None => {
            tracing::warn!(
                "no incident table configured: duplicates are only caught within one execution environment"
            );
            Arc::new(MemoryIncidentLog::new())
        }
    };
    Ok(App {
        account,
        settings: Settings {
            scheduled_apis: config.scheduled_apis.clone(),
            schedule_lookback: chrono::Duration::from_std(config.schedule_lookback)
                .unwrap_or(chrono::Duration::minutes(15)),
            ..Settings::default()
        },
        notifiers,
        incidents,
        quiet_period: d.quiet_period,
        claim_ttl: d.claim_ttl,
        publish_reserve: config.publish_reserve,
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
