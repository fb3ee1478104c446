//! PLACEHOLDER until the `web` branch lands (same interface).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use lettre::message::Mailbox;

use crate::availability::Interval;

pub struct Invite<'a> {
    pub uid: &'a str,
    pub sequence: i32,
    pub interval: Interval,
    pub zone: Tz,
    pub summary: &'a str,
    pub description: Option<&'a str>,
    pub location: Option<&'a str>,
    pub organizer: &'a Mailbox,
    pub attendees: &'a [Mailbox],
    pub now: DateTime<Utc>,
}

fn object(i: &Invite, method: &str, status: &str) -> String {
    let f = |t: DateTime<Utc>| t.format("%Y%m%dT%H%M%SZ").to_string();
    let mut s = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//CAMS//EN\r\nMETHOD:{method}\r\nBEGIN:VEVENT\r\nUID:{}\r\nSEQUENCE:{}\r\nDTSTAMP:{}\r\nDTSTART:{}\r\nDTEND:{}\r\nSUMMARY:{}\r\nSTATUS:{status}\r\nORGANIZER:mailto:{}\r\n",
        i.uid,
        i.sequence,
        f(i.now),
        f(i.interval.start()),
        f(i.interval.end()),
        i.summary,
        i.organizer.email
    );
    for a in i.attendees {
        s.push_str(&format!("ATTENDEE;RSVP=TRUE:mailto:{}\r\n", a.email));
    }
    s.push_str("END:VEVENT\r\nEND:VCALENDAR\r\n");
    s
}

pub fn request(i: &Invite) -> String {
    object(i, "REQUEST", "CONFIRMED")
}

pub fn cancel(i: &Invite) -> String {
    object(i, "CANCEL", "CANCELLED")
}
