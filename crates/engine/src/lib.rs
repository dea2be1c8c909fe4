//! Earshot's use cases: the one API that every front door (the desktop app, the CLI) calls.
//!
//! The engine owns transactions, the clock and the priority weights. Its view types are what crosses the
//! IPC boundary; the TypeScript types are generated from them.

mod accounts;
mod alerts;
mod assign;
mod bluesky;
mod changes;
mod clock;
mod crm;
mod crm_sync;
mod demo;
mod error;
pub mod export;
mod handover;
mod leader;
mod listening;
mod live;
mod mastodon;
mod notifier;
mod oauth;
mod outbox;
mod paths;
mod presence;
mod replies;
mod report_days;
mod reports;
mod secrets;
mod service;
pub mod source;
mod spend;
mod team;
mod triage;
mod views;
mod work;
mod worker;
mod x;

pub use accounts::{AccountView, SyncReport};
pub use alerts::AlertSettings;
pub use assign::{AssignmentRule, AutoAssigned};
pub use changes::{OnTeamChange, TeamListener, CHANGES_CHANNEL};
pub use clock::{Clock, FixedClock, SystemClock};
pub use crm::{
    decode_upload, preview_contact_file, Columns, ContactFileKind, ContactFilePreview, ContactImportReport,
    ContactSource, ContactView, CustomerPanel, CustomerStatus, LookupResult, SkippedRow, TimelineEntry,
};
pub use crm_sync::{CrmSourceView, CrmSyncReport, RecordOrigin, CRM_TTL};
pub use demo::DEMO_JSONL;
pub use earshot_desk::{
    AlertRule, AssignMode, Notice, NoticeKind, Schedule, SlaPolicy, Span, TimerKind, TimerState,
};
pub use error::{ApiError, EngineError, ErrorCode};
pub use handover::{EndShiftRequest, EndShiftResult, HandoverView};
pub use listening::SourceView;
pub use live::{Listeners, OnChange};
pub use notifier::{AlertAction, DesktopAlerts};
pub use outbox::{ActionKind, ActionRequest, ComposeCheck, OutboxView};
pub use paths::{resolve_data_dir, DATABASE_FILE, DATA_DIR_ENV};
pub use presence::{PresenceActivity, PresenceView, PRESENCE_FRESH_SECS};
pub use replies::{template_variables, ReplyPreview, SaveReplyRequest, SavedReplyView, TemplateVariable};
pub use reports::{
    authors_csv, csv_cell, customers_csv, days_csv, report_csv, split_csv, Attainment, DayVolume, NowReport,
    Report, ReportQuery, ReportSplit, ReportTable, SentCounts, SplitRow, TimeStats, TopAuthor, TopCustomer,
    WaitingCount, WaitingItem,
};
pub use service::{open_for_test, Engine};
pub use spend::{SpendLine, SpendView, XPrice};
pub use team::{
    check_team, join_team, joined_team, leave_team, move_into_team, password_key as team_password_key,
    save_password as save_team_password, team_database_url, without_password as team_url_without_password,
    MoveReport, MovedTable, TeamCheck, TEAM_FILE,
};
pub use triage::{AgentLabel, HeldBackFigures, RetrainReport, TriageQuality, RETRAIN_EVERY};
pub use views::*;
pub use work::{
    AgentView, ClaimOutcome, ClaimQueue, ClaimTarget, ClaimedItem, EscalateRequest, HandleSettings, NoteView,
    SlaTimerView, WorkEvent, WorkView,
};
pub use x::DEFAULT_REDIRECT_PORT as X_REDIRECT_PORT;
