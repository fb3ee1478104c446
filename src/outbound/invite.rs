//! iTIP invitations (RFC 5546) for a booking: METHOD:REQUEST to invite or update, METHOD:CANCEL
//! to call it off. Pure: the caller supplies the clock and bumps SEQUENCE on every change.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};
use lettre::message::Mailbox;

use crate::availability::interval::Interval;

const PRODID: &str = "-//CAMS//Scheduling agent//EN";
/// RFC 5545 §3.1: lines longer than 75 octets are folded.
const MAX_LINE: usize = 75;

/// One booked meeting, as the invitation describes it.
#[derive(Debug, Clone)]
pub struct Invite<'a> {
    /// Stable for the meeting's whole life: updates and the cancellation reuse it.
    pub uid: &'a str,
    pub sequence: i32,
    pub interval: Interval,
    /// The zone DTSTART/DTEND are written in (the organizer's), so clients show local times and
    /// survive later rule changes the way the organizer sees them.
    pub zone: Tz,
    pub summary: &'a str,
    pub description: Option<&'a str>,
    pub location: Option<&'a str>,
    pub organizer: &'a Mailbox,
    pub attendees: &'a [Mailbox],
    /// DTSTAMP: when this object was made.
    pub now: DateTime<Utc>,
}

/// METHOD:REQUEST: a new invitation, or an update when `sequence` was raised.
pub fn request(i: &Invite) -> String {
    calendar(i, Method::Request)
}

/// METHOD:CANCEL with STATUS:CANCELLED for the same UID; the caller passes a SEQUENCE above the
/// last REQUEST's, or clients ignore the cancellation as stale.
pub fn cancel(i: &Invite) -> String {
    calendar(i, Method::Cancel)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    Request,
    Cancel,
}

fn calendar(i: &Invite, method: Method) -> String {
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        format!("PRODID:{PRODID}"),
        "VERSION:2.0".into(),
        "CALSCALE:GREGORIAN".into(),
        format!(
            "METHOD:{}",
            match method {
                Method::Request => "REQUEST",
                Method::Cancel => "CANCEL",
            }
        ),
    ];
    let utc = is_utc(i.zone);
    if !utc {
        lines.extend(vtimezone(i.zone, &i.interval));
    }
    lines.push("BEGIN:VEVENT".into());
    lines.push(format!("UID:{}", escape_text(i.uid)));
    lines.push(format!("SEQUENCE:{}", i.sequence.max(0)));
    lines.push(format!("DTSTAMP:{}", utc_stamp(i.now)));
    lines.push(zoned("DTSTART", i.interval.start(), i.zone, utc));
    lines.push(zoned("DTEND", i.interval.end(), i.zone, utc));
    lines.push(format!("SUMMARY:{}", escape_text(i.summary)));
    if let Some(d) = i.description {
        lines.push(format!("DESCRIPTION:{}", escape_text(d)));
    }
    if let Some(l) = i.location {
        lines.push(format!("LOCATION:{}", escape_text(l)));
    }
    lines.push(format!("ORGANIZER{}", address(i.organizer)));
    for a in i.attendees {
        lines.push(format!(
            "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP={}{}",
            if method == Method::Request {
                "TRUE"
            } else {
                "FALSE"
            },
            address(a)
        ));
    }
    match method {
        Method::Request => {
            lines.push("STATUS:CONFIRMED".into());
            lines.push("TRANSP:OPAQUE".into());
        }
        Method::Cancel => lines.push("STATUS:CANCELLED".into()),
    }
    lines.push("END:VEVENT".into());
    lines.push("END:VCALENDAR".into());
    let mut out = String::new();
    for line in &lines {
        out.push_str(&fold(line));
    }
    out
}

fn is_utc(zone: Tz) -> bool {
    matches!(zone, Tz::UTC | Tz::Etc__UTC | Tz::Etc__UCT | Tz::UCT)
}

fn utc_stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

fn zoned(name: &str, t: DateTime<Utc>, zone: Tz, utc: bool) -> String {
    if utc {
        format!("{name}:{}", utc_stamp(t))
    } else {
        format!(
            "{name};TZID={}:{}",
            zone.name(),
            t.with_timezone(&zone).format("%Y%m%dT%H%M%S")
        )
    }
}

/// `;CN="Name":mailto:addr`. DQUOTE cannot appear inside a quoted parameter value (RFC 5545
/// §3.1), and a line break would end the property; both are replaced.
fn address(m: &Mailbox) -> String {
    let cn = m
        .name
        .as_deref()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .map(|n| {
            let clean: String = n
                .chars()
                .map(|c| match c {
                    '"' => '\'',
                    c if c.is_control() => ' ',
                    c => c,
                })
                .collect();
            format!(";CN=\"{clean}\"")
        })
        .unwrap_or_default();
    format!("{cn}:mailto:{}", m.email)
}

/// RFC 5545 §3.3.11 TEXT: backslash, semicolon and comma escaped; line breaks become `\n`.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded so no physical line exceeds 75 octets (the continuation's leading
/// space included), never inside a UTF-8 sequence, each ending in CRLF.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut used = 0;
    let mut limit = MAX_LINE;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > limit {
            out.push_str("\r\n ");
            used = 0;
            limit = MAX_LINE - 1;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
    out
}

/// A change of offset: the instant, and the offsets on each side.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Transition {
    at: DateTime<Utc>,
    from: i32,
    to: i32,
    dst: bool,
    name: String,
}

fn offset_at(zone: Tz, at: DateTime<Utc>) -> (i32, bool, String) {
    let o = zone.offset_from_utc_datetime(&at.naive_utc());
    let total = (o.base_utc_offset() + o.dst_offset()).num_seconds() as i32;
    let name = match o.abbreviation() {
        Some(a) if !a.starts_with(['+', '-']) => a.to_string(),
        _ => offset_text(total),
    };
    (total, !o.dst_offset().is_zero(), name)
}

/// Every offset change of `zone` in `[from, to)`. Zones change at most a few times a year and
/// never twice within an hour, so hourly steps find each change, and bisection its second.
fn transitions(zone: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Transition> {
    let step = TimeDelta::hours(1);
    let mut out = Vec::new();
    let mut t = from;
    let mut current = offset_at(zone, t);
    while t < to {
        let next = t + step;
        let after = offset_at(zone, next);
        if after.0 != current.0 || after.1 != current.1 {
            // Bisect: offset(lo) is the old one, offset(hi) the new one.
            let (mut lo, mut hi) = (t, next);
            while hi - lo > TimeDelta::seconds(1) {
                let mid = lo + (hi - lo) / 2;
                if offset_at(zone, mid).0 == current.0 && offset_at(zone, mid).1 == current.1 {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let new = offset_at(zone, hi);
            out.push(Transition {
                at: hi,
                from: current.0,
                to: new.0,
                dst: new.1,
                name: new.2.clone(),
            });
            current = new;
        }
        t = next;
    }
    out
}

fn year_start(year: i32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(year, 1, 1)
        .unwrap_or(NaiveDate::MIN)
        .and_time(chrono::NaiveTime::MIN)
        .and_utc()
}

/// The VTIMEZONE for `zone` covering the event: one observance per real transition in the
/// event's year(s), with its DTSTART in the local time before it. A zone without changes gets a
/// single STANDARD. Explicit DTSTARTs rather than RRULEs: exact for the years concerned, and
/// readable by clients that implement only the simple form.
fn vtimezone(zone: Tz, interval: &Interval) -> Vec<String> {
    let first = interval.start().with_timezone(&zone).year();
    let last = interval.end().with_timezone(&zone).year();
    // A day of margin on each side: local new year is not UTC new year.
    let from = year_start(first) - TimeDelta::days(1);
    let to = year_start(last + 1) + TimeDelta::days(1);
    let mut lines = vec![
        "BEGIN:VTIMEZONE".to_string(),
        format!("TZID:{}", zone.name()),
        format!("X-LIC-LOCATION:{}", zone.name()),
    ];
    let changes = transitions(zone, from, to);
    if changes.is_empty() {
        let (offset, _, name) = offset_at(zone, interval.start());
        lines.extend(observance(
            "STANDARD",
            NaiveDate::from_ymd_opt(1970, 1, 1)
                .unwrap_or(NaiveDate::MIN)
                .and_time(chrono::NaiveTime::MIN),
            offset,
            offset,
            &name,
        ));
    }
    for c in &changes {
        let onset = c.at.naive_utc() + TimeDelta::seconds(i64::from(c.from));
        let kind = if c.dst { "DAYLIGHT" } else { "STANDARD" };
        lines.extend(observance(kind, onset, c.from, c.to, &c.name));
    }
    lines.push("END:VTIMEZONE".into());
    lines
}

fn observance(kind: &str, onset: NaiveDateTime, from: i32, to: i32, name: &str) -> Vec<String> {
    vec![
        format!("BEGIN:{kind}"),
        format!("DTSTART:{}", onset.format("%Y%m%dT%H%M%S")),
        format!("TZOFFSETFROM:{}", utc_offset(from)),
        format!("TZOFFSETTO:{}", utc_offset(to)),
        format!("TZNAME:{}", escape_text(name)),
        format!("END:{kind}"),
    ]
}

/// RFC 5545 §3.3.14 UTC-OFFSET: `+HHMM`, or `+HHMMSS` for the rare offsets with seconds.
fn utc_offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    let (h, m, s) = (a / 3600, a % 3600 / 60, a % 60);
    if s == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{s:02}")
    }
}

/// A name for an offset tz data gives only as digits: "UTC+03:00".
fn offset_text(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", a / 3600, a % 3600 / 60)
}

#[cfg(test)]
#[path = "invite_tests.rs"]
mod tests;
