//! Plain text for a terminal and for e-mail: no colour, wrapped prose, commands on their own lines.
//!
//! The small line builders here (`alarm_line`, `change_line`, ...) are shared by the other
//! renderers so every format says the same thing in the same words.

use super::Report;
use crate::diagnosis::{Fix, FixStep, Step, Verdict, WorstRequest, duration};
use crate::evidence::Cost;
use crate::evidence::changes::Change;
use crate::trigger::Window;
use chrono::{DateTime, Timelike, Utc};
use std::fmt::Write as _;

/// Column at which prose is wrapped (commands and snippets never are).
const WIDTH: usize = 78;
/// A word longer than this (a pasted log blob) is broken up; shorter ones (ARNs, ids) stay whole
/// so they can still be copied.
const LONGEST_UNBROKEN_WORD: usize = 120;
/// Commands sit on their own line behind exactly this indent, so they copy cleanly.
pub(crate) const COMMAND_INDENT: &str = "    ";

pub fn render(report: &Report) -> String {
    let d = &report.diagnosis;
    let mut out = String::new();

    line(&mut out, d.verdict.title());
    line(
        &mut out,
        &format!("Verdict: {}, confidence {}", d.verdict, d.confidence),
    );
    wrap(&mut out, &api_label(report), "", "  ");
    for l in trigger_lines(report) {
        wrap(&mut out, &l, "", "  ");
    }

    if !d.summary.trim().is_empty() {
        out.push('\n');
        wrap(&mut out, &d.summary, "", "");
    }

    for step in [Step::WhereDied, Step::Backend, Step::Context] {
        let texts: Vec<&str> = findings_of(report, step).collect();
        if !texts.is_empty() {
            heading(&mut out, &step_heading(step));
            for t in texts {
                wrap(&mut out, t, "  - ", "    ");
            }
        }
    }

    if is_short(report) {
        return out;
    }

    if !d.suspects.is_empty() {
        heading(&mut out, "Recent changes");
        for c in &d.suspects {
            wrap(&mut out, &change_line(c), "  - ", "    ");
        }
    }

    if !d.worst_requests.is_empty() {
        heading(&mut out, "Worst requests");
        for r in &d.worst_requests {
            wrap(&mut out, &request_line(r), "  - ", "    ");
        }
    }

    let fixes: Vec<&Fix> = d.fixes.iter().filter(|f| !is_empty_fix(f)).collect();
    if !fixes.is_empty() {
        heading(&mut out, "3. Fix");
        for (i, fix) in fixes.into_iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            render_fix(&mut out, fix);
        }
    }

    if !d.gaps.is_empty() {
        heading(&mut out, "Could not check");
        for g in &d.gaps {
            wrap(&mut out, &g.to_string(), "  - ", "    ");
        }
    }

    out.push('\n');
    wrap(&mut out, &cost_line(&report.cost), "", "  ");
    out
}

fn render_fix(out: &mut String, fix: &Fix) {
    if !fix.title.trim().is_empty() {
        wrap(out, &fix.title, "", "");
    }
    for (n, step) in fix.steps.iter().enumerate() {
        let number = format!("  {}. ", n + 1);
        let hanging = " ".repeat(number.len());
        match step {
            FixStep::Do { text } => wrap(out, text, &number, &hanging),
            FixStep::Run { command } => {
                line(out, &format!("{number}Run:"));
                // Printed verbatim: the Display form is what the shell must receive.
                line(out, &format!("{COMMAND_INDENT}{command}"));
            }
            FixStep::Snippet { language, text } => {
                let what = if language.trim().is_empty() {
                    "this".to_string()
                } else {
                    format!("this {}", clean(language))
                };
                line(out, &format!("{number}Paste {what}:"));
                for l in text.lines() {
                    let l = clean_keep_tabs(l);
                    if l.trim().is_empty() {
                        out.push('\n');
                    } else {
                        line(out, &format!("{COMMAND_INDENT}{l}"));
                    }
                }
            }
        }
    }
}

/// `recovered` is a follow-up: what happened and the evidence, nothing to do.
pub(crate) fn is_short(report: &Report) -> bool {
    report.diagnosis.verdict == Verdict::Recovered
}

/// A fix with neither a title nor steps says nothing; every renderer leaves it out.
pub(crate) fn is_empty_fix(fix: &Fix) -> bool {
    fix.title.trim().is_empty() && fix.steps.is_empty()
}

/// Non-empty findings of one step, in the order the diagnosis gave them.
pub(crate) fn findings_of(report: &Report, step: Step) -> impl Iterator<Item = &str> {
    report
        .diagnosis
        .findings
        .iter()
        .filter(move |f| f.step == step && !f.text.trim().is_empty())
        .map(|f| f.text.as_str())
}

/// `1. Where requests died`, `2. Backend`, `Context`.
pub(crate) fn step_heading(step: Step) -> String {
    match step {
        Step::WhereDied => format!("1. {}", step.title()),
        Step::Backend => format!("2. {}", step.title()),
        Step::Context => step.title().to_string(),
    }
}

/// The API as the report knows it, falling back to what the alarm names.
pub(crate) fn api_label(report: &Report) -> String {
    if let Some(api) = &report.api {
        return api.label();
    }
    match report.alarm.as_ref().map(|a| (&a.api, &a.stage)) {
        Some((Some(api), Some(stage))) => format!("API {api} stage {stage}"),
        Some((Some(api), None)) => format!("API {api}"),
        _ => "unknown API".into(),
    }
}

/// The API's name (or id) and stage, short: `catalog-api prod`.
pub(crate) fn api_short(report: &Report) -> String {
    let (name, stage) = match (&report.api, &report.alarm) {
        (Some(api), _) => (
            api.name.clone().or_else(|| api.id.clone()),
            Some(api.stage.clone()),
        ),
        (None, Some(alarm)) => (alarm.api.clone(), alarm.stage.clone()),
        (None, None) => (None, None),
    };
    match (name, stage) {
        (Some(n), Some(s)) => format!("{n} {s}"),
        (Some(n), None) => n,
        (None, Some(s)) => format!("unknown API {s}"),
        (None, None) => "unknown API".into(),
    }
}

/// What started the run: the alarm (name, state, when, metric) and the window looked at, or
/// the scheduled check in its place.
pub(crate) fn trigger_lines(report: &Report) -> Vec<String> {
    if let Some(a) = &report.alarm {
        let was = a
            .previous_state
            .map(|p| format!(" (was {p})"))
            .unwrap_or_default();
        vec![
            format!(
                "Alarm {} went {}{} at {}",
                a.name,
                a.state,
                was,
                fmt_time(a.changed_at),
            ),
            format!("Metric {}, window {}", a.metric, window_text(&a.window)),
        ]
    } else if let Some(c) = &report.check {
        vec![format!(
            "{} at {} in {}, window {}",
            c.kind,
            fmt_time(c.at),
            c.region,
            window_text(&c.window)
        )]
    } else {
        Vec::new()
    }
}

/// `2026-11-03 02:14:07 UTC`, or without seconds when they are zero.
pub(crate) fn fmt_time(t: DateTime<Utc>) -> String {
    if t.second() == 0 && t.nanosecond() == 0 {
        t.format("%Y-%m-%d %H:%M UTC").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
    }
}

/// `2026-11-03 01:59 to 02:14 UTC (15 min)`.
pub(crate) fn window_text(w: &Window) -> String {
    let minutes = w.length().num_minutes();
    let start = fmt_time(w.start);
    let end = if w.start.date_naive() == w.end.date_naive() {
        let full = fmt_time(w.end);
        full.split_once(' ')
            .map_or(full.clone(), |(_, rest)| rest.to_string())
    } else {
        fmt_time(w.end)
    };
    let start = start.trim_end_matches(" UTC");
    format!("{start} to {end} ({minutes} min)")
}

/// `2026-11-03 01:50 UTC: function code update of catalog-fn by alice (v42)`.
pub(crate) fn change_line(c: &Change) -> String {
    let mut s = format!(
        "{}: {} of {}",
        fmt_time(c.at),
        c.kind.describe(),
        c.resource
    );
    if let Some(actor) = c.actor.as_deref().filter(|a| !a.trim().is_empty()) {
        let _ = write!(s, " by {actor}");
    }
    if let Some(detail) = c.detail.as_deref().filter(|d| !d.trim().is_empty()) {
        let _ = write!(s, " ({detail})");
    }
    s
}

/// `7f2c-...: 29001 ms, status 504, integration timeouts (504)`.
pub(crate) fn request_line(w: &WorstRequest) -> String {
    let r = &w.request;
    let mut parts = Vec::new();
    if let Some(ms) = r.latency_ms.filter(|ms| ms.is_finite()) {
        parts.push(format!("{ms:.0} ms"));
    }
    if let Some(status) = r.status {
        parts.push(format!("status {status}"));
    }
    if let Some(f) = r.failure {
        parts.push(f.describe().to_string());
    }
    let mut line = if parts.is_empty() {
        r.request_id.clone()
    } else {
        format!("{}: {}", r.request_id, parts.join(", "))
    };
    if let Some(f) = &w.function {
        let i = &f.invocation;
        let mut said = vec![match i.duration_ms.filter(|ms| ms.is_finite()) {
            Some(ms) => format!("{} ran {}", f.function, duration(ms)),
            None => format!("{} ran", f.function),
        }];
        if let Some(init) = i.init_duration_ms.filter(|ms| ms.is_finite()) {
            said.push(format!("cold start, init {}", duration(init)));
        }
        match (i.max_memory_used_mb, i.memory_size_mb) {
            (Some(used), Some(size)) => said.push(format!("{used} of {size} MB used")),
            (Some(used), None) => said.push(format!("{used} MB used")),
            _ => {}
        }
        if i.timed_out {
            said.push("timed out".into());
        }
        let _ = write!(
            line,
            "; function: {} (Lambda request {})",
            said.join(", "),
            i.request_id
        );
    }
    if let Some(t) = &w.trace {
        let _ = write!(line, "; trace {}", t.trace_id);
        if t.duration_ms.is_finite() {
            let _ = write!(line, " took {}", duration(t.duration_ms));
        }
        if let (Some(name), Some(share)) = (&t.dominant, t.dominant_share) {
            let _ = write!(line, ", {:.0}% in {name}", share * 100.0);
            if let Some(op) = &t.dominant_operation {
                let _ = write!(line, " {op}");
            }
        }
    }
    if !w.missing.is_empty() {
        let _ = write!(line, "; not followed: {}", w.missing.join("; "));
    }
    line
}

/// What gathering cost, in the units it is billed in.
pub(crate) fn cost_line(c: &Cost) -> String {
    // Lossy above 2^53 bytes, which no query scans.
    let mb = c.insights_bytes_scanned as f64 / 1_000_000.0;
    format!(
        "Cost: Logs Insights scanned {mb:.2} MB in {} {}; {} metric {} ({} series); {} log {} answered by FilterLogEvents.",
        c.insights_queries,
        plural(c.insights_queries, "query", "queries"),
        c.metric_requests,
        plural(c.metric_requests, "request", "requests"),
        c.metric_series,
        c.log_fallbacks,
        plural(c.log_fallbacks, "question", "questions"),
    )
}

fn plural<'a>(n: u32, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

fn line(out: &mut String, s: &str) {
    out.push_str(s);
    out.push('\n');
}

fn heading(out: &mut String, s: &str) {
    out.push('\n');
    line(out, s);
}

/// Control characters (ANSI escapes from log lines) would reach the reader's terminal.
fn clean(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

fn clean_keep_tabs(s: &str) -> String {
    s.chars()
        .filter(|c| *c == '\t' || !c.is_control())
        .collect()
}

/// Greedy word wrap at [`WIDTH`]: `first` before the first line, `rest` before the others.
/// Newlines and runs of blanks in the text become single spaces.
fn wrap(out: &mut String, text: &str, first: &str, rest: &str) {
    let mut current = first.to_string();
    let mut current_len = first.chars().count();
    let mut has_word = false;
    for word in text.split_whitespace().map(clean) {
        if word.is_empty() {
            continue;
        }
        for piece in pieces(&word) {
            let len = piece.chars().count();
            if has_word && current_len + 1 + len > WIDTH {
                line(out, &current);
                current = rest.to_string();
                current_len = rest.chars().count();
                has_word = false;
            }
            if has_word {
                current.push(' ');
                current_len += 1;
            }
            current.push_str(piece);
            current_len += len;
            has_word = true;
        }
    }
    if has_word {
        line(out, &current);
    }
}

/// A word as it is placed on lines: whole, or in line-sized pieces when it is a blob.
fn pieces(word: &str) -> Vec<&str> {
    if word.chars().count() <= LONGEST_UNBROKEN_WORD {
        return vec![word];
    }
    let size = WIDTH - 8;
    let mut out = Vec::new();
    let mut start = 0;
    for (count, (i, _)) in word.char_indices().enumerate() {
        if count > 0 && count % size == 0 {
            out.push(&word[start..i]);
            start = i;
        }
    }
    out.push(&word[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnosis::{Command, Finding};
    use crate::report::fixtures;

    fn position(haystack: &str, needle: &str) -> usize {
        haystack
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not found in:\n{haystack}"))
    }

    #[test]
    fn every_section_appears_in_the_order_an_on_call_engineer_reads_it() {
        let report = fixtures::cold_start();
        let text = render(&report);
        let order = [
            "Cold starts push requests over the limit",
            "Verdict: cold_start, confidence high",
            "REST API catalog-api (a1b2c3d4e5) stage prod",
            "Alarm catalog-api-5xx went ALARM (was OK) at 2026-11-03 02:14:07 UTC",
            "Metric 5XXError, window 2026-11-03 01:59 to 02:14 UTC (15 min)",
            "Cold starts of catalog-fn",
            "1. Where requests died",
            "IntegrationLatency p99",
            "2. Backend",
            "Init Duration",
            "\nContext\n",
            "Recent changes",
            "function code update of catalog-fn by",
            "Worst requests",
            "7f2c9a10-0000-4000-8000-000000000001: 29001 ms, status 504",
            "3. Fix",
            "Keep instances warm",
            "aws lambda put-provisioned-concurrency-config",
            "Could not check",
            "X-Ray traces of catalog-fn: not enabled",
            "Cost: Logs Insights scanned 12.35 MB in 3 queries",
        ];
        let mut last = 0;
        for needle in order {
            let at = position(&text, needle);
            assert!(at >= last, "{needle:?} is out of order in:\n{text}");
            last = at;
        }
    }

    #[test]
    fn the_cost_line_states_megabytes_with_two_decimals_and_every_counter() {
        let report = fixtures::cold_start();
        let line = cost_line(&report.cost);
        assert_eq!(
            line,
            "Cost: Logs Insights scanned 12.35 MB in 3 queries; 14 metric requests (22 series); 1 log question answered by FilterLogEvents."
        );
    }

    #[test]
    fn commands_stand_alone_on_their_own_line_exactly_as_printed_and_split_back_to_their_argv() {
        let report = fixtures::cold_start();
        let text = render(&report);
        let commands: Vec<&Command> = report
            .diagnosis
            .fixes
            .iter()
            .flat_map(|f| &f.steps)
            .filter_map(|s| match s {
                FixStep::Run { command } => Some(command),
                _ => None,
            })
            .collect();
        assert!(commands.len() >= 2);
        for command in commands {
            let expected = format!("{COMMAND_INDENT}{command}");
            let found = text
                .lines()
                .find(|l| *l == expected)
                .unwrap_or_else(|| panic!("no line {expected:?} in:\n{text}"));
            let argv = shlex::split(found.trim_start()).expect("printed command splits");
            assert_eq!(argv, command.argv());
        }
    }

    #[test]
    fn a_snippet_keeps_its_own_indentation_behind_the_block_indent() {
        let text = render(&fixtures::cold_start());
        assert!(
            text.contains("\n    Resources:\n      CatalogFunction:\n"),
            "{text}"
        );
    }

    #[test]
    fn empty_sections_are_left_out() {
        let mut report = fixtures::cold_start();
        report
            .diagnosis
            .findings
            .retain(|f| f.step == Step::WhereDied);
        report.diagnosis.suspects.clear();
        report.diagnosis.worst_requests.clear();
        report.diagnosis.gaps.clear();
        report.diagnosis.fixes.clear();
        let text = render(&report);
        for absent in [
            "2. Backend",
            "\nContext\n",
            "Recent changes",
            "Worst requests",
            "3. Fix",
            "Could not check",
        ] {
            assert!(
                !text.contains(absent),
                "{absent:?} should be absent:\n{text}"
            );
        }
        assert!(text.contains("1. Where requests died"));
        assert!(!text.contains("\n\n\n"), "no stacked blank lines:\n{text}");
    }

    #[test]
    fn a_recovered_alarm_gets_a_short_report_with_no_empty_sections() {
        let report = fixtures::recovered();
        let text = render(&report);
        assert!(text.starts_with("Recovered\n"), "{text}");
        assert!(text.contains("went OK (was ALARM)"));
        assert!(text.contains("back under"));
        assert!(text.contains("1. Where requests died"));
        for absent in [
            "3. Fix",
            "Could not check",
            "Cost:",
            "Recent changes",
            "Worst requests",
            "2. Backend",
        ] {
            assert!(
                !text.contains(absent),
                "{absent:?} in short report:\n{text}"
            );
        }
        assert!(text.lines().count() < 15, "{text}");
    }

    #[test]
    fn a_scheduled_check_says_so_in_place_of_the_alarm() {
        let text = render(&fixtures::scheduled());
        assert!(
            text.contains("Scheduled check at 2026-11-03 06:00 UTC in eu-west-1"),
            "{text}"
        );
        assert!(!text.contains("Alarm "), "{text}");
    }

    #[test]
    fn prose_is_wrapped_but_no_line_but_a_command_runs_past_the_width() {
        let report = fixtures::cold_start();
        let text = render(&report);
        for l in text.lines() {
            if l.starts_with(COMMAND_INDENT) && l.trim_start().starts_with("aws ") {
                continue;
            }
            assert!(
                l.chars().count() <= WIDTH,
                "line too long ({}): {l}",
                l.chars().count()
            );
        }
    }

    #[test]
    fn terminal_escapes_from_log_messages_are_removed() {
        let mut report = fixtures::cold_start();
        report.diagnosis.findings.push(Finding {
            step: Step::Backend,
            text: "error \u{1b}[31mRED\u{1b}[0m\r\nnext line".into(),
        });
        let text = render(&report);
        assert!(!text.contains('\u{1b}'));
        assert!(!text.contains('\r'));
        assert!(text.contains("error [31mRED[0m next line"), "{text}");
    }

    #[test]
    fn a_ten_thousand_character_log_blob_is_broken_into_lines() {
        let mut report = fixtures::cold_start();
        report.diagnosis.findings.push(Finding {
            step: Step::Backend,
            text: "ж".repeat(10_000),
        });
        let text = render(&report);
        assert!(
            text.lines()
                .all(|l| l.chars().count() <= WIDTH || l.starts_with(COMMAND_INDENT))
        );
        assert_eq!(text.matches('ж').count(), 10_000);
    }

    #[test]
    fn a_report_with_no_api_falls_back_to_what_the_alarm_names() {
        let mut report = fixtures::cold_start();
        report.api = None;
        assert_eq!(api_label(&report), "API catalog-api stage prod");
        assert_eq!(api_short(&report), "catalog-api prod");
        report.alarm = None;
        assert_eq!(api_label(&report), "unknown API");
    }

    #[test]
    fn a_window_across_midnight_names_both_dates() {
        let w = Window {
            start: fixtures::at("2026-11-02T23:50:00Z"),
            end: fixtures::at("2026-11-03T00:05:00Z"),
        };
        assert_eq!(
            window_text(&w),
            "2026-11-02 23:50 to 2026-11-03 00:05 UTC (15 min)"
        );
    }

    #[test]
    fn a_request_with_nothing_known_but_its_id_is_just_the_id() {
        let r = WorstRequest::alone(crate::evidence::logs::RequestRecord {
            request_id: "abc".into(),
            latency_ms: Some(f64::NAN),
            status: None,
            failure: None,
            backend_request_id: None,
        });
        assert_eq!(request_line(&r), "abc");
    }

    #[test]
    fn a_followed_request_shows_its_invocation_and_trace_and_what_was_missing() {
        let report = fixtures::cold_start();
        let followed = request_line(&report.diagnosis.worst_requests[0]);
        assert_eq!(
            followed,
            "7f2c9a10-0000-4000-8000-000000000001: 29001 ms, status 504, integration timeouts (504); function: catalog-fn ran 21.4 s, cold start, init 9.8 s, 498 of 512 MB used (Lambda request 8f2c1d0e-1111-2222-3333-444455556666); trace 1-6762f0a1-3b2c1d0e9f8a7b6c5d4e3f2a took 29.0 s, 34% in Initialization"
        );
        let unfollowed = request_line(&report.diagnosis.worst_requests[1]);
        assert!(
            unfollowed.ends_with(
                "; not followed: no REPORT line for Lambda request 9a8b7c6d-1111-2222-3333-444455556666 among the slowest invocations in the window"
            ),
            "{unfollowed}"
        );
    }
}
