//! The meeting length an email states ("a quick 15 min call", "an hour", "grab lunch").
//!
//! Decision: lunch as the meeting ("grab lunch Thursday at 12:15?", "lunch tmrw? 12:30")
//! lasts an hour, as the issue's conventions say; other meals ("dinner", "coffee") state no
//! length and the 30-minute default for a clock time applies. A length written out wins
//! ("lunch, 90 minutes"). Lengths that are not the meeting's ("in 2 hours", "10 minutes
//! late", "24 hours notice") are ignored.

use std::sync::LazyLock;

use regex::Regex;

static LENGTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        \b(?:
            (?P<num>\d{1,3}(?:\.\d{1,2})?)
          | (?P<word>an?|one|two|three|four|five|six|seven|eight|half\ an?|a\ half|fifteen|twenty|thirty|forty[-\ ]five|forty|sixty|ninety)
        )
        (?P<and_half>\ and\ a\ half)?
        \s*-?\s*
        (?P<unit>minutes?|mins?|hours?|hrs?|hr|h)\b
        (?P<and_half2>\ and\ a\ half)?
        ",
    )
    .unwrap_or_else(|_| unreachable!())
});

/// Lengths written without a number before the unit (see `written_minutes`).
static WORDED_LENGTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<len>\bhalf[- ]hour\b|\bhour[- ]long\b|\ba couple of hours\b|\bcouple hours\b|\bthe hour (?:is fine|works|with|for the)\b|\b(?:a|the) full hour\b|(?:^|[.!?\n]\s*)hour (?:or so|should|shoud|will)\b)")
        .unwrap_or_else(|_| unreachable!())
});

static FULL_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:need|needs|take|takes|plan for|block|book|reserve|it's|it is|will be|would be)\s+(?:a|one)\s+full[- ]day\b|\bfull[- ]day\s+(?:job|visit|session|workshop|meeting|audit|inspection|training|install)")
        .unwrap_or_else(|_| unreachable!())
});

/// The meeting length stated in `lower` (ASCII lower-cased text), in minutes.
pub fn stated_minutes(lower: &str) -> Option<u32> {
    written_minutes(lower).or_else(|| lunch_is_the_meeting(lower).then_some(60))
}

/// "coffee rather than lunch?", "a call instead of lunch": the lunch is replaced.
pub fn lunch_given_up(lower: &str) -> bool {
    [
        "than lunch",
        "instead of lunch",
        "not lunch",
        "no lunch",
        "skip lunch",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// The meeting length written out in `lower` ("20 minutes", "an hour", "half-day").
pub fn written_minutes(lower: &str) -> Option<u32> {
    // "a half-day workshop", "I'll need about half a day": four hours, by the product's
    // convention.
    if lower.contains("half-day") || lower.contains("half day") || lower.contains("half a day") {
        return Some(240);
    }
    // "the hour-long video call", "a half-hour slot", "a couple of hours", "The hour is
    // fine", "Hour or so": lengths with no number before the unit.
    if let Some(m) = WORDED_LENGTH.captures(lower) {
        let whole = m.get(0).map_or(0..0, |w| w.range());
        // "if I've got the half-hour right": Newfoundland's half-hour offset, not a length.
        let the_half_hour = lower[..whole.start].ends_with("the ") && m[0].starts_with("half");
        if !the_half_hour && is_meeting_length(lower, whole.start, whole.end) {
            return Some(match m.name("len").map(|w| w.as_str()) {
                Some(w) if w.starts_with("half") => 30,
                Some(w) if w.contains("couple") => 120,
                _ => 60,
            });
        }
    }
    // Before the "an hour" inside them is read as sixty minutes.
    for (words, minutes) in [
        ("three quarters of an hour", 45),
        ("three-quarters of an hour", 45),
        ("quarter of an hour", 15),
        ("quarter-hour", 15),
    ] {
        if let Some(i) = lower.find(words)
            && is_meeting_length(lower, i, i + words.len())
        {
            return Some(minutes);
        }
    }
    // "It's a full-day job", "plan for a full day": eight hours, as a working day.
    if FULL_DAY.is_match(lower) {
        return Some(480);
    }
    for caps in LENGTH.captures_iter(lower) {
        let Some(whole) = caps.get(0) else { continue };
        if !is_meeting_length(lower, whole.start(), whole.end()) {
            continue;
        }
        let count: f64 = if let Some(n) = caps.name("num") {
            n.as_str().parse().unwrap_or(0.0)
        } else {
            match caps.name("word").map(|w| w.as_str()) {
                Some("a" | "an" | "one") => 1.0,
                Some("two") => 2.0,
                Some("three") => 3.0,
                Some("four") => 4.0,
                Some("five") => 5.0,
                Some("six") => 6.0,
                Some("seven") => 7.0,
                Some("eight") => 8.0,
                Some(w) if w.starts_with("half") => 0.5,
                Some("a half") => 0.5,
                Some("fifteen") => 15.0,
                Some("twenty") => 20.0,
                Some("thirty") => 30.0,
                Some("forty") => 40.0,
                Some(w) if w.starts_with("forty") => 45.0,
                Some("sixty") => 60.0,
                Some("ninety") => 90.0,
                _ => continue,
            }
        };
        let half = caps.name("and_half").is_some() || caps.name("and_half2").is_some();
        let unit = caps.name("unit").map_or("", |u| u.as_str());
        let per = if unit.starts_with('h') { 60.0 } else { 1.0 };
        let minutes = (count + if half { 0.5 } else { 0.0 }) * per;
        // Up to ten hours: a crew's working day ("la cuadrilla trabaja unas 10 horas").
        if (5.0..=600.0).contains(&minutes) {
            // Bounded above, so the cast cannot overflow.
            return Some(minutes.round() as u32);
        }
    }
    None
}

/// "grab lunch", "lunch tmrw?", "over lunch": the meeting is a lunch. Not a lunch that only
/// marks the hour ("after lunch", "before lunch") or one given up ("coffee rather than
/// lunch", "instead of lunch").
fn lunch_is_the_meeting(lower: &str) -> bool {
    lower.match_indices("lunch").any(|(at, w)| {
        let end = at + w.len();
        let word_start = at == 0 || !lower.as_bytes()[at - 1].is_ascii_alphanumeric();
        let word_end = lower
            .as_bytes()
            .get(end)
            .is_none_or(|c| !c.is_ascii_alphanumeric());
        if !(word_start && word_end) {
            return false;
        }
        let before = lower[..at].trim_end_matches([' ', '-']);
        let marks_hour = [
            "after", "before", "post", "pre", "until", "till", "til", "by", "than", "of", "not",
            "no", "my", "at", "during", "out for", "away for",
        ]
        .iter()
        .any(|w| {
            before.ends_with(w)
                && before[..before.len() - w.len()]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_ascii_alphanumeric())
        });
        let after = lower[end..].trim_start();
        let break_or_hour = ["break", "hour", "time"]
            .iter()
            .any(|w| after.starts_with(w));
        !marks_hour && !break_or_hour
    })
}

/// A length is the meeting's unless it is a delay, a deadline or a relative time.
fn is_meeting_length(lower: &str, start: usize, end: usize) -> bool {
    let before = lower[..start].trim_end();
    let after = lower[end..].trim_start();
    // "lock in 90 min", "pencil in an hour": a booking, not "in 2 hours".
    let booked_in = [
        "lock in",
        "pencil in",
        "block in",
        "fit in",
        "squeeze in",
        "slot in",
    ]
    .iter()
    .any(|w| before.ends_with(w));
    // "shouldn't take more than 20 minutes": a bound on the meeting, not "later than".
    let bound = ["more than", "longer than", "less than"]
        .iter()
        .any(|w| before.ends_with(w));
    let relative_before = !booked_in
        && !bound
        && [
            "in",
            "within",
            "every",
            "past",
            "last",
            "next",
            "for the past",
            "than",
            // A move, not a length: "push it back an hour", "bring it forward 30 minutes".
            "back",
            "forward",
            "push it",
            "move it",
            "by",
        ]
        .iter()
        .any(|w| {
            before.ends_with(w)
                && before[..before.len() - w.len()].ends_with(|c: char| !c.is_ascii_alphanumeric())
                || before == *w
        });
    let relative_after = [
        "ago",
        "late",
        "early",
        "before",
        "after",
        "from now",
        "notice",
        "away",
        "drive",
        "flight",
        "behind",
        "ahead",
        "later",
        "earlier",
        "of notice",
        "in advance",
        "turnaround",
        "time difference",
        "difference",
        "ahead of",
        "delay",
        "apart",
        // The same gaps as a translated length leaves them: "tres horas adelante", "trois
        // heures d'avance", "drei Stunden voraus", "tre ore avanti", "três horas à frente".
        "adelante",
        "atrás",
        "de diferencia",
        "d'avance",
        "de retard",
        "de décalage",
        "voraus",
        "zurück",
        "unterschied",
        "avanti",
        "indietro",
        "di differenza",
        "à frente",
        "de diferença",
    ]
    .iter()
    .any(|w| after.starts_with(w));
    // "so the gap shrinks to 6 hours", "the time difference is 7 hours": how far apart two
    // zones are.
    let clause = &before[before
        .rfind(['.', '?', '!', '\n', ',', ';'])
        .map_or(0, |i| i + 1)..];
    let zone_gap = clause.contains("gap") || clause.contains("difference");
    !(relative_before || relative_after || zone_gap)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minutes(text: &str) -> Option<u32> {
        stated_minutes(&text.to_ascii_lowercase())
    }

    #[test]
    fn stated_lengths() {
        assert_eq!(
            minutes("Do you have time for a quick 15 min call?"),
            Some(15)
        );
        assert_eq!(minutes("Can we block an hour on Tuesday?"), Some(60));
        assert_eq!(minutes("a 30-minute intro"), Some(30));
        assert_eq!(minutes("half an hour should do"), Some(30));
        assert_eq!(minutes("1.5 hours"), Some(90));
        assert_eq!(minutes("an hour and a half"), Some(90));
        assert_eq!(minutes("a 45m sync"), None);
        assert_eq!(minutes("90 minutes"), Some(90));
        assert_eq!(minutes("a half-day workshop"), Some(240));
        assert_eq!(minutes("I'll need about half a day."), Some(240));
        assert_eq!(
            minutes("Could we do the hour-long video call on Wednesday?"),
            Some(60)
        );
        assert_eq!(minutes("a half-hour check-in"), Some(30));
        assert_eq!(minutes("It'll take a couple of hours."), Some(120));
        assert_eq!(minutes("Tuesday works. The hour is fine."), Some(60));
        assert_eq!(minutes("Monday? Hour or so should do."), Some(60));
        // "every half-hour" is how often, not how long.
        assert_eq!(minutes("The shuttle runs every half-hour"), None);
        assert_eq!(
            minutes("9:30 in St. John's, if I've got the half-hour right"),
            None
        );
        assert_eq!(
            minutes("We would need about three quarters of an hour."),
            Some(45)
        );
        assert_eq!(minutes("I may be a quarter of an hour late"), None);
        assert_eq!(
            minutes("starting at 8:00 for the full six hours"),
            Some(360)
        );
        assert_eq!(minutes("It's a full-day job for our engineer."), Some(480));
        assert_eq!(minutes("la cuadrilla trabaja unas 10 hours"), Some(600));
        // A full day the writer is busy is not the meeting's length.
        assert_eq!(minutes("I have a full day of meetings on Tuesday"), None);
    }

    #[test]
    fn lunch_lasts_an_hour_other_meals_state_no_length() {
        assert_eq!(minutes("Up for lunch Friday? Say 1pm at Nando's"), Some(60));
        assert_eq!(minutes("let's catch up over lunch on the 4th"), Some(60));
        assert_eq!(minutes("lunch on Thursday, 90 minutes max"), Some(90));
        assert_eq!(minutes("Coffee on Monday?"), None);
        assert_eq!(minutes("Dinner on Saturday at 8?"), None);
        assert_eq!(minutes("a quick call after lunch on Tuesday?"), None);
        assert_eq!(minutes("a coffee at 4 rather than lunch?"), None);
        assert_eq!(minutes("a call during my lunch break"), None);
        assert_eq!(minutes("Call at 2? I'm out for lunch until 1."), None);
    }

    #[test]
    fn bounds_and_bookings_state_the_length() {
        assert_eq!(minutes("it won't take longer than 15 minutes"), Some(15));
        assert_eq!(minutes("can we pencil in 45 min on Friday?"), Some(45));
        assert_eq!(minutes("I can talk in 2 hours"), None);
    }

    #[test]
    fn lengths_that_are_not_the_meeting_are_ignored() {
        assert_eq!(minutes("I can talk in 2 hours"), None);
        assert_eq!(minutes("I'll be 10 minutes late"), None);
        assert_eq!(minutes("we need 24 hours notice"), None);
        assert_eq!(minutes("can we push our call back an hour, to 12?"), None);
        assert_eq!(minutes("could we bring it forward 30 minutes"), None);
        assert_eq!(minutes("after the switch the gap is only 5 hours"), None);
        assert_eq!(minutes("we're 9 hours apart, so mornings"), None);
    }
}
