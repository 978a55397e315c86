//! `DynamoDbIncidentLog` against moto's DynamoDB: the same cases as the memory store (the
//! shared `contract.rs`), each on a table of its own, plus what the template relies on.

use super::{sdk_config, unique};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType,
    ScalarAttributeType, TimeToLiveSpecification,
};
use chrono::{DateTime, Duration, Utc};
use gateway_doctor as lib;
use gateway_doctor::incident::dynamodb::{PARTITION_KEY, TTL_ATTRIBUTE};
use gateway_doctor::incident::{DynamoDbIncidentLog, Incident, IncidentLog, StateChange};
use gateway_doctor::notify::IncidentRefs;

#[path = "../../src/incident/contract.rs"]
mod contract;

/// A table shaped as the template declares it: `pk` (S) as partition key, TTL on `expires_at`.
async fn create_table(client: &Client) -> String {
    let table = unique("incidents");
    client
        .create_table()
        .table_name(&table)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(PARTITION_KEY)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .expect("attribute definition"),
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name(PARTITION_KEY)
                .key_type(KeyType::Hash)
                .build()
                .expect("key schema"),
        )
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .expect("create_table");
    client
        .update_time_to_live()
        .table_name(&table)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .enabled(true)
                .attribute_name(TTL_ATTRIBUTE)
                .build()
                .expect("ttl specification"),
        )
        .send()
        .await
        .expect("update_time_to_live");
    table
}

async fn client() -> Client {
    Client::new(&sdk_config().await)
}

async fn make_log() -> DynamoDbIncidentLog {
    let client = client().await;
    let table = create_table(&client).await;
    DynamoDbIncidentLog::new(client, table)
}

#[tokio::test]
async fn every_item_carries_a_numeric_expiry_for_the_table_ttl() {
    let client = client().await;
    let table = create_table(&client).await;
    let log = DynamoDbIncidentLog::new(client.clone(), &table);
    let arn = "arn:aws:cloudwatch:us-east-1:111122223333:alarm:ttl";
    let at: DateTime<Utc> = "2026-11-03T02:14:07Z".parse().expect("time");
    let ttl = Duration::days(7);
    log.claim(
        &StateChange {
            alarm_arn: arn.into(),
            state: "ALARM".into(),
            at,
        },
        Duration::minutes(15),
        ttl,
    )
    .await
    .expect("claim");
    log.open(
        arn,
        &Incident {
            started_at: at,
            verdict: "cold_start".into(),
            refs: IncidentRefs::default(),
        },
        ttl,
    )
    .await
    .expect("open");

    let items = client
        .scan()
        .table_name(&table)
        .send()
        .await
        .expect("scan")
        .items
        .unwrap_or_default();
    let mut keys: Vec<String> = items
        .iter()
        .filter_map(|i| i.get(PARTITION_KEY)?.as_s().ok().cloned())
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            format!("alarm#{arn}"),
            format!("change#{arn}#ALARM#2026-11-03T02:14:07Z"),
            format!("incident#{arn}"),
        ]
    );
    let week_later = (at + ttl).timestamp().to_string();
    for item in &items {
        assert_eq!(
            item.get(TTL_ATTRIBUTE),
            Some(&AttributeValue::N(week_later.clone())),
            "{item:?}"
        );
    }
}

#[tokio::test]
async fn a_missing_table_is_an_error_naming_the_operation_and_table() {
    let log = DynamoDbIncidentLog::new(client().await, "no-such-table");
    let err = log
        .find("arn:aws:cloudwatch:us-east-1:111122223333:alarm:x")
        .await
        .expect_err("no table");
    assert_eq!(err.operation, "dynamodb:GetItem");
    assert!(err.to_string().contains("no-such-table"), "{err}");
}
