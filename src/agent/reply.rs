//! Writing a reply: the people and zones of a request (its `Frame`, stored with the decision so
//! an approval days later renders the same way), the template context, and the invitation.
//! Pure: no database, no clock.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use lettre::message::Mailbox;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::plan::{Effect, Plan};
use crate::availability::Interval;
use crate::outbound::invite::{self, Invite};
use crate::outbound::render::{
    MeetingView, Person, RenderError, Rendered, Renderer, ReplyContext, SlotView, UserTemplate,
};
use crate::outbound::timefmt;
use crate::outbound::{CalendarMethod, CalendarPart, MessageId, ResponseDraft};

/// Who a request is between, in which zones, and how a reply to it is threaded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Frame {
    pub user_email: String,
    pub user_name: Option<String>,
    /// IANA name of the user's zone.
    pub user_zone: String,
    pub guest_email: String,
    pub guest_name: Option<String>,
    /// The guest's zone when known (from their proposal or their Date header's offset).
    pub guest_zone: Option<String>,
    pub locale: String,
    /// The request's subject, as the guest wrote it.
    pub subject: Option<String>,
    /// The reply's subject ("Re: ...").
    pub reply_subject: String,
    /// Reply recipients, as "Name <address>".
    pub to: Vec<String>,
    pub cc: Vec<String>,
    /// With angle brackets.
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub duration_minutes: i64,
    pub mode: Option<String>,
    pub location: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReplyError {
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error("calendar invitation: {0}")]
    Invite(String),
    #[error("bad address {0:?}")]
    Address(String),
    #[error("unknown time zone {0:?}")]
    Zone(String),
}

/// A rendered reply with its invitation, if it carries one.
#[derive(Debug, Clone)]
pub struct Reply {
    pub rendered: Rendered,
    pub calendar: Option<CalendarPart>,
    /// The user's own template, when it was the one used.
    pub template_id: Option<Uuid>,
}

/// The invitation's identity: its UID and the SEQUENCE this message carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteId {
    pub uid: String,
    pub sequence: i32,
}

impl Frame {
    pub fn user_tz(&self) -> Result<Tz, ReplyError> {
        self.user_zone
            .parse()
            .map_err(|_| ReplyError::Zone(self.user_zone.clone()))
    }

    /// The guest's zone, when it is a real IANA zone.
    pub fn guest_tz(&self) -> Option<Tz> {
        self.guest_zone.as_deref().and_then(|z| z.parse().ok())
    }

    fn mailboxes(list: &[String]) -> Result<Vec<Mailbox>, ReplyError> {
        list.iter()
            .map(|s| s.parse().map_err(|_| ReplyError::Address(s.clone())))
            .collect()
    }

    pub fn to_mailboxes(&self) -> Result<Vec<Mailbox>, ReplyError> {
        Self::mailboxes(&self.to)
    }

    pub fn cc_mailboxes(&self) -> Result<Vec<Mailbox>, ReplyError> {
        Self::mailboxes(&self.cc)
    }

    /// The meeting's title in invitations: the thread's subject without reply prefixes.
    pub fn meeting_title(&self) -> String {
        let subject = crate::outbound::threading::reply_subject(self.subject.as_deref());
        let bare = subject.trim_start_matches("Re: ").trim();
        if bare.is_empty() || bare == "(no subject)" {
            let guest = self.guest_name.as_deref().unwrap_or(&self.guest_email);
            format!("Meeting with {guest}")
        } else {
            bare.to_string()
        }
    }

    fn person(name: &Option<String>, email: &str) -> Person {
        Person {
            name: name.clone(),
            email: email.to_string(),
        }
    }
}

/// "Name <address>", or the bare address without a name.
pub fn mailbox_text(name: Option<&str>, email: &str) -> String {
    match name {
        Some(n) => format!("{n} <{email}>"),
        None => email.to_string(),
    }
}

/// The template context for a plan: only the times of this conversation, never another event.
pub fn context(frame: &Frame, plan: &Plan) -> Result<ReplyContext, ReplyError> {
    let user_tz = frame.user_tz()?;
    let guest_tz = frame.guest_tz();
    let when = |i: &Interval| timefmt::when(i, user_tz, guest_tz);
    Ok(ReplyContext {
        guest: Frame::person(&frame.guest_name, &frame.guest_email),
        user: Frame::person(&frame.user_name, &frame.user_email),
        subject: frame.subject.clone(),
        slots: plan
            .slots
            .iter()
            .enumerate()
            .map(|(i, s)| SlotView {
                index: i as u32 + 1,
                when: when(s),
                start: s.start().with_timezone(&user_tz).to_rfc3339(),
                end: s.end().with_timezone(&user_tz).to_rfc3339(),
            })
            .collect(),
        windows: plan.windows.iter().map(when).collect(),
        meeting: plan.meeting.map(|m| MeetingView {
            when: when(&m),
            duration_minutes: m.duration().num_minutes(),
            mode: frame.mode.clone(),
            location: frame.location.clone(),
        }),
        previous: plan.previous.as_ref().map(when),
        apology: plan.apology,
        no_free_time: plan.no_free_time,
        guest_declined: plan.guest_declined,
        approval: None,
    })
}

/// The invitation a plan's effect sends, if any.
pub fn invitation(
    frame: &Frame,
    plan: &Plan,
    id: Option<&InviteId>,
    now: DateTime<Utc>,
) -> Result<Option<CalendarPart>, ReplyError> {
    let (Some(id), Some(meeting)) = (id, plan.meeting) else {
        return Ok(None);
    };
    let method = match plan.effect {
        Effect::Book { .. } | Effect::Move { .. } => CalendarMethod::Request,
        Effect::Cancel { .. } => CalendarMethod::Cancel,
        _ => return Ok(None),
    };
    let organizer: Mailbox = mailbox_text(frame.user_name.as_deref(), &frame.user_email)
        .parse()
        .map_err(|_| ReplyError::Address(frame.user_email.clone()))?;
    let mut attendees = frame.to_mailboxes()?;
    for m in frame.cc_mailboxes()? {
        if m.email != organizer.email {
            attendees.push(m);
        }
    }
    let title = frame.meeting_title();
    let invite = Invite {
        uid: &id.uid,
        sequence: id.sequence,
        interval: meeting,
        zone: frame.user_tz()?,
        summary: &title,
        description: None,
        location: frame.location.as_deref(),
        organizer: &organizer,
        attendees: &attendees,
        now,
    };
    let ics = match method {
        CalendarMethod::Request => invite::request(&invite),
        CalendarMethod::Cancel => invite::cancel(&invite),
    };
    CalendarPart::new(method, ics)
        .map(Some)
        .map_err(|e| ReplyError::Invite(e.to_string()))
}

/// Renders the reply to the guest: with the user's own template for its kind when they have
/// one (the default one if it cannot render), else the default.
pub fn compose(
    renderer: &Renderer,
    frame: &Frame,
    plan: &Plan,
    invite: Option<&InviteId>,
    now: DateTime<Utc>,
    user_template: Option<&UserTemplate>,
) -> Result<Reply, ReplyError> {
    let ctx = context(frame, plan)?;
    let choice = renderer.render_preferred(plan.kind, &frame.locale, user_template, &ctx)?;
    if let Some(why) = &choice.fell_back {
        tracing::warn!(
            "the user's {} template failed, default used: {why}",
            plan.kind.as_str()
        );
    }
    let mut rendered = choice.rendered;
    // The reply stays in the guest's thread whatever the template's subject says.
    rendered.subject = frame.reply_subject.clone();
    Ok(Reply {
        rendered,
        calendar: invitation(frame, plan, invite, now)?,
        template_id: choice.template_id,
    })
}

/// The stored form of a reply to the guest.
pub struct DraftOptions {
    pub request_id: Uuid,
    pub approved_at: Option<DateTime<Utc>>,
    pub draft: bool,
    pub send_after: Option<DateTime<Utc>>,
    pub action: String,
    pub suggested: Option<serde_json::Value>,
}

pub fn response_draft(
    frame: &Frame,
    reply: &Reply,
    o: DraftOptions,
) -> Result<ResponseDraft, ReplyError> {
    let id = |s: &String| MessageId::parse(s).ok();
    Ok(ResponseDraft {
        request_id: o.request_id,
        template_id: reply.template_id,
        from: None,
        to: frame.to_mailboxes()?,
        cc: frame.cc_mailboxes()?,
        subject: reply.rendered.subject.clone(),
        text: reply.rendered.text.clone(),
        html: Some(reply.rendered.html.clone()),
        calendar: reply.calendar.clone(),
        in_reply_to: frame.in_reply_to.as_ref().and_then(id),
        references: frame.references.iter().filter_map(id).collect(),
        approved_at: o.approved_at,
        action_taken: Some(o.action),
        suggested_slots: o.suggested,
        draft: o.draft,
        send_after: o.send_after,
    })
}
