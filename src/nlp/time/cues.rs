//! Fast pre-scan: finds the short spans of an email that can hold a time expression.
//!
//! Duckling costs about half a millisecond per short phrase and grows faster than linearly
//! with its input, so it only ever sees these spans: runs of words around a cue (a weekday,
//! a month, a clock time, "tomorrow", "next week"...). An email with no cue costs only this
//! scan.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// Spans longer than this are cut at a comma: Duckling's cost grows with length.
pub const MAX_WINDOW: usize = 80;

/// A candidate span to hand to Duckling, in byte offsets of the scanned text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// Byte range of the span in the scanned text.
    pub span: Range<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Can start a window.
    Cue,
    /// Can extend a window but not start one.
    Link,
    /// Ends a window.
    Other,
}

#[derive(Debug, Clone)]
struct Token {
    start: usize,
    end: usize,
    kind: Kind,
    /// A connector that is dropped from the edges of a window ("at", "and", "the").
    connector: bool,
}

static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9]+(?:[:/.'’\-][A-Za-z0-9]+)*\.?").unwrap_or_else(|_| unreachable!())
});

/// Candidate windows of `text`, in order, non-overlapping.
pub fn windows(text: &str) -> Vec<Window> {
    let mut tokens: Vec<Token> = Vec::new();
    for m in TOKEN.find_iter(text) {
        let raw = m.as_str();
        // A trailing period is kept only for "a.m." / "p.m." / "Sept."; elsewhere it ends a
        // sentence and must stay outside the token.
        let (raw, end) = if raw.ends_with('.') && !keeps_period(raw) {
            (&raw[..raw.len() - 1], m.end() - 1)
        } else {
            (raw, m.end())
        };
        let (kind, connector) = classify(raw);
        // "Nováková", "Málaga": letters the token scan does not take glue it to a longer
        // word, which is a name, not "Nov" or "Mal".
        let glued = text[..m.start()]
            .chars()
            .next_back()
            .is_some_and(char::is_alphabetic)
            || text[end..].chars().next().is_some_and(char::is_alphabetic);
        let (kind, connector) = if glued {
            (Kind::Other, false)
        } else {
            (kind, connector)
        };
        tokens.push(Token {
            start: m.start(),
            end,
            kind,
            connector,
        });
    }
    link_zone_words(text, &mut tokens);
    promote_numbers_before_meridiem(text, &mut tokens);
    promote_led_hours(text, &mut tokens);
    split_moves(text, &mut tokens);

    let mut out: Vec<Window> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i].kind != Kind::Cue {
            i += 1;
            continue;
        }
        // Grow left and right over links and cues, never across a sentence break.
        let mut lo = i;
        while lo > 0
            && tokens[lo - 1].kind != Kind::Other
            && joinable(text, &tokens[lo - 1], &tokens[lo])
        {
            lo -= 1;
        }
        let mut hi = i;
        while hi + 1 < tokens.len()
            && tokens[hi + 1].kind != Kind::Other
            && joinable(text, &tokens[hi], &tokens[hi + 1])
        {
            hi += 1;
        }
        let next = hi + 1;
        while lo < hi
            && tokens[lo].connector
            && is_leading_noise(&text[tokens[lo].start..tokens[lo].end])
        {
            lo += 1;
        }
        while hi > lo && tokens[hi].connector {
            hi -= 1;
        }
        push_window(text, &tokens[lo..=hi], &mut out);
        i = next;
    }
    out
}

fn keeps_period(raw: &str) -> bool {
    let lower = raw.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "a.m."
            | "p.m."
            | "sept."
            | "mon."
            | "tue."
            | "tues."
            | "wed."
            | "weds."
            | "thu."
            | "thur."
            | "thurs."
            | "fri."
            | "sat."
    )
}

/// "from 10-11:30am Malaysia time on Monday 26 October", "2pm London time on Tuesday": a
/// zone written between the clock and its day continues the expression, so both are read
/// together. A capitalised place before "time" counts even when no zone is known for it.
fn link_zone_words(text: &str, tokens: &mut [Token]) {
    let mentions = super::zones::all_mentions(text);
    for k in 0..tokens.len() {
        if tokens[k].kind != Kind::Other {
            continue;
        }
        let (start, end) = (tokens[k].start, tokens[k].end);
        let in_mention = mentions.iter().any(|m| m.start <= start && end <= m.end);
        let word = &text[start..end];
        let place_before_time = word.len() >= 3
            && word.starts_with(|c: char| c.is_ascii_uppercase())
            && word.bytes().all(|b| b.is_ascii_alphabetic())
            && tokens.get(k + 1).is_some_and(|n| {
                text[n.start..n.end].eq_ignore_ascii_case("time")
                    && text[end..n.start].trim().is_empty()
            });
        if in_mention || place_before_time {
            tokens[k].kind = Kind::Link;
        }
    }
}

/// "3 pm", "10 a.m.", "3 o'clock": the number is a clock time, so it can start a window.
fn promote_numbers_before_meridiem(text: &str, tokens: &mut [Token]) {
    for k in 1..tokens.len() {
        let word = text[tokens[k].start..tokens[k].end].to_ascii_lowercase();
        let meridiem = matches!(
            word.as_str(),
            "am" | "pm" | "a.m" | "p.m" | "a.m." | "p.m." | "o'clock" | "oclock" | "o’clock"
        );
        if meridiem {
            let prev = &text[tokens[k - 1].start..tokens[k - 1].end];
            if prev.bytes().all(|b| b.is_ascii_digit() || b == b':') && prev.len() <= 5 {
                tokens[k - 1].kind = Kind::Cue;
                tokens[k - 1].connector = false;
            }
        }
    }
}

/// "say 10?", "thinking 4.", "around 11", "@ 9", "3 or 4pm": a bare hour is a clock time
/// when a clock word leads it and nothing after it makes it a count ("about 10 people"),
/// or when "or" joins it to a clock time. It can then start a window, and a day written
/// before it (even in an earlier sentence) gives its date.
fn promote_led_hours(text: &str, tokens: &mut [Token]) {
    let word = |t: &Token| text[t.start..t.end].to_ascii_lowercase();
    for k in 0..tokens.len() {
        let w = word(&tokens[k]);
        let hour = w.len() <= 2
            && w.bytes().all(|b| b.is_ascii_digit())
            && w.parse::<u32>().is_ok_and(|h| (1..=12).contains(&h));
        if !hour || tokens[k].kind != Kind::Link {
            continue;
        }
        let gap_before = match k.checked_sub(1) {
            Some(p) => &text[tokens[p].end..tokens[k].start],
            None => "",
        };
        let led = gap_before.contains('@')
            || (k > 0
                && !gap_before.contains(['.', '!', '?', ';', '\n'])
                && matches!(
                    word(&tokens[k - 1]).as_str(),
                    "at" | "around"
                        | "about"
                        | "say"
                        | "maybe"
                        | "thinking"
                        | "like"
                        | "or"
                        | "after"
                        | "before"
                        | "until"
                        | "till"
                        | "from"
                ));
        // "push our 1pm to 3": in a sentence that moves a meeting, "to" leads the new hour.
        let led =
            led || (k > 0 && word(&tokens[k - 1]) == "to" && moves_before(text, tokens[k].start));
        let next = tokens.get(k + 1);
        let gap_after = next.map_or("", |n| &text[tokens[k].end..n.start]);
        let ends_clause =
            next.is_none_or(|_| gap_after.contains([',', '.', '!', '?', ';', '\n', '(', ')']));
        let next_word = next.map(&word).unwrap_or_default();
        let time_word = matches!(
            next_word.as_str(),
            "my" | "your"
                | "our"
                | "works"
                | "work"
                | "ok"
                | "okay"
                | "then"
                | "if"
                | "please"
                | "sharp"
                | "ish"
                | "et"
                | "est"
                | "edt"
                | "pt"
                | "pst"
                | "pdt"
                | "ct"
                | "cst"
                | "cdt"
                | "mt"
                | "mst"
                | "mdt"
                | "gmt"
                | "utc"
                | "bst"
                | "cet"
                | "cest"
                | "ist"
                | "jst"
                | "aest"
                | "aedt"
                | "eastern"
                | "pacific"
                | "central"
                | "mountain"
                | "london"
                | "uk"
                | "on"
        );
        // "3 or 4pm", "10 or 11 on Friday": an alternative to a clock time.
        // A bare follower must itself end its clause or lead to a day ("1 or 2 people" is a
        // count).
        let tail_ok = |j: usize| -> bool {
            match tokens.get(j + 1) {
                None => true,
                Some(n) => {
                    text[tokens[j].end..n.start].contains([',', '.', '!', '?', ';', '\n', ')'])
                        || n.kind == Kind::Cue
                        || matches!(word(n).as_str(), "on" | "my" | "your" | "works" | "then")
                }
            }
        };
        let or_clock = next_word == "or"
            && tokens.get(k + 2).is_some_and(|t| {
                (t.kind == Kind::Cue && text[t.start..].starts_with(|c: char| c.is_ascii_digit()))
                    || (text[t.start..t.end].bytes().all(|b| b.is_ascii_digit()) && tail_ok(k + 2))
            });
        if (led && (ends_clause || time_word || or_clock)) || or_clock {
            tokens[k].kind = Kind::Cue;
            tokens[k].connector = false;
        }
    }
}

/// "push our 1pm to 3", "move Friday to Monday": the first "to" after a verb that moves a
/// meeting parts the old time from the new one, so it ends a window instead of making a
/// range ("1pm to 3").
fn split_moves(text: &str, tokens: &mut [Token]) {
    let mut done_upto = 0;
    for t in tokens.iter_mut() {
        if t.start < done_upto || !text[t.start..t.end].eq_ignore_ascii_case("to") {
            continue;
        }
        if moves_before(text, t.start) {
            t.kind = Kind::Other;
            t.connector = false;
            // Only the first "to" of the sentence.
            done_upto = text[t.end..]
                .find(['.', '?', '!', '\n'])
                .map_or(text.len(), |k| t.end + k);
        }
    }
}

/// Whether the sentence before `pos` moves a meeting ("push", "move", "shift"...).
fn moves_before(text: &str, pos: usize) -> bool {
    let lo = text[..pos]
        .rfind(['.', '?', '!', '\n'])
        .map_or(0, |k| k + 1);
    let head = text[lo..pos].to_ascii_lowercase();
    head.split(|c: char| !c.is_ascii_alphabetic()).any(|w| {
        matches!(
            w,
            "move" | "moving" | "push" | "pushing" | "shift" | "bump" | "reschedule" | "change"
        )
    })
}

/// Two neighbouring tokens belong to one expression unless a sentence or clause break
/// separates them.
fn joinable(text: &str, a: &Token, b: &Token) -> bool {
    let gap = &text[a.end..b.start];
    if gap.len() > 4 {
        return false;
    }
    !gap.bytes().any(|c| {
        matches!(
            c,
            b'.' | b'!'
                | b'?'
                | b';'
                | b'\n'
                | b'('
                | b')'
                | b'['
                | b']'
                | b'"'
                | b'|'
                | b'>'
                | b'*'
                | b'/'
        )
    })
}

fn is_leading_noise(word: &str) -> bool {
    matches!(
        word.to_ascii_lowercase().as_str(),
        "and" | "of" | "to" | "a" | "the" | "in"
    )
}

/// Adds the window for a run of tokens, cut at commas when it is long.
fn push_window(text: &str, run: &[Token], out: &mut Vec<Window>) {
    let (Some(first), Some(last)) = (run.first(), run.last()) else {
        return;
    };
    if last.end - first.start <= MAX_WINDOW {
        out.push(Window {
            span: first.start..last.end,
        });
        return;
    }
    let mut seg_start = 0;
    for k in 1..run.len() {
        let gap = &text[run[k - 1].end..run[k].start];
        let too_long = run[k].end - run[seg_start].start > MAX_WINDOW;
        if too_long && (gap.contains(',') || run[k].end - run[seg_start].start > 2 * MAX_WINDOW) {
            let seg = &run[seg_start..k];
            if seg.iter().any(|t| t.kind == Kind::Cue) {
                out.push(Window {
                    span: seg[0].start..seg[seg.len() - 1].end,
                });
            }
            seg_start = k;
        }
    }
    let seg = &run[seg_start..];
    if seg.iter().any(|t| t.kind == Kind::Cue) {
        out.push(Window {
            span: seg[0].start..seg[seg.len() - 1].end,
        });
    }
}

/// Kind of one token, and whether it is a bare connector.
fn classify(raw: &str) -> (Kind, bool) {
    if raw.len() > 24 {
        return (Kind::Other, false);
    }
    let lower = raw.to_ascii_lowercase();
    // "Thursday's", "Friday’s": the possessive still names the day.
    let word = lower
        .strip_suffix("'s")
        .or_else(|| lower.strip_suffix("’s"))
        .unwrap_or(&lower);
    if word.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return (classify_numeric(word), false);
    }
    if is_cue_word(word) {
        return (Kind::Cue, false);
    }
    if is_connector(word) {
        return (Kind::Link, true);
    }
    if is_link_word(word) {
        return (Kind::Link, false);
    }
    (Kind::Other, false)
}

fn is_cue_word(w: &str) -> bool {
    matches!(
        w,
        "monday"
            | "mon"
            | "mon."
            | "mondays"
            | "tuesday"
            | "tue"
            | "tues"
            | "tue."
            | "tues."
            | "weds."
            | "thur."
            | "thurs."
            | "sat."
            | "tuesdays"
            | "wednesday"
            | "wed"
            | "weds"
            | "wed."
            | "wednesdays"
            | "thursday"
            | "thu"
            | "thur"
            | "thurs"
            | "thu."
            | "thursdays"
            | "friday"
            | "fri"
            | "fri."
            | "fridays"
            | "saturday"
            | "sat"
            | "saturdays"
            | "sunday"
            | "sundays"
            | "january"
            | "jan"
            | "february"
            | "feb"
            | "march"
            | "april"
            | "apr"
            | "june"
            | "jun"
            | "july"
            | "jul"
            | "august"
            | "aug"
            | "september"
            | "sep"
            | "sept"
            | "sept."
            | "october"
            | "oct"
            | "november"
            | "nov"
            | "december"
            | "dec"
            | "today"
            | "tonight"
            | "tomorrow"
            | "tmrw"
            | "tmr"
            | "tomorrows"
            | "yesterday"
            | "noon"
            | "midday"
            | "midnight"
            | "morning"
            | "afternoon"
            | "evening"
            | "eod"
            | "cob"
            | "eow"
            | "lunch"
            | "lunchtime"
            | "breakfast"
            | "dinner"
            | "weekend"
            | "week"
            | "fortnight"
            | "month"
            | "quarter"
            | "qtr"
            | "year"
            | "christmas"
            | "xmas"
            | "thanksgiving"
            | "easter"
            | "halloween"
            | "eom"
            | "eoy"
    )
}

/// Words that continue a time expression but never start one.
fn is_link_word(w: &str) -> bool {
    matches!(
        w,
        "next"
            | "this"
            | "coming"
            | "following"
            | "after"
            | "before"
            | "until"
            | "till"
            | "til"
            | "from"
            | "between"
            | "through"
            | "thru"
            | "early"
            | "late"
            | "later"
            | "mid"
            | "end"
            | "start"
            | "beginning"
            | "first"
            | "second"
            | "third"
            | "fourth"
            | "fifth"
            | "last"
            | "am"
            | "pm"
            | "a.m"
            | "p.m"
            | "a.m."
            | "p.m."
            | "o'clock"
            | "oclock"
            | "o’clock"
            | "half"
            | "quarter"
            | "past"
            | "one"
            | "two"
            | "three"
            | "four"
            | "five"
            | "six"
            | "seven"
            | "eight"
            | "nine"
            | "ten"
            | "eleven"
            | "twelve"
            | "fifteen"
            | "thirty"
            | "forty"
            | "forty-five"
            | "days"
            | "day"
            | "weeks"
            | "months"
            | "year"
            | "hour"
            | "hours"
            | "may"
            | "sun"
            | "mornings"
            | "afternoons"
            | "evenings"
            | "night"
            | "nights"
            | "ish"
            | "et"
            | "est"
            | "edt"
            | "pt"
            | "pst"
            | "pdt"
            | "ct"
            | "cst"
            | "cdt"
            | "mt"
            | "mst"
            | "mdt"
            | "gmt"
            | "utc"
            | "bst"
            | "cet"
            | "cest"
            | "ist"
            | "jst"
            | "aest"
            | "aedt"
            | "eastern"
            | "pacific"
            | "central"
            | "mountain"
            | "time"
            | "current"
            | "upcoming"
            | "now"
            | "hence"
            | "ago"
            | "black"
            | "eve"
            | "new"
    )
}

/// Connectors that join parts of an expression and are dropped from its edges.
fn is_connector(w: &str) -> bool {
    matches!(
        w,
        "at" | "on" | "to" | "and" | "the" | "of" | "in" | "a" | "around" | "about" | "by"
    )
}

fn classify_numeric(w: &str) -> Kind {
    let b = w.as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let rest = &w[digits..];
    if digits <= 2 {
        if rest.is_empty() {
            return Kind::Link;
        }
        if matches!(
            rest,
            "am" | "pm" | "a" | "p" | "a.m" | "p.m" | "a.m." | "p.m." | "ish"
        ) || matches!(rest, "st" | "nd" | "rd" | "th")
        {
            return Kind::Cue;
        }
        // "10am-12pm", "9am-5pm": a range with am/pm on its first end.
        if (rest.starts_with("am-") || rest.starts_with("pm-"))
            && rest[3..].starts_with(|c: char| c.is_ascii_digit())
        {
            return Kind::Cue;
        }
        // "3:30", "3:30pm", "10.30am", "3-4pm", "11/25", "25/11/2026", "9-5"
        if rest.starts_with(':') || rest.starts_with('/') {
            return Kind::Cue;
        }
        if rest.starts_with('.') || rest.starts_with('-') {
            let has_meridiem = rest.ends_with("am") || rest.ends_with("pm") || rest.ends_with('m');
            let has_colon = rest.contains(':');
            return if has_meridiem || has_colon {
                Kind::Cue
            } else {
                Kind::Link
            };
        }
        return Kind::Other;
    }
    if digits == 4 {
        // "2026-11-25" is a date; "2026" alone only continues one ("Nov 25, 2026").
        if rest.starts_with('-') || rest.starts_with('/') {
            return Kind::Cue;
        }
        if rest.is_empty() && (w.starts_with("19") || w.starts_with("20")) {
            return Kind::Link;
        }
        // "1530h"-style and "0930" military times are rare in email: leave them.
    }
    Kind::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(text: &str) -> Vec<&str> {
        windows(text).into_iter().map(|w| &text[w.span]).collect()
    }

    #[test]
    fn finds_weekday_and_clock_spans() {
        let t = "Hi Ana, could we meet Tuesday at 3pm ET, or Wednesday afternoon? Thanks";
        assert_eq!(
            spans(t),
            vec!["Tuesday at 3pm ET, or Wednesday afternoon"]
                .into_iter()
                .flat_map(|s| s.split(", or "))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn no_cue_no_window() {
        assert!(spans("Thanks for the update, talk soon. I'll send the deck.").is_empty());
    }

    #[test]
    fn separate_sentences_give_separate_windows() {
        let t = "Monday works. At 10 a.m. or 2 pm on Nov 3rd.";
        let s = spans(t);
        assert_eq!(s[0], "Monday");
        assert!(s.iter().any(|w| w.contains("2 pm on Nov 3rd")), "{s:?}");
    }

    #[test]
    fn a_zone_between_clock_and_day_keeps_them_together() {
        let t = "Can we talk 9-10:30am Lisbon time on Friday 6 November? Thanks";
        assert_eq!(spans(t), vec!["9-10:30am Lisbon time on Friday 6 November"]);
        let t = "Say 4pm Cairo time on Monday.";
        assert_eq!(spans(t), vec!["4pm Cairo time on Monday"]);
    }

    #[test]
    fn part_of_a_longer_name_is_no_cue() {
        assert!(spans("Dear Ms Novák, thanks for the files.").is_empty());
        assert!(spans("Greetings from Wedó!").is_empty());
    }

    #[test]
    fn numbers_alone_are_not_cues() {
        assert!(spans("We have 3 people and 12 rooms.").is_empty());
    }
}
