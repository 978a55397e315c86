use super::evaluate::{AccessLogEvaluator, ExecutionLogEvaluator, FunctionLogEvaluator};
use super::{
    AccessLogQuestion, AccessSummary, AnswerMethod, Answered, ExecutionLogQuestion,
    ExecutionSummary, FunctionLogQuestion, FunctionSummary, LogQuestions,
};
use crate::evidence::scenario::Scenario;
use crate::evidence::{SourceError, SourceKind};
use async_trait::async_trait;

fn recorded<T>(answer: T) -> Answered<T> {
    Answered {
        answer,
        method: AnswerMethod::Recorded,
        bytes_scanned: 0,
        cut_short: None,
    }
}

#[async_trait]
impl LogQuestions for Scenario {
    async fn execution_log(
        &self,
        q: &ExecutionLogQuestion,
    ) -> Result<Answered<ExecutionSummary>, SourceError> {
        self.behave(SourceKind::ExecutionLog).await?;
        let mut e = ExecutionLogEvaluator::new();
        for (t, m) in self.lines_in(&q.log_group(), &q.window)? {
            e.push(t, m);
        }
        Ok(recorded(e.finish()))
    }

    async fn access_log(
        &self,
        q: &AccessLogQuestion,
    ) -> Result<Answered<AccessSummary>, SourceError> {
        self.behave(SourceKind::AccessLog).await?;
        let mut e = AccessLogEvaluator::new(&q.format);
        for (_, m) in self.lines_in(&q.log_group, &q.window)? {
            e.push(m);
        }
        Ok(recorded(e.finish()))
    }

    async fn function_log(
        &self,
        q: &FunctionLogQuestion,
    ) -> Result<Answered<FunctionSummary>, SourceError> {
        self.behave(SourceKind::FunctionLog).await?;
        let mut e = FunctionLogEvaluator::new();
        for (_, m) in self.lines_in(&q.log_group(), &q.window)? {
            e.push(m);
        }
        Ok(recorded(e.finish()))
    }
}
