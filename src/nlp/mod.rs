//! Text understanding: from a raw email to intent, proposed times and confidence (no I/O).

pub mod intent;
pub mod text;
pub mod time;
