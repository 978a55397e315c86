//! Pure evaluation of raw log lines into summaries. (stub, being written)
use super::*;

pub const SAMPLES: usize = 3;
pub const SLOWEST: usize = 3;

#[derive(Default)]
pub struct ExecutionLogEvaluator;
impl ExecutionLogEvaluator {
    pub fn new() -> Self {
        Self
    }
    pub fn push(&mut self, _at_ms: i64, _message: &str) {}
    pub fn finish(self) -> ExecutionSummary {
        ExecutionSummary::default()
    }
}
pub struct AccessLogEvaluator;
impl AccessLogEvaluator {
    pub fn new(_format: &str) -> Self {
        Self
    }
    pub fn push(&mut self, _message: &str) {}
    pub fn finish(self) -> AccessSummary {
        AccessSummary::default()
    }
}
#[derive(Default)]
pub struct FunctionLogEvaluator;
impl FunctionLogEvaluator {
    pub fn new() -> Self {
        Self
    }
    pub fn push(&mut self, _message: &str) {}
    pub fn finish(self) -> FunctionSummary {
        FunctionSummary::default()
    }
}
