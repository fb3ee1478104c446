//! Dates that are not meeting proposals: deadlines, the past, cancellations, unavailability
//! and filler ("now", "today's agenda").
//!
//! Duckling resolves every date it sees; whether the writer offers that time is decided here
//! from the words around it, within its clause.

use std::ops::Range;

/// Why a resolved time is not offered as a slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotAProposal {
    /// "the report is due Friday", "by EOD Thursday".
    Deadline,
    /// "I was out last Tuesday", "we met Monday".
    Past,
    /// "I need to cancel Thursday's 2pm": the meeting being cancelled or moved.
    Cancelled,
    /// "I'm out Monday", "Tuesday doesn't work": times the writer cannot do.
    Unavailable,
    /// "now", "immediately", "today's agenda": not a time to meet.
    Filler,
    /// "any day next week except Friday": a day taken out of a wider window.
    Excluded,
}

/// The clause around `span`: bounded by sentence ends, semicolons, commas, dashes and "but".
pub fn clause(text: &str, span: &Range<usize>) -> Range<usize> {
    let bytes = text.as_bytes();
    // Dashes between clauses: " - ", and the en/em dashes (UTF-8 E2 80 93 / E2 80 94).
    let is_break = |i: usize| {
        matches!(bytes[i], b'.' | b'!' | b'?' | b';' | b'\n' | b',' | b':')
            || (bytes[i] == b'-'
                && i > 0
                && bytes[i - 1] == b' '
                && bytes.get(i + 1) == Some(&b' '))
            || (bytes[i] == 0xE2
                && bytes.get(i + 1) == Some(&0x80)
                && matches!(bytes.get(i + 2), Some(0x93 | 0x94)))
    };
    let mut lo = span.start.min(bytes.len());
    while lo > 0 && !is_break(lo - 1) && !word_before_is(text, lo, "but") {
        lo -= 1;
    }
    let mut hi = span.end.min(bytes.len());
    while hi < bytes.len() && !is_break(hi) && !word_after_is(text, hi, "but") {
        hi += 1;
    }
    // Keep clause bounds on char boundaries (the breaks are ASCII, so only the text ends).
    while lo < text.len() && !text.is_char_boundary(lo) {
        lo += 1;
    }
    while hi > lo && !text.is_char_boundary(hi) {
        hi -= 1;
    }
    lo..hi
}

fn word_before_is(text: &str, pos: usize, word: &str) -> bool {
    let head = &text.as_bytes()[..pos];
    head.len() > word.len()
        && head[head.len() - 1] == b' '
        && head[..head.len() - 1].ends_with(word.as_bytes())
        && head
            .len()
            .checked_sub(word.len() + 2)
            .is_none_or(|i| !head[i].is_ascii_alphanumeric())
}

fn word_after_is(text: &str, pos: usize, word: &str) -> bool {
    let tail = &text.as_bytes()[pos..];
    tail.len() > word.len() + 1
        && tail[0] == b' '
        && tail[1..].starts_with(word.as_bytes())
        && tail
            .get(word.len() + 1)
            .is_none_or(|c| !c.is_ascii_alphanumeric())
}

/// Decides whether the time at `span` of `text` is something other than a proposal.
/// `lower` is `text` in ASCII lower case (same byte offsets).
/// The time ruled out ("so this would be 11:00 for you, not 10:00", "Wednesday, not
/// Thursday", "Thursday at 4pm, dash, not 3pm as I said"), even where a move would otherwise
/// take it as the new time. Not "if not" or "or not", which offer the next one.
pub fn ruled_out(lower: &str, span: &Range<usize>) -> bool {
    let c = clause(lower, span);
    ruled_out_by(&lower[c.start..span.start])
}

/// [`ruled_out`], given the words of the time's clause before it.
fn ruled_out_by(before: &str) -> bool {
    let b = before.trim_end();
    (b.ends_with(", not") || b.ends_with(" - not") || b.trim_start() == "not")
        && !b.ends_with("if not")
        && !b.ends_with("or not")
}

pub fn classify(lower: &str, span: &Range<usize>) -> Option<NotAProposal> {
    let body = &lower[span.clone()];
    if matches!(
        body.trim(),
        "now"
            | "right now"
            | "just now"
            | "immediately"
            | "asap"
            | "at the moment"
            | "atm"
            | "currently"
            | "soon"
            | "recently"
            | "today"
            | "tomorrow"
    ) && filler_use(lower, span)
    {
        return Some(NotAProposal::Filler);
    }
    if matches!(
        body.trim(),
        "now"
            | "right now"
            | "just now"
            | "immediately"
            | "at the moment"
            | "atm"
            | "at this time"
            | "this time"
            | "at the same time"
            | "in the meantime"
            | "meanwhile"
    ) {
        return Some(NotAProposal::Filler);
    }
    // "before you all vanish for Christmas", "over Easter": a holiday named alone is when
    // people are away, not a time offered ("before Christmas" is a window, and stays).
    let mut holiday = body.trim();
    while let Some((head, rest)) = holiday.split_once(' ') {
        if ![
            "the", "for", "over", "at", "about", "around", "during", "in", "on",
        ]
        .contains(&head)
        {
            break;
        }
        holiday = rest.trim_start();
    }
    // Only as a word in a sentence ("for Christmas", "the Christmas range"): the name alone
    // is a date like any other.
    let led = holiday.len() < body.trim().len()
        || lower[..span.start]
            .trim_end()
            .rsplit(|c: char| !c.is_alphanumeric())
            .next()
            .is_some_and(|w| {
                [
                    "the", "for", "over", "at", "about", "around", "during", "in", "on",
                ]
                .contains(&w)
            });
    if led
        && matches!(
            holiday,
            "christmas" | "easter" | "thanksgiving" | "new year" | "new year's" | "ramadan" | "eid"
        )
        && !["before", "after", "between", "until", "till", "by"]
            .iter()
            .any(|w| lower[..span.start].trim_end().ends_with(w))
    {
        return Some(NotAProposal::Filler);
    }
    let after = &lower[span.end..];
    if after.starts_with("'s") || after.starts_with("’s") {
        // "Thursday's 2pm", "today's agenda": names an existing thing, not a new time.
        let next = after
            .trim_start_matches("'s")
            .trim_start_matches("’s")
            .trim_start();
        let names_time = ["morning", "afternoon", "evening", "lunch"]
            .iter()
            .any(|w| next.starts_with(w));
        // "Friday's open for me", "Tuesday's good": the 's is "is", and the day is offered.
        let offered = [
            "open",
            "good",
            "fine",
            "free",
            "better",
            "best",
            "great",
            "ok",
            "okay",
            "perfect",
            "clear",
            "wide open",
            "looking good",
            "easier",
            "easiest",
            "possible",
            "available",
        ]
        .iter()
        .any(|w| {
            next.starts_with(w) && !next[w.len()..].starts_with(|c: char| c.is_ascii_alphabetic())
        });
        if offered {
            return None;
        }
        if !names_time {
            return Some(if clause_has_any(lower, span, CANCEL) {
                NotAProposal::Cancelled
            } else {
                NotAProposal::Filler
            });
        }
    }
    // "leider muss ich unseren Termin am Thursday, 11 February, absagen": the verb that
    // cancels comes last in German, outside the date's clause.
    let s = sentence(lower, span);
    if ["absagen", "abzusagen", "cancelar", "annuler"]
        .iter()
        .any(|w| lower[s.clone()].contains(w))
    {
        return Some(NotAProposal::Cancelled);
    }
    // "muss ich unseren Termin morgen um 14:30 verschieben": the same for a move, except the
    // time after "auf", which is where it moves to ("auf Montag verschieben").
    if ["verschieben", "verlegen", "verschoben", "verlegt"]
        .iter()
        .any(|w| lower[s.clone()].contains(w))
        && !lower[s.start..span.start].trim_end().ends_with("auf")
    {
        return Some(NotAProposal::Cancelled);
    }
    if let Some(why) = line_context(lower, span) {
        return Some(why);
    }
    let c = clause(lower, span);
    if working_days(lower, span) || clock_change(&lower[c.clone()]) {
        return Some(NotAProposal::Filler);
    }
    // Curly apostrophes ("I’m out") read as straight ones.
    let before = lower[c.start..span.start].replace('’', "'");
    let after_in_clause = &lower[span.end..c.end];
    let whole = lower[c.clone()].replace('’', "'");
    // Duckling often takes "by" into the time ("by EOD Thursday"): read it as a word before.
    let before = if body.starts_with("by ") {
        format!("{before} by")
    } else {
        before
    };
    let (before, whole) = (before.as_str(), whole.as_str());
    // "Happy New Year's Eve", "Happy Friday": a greeting names a day, offers nothing.
    if before.trim_end().ends_with("happy") {
        return Some(NotAProposal::Filler);
    }
    if ruled_out_by(&lower[c.start..span.start]) {
        return Some(NotAProposal::Filler);
    }
    if moved_by_others(before) || logistics(whole) || holiday_as_context(lower, body, whole) {
        return Some(NotAProposal::Filler);
    }
    if is_deadline(before, whole) || contains_word(after_in_clause, "deadline") {
        return Some(NotAProposal::Deadline);
    }
    // "before go-live on Oct 1", "b4 the distributor meeting on the 24th": the date of the
    // event that bounds the meeting, not a time offered for it.
    // "before the Minneapolis home show (Feb 26 - Mar 1)": the event's dates in brackets.
    if BEFORE_EVENT.is_match(before)
        && (body.starts_with("on ")
            || before.trim_end().ends_with('(')
            || body.starts_with("in ")
            || before.trim_end().ends_with(" on")
            || before.trim_end().ends_with(" as of")
            || before.trim_end().ends_with(" effective")
            || before.trim_end().ends_with(" in")
            || before.trim_end().ends_with(" is"))
        && ![
            "lunch",
            "noon",
            "midday",
            "morning",
            "afternoon",
            "end of",
            "eod",
            "close",
        ]
        .iter()
        .any(|w| before.contains(w))
    {
        return Some(NotAProposal::Deadline);
    }
    // "the Wednesday option is better": points back at a time offered elsewhere.
    let next_word = after_in_clause.trim_start();
    if ["option", "slot", "one "]
        .iter()
        .any(|w| next_word.starts_with(w))
        && before.trim_end().ends_with("the")
    {
        return Some(NotAProposal::Filler);
    }
    // "results of the August survey", "the March numbers": a month naming a thing.
    if MONTHS.contains(&body.trim()) && before.trim_end().ends_with("the") {
        return Some(NotAProposal::Filler);
    }
    // "our clocks go forward on Sunday": a daylight-saving change, not a meeting.
    if whole.contains("clocks ")
        || whole.contains("clock change")
        || FACT.iter().any(|w| states_fact(whole, w))
    {
        return Some(NotAProposal::Filler);
    }
    // "wed at 3 instead of thurs": the time given up.
    if before.trim_end().ends_with("instead of") {
        return Some(NotAProposal::Cancelled);
    }
    if let Some(w) = CANCEL.iter().find(|w| whole.contains(*w)) {
        // "move our call from Friday to Monday": the time after "to" is the new proposal.
        let at = whole.find(w).unwrap_or(0);
        let clause_rel = span.start.saturating_sub(c.start);
        let between = whole.get(at..clause_rel).unwrap_or("");
        let moved_to = MOVE.iter().any(|m| w.starts_with(m))
            && (between.contains(" to ") || between.ends_with(" to") || between.contains(" for "));
        if !moved_to {
            return Some(NotAProposal::Cancelled);
        }
    }
    // "the supply house on 7th st", "3rd floor": an ordinal naming a street or a storey.
    let ordinal = body.trim_end().ends_with(|c: char| c.is_ascii_alphabetic())
        && ["st", "nd", "rd", "th"]
            .iter()
            .any(|s| body.trim_end().ends_with(s))
        && body.bytes().any(|b| b.is_ascii_digit());
    let place = [
        "st ", "st.", "st,", "street", "ave", "avenue", "floor", "fl ", "fl.", "rd ", "road",
    ]
    .iter()
    .any(|w| after_in_clause.trim_start().starts_with(w))
        || after_in_clause.trim() == "st";
    if ordinal && place {
        return Some(NotAProposal::Filler);
    }
    // "our harvest inspection got moved to Friday": news of another event.
    if [
        "got moved to",
        "was moved to",
        "has been moved to",
        "had been moved to",
    ]
    .iter()
    .any(|w| before.trim_end().ends_with(w))
    {
        return Some(NotAProposal::Past);
    }
    if EXCEPT.iter().any(|w| before.trim_end().ends_with(w)) {
        return Some(NotAProposal::Excluded);
    }
    // "Wednesday the 4th is our packhouse audit, unfortunately.": regret said after the clause.
    let regret_after = lower
        .get(c.end..)
        .map(|r| r.trim_start_matches([',', ' ']))
        .and_then(|r| r.strip_prefix("unfortunately"))
        .is_some_and(|r| r.is_empty() || r.starts_with(['.', '!', '\n']));
    if UNAVAILABLE.iter().any(|w| whole.contains(w)) || tied_up_all_day(whole) || regret_after {
        return Some(NotAProposal::Unavailable);
    }
    // "I was thinking Tuesday at 11", "we were hoping for Friday": a polite offer, not the
    // past.
    let tentative = [
        "was thinking",
        "were thinking",
        "was wondering",
        "were wondering",
        "was hoping",
        "were hoping",
        "was going to suggest",
        "was going to propose",
    ]
    .iter()
    .any(|w| before.contains(w));
    if PAST_BEFORE
        .iter()
        .any(|w| contains_word(before, w) && !(tentative && matches!(*w, "was" | "were")))
        || [
            "further to",
            "following our",
            "thanks for",
            "thank you for",
            "after our",
            "following the",
        ]
        .iter()
        .any(|w| before.contains(w))
        || after_in_clause.trim_start().starts_with("ago")
    {
        return Some(NotAProposal::Past);
    }
    None
}

/// Reads the line around `span` for what a clause cannot see: a signature's opening hours
/// ("Clinic hours: Mon–Thu 8am–5pm MT") and a list entry marked unavailable
/// ("Mon 3/15 - unavailable (travel)").
fn line_context(lower: &str, span: &Range<usize>) -> Option<NotAProposal> {
    let start = lower[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let end = lower[span.end..]
        .find('\n')
        .map_or(lower.len(), |i| span.end + i);
    let head = &lower[start..span.start];
    if [
        "hours:",
        "hours are",
        "open:",
        "opening times",
        "office hours",
        "opening hours",
        "business hours",
        "clinic hours",
        "support hours",
    ]
    .iter()
    .any(|w| head.contains(w))
    {
        return Some(NotAProposal::Filler);
    }
    let tail = lower[span.end..end].trim_start_matches(|c: char| {
        c == ' ' || c == '-' || c == ':' || c == '\u{2013}' || c == '\u{2014}'
    });
    if [
        "unavailable",
        "not available",
        "busy",
        "out of office",
        "booked",
        "n/a",
    ]
    .iter()
    .any(|w| tail.starts_with(w))
    {
        return Some(NotAProposal::Unavailable);
    }
    None
}

/// "today's agenda", "as of today", "I'm busy today" are filler; "can we talk today?" is not.
fn filler_use(lower: &str, span: &Range<usize>) -> bool {
    let before = lower[..span.start].trim_end();
    before.ends_with("as of") || before.ends_with("until") || before.ends_with("from")
}

const CANCEL: &[&str] = &[
    "cancel",
    "call off",
    "calling off",
    "can't make",
    "cant make",
    "no longer be able",
    "cannot make",
    "can no longer",
    "won't be able to make",
    "will not be able to make",
    "unable to make",
    "unable to attend",
    "cannot join",
    "can't join",
    "can no longer join",
    "won't be able to join",
    "unable to join",
    "can't attend",
    "cannot attend",
    "won't be able to attend",
    "need to skip",
    "have to skip",
    "postpone",
    "reschedule our",
    "reschedule my",
    "reschedule the",
    "move our",
    "move my",
    "move the",
    "push our",
    "push back our",
    "push the",
    "shift our",
    "conflict with",
    "shift the",
    "bump our",
    // "Need to bump Thursday's 10am call", "our call this Thursday at 5pm needs to move".
    "to bump",
    "needs to move",
    "need to move",
    "has to move",
    "have to move",
    "needs to be moved",
    "will have to move",
    "cannot go ahead",
    "can't go ahead",
    "won't go ahead",
    "will not go ahead",
];

/// Cancel phrases that move a meeting: a time after their "to" is the new one.
const MOVE: &[&str] = &["move", "push", "shift", "bump", "reschedule"];

const UNAVAILABLE: &[&str] = &[
    "out of office",
    "out of the office",
    "i'm out",
    "i am out",
    "i'll be out",
    "will be out",
    // "something has come up", not "can you come up to the lodge on Monday".
    "has come up",
    "'s come up",
    "have come up",
    "had come up",
    "came up",
    "i will be out",
    "not available",
    "unavailable",
    // "our warehouse closes for stocktake on 28 April".
    "closes for",
    "closed for",
    "closed on",
    "not free",
    "i'm busy",
    "i am busy",
    "booked solid",
    "fully booked",
    "on vacation",
    "on holiday",
    "on leave",
    "on pto",
    "i'm off",
    "i am off",
    "doesn't work",
    "does not work",
    "won't work",
    "will not work",
    "don't work",
    "no good for me",
    "i'm traveling",
    "i'm travelling",
    "i'll be traveling",
    "i'll be travelling",
    "i'm away",
    "i am away",
    "i'll be away",
    "i will be away",
    "we're away",
    "we are away",
    "we'll be away",
    // "The Dean is away on Ash Wednesday, 18 February": someone the meeting needs.
    "is away",
    "are away",
    "will be away",
    // "Friday 8am clashes with our weekly ops review".
    "clashes with",
    "clash with",
    "conflicts with",
    "unfortunately",
    // "Monday 4 May is a bank holiday here".
    "is a bank holiday",
    "is a public holiday",
    "is a holiday",
    "can't do",
    "cannot do",
    "annual leave",
    "parental leave",
    "maternity leave",
    "paternity leave",
    "sick leave",
    "medical leave",
    "off sick",
    "isn't going to work",
    "isn't gonna work",
    "not gonna work",
    "not going to work",
    "no longer works",
    "doesn't suit",
    "does not suit",
    "won't suit",
    "double booked",
    "double-booked",
    "tied up",
    "is out for me",
    "are out for me",
    "'s out for me",
    "is no good",
    "are no good",
    "is bad for me",
    "are bad for me",
    "asked me to join",
    "have to attend",
    "need to attend",
    "i'm swamped",
    "i'm slammed",
    "is a no",
    "not possible for me",
    "impossible for me",
    "i'm stuck",
    "i am stuck",
    "we're stuck",
    "i'm on site",
    "i am on site",
    "i'm in a ",
    "i am in a ",
    "i'm at the dentist",
    "i'm at the doctor",
    "is closed",
    "'s closed",
    "be closed",
    "are closed",
    "is tricky",
    "are tricky",
    "is difficult",
    "are difficult",
    "is awkward",
    "are awkward",
    // "I teach on Monday and Wednesday mornings": the writer's standing commitments.
    "i teach ",
    "i'm teaching",
    "i am teaching",
    // "our technical director is only back from the fair on Wednesday": away until then.
    "only back",
    "only gets back",
    "not back until",
    "won't be back until",
    "só volta",
    "solo vuelve",
    "sólo vuelve",
    "ne revient que",
    "ne rentre que",
    "rientra solo",
    "torna solo",
    "erst zurück",
    "erst wieder",
    // "23:00 is a little late for Mr. Kudo": a time turned down as too late or early.
    "too late",
    "too early",
    "a little late",
    "a little early",
    "a bit late",
    "a bit early",
    "rather late",
    "rather early",
];

/// "On Tuesday 6 I'm at the Feira factory all day", "we're on site all day Thursday": the
/// writer is somewhere else that day. Not "I'm free all day Tuesday".
fn tied_up_all_day(clause: &str) -> bool {
    clause.contains("all day")
        && [
            "i'm at ",
            "i am at ",
            "i'll be at ",
            "we're at ",
            "we'll be at ",
            "i'm in ",
            "i'll be in ",
            "i'm on ",
            "i'll be on ",
            "we're on ",
            "stuck ",
        ]
        .iter()
        .any(|w| clause.contains(w))
        && !["free", "available", "open"]
            .iter()
            .any(|w| clause.contains(w))
}

/// Words of a clause that states a fact about something other than the meeting: a trade
/// fair that runs, a ship that arrives, a flight that lands, a clock change. (The sentence
/// rule in `offer` catches such facts in sentences of their own; these catch them beside
/// an offer.)
const FACT: &[&str] = &[
    "runs from",
    " runs ",
    // "Our Parochial Church Council meets on 28 January": someone else's meeting.
    " meets on ",
    " meets in ",
    "takes place",
    "is held",
    "will be held",
    "stattfindet",
    "tiene lugar",
    "aura lieu",
    "si terrà",
    "si svolge",
    "vindt plaats",
    "reopen",
    "opens on",
    // "the sexton opens at 7:45", "the gate closes at 6".
    " opens at ",
    " closes at ",
    "my flight",
    "our flight",
    // "We'd fly in Monday night": the arrival, not the meeting.
    "fly in ",
    "flying in ",
    "fly into ",
    "flight out",
    "flight back",
    "vuelo",
    "lands ",
    // A flight that lands, not a landing craft or page.
    "landing at",
    "landing in",
    "landing on",
    "'m landing",
    "am landing",
    "are landing",
    "i land",
    "doesnt land",
    "doesn't land",
    // A ship that sails, not a sail loft or new sails.
    "sails on",
    "sails at",
    "sails from",
    "sails for",
    "sailing on",
    "sail on",
    "sets sail",
    "we sail",
    "will sail",
    "zeitumstellung",
    "time change",
    "daylight saving",
    "summer time",
    "winter time",
    "standard time",
    "cambio de hora",
    "changement d'heure",
    "ora legale",
];

/// Whether `clause` holds the fact phrase `w`, other than as part of a zone's name: "10am
/// Eastern Standard Time" and "British Summer Time" name a clock's zone; "when summer time
/// starts" is a fact about the clocks.
fn states_fact(clause: &str, w: &str) -> bool {
    clause.match_indices(w).any(|(at, _)| {
        let before = clause[..at].trim_end();
        let word = before
            .rsplit(|c: char| !c.is_alphabetic())
            .next()
            .unwrap_or("");
        !(w.ends_with(" time")
            && matches!(
                word,
                "eastern"
                    | "central"
                    | "mountain"
                    | "pacific"
                    | "atlantic"
                    | "alaska"
                    | "hawaii"
                    | "newfoundland"
                    | "british"
                    | "irish"
                    | "european"
                    | "india"
                    | "indian"
                    | "arabia"
                    | "arabian"
                    | "israel"
                    | "japan"
                    | "korea"
                    | "china"
                    | "singapore"
                    | "australian"
                    | "zealand"
                    | "greenwich"
                    | "gulf"
                    | "africa"
                    | "african"
            ))
    })
}

static BEFORE_EVENT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"\b(?:before|b4|ahead of|prior to)\s+(?:the\s+|our\s+|your\s+|my\s+)?[a-z][a-z -]{1,40}?(?:\s+(?:on|in|is on|is|as of|from|effective))?\s*\(?\s*$")
        .unwrap_or_else(|_| unreachable!())
});

/// Words right before a day that take it out of the window around it.
const EXCEPT: &[&str] = &[
    "except",
    "except for",
    "except on",
    "other than",
    "apart from",
    "excluding",
    "but not",
    "besides",
    "aside from",
    "save for",
];

const PAST_BEFORE: &[&str] = &[
    // "the curve has moved a lot since October".
    "since",
    "was",
    "were",
    "had",
    "did",
    "went",
    "met",
    "spoke",
    "talked",
    "missed",
    "sent",
    "received",
    "attended",
    "happened",
    "yesterday",
    "earlier",
    "last",
    "wrote",
    "called",
    "finished",
    "started",
    "ended",
    "arrived",
    "landed",
    "returned",
];

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn contains_word(hay: &str, word: &str) -> bool {
    hay.split(|c: char| !(c.is_ascii_alphanumeric() || c == '\''))
        .any(|w| w == word)
}

fn clause_has_any(lower: &str, span: &Range<usize>, words: &[&str]) -> bool {
    let c = clause(lower, span);
    // A possessive "Thursday's 2pm" is followed by its own words in the same clause, and the
    // cancelling verb usually comes first: look at the whole sentence.
    let s = sentence(lower, &c);
    words.iter().any(|w| lower[s.clone()].contains(w))
}

/// "I work Mondays, Tuesdays and Thursdays", "Ik werk op maandag, dinsdag en donderdag" (often
/// under a signature): the writer's working days, not days offered. Only bare weekdays: "I
/// work from home, so Tuesday at 3 suits me" still offers its clock.
fn working_days(lower: &str, span: &Range<usize>) -> bool {
    const SAYS: &[&str] = &[
        "i work ",
        "i only work ",
        "i don't work ",
        "i do not work ",
        "my working days",
        "my work days",
        "my workdays",
        "ik werk ",
        "ich arbeite ",
        "je travaille ",
        "part-time",
        "part time",
    ];
    let body = lower[span.clone()].trim().trim_end_matches('s');
    let bare_weekday = super::normalise::DAY_WORDS[..7].contains(&body);
    bare_weekday && {
        let s = &lower[sentence(lower, span)].replace('’', "'");
        SAYS.iter().any(|w| s.contains(w))
    }
}

/// "our clocks go forward on the 27th", "as the clocks change the weekend before": the day a
/// zone changes its offset, said to warn about the gap, is not offered.
pub(super) fn clock_change(clause: &str) -> bool {
    const SAYS: &[&str] = &[
        "clocks go",
        "clocks move",
        "clocks change",
        "clocks spring",
        "clocks fall",
        "clocks are changing",
        "clocks have changed",
        "clock change",
        "clocks went",
        "daylight saving",
        "daylight time",
        "switch to summer time",
        "summer time starts",
        "summer time ends",
        "dst starts",
        "dst ends",
        "dst change",
    ];
    SAYS.iter().any(|w| clause.contains(w))
}

/// "council moved the budget hearing to this Thursday": someone else's event, moved, is a
/// fact. "I've moved our call to Thursday" is the writer's move, and offered.
fn moved_by_others(before: &str) -> bool {
    static MOVED: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"\b([a-z']+)\s+(?:(?:has|have|had|just|been|was|were|got)\s+)*moved\s+[^,;]*?\bto\s+(?:this\s+|next\s+|the\s+|on\s+)?$")
            .unwrap_or_else(|_| unreachable!())
    });
    // "the Friday meeting with the supervisors moved to Monday 25 May": the meeting in hand,
    // not someone else's event.
    MOVED.captures(before).is_some_and(|c| {
        let subject = &before[..c.get(0).map_or(0, |m| m.start())];
        let subject = &subject[subject.rfind(['.', '?', '!', '\n']).map_or(0, |k| k + 1)..];
        let ours = [
            "meeting",
            "call",
            "appointment",
            "session",
            "catch-up",
            "sync",
        ]
        .iter()
        .any(|w| {
            subject
                .split(|ch: char| !ch.is_ascii_alphabetic() && ch != '-')
                .any(|t| t == *w)
        }) || ["meeting", "call", "appointment", "session"].contains(&&c[1]);
        !ours
            && ![
                "i", "we", "i've", "we've", "i'd", "we'd", "i'll", "we'll", "you", "you've",
            ]
            .contains(&&c[1])
    })
}

/// Whether the clause around `span` arranges the guest's ride (see `logistics`): for a clock
/// another time borrowed ("cleaned on Thursdays ... a driver to your hotel at 8:45").
pub fn logistics_at(lower: &str, span: &Range<usize>) -> bool {
    logistics(&lower[clause(lower, span)])
}

/// "We can pick you up at the hotel at 9:30": the guest's ride to the meeting. Not "the
/// pickup Thurs between 7 and 9am", where the pickup is what is being arranged.
fn logistics(clause: &str) -> bool {
    [
        "pick you up",
        "collect you",
        "drop you off",
        "drop you at",
        // "I'll send a driver to your hotel at 8:45".
        "send a driver",
        "send a car",
        "send a taxi",
    ]
    .iter()
    .any(|w| clause.contains(w))
}

/// "Also note Easter: we close on Thursday": a holiday named alone, in a clause that asks for
/// nothing, is a date on the calendar, not an offer. "Could we meet on Easter Monday?" and
/// "after Easter" keep theirs, and so does a holiday given as the whole text to resolve.
fn holiday_as_context(lower: &str, body: &str, clause: &str) -> bool {
    const ASKS: &[&str] = &[
        "meet",
        "call",
        "talk",
        "catch up",
        "see you",
        "free",
        "available",
        "suit",
        "work for",
        "how about",
        "could we",
        "can we",
        "shall we",
        "let's",
        "lunch",
        "coffee",
        "dinner",
    ];
    is_holiday_name(body) && lower.trim() != body.trim() && !ASKS.iter().any(|w| clause.contains(w))
}

fn is_holiday_name(body: &str) -> bool {
    let b = body
        .trim()
        .trim_start_matches("on ")
        .trim_start_matches("at ");
    [
        "easter",
        "easter sunday",
        "easter monday",
        "good friday",
        "christmas",
        "christmas day",
        "christmas eve",
        "boxing day",
        "new year",
        "new year's",
        "new year's day",
        "new year's eve",
        "thanksgiving",
        "halloween",
        "labor day",
        "labour day",
        "memorial day",
        "independence day",
    ]
    .contains(&b)
}

fn sentence(lower: &str, span: &Range<usize>) -> Range<usize> {
    let b = lower.as_bytes();
    let brk = |c: u8| matches!(c, b'.' | b'!' | b'?' | b'\n');
    let mut lo = span.start;
    while lo > 0 && !brk(b[lo - 1]) {
        lo -= 1;
    }
    let mut hi = span.end;
    while hi < b.len() && !brk(b[hi]) {
        hi += 1;
    }
    lo..hi
}

/// "due Friday", "deadline is the 20th", "by EOD Thursday", "no later than Monday".
fn is_deadline(before: &str, whole: &str) -> bool {
    if [
        "due",
        "deadline",
        "expires",
        "expire",
        "submit",
        "no later than",
        "turn in",
        "deliver",
        "wants an answer",
        "need an answer",
        "needs an answer",
        "decision",
        "respond",
        "ahead of",
        "close at",
        "closes at",
        "close on",
        "closes on",
        "closing on",
        "closing at",
        // "I would like to finish this before Eid": a date the work must beat.
        "finish this before",
        "finish it before",
        "wrap this up before",
        "done before",
    ]
    .iter()
    .any(|w| before.contains(w))
    {
        return true;
    }
    let b = before.trim_end();
    // "applications close at midnight on Friday", "the portal shuts on the 3rd".
    if [
        "close", "closes", "closing", "shuts", "shut", "expire", "expires",
    ]
    .iter()
    .any(|w| b.ends_with(&format!(" {w}")))
    {
        return true;
    }
    let by_now = b.ends_with(" by")
        || b == "by"
        || b.ends_with("by eod")
        || b.ends_with("by end of")
        || b.ends_with("by the end of")
        || b.ends_with("by close of business");
    // "swing by Friday", "stop by on Monday": a visit, not a deadline.
    let visit = [
        "swing by", "stop by", "drop by", "come by", "pop by", "pass by", "head by",
    ]
    .iter()
    .any(|w| b.ends_with(w));
    // "Can we meet by Friday?" still proposes something; "send it by Friday" does not.
    by_now && !visit && !MEETING.iter().any(|w| contains_word(whole, w))
}

const MEETING: &[&str] = &[
    "meet", "call", "chat", "talk", "sync", "catch", "connect", "speak", "together", "discuss",
    "visit", "coffee", "lunch", "zoom", "teams",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn why(text: &str, needle: &str) -> Option<NotAProposal> {
        let lower = text.to_ascii_lowercase();
        let start = lower
            .find(&needle.to_ascii_lowercase())
            .expect("needle in text");
        classify(&lower, &(start..start + needle.len()))
    }

    #[test]
    fn a_time_ruled_out_with_not_is_no_option() {
        assert_eq!(
            why("so this would be 11:00 for you, not 10:00.", "10:00"),
            Some(NotAProposal::Filler)
        );
        assert_eq!(
            why("Wednesday works, not Thursday.", "Thursday"),
            Some(NotAProposal::Filler)
        );
        assert_eq!(why("Tuesday at 10, or if not, Friday?", "Friday"), None);
    }

    #[test]
    fn deadlines() {
        assert_eq!(
            why("The report is due Friday.", "Friday"),
            Some(NotAProposal::Deadline)
        );
        assert_eq!(
            why("Please send it by EOD Thursday.", "Thursday"),
            Some(NotAProposal::Deadline)
        );
        assert_eq!(why("Could we meet Friday?", "Friday"), None);
        assert_eq!(why("Can you stop by Friday at 2?", "Friday at 2"), None);
        assert_eq!(
            why(
                "Permit applications close at midnight on Friday.",
                "at midnight on Friday"
            ),
            Some(NotAProposal::Deadline)
        );
    }

    #[test]
    fn the_date_of_an_event_the_meeting_must_precede_is_no_option() {
        assert_eq!(
            why(
                "a quick call before the board meeting on the 14th",
                "the 14th"
            ),
            Some(NotAProposal::Deadline)
        );
        assert_eq!(
            why("training ahead of launch on May 3", "May 3"),
            Some(NotAProposal::Deadline)
        );
        assert_eq!(
            why("a workshop before our audit in February", "in February"),
            Some(NotAProposal::Deadline)
        );
        assert_eq!(why("could we meet on the 14th", "the 14th"), None);
    }

    #[test]
    fn a_day_taken_out_of_a_window_is_excluded() {
        assert_eq!(
            why("I'm flexible next week except Friday.", "Friday"),
            Some(NotAProposal::Excluded)
        );
        assert_eq!(
            why("any day other than Monday", "Monday"),
            Some(NotAProposal::Excluded)
        );
        assert_eq!(
            why(
                "I'm on annual leave from 15 to 19 February",
                "from 15 to 19 February"
            ),
            Some(NotAProposal::Unavailable)
        );
    }

    #[test]
    fn past_cancel_unavailable() {
        assert_eq!(
            why("I was out last Tuesday.", "last Tuesday"),
            Some(NotAProposal::Past)
        );
        assert_eq!(
            why("I need to cancel Thursday's 2pm.", "Thursday"),
            Some(NotAProposal::Cancelled)
        );
        assert_eq!(
            why("I'm out Monday, but Tuesday works", "Monday"),
            Some(NotAProposal::Unavailable)
        );
        assert_eq!(why("I'm out Monday, but Tuesday works", "Tuesday"), None);
    }

    #[test]
    fn filler() {
        assert_eq!(
            why("Here is today's agenda.", "today"),
            Some(NotAProposal::Filler)
        );
        assert_eq!(
            why("Please reply immediately.", "immediately"),
            Some(NotAProposal::Filler)
        );
        assert_eq!(why("Can we talk today?", "today"), None);
    }
}
