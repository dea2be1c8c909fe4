//! Moving a personal workspace (SQLite) into a new team database (PostgreSQL), one way, in one transaction.
//!
//! Every table is copied row for row with its IDs, so what refers to what (an item's handles, an account's
//! cursor, a note's author, a CRM source's keyring entry) stays right, and the team database's ID sequences
//! are moved past the copied rows. Tables are copied parents first, in the order their foreign keys require,
//! read from SQLite itself so a table added later is copied without a change here. The full-text index is
//! written again in PostgreSQL's form. Left behind: each day's stored report figures (rebuilt from the items)
//! and presence (who has what open right now).
//!
//! The target must be empty: merging two workspaces' items, handles and people is another problem. Nothing is
//! written unless everything is; the personal workspace is only read.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::{AnyConnection, Row};

use crate::sql::{Dialect, Sql};
use crate::StoreError;

/// Tables that are not copied: rebuilt or ephemeral, or the databases' own.
const LEFT_BEHIND: [&str; 3] = ["report_days", "presence", "_sqlx_migrations"];
/// Rows per INSERT: well under PostgreSQL's 65,535 bound values for the widest table.
const BATCH: usize = 500;

/// One table's rows moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    pub table: String,
    pub rows: u64,
}

/// What a column holds, from the team database's schema: the copy reads each SQLite value as that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Integer,
    Real,
    Text,
    Bytes,
}

#[derive(Debug)]
enum Value {
    Integer(Option<i64>),
    Real(Option<f64>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
}

/// The personal workspace's tables, parents before children.
async fn tables_in_order(from: &mut AnyConnection) -> Result<Vec<String>, StoreError> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
            AND name NOT LIKE 'mentions_fts%' ORDER BY name",
    )
    .fetch_all(&mut *from)
    .await?;
    let names: Vec<String> = names
        .into_iter()
        .filter(|n| !LEFT_BEHIND.contains(&n.as_str()))
        .collect();
    let mut parents: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for name in &names {
        let refs: Vec<String> = sqlx::query_scalar("SELECT \"table\" FROM pragma_foreign_key_list($1)")
            .bind(name)
            .fetch_all(&mut *from)
            .await?;
        let refs = refs
            .into_iter()
            .filter(|r| r != name && names.contains(r))
            .collect();
        parents.insert(name.clone(), refs);
    }
    let mut order: Vec<String> = Vec::new();
    while order.len() < names.len() {
        let ready: Vec<String> = names
            .iter()
            .filter(|n| !order.contains(n))
            .filter(|n| parents[*n].iter().all(|p| order.contains(p)))
            .cloned()
            .collect();
        if ready.is_empty() {
            return Err(StoreError::Invalid(
                "The workspace's tables refer to each other in a circle; Earshot cannot tell which to copy first."
                    .into(),
            ));
        }
        order.extend(ready);
    }
    Ok(order)
}

/// The team database's columns of `table` and what each holds; empty when it has no such table.
async fn target_columns(to: &mut AnyConnection, table: &str) -> Result<BTreeMap<String, Kind>, StoreError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT column_name::text, data_type::text FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER'",
    )
    .bind(table)
    .fetch_all(&mut *to)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(name, ty)| {
            let kind = match ty.as_str() {
                "bigint" | "integer" | "smallint" => Kind::Integer,
                "double precision" | "real" | "numeric" => Kind::Real,
                "bytea" => Kind::Bytes,
                _ => Kind::Text,
            };
            (name, kind)
        })
        .collect())
}

/// How many rows the personal workspace would move, per table and then its search entries ("search").
pub async fn count(from: &mut AnyConnection) -> Result<Vec<Moved>, StoreError> {
    let mut out = Vec::new();
    for table in tables_in_order(from).await? {
        let rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM \"{table}\""))
            .fetch_one(&mut *from)
            .await?;
        out.push(Moved {
            table,
            rows: u64::try_from(rows).unwrap_or(0),
        });
    }
    let search: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mentions_fts")
        .fetch_one(&mut *from)
        .await?;
    out.push(Moved {
        table: "search".into(),
        rows: u64::try_from(search).unwrap_or(0),
    });
    Ok(out)
}

/// What the team database already holds that a move would collide with: (table, rows), only those with rows.
pub async fn occupied(to: &mut AnyConnection, tables: &[String]) -> Result<Vec<(String, u64)>, StoreError> {
    let mut out = Vec::new();
    for table in tables {
        if target_columns(to, table).await?.is_empty() {
            continue;
        }
        let rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM \"{table}\""))
            .fetch_one(&mut *to)
            .await?;
        if rows > 0 {
            out.push((table.clone(), u64::try_from(rows).unwrap_or(0)));
        }
    }
    Ok(out)
}

fn read(row: &sqlx::any::AnyRow, i: usize, kind: Kind) -> Result<Value, sqlx::Error> {
    Ok(match kind {
        Kind::Integer => Value::Integer(row.try_get(i)?),
        Kind::Real => Value::Real(row.try_get(i)?),
        Kind::Text => Value::Text(row.try_get(i)?),
        Kind::Bytes => Value::Bytes(row.try_get(i)?),
    })
}

fn bind(sql: &mut Sql<'_>, value: Value) {
    match value {
        Value::Integer(v) => sql.push_bind(v),
        Value::Real(v) => sql.push_bind(v),
        Value::Text(v) => sql.push_bind(v),
        Value::Bytes(v) => sql.push_bind(v),
    };
}

/// Copies every table of the personal workspace `from` (SQLite) into the team database `to` (PostgreSQL,
/// inside the caller's transaction), calling `progress(table, rows done)` after each batch, search entries
/// included (see [`count`] for the total). Returns the rows moved per table, parents first.
pub async fn copy(
    from: &mut AnyConnection,
    to: &mut AnyConnection,
    progress: &mut (dyn FnMut(&str, u64) + Send),
) -> Result<Vec<Moved>, StoreError> {
    if Dialect::of(from) != Dialect::Sqlite || Dialect::of(to) != Dialect::Postgres {
        return Err(StoreError::Invalid(
            "A workspace moves from a personal (SQLite) database into a team (PostgreSQL) one.".into(),
        ));
    }
    let tables = tables_in_order(from).await?;
    let mut moved = Vec::new();
    let mut done = 0u64;
    for table in &tables {
        let target = target_columns(to, table).await?;
        if target.is_empty() {
            return Err(StoreError::Invalid(format!(
                "The team database has no table '{table}': it was made by another version of Earshot. Open it \
                 once with this version first, so its schema is brought up to date."
            )));
        }
        let source: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info($1) ORDER BY cid")
            .bind(table)
            .fetch_all(&mut *from)
            .await?;
        let mut columns = Vec::new();
        for name in source {
            let Some(kind) = target.get(&name) else {
                return Err(StoreError::Invalid(format!(
                    "The team database's table '{table}' has no column '{name}': it was made by another version \
                     of Earshot."
                )));
            };
            columns.push((name, *kind));
        }
        let list = columns
            .iter()
            .map(|(n, _)| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ");
        // A page at a time, in primary-key order from where the last page ended, so a big workspace never
        // sits in memory whole. Tables without a primary key go by rowid.
        let mut keys: Vec<(String, Kind)> = Vec::new();
        let pk: Vec<String> =
            sqlx::query_scalar("SELECT name FROM pragma_table_info($1) WHERE pk > 0 ORDER BY pk")
                .bind(table)
                .fetch_all(&mut *from)
                .await?;
        for name in pk {
            let kind = columns
                .iter()
                .find(|(n, _)| *n == name)
                .map_or(Kind::Text, |(_, k)| *k);
            keys.push((name, kind));
        }
        if keys.is_empty() {
            keys.push(("rowid".into(), Kind::Integer));
        }
        let key_list = keys
            .iter()
            .map(|(n, _)| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let mut after: Option<Vec<Value>> = None;
        let mut count = 0u64;
        loop {
            let mut page = Sql::new(format!("SELECT {key_list}, {list} FROM \"{table}\""));
            if let Some(last) = after.take() {
                page.push(format!(" WHERE ({key_list}) > ("));
                for (i, value) in last.into_iter().enumerate() {
                    if i > 0 {
                        page.push(", ");
                    }
                    bind(&mut page, value);
                }
                page.push(")");
            }
            page.push(format!(" ORDER BY {key_list} LIMIT {BATCH}"));
            let rows = page.build().fetch_all(&mut *from).await?;
            let Some(last) = rows.last() else { break };
            let mut key = Vec::new();
            for (i, (_, kind)) in keys.iter().enumerate() {
                key.push(read(last, i, *kind)?);
            }
            after = Some(key);
            let mut insert = Sql::new(format!("INSERT INTO \"{table}\" ({list}) VALUES "));
            for (r, row) in rows.iter().enumerate() {
                insert.push(if r == 0 { "(" } else { ", (" });
                for (i, (name, kind)) in columns.iter().enumerate() {
                    if i > 0 {
                        insert.push(", ");
                    }
                    let value = read(row, keys.len() + i, *kind).map_err(|e| {
                        StoreError::Corrupt(format!("{table}.{name} of a row cannot be read: {e}"))
                    })?;
                    bind(&mut insert, value);
                }
                insert.push(")");
            }
            insert.build().execute(&mut *to).await?;
            count += rows.len() as u64;
            done += rows.len() as u64;
            progress(table, done);
        }
        moved.push(Moved {
            table: table.clone(),
            rows: count,
        });
        // New rows in the team database take IDs after the copied ones.
        if target.contains_key("id") {
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), COALESCE(MAX(id), 0) + 1, false)
                   FROM \"{table}\""
            ))
            .execute(&mut *to)
            .await?;
        }
    }
    // Search: SQLite's full-text table holds the text as written; the team database's, folded.
    let mut after = i64::MIN;
    loop {
        let fts: Vec<(i64, String, String)> = sqlx::query_as(&format!(
            "SELECT rowid, text, author FROM mentions_fts WHERE rowid > $1 ORDER BY rowid LIMIT {BATCH}"
        ))
        .bind(after)
        .fetch_all(&mut *from)
        .await?;
        let Some(last) = fts.last() else { break };
        after = last.0;
        let mut insert = Sql::new("INSERT INTO mentions_fts (mention_id, text, author) VALUES ");
        for (r, (id, text, author)) in fts.iter().enumerate() {
            insert.push(if r == 0 { "(" } else { ", (" });
            insert.push_bind(*id);
            insert.push(", ");
            insert.push_bind(earshot_crm::name_key(text));
            insert.push(", ");
            insert.push_bind(earshot_crm::name_key(author));
            insert.push(")");
        }
        insert.build().execute(&mut *to).await?;
        done += fts.len() as u64;
        progress("search", done);
    }
    Ok(moved)
}
