//! Warm requests fit in the timeout; cold starts push requests over it.

use super::super::fixes::{raise_timeout, round_timeout, run, say, yaml};
use super::super::{Command, Finding, Fix, Step, Verdict, duration};
use super::{Detection, Facts, confidence_from};
use crate::evidence::api::Backend;

/// Provisioned concurrency, per GB-second, us-east-1 list prices (November 2026).
const PC_PRICE_X86: f64 = 0.000_004_166_7;
const PC_PRICE_ARM: f64 = 0.000_003_333_4;
/// Seconds in the 730-hour month AWS bills by.
const MONTH_S: f64 = 730.0 * 3600.0;

pub(super) fn detect(f: &Facts) -> Option<Detection> {
    let b = f.backend.as_ref()?;
    let cold = b.cold?;
    let eff = f.effective_ms()?;
    if !f.gateway.cut_at_timeout() || cold.total_max <= eff || cold.warm_p99 >= 0.8 * eff {
        return None;
    }
    let func = b.evidence.function.as_ref();
    let qualifier = match &b.evidence.backend {
        Backend::Lambda { qualifier, .. } => qualifier.clone(),
        _ => None,
    };
    let n = b
        .concurrency_peak
        .unwrap_or(cold.count as f64)
        .ceil()
        .max(1.0) as u32;
    let mut fixes = Vec::new();
    let mut findings = vec![Finding {
        step: Step::Backend,
        text: format!(
            "Cold starts take up to {} end to end against a {} timeout, while warm invocations finish in {} at p99.",
            duration(cold.total_max),
            duration(eff),
            duration(cold.warm_p99)
        ),
    }];
    if let Some(func) = func {
        let gb = f64::from(func.memory_mb) / 1024.0;
        let price = if func.architecture == "arm64" {
            PC_PRICE_ARM
        } else {
            PC_PRICE_X86
        };
        let monthly = f64::from(n) * gb * price * MONTH_S;
        findings.push(Finding {
            step: Step::Backend,
            text: format!(
                "Peak concurrency in the incident was {n}: {n} provisioned environments of {} MB cost about ${monthly:.2} a month ({}, us-east-1 prices, before invocation charges).",
                func.memory_mb, func.architecture
            ),
        });
        let mut steps = vec![say(format!(
            "Keep {n} environments initialised with provisioned concurrency (about ${monthly:.2} a month). In the function's SAM definition:"
        ))];
        steps.push(yaml(format!(
            "{}:\n  Type: AWS::Serverless::Function\n  Properties:\n    AutoPublishAlias: {}\n    ProvisionedConcurrencyConfig:\n      ProvisionedConcurrentExecutions: {n}",
            logical_id(&func.name),
            qualifier.as_deref().unwrap_or("live")
        )));
        match &qualifier {
            Some(q) => {
                steps.push(say("Or at once, on the alias the integration invokes:"));
                steps.push(run(Command::aws("lambda", "put-provisioned-concurrency-config")
                    .arg("function-name", &func.name)
                    .arg("qualifier", q)
                    .arg("provisioned-concurrent-executions", n.to_string())
                    .arg("region", f.region())));
            }
            None => steps.push(say(
                "The integration invokes $LATEST, which cannot carry provisioned concurrency: point it at an alias (AutoPublishAlias above) first.",
            )),
        }
        fixes.push(Fix {
            title: "Keep environments warm with provisioned concurrency".into(),
            steps,
        });
        let runtime = func.runtime.as_deref().unwrap_or("");
        let mut init = vec![say(format!(
            "Cut init time (up to {}): create SDK clients once and lazily, trim the deployment package, and avoid work at import time.",
            duration(cold.init_max)
        ))];
        if runtime.starts_with("java")
            || runtime.starts_with("python3.1")
            || runtime.starts_with("dotnet")
        {
            init.push(say(format!(
                "{runtime} supports SnapStart, which restores a snapshot instead of initialising:"
            )));
            init.push(yaml("    SnapStart:\n      ApplyOn: PublishedVersions"));
        }
        fixes.push(Fix {
            title: "Make cold starts shorter".into(),
            steps: init,
        });
    }
    if let (Some(api), Some(i), Some(l)) = (f.api, f.focus, f.gateway.limits)
        && l.custom
    {
        let to = round_timeout(cold.total_max * 1.1, l.platform_max_ms);
        let mut steps = vec![say(format!(
            "Or give cold requests room: the custom timeout of {} could go to {} (the platform allows {}).",
            duration(eff),
            duration(f64::from(to)),
            duration(f64::from(l.platform_max_ms))
        ))];
        steps.extend(raise_timeout(api, i, to, f.region()));
        fixes.push(Fix {
            title: "Raise the integration timeout above the cold-start time".into(),
            steps,
        });
    }
    let timeouts = f.gateway.timeouts();
    Some(Detection {
        verdict: Verdict::ColdStart,
        confidence: confidence_from(
            2 + usize::from(timeouts > 0) + usize::from(b.concurrency_peak.is_some()),
        ),
        summary: format!(
            "Cold starts push requests over the {} timeout ({} cold of {} invocations, up to {}), while warm requests fit (p99 {}).",
            duration(eff),
            cold.count,
            cold.invocations,
            duration(cold.total_max),
            duration(cold.warm_p99)
        ),
        findings,
        fixes,
    })
}

/// A CloudFormation logical id from a function name: `catalog-reader` -> `CatalogReader`.
fn logical_id(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|first| first.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect::<String>()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_function_name_becomes_a_logical_id() {
        assert_eq!(super::logical_id("catalog-reader"), "CatalogReader");
        assert_eq!(super::logical_id("orders_handler.v2"), "OrdersHandlerV2");
    }
}
