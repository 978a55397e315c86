//! A Lambda function's configuration.

pub mod live;
mod scenario;

use crate::evidence::SourceError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Port: a function's settings, for the alias or version the integration invokes.
#[async_trait]
pub trait FunctionCatalog: Send + Sync {
    async fn function(
        &self,
        name: &str,
        qualifier: Option<&str>,
    ) -> Result<FunctionSettings, SourceError>;
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionSettings {
    pub name: String,
    pub timeout_s: u32,
    pub memory_mb: u32,
    #[serde(default = "default_architecture")]
    pub architecture: String,
    #[serde(default)]
    pub runtime: Option<String>,
    #[serde(default)]
    pub in_vpc: bool,
    #[serde(default)]
    pub reserved_concurrency: Option<u32>,
    /// Provisioned concurrency allocated to the invoked qualifier.
    #[serde(default)]
    pub provisioned_concurrency: Option<u32>,
    #[serde(default)]
    pub tracing_active: bool,
    #[serde(default)]
    pub last_modified: Option<DateTime<Utc>>,
}

fn default_architecture() -> String {
    "x86_64".into()
}
