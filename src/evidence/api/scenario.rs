use super::{ApiCatalog, ApiDescription};
use crate::evidence::scenario::Scenario;
use crate::evidence::{SourceError, SourceKind};
use crate::trigger::{ApiKind, ApiRef};
use async_trait::async_trait;

#[async_trait]
impl ApiCatalog for Scenario {
    async fn describe(&self, api: &ApiRef) -> Result<ApiDescription, SourceError> {
        self.behave(SourceKind::ApiConfig).await?;
        let matches: Vec<&ApiDescription> = self
            .apis
            .iter()
            .filter(|a| a.kind() == api.kind)
            .filter(|a| match api.kind {
                ApiKind::Rest => a.name == api.name_or_id,
                ApiKind::Http => a.id == api.name_or_id,
            })
            .collect();
        match matches.as_slice() {
            [] => Err(SourceError::NotFound(format!(
                "no {} API {}",
                api.kind, api.name_or_id
            ))),
            [one] if one.stage.name == api.stage => Ok((*one).clone()),
            [one] => Err(SourceError::NotFound(format!(
                "API {} has no stage {}",
                one.id, api.stage
            ))),
            many => Err(SourceError::Ambiguous(format!(
                "{} REST APIs are named {}: {}",
                many.len(),
                api.name_or_id,
                many.iter()
                    .map(|a| a.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }
}
