//! json renderer
pub fn render(report: &super::Report) -> serde_json::Value {
    serde_json::to_value(report).unwrap_or_default()
}
