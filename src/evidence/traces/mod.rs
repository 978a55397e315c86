//! X-Ray traces: the slowest or faulted requests and where their time went.

pub mod live;
mod scenario;

use crate::evidence::SourceError;
use crate::trigger::Window;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// Port: the slowest traces through an API stage in a window.
#[async_trait]
pub trait TraceSummaries: Send + Sync {
    async fn slowest(&self, q: &TraceQuestion) -> Result<Vec<TraceSummary>, SourceError>;
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TraceQuestion {
    pub api_id: String,
    /// X-Ray names a REST stage's service `{api name}/{stage}`, not by its id.
    pub api_name: String,
    pub stage: String,
    /// Functions behind the API: HTTP APIs are traced through their functions' active tracing.
    pub functions: Vec<String>,
    /// Traced through the functions' own segments rather than the stage's: HTTP and WebSocket
    /// APIs are not traced by X-Ray themselves.
    pub traced_through_functions: bool,
    pub window: Window,
    pub limit: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceSummary {
    pub trace_id: String,
    pub duration_ms: f64,
    #[serde(default)]
    pub http_status: Option<u16>,
    #[serde(default)]
    pub fault: bool,
    /// The API Gateway request id, when the trace carries it.
    #[serde(default)]
    pub request_id: Option<String>,
    /// Subsegments by time spent, largest first.
    #[serde(default)]
    pub subsegments: Vec<Subsegment>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subsegment {
    /// `DynamoDB`, `payments.example.com`, `Initialization`.
    pub name: String,
    /// `aws`, `remote`, or empty for local code.
    #[serde(default)]
    pub namespace: String,
    /// `Query`, `GET`...
    #[serde(default)]
    pub operation: Option<String>,
    pub duration_ms: f64,
}

impl TraceSummary {
    /// The subsegment that takes the largest share of the trace, with that share.
    pub fn dominant(&self) -> Option<(&Subsegment, f64)> {
        let s = self
            .subsegments
            .iter()
            .max_by(|a, b| a.duration_ms.total_cmp(&b.duration_ms))?;
        (self.duration_ms > 0.0).then(|| (s, s.duration_ms / self.duration_ms))
    }
}
