//! Mail coming in: the durable inbound store and IMAP polling.

pub mod imap;
pub mod process;
pub mod screen;
pub mod store;
