//! The command line: replay sample events, decode an event. Shares the handler's pipeline.

use clap::{Parser, Subcommand, ValueEnum};
use gateway_doctor::evidence::scenario::{self, Scenario};
use gateway_doctor::pipeline::{self, Account, Outcome, Settings};
use gateway_doctor::report::{AlarmView, Report, chat, json, slack, sns, text};
use gateway_doctor::trigger::{self, ApiKind, Trigger};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// Sample events shipped in the binary, so `replay` works from anywhere.
const BUNDLED_EVENTS: &[(&str, &str)] = &[
    (
        "rest-integration-timeout-too-low.json",
        include_str!("../events/rest-integration-timeout-too-low.json"),
    ),
    (
        "rest-hard-limit-sns.json",
        include_str!("../events/rest-hard-limit-sns.json"),
    ),
    (
        "http-backend-slow-eventbridge.json",
        include_str!("../events/http-backend-slow-eventbridge.json"),
    ),
    (
        "rest-cold-start.json",
        include_str!("../events/rest-cold-start.json"),
    ),
    (
        "rest-function-timeout-sns.json",
        include_str!("../events/rest-function-timeout-sns.json"),
    ),
    (
        "rest-throttling.json",
        include_str!("../events/rest-throttling.json"),
    ),
    (
        "http-alb-backend-errors-sns.json",
        include_str!("../events/http-alb-backend-errors-sns.json"),
    ),
    (
        "rest-malformed-proxy-eventbridge.json",
        include_str!("../events/rest-malformed-proxy-eventbridge.json"),
    ),
    (
        "rest-gateway-overhead.json",
        include_str!("../events/rest-gateway-overhead.json"),
    ),
    (
        "http-metric-math-insufficient.json",
        include_str!("../events/http-metric-math-insufficient.json"),
    ),
    (
        "rest-recovered-sns.json",
        include_str!("../events/rest-recovered-sns.json"),
    ),
    (
        "composite-eventbridge.json",
        include_str!("../events/composite-eventbridge.json"),
    ),
    (
        "http-daily-5xx-sns.json",
        include_str!("../events/http-daily-5xx-sns.json"),
    ),
    (
        "scheduled-check.json",
        include_str!("../events/scheduled-check.json"),
    ),
];

/// How long a replay may gather before the report goes out anyway.
const REPLAY_BUDGET: Duration = Duration::from_secs(20);

#[derive(Parser)]
#[command(
    name = "gateway-doctor",
    version,
    about = "Root-cause diagnosis for API Gateway alarms"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the diagnosis on sample events against recorded scenarios and print the reports.
    /// Without EVENT files, replays every bundled sample event.
    Replay {
        events: Vec<PathBuf>,
        /// The recorded account to answer from; default: the bundled scenario the event's alarm names.
        #[arg(long)]
        scenario: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print what was understood from an event (the report's `alarm` object).
    Decode { event: PathBuf },
    /// Diagnose a live API now, without an alarm, using the standard AWS credential chain,
    /// region and AWS_ENDPOINT_URL settings.
    Diagnose {
        /// The REST API's name (or id), or the HTTP API's id.
        #[arg(long)]
        api: String,
        #[arg(long)]
        stage: String,
        /// How far back to look, e.g. 30m, 2h (at most 3h).
        #[arg(long, default_value = "30m", value_parser = humantime::parse_duration)]
        since: Duration,
        /// Which kind of API `--api` names; by default an HTTP API id is tried, then a REST API name.
        #[arg(long, value_enum)]
        kind: Option<Kind>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Kind {
    Rest,
    Http,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Slack,
    Sns,
    Chat,
    Json,
}

pub async fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let result = match cli.command {
        Command::Replay {
            events,
            scenario,
            format,
        } => replay(events, scenario, format).await,
        Command::Decode { event } => decode(&event),
        Command::Diagnose {
            api,
            stage,
            since,
            kind,
            format,
        } => diagnose(api, stage, since, kind, format).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gateway-doctor: {e}");
            ExitCode::FAILURE
        }
    }
}

fn read(path: &PathBuf) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn decode(path: &PathBuf) -> Result<(), String> {
    let bytes = read(path)?;
    let trigger = trigger::decode(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    let value = match &trigger {
        Trigger::Alarm(a) => serde_json::to_value(AlarmView::of(a)),
        Trigger::Schedule(s) => serde_json::to_value(serde_json::json!({ "schedule": s })),
    }
    .map_err(|e| e.to_string())?;
    println!(
        "{}",
        serde_json::to_string_pretty(&value).unwrap_or_default()
    );
    Ok(())
}

async fn replay(
    events: Vec<PathBuf>,
    scenario: Option<PathBuf>,
    format: Format,
) -> Result<(), String> {
    let account = match &scenario {
        Some(path) => {
            let text =
                String::from_utf8(read(path)?).map_err(|e| format!("{}: {e}", path.display()))?;
            let s =
                Scenario::parse(&path.display().to_string(), &text).map_err(|e| e.to_string())?;
            Account::Recorded(vec![Arc::new(s)])
        }
        None => Account::Recorded(scenario::bundled().map_err(|e| e.to_string())?),
    };
    let inputs: Vec<(String, Vec<u8>)> = if events.is_empty() {
        BUNDLED_EVENTS
            .iter()
            .map(|(name, text)| (format!("events/{name} (bundled)"), text.as_bytes().to_vec()))
            .collect()
    } else {
        events
            .iter()
            .map(|p| Ok((p.display().to_string(), read(p)?)))
            .collect::<Result<_, String>>()?
    };
    let settings = Settings::default();
    let mut failed = 0;
    for (name, bytes) in &inputs {
        let trigger = match trigger::decode(bytes) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("gateway-doctor: {name}: {e}");
                failed += 1;
                continue;
            }
        };
        if scenario.is_none()
            && let Ok((_, Some(s))) = account.sources_for(&trigger)
        {
            eprintln!("== {name}: answered by bundled scenario `{}`", s.name);
        }
        let deadline = Instant::now() + REPLAY_BUDGET;
        match pipeline::run(&trigger, &account, &settings, deadline).await {
            Ok(outcomes) => {
                for o in outcomes {
                    print_outcome(&o, format);
                }
            }
            Err(e) => {
                eprintln!("gateway-doctor: {name}: {e}");
                failed += 1;
            }
        }
    }
    if failed > 0 {
        return Err(format!(
            "{failed} of {} events could not be replayed",
            inputs.len()
        ));
    }
    Ok(())
}

async fn diagnose(
    api: String,
    stage: String,
    since: Duration,
    kind: Option<Kind>,
    format: Format,
) -> Result<(), String> {
    let since = chrono::Duration::from_std(since).map_err(|e| format!("--since: {e}"))?;
    if since > gateway_doctor::trigger::MAX_WINDOW {
        return Err("--since: at most 3h, to keep log queries bounded".into());
    }
    let conf = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let region = conf
        .region()
        .map(|r| r.to_string())
        .ok_or("no AWS region: set AWS_REGION or a profile's region")?;
    let account = aws_sdk_sts::Client::new(&conf)
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| {
            format!(
                "cannot identify the AWS account (sts:GetCallerIdentity): {}",
                aws_sdk_sts::error::DisplayErrorContext(e)
            )
        })?
        .account()
        .unwrap_or_default()
        .to_string();
    let sources = gateway_doctor::evidence::Sources::live(&conf);
    let deadline = Instant::now() + REPLAY_BUDGET;
    let kinds = match kind {
        Some(Kind::Rest) => vec![ApiKind::Rest],
        Some(Kind::Http) => vec![ApiKind::Http],
        None => vec![ApiKind::Http, ApiKind::Rest],
    };
    let target = pipeline::find_api(&sources, &api, &stage, &kinds, deadline)
        .await
        .map_err(|e| format!("{api} stage {stage}: {e}"))?;
    let request = pipeline::OnDemand {
        api: target,
        at: chrono::Utc::now(),
        since,
        region,
        account,
    };
    let outcome = pipeline::on_demand(&request, &sources, &Settings::default(), deadline).await;
    print_outcome(&outcome, format);
    Ok(())
}

fn print_outcome(o: &Outcome, format: Format) {
    match o {
        Outcome::Report(r) => println!("{}", render(r, format)),
        Outcome::Healthy { api, window } => match format {
            Format::Text => println!(
                "Scheduled check: {api} is healthy ({} to {}): no 5XX, timeouts or errors.\n",
                window.start.format("%H:%M"),
                window.end.format("%H:%M UTC")
            ),
            _ => println!(
                "{}",
                serde_json::json!({ "healthy": api.to_string(), "window": window })
            ),
        },
    }
}

fn render(r: &Report, format: Format) -> String {
    let pretty = |v: serde_json::Value| serde_json::to_string_pretty(&v).unwrap_or_default();
    match format {
        Format::Text => text::render(r),
        Format::Slack => pretty(slack::render(r)),
        Format::Chat => pretty(chat::render(r)),
        Format::Json => pretty(json::render(r)),
        Format::Sns => {
            let m = sns::render(r);
            format!("Subject: {}\n\n{}", m.subject, m.body)
        }
    }
}
