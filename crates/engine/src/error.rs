use earshot_store::StoreError;
use serde::Serialize;

/// What a use case can fail with.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{context}: {source}")]
    Io { context: String, source: std::io::Error },
    #[error(transparent)]
    Network(#[from] earshot_networks::FetchError),
}

/// The closed set of error kinds the UI may act on. It never matches on message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    NotFound,
    InvalidInput,
    Storage,
    /// A network's server refused, limited or could not be reached; the message says which.
    Network,
    Internal,
}

/// An error as the UI receives it: a code to act on and a message to show a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl From<EngineError> for ApiError {
    fn from(e: EngineError) -> Self {
        let code = match &e {
            EngineError::NotFound(_) => ErrorCode::NotFound,
            EngineError::Invalid(_) => ErrorCode::InvalidInput,
            EngineError::Store(_) | EngineError::Io { .. } => ErrorCode::Storage,
            EngineError::Network(_) => ErrorCode::Network,
        };
        tracing::warn!(error = %e, "request failed");
        let message = match e {
            // The store's own messages name a path or an action; a raw SQL failure gets a plain sentence.
            EngineError::Store(StoreError::Sql(_)) => {
                "Earshot's database could not complete that just now. Try again; if it keeps happening, restart Earshot.".into()
            }
            other => other.to_string(),
        };
        Self { code, message }
    }
}
