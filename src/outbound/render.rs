//! Replies from templates: the compiled-in defaults under `templates/` and users' own, rendered
//! with Handlebars in strict mode from a `ReplyContext`, the only data a template ever sees.
//!
//! Subjects and text bodies are rendered without escaping (a guest called "Tom & Jerry" stays so
//! in a plain-text mail); HTML bodies escape every value. The two are separate registries so one
//! template can never be rendered with the other's escaping.

use std::sync::{Arc, OnceLock};

use handlebars::{
    Context, Handlebars, Helper, HelperDef, HelperResult, Output, PathAndJson, RenderContext,
    RenderError as HbRenderError, RenderErrorReason, Renderable, Template,
};
use serde::{Deserialize, Serialize, Serializer};

use super::threading::reply_subject;

/// The seven kinds of `email_templates.type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
    pub const ALL: [TemplateKind; 7] = [
        TemplateKind::Availability,
        TemplateKind::Confirmation,
        TemplateKind::Decline,
        TemplateKind::Reschedule,
        TemplateKind::Cancellation,
        TemplateKind::ApprovalRequest,
        TemplateKind::FollowUp,
    ];

    /// The `email_templates.type` value.
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

    pub fn parse(s: &str) -> Option<TemplateKind> {
        let s = s.trim().to_ascii_lowercase().replace('-', "_");
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl std::fmt::Display for TemplateKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Someone a reply names. Templates also see `display_name` (the name, else the address's local
/// part) and `first_name` (the name's first word, null without a name, for "Hi Dana,").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Person {
    pub name: Option<String>,
    pub email: String,
}

impl Person {
    pub fn new(name: Option<&str>, email: &str) -> Person {
        Person {
            // Display names arrive quoted ("\"Dana Lee\"") or as a bare address.
            name: name
                .map(|n| n.trim().trim_matches(['"', '\'']).trim())
                .filter(|n| !n.is_empty() && !n.contains('@'))
                .map(str::to_string),
            email: email.to_string(),
        }
    }

    pub fn display_name(&self) -> String {
        match &self.name {
            Some(n) => n.clone(),
            None => self.email.split('@').next().unwrap_or_default().to_string(),
        }
    }

    /// The first word of the name ("Lee, Dana" is Dana, "Dana Lee, PhD" is Dana); the whole
    /// name when that word is a title ("Dr.") or an initial.
    pub fn first_name(&self) -> Option<String> {
        const SUFFIXES: [&str; 9] = ["phd", "md", "jr", "sr", "ii", "iii", "iv", "mba", "esq"];
        let name = self.name.as_deref()?;
        let given = match name.split_once(',') {
            Some((family, rest)) => {
                let rest = rest.trim();
                let suffix = SUFFIXES.contains(&rest.trim_end_matches('.').to_lowercase().as_str());
                if rest.is_empty() || suffix {
                    family
                } else {
                    rest
                }
            }
            None => name,
        };
        let first = given.split_whitespace().next()?;
        if first.ends_with('.') || first.chars().count() < 2 {
            Some(name.to_string())
        } else {
            Some(first.to_string())
        }
    }
}

impl Serialize for Person {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct View<'a> {
            name: Option<&'a str>,
            email: &'a str,
            display_name: String,
            first_name: Option<String>,
        }
        View {
            name: self.name.as_deref(),
            email: &self.email,
            display_name: self.display_name(),
            first_name: self.first_name(),
        }
        .serialize(s)
    }
}

/// The only data a template sees, built by the agent. It holds no other event's title, place or
/// attendees: replies reveal free/busy only, and the type makes that structural.
#[derive(Serialize, Clone, Debug, Default)]
pub struct ReplyContext {
    pub guest: Person,
    pub user: Person,
    /// The request's subject.
    pub subject: Option<String>,
    /// Offered times, numbered from 1.
    pub slots: Vec<SlotView>,
    /// Free windows (an availability check), formatted.
    pub windows: Vec<String>,
    /// The booked, confirmed, moved or cancelled meeting.
    pub meeting: Option<MeetingView>,
    /// Reschedule: the old time, formatted.
    pub previous: Option<String>,
    /// The time the guest confirmed was taken meanwhile.
    pub apology: bool,
    pub no_free_time: bool,
    /// Decline: the guest called the meeting off (acknowledge) rather than the user declining.
    pub guest_declined: bool,
    /// Approval requests only.
    pub approval: Option<ApprovalView>,
}

#[derive(Serialize, Clone, Debug, Default)]
pub struct SlotView {
    pub index: u32,
    pub when: String,
    /// RFC 3339.
    pub start: String,
    pub end: String,
}

#[derive(Serialize, Clone, Debug, Default)]
pub struct MeetingView {
    pub when: String,
    pub duration_minutes: i64,
    /// "video call", "phone call" or "in person".
    pub mode: Option<String>,
    pub location: Option<String>,
}

#[derive(Serialize, Clone, Debug, Default)]
pub struct ApprovalView {
    /// One line: "Dana Lee <dana@example.com> asks to schedule a meeting (confidence 0.62)".
    pub summary: String,
    pub intent: String,
    pub confidence: String,
    /// Why CAMS asks instead of answering by itself.
    pub reasons: Vec<String>,
    /// The reply CAMS would send.
    pub draft_to: String,
    pub draft_subject: String,
    pub draft_text: String,
    pub send_url: Option<String>,
    pub decline_url: String,
    pub ignore_url: String,
    pub slot_urls: Vec<SlotLink>,
    /// When the links stop working, in the user's zone.
    pub expires: String,
}

#[derive(Serialize, Clone, Debug, Default)]
pub struct SlotLink {
    pub index: u32,
    pub when: String,
    pub url: String,
}

impl ReplyContext {
    /// A context with every field filled in and every list non-empty: what `check` renders a
    /// template against, and what `cams template check` previews.
    pub fn sample() -> ReplyContext {
        let slots = vec![
            SlotView {
                index: 1,
                when: "Tue 2 Mar, 15:00–15:30 EST (21:00–21:30 CET for you)".into(),
                start: "2027-03-02T20:00:00Z".into(),
                end: "2027-03-02T20:30:00Z".into(),
            },
            SlotView {
                index: 2,
                when: "Wed 3 Mar, 10:00–10:30 EST (16:00–16:30 CET for you)".into(),
                start: "2027-03-03T15:00:00Z".into(),
                end: "2027-03-03T15:30:00Z".into(),
            },
        ];
        let base = "https://cams.example.com/approve/";
        ReplyContext {
            guest: Person::new(Some("Dana Lee"), "dana@example.org"),
            user: Person::new(Some("Alex Martin"), "alex@example.com"),
            subject: Some("Meeting next week?".into()),
            windows: vec![
                "Tue 2 Mar, 09:00–12:00 EST (15:00–18:00 CET for you)".into(),
                "Wed 3 Mar, 13:00–17:00 EST (19:00–23:00 CET for you)".into(),
            ],
            meeting: Some(MeetingView {
                when: slots[0].when.clone(),
                duration_minutes: 30,
                mode: Some("video call".into()),
                location: Some("https://meet.example.com/abc".into()),
            }),
            previous: Some("Mon 1 Mar, 11:00–11:30 EST (17:00–17:30 CET for you)".into()),
            apology: true,
            no_free_time: true,
            guest_declined: true,
            approval: Some(ApprovalView {
                summary: "Dana Lee <dana@example.org> asks to schedule a meeting (confidence 0.62)"
                    .into(),
                intent: "schedule".into(),
                confidence: "0.62".into(),
                reasons: vec![
                    "the confidence 0.62 is below the threshold 0.80 for schedule".into(),
                    "dana@example.org is not a known contact".into(),
                ],
                draft_to: "Dana Lee <dana@example.org>".into(),
                draft_subject: "Re: Meeting next week?".into(),
                draft_text: "Hi Dana,\n\nAlex is free at these times:\n\n  1. ...\n".into(),
                send_url: Some(format!("{base}send-token")),
                decline_url: format!("{base}decline-token"),
                ignore_url: format!("{base}ignore-token"),
                slot_urls: slots
                    .iter()
                    .map(|s| SlotLink {
                        index: s.index,
                        when: s.when.clone(),
                        url: format!("{base}slot-{}-token", s.index),
                    })
                    .collect(),
                expires: "Fri 5 Mar, 15:00 EST".into(),
            }),
            slots,
        }
    }
}

/// A rendered reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// One line.
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A user's own template, as stored in `email_templates`.
#[derive(Clone, Debug)]
pub struct UserTemplate {
    pub id: uuid::Uuid,
    pub user_id: uuid::Uuid,
    pub name: String,
    pub kind: TemplateKind,
    pub language: String,
    pub subject: String,
    /// The text body (`email_templates.body`).
    pub body: String,
    pub body_html: Option<String>,
    pub is_default: bool,
    pub is_active: bool,
    pub usage_count: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Which part of a template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Subject,
    Text,
    Html,
}

impl std::fmt::Display for Part {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Part::Subject => "subject",
            Part::Text => "text body",
            Part::Html => "HTML body",
        })
    }
}

/// Why a template was refused, naming the part and, when known, the line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{part}{}: {message}", line.map(|l| format!(", line {l}")).unwrap_or_default())]
pub struct TemplateError {
    pub part: Part,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

/// Errors of rendering.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("{kind} template: {error}")]
    Default {
        kind: TemplateKind,
        error: TemplateError,
    },
    #[error("template {name:?}: {error}")]
    User { name: String, error: TemplateError },
}

/// The compiled defaults and the helpers, in one text and one HTML registry; cheap to clone.
#[derive(Clone)]
pub struct Renderer {
    inner: Arc<Registries>,
}

struct Registries {
    text: Handlebars<'static>,
    html: Handlebars<'static>,
}

/// The languages the defaults exist in; the first is the fallback.
const LOCALES: [&str; 1] = ["en"];

struct Embedded {
    kind: TemplateKind,
    locale: &'static str,
    subject: &'static str,
    text: &'static str,
    html: &'static str,
}

macro_rules! embedded {
    ($kind:expr, $dir:literal, $locale:literal) => {
        Embedded {
            kind: $kind,
            locale: $locale,
            subject: include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/templates/",
                $dir,
                "/",
                $locale,
                "/subject.hbs"
            )),
            text: include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/templates/",
                $dir,
                "/",
                $locale,
                "/body.txt.hbs"
            )),
            html: include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/templates/",
                $dir,
                "/",
                $locale,
                "/body.html.hbs"
            )),
        }
    };
}

const DEFAULTS: [Embedded; 7] = [
    embedded!(TemplateKind::Availability, "availability", "en"),
    embedded!(TemplateKind::Confirmation, "confirmation", "en"),
    embedded!(TemplateKind::Decline, "decline", "en"),
    embedded!(TemplateKind::Reschedule, "reschedule", "en"),
    embedded!(TemplateKind::Cancellation, "cancellation", "en"),
    embedded!(TemplateKind::ApprovalRequest, "approval_request", "en"),
    embedded!(TemplateKind::FollowUp, "follow_up", "en"),
];

/// The embedded default of a kind in a language, for `cams template` to print or copy from.
pub fn default_source(
    kind: TemplateKind,
    locale: &str,
) -> (&'static str, &'static str, &'static str) {
    let locale = pick_locale(locale);
    let e = DEFAULTS
        .iter()
        .find(|e| e.kind == kind && e.locale == locale)
        .expect("every kind has an embedded default in every locale");
    (e.subject, e.text, e.html)
}

/// "en-US", "en_GB", "EN" → "en"; a language without defaults → the fallback.
fn pick_locale(locale: &str) -> &'static str {
    let primary = locale
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    LOCALES
        .into_iter()
        .find(|l| *l == primary)
        .unwrap_or(LOCALES[0])
}

fn name(kind: TemplateKind, locale: &str, part: Part) -> String {
    let part = match part {
        Part::Subject => "subject",
        Part::Text => "text",
        Part::Html => "html",
    };
    format!("{}/{locale}/{part}", kind.as_str())
}

impl Registries {
    /// `every_branch` renders both branches of `if`/`unless` (for `check`, so a variable in a
    /// branch the sample does not take is still looked up).
    fn new(every_branch: bool) -> Registries {
        let mut text = Handlebars::new();
        text.register_escape_fn(handlebars::no_escape);
        let mut html = Handlebars::new();
        html.register_escape_fn(handlebars::html_escape);
        for r in [&mut text, &mut html] {
            r.set_strict_mode(true);
            r.register_helper("re", Box::new(ReHelper));
            r.register_helper("quote", Box::new(QuoteHelper));
            if every_branch {
                r.register_helper("if", Box::new(EveryBranch));
                r.register_helper("unless", Box::new(EveryBranch));
            }
        }
        Registries { text, html }
    }

    fn registry(&self, part: Part) -> &Handlebars<'static> {
        match part {
            Part::Subject | Part::Text => &self.text,
            Part::Html => &self.html,
        }
    }
}

impl Renderer {
    /// Compiles the embedded defaults; an error means a default template is broken (a bug caught
    /// by the tests, never by a user).
    pub fn new() -> Result<Renderer, RenderError> {
        let mut regs = Registries::new(false);
        for e in &DEFAULTS {
            for (part, source) in [
                (Part::Subject, e.subject),
                (Part::Text, e.text),
                (Part::Html, e.html),
            ] {
                let reg = match part {
                    Part::Subject | Part::Text => &mut regs.text,
                    Part::Html => &mut regs.html,
                };
                reg.register_template_string(&name(e.kind, e.locale, part), source)
                    .map_err(|err| RenderError::Default {
                        kind: e.kind,
                        error: from_template_error(part, &err),
                    })?;
            }
        }
        Ok(Renderer {
            inner: Arc::new(regs),
        })
    }

    /// The default template of `kind` for `locale` ("en", "en-US" → "en"; unknown → "en").
    pub fn render(
        &self,
        kind: TemplateKind,
        locale: &str,
        ctx: &ReplyContext,
    ) -> Result<Rendered, RenderError> {
        let locale = pick_locale(locale);
        let part = |part: Part| {
            self.inner
                .registry(part)
                .render(&name(kind, locale, part), ctx)
                .map_err(|err| RenderError::Default {
                    kind,
                    error: from_render_error(part, &err),
                })
        };
        Ok(Rendered {
            subject: one_line(&part(Part::Subject)?),
            text: tidy_text(&part(Part::Text)?),
            html: part(Part::Html)?,
        })
    }

    /// A user's template; without an HTML body the HTML is made from the text, escaped.
    pub fn render_user(
        &self,
        t: &UserTemplate,
        ctx: &ReplyContext,
    ) -> Result<Rendered, RenderError> {
        let fail = |error| RenderError::User {
            name: t.name.clone(),
            error,
        };
        let subject = render_source(&self.inner, Part::Subject, &t.subject, ctx).map_err(fail)?;
        let text = tidy_text(&render_source(&self.inner, Part::Text, &t.body, ctx).map_err(fail)?);
        let html = match &t.body_html {
            Some(h) => render_source(&self.inner, Part::Html, h, ctx).map_err(fail)?,
            None => text_to_html(&text, &t.language),
        };
        Ok(Rendered {
            subject: one_line(&subject),
            text,
            html,
        })
    }
}

/// What `Renderer::render_preferred` produced.
#[derive(Debug)]
pub struct Choice {
    pub rendered: Rendered,
    /// The user's template used, for `templates::record_use` and `email_responses.template_id`.
    pub template_id: Option<uuid::Uuid>,
    /// Why the user's template was not used although there was one (worth a log line).
    pub fell_back: Option<RenderError>,
}

impl Renderer {
    /// The user's template of this kind when there is one and it renders, else the default: a
    /// template that fails on data its check did not foresee must not stop the reply.
    pub fn render_preferred(
        &self,
        kind: TemplateKind,
        locale: &str,
        user_template: Option<&UserTemplate>,
        ctx: &ReplyContext,
    ) -> Result<Choice, RenderError> {
        let mut fell_back = None;
        if let Some(t) = user_template.filter(|t| t.kind == kind && t.is_active) {
            match self.render_user(t, ctx) {
                Ok(rendered) => {
                    return Ok(Choice {
                        rendered,
                        template_id: Some(t.id),
                        fell_back: None,
                    });
                }
                Err(e) => fell_back = Some(e),
            }
        }
        Ok(Choice {
            rendered: self.render(kind, locale, ctx)?,
            template_id: None,
            fell_back,
        })
    }
}

fn render_source(
    regs: &Registries,
    part: Part,
    source: &str,
    ctx: &ReplyContext,
) -> Result<String, TemplateError> {
    if source.len() > MAX_TEMPLATE_BYTES {
        return Err(TemplateError {
            part,
            line: None,
            column: None,
            message: format!("longer than {} KiB", MAX_TEMPLATE_BYTES / 1024),
        });
    }
    // Compiled apart first: its syntax errors carry the line, the registry's do not always.
    let compiled = Template::compile(source).map_err(|e| from_template_error(part, &e))?;
    plain_structure(&compiled, 0).map_err(|(line, message)| TemplateError {
        part,
        line,
        column: None,
        message,
    })?;
    regs.registry(part)
        .render_template(source, ctx)
        .map_err(|e| from_render_error(part, &e))
}

/// A part of a user's template may not be longer than this.
pub const MAX_TEMPLATE_BYTES: usize = 64 * 1024;

/// Blocks nested deeper than this are refused: rendering recurses once per level.
const MAX_NESTING: usize = 16;

/// Users' templates are text with values, conditions and loops: partials and decorators are
/// refused (an inline partial that includes itself recurses until the stack overflows), and so is
/// deep nesting.
fn plain_structure(t: &Template, depth: usize) -> Result<(), (Option<usize>, String)> {
    use handlebars::template::TemplateElement as E;
    for (i, element) in t.elements.iter().enumerate() {
        let line = t.mapping.get(i).map(|m| m.0);
        match element {
            E::PartialExpression(_) | E::PartialBlock(_) => {
                return Err((line, "partials ({{> …}}) are not supported".into()));
            }
            E::DecoratorExpression(_) | E::DecoratorBlock(_) => {
                return Err((line, "decorators ({{* …}}) are not supported".into()));
            }
            E::HelperBlock(h) => {
                if depth >= MAX_NESTING {
                    return Err((line, format!("blocks nested deeper than {MAX_NESTING}")));
                }
                for inner in [&h.template, &h.inverse].into_iter().flatten() {
                    plain_structure(inner, depth + 1)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Strict check of a template a user saves: a syntax error, an unknown variable (also inside a
/// branch or loop the sample would not enter) or an unknown helper is refused, naming the part and
/// the line. Each part is rendered twice: against the full sample with both branches of every
/// `if`/`unless`, and against an empty context (lists empty, optional values null), which walks
/// the `else` of loops and `with`.
pub fn check(
    kind: TemplateKind,
    subject: &str,
    text: &str,
    html: Option<&str>,
) -> Result<(), TemplateError> {
    static EVERY_BRANCH: OnceLock<Registries> = OnceLock::new();
    static PLAIN: OnceLock<Registries> = OnceLock::new();
    let every = EVERY_BRANCH.get_or_init(|| Registries::new(true));
    let plain = PLAIN.get_or_init(|| Registries::new(false));
    let mut full = ReplyContext::sample();
    if kind != TemplateKind::ApprovalRequest {
        // Only approval requests carry approval data; elsewhere it is an unknown variable.
        full.approval = None;
    }
    // An approval request always has its approval data, though perhaps no reply to send.
    let empty = ReplyContext {
        guest: full.guest.clone(),
        user: full.user.clone(),
        approval: full.approval.as_ref().map(|_| ApprovalView::default()),
        ..ReplyContext::default()
    };
    let mut parts = vec![(Part::Subject, subject), (Part::Text, text)];
    if let Some(h) = html {
        parts.push((Part::Html, h));
    }
    for (part, source) in parts {
        if part == Part::Subject && source.trim().is_empty() {
            return Err(TemplateError {
                part,
                line: None,
                column: None,
                message: "is empty".into(),
            });
        }
        render_source(every, part, source, &full)?;
        render_source(plain, part, source, &empty)?;
    }
    Ok(())
}

fn from_template_error(part: Part, e: &handlebars::TemplateError) -> TemplateError {
    let (line, column) = e.pos().unzip();
    TemplateError {
        part,
        line,
        column,
        message: format!("syntax error: {}", e.reason()),
    }
}

fn from_render_error(part: Part, e: &HbRenderError) -> TemplateError {
    let message = match e.reason() {
        RenderErrorReason::MissingVariable(Some(path)) => format!("unknown variable `{path}`"),
        RenderErrorReason::MissingVariable(None) => "unknown variable".to_string(),
        RenderErrorReason::TemplateError(t) => return from_template_error(part, t),
        other => other.to_string(),
    };
    TemplateError {
        part,
        line: e.line_no,
        column: e.column_no,
        message,
    }
}

/// A subject is one header line: no line breaks (header injection), no doubled spaces.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Trailing spaces off every line, at most one blank line in a row, one final newline.
fn tidy_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank_run = 0;
    for line in s.trim_matches('\n').lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// A plain-text body as a minimal HTML document: every character escaped, paragraphs kept.
fn text_to_html(text: &str, language: &str) -> String {
    let lang: String = language
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let mut body = String::new();
    for para in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
        let lines: Vec<String> = para.lines().map(handlebars::html_escape).collect();
        body.push_str("<p>");
        body.push_str(&lines.join("<br>\n"));
        body.push_str("</p>\n");
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head><meta charset=\"utf-8\"></head>\n<body>\n{body}</body>\n</html>\n"
    )
}

/// `{{re subject}}`: the reply subject ("Re: " once, whatever prefixes the original had).
struct ReHelper;

impl HelperDef for ReHelper {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        r: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let param = required_param(h, "re")?;
        let s = reply_subject(param.value().as_str());
        out.write(&r.get_escape_fn()(&s))?;
        Ok(())
    }
}

/// A helper's first parameter, which strict mode requires to exist (a misspelt name is an
/// error, not an empty string).
fn required_param<'a, 'rc>(
    h: &'a Helper<'rc>,
    helper: &'static str,
) -> Result<&'a PathAndJson<'rc>, HbRenderError> {
    let param = h
        .param(0)
        .ok_or(RenderErrorReason::ParamNotFoundForIndex(helper, 0))?;
    if param.is_value_missing() {
        return Err(HbRenderError::strict_error(param.relative_path()));
    }
    Ok(param)
}

/// `{{quote text}}`: every line prefixed with "> ", as a mail client quotes.
struct QuoteHelper;

impl HelperDef for QuoteHelper {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        r: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let param = required_param(h, "quote")?;
        let text = param.value().as_str().unwrap_or_default();
        let quoted: Vec<String> = text
            .trim_end()
            .lines()
            .map(|l| {
                if l.is_empty() {
                    ">".to_string()
                } else {
                    format!("> {l}")
                }
            })
            .collect();
        out.write(&r.get_escape_fn()(&quoted.join("\n")))?;
        Ok(())
    }
}

/// For `check` only: an `if`/`unless` that renders both branches, and refuses a missing
/// condition (the built-in treats it as false, which would hide a misspelt name).
struct EveryBranch;

impl HelperDef for EveryBranch {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        r: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        rc: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        required_param(h, "if")?;
        if let Some(t) = h.template() {
            t.render(r, ctx, rc, out)?;
        }
        if let Some(t) = h.inverse() {
            t.render(r, ctx, rc, out)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn renderer() -> Renderer {
        Renderer::new().expect("the embedded defaults compile")
    }

    /// The sample, with approval data only where it belongs.
    fn full(kind: TemplateKind) -> ReplyContext {
        let mut c = ReplyContext::sample();
        if kind != TemplateKind::ApprovalRequest {
            c.approval = None;
        }
        c
    }

    fn bare() -> ReplyContext {
        ReplyContext {
            guest: Person::new(None, "guest@example.org"),
            user: Person::new(None, "owner@example.com"),
            ..ReplyContext::default()
        }
    }

    fn assert_well_formed(kind: TemplateKind, r: &Rendered) {
        assert!(!r.subject.is_empty(), "{kind}: empty subject");
        assert!(!r.subject.contains('\n'), "{kind}: {:?}", r.subject);
        for body in [&r.text, &r.html] {
            assert!(!body.contains("{{"), "{kind}: unrendered tag in {body}");
        }
        assert!(
            r.text.ends_with('\n') && !r.text.ends_with("\n\n"),
            "{kind}"
        );
        assert!(!r.text.contains("\n\n\n"), "{kind}: {}", r.text);
        assert!(r.html.starts_with("<!DOCTYPE html>"), "{kind}");
        assert!(r.html.contains("<html lang=\"en\">"), "{kind}");
        assert!(r.html.trim_end().ends_with("</html>"), "{kind}");
    }

    #[test]
    fn every_default_renders_with_a_full_and_an_empty_context() {
        let r = renderer();
        for kind in TemplateKind::ALL {
            let full = r.render(kind, "en", &full(kind)).unwrap();
            assert_well_formed(kind, &full);
            let hi = if kind == TemplateKind::ApprovalRequest {
                "Hi Alex,\n"
            } else {
                "Hi Dana,\n"
            };
            assert!(full.text.starts_with(hi), "{kind}: {}", full.text);
            let empty = r.render(kind, "en", &bare()).unwrap();
            assert_well_formed(kind, &empty);
            assert!(empty.text.starts_with("Hello,\n"), "{kind}: {}", empty.text);
        }
    }

    #[test]
    fn every_default_passes_its_own_check() {
        for kind in TemplateKind::ALL {
            let (s, t, h) = default_source(kind, "en");
            check(kind, s, t, Some(h)).unwrap_or_else(|e| panic!("{kind}: {e}"));
        }
    }

    #[test]
    fn offered_slots_are_numbered_with_their_zones() {
        let ctx = ReplyContext {
            windows: vec![],
            no_free_time: false,
            ..full(TemplateKind::Availability)
        };
        let r = renderer()
            .render(TemplateKind::Availability, "en", &ctx)
            .unwrap();
        assert_eq!(r.subject, "Re: Meeting next week?");
        assert!(
            r.text.contains(
                "  1. Tue 2 Mar, 15:00–15:30 EST (21:00–21:30 CET for you)\n  \
                 2. Wed 3 Mar, 10:00–10:30 EST (16:00–16:30 CET for you)\n"
            ),
            "{}",
            r.text
        );
        assert!(r.text.contains("reply with the number"), "{}", r.text);
        assert!(r.text.contains("Scheduling assistant for Alex Martin"));
        assert!(
            r.html
                .contains("<li value=\"2\">Wed 3 Mar, 10:00–10:30 EST")
        );
    }

    #[test]
    fn slots_and_windows_are_separate_paragraphs_and_nothing_asks_for_times() {
        let mut ctx = full(TemplateKind::Availability);
        ctx.no_free_time = false;
        let r = renderer()
            .render(TemplateKind::Availability, "en", &ctx)
            .unwrap();
        assert!(r.text.contains("calendar invitation.\n\nMore generally, Alex Martin is free during these times:\n\n  - Tue 2 Mar, 09:00–12:00 EST"), "{}", r.text);
        let r = renderer()
            .render(TemplateKind::Availability, "en", &bare())
            .unwrap();
        assert!(
            r.text.contains("Could you suggest a few times"),
            "{}",
            r.text
        );
    }

    #[test]
    fn no_free_time_says_so_and_offers_nothing() {
        let ctx = ReplyContext {
            no_free_time: true,
            ..bare()
        };
        let r = renderer()
            .render(TemplateKind::Availability, "en", &ctx)
            .unwrap();
        assert!(r.text.contains("has no free time"), "{}", r.text);
        assert!(!r.text.contains("1."), "{}", r.text);
    }

    #[test]
    fn html_escapes_every_value_and_text_keeps_it_verbatim() {
        let mut ctx = full(TemplateKind::Confirmation);
        ctx.apology = false;
        ctx.guest = Person::new(Some("<script>alert(1)</script> & Co"), "x@example.org");
        ctx.subject = Some("Tom & Jerry <meeting>".into());
        ctx.meeting.as_mut().unwrap().location = Some("\"><img src=x onerror=alert(1)>".into());
        for kind in TemplateKind::ALL {
            let mut c = ctx.clone();
            if kind == TemplateKind::ApprovalRequest {
                c.approval = ReplyContext::sample().approval;
            }
            let r = renderer().render(kind, "en", &c).unwrap();
            assert!(!r.html.contains("<script>"), "{kind}: {}", r.html);
            assert!(!r.html.contains("<img"), "{kind}: {}", r.html);
            assert!(!r.subject.contains("&amp;"), "{kind}: {}", r.subject);
            assert!(
                !r.text.contains("&amp;") && !r.text.contains("&lt;"),
                "{kind}"
            );
        }
        let r = renderer()
            .render(TemplateKind::Confirmation, "en", &ctx)
            .unwrap();
        assert!(
            r.html.contains("Hi &lt;script&gt;alert(1)&lt;/script&gt;,"),
            "{}",
            r.html
        );
        assert!(r.html.contains("&quot;&gt;&lt;img src"), "{}", r.html);
        assert!(
            r.text.contains("Hi <script>alert(1)</script>,"),
            "{}",
            r.text
        );
        assert_eq!(r.subject, "Re: Tom & Jerry <meeting>");
        assert!(
            r.text.contains("Where:  \"><img src=x onerror=alert(1)>"),
            "{}",
            r.text
        );
    }

    #[test]
    fn confirmation_states_time_length_and_place() {
        let mut ctx = full(TemplateKind::Confirmation);
        ctx.apology = false;
        let r = renderer()
            .render(TemplateKind::Confirmation, "en-US", &ctx)
            .unwrap();
        assert!(
            r.text
                .contains("When:   Tue 2 Mar, 15:00–15:30 EST (21:00–21:30 CET for you)")
        );
        assert!(r.text.contains("Length: 30 minutes"));
        assert!(r.text.contains("How:    video call"));
        assert!(r.text.contains("invitation is attached"));
        // The apology offers the other times instead.
        ctx.apology = true;
        let r = renderer()
            .render(TemplateKind::Confirmation, "en", &ctx)
            .unwrap();
        assert!(r.text.contains("I'm sorry"), "{}", r.text);
        assert!(r.text.contains("  2. Wed 3 Mar"), "{}", r.text);
        assert!(!r.text.contains("invitation is attached"), "{}", r.text);
    }

    #[test]
    fn unknown_locales_fall_back_to_english() {
        let r = renderer();
        let ctx = full(TemplateKind::Decline);
        let en = r.render(TemplateKind::Decline, "en", &ctx).unwrap();
        for locale in ["en-GB", "EN_us", "fr", "", "zz-ZZ"] {
            assert_eq!(r.render(TemplateKind::Decline, locale, &ctx).unwrap(), en);
        }
    }

    #[test]
    fn the_approval_request_gives_the_user_every_choice() {
        let ctx = ReplyContext::sample();
        let r = renderer()
            .render(TemplateKind::ApprovalRequest, "en", &ctx)
            .unwrap();
        assert_eq!(
            r.subject,
            "Approval needed: reply to Dana Lee about \"Meeting next week?\""
        );
        let a = ctx.approval.as_ref().unwrap();
        for url in [
            a.send_url.as_deref().unwrap(),
            &a.decline_url,
            &a.ignore_url,
        ] {
            assert!(r.text.contains(url) && r.html.contains(url), "{url}");
        }
        for link in &a.slot_urls {
            assert!(r.text.contains(&format!(
                "Book option {}, {}:\n  {}",
                link.index, link.when, link.url
            )));
        }
        for reason in &a.reasons {
            assert!(r.text.contains(&format!("  - {reason}\n")), "{}", r.text);
        }
        assert!(
            r.text.contains("> Hi Dana,\n>\n> Alex is free"),
            "{}",
            r.text
        );
        assert!(
            r.text.contains(
                "replying to this email: \"yes\" sends the reply, a number (1, 2) books that \
                 option, \"no\" declines."
            ),
            "{}",
            r.text
        );
        assert!(r.text.contains("The links expire on Fri 5 Mar, 15:00 EST."));
        // Without a proposed reply to send there is no "yes".
        let mut ctx = ctx;
        let a = ctx.approval.as_mut().unwrap();
        a.send_url = None;
        a.slot_urls.clear();
        let r = renderer()
            .render(TemplateKind::ApprovalRequest, "en", &ctx)
            .unwrap();
        assert!(
            r.text.contains("replying to this email: \"no\" declines."),
            "{}",
            r.text
        );
        assert!(!r.text.contains("Send this reply"), "{}", r.text);
    }

    #[test]
    fn a_user_template_without_html_gets_escaped_html_from_its_text() {
        let t = UserTemplate {
            id: uuid::Uuid::nil(),
            user_id: uuid::Uuid::nil(),
            name: "short".into(),
            kind: TemplateKind::Availability,
            language: "en".into(),
            subject: "Times for {{guest.display_name}}\r\nBcc: x@evil.example".into(),
            body: "Hi {{guest.display_name}},\n\n{{#each slots}}{{index}}) {{when}}\n{{/each}}"
                .into(),
            body_html: None,
            is_default: true,
            is_active: true,
            usage_count: 0,
            created_at: chrono::Utc::now(),
        };
        let mut ctx = full(TemplateKind::Availability);
        ctx.guest = Person::new(Some("A <b>"), "a@example.org");
        let r = renderer().render_user(&t, &ctx).unwrap();
        assert_eq!(r.subject, "Times for A <b> Bcc: x@evil.example");
        assert!(
            r.text.starts_with("Hi A <b>,\n\n1) Tue 2 Mar"),
            "{}",
            r.text
        );
        assert!(r.html.contains("<p>Hi A &lt;b&gt;,</p>"), "{}", r.html);
        assert!(
            r.html
                .contains("1) Tue 2 Mar, 15:00–15:30 EST (21:00–21:30 CET for you)<br>")
        );
    }

    #[test]
    fn the_users_template_is_preferred_and_a_failing_one_falls_back() {
        let r = renderer();
        let mut t = UserTemplate {
            id: uuid::Uuid::new_v4(),
            user_id: uuid::Uuid::nil(),
            name: "mine".into(),
            kind: TemplateKind::Cancellation,
            language: "en".into(),
            subject: "Cancelled".into(),
            body: "Cancelled: {{meeting.when}}".into(),
            body_html: None,
            is_default: true,
            is_active: true,
            usage_count: 0,
            created_at: chrono::Utc::now(),
        };
        let ctx = full(TemplateKind::Cancellation);
        let c = r
            .render_preferred(TemplateKind::Cancellation, "en", Some(&t), &ctx)
            .unwrap();
        assert_eq!(c.template_id, Some(t.id));
        assert!(c.rendered.text.starts_with("Cancelled: Tue 2 Mar"));
        // Without a meeting the user's template cannot render: the default answers instead.
        let c = r
            .render_preferred(TemplateKind::Cancellation, "en", Some(&t), &bare())
            .unwrap();
        assert_eq!(c.template_id, None);
        assert!(c.fell_back.is_some());
        assert!(
            c.rendered.text.contains("is cancelled"),
            "{}",
            c.rendered.text
        );
        // A template of another kind, or inactive, is not used.
        t.is_active = false;
        let c = r
            .render_preferred(TemplateKind::Cancellation, "en", Some(&t), &ctx)
            .unwrap();
        assert_eq!((c.template_id, c.fell_back.is_none()), (None, true));
        t.is_active = true;
        let c = r
            .render_preferred(TemplateKind::Decline, "en", Some(&t), &ctx)
            .unwrap();
        assert_eq!(c.template_id, None);
    }

    #[test]
    fn check_names_the_part_and_line_of_an_unknown_variable() {
        let e = check(
            TemplateKind::Availability,
            "Hello",
            "Hi {{guest.name}},\n\nline two\n{{guest.nmae}}\n",
            None,
        )
        .unwrap_err();
        assert_eq!(e.part, Part::Text);
        assert_eq!(e.line, Some(4));
        assert!(e.message.contains("guest.nmae"), "{e}");
        assert_eq!(
            e.to_string(),
            "text body, line 4: unknown variable `guest.nmae`"
        );
    }

    #[test]
    fn check_finds_unknown_variables_in_branches_the_sample_skips() {
        // `apology` is true in the sample: the else branch must still be looked at.
        let e = check(
            TemplateKind::Confirmation,
            "s",
            "{{#if apology}}sorry{{else}}\n{{meeting.whenn}}{{/if}}",
            None,
        )
        .unwrap_err();
        assert_eq!((e.part, e.line), (Part::Text, Some(2)), "{e}");
        // A misspelt condition is not silently false.
        let e = check(
            TemplateKind::Confirmation,
            "s",
            "{{#if apologie}}x{{/if}}",
            None,
        )
        .unwrap_err();
        assert!(e.message.contains("apologie"), "{e}");
        // The else of a loop runs only when the list is empty.
        let e = check(
            TemplateKind::Availability,
            "s",
            "{{#each slots}}{{when}}{{else}}{{nothing_here}}{{/each}}",
            None,
        )
        .unwrap_err();
        assert!(e.message.contains("nothing_here"), "{e}");
        // Inside a loop, the item's fields are known and others are not.
        assert!(
            check(
                TemplateKind::Availability,
                "s",
                "{{#each slots}}{{index}} {{when}} {{start}}{{/each}}",
                None
            )
            .is_ok()
        );
        assert!(
            check(
                TemplateKind::Availability,
                "s",
                "{{#each slots}}{{url}}{{/each}}",
                None
            )
            .is_err()
        );
    }

    #[test]
    fn check_reports_syntax_errors_with_their_line_and_part() {
        let e = check(
            TemplateKind::Decline,
            "ok {{subject}}",
            "fine",
            Some("<p>\n<p>\n{{#if subject}}\nno end\n"),
        )
        .unwrap_err();
        assert_eq!(e.part, Part::Html);
        assert!(e.line.is_some(), "{e}");
        assert!(e.message.starts_with("syntax error"), "{e}");
        let e = check(TemplateKind::Decline, "Re: {{subject", "fine", None).unwrap_err();
        assert_eq!((e.part, e.line), (Part::Subject, Some(1)), "{e}");
    }

    #[test]
    fn check_refuses_approval_data_outside_approval_requests_and_unknown_helpers() {
        let body = "{{approval.send_url}}";
        assert!(check(TemplateKind::ApprovalRequest, "s", body, None).is_ok());
        assert!(check(TemplateKind::Availability, "s", body, None).is_err());
        assert!(check(TemplateKind::Availability, "s", "{{> footer}}", None).is_err());
        assert!(
            check(
                TemplateKind::Availability,
                "s",
                "{{shout guest.name}}",
                None
            )
            .is_err()
        );
        assert!(check(TemplateKind::Availability, "", "body", None).is_err());
    }

    #[test]
    fn check_refuses_partials_decorators_and_deep_nesting() {
        // An inline partial including itself would overflow the stack when rendered.
        let e = check(
            TemplateKind::Decline,
            "s",
            "ok\n{{#*inline \"p\"}}x{{> p}}{{/inline}}{{> p}}",
            None,
        )
        .unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        assert!(e.message.contains("not supported"), "{e}");
        let deep = format!(
            "{}x{}",
            "{{#if apology}}".repeat(200),
            "{{/if}}".repeat(200)
        );
        let e = check(TemplateKind::Decline, "s", &deep, None).unwrap_err();
        assert!(e.message.contains("nested"), "{e}");
        let long = "x".repeat(MAX_TEMPLATE_BYTES + 1);
        assert!(check(TemplateKind::Decline, "s", &long, None).is_err());
        // The same guard protects rendering a stored template that skipped the check.
        let t = UserTemplate {
            id: uuid::Uuid::nil(),
            user_id: uuid::Uuid::nil(),
            name: "old".into(),
            kind: TemplateKind::Decline,
            language: "en".into(),
            subject: "s".into(),
            body: "{{#*inline \"p\"}}{{> p}}{{/inline}}{{> p}}".into(),
            body_html: None,
            is_default: true,
            is_active: true,
            usage_count: 0,
            created_at: chrono::Utc::now(),
        };
        assert!(renderer().render_user(&t, &bare()).is_err());
    }

    #[test]
    fn kinds_round_trip_through_their_names() {
        for k in TemplateKind::ALL {
            assert_eq!(TemplateKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(
            TemplateKind::parse("approval-request"),
            Some(TemplateKind::ApprovalRequest)
        );
        assert_eq!(TemplateKind::parse("spam"), None);
    }

    #[test]
    fn names_fall_back_sensibly() {
        let p = Person::new(Some("  "), "dana.lee@example.org");
        assert_eq!(
            (p.display_name(), p.first_name()),
            ("dana.lee".into(), None)
        );
        let p = Person::new(Some("Dr. Ann Smith"), "a@example.org");
        assert_eq!(p.first_name().as_deref(), Some("Dr. Ann Smith"));
        for name in [
            "Dana Lee",
            "Lee, Dana",
            "\"Dana Lee\"",
            "Dana Lee, PhD",
            "Dana Lee, Jr.",
        ] {
            let p = Person::new(Some(name), "d@example.org");
            assert_eq!(p.first_name().as_deref(), Some("Dana"), "{name}");
        }
        let p = Person::new(Some("dana@example.org"), "dana@example.org");
        assert_eq!(
            (p.name.as_deref(), p.display_name()),
            (None, "dana".to_string())
        );
    }
}
