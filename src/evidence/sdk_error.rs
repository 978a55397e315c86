//! One mapping from the AWS SDK's errors to [`SourceError`], shared by every live adapter,
//! so AccessDenied, throttling and timeouts become the same named gaps whichever service said them.

use super::SourceError;
use aws_sdk_lambda::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

/// Maps a failed call of `operation` (e.g. `logs:StartQuery`) onto a [`SourceError`].
pub(crate) fn source_error<E, R>(operation: &str, err: &SdkError<E, R>) -> SourceError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let detail = || {
        let msg = err
            .message()
            .map(str::to_string)
            .unwrap_or_else(|| DisplayErrorContext(err).to_string());
        format!("{operation}: {msg}")
    };
    match err {
        SdkError::TimeoutError(_) => {
            SourceError::DeadlinePassed(format!("{operation}: the call timed out"))
        }
        SdkError::DispatchFailure(_) => SourceError::Service(format!(
            "{operation}: could not reach the service: {}",
            DisplayErrorContext(err)
        )),
        SdkError::ResponseError(_) => {
            SourceError::Malformed(format!("{operation}: {}", DisplayErrorContext(err)))
        }
        _ => match code(err).as_str() {
            "AccessDenied"
            | "AccessDeniedException"
            | "UnauthorizedOperation"
            | "UnrecognizedClientException"
            | "ExpiredTokenException"
            | "InvalidClientTokenId" => SourceError::AccessDenied(detail()),
            "Throttling"
            | "ThrottlingException"
            | "ThrottledException"
            | "TooManyRequestsException"
            | "LimitExceededException"
            | "RequestLimitExceeded"
            | "ServiceQuotaExceededException" => SourceError::Throttled(detail()),
            "ResourceNotFoundException" | "NotFoundException" | "NotFound" | "ResourceNotFound" => {
                SourceError::NotFound(detail())
            }
            _ => SourceError::Service(detail()),
        },
    }
}

/// The error's code; a modelled exception built without metadata names itself in its Display.
fn code<E, R>(err: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    err.code().map(str::to_string).unwrap_or_else(|| {
        err.as_service_error()
            .map(|e| e.to_string())
            .and_then(|d| d.split(':').next().map(|c| c.trim().to_string()))
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_lambda::operation::get_function_configuration::GetFunctionConfigurationError;
    use aws_sdk_lambda::types::error::{ResourceNotFoundException, TooManyRequestsException};
    use aws_smithy_runtime_api::http::{Response, StatusCode};
    use aws_smithy_types::body::SdkBody;

    fn service_error(
        e: GetFunctionConfigurationError,
    ) -> SdkError<GetFunctionConfigurationError, Response> {
        SdkError::service_error(
            e,
            Response::new(StatusCode::try_from(400).unwrap(), SdkBody::empty()),
        )
    }

    #[test]
    fn a_lambda_throttle_becomes_a_throttled_gap() {
        let e = service_error(GetFunctionConfigurationError::TooManyRequestsException(
            TooManyRequestsException::builder()
                .message("Rate exceeded")
                .build(),
        ));
        let got = source_error("lambda:GetFunctionConfiguration", &e);
        assert!(
            matches!(got, SourceError::Throttled(ref m) if m.contains("Rate exceeded")),
            "{got:?}"
        );
    }

    #[test]
    fn a_missing_function_becomes_not_found() {
        let e = service_error(GetFunctionConfigurationError::ResourceNotFoundException(
            ResourceNotFoundException::builder()
                .message("Function not found")
                .build(),
        ));
        assert!(matches!(
            source_error("lambda:GetFunctionConfiguration", &e),
            SourceError::NotFound(_)
        ));
    }

    #[test]
    fn an_unmodelled_access_denied_code_becomes_access_denied() {
        let meta = aws_sdk_lambda::error::ErrorMetadata::builder()
            .code("AccessDeniedException")
            .message("User is not authorized to perform: lambda:GetFunctionConfiguration")
            .build();
        let e = service_error(GetFunctionConfigurationError::generic(meta));
        assert!(matches!(
            source_error("lambda:GetFunctionConfiguration", &e),
            SourceError::AccessDenied(_)
        ));
    }
}
