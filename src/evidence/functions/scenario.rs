use super::{FunctionCatalog, FunctionSettings};
use crate::evidence::scenario::Scenario;
use crate::evidence::{SourceError, SourceKind};
use async_trait::async_trait;

#[async_trait]
impl FunctionCatalog for Scenario {
    async fn function(
        &self,
        name: &str,
        _qualifier: Option<&str>,
    ) -> Result<FunctionSettings, SourceError> {
        self.behave(SourceKind::FunctionConfig).await?;
        self.functions
            .iter()
            .find(|f| f.name == name)
            .cloned()
            .ok_or_else(|| SourceError::NotFound(format!("function {name}")))
    }
}
