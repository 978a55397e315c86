//! An SNS message for e-mail (and any other plain subscriber): a subject SNS accepts and the
//! text report as the body.

use super::Report;
use super::text;

/// SNS: a subject is ASCII, starts with a letter, number or punctuation mark, has no line
/// breaks or control characters, and is fewer than 100 characters long.
pub const MAX_SUBJECT: usize = 99;
/// SNS caps a whole message at 256 KiB (262 144 bytes); the body stays well under it so the
/// message attributes and any envelope still fit.
pub const MAX_BODY_BYTES: usize = 240_000;

const SHORTENED: &str = "...";
const BODY_CUT_NOTE: &str = "\n\n... the rest of this report was cut to fit an SNS message; the JSON report and the logs hold all of it.\n";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnsMessage {
    pub subject: String,
    pub body: String,
}

pub fn render(report: &Report) -> SnsMessage {
    SnsMessage {
        subject: subject(report),
        body: body(report),
    }
}

/// `[cold_start] catalog-api prod: Cold starts push requests over the limit`; the API part is
/// shortened first, since the verdict says what to do.
fn subject(report: &Report) -> String {
    let verdict = report.diagnosis.verdict;
    let prefix = format!("[{verdict}] ");
    let title = format!(": {}", verdict.title());
    let api = ascii_line(&text::api_short(report));
    let room = MAX_SUBJECT.saturating_sub(prefix.len() + title.len());
    let api = if api.len() <= room {
        api
    } else {
        // Keep at least a recognisable start of the name; the whole is cut below if need be.
        shorten(&api, room.max(12))
    };
    // `[` is punctuation, so the subject always starts as SNS requires.
    shorten(&format!("{prefix}{api}{title}"), MAX_SUBJECT)
}

fn body(report: &Report) -> String {
    let mut body = text::render(report);
    if body.len() > MAX_BODY_BYTES {
        let mut end = MAX_BODY_BYTES - BODY_CUT_NOTE.len();
        while !body.is_char_boundary(end) {
            end -= 1;
        }
        body.truncate(end);
        body.push_str(BODY_CUT_NOTE);
    }
    body
}

/// Printable ASCII on one line: other characters become `?`, runs of blanks one space.
fn ascii_line(s: &str) -> String {
    let mapped: String = s
        .chars()
        .map(|c| match c {
            ' '..='~' => c,
            c if c.is_whitespace() || c.is_control() => ' ',
            _ => '?',
        })
        .collect();
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Cut ASCII `s` to `max` bytes ending in "...". `s` is ASCII, so bytes are characters.
fn shorten(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let keep = max.saturating_sub(SHORTENED.len());
    let cut = s.get(..keep).unwrap_or(s).trim_end();
    format!("{cut}{SHORTENED}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnosis::Verdict;
    use crate::report::fixtures;

    fn assert_valid_subject(s: &str) {
        assert!(!s.is_empty());
        assert!(s.len() < 100, "{} characters: {s}", s.len());
        assert!(
            s.chars().all(|c| (' '..='~').contains(&c)),
            "not printable ASCII: {s:?}"
        );
        let first = s.chars().next().unwrap_or(' ');
        assert!(
            first.is_ascii_alphanumeric() || first.is_ascii_punctuation(),
            "{s}"
        );
    }

    #[test]
    fn the_subject_names_verdict_api_stage_and_title() {
        let m = render(&fixtures::cold_start());
        assert_eq!(
            m.subject,
            "[cold_start] catalog-api prod: Cold starts push requests over the limit"
        );
        assert_valid_subject(&m.subject);
    }

    #[test]
    fn a_long_unicode_api_name_is_made_ascii_and_shortened_keeping_the_title() {
        let mut report = fixtures::cold_start();
        if let Some(api) = report.api.as_mut() {
            api.name = Some(format!("каталог-🚀-api\n{}", "très-long-nom-".repeat(20)));
        }
        let s = render(&report).subject;
        assert_valid_subject(&s);
        assert!(
            s.starts_with("[cold_start] ???????-?-api tr?s-long-nom-"),
            "{s}"
        );
        assert!(
            s.contains("...: Cold starts push requests over the limit"),
            "{s}"
        );
    }

    #[test]
    fn every_verdict_gives_a_valid_subject_even_with_a_name_of_control_characters() {
        for v in Verdict::ALL {
            let mut report = fixtures::cold_start();
            report.diagnosis.verdict = v;
            if let Some(api) = report.api.as_mut() {
                api.name = Some("\u{1b}[31m\r\n\t\u{0}".repeat(40));
            }
            let s = render(&report).subject;
            assert_valid_subject(&s);
            assert!(s.contains(v.as_str()), "{s}");
        }
    }

    #[test]
    fn the_body_is_the_text_report() {
        let report = fixtures::cold_start();
        assert_eq!(render(&report).body, text::render(&report));
    }

    #[test]
    fn a_body_too_large_for_sns_is_cut_with_a_note() {
        let mut report = fixtures::huge();
        report.diagnosis.summary = "é".repeat(200_000);
        let body = render(&report).body;
        assert!(body.len() <= MAX_BODY_BYTES, "{}", body.len());
        assert!(body.ends_with(BODY_CUT_NOTE));
        assert!(body.starts_with("Cold starts push requests over the limit\n"));
    }
}
