//! PLACEHOLDER until the `render` branch lands (same interface): plain renderings of replies.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TemplateKind {
    Availability,
    Confirmation,
    Decline,
    Reschedule,
    Cancellation,
    ApprovalRequest,
    FollowUp,
}

impl TemplateKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TemplateKind::Availability => "availability",
            TemplateKind::Confirmation => "confirmation",
            TemplateKind::Decline => "decline",
            TemplateKind::Reschedule => "reschedule",
            TemplateKind::Cancellation => "cancellation",
            TemplateKind::ApprovalRequest => "approval_request",
            TemplateKind::FollowUp => "follow_up",
        }
    }
}

#[derive(Serialize, Clone, Debug, Default)]
pub struct Person {
    pub name: Option<String>,
    pub email: String,
}

#[derive(Serialize, Clone, Debug, Default)]
pub struct SlotView {
    pub index: u32,
    pub when: String,
    pub start: String,
    pub end: String,
}

#[derive(Serialize, Clone, Debug, Default)]
pub struct MeetingView {
    pub when: String,
    pub duration_minutes: i64,
    pub mode: Option<String>,
    pub location: Option<String>,
}

#[derive(Serialize, Clone, Debug, Default)]
pub struct SlotLink {
    pub index: u32,
    pub when: String,
    pub url: String,
}

#[derive(Serialize, Clone, Debug, Default)]
pub struct ApprovalView {
    pub summary: String,
    pub intent: String,
    pub confidence: String,
    pub reasons: Vec<String>,
    pub draft_to: String,
    pub draft_subject: String,
    pub draft_text: String,
    pub send_url: Option<String>,
    pub decline_url: String,
    pub ignore_url: String,
    pub slot_urls: Vec<SlotLink>,
    pub expires: String,
}

#[derive(Serialize, Clone, Debug, Default)]
pub struct ReplyContext {
    pub guest: Person,
    pub user: Person,
    pub subject: Option<String>,
    pub slots: Vec<SlotView>,
    pub windows: Vec<String>,
    pub meeting: Option<MeetingView>,
    pub previous: Option<String>,
    pub apology: bool,
    pub no_free_time: bool,
    pub approval: Option<ApprovalView>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Debug, thiserror::Error)]
#[error("render: {0}")]
pub struct RenderError(String);

#[derive(Clone, Default)]
pub struct Renderer;

impl Renderer {
    pub fn new() -> Result<Renderer, RenderError> {
        Ok(Renderer)
    }

    pub fn render(
        &self,
        kind: TemplateKind,
        _locale: &str,
        ctx: &ReplyContext,
    ) -> Result<Rendered, RenderError> {
        let mut text = format!("[{}]\n", kind.as_str());
        for s in &ctx.slots {
            text.push_str(&format!("{}. {}\n", s.index, s.when));
        }
        for w in &ctx.windows {
            text.push_str(&format!("- {w}\n"));
        }
        if let Some(m) = &ctx.meeting {
            text.push_str(&format!("Meeting: {}\n", m.when));
        }
        if let Some(a) = &ctx.approval {
            text.push_str(&format!("{}\n{}\n", a.summary, a.draft_text));
            if let Some(u) = &a.send_url {
                text.push_str(&format!("send: {u}\n"));
            }
            for l in &a.slot_urls {
                text.push_str(&format!("slot {}: {}\n", l.index, l.url));
            }
            text.push_str(&format!(
                "decline: {}\nignore: {}\n",
                a.decline_url, a.ignore_url
            ));
        }
        Ok(Rendered {
            subject: ctx.subject.clone().unwrap_or_default(),
            html: format!("<pre>{}</pre>", text.replace('<', "&lt;")),
            text,
        })
    }
}
