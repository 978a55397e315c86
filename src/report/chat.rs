//! The custom notification format of Amazon Q Developer in chat applications (formerly AWS
//! Chatbot): published to an SNS topic mapped to a Slack channel or Teams chat, it is rendered
//! there with no webhook secret.
//!
//! Format (AWS docs, "Custom notifications"): `version` "1.0" and `source` "custom" required;
//! `id`; `content{textType: "client-markdown", title, description, nextSteps[], keywords[]}`;
//! `metadata{threadId, summary, eventType, relatedResources[], additionalContext{}}`, where
//! notifications with one `threadId` are grouped in one thread.
//!
//! Length limits: the documentation copies available here give the schema but no lengths, so
//! the caps below are chosen to fit what the text is rendered into (a Slack header holds 150
//! characters, a section 3000) and stay far under SNS's 256 KiB.

use super::Report;
use super::text;
use crate::diagnosis::{FixStep, Step};
use crate::trigger::ApiKind;
use serde_json::{Map, Value, json};

pub const MAX_TITLE: usize = 150;
pub const MAX_DESCRIPTION: usize = 3000;
pub const MAX_NEXT_STEPS: usize = 10;
pub const MAX_NEXT_STEP: usize = 500;
pub const MAX_KEYWORDS: usize = 5;
pub const MAX_KEYWORD: usize = 50;
pub const MAX_SUMMARY: usize = 200;
/// One evidence line in the description.
const MAX_LINE: usize = 500;

pub fn render(report: &Report) -> Value {
    let d = &report.diagnosis;
    let thread_id = thread_id(report);
    let icon = if text::is_short(report) {
        ":white_check_mark:"
    } else {
        ":rotating_light:"
    };
    let title = clip(
        &format!(
            "{icon} {} on {}",
            d.verdict.title(),
            neutralize(&text::api_short(report))
        ),
        MAX_TITLE,
    );
    json!({
        "version": "1.0",
        "source": "custom",
        "id": event_id(report, &thread_id),
        "content": {
            "textType": "client-markdown",
            "title": title,
            "description": description(report),
            "nextSteps": next_steps(report),
            "keywords": keywords(report),
        },
        "metadata": {
            "threadId": thread_id,
            "summary": clip(
                &format!("{} on {}", d.verdict.title(), neutralize(&text::api_label(report))),
                MAX_SUMMARY,
            ),
            "eventType": format!("gateway-doctor-{}", d.verdict.as_str().replace('_', "-")),
            "relatedResources": related_resources(report),
            "additionalContext": additional_context(report),
        }
    })
}

/// The alarm's ARN, so the OK follow-up threads under the ALARM notification; for a
/// scheduled check, the API it looked at.
fn thread_id(report: &Report) -> String {
    match &report.alarm {
        Some(a) => a.arn.clone(),
        None => neutralize(&text::api_label(report)),
    }
}

/// Unique per state change (or per check), and the same if one event is rendered twice.
fn event_id(report: &Report, thread_id: &str) -> String {
    match (&report.alarm, &report.check) {
        (Some(a), _) => format!("{}/{}/{}", a.arn, a.state, a.changed_at.to_rfc3339()),
        (None, Some(c)) => format!("{thread_id}/{}", c.at.to_rfc3339()),
        (None, None) => format!("{thread_id}/{}", report.diagnosis.verdict),
    }
}

/// The verdict line, the trigger, the summary, then the evidence sections; cut at
/// [`MAX_DESCRIPTION`] with a count of what was left out.
fn description(report: &Report) -> String {
    let d = &report.diagnosis;
    let mut head = vec![clip(
        &format!(
            "Verdict {}, confidence {}. {}.",
            d.verdict,
            d.confidence,
            neutralize(&text::api_label(report))
        ),
        MAX_LINE,
    )];
    let trigger = text::trigger_lines(report);
    if !trigger.is_empty() {
        head.push(clip(&neutralize(&trigger.join("; ")), MAX_LINE));
    }
    if !d.summary.trim().is_empty() {
        head.push(String::new());
        head.push(clip(&neutralize(&d.summary), MAX_LINE * 2));
    }

    let mut sections: Vec<(String, Vec<String>)> = [Step::WhereDied, Step::Backend, Step::Context]
        .into_iter()
        .map(|s| {
            (
                text::step_heading(s),
                text::findings_of(report, s).map(bullet).collect(),
            )
        })
        .collect();
    if !text::is_short(report) {
        sections.push((
            "Recent changes".into(),
            d.suspects
                .iter()
                .map(|c| bullet(&text::change_line(c)))
                .collect(),
        ));
        sections.push((
            "Worst requests".into(),
            d.worst_requests
                .iter()
                .map(|r| bullet(&text::request_line(r)))
                .collect(),
        ));
        sections.push((
            "Could not check".into(),
            d.gaps.iter().map(|g| bullet(&g.to_string())).collect(),
        ));
    }

    let mut lines: Vec<String> = head;
    for (heading, items) in sections.into_iter().filter(|(_, items)| !items.is_empty()) {
        lines.push(String::new());
        lines.push(heading);
        lines.extend(items);
    }
    if !text::is_short(report) {
        lines.push(String::new());
        lines.push(neutralize(&text::cost_line(&report.cost)));
    }
    fit_lines(&lines, MAX_DESCRIPTION)
}

/// Joins `lines` while they fit in `max` characters; says how many evidence lines were left out.
fn fit_lines(lines: &[String], max: usize) -> String {
    const NOTE_ROOM: usize = 80;
    let mut out = String::new();
    let mut used = 0;
    for (i, line) in lines.iter().enumerate() {
        let len = line.chars().count() + usize::from(i > 0);
        if used + len > max - NOTE_ROOM {
            let left = lines
                .get(i..)
                .unwrap_or_default()
                .iter()
                .filter(|l| l.starts_with('•'))
                .count();
            out.push_str(&format!("\n…and {left} more lines in the full report"));
            return out;
        }
        if i > 0 {
            out.push('\n');
        }
        out.push_str(line);
        used += len;
    }
    out
}

/// The fix steps in order, each fix's title before its first step; commands as inline code.
fn next_steps(report: &Report) -> Vec<String> {
    let mut steps = Vec::new();
    let fixes = report
        .diagnosis
        .fixes
        .iter()
        .filter(|f| !text::is_empty_fix(f));
    for fix in fixes {
        let title = neutralize(fix.title.trim());
        let mut rendered: Vec<String> = fix.steps.iter().map(step_text).collect();
        if !title.is_empty() {
            match rendered.first_mut() {
                // Joined only when whole: clipping could cut a command in half.
                Some(first)
                    if title.chars().count() + 2 + first.chars().count() <= MAX_NEXT_STEP =>
                {
                    *first = format!("{title}: {first}");
                }
                _ => rendered.insert(0, title),
            }
        }
        steps.extend(rendered);
    }
    if steps.len() > MAX_NEXT_STEPS {
        let left = steps.len() - (MAX_NEXT_STEPS - 1);
        steps.truncate(MAX_NEXT_STEPS - 1);
        steps.push(format!("…and {left} more steps in the full report"));
    }
    steps.into_iter().map(|s| clip(&s, MAX_NEXT_STEP)).collect()
}

fn step_text(step: &FixStep) -> String {
    match step {
        FixStep::Do { text } => neutralize(text),
        FixStep::Run { command } => {
            let printed = command.to_string();
            // A command is shown only if it survives as inline code exactly as printed.
            let inline_safe = printed.chars().count() + 6 <= MAX_NEXT_STEP
                && !printed.contains(['`', '<', '>', '\n', '\r'])
                && neutralize(&printed) == printed;
            if inline_safe {
                format!("Run `{printed}`")
            } else {
                "Run the command given in the full report (it cannot be shown here as printed)"
                    .into()
            }
        }
        FixStep::Snippet { language, .. } => {
            let language = neutralize(language.trim());
            if language.is_empty() {
                "Apply the snippet given in the full report".into()
            } else {
                format!("Apply the {language} snippet given in the full report")
            }
        }
    }
}

/// Verdict, API, stage.
fn keywords(report: &Report) -> Vec<String> {
    let (api, stage) = match (&report.api, &report.alarm) {
        (Some(a), _) => (
            a.name.clone().or_else(|| a.id.clone()),
            Some(a.stage.clone()),
        ),
        (None, Some(a)) => (a.api.clone(), a.stage.clone()),
        (None, None) => (None, None),
    };
    let mut out: Vec<String> = Vec::new();
    for k in [
        Some(report.diagnosis.verdict.as_str().to_string()),
        api,
        stage,
    ]
    .into_iter()
    .flatten()
    {
        let k = clip(&neutralize(k.trim()), MAX_KEYWORD);
        if !k.is_empty() && !out.contains(&k) {
            out.push(k);
        }
    }
    out.truncate(MAX_KEYWORDS);
    out
}

fn related_resources(report: &Report) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(a) = &report.alarm {
        out.push(a.arn.clone());
    }
    if let Some(rule) = report.check.as_ref().and_then(|c| c.rule_arn.clone()) {
        out.push(rule);
    }
    if let Some(api) = &report.api
        && let Some(id) = api.id.as_deref().filter(|i| !i.is_empty())
    {
        let path = match api.kind {
            ApiKind::Rest => "restapis",
            ApiKind::Http => "apis",
        };
        out.push(format!("arn:aws:apigateway:{}::/{path}/{id}", api.region));
    }
    out.retain(|r| !r.trim().is_empty());
    out
}

/// The facts a custom action or a reader may want as fields; strings only, neutralized like
/// the text since a client may show them.
fn additional_context(report: &Report) -> Value {
    let d = &report.diagnosis;
    let mut m = Map::new();
    let mut put = |k: &str, v: String| {
        if !v.is_empty() {
            m.insert(k.into(), Value::String(neutralize(&v)));
        }
    };
    put("verdict", d.verdict.as_str().into());
    put("confidence", d.confidence.to_string());
    if let Some(api) = &report.api {
        put("apiKind", api.kind.to_string());
        put("api", api.name.clone().unwrap_or_default());
        put("apiId", api.id.clone().unwrap_or_default());
        put("stage", api.stage.clone());
        put("region", api.region.clone());
    }
    if let Some(a) = &report.alarm {
        put("alarmName", a.name.clone());
        put("alarmState", a.state.to_string());
        put(
            "previousState",
            a.previous_state.map(|s| s.to_string()).unwrap_or_default(),
        );
        put("changedAt", a.changed_at.to_rfc3339());
        put("account", a.account.clone());
        put("windowStart", a.window.start.to_rfc3339());
        put("windowEnd", a.window.end.to_rfc3339());
    } else if let Some(c) = &report.check {
        put("checkedAt", c.at.to_rfc3339());
        put("windowStart", c.window.start.to_rfc3339());
        put("windowEnd", c.window.end.to_rfc3339());
    }
    Value::Object(m)
}

fn bullet(raw: &str) -> String {
    format!("• {}", clip(&neutralize(raw), MAX_LINE))
}

/// Makes evidence inert in whichever chat markdown the text lands in (Slack or Teams) without
/// entities, whose decoding differs between them: angle brackets (Slack's `<!channel>`,
/// `<@U1>`, links; HTML in Teams) become look-alike quotation marks, `@channel`, `@here` and
/// `@everyone` get a zero-width space, code fences become modifier letters, and line breaks
/// and control characters become spaces.
pub(crate) fn neutralize(s: &str) -> String {
    const MENTIONS: [&str; 3] = ["channel", "here", "everyone"];
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        match c {
            '<' => out.push('‹'),
            '>' => out.push('›'),
            '@' => {
                out.push('@');
                let after = s.get(i + 1..).unwrap_or_default();
                if MENTIONS.iter().any(|m| {
                    after
                        .get(..m.len())
                        .is_some_and(|w| w.eq_ignore_ascii_case(m))
                }) {
                    out.push('\u{200B}');
                }
            }
            c if c.is_control() => out.push(' '),
            _ => out.push(c),
        }
    }
    out.replace("```", "ˋˋˋ")
}

/// Cut to `max` characters, ending in "…" when cut.
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures;

    fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
        v.pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no string at {pointer} in {v}"))
    }

    fn assert_within_limits(v: &Value) {
        assert!(str_at(v, "/content/title").chars().count() <= MAX_TITLE);
        assert!(str_at(v, "/content/description").chars().count() <= MAX_DESCRIPTION);
        assert!(str_at(v, "/metadata/summary").chars().count() <= MAX_SUMMARY);
        let steps = v["content"]["nextSteps"].as_array().expect("nextSteps");
        assert!(steps.len() <= MAX_NEXT_STEPS);
        for s in steps {
            assert!(s.as_str().expect("step").chars().count() <= MAX_NEXT_STEP);
        }
        let keywords = v["content"]["keywords"].as_array().expect("keywords");
        assert!(keywords.len() <= MAX_KEYWORDS);
        for k in keywords {
            assert!(k.as_str().expect("keyword").chars().count() <= MAX_KEYWORD);
        }
    }

    #[test]
    fn the_notification_carries_every_field_of_the_format() {
        let v = render(&fixtures::cold_start());
        assert_eq!(str_at(&v, "/version"), "1.0");
        assert_eq!(str_at(&v, "/source"), "custom");
        assert_eq!(str_at(&v, "/content/textType"), "client-markdown");
        assert_eq!(
            str_at(&v, "/content/title"),
            ":rotating_light: Cold starts push requests over the limit on catalog-api prod"
        );
        assert_eq!(str_at(&v, "/metadata/threadId"), fixtures::ALARM_ARN);
        assert_eq!(
            str_at(&v, "/metadata/eventType"),
            "gateway-doctor-cold-start"
        );
        assert!(!str_at(&v, "/id").is_empty());
        assert_eq!(
            v["content"]["keywords"],
            json!(["cold_start", "catalog-api", "prod"])
        );
        assert_eq!(
            v["metadata"]["relatedResources"],
            json!([
                fixtures::ALARM_ARN,
                "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5"
            ])
        );
        assert_eq!(v["metadata"]["additionalContext"]["verdict"], "cold_start");
        assert_eq!(v["metadata"]["additionalContext"]["alarmState"], "ALARM");
        assert!(
            v["metadata"]["additionalContext"]
                .as_object()
                .expect("object")
                .values()
                .all(Value::is_string)
        );
        assert_within_limits(&v);
    }

    #[test]
    fn the_description_reads_in_order_and_the_fix_is_in_next_steps() {
        let v = render(&fixtures::cold_start());
        let d = str_at(&v, "/content/description");
        let order = [
            "Verdict cold_start, confidence high. REST API catalog-api (a1b2c3d4e5) stage prod.",
            "Alarm catalog-api-5xx went ALARM (was OK)",
            "Cold starts of catalog-fn take 31.2 s",
            "1. Where requests died",
            "2. Backend",
            "Context",
            "Recent changes",
            "Worst requests",
            "Could not check",
            "Cost: Logs Insights scanned 12.35 MB",
        ];
        let mut last = 0;
        for needle in order {
            let at = d
                .find(needle)
                .unwrap_or_else(|| panic!("{needle:?} missing:\n{d}"));
            assert!(at >= last, "{needle:?} out of order:\n{d}");
            last = at;
        }
        let steps: Vec<&str> = v["content"]["nextSteps"]
            .as_array()
            .expect("steps")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(steps[0].starts_with("Keep instances warm"), "{steps:?}");
        assert_eq!(
            steps[1],
            format!("Run `{}`", fixtures::provisioned_concurrency_command())
        );
        assert_eq!(steps[2], "Apply the yaml snippet given in the full report");
        assert!(steps[4].starts_with("Shrink the init phase: Move SDK"));
    }

    #[test]
    fn the_ok_follow_up_threads_under_the_alarm_notification() {
        let alarm = render(&fixtures::cold_start());
        let ok = render(&fixtures::recovered());
        assert_eq!(alarm["metadata"]["threadId"], ok["metadata"]["threadId"]);
        assert_ne!(alarm["id"], ok["id"]);
        assert!(str_at(&ok, "/content/title").starts_with(":white_check_mark: Recovered"));
        assert_eq!(ok["content"]["nextSteps"], json!([]));
        let d = str_at(&ok, "/content/description");
        assert!(
            !d.contains("Cost:") && !d.contains("Could not check"),
            "{d}"
        );
    }

    #[test]
    fn a_scheduled_check_threads_by_api() {
        let v = render(&fixtures::scheduled());
        assert_eq!(
            str_at(&v, "/metadata/threadId"),
            "REST API catalog-api (a1b2c3d4e5) stage prod"
        );
        assert!(str_at(&v, "/content/description").contains("Scheduled check at"));
        assert!(
            v["metadata"]["relatedResources"]
                .as_array()
                .expect("resources")
                .iter()
                .any(|r| r == "arn:aws:events:eu-west-1:111122223333:rule/gateway-doctor-hourly")
        );
    }

    #[test]
    fn a_huge_report_is_capped_and_says_what_was_left_out() {
        let v = render(&fixtures::huge());
        assert_within_limits(&v);
        assert!(str_at(&v, "/content/description").contains("more lines in the full report"));
        let steps = v["content"]["nextSteps"].as_array().expect("steps");
        assert!(
            steps
                .last()
                .and_then(Value::as_str)
                .unwrap_or_default()
                .contains("more steps in the full report")
        );
    }

    #[test]
    fn hostile_strings_cannot_mention_or_link() {
        let v = render(&fixtures::hostile());
        assert_within_limits(&v);
        let all = v.to_string();
        for live in ["<", ">", "@here", "@channel", "@everyone", "```"] {
            assert!(!all.contains(live), "{live:?} survives in {all}");
        }
    }

    #[test]
    fn a_long_fix_title_gets_its_own_step_rather_than_cutting_the_command() {
        let mut report = fixtures::cold_start();
        report.diagnosis.fixes[0].title = "T".repeat(450);
        report.diagnosis.fixes[0].steps.remove(0);
        let v = render(&report);
        let steps = v["content"]["nextSteps"].as_array().expect("steps");
        assert_eq!(steps[0], "T".repeat(450));
        assert_eq!(
            steps[1],
            format!("Run `{}`", fixtures::provisioned_concurrency_command())
        );
        assert_within_limits(&v);
    }

    #[test]
    fn a_command_that_cannot_be_inline_code_is_referred_to_not_mangled() {
        let c = crate::diagnosis::Command::aws("apigateway", "create-deployment")
            .arg("description", "a `b` c");
        let s = step_text(&FixStep::Run { command: c });
        assert!(!s.contains("create-deployment"), "{s}");
    }
}
