//! One message through the agent: screen, read, route, compute availability, decide, and apply
//! the decision in one transaction. A crash anywhere before the commit leaves nothing behind,
//! so the retried job decides anew; after the commit, the request row (unique per user and
//! message) says it is done, so nothing is applied twice.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use lettre::message::Mailbox;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::plan::{self, Effect, Plan, ThreadBooking};
use super::reply::{self, DraftOptions, Frame, InviteId};
use super::route::{self, Directory, Role, Route, RouteInput};
use super::{Agent, AgentError, ReplyOut};
use crate::availability::{Engine, Hold, Interval, Query};
use crate::calendar::{freshness, report};
use crate::db::bookings::{self, BookingError, NewBooking};
use crate::db::rate_limits::{self, Scope};
use crate::db::requests::{self, NewRequest, Recorded, RequestStatus, SlotRow};
use crate::db::{self, approvals, audit, inbound::InboundMessage, responses, users};
use crate::ingest::screen::{self, Screening, thread_key};
use crate::nlp::intent::Intent;
use crate::nlp::request::{KnownZones, ParsedRequest};
use crate::nlp::time::{MeetingMode, Zone};
use crate::outbound::approval::{self, ApprovalAction};
use crate::outbound::render::{ApprovalView, ReplyContext, SlotLink, TemplateKind};
use crate::outbound::send::{self, own_addresses};
use crate::outbound::threading::{Original, reply_references, reply_subject};
use crate::outbound::{MessageId, ResponseDraft, timefmt};
use crate::policy::{self, Decision, DecisionInput, ProposedSlot, SendMode};

/// The confidence given to a short answer that picks one of the slots numbered in the thread.
const PICKED_OFFER_CONFIDENCE: f64 = 0.95;

/// What happened to one message, for people (`cams process`, `cams demo`) and tests.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// "auto_reply", "approval", "book" or "ignore".
    pub decision: &'static str,
    pub intent: Option<String>,
    pub confidence: Option<f64>,
    /// Every reason, as sentences.
    pub reasons: Vec<String>,
    /// The reply to the guest (sent, waiting for its delay, or a draft awaiting approval).
    pub reply: Option<ReplyOut>,
    /// The email asking the user to approve.
    pub approval: Option<ReplyOut>,
    pub request_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    /// Why nothing was done, when nothing was.
    pub note: Option<String>,
}

impl Outcome {
    /// How the inbound message is recorded: ignored when no request came of it.
    pub fn processed(&self) -> crate::ingest::process::Processed {
        use crate::ingest::process::Processed;
        match (&self.request_id, self.decision) {
            (None, "ignore") => {
                Processed::Ignored(self.note.clone().unwrap_or_else(|| "ignored".into()))
            }
            _ => Processed::Done,
        }
    }

    fn ignored(note: impl Into<String>) -> Outcome {
        Outcome {
            decision: "ignore",
            intent: None,
            confidence: None,
            reasons: vec![],
            reply: None,
            approval: None,
            request_id: None,
            user_id: None,
            note: Some(note.into()),
        }
    }
}

/// What is stored in `availability_requests.decision`: enough to act on an approval later
/// exactly as it was proposed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredDecision {
    pub decision: Decision,
    pub plan: Option<Plan>,
    pub frame: Option<Frame>,
    /// Times the user may pick from in the approval email (1-based in links).
    pub choices: Vec<Interval>,
    /// The reply waiting for approval.
    pub draft_response_id: Option<Uuid>,
    /// The invitation UID a booking made by this request gets.
    pub invite_uid: Option<String>,
    pub screening: Option<Value>,
    /// When the decision was made (the agent's clock): approvals age from here.
    #[serde(default)]
    pub decided_at: Option<DateTime<Utc>>,
}

/// Everything gathered before the decision.
struct Gathered {
    input: DecisionInput,
    frame: Frame,
    booking: Option<bookings::BookingRow>,
    thread_id: Option<String>,
    delay: i64,
    locale: String,
}

impl Agent {
    /// Runs one stored message through the agent. `dry_run` decides and renders everything, then
    /// rolls back: nothing is stored, held, booked or sent.
    pub async fn handle(
        &self,
        pool: &PgPool,
        message: &InboundMessage,
        dry_run: bool,
    ) -> Result<Outcome, AgentError> {
        self.handle_with(pool, message, None, dry_run).await
    }

    /// `handle`, with the envelope recipients given (a message that was never stored).
    pub async fn handle_with(
        &self,
        pool: &PgPool,
        message: &InboundMessage,
        envelope: Option<&[String]>,
        dry_run: bool,
    ) -> Result<Outcome, AgentError> {
        let assessed = screen::assess(pool, &self.config, &self.verifier, message).await?;
        if !dry_run {
            let mut conn = pool.acquire().await?;
            audit::record(
                &mut conn,
                message.user_id,
                "inbound.screened",
                ("inbound_message", message.id),
                &json!(assessed.screening),
            )
            .await?;
        }
        // A machine wrote it (auto-reply, list, bounce, our own mail): it is recorded above and
        // never answered, not even by asking the user.
        let automatic: Vec<&str> = assessed
            .screening
            .guards
            .iter()
            .filter(|g| policy::is_automatic(g))
            .map(|g| g.code())
            .collect();
        if !automatic.is_empty() {
            let mut o = Outcome::ignored(format!("no automatic reply: {}", automatic.join(", ")));
            o.reasons = assessed
                .screening
                .guards
                .iter()
                .map(|g| policy::Reason::Guard { guard: g.clone() }.message())
                .collect();
            return Ok(o);
        }
        let Some(email) = assessed.email else {
            return Ok(Outcome::ignored("the message has no readable text"));
        };
        let received = message.received_at.fixed_offset();
        let reference = email.reference_date().unwrap_or(received);
        let parsed = self.reader.read_parsed(&email, reference);
        let headers = &assessed.headers;
        let original = mail_parser::MessageParser::default()
            .parse(&message.raw)
            .map(|m| Original::from_parsed(&m))
            .unwrap_or_default();

        let mut conn = pool.acquire().await?;
        let mut ids: Vec<String> = headers.in_reply_to.clone();
        ids.extend(headers.references.iter().cloned());
        let thread = requests::find_thread(&mut conn, &ids).await?;
        let own = own_addresses(&self.config.outbound);
        let envelope = match envelope {
            Some(e) => e.to_vec(),
            None => envelope_to(&mut conn, message.id).await?,
        };
        let forwarded_from = if parsed.forwarded {
            parsed.requester.as_ref().and_then(to_lettre)
        } else {
            None
        };
        let input = RouteInput {
            original: &original,
            envelope_to: &envelope,
            own: &own,
            forwarded_from,
            thread: thread.as_ref(),
        };
        let dir = directory(&mut conn, &input).await?;
        let route = match route::route(&input, &dir) {
            Ok(r) => r,
            Err(why) if dry_run => return Ok(Outcome::ignored(why.to_string())),
            Err(why) => {
                audit::record(
                    &mut conn,
                    message.user_id,
                    "inbound.unrouted",
                    ("inbound_message", message.id),
                    &json!({"reason": why.to_string(), "screening": assessed.screening}),
                )
                .await?;
                return Ok(Outcome::ignored(why.to_string()));
            }
        };
        // What the user's profile says about the people of this mail: a guest's "10am your
        // time" is the user's clock, and the user's own zone-less times follow their zone's DST
        // rules, which the Date header's offset lacks. Read again knowing it, as `cams nlp eval`
        // measures.
        let known = match route.role {
            Role::GuestWrote | Role::UserForwarded | Role::UserCopied => {
                match users::profile(&mut conn, route.user_id).await? {
                    Some(p) => match p.timezone.parse::<Tz>() {
                        Ok(tz) if route.role == Role::UserCopied => KnownZones {
                            reader: None,
                            writer: Some(tz),
                        },
                        Ok(tz) => KnownZones::reader(tz),
                        Err(_) => KnownZones::default(),
                    },
                    None => KnownZones::default(),
                }
            }
            Role::ApprovalAnswer => KnownZones::default(),
        };
        let parsed = if known == KnownZones::default() {
            parsed
        } else {
            self.reader.read_parsed_for(&email, reference, known)
        };
        drop(conn);

        if route.role == Role::ApprovalAnswer
            && let Some(t) = &thread
        {
            if dry_run {
                let mut o = Outcome::ignored(format!(
                    "an answer to an approval email ({:?}); a dry run does not act on it",
                    super::answer::read_answer(&email.new_text)
                ));
                o.request_id = Some(t.request_id);
                return Ok(o);
            }
            return self
                .answer_by_email(pool, t, &route, &assessed.screening, &email.new_text)
                .await;
        }

        let now = self.now();
        let thread_id = thread
            .as_ref()
            .and_then(|t| t.thread_id.clone())
            .or_else(|| thread_key(headers));
        if !dry_run {
            let mut conn = pool.acquire().await?;
            if let Some(id) = requests::existing(
                &mut conn,
                route.user_id,
                Some(message.id),
                headers.message_id.as_deref(),
            )
            .await?
            {
                // Handled before (a retry after the commit, a second delivery): done.
                return stored_outcome(&mut conn, id).await;
            }
            drop(conn);
            if let Some(t) = &thread_id {
                self.withdraw_waiting(pool, route.user_id, t, message.id)
                    .await?;
            }
        }
        let g = self
            .gather(
                pool,
                &route,
                &parsed,
                &assessed.screening,
                thread_id,
                headers,
                &original,
                now,
            )
            .await?;

        let mut tx = db::begin_for_user(pool, route.user_id).await?;
        let parsed_json = serde_json::to_value(&parsed).unwrap_or(Value::Null);
        let slots: Vec<SlotRow> = parsed
            .slots
            .iter()
            .map(|s| SlotRow {
                start: s.start.with_timezone(&Utc),
                end: s.end.with_timezone(&Utc),
                timezone: s.zone.clone(),
                flexible: s.flexible,
                rank: Some(s.rank as i32),
            })
            .collect();
        let cc: Vec<String> = route.cc.iter().map(|m| m.email.to_string()).collect();
        let sender = original.from.first();
        let guest = route.guest.as_ref();
        let recorded = requests::record(
            &mut tx,
            &NewRequest {
                user_id: route.user_id,
                inbound_message_id: (!dry_run).then_some(message.id),
                email_message_id: headers.message_id.as_deref(),
                thread_id: g.thread_id.as_deref(),
                from_email: &sender
                    .map(|m| m.email.to_string())
                    .unwrap_or_else(|| "unknown@invalid".into()),
                from_name: sender.and_then(|m| m.name.as_deref()),
                guest_email: guest.map(|m| m.email.to_string()).as_deref(),
                guest_name: guest.and_then(|m| m.name.as_deref()),
                cc_emails: &cc,
                subject: parsed.subject.as_deref(),
                body: &parsed.text,
                parsed_data: &parsed_json,
                priority: priority(&parsed.text),
                intent: g.input.intent.as_str(),
                confidence: g.input.confidence,
                auto_respond: g.input.auto_respond,
            },
            &slots,
        )
        .await?;
        let request_id = match recorded {
            Recorded::New(id) => id,
            Recorded::Existing(id, _) => {
                // An earlier attempt committed: everything was applied then.
                tx.rollback().await?;
                let mut conn = pool.acquire().await?;
                return stored_outcome(&mut conn, id).await;
            }
        };
        let outcome = self
            .decide_and_apply(
                &mut tx,
                request_id,
                &route,
                g,
                &parsed,
                &assessed.screening,
                now,
            )
            .await?;
        if dry_run {
            tx.rollback().await?;
        } else {
            tx.commit().await?;
        }
        Ok(outcome)
    }

    /// The guest (or the user) wrote again in the thread: replies still waiting there are out of
    /// date, and so are proposals awaiting approval. A delayed reply that never left also takes
    /// back what it stood for (the guest never heard of that booking or those held times).
    /// Committed before deciding, so the decision sees the thread as it now is; doing it twice
    /// (a retry) finds nothing more to withdraw.
    async fn withdraw_waiting(
        &self,
        pool: &PgPool,
        user_id: Uuid,
        thread: &str,
        by_message: Uuid,
    ) -> Result<(), AgentError> {
        let mut tx = db::begin_for_user(pool, user_id).await?;
        // Requests before replies: the same lock order as an approval (no deadlock).
        let superseded = requests::supersede_waiting(&mut tx, user_id, thread, by_message).await?;
        let withdrawn = responses::cancel_waiting(
            &mut tx,
            user_id,
            thread,
            None,
            "a newer message arrived in the thread",
        )
        .await?;
        for earlier in &withdrawn {
            bookings::withdraw_for_request(&mut tx, *earlier).await?;
            bookings::release_request(&mut tx, *earlier, "reply withdrawn").await?;
            requests::supersede(&mut tx, *earlier, by_message).await?;
        }
        tx.commit().await?;
        if superseded > 0 || !withdrawn.is_empty() {
            tracing::info!(
                thread,
                withdrawn = withdrawn.len(),
                superseded,
                "newer message in the thread: waiting replies cancelled"
            );
        }
        Ok(())
    }

    /// Whether `slot` is still free in the user's calendars now (an approval can come days after
    /// the offer); `except` is the meeting being moved.
    pub(crate) async fn still_free(
        &self,
        pool: &PgPool,
        user_id: Uuid,
        slot: &Interval,
        except: Option<Uuid>,
    ) -> Result<bool, AgentError> {
        let mut conn = pool.acquire().await?;
        let user = users::profile(&mut conn, user_id)
            .await?
            .ok_or_else(|| AgentError::Setup(format!("user {user_id} is gone")))?;
        drop(conn);
        let prefs = user.preferences()?;
        let range = Interval::new(
            slot.start() - TimeDelta::hours(2),
            slot.end() + TimeDelta::hours(2),
        )?;
        let busy =
            report::load_busy(pool, user_id, &user.email, prefs.zone(), &range, except).await?;
        let engine = Engine::new(&prefs, &busy, &[])?;
        let query = Query::new(range, slot.duration(), TimeDelta::minutes(5), self.now())?;
        Ok(engine
            .free_intervals(&query)
            .iter()
            .any(|f| f.contains(slot)))
    }

    #[allow(clippy::too_many_arguments)]
    async fn gather(
        &self,
        pool: &PgPool,
        route: &Route,
        parsed: &ParsedRequest,
        screening: &Screening,
        known_thread: Option<String>,
        headers: &crate::nlp::text::HeaderFacts,
        original: &Original,
        now: DateTime<Utc>,
    ) -> Result<Gathered, AgentError> {
        let cfg = &self.config.agent;
        let mut conn = pool.acquire().await?;
        let user = users::profile(&mut conn, route.user_id)
            .await?
            .ok_or_else(|| AgentError::Setup(format!("user {} is gone", route.user_id)))?;
        let prefs = user.preferences()?;
        let zone = prefs.zone();
        let thread_id = known_thread.or_else(|| thread_key(headers));
        let booking = match &thread_id {
            Some(t) => bookings::thread_booking(&mut conn, route.user_id, t).await?,
            None => None,
        };
        let offered: Vec<Interval> = match &thread_id {
            Some(t) => {
                serde_json::from_value(requests::thread_offered(&mut conn, route.user_id, t).await?)
                    .unwrap_or_default()
            }
            None => vec![],
        };

        // The meeting a reschedule moves: it keeps its length unless the email states one.
        let moved = booking
            .as_ref()
            .filter(|_| parsed.intent == Intent::Reschedule)
            .and_then(|b| Interval::new(b.start_time, b.end_time).ok());
        let duration = TimeDelta::minutes(
            parsed
                .duration_minutes
                .map(i64::from)
                .or(moved.map(|b| b.duration().num_minutes()))
                .unwrap_or(prefs.default_duration().num_minutes())
                .clamp(5, 8 * 60),
        );
        let raw: Vec<(Interval, u32, bool)> = parsed
            .slots
            .iter()
            .filter_map(|s| {
                let i =
                    Interval::new(s.start.with_timezone(&Utc), s.end.with_timezone(&Utc)).ok()?;
                Some((i, s.rank, s.flexible))
            })
            .collect();
        let raw = match moved {
            Some(b) => super::moves::shape_to_booking(
                &raw,
                b,
                zone,
                crate::nlp::time::says_same_time(&parsed.text),
                parsed.duration_minutes.is_some(),
            ),
            None => raw,
        };
        let latest = raw.iter().map(|(i, _, _)| i.end()).max();
        let search_end = now + TimeDelta::days(cfg.search_days);
        // Far-off proposals are still checked, within a year.
        let end = latest
            .map(|l| l.max(search_end))
            .unwrap_or(search_end)
            .min(now + TimeDelta::days(366));
        let range = Interval::new(now, end)?;
        // The meeting being moved must not block its own new time.
        let moving = booking
            .as_ref()
            .filter(|_| matches!(parsed.intent, Intent::Reschedule | Intent::Confirm))
            .and_then(|b| b.event_id);
        let busy =
            report::load_busy(pool, route.user_id, &user.email, zone, &range, moving).await?;
        let holds: Vec<Hold> = bookings::foreign_holds(
            &mut conn,
            route.user_id,
            thread_id.as_deref(),
            range.start(),
            range.end(),
        )
        .await?
        .into_iter()
        .filter_map(|(s, e, x)| {
            Some(Hold {
                interval: Interval::new(s, e).ok()?,
                expires_at: Some(x),
            })
        })
        .collect();
        let engine = Engine::new(&prefs, &busy, &holds)?;
        let query = Query::new(
            range,
            duration,
            TimeDelta::minutes(cfg.slot_step_minutes),
            now,
        )?;
        let mut free = engine.free_intervals(&query);
        let mut ranked: Vec<Interval> = engine
            .ranked_slots(&query)
            .into_iter()
            .map(|s| s.interval)
            .collect();
        // A window longer than a day ("sometime this week", "next week") says when the guest
        // is free, not a time they propose: offer times inside it instead of picking one.
        let day = TimeDelta::days(1);
        let (wide, exact): (Vec<_>, Vec<_>) = raw
            .iter()
            .copied()
            .partition(|(i, _, flexible)| *flexible && i.duration() > day);
        let raw = if !wide.is_empty() && exact.is_empty() {
            let inside: Vec<Interval> = ranked
                .iter()
                .copied()
                .filter(|c| wide.iter().any(|(w, _, _)| w.contains(c)))
                .collect();
            if !inside.is_empty() {
                ranked = inside;
            }
            vec![]
        } else {
            raw
        };
        // "When are you free next week?": the free windows inside what was asked.
        if parsed.intent == Intent::AvailabilityCheck && (!raw.is_empty() || !wide.is_empty()) {
            let asked: Vec<Interval> = raw.iter().chain(&wide).map(|(i, _, _)| *i).collect();
            free = free
                .iter()
                .flat_map(|f| asked.iter().filter_map(|a| f.intersection(a)))
                .filter(|i| i.duration() >= duration)
                .collect();
            free.sort_by_key(|i| i.start());
        }
        let mut proposed = concretize(&raw, &ranked, duration);
        // A short answer naming one of the slots CAMS numbered in this very thread ("Option 2
        // works", "2 please") confirms that slot, whatever the model made of so few words: the
        // thread, not the text alone, says what "2" is.
        let (mut intent, mut confidence) = (parsed.intent, parsed.confidence);
        if let Some(ApprovalAction::PickSlot(k)) = super::answer::read_answer(&parsed.text)
            && (k as usize) <= offered.len()
            && k >= 1
            && !matches!(
                intent,
                Intent::Cancel | Intent::Decline | Intent::Reschedule
            )
        {
            intent = Intent::Confirm;
            confidence = confidence.max(PICKED_OFFER_CONFIDENCE);
        }
        if intent == Intent::Confirm {
            proposed = match_offered(proposed, &offered, &parsed.text);
        }

        let guest_email = route
            .guest
            .as_ref()
            .map(|m| m.email.to_string())
            .unwrap_or_default();
        // Calendars and events are behind row-level security: read them as the user.
        let (stale, known_contact) = {
            let mut tx = crate::db::begin_for_user(pool, route.user_id).await?;
            let stale = freshness::stale_calendars(
                &mut tx,
                route.user_id,
                TimeDelta::seconds(self.config.calendar.stale_margin_secs as i64),
                now,
            )
            .await?;
            let known =
                requests::is_known_contact(&mut tx, route.user_id, &guest_email, Uuid::nil())
                    .await?;
            tx.commit().await?;
            (stale, known)
        };
        let limits = &self.config.limits;
        let day = std::time::Duration::from_secs(86_400);
        let sender_used = rate_limits::used(
            &mut conn,
            Some(route.user_id),
            Scope::Sender,
            &guest_email,
            day,
        )
        .await?;
        let thread_used = match &thread_id {
            Some(t) => {
                rate_limits::used(
                    &mut conn,
                    Some(route.user_id),
                    Scope::Thread,
                    t,
                    std::time::Duration::from_secs(365 * 86_400),
                )
                .await?
            }
            None => 0,
        };
        // Mail the user wrote is believed as the user's only when authenticated: the "known
        // contact" shortcut is for guests, never for a message claiming to be the user.
        // A reply that would go elsewhere than the From (Reply-To) is never sent on the strength
        // of "known contact" alone: anyone can write a known address into From.
        let reply_elsewhere = original.reply_to.iter().any(|r| {
            original
                .from
                .first()
                .is_none_or(|f| !f.email.to_string().eq_ignore_ascii_case(r.email.as_ref()))
        });
        let known_contact = match route.role {
            Role::UserCopied | Role::UserForwarded => false,
            _ => known_contact && !reply_elsewhere,
        };
        let sender_on_booking = match (&booking, route.role) {
            (None, _) | (_, Role::UserCopied | Role::UserForwarded) => true,
            (Some(b), _) => b
                .attendees
                .iter()
                .any(|a| a.eq_ignore_ascii_case(&guest_email)),
        };
        let input = DecisionInput {
            intent,
            confidence,
            free_times_confidence: parsed
                .distribution
                .map(|d| d.schedule + d.availability_check),
            proposed,
            candidates: ranked,
            free,
            offered,
            booking: booking
                .as_ref()
                .and_then(|b| Interval::new(b.start_time, b.end_time).ok()),
            zone,
            auto_respond: user.auto_respond.unwrap_or(false),
            thresholds: cfg.thresholds,
            trust: screening.trust.clone(),
            known_contact,
            calendars_fresh: stale.is_empty(),
            guards: screening.guards.clone(),
            rate_limit_allows: sender_used < limits.auto_replies_per_sender_per_day
                && thread_used < limits.auto_replies_per_thread,
            slot_count: cfg.slot_count,
            sender_on_booking,
        };
        let guest = route.guest.clone();
        let guest_zone = guest_zone(parsed);
        // An update or cancellation goes to everyone invited, not only to who wrote last.
        let mut cc: Vec<String> = route.cc.iter().map(Mailbox::to_string).collect();
        if let Some(b) = &booking
            && matches!(parsed.intent, Intent::Reschedule | Intent::Cancel)
        {
            let on: Vec<String> = route
                .to
                .iter()
                .chain(&route.cc)
                .map(|m| m.email.to_string().to_lowercase())
                .collect();
            for a in &b.attendees {
                if !on.contains(&a.to_lowercase()) && !a.eq_ignore_ascii_case(&user.email) {
                    cc.push(a.clone());
                }
            }
        }
        let locale = user.locale.clone().unwrap_or_else(|| "en".into());
        let subject = parsed.subject.clone().or_else(|| original.subject.clone());
        let frame = Frame {
            user_email: user.email.clone(),
            user_name: user.name.clone(),
            user_zone: zone.name().to_string(),
            guest_email,
            guest_name: guest.as_ref().and_then(|g| g.name.clone()),
            guest_zone,
            locale: locale.clone(),
            reply_subject: reply_subject(subject.as_deref()),
            subject,
            to: route.to.iter().map(Mailbox::to_string).collect(),
            cc,
            in_reply_to: original.message_id.as_ref().map(MessageId::to_string),
            references: reply_references(
                &original.references,
                &original.in_reply_to,
                original.message_id.as_ref(),
            )
            .iter()
            .map(MessageId::to_string)
            .collect(),
            duration_minutes: duration.num_minutes(),
            mode: parsed.mode.map(|m| mode_words(m).to_string()),
            location: parsed.location.clone(),
        };
        Ok(Gathered {
            input,
            frame,
            booking,
            thread_id,
            delay: user.auto_respond_delay.unwrap_or(0).max(0) as i64,
            locale,
        })
    }

    /// Decides, then applies; a time taken by a concurrent thread (an exclusion constraint
    /// refusing the booking or hold) is taken out and the decision made again.
    #[allow(clippy::too_many_arguments)]
    async fn decide_and_apply(
        &self,
        tx: &mut PgConnection,
        request_id: Uuid,
        route: &Route,
        mut g: Gathered,
        parsed: &ParsedRequest,
        screening: &Screening,
        now: DateTime<Utc>,
    ) -> Result<Outcome, AgentError> {
        for _ in 0..4 {
            let decision = policy::decide(&g.input);
            sqlx::query("SAVEPOINT cams_apply")
                .execute(&mut *tx)
                .await?;
            match self
                .apply(tx, request_id, route, &g, &decision, parsed, screening, now)
                .await
            {
                Ok(outcome) => {
                    sqlx::query("RELEASE SAVEPOINT cams_apply")
                        .execute(&mut *tx)
                        .await?;
                    return Ok(outcome);
                }
                Err(Retry::Taken(slot)) => {
                    sqlx::query("ROLLBACK TO SAVEPOINT cams_apply")
                        .execute(&mut *tx)
                        .await?;
                    tracing::info!(request = %request_id, slot = ?slot,
                        "time taken by a concurrent thread; deciding again without it");
                    remove_time(&mut g.input, &slot);
                }
                Err(Retry::RateLimited) => {
                    sqlx::query("ROLLBACK TO SAVEPOINT cams_apply")
                        .execute(&mut *tx)
                        .await?;
                    g.input.rate_limit_allows = false;
                }
                Err(Retry::Fail(e)) => return Err(e),
            }
        }
        Err(AgentError::Conflict(
            "times kept being taken by concurrent threads".into(),
        ))
    }

    #[allow(clippy::too_many_arguments)]
    async fn apply(
        &self,
        tx: &mut PgConnection,
        request_id: Uuid,
        route: &Route,
        g: &Gathered,
        decision: &Decision,
        parsed: &ParsedRequest,
        screening: &Screening,
        now: DateTime<Utc>,
    ) -> Result<Outcome, Retry> {
        let cfg = &self.config.agent;
        let booking = g.booking.as_ref().and_then(|b| {
            Some(ThreadBooking {
                id: b.id,
                interval: Interval::new(b.start_time, b.end_time).ok()?,
            })
        });
        let plan = plan::plan(&decision.action, booking, cfg.max_windows);
        let label = plan::label(decision, plan.as_ref());
        let invite_uid = format!("{request_id}@{}", self.config.outbound.message_id_domain);
        // What a move or cancel acts on must still be what the decision saw: lock it.
        let mut current = None;
        if let Some(Effect::Move { booking, .. } | Effect::Cancel { booking }) =
            plan.as_ref().map(|p| &p.effect)
        {
            let locked = bookings::lock(tx, *booking)
                .await
                .map_err(|e| fail(e.into()))?;
            let seen = g.booking.as_ref().map(|b| (b.start_time, b.end_time));
            match locked {
                Some(b) if b.status == "confirmed" && Some((b.start_time, b.end_time)) == seen => {
                    current = Some(b)
                }
                _ => {
                    return Err(fail(AgentError::Conflict(
                        "the thread's meeting changed while deciding".into(),
                    )));
                }
            }
        }
        let invite = plan.as_ref().and_then(|p| match p.effect {
            Effect::Book { .. } => Some(InviteId {
                uid: invite_uid.clone(),
                sequence: 0,
            }),
            Effect::Move { .. } | Effect::Cancel { .. } => current.as_ref().map(|b| InviteId {
                uid: b.ics_uid.clone(),
                sequence: b.ics_sequence + 1,
            }),
            _ => None,
        });
        let mut stored = StoredDecision {
            decision: decision.clone(),
            plan: plan.clone(),
            frame: Some(g.frame.clone()),
            choices: vec![],
            draft_response_id: None,
            invite_uid: Some(invite_uid.clone()),
            screening: serde_json::to_value(screening).ok(),
            decided_at: Some(now),
        };
        let reasons: Vec<String> = decision.reasons.iter().map(|r| r.message()).collect();
        let mut outcome = Outcome {
            decision: label,
            intent: Some(g.input.intent.as_str().to_string()),
            confidence: Some(g.input.confidence),
            reasons,
            reply: None,
            approval: None,
            request_id: Some(request_id),
            user_id: Some(route.user_id),
            note: None,
        };
        let hold_until = now + TimeDelta::hours(cfg.hold_hours);
        let status;
        let mut event_id = None;
        let mut offered: Vec<Interval> = vec![];
        match (decision.send, &plan) {
            (SendMode::Nothing, _) | (_, None) => {
                status = RequestStatus::Ignored;
                outcome.note = Some("nothing to answer".into());
            }
            (SendMode::Automatic, Some(p)) => {
                let guest = g.frame.guest_email.to_lowercase();
                let thread = g
                    .thread_id
                    .clone()
                    .unwrap_or_else(|| request_id.to_string());
                let limits = &self.config.limits;
                let day = std::time::Duration::from_secs(86_400);
                let year = std::time::Duration::from_secs(365 * 86_400);
                let ok = rate_limits::try_take(
                    tx,
                    Some(route.user_id),
                    Scope::Sender,
                    &guest,
                    limits.auto_replies_per_sender_per_day,
                    day,
                )
                .await
                .map_err(|e| fail(e.into()))?
                    && rate_limits::try_take(
                        tx,
                        Some(route.user_id),
                        Scope::Thread,
                        &thread,
                        limits.auto_replies_per_thread,
                        year,
                    )
                    .await
                    .map_err(|e| fail(e.into()))?;
                if !ok {
                    return Err(Retry::RateLimited);
                }
                event_id = apply_effect(
                    tx,
                    request_id,
                    route.user_id,
                    g.thread_id.as_deref(),
                    &g.frame,
                    p,
                    &invite_uid,
                    hold_until,
                )
                .await?;
                let send_after = (g.delay > 0).then(|| now + TimeDelta::seconds(g.delay));
                let (draft, _) = queue_reply(
                    &self.renderer,
                    &self.config.outbound,
                    tx,
                    route.user_id,
                    request_id,
                    &g.frame,
                    p,
                    invite.as_ref(),
                    now,
                    Release {
                        approved_at: None,
                        draft: false,
                        send_after,
                    },
                )
                .await
                .map_err(fail)?;
                outcome.reply = Some(reply_out(
                    &draft,
                    if send_after.is_some() {
                        format!("sends after a {} s delay", g.delay)
                    } else {
                        "queued".into()
                    },
                ));
                offered = p.slots.clone();
                status = p.status;
            }
            (SendMode::AskUser, Some(p)) => {
                // Keep what would be offered or booked from other threads while the user
                // decides; change nothing else until they do.
                let held: Vec<Interval> = match p.effect {
                    Effect::Hold => p.slots.clone(),
                    Effect::Book { slot } | Effect::Move { to: slot, .. } => vec![slot],
                    _ => vec![],
                };
                if !held.is_empty()
                    && let Some(t) = &g.thread_id
                {
                    // This offer replaces the thread's earlier ones.
                    bookings::release_thread(tx, route.user_id, t, "superseded by a newer offer")
                        .await
                        .map_err(|e| fail(e.into()))?;
                }
                for slot in &held {
                    hold(tx, route.user_id, request_id, slot, hold_until).await?;
                }
                let (draft, queued) = queue_reply(
                    &self.renderer,
                    &self.config.outbound,
                    tx,
                    route.user_id,
                    request_id,
                    &g.frame,
                    p,
                    invite.as_ref(),
                    now,
                    Release {
                        approved_at: None,
                        draft: true,
                        send_after: None,
                    },
                )
                .await
                .map_err(fail)?;
                stored.draft_response_id = Some(queued.id);
                stored.choices = choices(p, &g.input.candidates, cfg.slot_count, g.input.zone);
                outcome.reply = Some(reply_out(&draft, "draft awaiting approval".into()));
                let approval = self
                    .approval_email(tx, request_id, route.user_id, g, p, &stored, &draft, now)
                    .await?;
                outcome.approval = Some(approval);
                status = RequestStatus::AwaitingApproval;
            }
        }
        let stored_json = serde_json::to_value(&stored).unwrap_or(Value::Null);
        requests::settle(
            tx,
            request_id,
            status,
            &stored_json,
            &json!(offered),
            event_id,
        )
        .await
        .map_err(|e| fail(e.into()))?;
        let reasons: Vec<Value> = decision.reasons.iter().map(|r| r.to_audit()).collect();
        audit::record(
            tx,
            Some(route.user_id),
            "request.decided",
            ("availability_request", request_id),
            &json!({
                "decision": label,
                "action": decision.action,
                "send": decision.send,
                "reasons": reasons,
                "intent": g.input.intent.as_str(),
                "model_intent": parsed.intent.as_str(),
                "model_confidence": parsed.confidence,
                "confidence": parsed.confidence,
                "role": route.role,
            }),
        )
        .await
        .map_err(|e| fail(e.into()))?;
        Ok(outcome)
    }

    #[allow(clippy::too_many_arguments)]
    async fn approval_email(
        &self,
        tx: &mut PgConnection,
        request_id: Uuid,
        user_id: Uuid,
        g: &Gathered,
        p: &Plan,
        stored: &StoredDecision,
        draft: &ResponseDraft,
        now: DateTime<Utc>,
    ) -> Result<ReplyOut, Retry> {
        let cfg = &self.config.agent;
        let expires = now + TimeDelta::hours(cfg.approval_expiry_hours);
        let base = self
            .config
            .http
            .public_url
            .as_str()
            .trim_end_matches('/')
            .to_string();
        let link = async |tx: &mut PgConnection, action: ApprovalAction| {
            let nonce: [u8; 16] = rand::random();
            let token = approval::issue(&self.link_key, request_id, action, expires, nonce)
                .map_err(|e| Retry::Fail(AgentError::Setup(e.to_string())))?;
            let hash = approval::token_hash(&token);
            approvals::insert(
                tx,
                request_id,
                user_id,
                action.as_str(),
                action.slot_index().map(|k| k as i32),
                &hash,
                expires,
            )
            .await
            .map_err(|e| fail(e.into()))?;
            Ok::<String, Retry>(format!("{base}/approve/{token}"))
        };
        let user_tz = g.frame.user_tz().map_err(|e| fail(e.into()))?;
        let guest_tz = g.frame.guest_tz();
        let send_url = Some(link(tx, ApprovalAction::Send).await?);
        let mut slot_urls = vec![];
        for (i, c) in stored.choices.iter().enumerate() {
            let k = i as u32 + 1;
            slot_urls.push(SlotLink {
                index: k,
                when: timefmt::when(c, user_tz, guest_tz),
                url: link(tx, ApprovalAction::PickSlot(k)).await?,
            });
        }
        let decline_url = link(tx, ApprovalAction::Decline).await?;
        let ignore_url = link(tx, ApprovalAction::Ignore).await?;
        let guest = reply::mailbox_text(g.frame.guest_name.as_deref(), &g.frame.guest_email);
        let confidence = format!("{:.2}", g.input.confidence);
        let view = ApprovalView {
            summary: format!(
                "{guest} — {} (confidence {confidence})",
                intent_words(g.input.intent)
            ),
            intent: g.input.intent.as_str().to_string(),
            confidence,
            reasons: stored
                .decision
                .reasons
                .iter()
                .filter(|r| r.blocks_sending())
                .map(|r| r.message())
                .collect(),
            draft_to: g.frame.to.join(", "),
            draft_subject: draft.subject.clone(),
            draft_text: draft.text.clone(),
            send_url,
            decline_url,
            ignore_url,
            slot_urls,
            expires: expires
                .with_timezone(&user_tz)
                .format("%a %-d %b %Y, %H:%M %Z")
                .to_string(),
        };
        let ctx = ReplyContext {
            approval: Some(view),
            ..reply::context(&g.frame, p).map_err(|e| fail(e.into()))?
        };
        let rendered = self
            .renderer
            .render(TemplateKind::ApprovalRequest, &g.locale, &ctx)
            .map_err(|e| fail(e.into()))?;
        let to: Mailbox = reply::mailbox_text(g.frame.user_name.as_deref(), &g.frame.user_email)
            .parse()
            .map_err(|_| {
                fail(AgentError::Setup(format!(
                    "bad user address {}",
                    g.frame.user_email
                )))
            })?;
        let draft = ResponseDraft {
            request_id,
            template_id: None,
            from: None,
            to: vec![to],
            cc: vec![],
            subject: rendered.subject.clone(),
            text: rendered.text.clone(),
            html: Some(rendered.html.clone()),
            calendar: None,
            in_reply_to: None,
            references: vec![],
            approved_at: None,
            action_taken: Some(requests::APPROVAL_ACTION.into()),
            suggested_slots: Some(json!(stored.choices)),
            draft: false,
            send_after: None,
        };
        send::queue_response(tx, &self.config.outbound, &draft)
            .await
            .map_err(|e| fail(e.into()))?;
        Ok(reply_out(&draft, "queued".into()))
    }
}

/// `reply::compose` with the user's own template for the reply's kind, its use counted.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn compose(
    renderer: &crate::outbound::render::Renderer,
    tx: &mut PgConnection,
    user_id: Uuid,
    frame: &Frame,
    plan: &Plan,
    invite: Option<&InviteId>,
    now: DateTime<Utc>,
) -> Result<reply::Reply, AgentError> {
    let own = crate::db::templates::default_for(tx, user_id, plan.kind, &frame.locale).await?;
    let reply = reply::compose(renderer, frame, plan, invite, now, own.as_ref())?;
    if let Some(id) = reply.template_id {
        crate::db::templates::record_use(tx, id).await?;
    }
    Ok(reply)
}

/// When a reply may leave.
pub(crate) struct Release {
    /// The user approved it (None: an automatic reply).
    pub approved_at: Option<DateTime<Utc>>,
    /// Kept as a draft for the user's approval.
    pub draft: bool,
    pub send_after: Option<DateTime<Utc>>,
}

/// Renders the plan's reply (with the user's own template when they have one) and stores it to
/// be sent, or as a draft; returns what was stored and its row.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn queue_reply(
    renderer: &crate::outbound::render::Renderer,
    config: &crate::config::OutboundConfig,
    tx: &mut PgConnection,
    user_id: Uuid,
    request_id: Uuid,
    frame: &Frame,
    plan: &Plan,
    invite: Option<&InviteId>,
    now: DateTime<Utc>,
    release: Release,
) -> Result<(ResponseDraft, crate::outbound::QueuedResponse), AgentError> {
    let reply = compose(renderer, tx, user_id, frame, plan, invite, now).await?;
    let draft = reply::response_draft(
        frame,
        &reply,
        DraftOptions {
            request_id,
            approved_at: release.approved_at,
            draft: release.draft,
            send_after: release.send_after,
            action: plan.kind.as_str().to_string(),
            suggested: Some(json!(plan.slots)),
        },
    )?;
    let queued = send::queue_response(tx, config, &draft).await?;
    Ok((draft, queued))
}

/// Why an application attempt stopped.
pub(crate) enum Retry {
    /// A concurrent thread holds or booked this time.
    Taken(Interval),
    RateLimited,
    Fail(AgentError),
}

pub(crate) fn fail(e: AgentError) -> Retry {
    Retry::Fail(e)
}

impl From<BookingError> for Retry {
    fn from(e: BookingError) -> Self {
        match e {
            BookingError::Taken => Retry::Fail(AgentError::Conflict("taken".into())),
            BookingError::Db(d) => Retry::Fail(d.into()),
        }
    }
}

async fn hold(
    tx: &mut PgConnection,
    user_id: Uuid,
    request_id: Uuid,
    slot: &Interval,
    until: DateTime<Utc>,
) -> Result<(), Retry> {
    match bookings::hold(tx, user_id, request_id, slot.start(), slot.end(), until).await {
        Ok(_) => Ok(()),
        Err(BookingError::Taken) => Err(Retry::Taken(*slot)),
        Err(BookingError::Db(d)) => Err(fail(d.into())),
    }
}

/// The calendar side of a plan. Returns the booked event, if one was made.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn apply_effect(
    tx: &mut PgConnection,
    request_id: Uuid,
    user_id: Uuid,
    thread_id: Option<&str>,
    frame: &Frame,
    p: &Plan,
    invite_uid: &str,
    hold_until: DateTime<Utc>,
) -> Result<Option<Uuid>, Retry> {
    let release = async |tx: &mut PgConnection, reason: &str| -> Result<(), Retry> {
        match thread_id {
            Some(t) => bookings::release_thread(tx, user_id, t, reason).await,
            None => bookings::release_request(tx, request_id, reason).await,
        }
        .map_err(|e| fail(e.into()))?;
        Ok(())
    };
    match &p.effect {
        Effect::Book { slot } => {
            let attendees: Vec<(String, Option<String>)> = frame
                .to_mailboxes()
                .map_err(|e| fail(e.into()))?
                .into_iter()
                .chain(frame.cc_mailboxes().map_err(|e| fail(e.into()))?)
                .filter(|m| !m.email.to_string().eq_ignore_ascii_case(&frame.user_email))
                .map(|m| (m.email.to_string(), m.name))
                .collect();
            let title = frame.meeting_title();
            let booked = bookings::book(
                tx,
                &NewBooking {
                    user_id,
                    request_id,
                    thread_id,
                    start: slot.start(),
                    end: slot.end(),
                    title: &title,
                    location: frame.location.as_deref(),
                    organizer_email: &frame.user_email,
                    attendees: &attendees,
                    ics_uid: invite_uid,
                },
            )
            .await;
            let booked = match booked {
                Ok(b) => b,
                Err(BookingError::Taken) => return Err(Retry::Taken(*slot)),
                Err(BookingError::Db(d)) => return Err(fail(d.into())),
            };
            release(tx, "booked").await?;
            Ok(booked.event_id)
        }
        Effect::Move { booking, to } => {
            match bookings::reschedule(tx, *booking, to.start(), to.end()).await {
                Ok(_) => {}
                Err(BookingError::Taken) => return Err(Retry::Taken(*to)),
                Err(BookingError::Db(d)) => return Err(fail(d.into())),
            }
            release(tx, "moved").await?;
            Ok(None)
        }
        Effect::Cancel { booking } => {
            bookings::cancel(tx, *booking)
                .await
                .map_err(|e| fail(e.into()))?;
            release(tx, "cancelled").await?;
            Ok(None)
        }
        Effect::Hold => {
            // This offer replaces the thread's earlier ones.
            release(tx, "superseded by a newer offer").await?;
            for slot in &p.slots {
                hold(tx, user_id, request_id, slot, hold_until).await?;
            }
            Ok(None)
        }
        Effect::Release => {
            release(tx, "declined").await?;
            Ok(None)
        }
        Effect::Nothing => Ok(None),
    }
}

/// A flexible proposal ("Wednesday afternoon") becomes the best free slot of the meeting's
/// length inside it; when none is free it stays the whole window (which is then busy).
fn concretize(
    raw: &[(Interval, u32, bool)],
    ranked: &[Interval],
    duration: TimeDelta,
) -> Vec<ProposedSlot> {
    raw.iter()
        .map(|(window, rank, flexible)| {
            let interval = if *flexible || window.duration() > duration {
                ranked
                    .iter()
                    .find(|c| window.contains(c))
                    .copied()
                    .unwrap_or(*window)
            } else {
                *window
            };
            ProposedSlot {
                interval,
                rank: *rank,
            }
        })
        .collect()
}

/// A confirmation names an offered slot: by its number ("2", "option 2"), or by a time that is
/// the start of an offered slot (the offered slot's length wins over the text's default).
fn match_offered(
    proposed: Vec<ProposedSlot>,
    offered: &[Interval],
    text: &str,
) -> Vec<ProposedSlot> {
    if offered.is_empty() {
        return proposed;
    }
    // A time in the text that starts (or lies in) an offered slot wins: "3 pm works" is about
    // the 3 pm slot, whatever its number.
    let matched: Vec<ProposedSlot> = proposed
        .iter()
        .filter_map(|p| {
            offered
                .iter()
                .find(|o| o.start() == p.interval.start() || o.contains(&p.interval))
                .map(|o| ProposedSlot {
                    interval: *o,
                    rank: p.rank,
                })
        })
        .collect();
    if !matched.is_empty() {
        return matched;
    }
    if let Some(ApprovalAction::PickSlot(k)) = super::answer::read_answer(text)
        && let Some(slot) = offered.get(k as usize - 1)
    {
        return vec![ProposedSlot {
            interval: *slot,
            rank: 1,
        }];
    }
    proposed
}

/// Takes a time out of what the policy may offer or accept.
fn remove_time(input: &mut DecisionInput, slot: &Interval) {
    input.candidates.retain(|c| !c.overlaps(slot));
    let mut free = Vec::with_capacity(input.free.len() + 1);
    for f in &input.free {
        if !f.overlaps(slot) {
            free.push(*f);
            continue;
        }
        if f.start() < slot.start()
            && let Ok(left) = Interval::new(f.start(), slot.start())
        {
            free.push(left);
        }
        if slot.end() < f.end()
            && let Ok(right) = Interval::new(slot.end(), f.end())
        {
            free.push(right);
        }
    }
    input.free = free;
}

/// The times offered in the approval email: what the reply offers or books first, then the
/// engine's best other slots, spread over days.
fn choices(p: &Plan, candidates: &[Interval], n: usize, zone: Tz) -> Vec<Interval> {
    if matches!(
        p.kind,
        TemplateKind::Decline | TemplateKind::Cancellation | TemplateKind::ApprovalRequest
    ) {
        return vec![];
    }
    let mut out: Vec<Interval> = p.slots.clone();
    if let Some(m) = p.meeting
        && !matches!(p.effect, Effect::Cancel { .. })
    {
        out.insert(0, m);
    }
    let mut days: std::collections::BTreeSet<chrono::NaiveDate> = out
        .iter()
        .map(|s| s.start().with_timezone(&zone).date_naive())
        .collect();
    for c in candidates {
        if out.len() >= n.max(p.slots.len()) {
            break;
        }
        if !out.iter().any(|o| o.overlaps(c))
            && days.insert(c.start().with_timezone(&zone).date_naive())
        {
            out.push(*c);
        }
    }
    out
}

fn reply_out(d: &ResponseDraft, status: String) -> ReplyOut {
    ReplyOut {
        to: d.to.iter().map(Mailbox::to_string).collect(),
        cc: d.cc.iter().map(Mailbox::to_string).collect(),
        subject: d.subject.clone(),
        text: d.text.clone(),
        ics: d.calendar.as_ref().map(|c| c.ics().to_string()),
        status,
    }
}

fn to_lettre(m: &crate::nlp::text::Mailbox) -> Option<Mailbox> {
    let address: lettre::Address = m.address.as_ref()?.as_str().parse().ok()?;
    Some(Mailbox::new(m.name.clone(), address))
}

/// The guest's zone: the zone of their first proposal, else the one their Date offset suggests.
fn guest_zone(parsed: &ParsedRequest) -> Option<String> {
    if let Some(s) = parsed.slots.first()
        && s.zone.parse::<Tz>().is_ok()
    {
        return Some(s.zone.clone());
    }
    match Zone::likely_for(parsed.reference) {
        Zone::Iana(tz) => Some(tz.name().to_string()),
        Zone::Fixed(_) => None,
    }
}

fn mode_words(m: MeetingMode) -> &'static str {
    match m {
        MeetingMode::Call => "phone call",
        MeetingMode::Video => "video call",
        MeetingMode::InPerson => "in person",
    }
}

fn intent_words(i: Intent) -> &'static str {
    match i {
        Intent::Schedule => "asks to schedule a meeting",
        Intent::Reschedule => "asks to move the meeting",
        Intent::Cancel => "asks to cancel the meeting",
        Intent::AvailabilityCheck => "asks when you are free",
        Intent::Confirm => "confirms a time",
        Intent::Decline => "declines",
        Intent::Other => "wrote (not about scheduling)",
    }
}

/// "urgent" / "asap" in the text make a request urgent.
fn priority(text: &str) -> &'static str {
    let t = text.to_lowercase();
    if ["urgent", "asap", "as soon as possible", "emergency"]
        .iter()
        .any(|w| t.contains(w))
    {
        "urgent"
    } else {
        "normal"
    }
}

async fn envelope_to(conn: &mut PgConnection, id: Uuid) -> Result<Vec<String>, AgentError> {
    let v: Option<Vec<String>> =
        sqlx::query_scalar("SELECT envelope_to FROM inbound_messages WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?;
    Ok(v.unwrap_or_default())
}

async fn directory(
    conn: &mut PgConnection,
    input: &RouteInput<'_>,
) -> Result<Directory, AgentError> {
    let addresses = route::addresses(input);
    let mut dir = Directory {
        by_address: requests::users_by_address(conn, &addresses)
            .await?
            .into_iter()
            .collect::<HashMap<_, _>>(),
        by_tag: HashMap::new(),
    };
    for (_, tag) in route::plus_tags(input) {
        if let Some(u) = requests::user_by_tag(conn, &tag).await? {
            dir.by_tag.insert(tag, u);
        }
    }
    Ok(dir)
}

/// The outcome of a request handled earlier, read back from what was stored.
pub(crate) async fn stored_outcome(
    conn: &mut PgConnection,
    id: Uuid,
) -> Result<Outcome, AgentError> {
    let r = requests::get(conn, id)
        .await?
        .ok_or_else(|| AgentError::Setup(format!("request {id} vanished")))?;
    let stored: Option<StoredDecision> = r
        .decision
        .clone()
        .and_then(|d| serde_json::from_value(d).ok());
    let (label, reasons) = match &stored {
        Some(s) => (
            plan::label(&s.decision, s.plan.as_ref()),
            s.decision.reasons.iter().map(|r| r.message()).collect(),
        ),
        None => ("ignore", vec![]),
    };
    Ok(Outcome {
        decision: label,
        intent: r.intent.clone(),
        confidence: r.confidence,
        reasons,
        reply: None,
        approval: None,
        request_id: Some(id),
        user_id: Some(r.user_id),
        note: Some(format!("already handled (status {})", r.status)),
    })
}
