//! Mail coming in: the durable inbound store (and, later, IMAP polling).

pub mod process;
pub mod screen;
pub mod store;
