use super::{TraceQuestion, TraceSummaries, TraceSummary};
use crate::evidence::scenario::Scenario;
use crate::evidence::{SourceError, SourceKind};
use async_trait::async_trait;

#[async_trait]
impl TraceSummaries for Scenario {
    async fn slowest(&self, q: &TraceQuestion) -> Result<Vec<TraceSummary>, SourceError> {
        self.behave(SourceKind::Traces).await?;
        let mut found: Vec<TraceSummary> = self
            .traces
            .iter()
            .filter(|t| q.window.contains(t.at))
            .map(|t| t.summary.clone())
            .collect();
        found.sort_by(|a, b| b.duration_ms.total_cmp(&a.duration_ms));
        found.truncate(q.limit);
        Ok(found)
    }
}
