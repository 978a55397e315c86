//! The function's own timeout is shorter than the gateway's, so it dies first (502).

use super::super::fixes::{run, say};
use super::super::{Command, Finding, Fix, Step, Verdict, duration};
use super::{Detection, Facts, confidence_from};
use crate::evidence::logs::FailureClass;

pub(super) fn detect(f: &Facts) -> Option<Detection> {
    let b = f.backend.as_ref()?;
    let func = b.evidence.function.as_ref()?;
    let ft = b.function_timeout_ms?;
    let l = f.gateway.limits?;
    if ft >= l.effective_ms {
        return None;
    }
    let in_exec_log = f
        .evidence
        .execution_log
        .as_ref()
        .and_then(|e| e.failures.get(&FailureClass::FunctionError))
        .and_then(|t| t.sample_message.as_deref())
        .is_some_and(|m| m.contains("Task timed out"));
    let in_function_log = b.task_timeouts > 0;
    let in_metrics = b.duration_max.is_some_and(|d| d >= 0.97 * f64::from(ft));
    if !(in_exec_log || in_function_log || in_metrics) {
        return None;
    }
    let failed = f
        .gateway
        .failures_of(FailureClass::FunctionError)
        .max(b.task_timeouts);
    let to_s = l.effective_ms.div_ceil(1000);
    let mut findings = vec![Finding {
        step: Step::Backend,
        text: format!(
            "{} has a {} timeout, shorter than the gateway's {}: it gives up first and the client gets 502.",
            b.label(),
            duration(f64::from(ft)),
            duration(f64::from(l.effective_ms))
        ),
    }];
    if in_exec_log {
        findings.push(Finding {
            step: Step::WhereDied,
            text: "The execution log's function errors read `Task timed out`: the function, not the gateway, ended these requests.".into(),
        });
    }
    Some(Detection {
        verdict: Verdict::FunctionTimeout,
        confidence: confidence_from(
            1 + usize::from(in_exec_log) + usize::from(in_function_log) + usize::from(in_metrics),
        ),
        summary: format!(
            "{} times out after {} s, before the integration's {}: {failed} requests failed with 502.",
            b.label(),
            func.timeout_s,
            duration(f64::from(l.effective_ms))
        ),
        findings,
        fixes: vec![Fix {
            title: format!("Let {} run as long as the gateway waits", func.name),
            steps: vec![
                run(Command::aws("lambda", "update-function-configuration")
                    .arg("function-name", &func.name)
                    .arg("timeout", to_s.to_string())
                    .arg("region", f.region())),
                say(format!(
                    "Set Timeout: {to_s} in the function's template too, then find why invocations take {} or more: its slowest dependency, or memory (CPU scales with memory).",
                    duration(f64::from(ft))
                )),
            ],
        }],
    })
}
