//! Recent changes to the API and its backend: the first suspect in any incident.

pub mod live;
mod scenario;

use crate::evidence::SourceError;
use crate::trigger::ApiKind;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Port: changes made to these resources between `since` and `until`.
#[async_trait]
pub trait ChangeHistory: Send + Sync {
    async fn changes(&self, q: &ChangeQuestion) -> Result<Vec<Change>, SourceError>;
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeQuestion {
    pub api_id: String,
    /// Which control plane holds the API's deployment history (apigateway or apigatewayv2).
    pub kind: ApiKind,
    pub stage: String,
    pub functions: Vec<String>,
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub at: DateTime<Utc>,
    pub kind: ChangeKind,
    /// The API, stage or function changed.
    pub resource: String,
    #[serde(default)]
    pub actor: Option<String>,
    #[serde(default)]
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    StageDeployment,
    FunctionCode,
    FunctionConfiguration,
    IntegrationEdit,
}

impl ChangeKind {
    pub fn describe(self) -> &'static str {
        match self {
            Self::StageDeployment => "stage deployment",
            Self::FunctionCode => "function code update",
            Self::FunctionConfiguration => "function configuration update",
            Self::IntegrationEdit => "integration edit",
        }
    }
}
