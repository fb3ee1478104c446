//! What to do with a parsed scheduling request, and whether to send it alone: pure, with reasons.

pub mod decide;

pub use decide::{
    Action, DEFAULT_SLOT_COUNT, Decision, DecisionInput, ProposedSlot, Reason, SendMode,
    Thresholds, decide, is_automatic,
};
