//! rules
pub fn diagnose() {}
