use super::{Change, ChangeHistory, ChangeQuestion};
use crate::evidence::scenario::Scenario;
use crate::evidence::{SourceError, SourceKind};
use async_trait::async_trait;

#[async_trait]
impl ChangeHistory for Scenario {
    async fn changes(&self, q: &ChangeQuestion) -> Result<Vec<Change>, SourceError> {
        self.behave(SourceKind::Changes).await?;
        let mut found: Vec<Change> = self
            .changes
            .iter()
            .filter(|c| c.at >= q.since && c.at < q.until)
            .cloned()
            .collect();
        found.sort_by_key(|c| c.at);
        Ok(found)
    }
}
