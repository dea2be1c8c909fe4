//! A query assembled at run time, with placeholders both databases read (`$1`, `$2`, …), and the few places
//! where SQLite and PostgreSQL need different SQL.
//!
//! sqlx's own `QueryBuilder` writes the Any driver's placeholders as `?`, which PostgreSQL rejects; this one
//! numbers them.

use std::fmt::Write as _;

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::{Query, QueryAs, QueryScalar};
use sqlx::{Any, AnyConnection, Arguments, Encode, FromRow, Type};

/// Which database a connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    pub fn of(conn: &AnyConnection) -> Self {
        if conn.backend_name().eq_ignore_ascii_case("postgresql") {
            Dialect::Postgres
        } else {
            Dialect::Sqlite
        }
    }
}

/// SQL and its bound values, built piece by piece.
pub struct Sql<'a> {
    sql: String,
    args: Option<AnyArguments<'a>>,
    count: usize,
}

impl<'a> Sql<'a> {
    pub fn new(init: impl Into<String>) -> Self {
        Self {
            sql: init.into(),
            args: Some(AnyArguments::default()),
            count: 0,
        }
    }

    pub fn push(&mut self, sql: impl std::fmt::Display) -> &mut Self {
        let _ = write!(self.sql, "{sql}");
        self
    }

    /// Appends a placeholder for `value`.
    pub fn push_bind<T>(&mut self, value: T) -> &mut Self
    where
        T: 'a + Encode<'a, Any> + Type<Any>,
    {
        if let Some(args) = self.args.as_mut() {
            // Encoding into the Any driver's buffer only copies the value: it cannot fail for the types the
            // store binds (integers, floats, text). sqlx's own builder makes the same assumption.
            args.add(value)
                .expect("an Any argument accepts every value the store binds");
        }
        self.count += 1;
        let _ = write!(self.sql, "${}", self.count);
        self
    }

    /// Placeholders for every value, separated by commas: the inside of `IN (…)`.
    pub fn push_list<T, I>(&mut self, values: I) -> &mut Self
    where
        I: IntoIterator<Item = T>,
        T: 'a + Encode<'a, Any> + Type<Any>,
    {
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.push_bind(value);
        }
        self
    }

    pub fn sql(&self) -> &str {
        &self.sql
    }

    pub fn build<'b>(&'b mut self) -> Query<'b, Any, AnyArguments<'b>>
    where
        'a: 'b,
    {
        sqlx::query_with(&self.sql, self.args.take().unwrap_or_default())
    }

    pub fn build_query_as<'b, O>(&'b mut self) -> QueryAs<'b, Any, O, AnyArguments<'b>>
    where
        'a: 'b,
        O: for<'r> FromRow<'r, AnyRow>,
    {
        sqlx::query_as_with(&self.sql, self.args.take().unwrap_or_default())
    }

    pub fn build_query_scalar<'b, O>(&'b mut self) -> QueryScalar<'b, Any, O, AnyArguments<'b>>
    where
        'a: 'b,
        (O,): for<'r> FromRow<'r, AnyRow>,
    {
        sqlx::query_scalar_with(&self.sql, self.args.take().unwrap_or_default())
    }
}

/// On SQLite, the index a query must use (" INDEXED BY name"). Without statistics (ANALYZE takes a second on a
/// year of mentions) SQLite prefers the index with the most equal columns, and scans 150,000 rows where a
/// partial index holds exactly the rows asked for. PostgreSQL keeps its own statistics and needs no hint.
pub fn indexed_by(conn: &AnyConnection, index: &str) -> String {
    match Dialect::of(conn) {
        Dialect::Sqlite => format!(" INDEXED BY {index}"),
        Dialect::Postgres => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::Sql;

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut q = Sql::new("SELECT 1 FROM t WHERE a = ");
        q.push_bind(1_i64)
            .push(" AND b IN (")
            .push_list(["x", "y"])
            .push(")");
        assert_eq!(q.sql(), "SELECT 1 FROM t WHERE a = $1 AND b IN ($2, $3)");
    }
}
