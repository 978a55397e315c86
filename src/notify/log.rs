use super::{IncidentRefs, Notifier, NotifyError};
use crate::report::{Report, json};
use async_trait::async_trait;

/// Writes each report as one structured log event (JSON report in the `report` field).
pub struct LogNotifier;

#[async_trait]
impl Notifier for LogNotifier {
    fn name(&self) -> &'static str {
        "log"
    }

    async fn send(
        &self,
        report: &Report,
        _earlier: Option<&IncidentRefs>,
    ) -> Result<IncidentRefs, NotifyError> {
        tracing::info!(
            verdict = report.diagnosis.verdict.as_str(),
            confidence = %report.diagnosis.confidence,
            report = %json::render(report),
            "diagnosis"
        );
        Ok(IncidentRefs::default())
    }
}
