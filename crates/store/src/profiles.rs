//! The author profile cache: what a network's profile lookup said, so each author is asked about at most
//! once per freshness period, however often they post.

use chrono::{DateTime, Utc};
use earshot_core::Network;
use sqlx::AnyConnection;

use crate::{from_millis, to_millis, Flag, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedProfile {
    pub remote_user: String,
    pub followers: u64,
    pub verified: bool,
    pub created_at: Option<DateTime<Utc>>,
    pub labels: Vec<String>,
}

/// The cached profiles among `users` fetched at or after `fresh_since`.
pub async fn fresh(
    conn: &mut AnyConnection,
    network: Network,
    users: &[String],
    fresh_since: DateTime<Utc>,
) -> Result<Vec<CachedProfile>, StoreError> {
    let mut out = Vec::new();
    for user in users {
        let row: Option<(i64, Flag, Option<i64>, String)> = sqlx::query_as(
            "SELECT followers, verified, created_at, labels FROM author_profiles
              WHERE network = $1 AND remote_user = $2 AND fetched_at >= $3",
        )
        .bind(network.as_str())
        .bind(user)
        .bind(to_millis(fresh_since))
        .fetch_optional(&mut *conn)
        .await?;
        if let Some((followers, verified, created_at, labels)) = row {
            out.push(CachedProfile {
                remote_user: user.clone(),
                followers: u64::try_from(followers).unwrap_or(0),
                verified: verified.0,
                created_at: created_at.map(from_millis),
                // A cache row that cannot be read is treated as unlabelled; the next lookup rewrites it.
                labels: serde_json::from_str(&labels).unwrap_or_default(),
            });
        }
    }
    Ok(out)
}

pub async fn put(
    conn: &mut AnyConnection,
    network: Network,
    profile: &CachedProfile,
    fetched_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO author_profiles (network, remote_user, followers, verified, created_at, fetched_at, labels)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (network, remote_user) DO UPDATE SET followers = excluded.followers,
             verified = excluded.verified, created_at = excluded.created_at, fetched_at = excluded.fetched_at,
             labels = excluded.labels",
    )
    .bind(network.as_str())
    .bind(&profile.remote_user)
    .bind(i64::try_from(profile.followers).unwrap_or(i64::MAX))
    .bind(Flag(profile.verified))
    .bind(profile.created_at.map(to_millis))
    .bind(to_millis(fetched_at))
    .bind(serde_json::to_string(&profile.labels).unwrap_or_else(|_| "[]".into()))
    .execute(conn)
    .await?;
    Ok(())
}
