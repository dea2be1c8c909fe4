/// What went wrong in the store. Messages say what happened and what the person can do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("Earshot could not open its database at {path}: {source}. Check that the folder exists and is writable, or choose another with --data-dir.")]
    Open { path: String, source: sqlx::Error },
    #[error("Earshot could not connect to the team database at {url}: {source}. Check the address, the user name and password, and that the server accepts connections from this computer.")]
    Connect { url: String, source: sqlx::Error },
    #[error("Earshot could not update its database schema: {0}. The database may come from a newer Earshot; open it with that version or choose another --data-dir.")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Invalid(String),
    #[error("A stored value is damaged: {0}")]
    Corrupt(String),
    #[error("The database failed: {0}")]
    Sql(#[from] sqlx::Error),
}
