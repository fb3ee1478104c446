//! Writing habits rewritten into the forms the rest of the layer reads, before any cue is
//! looked for: misspelt day words ("Thrusday", "tomorow"), one-letter am/pm ("11a",
//! "10a-12p"), and numeric dates in the sender's order ("4/12" from London is 4 December,
//! "3.12." and "03.12.2026" are day first everywhere).
//!
//! Why here and not in the cue list: every later stage (cue scan, segments, Duckling, the
//! non-proposal checks) then sees one spelling, instead of each learning every variant.

use std::borrow::Cow;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::{Captures, Regex};

use super::zones::Zone;

/// Day words a typo is corrected to: the weekdays, Monday first, then "tomorrow".
pub(super) const DAY_WORDS: [&str; 8] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "tomorrow",
];

static WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b[A-Za-z]{5,11}\b").unwrap_or_else(|_| unreachable!()));

/// "11a", "3:30p", "10a-12p": a digit followed by a lone a or p.
static LETTER_MERIDIEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(\d{1,2}(?::\d{2})?)([ap])\b(?:[^.\w]|$)").unwrap_or_else(|_| unreachable!())
});

/// "4/12", "4/12/2026", "03.12.2026", "3.12.": a numeric day and month.
static NUMERIC_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(^|[^\w:./@-])(\d{1,2})([/.])(\d{1,2})(?:([/.])(\d{4}|\d{2})\b|(\.)|(\s+(?:at|um|à)\s+\d))?")
        .unwrap_or_else(|_| unreachable!())
});

/// "isnt", "doesnt", "cant", "im": contractions typed without their apostrophe, which the
/// non-proposal checks ("doesn't work", "i'm out") would otherwise not recognise.
static BARE_CONTRACTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)\b(is|does|ca|wo|do|did|was|are|were|could|would|should|have|has|had)(nt)\b|\b(i)(m|ve)\s+(?:out|off|free|busy|away|not|never|traveling|travelling|around|back|available|unavailable|booked|tied|slammed|swamped|on|at|in|got|been|also|afraid|sorry|flexible|open|good|fine|happy)\b")
        .unwrap_or_else(|_| unreachable!())
});

/// "any time in your morning", "your afternoon": a part of the reader's day.
static YOUR_PART: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)\b(?:in\s+)?your\s+(morning|afternoon|evening)(s?)\b")
        .unwrap_or_else(|_| unreachable!())
});

static AROUND_LUNCH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)\b(after|before)\s+lunch(?:time)?\b").unwrap_or_else(|_| unreachable!())
});

/// "half past 2", "quarter to 4" with the hour in digits, which the resolvers read only
/// when it is spelled out.
static PAST_DIGIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)\b(half past|half after|quarter past|quarter after|quarter to|quarter of)\s+(1[0-2]|[1-9])\b(?::\d)?")
        .unwrap_or_else(|_| unreachable!())
});

/// "swing by Friday at 2": a visit, whose "by" Duckling would read as a deadline.
static VISIT_BY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)\b(swing|stop|drop|come|pop)\s+by\b").unwrap_or_else(|_| unreachable!())
});

/// "talk it through", "walk you through": going over something, not "through" a date (it read
/// "talk it through Tuesday Oct 27 at 10am" as a range ending on Tuesday, and lost the time).
static TALK_THROUGH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)\b(talk|go|walk|run|think|work|take)\s+(it|this|that|them|things|everything|you|us|me)\s+through\b")
        .unwrap_or_else(|_| unreachable!())
});

/// "tmrw aft", "Thurs aft": the afternoon, typed short after a day.
static DAY_AFT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)\b(today|tomorrow|tmrw|tmr|tmw|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\s+aft\b")
        .unwrap_or_else(|_| unreachable!())
});

/// "the gallery weekend, 13 to 17 April": the dates after it say when; the word read alone
/// is the coming weekend, and joined to them it swallowed the dates.
static WEEKEND_THEN_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)\bweekend(\s*[,:(\-]\s*)(\d)").unwrap_or_else(|_| unreachable!())
});

/// "before the 12th of June": a deadline the resolver reads only as "before 12 June".
static BEFORE_THE_NTH_OF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)\b(before|until|till|by)\s+the\s+(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b")
        .unwrap_or_else(|_| unreachable!())
});

/// "Do you have an hour before the 4th?", "30 minutes after Friday": the length asked for,
/// then a window. Read together they are clock arithmetic (an hour before midnight of the 3rd).
static LENGTH_THEN_WINDOW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)\b((?:an?|one|two|three|\d{1,3})\s+(?:hours?|hrs?|minutes?|mins?))\s+(before|after)\s+(the\s+\d|\d|mon|tue|wed|thu|fri|sat|sun|next|this|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)")
        .unwrap_or_else(|_| unreachable!())
});

/// "Wednesday 11 February any time after 2": written straight after its day, "any time"
/// only says the window is open; Duckling joins the day and the bound without it.
static DAY_ANY_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)\b((?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?|\d{1,2}(?:st|nd|rd|th)?|jan(?:uary)?|feb(?:ruary)?|march|april|may|june|july|aug(?:ust)?|sep(?:tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\s+any\s?time\s+(after|from)\s+(\d)")
        .unwrap_or_else(|_| unreachable!())
});

/// "on Tuesday 17 February first thing - say 9.30", "Thursday, say 10": the hedged clock is
/// the day's.
static DAY_SAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)\b((?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?|\d{1,2}(?:st|nd|rd|th)?|jan(?:uary)?|feb(?:ruary)?|march|april|may|june|july|aug(?:ust)?|sep(?:tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?:\s+first\s+thing)?\s*(?:,|-|\x{2013})?\s*say\s+(\d)")
        .unwrap_or_else(|_| unreachable!())
});

/// "Saturday 21st Nov, 12 noon": the hour and the word say one time; read apart, the "12"
/// joins the date and "noon" becomes today's.
static TWELVE_NOON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)\b12(?:[:.]00)?\s*(noon|midday|midnight)\b")
        .unwrap_or_else(|_| unreachable!())
});

/// "between 9 and 11 in the morning", "from 2 to 4 in the afternoon": the part of day says
/// the half of the day for both ends; read apart, the resolver drops the range for the part.
static RANGE_THEN_PART: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)\b(between|from)\s+(\d{1,2}(?::\d\d)?)\s+(and|to|-)\s+(\d{1,2}(?::\d\d)?)\s+in\s+the\s+(morning|afternoon|evening)\b")
        .unwrap_or_else(|_| unreachable!())
});

/// "We would start at 9:00 and finish by 16:00": the meeting's own start and end.
static START_AND_FINISH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)\bstart(?:ing)?\s+at\s+(\d{1,2}(?::\d\d)?\s*(?:[ap]\.?m\.?)?)\s+and\s+(?:finish|end|wrap\s+up|be\s+done)(?:ing)?\s+(?:by|at|around)\s+(\d{1,2}(?::\d\d)?\s*(?:[ap]\.?m\.?)?)")
        .unwrap_or_else(|_| unreachable!())
});

/// "22 Sept", "Sept 22": a common abbreviation the resolver does not know.
static SEPT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(S|s)ept\b\.?").unwrap_or_else(|_| unreachable!()));

/// "Tuesday, the 21st, in the morning": the comma keeps the resolver from joining weekday and
/// day of the month (it reads the next Tuesday's morning).
static WEEKDAY_COMMA_THE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b((?:mon|tues|wednes|thurs|fri|satur|sun)day),\s+(the\s+\d{1,2}(?:st|nd|rd|th)\b)",
    )
    .unwrap_or_else(|_| unreachable!())
});

/// "the Wednesday afternoon one", "the 3pm one": "one" stands for an option, not a clock.
static PRONOUN_ONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b((?:mon|tues|wednes|thurs|fri|satur|sun)day|morning|afternoon|evening|\d\s?(?:am|pm)|\d:\d\d)\s+one\b")
        .unwrap_or_else(|_| unreachable!())
});

/// "Monday, Tuesday or Wednesday", "the 14th, 15th or 16th": a comma between two days of the
/// same kind lists them (the resolver would join the pair into one); a weekday before a date
/// ("Tuesday, 14 December") is the same day and is left alone.
static DAY_LIST: LazyLock<Regex> = LazyLock::new(|| {
    let weekday = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?";
    let ordinal = r"(?:the\s+)?\d{1,2}(?:st|nd|rd|th)";
    let month_day = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?";
    Regex::new(&format!(
        r"(?i)\b(?P<a>{weekday}|{ordinal}|{month_day}),\s+(?P<b>{weekday}|{ordinal}|{month_day})\b"
    ))
    .unwrap_or_else(|_| unreachable!())
});

/// "the 15th or 16th": the second ordinal of a pair is a day too ("the 15th or the 16th").
static ORDINAL_OR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(\d{1,2}(?:st|nd|rd|th))\s+(or|and)\s+(\d{1,2}(?:st|nd|rd|th))\b")
        .unwrap_or_else(|_| unreachable!())
});

/// The kind of day a list item is, for `DAY_LIST`: 0 weekday, 1 ordinal, 2 month and day
/// (the regex's three alternatives: no digit, a leading number, a trailing one).
fn day_kind(item: &str) -> u8 {
    let t = item.trim_start_matches("the ").trim_start_matches("The ");
    if t.starts_with(|c: char| c.is_ascii_digit()) {
        1
    } else if t.contains(|c: char| c.is_ascii_digit()) {
        2
    } else {
        0
    }
}

/// Replaces twice: a list ("Monday, Tuesday, Wednesday") overlaps itself, so one pass leaves
/// every second pair.
fn replace_twice<R: regex::Replacer>(out: &mut Cow<'_, str>, re: &Regex, rep: R) {
    replace_passes(out, re, rep, 2);
}

/// Replaces every match of `re` in `out`, leaving `out` borrowed when nothing matches.
fn replace_once<R: regex::Replacer>(out: &mut Cow<'_, str>, re: &Regex, rep: R) {
    replace_passes(out, re, rep, 1);
}

fn replace_passes<R: regex::Replacer>(out: &mut Cow<'_, str>, re: &Regex, mut rep: R, passes: u8) {
    for _ in 0..passes {
        if !re.is_match(out) {
            break;
        }
        let t = re.replace_all(out, rep.by_ref()).into_owned();
        *out = Cow::Owned(t);
    }
}

/// "St. John's", "Saint John's": the city's name without the punctuation the place tables
/// cannot follow.
static ST_JOHNS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:st\.?|saint)\s+john['’]?s\b").unwrap_or_else(|_| unreachable!())
});

/// "between 11 and 1 Dhaka time": bare hours of a range get the business-hours meridiem they
/// have ("11am and 1pm"), which keeps a zone word after them from reading the range apart.
static BARE_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bbetween\s+(\d{1,2})\s+and\s+(\d{1,2})\b").unwrap_or_else(|_| unreachable!())
});

/// "Thursday the 26th - 9 to 11 my time", "Tuesday, from 2 to 4": two bare hours joined by
/// "to" or a dash after a day (or after "from") are a range of clock times, on the
/// business-hours half of the day each is likely on, as "between 9 and 11" is.
static BARE_SPAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?P<from>\bfrom\s+)?\b(?P<a>\d{1,2})\s*(?:to|till|until|-|–)\s*(?P<b>\d{1,2})\b",
    )
    .unwrap_or_else(|_| unreachable!())
});

/// Whether two bare hours `a` and `b`, ending at byte `end` of `src`, are clock times: both
/// on a 12-hour dial and followed by no minutes, no meridiem and no counted noun ("between
/// 3 and 4 people", "9-11 March"), only by punctuation, a zone or a clock remark.
fn bare_hours_end_a_range(src: &str, end: usize, a: u32, b: u32) -> bool {
    if !(1..=12).contains(&a) || !(1..=12).contains(&b) || a == b {
        return false;
    }
    let rest = &src[end..];
    // Only the words right after matter; lower-casing the whole rest for every match would
    // cost a pass over the email per phone number.
    let head = rest.trim_start();
    let mut cut = head.len().min(40);
    while !head.is_char_boundary(cut) {
        cut -= 1;
    }
    let next = head[..cut].to_ascii_lowercase();
    // "10:30", "11.30", but not the full stop that ends the sentence.
    let minutes = |p: char| {
        next.strip_prefix(p)
            .is_some_and(|r| r.starts_with(|ch: char| ch.is_ascii_digit()))
    };
    if minutes(':') || minutes('.') || next.starts_with(['%', '/', '\'', '’']) {
        return false;
    }
    if !next.starts_with(|ch: char| ch.is_ascii_alphabetic()) {
        return true;
    }
    const REMARKS: &[&str] = &[
        "my time",
        "your time",
        "our time",
        "here",
        "for me",
        "for you",
        "on my",
        "on your",
        "local",
        "works",
        "would",
        "suits",
        "is ",
        "or ",
        "if ",
        "then",
        "should",
        "that ",
        "on ",
        "and ",
        "please",
        "ok",
        "okay",
        "tomorrow",
        "today",
        "either",
        "each",
        "both",
        "every",
        "in the",
        "at ",
        "with",
    ];
    REMARKS.iter().any(|w| next.starts_with(w)) || super::zones::zone_at(rest, 0).is_some()
}

/// Whether a day is named earlier in the sentence that ends at byte `pos` of `src`, or in
/// the one before it ("Thursday June 17 or Friday June 18? 9 to 1 either day."): a weekday,
/// "today"/"tomorrow", a month name or an ordinal day.
fn day_named_before(src: &str, pos: usize) -> bool {
    static DAY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?s?|today|tomorrow|tmrw|jan(?:uary)?|feb(?:ruary)?|march|apr(?:il)?|may|june|july|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|\d{1,2}(?:st|nd|rd|th))\b")
            .unwrap_or_else(|_| unreachable!())
    });
    let head = &src[..pos];
    let this = head.rfind(['.', '?', '!', '\n']).unwrap_or(0);
    let start = head[..this]
        .rfind(['.', '?', '!', '\n'])
        .map_or(0, |k| k + 1);
    DAY.is_match(&head[start..])
}

fn meridiem(hour: u32, after: Option<u32>) -> &'static str {
    match after {
        // The second hour of a range: past noon when it is not after the first in a morning,
        // or when the first is already past noon ("from 5 to 7" is 5pm to 7pm).
        Some(first) if hour == 12 || hour < 7 || hour <= first || first < 7 => "pm",
        Some(_) => "am",
        None if (7..12).contains(&hour) => "am",
        None => "pm",
    }
}

/// "9 am your time (10 here)": a bare hour restating a clock is a clock.
static BARE_RESTATED_HOUR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\((\d{1,2})\s+(here|for me|my time|on my end|on my side|your time|for you)\)")
        .unwrap_or_else(|_| unreachable!())
});

/// "the first week of January - Tuesday 5th or Wednesday 6th": a dash after a week is a pause
/// before the days it holds, not a range from the week to them.
static WEEK_DASH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(week(?:\s+of\s+[a-z]+(?:\s+\d{1,2}(?:st|nd|rd|th)?)?)?)\s+[-–—]\s+")
        .unwrap_or_else(|_| unreachable!())
});

/// "Tuesday 3 or Wednesday 4 February, both in the morning", German "jeweils vormittags":
/// the part of day for each day listed, written as the list's own part of day.
static EACH_PART: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:both|each|jeweils)\s+(in\s+the\s+(?:morning|afternoon|evening))\b")
        .unwrap_or_else(|_| unreachable!())
});

/// "team xmas lunch", "the Christmas party": an event's name, not Christmas Day.
static HOLIDAY_EVENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:xmas|x-mas|christmas)\s+(lunch|party|dinner|drinks|do|meal|breakfast|get-together|celebration|social)\b")
        .unwrap_or_else(|_| unreachable!())
});

/// "any day before the 16th": the window up to the 15th, not "the day before the 16th".
static ANY_DAY_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(any|some|one)\s+day\s+before\b").unwrap_or_else(|_| unreachable!())
});

/// "the weeks of 18 January and 25 January": each date names its own week.
static WEEKS_OF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bweeks\s+of\s+([^,.;?!\n]+?)\s+(and|or)\s+(?:the\s+week\s+of\s+)?")
        .unwrap_or_else(|_| unreachable!())
});

/// "the week from 23 March", "the week starting Monday the 9th": the week of that day.
static WEEK_FROM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bweek\s+(?:from|starting(?:\s+on)?|beginning|commencing)\s+")
        .unwrap_or_else(|_| unreachable!())
});

/// "(10.00 am)", "8.30 p.m.", "3.30 to 5.30pm": a dotted clock with its meridiem, and the
/// dotted start of its range, wherever they stand.
static DOTTED_MERIDIEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:(1[0-2]|0?[1-9])\.([0-5]\d)(\s*(?:-|–|to|until|till)\s*))?(1[0-2]|0?[1-9])\.([0-5]\d)(\s*(?:am|pm|a\.m\.|p\.m\.))")
        .unwrap_or_else(|_| unreachable!())
});

/// "(10 Central / 9 Mountain)": a bare hour with a zone abbreviation or region after it is
/// a clock in that zone.
static BARE_ZONED_HOUR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(\d{1,2})\s+(Central|Eastern|Mountain|Pacific|ET|CT|MT|PT|EST|EDT|CST|CDT|MST|MDT|PST|PDT|GMT|BST|CET|CEST|UTC|JST|SGT|AEST|AEDT|NZST|NZDT|HKT|EAT|SAST|WAT)\b")
        .unwrap_or_else(|_| unreachable!())
});

/// Australian "arvo", and "aftn" typed in a hurry, are the afternoon.
static ARVO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)\b(?:arvo|aftn|aftnoon|afternon)\b").unwrap_or_else(|_| unreachable!())
});

/// "before the end of the month", "before month end": the same window as "before the 1st"
/// of the next month.
static BEFORE_MONTH_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\bbefore\s+(?:the\s+end\s+of\s+(?:the|this)\s+month|(?:the\s+)?month[-\s]end)\b",
    )
    .unwrap_or_else(|_| unreachable!())
});

/// "8 or 9 December", "the 3rd and 4th of May": two day numbers sharing the month written
/// after the second; the first alone would read as a clock ("on 8") or a bare number.
static DAY_PAIR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(\d{1,2}(?:st|nd|rd|th)?)\s+(or|and|&)\s+(\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|(?-i:May)|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?))\b")
        .unwrap_or_else(|_| unreachable!())
});

/// "10am would be ideal, otherwise 11": a bare hour offered as the fallback to a clock with
/// am/pm in the same sentence is a clock too, on the same half of the day (or the next, when
/// it is smaller: "11am, otherwise 1" is 1pm).
static FALLBACK_HOUR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(\d{1,2})(?::\d\d)?\s*([ap])\.?m\.?\b([^.?!\n\d]{0,40}?\b(?:otherwise|or else|failing that|alternatively|or)\s+(?:at\s+)?)(\d{1,2})(\s*[.?!,;)]|\s*$)")
        .unwrap_or_else(|_| unreachable!())
});

/// "the 3 pm one - at 9 I'm in the greenhouse": a dash before "at" starts another clause; it
/// does not join the two clocks into a range.
static DASH_AT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(\d(?:\s*[ap]\.?m\.?)?(?:\s+one)?)\s+[-–—]\s+(at|on)\s")
        .unwrap_or_else(|_| unreachable!())
});

/// "any morning Tuesday to Friday would work": a run of days; the part of day is a remark
/// about them, as in the corpus conventions, and left in place it breaks the run apart.
static PART_BEFORE_DAY_RUN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:any|every)\s+(?:morning|afternoon|evening)\s+((?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?\s+(?:to|through|thru|until|-|–)\s+(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*)")
        .unwrap_or_else(|_| unreachable!())
});

/// "Monday 5 to Wednesday 7 October", "5 - 7 October": a run of days whose month is written
/// after the last; the first day takes it too, or the resolver reads it in another month.
static DAY_RUN_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b((?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\s+)?(\d{1,2}(?:st|nd|rd|th)?)\s*(to|until|through|thru|-|–)\s*((?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\s+)(\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|(?-i:May)|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?))\b")
        .unwrap_or_else(|_| unreachable!())
});

/// "December 15 or 16", "March 3rd and 4th": the month named before the first day number is
/// the second's too.
static MONTH_DAY_PAIR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|(?-i:May)|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s+(\d{1,2}(?:st|nd|rd|th)?)\s+(or|and|&)\s+(\d{1,2}(?:st|nd|rd|th)?)\b")
        .unwrap_or_else(|_| unreachable!())
});

/// "10.00-12.00", "14.30 to 16.00", "at 9.30": a dotted 24-hour clock, in a range or after
/// a clock word, written with a colon so every later stage reads it as one.
static DOTTED_CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:(between)\s+)?([01]?\d|2[0-3])\.([0-5]\d)(\s*(?:-|–|to|and|until|till|bis)\s*)([01]?\d|2[0-3])\.([0-5]\d)\b|\b(at|from|until|till|um|ab|om|alle)(\s+)([01]?\d|2[0-3])\.([0-5]\d)\b")
        .unwrap_or_else(|_| unreachable!())
});

pub(super) const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The text with typos, one-letter am/pm, numeric dates and month ends normalised; borrowed
/// when nothing changed. `today` is the email's date.
pub fn normalise<'a>(text: &'a str, sender: &Zone, today: NaiveDate) -> Cow<'a, str> {
    let mut out = Cow::Borrowed(text);
    if BEFORE_MONTH_END.is_match(&out) {
        let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1)
            .and_then(|d| d.checked_add_months(chrono::Months::new(1)));
        if let Some(first) = first {
            let name = MONTH_NAMES[first.month0() as usize];
            let t = BEFORE_MONTH_END
                .replace_all(&out, format!("before {name} 1st"))
                .into_owned();
            out = Cow::Owned(t);
        }
    }
    if DOTTED_CLOCK.is_match(&out) {
        let src = out.clone().into_owned();
        let t = DOTTED_CLOCK
            .replace_all(&src, |c: &Captures| {
                let whole = c.get(0).map_or(0..0, |m| m.range());
                // "on 10.12.2026", "at 3.5.": a dotted date goes on after the pair.
                let rest = &src[whole.end..];
                if rest.starts_with('.') && !rest[1..].starts_with([' ', '\n']) && rest.len() > 1 {
                    return c[0].to_string();
                }
                if c.get(2).is_some() {
                    let between = c.get(1).map(|m| m.as_str());
                    // "2.50 and 3.50": only "between" makes a pair joined by "and" clocks.
                    if between.is_none() && c[4].trim().eq_ignore_ascii_case("and") {
                        return c[0].to_string();
                    }
                    let lead = between.map(|b| format!("{b} ")).unwrap_or_default();
                    format!("{lead}{}:{}{}{}:{}", &c[2], &c[3], &c[4], &c[5], &c[6])
                } else {
                    format!("{}{}{}:{}", &c[7], &c[8], &c[9], &c[10])
                }
            })
            .into_owned();
        out = Cow::Owned(t);
    }
    if MONTH_DAY_PAIR.is_match(&out) {
        let src = out.clone().into_owned();
        let t = MONTH_DAY_PAIR
            .replace_all(&src, |c: &Captures| {
                let end = c.get(0).map_or(0, |m| m.end());
                let next = src[end..].trim_start().to_ascii_lowercase();
                // "May 3 or 4pm", "June 5 and 10:30": the second number is a clock.
                if next.starts_with([':', '.'])
                    || next.starts_with("am")
                    || next.starts_with("pm")
                    || next.starts_with("h ")
                    || next.starts_with("people")
                {
                    return c[0].to_string();
                }
                format!("{} {} {} {} {}", &c[1], &c[2], &c[3], &c[1], &c[4])
            })
            .into_owned();
        out = Cow::Owned(t);
    }
    if FALLBACK_HOUR.is_match(&out) {
        let t = FALLBACK_HOUR
            .replace_all(&out, |c: &Captures| {
                let first: u32 = c[1].parse().unwrap_or(0);
                let second: u32 = c[4].parse().unwrap_or(0);
                if !(1..=12).contains(&second) || !(1..=12).contains(&first) {
                    return c[0].to_string();
                }
                let am = c[2].eq_ignore_ascii_case("a");
                // "11am, otherwise 1": past noon; "3pm, otherwise 11" reads as the morning.
                let half = match (am, second < first && first != 12) {
                    (true, false) => "am",
                    (true, true) => "pm",
                    (false, false) => "pm",
                    (false, true) => "am",
                };
                let whole = c.get(0).map_or(0, |m| m.start());
                let hour = c.get(4).map_or(0, |m| m.start());
                format!("{}{}{half}{}", &c[0][..hour - whole], &c[4], &c[5])
            })
            .into_owned();
        out = Cow::Owned(t);
    }
    if PART_BEFORE_DAY_RUN.is_match(&out) {
        let t = PART_BEFORE_DAY_RUN
            .replace_all(&out, "any day $1")
            .into_owned();
        out = Cow::Owned(t);
    }
    if DASH_AT.is_match(&out) {
        let t = DASH_AT.replace_all(&out, "$1; $2 ").into_owned();
        out = Cow::Owned(t);
    }
    if DAY_RUN_MONTH.is_match(&out) {
        let t = DAY_RUN_MONTH
            .replace_all(&out, "$1$2 $6 $3 $4$5")
            .into_owned();
        out = Cow::Owned(t);
    }
    if DAY_PAIR.is_match(&out) {
        let t = DAY_PAIR.replace_all(&out, "$1 $4 $2 $3").into_owned();
        out = Cow::Owned(t);
    }
    if BARE_CONTRACTION.is_match(&out) {
        let t = BARE_CONTRACTION
            .replace_all(&out, |c: &Captures| match (c.get(1), c.get(3)) {
                (Some(head), _) => format!("{}n't", head.as_str()),
                (None, Some(i)) => format!("{}'{}", i.as_str(), &c[0][i.as_str().len()..]),
                _ => c[0].to_string(),
            })
            .into_owned();
        out = Cow::Owned(t);
    }
    // "in your morning" is the morning in the reader's zone, which "your time" says to the
    // rest of the layer.
    if YOUR_PART.is_match(&out) {
        let t = YOUR_PART
            .replace_all(&out, "in the $1$2 your time")
            .into_owned();
        out = Cow::Owned(t);
    }
    // "after lunch" starts where lunch (12:00-13:00) ends and runs to the end of the
    // afternoon, like "after 1pm"; "before lunch" is the morning.
    if AROUND_LUNCH.is_match(&out) {
        let t = AROUND_LUNCH
            .replace_all(&out, |c: &Captures| {
                if c[1].eq_ignore_ascii_case("after") {
                    "after 1pm".to_string()
                } else {
                    "in the morning".to_string()
                }
            })
            .into_owned();
        out = Cow::Owned(t);
    }
    if PAST_DIGIT.is_match(&out) {
        let t = PAST_DIGIT
            .replace_all(&out, |c: &Captures| {
                let hour: u32 = c[2].parse().unwrap_or(0);
                match c[1].to_ascii_lowercase().as_str() {
                    "half past" | "half after" => format!("{hour}:30"),
                    "quarter past" | "quarter after" => format!("{hour}:15"),
                    // "quarter to 3" is 2:45; "quarter to 1" is 12:45.
                    _ => format!("{}:45", if hour <= 1 { 12 } else { hour - 1 }),
                }
            })
            .into_owned();
        out = Cow::Owned(t);
    }
    replace_once(&mut out, &VISIT_BY, "$1 over");
    replace_once(&mut out, &TALK_THROUGH, "$1 $2 over");
    replace_once(&mut out, &DAY_AFT, "$1 afternoon");
    replace_once(&mut out, &BEFORE_THE_NTH_OF, "$1 $2 $3");
    replace_once(&mut out, &LENGTH_THEN_WINDOW, "$1, any time $2 $3");
    replace_once(&mut out, &DAY_ANY_TIME, "$1 $2 $3");
    replace_once(&mut out, &DAY_SAY, "$1 at $2");
    replace_once(&mut out, &SEPT, "${1}ep");
    replace_once(&mut out, &TWELVE_NOON, "$1");
    replace_once(&mut out, &RANGE_THEN_PART, |c: &Captures| {
        let half = if c[5].eq_ignore_ascii_case("morning") {
            "am"
        } else {
            "pm"
        };
        format!("{} {}{half} {} {}{half}", &c[1], &c[2], &c[3], &c[4])
    });
    replace_once(&mut out, &START_AND_FINISH, "from $1 to $2");
    replace_once(&mut out, &WEEKEND_THEN_DATE, "event$1$2");
    replace_twice(&mut out, &DAY_LIST, |c: &Captures| {
        if day_kind(&c["a"]) == day_kind(&c["b"]) {
            format!("{} or {}", &c["a"], &c["b"])
        } else {
            c[0].to_string()
        }
    });
    replace_once(&mut out, &ST_JOHNS, "Saint Johns");
    if BARE_RANGE.is_match(&out) {
        let src = out.clone().into_owned();
        let t = BARE_RANGE
            .replace_all(&src, |c: &Captures| {
                let end = c.get(0).map_or(0, |m| m.end());
                let (Ok(a), Ok(b)) = (c[1].parse::<u32>(), c[2].parse::<u32>()) else {
                    return c[0].to_string();
                };
                // "between 2 and 4pm", "between 10 and 11:30", "between 3 and 4 people".
                if !bare_hours_end_a_range(&src, end, a, b) {
                    return c[0].to_string();
                }
                format!(
                    "between {a}{} and {b}{}",
                    meridiem(a, None),
                    meridiem(b, Some(a))
                )
            })
            .into_owned();
        out = Cow::Owned(t);
    }
    if BARE_SPAN.is_match(&out) {
        let src = out.clone().into_owned();
        let t = BARE_SPAN
            .replace_all(&src, |c: &Captures| {
                let whole = c.get(0).map_or(0..0, |m| m.range());
                let (Ok(a), Ok(b)) = (c["a"].parse::<u32>(), c["b"].parse::<u32>()) else {
                    return c[0].to_string();
                };
                let from = c.name("from").is_some();
                if !bare_hours_end_a_range(&src, whole.end, a, b)
                    || !(from || day_named_before(&src, whole.start))
                    // "2026-03-09", "10:10 to 11", "$5-10"; a spaced dash is a pause.
                    || src[..whole.start].ends_with(['-', '–', ':', '.'])
                    || src[..whole.start].trim_end().ends_with(['/', '$', '£', '€', '#'])
                {
                    return c[0].to_string();
                }
                let lead = if from { "from " } else { "" };
                format!(
                    "{lead}{a}{} to {b}{}",
                    meridiem(a, None),
                    meridiem(b, Some(a))
                )
            })
            .into_owned();
        out = Cow::Owned(t);
    }
    if BARE_RESTATED_HOUR.is_match(&out) {
        let t = BARE_RESTATED_HOUR
            .replace_all(&out, |c: &Captures| match c[1].parse::<u32>() {
                Ok(h) if h <= 23 => format!("({h}:00 {})", &c[2]),
                _ => c[0].to_string(),
            })
            .into_owned();
        out = Cow::Owned(t);
    }
    replace_once(&mut out, &WEEK_DASH, "$1: ");
    replace_twice(&mut out, &ORDINAL_OR, "$1 $2 the $3");
    replace_once(&mut out, &PRONOUN_ONE, "$1 option");
    replace_once(&mut out, &WEEKDAY_COMMA_THE, "$1 $2");
    replace_once(&mut out, &DOTTED_MERIDIEM, |c: &Captures| {
        let start = match (c.get(1), c.get(2), c.get(3)) {
            (Some(h), Some(m), Some(join)) => {
                format!("{}:{}{}", h.as_str(), m.as_str(), join.as_str())
            }
            _ => String::new(),
        };
        format!("{start}{}:{}{}", &c[4], &c[5], &c[6])
    });
    replace_once(&mut out, &WEEKS_OF, "week of $1 $2 the week of ");
    replace_once(&mut out, &WEEK_FROM, "week of ");
    if BARE_ZONED_HOUR.is_match(&out) {
        let src = out.clone().into_owned();
        let t = BARE_ZONED_HOUR
            .replace_all(&src, |c: &Captures| {
                let start = c.get(0).map_or(0, |m| m.start());
                let hour = c[1].parse::<u32>().unwrap_or(0);
                // "10:10 Central" is read already; "$10 EST" is no clock.
                if !(1..=12).contains(&hour) || src[..start].ends_with([':', '.', '$', '-', '/']) {
                    return c[0].to_string();
                }
                format!("{hour}{} {}", meridiem(hour, None), &c[2])
            })
            .into_owned();
        out = Cow::Owned(t);
    }
    replace_once(&mut out, &HOLIDAY_EVENT, "holiday $1");
    if ANY_DAY_BEFORE.is_match(&out) {
        out = Cow::Owned(
            ANY_DAY_BEFORE
                .replace_all(&out, "$1 time before")
                .into_owned(),
        );
    }
    replace_once(&mut out, &EACH_PART, "$1");
    replace_once(&mut out, &ARVO, "afternoon");
    if let Some(fixed) = fix_day_typos(&out) {
        out = Cow::Owned(fixed);
    }
    if LETTER_MERIDIEM.is_match(&out) {
        let t = LETTER_MERIDIEM
            .replace_all(&out, |c: &Captures| {
                let whole = &c[0];
                let tail = &whole[c[1].len() + 1..];
                format!("{}{}m{tail}", &c[1], c[2].to_ascii_lowercase())
            })
            .into_owned();
        out = Cow::Owned(t);
    }
    if NUMERIC_DATE.is_match(&out) {
        let day_first = day_first(sender);
        let t = NUMERIC_DATE
            .replace_all(&out, |c: &Captures| numeric_date(c, day_first))
            .into_owned();
        if t != *out {
            out = Cow::Owned(t);
        }
    }
    out
}

/// Month-first is the United States' habit (and the Date header's offset says little
/// more): every other sender writes the day first.
fn day_first(sender: &Zone) -> bool {
    match sender {
        Zone::Iana(tz) => {
            let name = tz.name();
            !(name.starts_with("America/") && !month_first_exception(name)
                || name.starts_with("US/")
                || name == "Pacific/Honolulu"
                || name == "Asia/Manila")
        }
        // An unknown zone west of Greenwich is most likely American.
        Zone::Fixed(off) => off.local_minus_utc() >= 0,
    }
}

/// American zones whose people write the day first (Latin America, most of Canada's
/// French speakers aside).
fn month_first_exception(name: &str) -> bool {
    [
        "America/Mexico_City",
        "America/Sao_Paulo",
        "America/Argentina/Buenos_Aires",
        "America/Santiago",
        "America/Bogota",
        "America/Lima",
        "America/Caracas",
        "America/Montevideo",
    ]
    .contains(&name)
}

/// Rewrites one numeric date into month/day order (what the resolvers read), or leaves
/// it when it is a clock ("10.30"), a decimal, or no valid date.
fn numeric_date(c: &Captures, day_first: bool) -> String {
    let whole = c[0].to_string();
    let lead = &c[1];
    let (a, sep, b) = (&c[2], &c[3], &c[4]);
    let year = c.get(6).map(|m| m.as_str());
    // "05.01 at 13:00": a clock follows, so the dotted pair is the date.
    let clock_after = c.get(8).map_or("", |m| m.as_str());
    let trailing_dot = c.get(7).is_some() || !clock_after.is_empty();
    let (Ok(x), Ok(y)) = (a.parse::<u32>(), b.parse::<u32>()) else {
        return whole;
    };
    // "24/7" is a habit, not the 24th of July.
    if (x, y) == (24, 7) {
        return whole;
    }
    let dotted = sep == ".";
    // "10.30" is a clock; only "3.12." or "03.12.2026" are dates.
    if dotted && year.is_none() && !trailing_dot {
        return whole;
    }
    let (day, month) = if dotted || day_first { (x, y) } else { (y, x) };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return whole;
    }
    if !dotted && !day_first {
        return whole;
    }
    let year = year.map(|y| format!("/{y}")).unwrap_or_default();
    format!("{lead}{month}/{day}{year}{clock_after}")
}

/// Corrects words one or two edits from a day word, or `None` when there is none.
fn fix_day_typos(text: &str) -> Option<String> {
    let mut changed = false;
    let fixed = WORD.replace_all(text, |c: &Captures| {
        let w = &c[0];
        match correct(w) {
            Some(day) => {
                changed = true;
                if w.starts_with(|ch: char| ch.is_ascii_uppercase()) {
                    let mut s = day[..1].to_ascii_uppercase();
                    s.push_str(&day[1..]);
                    s
                } else {
                    day.to_string()
                }
            }
            None => w.to_string(),
        }
    });
    changed.then(|| fixed.into_owned())
}

/// The day word `w` misspells: same first letter; for short words one swap, insertion or
/// deletion (a substitution would turn names such as "Sundar" into days); for the long
/// ones up to two edits of any kind.
fn correct(w: &str) -> Option<&'static str> {
    let lower = w.to_ascii_lowercase();
    let singular = lower.strip_suffix('s').unwrap_or(&lower);
    if DAY_WORDS.contains(&lower.as_str()) || DAY_WORDS.contains(&singular) {
        return None;
    }
    let first = lower.as_bytes()[0];
    if !matches!(first, b'm' | b't' | b'w' | b'f' | b's') {
        return None;
    }
    DAY_WORDS.iter().copied().find(|day| {
        day.as_bytes()[0] == first
            && lower.len().abs_diff(day.len()) <= 2
            && if day.len() >= 8 {
                edits(&lower, day) <= 2
            } else {
                lower.len() != day.len() && edits(&lower, day) == 1
                    || lower.len() == day.len() && is_one_swap(&lower, day)
            }
    })
}

fn is_one_swap(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    diff.len() == 2
        && diff[1] == diff[0] + 1
        && a[diff[0]] == b[diff[1]]
        && a[diff[1]] == b[diff[0]]
}

/// Optimal string alignment distance (edits with adjacent swaps).
fn edits(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Tz;

    fn normalise_at<'a>(text: &'a str, zone: &Zone) -> Cow<'a, str> {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default();
        normalise(text, zone, today)
    }

    #[test]
    fn day_typos_are_corrected_and_names_are_not() {
        let ny = Zone::Iana(Tz::America__New_York);
        assert_eq!(normalise_at("Thrusday at 10?", &ny), "Thursday at 10?");
        assert_eq!(
            normalise_at("tomorow or wensday", &ny),
            "tomorrow or wednesday"
        );
        assert_eq!(normalise_at("Firday works", &ny), "Friday works");
        assert_eq!(normalise_at("Thanks, Sundar", &ny), "Thanks, Sundar");
        assert_eq!(
            normalise_at("Tuesdays and Mondays", &ny),
            "Tuesdays and Mondays"
        );
    }

    #[test]
    fn contractions_typed_without_apostrophes_are_restored() {
        let ny = Zone::Iana(Tz::America__New_York);
        assert_eq!(
            normalise_at("tmrw isnt gonna work, im out", &ny),
            "tmrw isn't gonna work, i'm out"
        );
        assert_eq!(
            normalise_at("Friday doesnt work", &ny),
            "Friday doesn't work"
        );
        // German "im" ("im März") and the English "ill" stay as written.
        assert_eq!(normalise_at("im März, ill", &ny), "im März, ill");
    }

    #[test]
    fn dotted_clocks_take_a_colon() {
        let ldn = Zone::Iana(Tz::Europe__London);
        assert_eq!(
            normalise_at("Wed 14.30-16.00 CET", &ldn),
            "Wed 14:30-16:00 CET"
        );
        assert_eq!(normalise_at("Friday at 9.15?", &ldn), "Friday at 9:15?");
        // A price and a dotted date stay as written.
        assert_eq!(
            normalise_at("it costs 12.50 now", &ldn),
            "it costs 12.50 now"
        );
        assert_eq!(
            normalise_at("between 14.00 and 15.30", &ldn),
            "between 14:00 and 15:30"
        );
        assert_eq!(
            normalise_at("rose 2.50 and 3.10", &ldn),
            "rose 2.50 and 3.10"
        );
        assert_eq!(
            normalise_at("from 10.12.2026 on", &ldn),
            "from 12/10/2026 on"
        );
    }

    #[test]
    fn a_day_pair_shares_its_month() {
        let ldn = Zone::Iana(Tz::Europe__London);
        assert_eq!(
            normalise_at("on 14 or 15 Jan, 9:00-10:00", &ldn),
            "on 14 Jan or 15 Jan, 9:00-10:00"
        );
        assert_eq!(
            normalise_at("the 3rd and 4th of May", &ldn),
            "the 3rd May and 4th of May"
        );
    }

    #[test]
    fn letter_meridiem_is_spelled_out() {
        let ny = Zone::Iana(Tz::America__New_York);
        assert_eq!(normalise_at("fri 11a works", &ny), "fri 11am works");
        assert_eq!(normalise_at("10a-12p Friday", &ny), "10am-12pm Friday");
        assert_eq!(normalise_at("plan a or b", &ny), "plan a or b");
    }

    #[test]
    fn numeric_dates_follow_the_senders_order() {
        let ldn = Zone::Iana(Tz::Europe__London);
        let ny = Zone::Iana(Tz::America__New_York);
        assert_eq!(normalise_at("on 4/12 at 10:00", &ldn), "on 12/4 at 10:00");
        assert_eq!(normalise_at("on 12/4 at 10am", &ny), "on 12/4 at 10am");
        assert_eq!(normalise_at("der 3.12. um 14", &ny), "der 12/3 um 14");
        assert_eq!(
            normalise_at("03.12.2026 at 14:30", &ldn),
            "12/3/2026 at 14:30"
        );
        // A dotted clock is no date (it takes a colon); a decimal stays.
        assert_eq!(normalise_at("at 10.30 or 4.5%", &ldn), "at 10:30 or 4.5%");
        assert_eq!(normalise_at("support 24/7", &ldn), "support 24/7");
        assert_eq!(
            normalise_at("a review before the end of the month?", &ldn),
            "a review before December 1st?"
        );
        assert_eq!(
            normalise_at("on Teams 05.01 at 13:00", &ldn),
            "on Teams 1/5 at 13:00"
        );
    }
}
