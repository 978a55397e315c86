//! One mapping from the AWS SDK's errors to what went wrong, shared by every adapter: evidence
//! sources turn it into a [`SourceError`] (so AccessDenied, throttling and timeouts become the same
//! named gaps whichever service said them), notifiers and the incident store into their own errors.

use super::SourceError;
use aws_sdk_lambda::config::http::HttpResponse;
use aws_sdk_lambda::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

/// What kind of failure an SDK call met, whichever service it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SdkFailure {
    /// The SDK's own timeout passed.
    TimedOut,
    /// No response: DNS, connection, TLS.
    Unreachable,
    /// A response the SDK could not read.
    Malformed,
    AccessDenied,
    Throttled,
    NotFound,
    /// A service error that names a server-side fault.
    Internal,
    /// Any other service error (validation, conflicts, unmodelled codes).
    Service,
}

/// A classified SDK failure and a description that does not repeat the operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CallFailure {
    pub kind: SdkFailure,
    pub detail: String,
}

/// Classifies a failed SDK call and describes it.
pub(crate) fn call_failure<E, R>(err: &SdkError<E, R>) -> CallFailure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let message = || {
        err.message()
            .map(str::to_string)
            .unwrap_or_else(|| DisplayErrorContext(err).to_string())
    };
    let (kind, detail) = match err {
        SdkError::TimeoutError(_) => (SdkFailure::TimedOut, "the call timed out".to_string()),
        SdkError::DispatchFailure(_) => (
            SdkFailure::Unreachable,
            format!("could not reach the service: {}", DisplayErrorContext(err)),
        ),
        SdkError::ResponseError(_) => (SdkFailure::Malformed, DisplayErrorContext(err).to_string()),
        _ => (service_failure(&code(err)), message()),
    };
    CallFailure { kind, detail }
}

/// A success whose body could not be deserialised comes back from the SDK as an unmodelled
/// service error without a code: the service answered, but with nothing readable.
fn unreadable_success<E>(err: &SdkError<E, HttpResponse>) -> Option<String>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match err {
        SdkError::ServiceError(e) if e.raw().status().is_success() && err.code().is_none() => {
            let inner: &dyn std::error::Error = e.err();
            let why = inner
                .source()
                .map_or_else(|| inner.to_string(), |s| s.to_string());
            Some(format!("the response could not be read: {why}"))
        }
        _ => None,
    }
}

/// Maps a failed call of `operation` (e.g. `logs:StartQuery`) onto a [`SourceError`].
pub(crate) fn source_error<E>(operation: &str, err: &SdkError<E, HttpResponse>) -> SourceError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    if let Some(why) = unreadable_success(err) {
        return SourceError::Malformed(format!("{operation}: {why}"));
    }
    let CallFailure { kind, detail } = call_failure(err);
    let detail = format!("{operation}: {detail}");
    match kind {
        SdkFailure::TimedOut => SourceError::DeadlinePassed(detail),
        SdkFailure::Malformed => SourceError::Malformed(detail),
        SdkFailure::AccessDenied => SourceError::AccessDenied(detail),
        SdkFailure::Throttled => SourceError::Throttled(detail),
        SdkFailure::NotFound => SourceError::NotFound(detail),
        SdkFailure::Unreachable | SdkFailure::Internal | SdkFailure::Service => {
            SourceError::Service(detail)
        }
    }
}

/// Error codes as services send them, and as modelled exceptions built without metadata name
/// themselves (`AuthorizationErrorException` for SNS's `AuthorizationError`).
fn service_failure(code: &str) -> SdkFailure {
    match code {
        "AccessDenied"
        | "AccessDeniedException"
        | "AuthorizationError"
        | "AuthorizationErrorException"
        | "UnauthorizedOperation"
        | "UnrecognizedClientException"
        | "ExpiredTokenException"
        | "InvalidClientTokenId"
        | "KMSAccessDenied"
        | "KmsAccessDeniedException" => SdkFailure::AccessDenied,
        "Throttling"
        | "ThrottlingException"
        | "Throttled"
        | "ThrottledException"
        | "TooManyRequestsException"
        | "LimitExceededException"
        | "RequestLimitExceeded"
        | "ServiceQuotaExceededException"
        | "ProvisionedThroughputExceededException"
        | "KMSThrottling"
        | "KmsThrottlingException" => SdkFailure::Throttled,
        "ResourceNotFoundException" | "NotFoundException" | "NotFound" | "ResourceNotFound" => {
            SdkFailure::NotFound
        }
        "InternalError"
        | "InternalErrorException"
        | "InternalFailure"
        | "InternalServerError"
        | "InternalServerErrorException"
        | "ServiceUnavailable"
        | "ServiceUnavailableException" => SdkFailure::Internal,
        _ => SdkFailure::Service,
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

    #[test]
    fn a_success_whose_body_cannot_be_read_is_malformed_not_a_service_error() {
        let unreadable = |status: u16| {
            SdkError::service_error(
                GetFunctionConfigurationError::unhandled("x".parse::<f64>().unwrap_err()),
                Response::new(
                    StatusCode::try_from(status).unwrap(),
                    SdkBody::from("{\"Fun"),
                ),
            )
        };
        let got = source_error("lambda:GetFunctionConfiguration", &unreadable(200));
        assert!(
            matches!(got, SourceError::Malformed(ref m)
                if m == "lambda:GetFunctionConfiguration: the response could not be read: invalid float literal"),
            "{got:?}"
        );
        // The same unreadable body on a 500 is the service failing, as before.
        assert!(matches!(
            source_error("lambda:GetFunctionConfiguration", &unreadable(500)),
            SourceError::Service(_)
        ));
    }

    #[test]
    fn sns_and_dynamodb_codes_are_classified_like_the_others() {
        for (code, kind) in [
            ("AuthorizationError", SdkFailure::AccessDenied),
            ("Throttled", SdkFailure::Throttled),
            (
                "ProvisionedThroughputExceededException",
                SdkFailure::Throttled,
            ),
            ("InternalError", SdkFailure::Internal),
            ("InvalidParameter", SdkFailure::Service),
        ] {
            let meta = aws_sdk_lambda::error::ErrorMetadata::builder()
                .code(code)
                .message("said the service")
                .build();
            let e = service_error(GetFunctionConfigurationError::generic(meta));
            let got = call_failure(&e);
            assert_eq!(got.kind, kind, "{code}");
            assert_eq!(got.detail, "said the service");
        }
    }
}
