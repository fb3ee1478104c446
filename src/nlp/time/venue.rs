//! How the meeting happens (call, video, in person) and where, when a place is named.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

/// How the meeting is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingMode {
    /// A phone call.
    Call,
    /// A video meeting (Zoom, Meet, Teams...).
    Video,
    /// Face to face, at a place.
    InPerson,
}

static VIDEO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:zoom|google meet|meet\.google|hangouts?|ms teams|microsoft teams|teams (?:call|meeting|link)|webex|video|facetime|skype|whereby|jitsi|gotomeeting)\b",
    )
    .unwrap_or_else(|_| unreachable!())
});

static IN_PERSON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:in person|in-person|face to face|face-to-face|come by|stop by|drop by|swing by|come over|visit|our office|my office|your office|the office|coffee|lunch|breakfast|dinner|drinks|meet up|meetup|on site|onsite|on-site)\b",
    )
    .unwrap_or_else(|_| unreachable!())
});

static CALL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:call|phone|ring|dial|dial-in)\b").unwrap_or_else(|_| unreachable!())
});

/// "at Blue Bottle on Market St", "@ The Mill", "at 500 Howard Street".
static PLACE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?:\b(?:at|At)|@)\s+
        (?P<place>
            (?:the\s+|The\s+)?
            (?:\d{1,5}\s+)?
            [A-Z][\w'’&.-]*
            (?:\s+(?:[A-Z][\w'’&.-]*|&|of|on|at|de|la|du|and\s+[A-Z][\w'’&.-]*|\d{1,5}))*
        )",
    )
    .unwrap_or_else(|_| unreachable!())
});

static NAMED_ROOM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:in|at)\s+(?P<place>(?:the\s+)?(?:(?:our|my|your|the)\s+)?(?i:conference room|meeting room|boardroom|room)(?:\s+[A-Z0-9][\w-]*)?)")
        .unwrap_or_else(|_| unreachable!())
});

/// How the meeting is held, if the email says. Video beats in person beats a call: "hop on
/// a Zoom call" is video, "call me when you're at the office" is ambiguous and taken as
/// in person only when a place or meal is named.
pub fn mode(lower: &str, location: Option<&str>) -> Option<MeetingMode> {
    if VIDEO.is_match(lower) {
        Some(MeetingMode::Video)
    } else if location.is_some() || IN_PERSON.is_match(lower) {
        Some(MeetingMode::InPerson)
    } else if CALL.is_match(lower) {
        Some(MeetingMode::Call)
    } else {
        None
    }
}

/// Whether the text speaks of meeting face to face (a visit, a meal, an office).
pub fn in_person_cue(lower: &str) -> bool {
    IN_PERSON.is_match(lower)
}

/// Whether the text speaks of a call or a video meeting.
pub fn remote_cue(lower: &str) -> bool {
    VIDEO.is_match(lower) || CALL.is_match(lower)
}

/// The place named for the meeting, as written.
pub fn location(text: &str) -> Option<String> {
    for caps in PLACE.captures_iter(text) {
        let Some(m) = caps.name("place") else {
            continue;
        };
        let place = trim_place(cut_at_time_words(m.as_str()));
        if place.is_empty() || !is_place(place) {
            continue;
        }
        return Some(place.to_string());
    }
    NAMED_ROOM
        .captures(text)
        .and_then(|c| c.name("place"))
        .map(|m| m.as_str().trim().to_string())
}

/// "Blue Bottle on Market St Thursday at 10": the place ends where the time begins.
fn cut_at_time_words(raw: &str) -> &str {
    let mut end = raw.len();
    let mut first = true;
    for (i, w) in raw
        .split_whitespace()
        .map(|w| (w.as_ptr() as usize - raw.as_ptr() as usize, w))
    {
        if !first && (is_stop_word(w) || w.starts_with(|c: char| c.is_ascii_digit())) {
            end = i;
            break;
        }
        first = false;
    }
    &raw[..end]
}

fn is_stop_word(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    let lower = lower.trim_end_matches(['.', ',', '\'', '’', 's']);
    NOT_PLACES.contains(&lower)
}

fn trim_place(raw: &str) -> &str {
    let mut s = raw.trim().trim_end_matches(['.', ',', '\'', '’']);
    loop {
        let cut = [" on", " at", " of", " de", " la", " du", " &", " and"]
            .iter()
            .find_map(|w| s.strip_suffix(w));
        match cut {
            Some(rest) => s = rest.trim_end(),
            None => break,
        }
    }
    s
}

const NOT_PLACES: &[&str] = &[
    "monday",
    "mon",
    "tuesday",
    "tue",
    "tues",
    "wednesday",
    "wed",
    "thursday",
    "thu",
    "thur",
    "thurs",
    "friday",
    "fri",
    "saturday",
    "sat",
    "sunday",
    "sun",
    "january",
    "jan",
    "february",
    "feb",
    "march",
    "mar",
    "april",
    "apr",
    "may",
    "june",
    "jun",
    "july",
    "jul",
    "august",
    "aug",
    "september",
    "sep",
    "sept",
    "october",
    "oct",
    "november",
    "nov",
    "december",
    "dec",
    "noon",
    "midnight",
    "eod",
    "cob",
    "et",
    "est",
    "edt",
    "pt",
    "pst",
    "pdt",
    "ct",
    "cst",
    "cdt",
    "mt",
    "mst",
    "mdt",
    "gmt",
    "utc",
    "bst",
    "cet",
    "cest",
    "ist",
    "jst",
    "aest",
    "aedt",
    "i",
    "zoom",
    "teams",
    "google",
    "skype",
    "webex",
    "your",
    "my",
    "our",
    "all",
    "any",
    "least",
    "most",
    "first",
    "last",
    "this",
    "that",
    "the",
    "pacific",
    "eastern",
    "central",
    "mountain",
    "lunch",
    "lunchtime",
    "breakfast",
    "dinner",
    "end",
    "close",
    "tomorrow",
    "today",
    "tonight",
    "morning",
    "afternoon",
    "evening",
    "night",
];

/// Rejects times, zones, people and platforms that follow "at" with a capital letter.
fn is_place(place: &str) -> bool {
    let mut words = place
        .trim_start_matches("the ")
        .trim_start_matches("The ")
        .split_whitespace();
    let mut first = words.next().unwrap_or("");
    if !first.is_empty() && first.chars().all(|c| c.is_ascii_digit()) {
        // A street number: the street name decides ("500 Howard Street").
        first = words.next().unwrap_or("");
    }
    let first_lower = first.to_ascii_lowercase();
    let first_lower = first_lower.trim_end_matches(['.', '\'', '’', 's']);

    !first.is_empty()
        && !first.chars().all(|c| c.is_ascii_digit())
        && first.starts_with(|c: char| c.is_ascii_uppercase())
        && !NOT_PLACES.contains(&first_lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_places() {
        assert_eq!(
            location("Coffee at Blue Bottle on Market St tomorrow?").as_deref(),
            Some("Blue Bottle on Market St")
        );
        assert_eq!(
            location("Meet at 500 Howard Street, 3pm").as_deref(),
            Some("500 Howard Street")
        );
        assert_eq!(location("Let's talk at 3pm on Monday").as_deref(), None);
        assert_eq!(location("Call at Noon ET?").as_deref(), None);
        assert_eq!(
            location("We can use the boardroom? Sure, in the Boardroom").as_deref(),
            Some("the Boardroom")
        );
    }

    #[test]
    fn modes() {
        assert_eq!(
            mode("hop on a zoom call tuesday?", None),
            Some(MeetingMode::Video)
        );
        assert_eq!(mode("quick call tuesday?", None), Some(MeetingMode::Call));
        assert_eq!(
            mode("grab coffee tuesday?", None),
            Some(MeetingMode::InPerson)
        );
        assert_eq!(
            mode("tuesday?", Some("Blue Bottle")),
            Some(MeetingMode::InPerson)
        );
        assert_eq!(mode("tuesday works", None), None);
    }
}
