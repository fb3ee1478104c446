//! Mail CAMS sends: threaded replies with optional calendar parts, over SMTP or to an outbox,
//! with their delivery status kept on the `email_responses` row.

pub mod approval;
pub mod invite;
pub mod mailer;
pub mod message;
pub mod send;
pub mod threading;
pub mod throttle;

pub use mailer::{FileMailer, Mailer, MemoryMailer, SendError, SentMessage, SmtpMailer};
pub use message::{CalendarMethod, CalendarPart, OutgoingEmail};
pub use send::{Delivery, Outbound, QueuedResponse, ResponseDraft, SEND_JOB, queue_response};
pub use threading::{MessageId, Original, Recipients, ReplyHeaders, reply_headers};
