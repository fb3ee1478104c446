//! CAMS: a self-hosted, email-first scheduling agent.

/// Pure calendar arithmetic: intervals, working hours, recurrence, free slots and explanations.
pub mod availability;
/// Pure text understanding: MIME to clean text, time expressions, intent and confidence.
pub mod nlp;
