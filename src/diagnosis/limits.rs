//! API Gateway's integration timeout limits, as AWS documents them (DESIGN.md, November 2026).

use crate::evidence::api::{EndpointType, Protocol};
use serde::Serialize;

/// REST default and, without a quota increase, maximum.
pub const REST_DEFAULT_MS: u32 = 29_000;
/// HTTP APIs: fixed.
pub const HTTP_MAX_MS: u32 = 30_000;
/// WebSocket APIs: fixed.
pub const WEBSOCKET_MAX_MS: u32 = 29_000;

/// The timeout an integration runs under and how far it could go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TimeoutLimits {
    /// The timeout in force: the configured one, or the default when unset.
    pub effective_ms: u32,
    /// The most the integration may be given without help from AWS.
    pub platform_max_ms: u32,
    /// Configured below the platform maximum.
    pub custom: bool,
    /// Regional and private REST APIs may go above 29 s through a Service Quotas request.
    pub quota_raisable: bool,
}

pub fn timeout_limits(
    protocol: Protocol,
    endpoint: Option<EndpointType>,
    configured_ms: Option<u32>,
) -> TimeoutLimits {
    // REST reads an absent timeout as 0, which means the default.
    let configured = configured_ms.filter(|ms| *ms > 0);
    match protocol {
        Protocol::Rest => {
            let effective = configured.unwrap_or(REST_DEFAULT_MS);
            // A timeout above 29 s can only exist after the quota was raised.
            let max = effective.max(REST_DEFAULT_MS);
            TimeoutLimits {
                effective_ms: effective,
                platform_max_ms: max,
                custom: effective < max,
                quota_raisable: endpoint != Some(EndpointType::Edge),
            }
        }
        Protocol::Http | Protocol::WebSocket => {
            let max = if protocol == Protocol::Http {
                HTTP_MAX_MS
            } else {
                WEBSOCKET_MAX_MS
            };
            let effective = configured.unwrap_or(max).min(max);
            TimeoutLimits {
                effective_ms: effective,
                platform_max_ms: max,
                custom: effective < max,
                quota_raisable: false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rest_timeout_read_as_zero_means_the_29_second_default() {
        let l = timeout_limits(Protocol::Rest, Some(EndpointType::Regional), Some(0));
        assert_eq!(
            (l.effective_ms, l.platform_max_ms, l.custom),
            (29_000, 29_000, false)
        );
    }

    #[test]
    fn a_rest_timeout_of_ten_seconds_is_custom_and_raisable_to_29() {
        let l = timeout_limits(Protocol::Rest, Some(EndpointType::Regional), Some(10_000));
        assert_eq!(
            (l.effective_ms, l.platform_max_ms, l.custom),
            (10_000, 29_000, true)
        );
        assert!(l.quota_raisable);
    }

    #[test]
    fn a_rest_timeout_above_29_seconds_shows_a_raised_quota() {
        let l = timeout_limits(Protocol::Rest, Some(EndpointType::Private), Some(120_000));
        assert_eq!(
            (l.effective_ms, l.platform_max_ms, l.custom),
            (120_000, 120_000, false)
        );
    }

    #[test]
    fn an_edge_optimized_api_cannot_raise_its_quota() {
        let l = timeout_limits(Protocol::Rest, Some(EndpointType::Edge), None);
        assert!(!l.quota_raisable);
    }

    #[test]
    fn an_http_api_is_capped_at_30_seconds_fixed() {
        let l = timeout_limits(Protocol::Http, None, None);
        assert_eq!(
            (l.effective_ms, l.custom, l.quota_raisable),
            (30_000, false, false)
        );
        let l = timeout_limits(Protocol::Http, None, Some(5_000));
        assert!(l.custom);
    }

    #[test]
    fn a_websocket_api_is_capped_at_29_seconds() {
        let l = timeout_limits(Protocol::WebSocket, None, None);
        assert_eq!(l.platform_max_ms, 29_000);
    }
}
