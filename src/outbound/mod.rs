//! Mail CAMS sends: threaded replies with optional calendar parts, over SMTP or to an outbox,
//! with their delivery status kept on the `email_responses` row.

pub mod approval;
pub mod invite;
pub mod mailer;
pub mod message;
pub mod render;
pub mod send;
pub mod template_cli;
pub mod threading;
pub mod throttle;
pub mod timefmt;

pub use mailer::{FileMailer, Mailer, MemoryMailer, SendError, SentMessage, SmtpMailer};
pub use message::{CalendarMethod, CalendarPart, OutgoingEmail};
pub use render::{Rendered, Renderer, ReplyContext, TemplateKind};
pub use send::{Delivery, Outbound, QueuedResponse, ResponseDraft, SEND_JOB, queue_response};
pub use threading::{MessageId, Original, Recipients, ReplyHeaders, reply_headers};
