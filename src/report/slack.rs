//! Slack Block Kit, for an incoming webhook or `chat.postMessage`.
//!
//! Slack rejects a whole message when one limit is broken, and the report is built from
//! evidence of any size, so every text is measured and every section has a block budget:
//! the payload stays inside the limits however large the report. Everything from evidence or
//! configuration goes through [`escape_mrkdwn`] so it cannot mention or link.

use super::Report;
use super::text;
use crate::diagnosis::{FixStep, Step};
use serde_json::{Value, json};

/// Slack: at most 50 blocks in a message.
pub const MAX_BLOCKS: usize = 50;
/// Slack: a section's text is at most 3000 characters.
pub const MAX_SECTION_TEXT: usize = 3000;
/// Slack: a header's plain text is at most 150 characters.
pub const MAX_HEADER_TEXT: usize = 150;
/// Slack: a context block holds at most 10 elements.
pub const MAX_CONTEXT_ELEMENTS: usize = 10;
/// The top-level `text` is only the notification's fallback; keep it short.
pub const MAX_FALLBACK_TEXT: usize = 3000;

/// Sections are filled to here, leaving room for the "…and N more" note.
const SECTION_FILL: usize = MAX_SECTION_TEXT - 150;
/// One finding, change or step; so a heading plus one item always fits a section.
const MAX_ITEM: usize = 1400;
/// A fix's title; with its first step it still fits a section.
const MAX_FIX_TITLE: usize = 300;
/// A context element: one line of metadata.
const MAX_CONTEXT_TEXT: usize = 1000;

/// Blocks each part may use. With the fixed blocks (header, meta, summary, dividers, cost)
/// these add up to 43, under [`MAX_BLOCKS`] whatever the report holds.
const BUDGET_WHERE_DIED: usize = 6;
const BUDGET_BACKEND: usize = 6;
const BUDGET_CONTEXT: usize = 3;
const BUDGET_CHANGES: usize = 2;
const BUDGET_REQUESTS: usize = 2;
const BUDGET_FIX: usize = 14;
const BUDGET_GAPS: usize = 3;

pub fn render(report: &Report) -> Value {
    let d = &report.diagnosis;
    let short = text::is_short(report);
    let mut blocks: Vec<Value> = Vec::new();

    let icon = if short {
        ":white_check_mark:"
    } else {
        ":rotating_light:"
    };
    blocks.push(json!({
        "type": "header",
        "text": {
            "type": "plain_text",
            "text": clip_plain(&format!("{icon} {}", d.verdict.title()), MAX_HEADER_TEXT),
            "emoji": true,
        }
    }));

    let mut meta = vec![
        format!("`{}` · confidence *{}*", d.verdict, d.confidence),
        escape_mrkdwn(&text::api_label(report)),
    ];
    meta.extend(text::trigger_lines(report).iter().map(|l| escape_mrkdwn(l)));
    blocks.push(context(meta));

    if !d.summary.trim().is_empty() {
        blocks.push(section(clip(&escape_mrkdwn(&d.summary), MAX_SECTION_TEXT)));
    }

    let mut body: Vec<Value> = Vec::new();
    for (step, budget) in [
        (Step::WhereDied, BUDGET_WHERE_DIED),
        (Step::Backend, BUDGET_BACKEND),
        (Step::Context, BUDGET_CONTEXT),
    ] {
        let items: Vec<String> = text::findings_of(report, step).map(bullet).collect();
        let total = items.len();
        body.extend(packed(
            &bold(&text::step_heading(step)),
            &items,
            budget,
            |shown| more_note(total - shown, "finding", "findings"),
        ));
    }
    if !short {
        let changes: Vec<String> = d
            .suspects
            .iter()
            .map(|c| bullet(&text::change_line(c)))
            .collect();
        body.extend(packed(
            &bold("Recent changes"),
            &changes,
            BUDGET_CHANGES,
            |shown| more_note(changes.len() - shown, "change", "changes"),
        ));
        let requests: Vec<String> = d
            .worst_requests
            .iter()
            .map(|r| bullet(&text::request_line(r)))
            .collect();
        body.extend(packed(
            &bold("Worst requests"),
            &requests,
            BUDGET_REQUESTS,
            |shown| more_note(requests.len() - shown, "request", "requests"),
        ));
    }
    if !body.is_empty() {
        blocks.push(divider());
        blocks.extend(body);
    }

    if !short {
        let fix = fix_blocks(report);
        if !fix.is_empty() {
            blocks.push(divider());
            blocks.extend(fix);
        }
        let gaps: Vec<String> = d.gaps.iter().map(|g| bullet(&g.to_string())).collect();
        let gap_blocks = packed(&bold("Could not check"), &gaps, BUDGET_GAPS, |shown| {
            more_note(gaps.len() - shown, "gap", "gaps")
        });
        if !gap_blocks.is_empty() {
            blocks.push(divider());
            blocks.extend(gap_blocks);
        }
        blocks.push(context(vec![escape_mrkdwn(&text::cost_line(&report.cost))]));
    }

    // The budgets above keep this unreachable; it stays so no report can break the limit.
    if blocks.len() > MAX_BLOCKS {
        blocks.truncate(MAX_BLOCKS - 1);
        blocks.push(context(vec![
            "_…the rest of the report is not shown_".into(),
        ]));
    }

    json!({ "text": fallback(report), "blocks": blocks })
}

/// The notification's plain fallback: verdict, API and the summary.
fn fallback(report: &Report) -> String {
    let d = &report.diagnosis;
    let raw = format!(
        "{} ({}, confidence {}) on {}: {}",
        d.verdict.title(),
        d.verdict,
        d.confidence,
        text::api_label(report),
        d.summary.split_whitespace().collect::<Vec<_>>().join(" ")
    );
    clip(&escape_mrkdwn(&raw), MAX_FALLBACK_TEXT)
}

/// Each fix's title, then its steps numbered; commands and snippets in code blocks.
fn fix_blocks(report: &Report) -> Vec<Value> {
    // (fix index, starts the fix, rendered item). A title travels with its first step so it is
    // never left alone at the bottom of a section.
    let mut items: Vec<(usize, bool, String)> = Vec::new();
    let fixes = report
        .diagnosis
        .fixes
        .iter()
        .filter(|f| !text::is_empty_fix(f));
    for (i, fix) in fixes.enumerate() {
        let mut steps: Vec<String> = fix
            .steps
            .iter()
            .enumerate()
            .map(|(n, s)| step_item(n, s))
            .collect();
        let title = (!fix.title.trim().is_empty())
            .then(|| bold(&clip(&escape_mrkdwn(&fix.title), MAX_FIX_TITLE)));
        match (title, steps.is_empty()) {
            (Some(t), true) => steps.push(t),
            (Some(t), false) => steps[0] = format!("{t}\n{}", steps[0]),
            (None, _) => {}
        }
        items.extend(steps.into_iter().enumerate().map(|(n, s)| (i, n == 0, s)));
    }
    if items.is_empty() {
        return Vec::new();
    }
    let texts: Vec<String> = items.iter().map(|(_, _, t)| t.clone()).collect();
    packed(&bold("3. Fix"), &texts, BUDGET_FIX, |shown| {
        let rest = items.get(shown..).unwrap_or_default();
        let fixes_left = rest.iter().filter(|(_, starts, _)| *starts).count();
        // Cut inside a fix whose start was shown: the rest of its steps.
        let steps_left = rest.iter().take_while(|(_, starts, _)| !starts).count();
        let steps = if steps_left == 1 { "step" } else { "steps" };
        let fixes = if fixes_left == 1 { "fix" } else { "fixes" };
        match (fixes_left, steps_left) {
            (0, 0) => None,
            (0, s) => Some(format!(
                "_…{s} more {steps} of this fix not shown; see the full report_"
            )),
            (f, 0) => Some(format!(
                "_…{f} more {fixes} not shown; see the full report_"
            )),
            (f, s) => Some(format!(
                "_…{s} more {steps} of this fix and {f} more {fixes} not shown; see the full report_"
            )),
        }
    })
}

/// `2. Run:` and the command in a code block, or the text of a step, or a snippet.
fn step_item(n: usize, step: &FixStep) -> String {
    let number = format!("{}. ", n + 1);
    match step {
        FixStep::Do { text } => format!("{number}{}", clip(&escape_mrkdwn(text), MAX_ITEM - 10)),
        FixStep::Run { command } => {
            format!(
                "{number}Run:\n{}",
                code_block(&command.to_string(), MAX_ITEM - 20)
            )
        }
        FixStep::Snippet { language, text } => {
            let what = if language.trim().is_empty() {
                "this".to_string()
            } else {
                format!("this {}", clip(&escape_mrkdwn(language), 40))
            };
            format!("{number}Paste {what}:\n{}", code_block(text, MAX_ITEM - 80))
        }
    }
}

fn more_note(left: usize, one: &str, many: &str) -> Option<String> {
    (left > 0).then(|| {
        format!(
            "_…and {left} more {} not shown; see the full report_",
            if left == 1 { one } else { many }
        )
    })
}

/// Fills sections with `items` under `heading`, using at most `budget` blocks. When items are
/// left over, `note(shown)` says what was cut and is appended to the last section.
fn packed(
    heading: &str,
    items: &[String],
    budget: usize,
    note: impl FnOnce(usize) -> Option<String>,
) -> Vec<Value> {
    if items.is_empty() || budget == 0 {
        return Vec::new();
    }
    let mut sections: Vec<String> = Vec::new();
    let mut current = heading.to_string();
    let mut shown = 0;
    for item in items {
        let item = clip(item, SECTION_FILL - units(heading) - 1);
        if units(&current) + 1 + units(&item) <= SECTION_FILL {
            current.push('\n');
            current.push_str(&item);
        } else if sections.len() + 1 < budget {
            sections.push(std::mem::replace(&mut current, item));
        } else {
            break;
        }
        shown += 1;
    }
    if shown < items.len()
        && let Some(n) = note(shown)
    {
        current.push('\n');
        current.push_str(&n);
    }
    sections.push(current);
    sections
        .into_iter()
        .map(|s| section(clip(&s, MAX_SECTION_TEXT)))
        .collect()
}

fn bullet(raw: &str) -> String {
    format!("• {}", clip(&escape_mrkdwn(raw), MAX_ITEM - 2))
}

fn bold(escaped: &str) -> String {
    format!("*{escaped}*")
}

fn section(mrkdwn: String) -> Value {
    json!({ "type": "section", "text": { "type": "mrkdwn", "text": mrkdwn } })
}

fn divider() -> Value {
    json!({ "type": "divider" })
}

fn context(mrkdwn: Vec<String>) -> Value {
    let elements: Vec<Value> = mrkdwn
        .into_iter()
        .filter(|t| !t.trim().is_empty())
        .take(MAX_CONTEXT_ELEMENTS)
        .map(|t| json!({ "type": "mrkdwn", "text": clip(&t, MAX_CONTEXT_TEXT) }))
        .collect();
    json!({ "type": "context", "elements": elements })
}

/// Makes text from evidence or configuration inert in mrkdwn: `&`, `<`, `>` become entities
/// (no `<!channel>`, `<@U1>`, `<#C1>`, `<url|label>`), `@channel`, `@here` and `@everyone` get a
/// zero-width space after the `@` so no client turns them into mentions, and "```" becomes
/// look-alike modifier letters so it cannot open or close a code block.
pub fn escape_mrkdwn(s: &str) -> String {
    const MENTIONS: [&str; 3] = ["channel", "here", "everyone"];
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for (i, c) in s.char_indices() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '@' => {
                out.push('@');
                let after = s.get(i + 1..).unwrap_or_default();
                let mention = MENTIONS.iter().any(|m| {
                    after
                        .get(..m.len())
                        .is_some_and(|w| w.eq_ignore_ascii_case(m))
                });
                if mention {
                    out.push('\u{200B}');
                }
            }
            _ => out.push(c),
        }
    }
    out.replace("```", "ˋˋˋ")
}

/// A fenced code block of `raw`, escaped, its content clipped so the block is at most `max`.
fn code_block(raw: &str, max: usize) -> String {
    let body = escape_mrkdwn(raw.trim_end_matches('\n'));
    // "```\n" + body + "\n```"
    format!("```\n{}\n```", clip(&body, max.saturating_sub(8)))
}

/// Length as Slack counts it, in UTF-16 code units: never less than the number of characters,
/// so a text within it is within Slack's limit either way.
pub(crate) fn units(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Cuts escaped mrkdwn to at most `max` units, ending in "…" when cut, never inside an entity.
fn clip(escaped: &str, max: usize) -> String {
    if units(escaped) <= max {
        return escaped.to_string();
    }
    let keep = max.saturating_sub(1);
    let mut used = 0;
    let mut end = 0;
    for (i, c) in escaped.char_indices() {
        if used + c.len_utf16() > keep {
            break;
        }
        used += c.len_utf16();
        end = i + c.len_utf8();
    }
    let mut cut = escaped.get(..end).unwrap_or_default();
    // Every `&` in escaped text starts an entity; a cut one would show as `&am`.
    if let Some(amp) = cut.rfind('&')
        && !cut[amp..].contains(';')
    {
        cut = &cut[..amp];
    }
    format!("{cut}…")
}

/// Plain text (header) cut to `max` units with "…".
fn clip_plain(s: &str, max: usize) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if units(&flat) <= max {
        return flat;
    }
    let mut out = String::new();
    for c in flat.chars() {
        if units(&out) + c.len_utf16() > max.saturating_sub(1) {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures;

    /// Every text in the message with the limit it must respect.
    fn texts(message: &Value) -> Vec<(String, usize, String)> {
        let mut out = Vec::new();
        let blocks = message["blocks"].as_array().expect("blocks");
        for b in blocks {
            let kind = b["type"].as_str().unwrap_or_default().to_string();
            match kind.as_str() {
                "header" => out.push((
                    kind.clone(),
                    MAX_HEADER_TEXT,
                    b["text"]["text"].as_str().expect("header text").into(),
                )),
                "section" => out.push((
                    kind.clone(),
                    MAX_SECTION_TEXT,
                    b["text"]["text"].as_str().expect("section text").into(),
                )),
                "context" => {
                    let elements = b["elements"].as_array().expect("elements");
                    assert!(!elements.is_empty() && elements.len() <= MAX_CONTEXT_ELEMENTS);
                    for e in elements {
                        out.push((
                            kind.clone(),
                            MAX_SECTION_TEXT,
                            e["text"].as_str().expect("element text").into(),
                        ));
                    }
                }
                "divider" => {}
                other => panic!("unexpected block type {other}"),
            }
        }
        out.push((
            "text".into(),
            MAX_FALLBACK_TEXT,
            message["text"].as_str().expect("fallback").into(),
        ));
        out
    }

    fn all_text(message: &Value) -> String {
        texts(message)
            .into_iter()
            .map(|(_, _, t)| t)
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn assert_within_limits(message: &Value) {
        let blocks = message["blocks"].as_array().expect("blocks");
        assert!(blocks.len() <= MAX_BLOCKS, "{} blocks", blocks.len());
        for (kind, max, t) in texts(message) {
            assert!(!t.is_empty(), "empty {kind} text");
            assert!(
                units(&t) <= max,
                "{kind} text of {} units > {max}",
                units(&t)
            );
        }
    }

    #[test]
    fn escape_mrkdwn_defuses_mentions_links_and_code_fences() {
        let e = escape_mrkdwn(fixtures::HOSTILE);
        for live in [
            "<!",
            "<@",
            "<#",
            "<http",
            "|click>",
            "@here",
            "@channel",
            "@everyone",
            "```",
        ] {
            assert!(!e.contains(live), "{live:?} survives in {e}");
        }
        assert_eq!(
            escape_mrkdwn("a & b <!channel> <@U1> <http://x|y> @here ```x```"),
            "a &amp; b &lt;!channel&gt; &lt;@U1&gt; &lt;http://x|y&gt; @\u{200B}here ˋˋˋxˋˋˋ"
        );
    }

    #[test]
    fn escape_mrkdwn_defuses_mentions_in_any_case_and_leaves_other_ats_alone() {
        assert_eq!(
            escape_mrkdwn("@HERE @Channel"),
            "@\u{200B}HERE @\u{200B}Channel"
        );
        assert_eq!(
            escape_mrkdwn("alice@example.com @é"),
            "alice@example.com @é"
        );
        assert_eq!(escape_mrkdwn("@"), "@");
    }

    #[test]
    fn escape_mrkdwn_leaves_no_run_of_three_backticks() {
        for n in 3..10 {
            let e = escape_mrkdwn(&"`".repeat(n));
            assert!(!e.contains("```"), "{n} backticks: {e}");
        }
    }

    #[test]
    fn clipping_never_cuts_an_entity_in_half() {
        let e = escape_mrkdwn("abc&&&&");
        for max in 1..units(&e) {
            let c = clip(&e, max);
            assert!(units(&c) <= max, "{c}");
            assert!(c.ends_with('…'));
            let body = c.trim_end_matches('…');
            assert!(
                body.matches('&').count() == body.matches(';').count(),
                "{c}"
            );
        }
    }

    #[test]
    fn the_message_follows_the_reading_order() {
        let message = render(&fixtures::cold_start());
        assert_within_limits(&message);
        let all = all_text(&message);
        let order = [
            "Cold starts push requests over the limit",
            "`cold_start` · confidence *high*",
            "REST API catalog-api (a1b2c3d4e5) stage prod",
            "Alarm catalog-api-5xx went ALARM (was OK)",
            "Cold starts of catalog-fn take 31.2 s",
            "*1. Where requests died*",
            "*2. Backend*",
            "*Context*",
            "*Recent changes*",
            "*Worst requests*",
            "*3. Fix*",
            "*Keep instances warm",
            "*Could not check*",
            "Cost: Logs Insights scanned 12.35 MB",
        ];
        let mut last = 0;
        for needle in order {
            let at = all
                .find(needle)
                .unwrap_or_else(|| panic!("{needle:?} missing:\n{all}"));
            assert!(at >= last, "{needle:?} out of order:\n{all}");
            last = at;
        }
        assert_eq!(message["blocks"][0]["type"], "header");
    }

    #[test]
    fn commands_sit_alone_in_code_blocks_exactly_as_printed() {
        let message = render(&fixtures::cold_start());
        let all = all_text(&message);
        for command in [
            fixtures::provisioned_concurrency_command(),
            fixtures::deployment_command(),
        ] {
            let block = format!("```\n{command}\n```");
            assert!(all.contains(&block), "{block} missing:\n{all}");
            assert_eq!(
                shlex::split(&command.to_string()).expect("splits"),
                command.argv()
            );
        }
    }

    #[test]
    fn a_huge_report_stays_inside_every_slack_limit_and_says_what_was_left_out() {
        let message = render(&fixtures::huge());
        assert_within_limits(&message);
        let all = all_text(&message);
        assert!(all.contains("more findings not shown"), "{all}");
        assert!(all.contains("more fixes not shown"), "{all}");
        assert!(all.contains("more gaps not shown"));
        assert!(all.contains("more changes not shown"));
        assert!(!all.contains("@here"));
        assert!(!all.contains('<'));
        // Nothing cut leaves a code block open.
        for (_, _, t) in texts(&message) {
            assert_eq!(t.matches("```").count() % 2, 0, "open fence in {t}");
        }
    }

    #[test]
    fn hostile_strings_cannot_mention_link_or_break_a_code_block() {
        let message = render(&fixtures::hostile());
        assert_within_limits(&message);
        let all = all_text(&message);
        for live in ["<!", "<@", "<#", "<http", "@here", "@channel", "@everyone"] {
            assert!(!all.contains(live), "{live:?} survives:\n{all}");
        }
        for (_, _, t) in texts(&message) {
            assert_eq!(t.matches("```").count() % 2, 0, "fence broken in {t}");
        }
        assert!(all.contains("&lt;!channel&gt;"));
    }

    #[test]
    fn a_recovered_alarm_is_short() {
        let message = render(&fixtures::recovered());
        assert_within_limits(&message);
        let all = all_text(&message);
        assert!(all.contains("Recovered"));
        assert!(all.contains("*1. Where requests died*"));
        for absent in ["*3. Fix*", "*Could not check*", "Cost:", "*2. Backend*"] {
            assert!(!all.contains(absent), "{absent} in:\n{all}");
        }
        assert!(message["blocks"].as_array().map_or(0, Vec::len) <= 5);
    }

    #[test]
    fn empty_sections_are_left_out() {
        let mut report = fixtures::cold_start();
        report.diagnosis.findings.clear();
        report.diagnosis.suspects.clear();
        report.diagnosis.worst_requests.clear();
        report.diagnosis.gaps.clear();
        report.diagnosis.fixes.clear();
        let message = render(&report);
        let all = all_text(&message);
        for absent in [
            "*1.",
            "*2.",
            "*Context*",
            "*Recent",
            "*Worst",
            "*3. Fix*",
            "*Could not",
        ] {
            assert!(!all.contains(absent), "{absent} in:\n{all}");
        }
        let blocks = message["blocks"].as_array().expect("blocks");
        assert!(
            !blocks
                .iter()
                .any(|b| b["type"] == "section" && b["text"]["text"] == "")
        );
        // No two dividers in a row, none dangling at the end before the cost.
        for pair in blocks.windows(2) {
            assert!(!(pair[0]["type"] == "divider" && pair[1]["type"] == "divider"));
        }
    }

    #[test]
    fn a_scheduled_check_says_so_in_place_of_the_alarm() {
        let all = all_text(&render(&fixtures::scheduled()));
        assert!(
            all.contains("Scheduled check at 2026-11-03 06:00 UTC"),
            "{all}"
        );
        assert!(!all.contains("Alarm "));
    }

    #[test]
    fn a_fix_cut_in_the_middle_says_how_many_steps_and_fixes_were_left_out() {
        let mut report = fixtures::huge();
        // One giant fix first: its steps overflow the budget on their own.
        let big: Vec<FixStep> = (0..20)
            .flat_map(|_| report.diagnosis.fixes[0].steps.clone())
            .collect();
        report.diagnosis.fixes[0].steps = big;
        let all = all_text(&render(&report));
        assert!(
            all.contains("more steps of this fix and 39 more fixes not shown"),
            "{all}"
        );
    }
}
