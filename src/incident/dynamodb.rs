//! The incident store on one DynamoDB table: string partition key `pk`, TTL on the numeric
//! attribute `expires_at` (epoch seconds). Three kinds of item share it:
//!
//! - `change#{alarm ARN}#{state}#{RFC 3339 time}`: one per claimed state change, written only if
//!   absent, so a redelivered change is recognised;
//! - `alarm#{alarm ARN}`: `last_diagnosed`, the second of the last ALARM diagnosed, updated only
//!   if it is older than the quiet period, so a flapping alarm is diagnosed once;
//! - `incident#{alarm ARN}`: the open incident (`started_at`, `verdict`, where its notifications
//!   went), deleted when the alarm recovers.
//!
//! DynamoDB deletes expired items lazily (within days), so an item past `expires_at` may still
//! be read; each kind is written so that a stale one is harmless (see `claim` and `open`).

use super::{
    ALARM, Claim, Incident, IncidentLog, StateChange, StoreError, epoch, expiry, from_epoch,
    quiet_cutoff,
};
use crate::evidence::sdk_error::call_failure;
use crate::notify::{IncidentRefs, SlackMessageRef};
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use std::collections::HashMap;

/// The table's partition key (type S).
pub const PARTITION_KEY: &str = "pk";
/// The table's TTL attribute (type N, epoch seconds).
pub const TTL_ATTRIBUTE: &str = "expires_at";

const LAST_DIAGNOSED: &str = "last_diagnosed";
const STARTED_AT: &str = "started_at";
const VERDICT: &str = "verdict";
const SLACK_CHANNEL: &str = "slack_channel";
const SLACK_TS: &str = "slack_ts";
const SNS_MESSAGE_ID: &str = "sns_message_id";

pub struct DynamoDbIncidentLog {
    client: Client,
    table: String,
}

impl DynamoDbIncidentLog {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    fn error<E, R>(&self, operation: &'static str, err: &SdkError<E, R>) -> StoreError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        StoreError {
            operation,
            detail: format!("table {}: {}", self.table, call_failure(err).detail),
        }
    }

    fn malformed(&self, operation: &'static str, pk: &str, what: &str) -> StoreError {
        StoreError {
            operation,
            detail: format!("table {}: item {pk}: {what}", self.table),
        }
    }

    /// Writes the change's own item unless it exists: `false` when it did.
    async fn claim_change(&self, pk: &str, expires_at: i64) -> Result<bool, StoreError> {
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .item(PARTITION_KEY, s(pk))
            .item(TTL_ATTRIBUTE, n(expires_at))
            .condition_expression("attribute_not_exists(#pk)")
            .expression_attribute_names("#pk", PARTITION_KEY)
            .send()
            .await;
        match put {
            Ok(_) => Ok(true),
            Err(SdkError::ServiceError(e))
                if matches!(e.err(), PutItemError::ConditionalCheckFailedException(_)) =>
            {
                Ok(false)
            }
            Err(e) => Err(self.error("dynamodb:PutItem", &e)),
        }
    }

    /// Records `change` as the alarm's last diagnosis unless one falls within the quiet period.
    async fn claim_diagnosis(
        &self,
        change: &StateChange,
        quiet: Duration,
        ttl: Duration,
    ) -> Result<Claim, StoreError> {
        const OPERATION: &str = "dynamodb:UpdateItem";
        let pk = alarm_key(&change.alarm_arn);
        let update = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(PARTITION_KEY, s(&pk))
            .update_expression("SET #last = :now, #ttl = :ttl")
            .condition_expression("attribute_not_exists(#last) OR #last < :cutoff")
            .expression_attribute_names("#last", LAST_DIAGNOSED)
            .expression_attribute_names("#ttl", TTL_ATTRIBUTE)
            .expression_attribute_values(":now", n(epoch(change.at)))
            // The record must outlive the quiet period it enforces, whatever the TTL setting.
            .expression_attribute_values(":ttl", n(expiry(change.at, ttl.max(quiet))))
            .expression_attribute_values(":cutoff", n(quiet_cutoff(change.at, quiet)))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match update {
            Ok(_) => Ok(Claim::Fresh),
            Err(SdkError::ServiceError(e))
                if matches!(e.err(), UpdateItemError::ConditionalCheckFailedException(_)) =>
            {
                let old = match e.err() {
                    UpdateItemError::ConditionalCheckFailedException(c) => c.item(),
                    _ => None,
                };
                let last = old
                    .and_then(|item| number(item, LAST_DIAGNOSED))
                    .and_then(from_epoch)
                    .ok_or_else(|| {
                        self.malformed(
                            OPERATION,
                            &pk,
                            "the failed condition returned no last_diagnosed second",
                        )
                    })?;
                Ok(Claim::Quiet {
                    last_diagnosed: last,
                })
            }
            Err(e) => Err(self.error(OPERATION, &e)),
        }
    }

    /// Gives a claimed change back after the flapping check failed, so that the retried
    /// invocation can claim it again instead of finding it a duplicate. Best effort: the
    /// failure being reported is the check's.
    async fn release_change(&self, pk: &str) {
        if let Err(e) = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key(PARTITION_KEY, s(pk))
            .send()
            .await
        {
            tracing::warn!(
                table = %self.table,
                key = pk,
                error = %self.error("dynamodb:DeleteItem", &e),
                "could not release a claimed state change; a retry will find it a duplicate"
            );
        }
    }
}

fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

fn n(v: i64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

fn string<'a>(item: &'a HashMap<String, AttributeValue>, name: &str) -> Option<&'a str> {
    match item.get(name) {
        Some(AttributeValue::S(v)) => Some(v.as_str()),
        _ => None,
    }
}

fn number(item: &HashMap<String, AttributeValue>, name: &str) -> Option<i64> {
    match item.get(name) {
        Some(AttributeValue::N(v)) => v.parse().ok(),
        _ => None,
    }
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn change_key(change: &StateChange) -> String {
    format!(
        "change#{}#{}#{}",
        change.alarm_arn,
        change.state,
        rfc3339(change.at)
    )
}

fn alarm_key(alarm_arn: &str) -> String {
    format!("alarm#{alarm_arn}")
}

fn incident_key(alarm_arn: &str) -> String {
    format!("incident#{alarm_arn}")
}

/// The incident item without its key and TTL: absent references are left out.
fn incident_item(incident: &Incident) -> HashMap<String, AttributeValue> {
    let mut item = HashMap::from([
        (STARTED_AT.to_string(), s(rfc3339(incident.started_at))),
        (VERDICT.to_string(), s(&incident.verdict)),
    ]);
    if let Some(slack) = &incident.refs.slack {
        item.insert(SLACK_CHANNEL.into(), s(&slack.channel));
        item.insert(SLACK_TS.into(), s(&slack.ts));
    }
    if let Some(id) = &incident.refs.sns_message_id {
        item.insert(SNS_MESSAGE_ID.into(), s(id));
    }
    item
}

/// Reads an incident item back; `Err` names what is missing.
fn incident_of(item: &HashMap<String, AttributeValue>) -> Result<Incident, &'static str> {
    let started_at = string(item, STARTED_AT)
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .ok_or("no RFC 3339 started_at")?
        .with_timezone(&Utc);
    let verdict = string(item, VERDICT).ok_or("no verdict")?.to_string();
    let slack = match (string(item, SLACK_CHANNEL), string(item, SLACK_TS)) {
        (Some(channel), Some(ts)) => Some(SlackMessageRef {
            channel: channel.to_string(),
            ts: ts.to_string(),
        }),
        _ => None,
    };
    Ok(Incident {
        started_at,
        verdict,
        refs: IncidentRefs {
            slack,
            sns_message_id: string(item, SNS_MESSAGE_ID).map(str::to_string),
        },
    })
}

#[async_trait]
impl IncidentLog for DynamoDbIncidentLog {
    /// The change's timestamp is "now" throughout, so a replayed event claims what the live one
    /// did. A stale `change#` item past its TTL still makes a duplicate, which it is.
    async fn release(&self, change: &StateChange) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key(PARTITION_KEY, s(change_key(change)))
            .send()
            .await
            .map_err(|e| self.error("dynamodb:DeleteItem", &e))?;
        if change.state != ALARM {
            return Ok(());
        }
        // Only this change's own mark: a later diagnosis may have replaced it.
        let undo = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(PARTITION_KEY, s(alarm_key(&change.alarm_arn)))
            .update_expression("REMOVE #last")
            .condition_expression("#last = :now")
            .expression_attribute_names("#last", LAST_DIAGNOSED)
            .expression_attribute_values(":now", n(epoch(change.at)))
            .send()
            .await;
        match undo {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(e))
                if matches!(e.err(), UpdateItemError::ConditionalCheckFailedException(_)) =>
            {
                Ok(())
            }
            Err(e) => Err(self.error("dynamodb:UpdateItem", &e)),
        }
    }

    async fn claim(
        &self,
        change: &StateChange,
        quiet: Duration,
        ttl: Duration,
    ) -> Result<Claim, StoreError> {
        let pk = change_key(change);
        if !self.claim_change(&pk, expiry(change.at, ttl)).await? {
            return Ok(Claim::Duplicate);
        }
        if change.state != ALARM {
            return Ok(Claim::Fresh);
        }
        let claim = self.claim_diagnosis(change, quiet, ttl).await;
        if claim.is_err() {
            self.release_change(&pk).await;
        }
        claim
    }

    /// Replaces any incident left open: a new ALARM starts a new incident, and a stale item
    /// past its TTL is overwritten rather than read.
    async fn open(
        &self,
        alarm_arn: &str,
        incident: &Incident,
        ttl: Duration,
    ) -> Result<(), StoreError> {
        let mut item = incident_item(incident);
        item.insert(PARTITION_KEY.into(), s(incident_key(alarm_arn)));
        item.insert(TTL_ATTRIBUTE.into(), n(expiry(incident.started_at, ttl)));
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(|e| self.error("dynamodb:PutItem", &e))?;
        Ok(())
    }

    async fn find(&self, alarm_arn: &str) -> Result<Option<Incident>, StoreError> {
        const OPERATION: &str = "dynamodb:GetItem";
        let pk = incident_key(alarm_arn);
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(PARTITION_KEY, s(&pk))
            // The OK event may follow the ALARM's write within a second.
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| self.error(OPERATION, &e))?;
        out.item()
            .map(|item| incident_of(item).map_err(|what| self.malformed(OPERATION, &pk, what)))
            .transpose()
    }

    async fn close(&self, alarm_arn: &str) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key(PARTITION_KEY, s(incident_key(alarm_arn)))
            .send()
            .await
            .map_err(|e| self.error("dynamodb:DeleteItem", &e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::config::retry::RetryConfig;
    use aws_sdk_dynamodb::operation::delete_item::DeleteItemOutput;
    use aws_sdk_dynamodb::operation::get_item::GetItemOutput;
    use aws_sdk_dynamodb::operation::put_item::PutItemOutput;
    use aws_sdk_dynamodb::operation::update_item::UpdateItemOutput;
    use aws_sdk_dynamodb::types::error::{
        ConditionalCheckFailedException, ProvisionedThroughputExceededException,
    };
    use aws_smithy_mocks::{RuleMode, mock, mock_client};
    use std::sync::{Arc, Mutex};

    const ARN: &str = "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:catalog-api-5xx";
    const TABLE: &str = "gateway-doctor-incidents";

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("test timestamp")
            .with_timezone(&Utc)
    }

    fn alarm_change() -> StateChange {
        StateChange {
            alarm_arn: ARN.into(),
            state: "ALARM".into(),
            at: at("2026-11-03T02:14:07Z"),
        }
    }

    fn log(client: Client) -> DynamoDbIncidentLog {
        DynamoDbIncidentLog::new(client, TABLE)
    }

    #[tokio::test]
    async fn an_alarm_claim_writes_the_change_then_the_diagnosis_with_epoch_seconds() {
        let put_seen = Arc::new(Mutex::new(None));
        let update_seen = Arc::new(Mutex::new(None));
        let (p, u) = (Arc::clone(&put_seen), Arc::clone(&update_seen));
        let put = mock!(Client::put_item)
            .match_requests(move |r| {
                *p.lock().unwrap() = Some(r.clone());
                true
            })
            .then_output(|| PutItemOutput::builder().build());
        let update = mock!(Client::update_item)
            .match_requests(move |r| {
                *u.lock().unwrap() = Some(r.clone());
                true
            })
            .then_output(|| UpdateItemOutput::builder().build());
        let client = mock_client!(aws_sdk_dynamodb, RuleMode::Sequential, [&put, &update]);
        let got = log(client)
            .claim(&alarm_change(), Duration::minutes(15), Duration::days(7))
            .await;
        assert_eq!(got.ok(), Some(Claim::Fresh));

        let put = put_seen.lock().unwrap().take().expect("a PutItem");
        assert_eq!(put.table_name(), Some(TABLE));
        let item = put.item().expect("an item");
        assert_eq!(
            item.get("pk"),
            Some(&s(format!("change#{ARN}#ALARM#2026-11-03T02:14:07Z")))
        );
        // 2026-11-03T02:14:07Z is 1793672047; seven days later 1794276847.
        assert_eq!(item.get("expires_at"), Some(&n(1_794_276_847)));
        assert_eq!(
            put.condition_expression(),
            Some("attribute_not_exists(#pk)")
        );

        let update = update_seen.lock().unwrap().take().expect("an UpdateItem");
        assert_eq!(
            update.key().and_then(|k| k.get("pk")),
            Some(&s(format!("alarm#{ARN}")))
        );
        let values = update.expression_attribute_values().expect("values");
        assert_eq!(values.get(":now"), Some(&n(1_793_672_047)));
        assert_eq!(values.get(":cutoff"), Some(&n(1_793_672_047 - 900)));
        assert_eq!(
            update.return_values_on_condition_check_failure(),
            Some(&ReturnValuesOnConditionCheckFailure::AllOld)
        );
    }

    #[tokio::test]
    async fn a_failed_flapping_condition_reads_the_last_diagnosis_from_the_old_item() {
        let put = mock!(Client::put_item).then_output(|| PutItemOutput::builder().build());
        let update = mock!(Client::update_item).then_error(|| {
            UpdateItemError::ConditionalCheckFailedException(
                ConditionalCheckFailedException::builder()
                    .item("pk", s(format!("alarm#{ARN}")))
                    .item("last_diagnosed", n(1_793_671_800))
                    .build(),
            )
        });
        let client = mock_client!(aws_sdk_dynamodb, RuleMode::Sequential, [&put, &update]);
        let got = log(client)
            .claim(&alarm_change(), Duration::minutes(15), Duration::days(7))
            .await;
        assert_eq!(
            got.ok(),
            Some(Claim::Quiet {
                last_diagnosed: at("2026-11-03T02:10:00Z")
            })
        );
    }

    #[tokio::test]
    async fn a_taken_change_is_a_duplicate_without_a_flapping_check() {
        let put = mock!(Client::put_item).then_error(|| {
            PutItemError::ConditionalCheckFailedException(
                ConditionalCheckFailedException::builder()
                    .message("The conditional request failed")
                    .build(),
            )
        });
        // Sequential mode fails the test's call if a second request is made.
        let client = mock_client!(aws_sdk_dynamodb, RuleMode::Sequential, [&put]);
        let got = log(client)
            .claim(&alarm_change(), Duration::minutes(15), Duration::days(7))
            .await;
        assert_eq!(got.ok(), Some(Claim::Duplicate));
    }

    #[tokio::test]
    async fn a_failed_flapping_check_releases_the_change_and_names_the_operation() {
        let put = mock!(Client::put_item).then_output(|| PutItemOutput::builder().build());
        let update = mock!(Client::update_item).then_error(|| {
            UpdateItemError::ProvisionedThroughputExceededException(
                ProvisionedThroughputExceededException::builder()
                    .message("Rate of requests exceeds the allowed throughput")
                    .build(),
            )
        });
        let deleted = Arc::new(Mutex::new(None));
        let d = Arc::clone(&deleted);
        let delete = mock!(Client::delete_item)
            .match_requests(move |r| {
                *d.lock().unwrap() = r.key().and_then(|k| k.get("pk")).cloned();
                true
            })
            .then_output(|| DeleteItemOutput::builder().build());
        let client = mock_client!(
            aws_sdk_dynamodb,
            RuleMode::Sequential,
            [&put, &update, &delete],
            |c| c.retry_config(RetryConfig::disabled())
        );
        let err = log(client)
            .claim(&alarm_change(), Duration::minutes(15), Duration::days(7))
            .await
            .expect_err("the check fails");
        assert_eq!(err.operation, "dynamodb:UpdateItem");
        let text = err.to_string();
        assert!(
            text.contains(TABLE) && text.contains("allowed throughput"),
            "{text}"
        );
        assert_eq!(
            *deleted.lock().unwrap(),
            Some(s(format!("change#{ARN}#ALARM#2026-11-03T02:14:07Z")))
        );
    }

    #[tokio::test]
    async fn an_incident_item_missing_its_verdict_is_an_error_naming_the_item() {
        let get = mock!(Client::get_item).then_output(|| {
            GetItemOutput::builder()
                .item("pk", s(format!("incident#{ARN}")))
                .item("started_at", s("2026-11-03T02:14:07Z"))
                .build()
        });
        let client = mock_client!(aws_sdk_dynamodb, [&get]);
        let err = log(client).find(ARN).await.expect_err("malformed");
        assert_eq!(err.operation, "dynamodb:GetItem");
        assert!(err.to_string().contains("no verdict"), "{err}");
        assert!(
            err.to_string().contains(&format!("incident#{ARN}")),
            "{err}"
        );
    }

    #[test]
    fn an_incident_item_keeps_only_the_references_it_has() {
        let incident = Incident {
            started_at: at("2026-11-03T02:14:07.5Z"),
            verdict: "cold_start".into(),
            refs: IncidentRefs {
                slack: None,
                sns_message_id: Some("m-1".into()),
            },
        };
        let item = incident_item(&incident);
        let mut names: Vec<&str> = item.keys().map(String::as_str).collect();
        names.sort();
        assert_eq!(names, ["sns_message_id", "started_at", "verdict"]);
        assert_eq!(incident_of(&item), Ok(incident));
    }
}
