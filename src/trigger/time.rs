use chrono::{DateTime, Utc};

/// Parses CloudWatch's timestamps: `2026-11-24T02:14:00.123+0000` (no colon in the offset),
/// as well as RFC 3339 (`...Z`, `+00:00`) that EventBridge uses.
pub fn parse_timestamp(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%z"]
        .iter()
        .find_map(|f| DateTime::parse_from_str(s, f).ok())
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offset_without_a_colon_is_accepted() {
        let t = parse_timestamp("2026-11-24T02:14:00.123+0000").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-24T02:14:00.123+00:00");
    }

    #[test]
    fn rfc3339_with_z_is_accepted() {
        assert!(parse_timestamp("2026-11-24T02:14:00Z").is_some());
    }

    #[test]
    fn a_non_offset_offset_is_rejected() {
        assert!(parse_timestamp("2026-11-24 02:14").is_none());
        assert!(parse_timestamp("yesterday").is_none());
    }
}
