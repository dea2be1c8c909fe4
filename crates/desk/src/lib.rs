//! The agent's day in Earshot: weekly business and quiet hours in a time zone, SLA timers counted in
//! wall or business time, desktop alert rules and how a burst of alerts becomes one notice, saved replies
//! with their variables and fuzzy search, the promises found in our own replies, the shift handover, and who
//! gets the next item under automatic assignment.
//! Everything here is pure: no database, no network, no clock. Every instant is an argument, so each
//! result can be reproduced in a test.

pub mod assign;
pub mod dispatch;
pub mod handover;
pub mod hours;
pub mod promises;
pub mod rules;
pub mod search;
pub mod sla;
pub mod template;
mod text;

pub use assign::{pick, AssignMode, Load};
pub use dispatch::{
    plan, single, summarise, Alert, Notice, NoticeKind, Plan, BURST_LIMIT, BURST_WINDOW_SECONDS,
};
pub use handover::{handover, shift_post, Handover, HandoverItem, PromiseMade};
pub use hours::{Hours, Schedule, Span};
pub use promises::{promises, Promise};
pub use rules::{check_rules, default_rules, first_match, AlertFacts, AlertRule, Fired, HandleFact};
pub use search::{fuzzy, Hit};
pub use sla::{elapsed, headline, timers, SlaPolicy, Timer, TimerKind, TimerState};
pub use template::{
    first_name, initials, render, signature, signed, AgentProfile, Rendered, Vars, VARIABLES,
};

/// Why the desk refused an input. The message is written for a support agent: what is wrong and what to do.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum DeskError {
    #[error("{message}")]
    Invalid { field: String, message: String },
}

impl DeskError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}
