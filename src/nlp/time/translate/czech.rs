//! Czech date and clock words put into English before the rest of the time layer reads them
//! ("v pondělí 21. prosince od 7:00" -> "on Monday 21 December from 7:00").
//!
//! Czech inflects its weekday and month names ("ve středu", "9. března", "v květnu"), so each
//! form is listed, with and without its diacritics: phone mail is often typed without them
//! ("mas v patek odpoledne chvilku?"). Only text that looks Czech (its commonest words) is
//! touched.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};

use super::super::normalise::MONTH_NAMES;

/// Every form of a weekday name that a date takes ("v pátek", "ve středu", "do neděle").
const WEEKDAYS: &[(&str, &str)] = &[
    ("pondělí", "Monday"),
    ("pondeli", "Monday"),
    ("úterý", "Tuesday"),
    ("utery", "Tuesday"),
    ("středa", "Wednesday"),
    ("středu", "Wednesday"),
    ("středy", "Wednesday"),
    ("streda", "Wednesday"),
    ("stredu", "Wednesday"),
    ("čtvrtek", "Thursday"),
    ("čtvrtka", "Thursday"),
    ("ctvrtek", "Thursday"),
    ("ctvrtka", "Thursday"),
    ("pátek", "Friday"),
    ("pátku", "Friday"),
    ("patek", "Friday"),
    ("patku", "Friday"),
    ("sobota", "Saturday"),
    ("sobotu", "Saturday"),
    ("soboty", "Saturday"),
    ("neděle", "Sunday"),
    ("neděli", "Sunday"),
    ("nedele", "Sunday"),
    ("nedeli", "Sunday"),
];

/// Month names: the genitive after a day number ("9. března"), the nominative and the
/// locative ("v květnu").
const MONTHS: &[(&str, &str)] = &[
    ("ledna", "January"),
    ("leden", "January"),
    ("lednu", "January"),
    ("února", "February"),
    ("unora", "February"),
    ("únor", "February"),
    ("únoru", "February"),
    ("března", "March"),
    ("brezna", "March"),
    ("březen", "March"),
    ("březnu", "March"),
    ("dubna", "April"),
    ("duben", "April"),
    ("dubnu", "April"),
    ("května", "May"),
    ("kvetna", "May"),
    ("květen", "May"),
    ("květnu", "May"),
    ("června", "June"),
    ("cervna", "June"),
    ("červen", "June"),
    ("červnu", "June"),
    ("července", "July"),
    ("cervence", "July"),
    ("červenec", "July"),
    ("červenci", "July"),
    ("srpna", "August"),
    ("srpen", "August"),
    ("srpnu", "August"),
    ("září", "September"),
    ("zari", "September"),
    ("října", "October"),
    ("rijna", "October"),
    ("říjen", "October"),
    ("říjnu", "October"),
    ("listopadu", "November"),
    ("listopad", "November"),
    ("prosince", "December"),
    ("prosinec", "December"),
    ("prosinci", "December"),
];

/// Phrases, longest first where one holds another.
const PHRASES: &[(&str, &str)] = &[
    ("příští týden", "next week"),
    ("pristi tyden", "next week"),
    ("příští", "next"),
    ("pristi", "next"),
    ("tento týden", "this week"),
    ("minulý týden", "last week"),
    ("ve stejný čas", "at the same time"),
    ("ve stejnou dobu", "at the same time"),
    ("dopoledne", "in the morning"),
    ("odpoledne", "in the afternoon"),
    ("ráno", "in the morning"),
    ("rano", "in the morning"),
    ("večer", "in the evening"),
    ("vecer", "in the evening"),
    ("v poledne", "at noon"),
    ("pozítří", "the day after tomorrow"),
    ("pozitri", "the day after tomorrow"),
    ("zítra", "tomorrow"),
    ("zitra", "tomorrow"),
    ("dnes", "today"),
    ("včera", "yesterday"),
    ("vcera", "yesterday"),
    ("půl hodiny", "half an hour"),
    ("pul hodiny", "half an hour"),
    ("hodinu a půl", "an hour and a half"),
    ("se dvěma hodinami", "two hours"),
    ("dvě hodiny", "two hours"),
    ("dve hodiny", "two hours"),
    ("tři hodiny", "three hours"),
    ("hodinu", "an hour"),
    ("hodinku", "an hour"),
    ("nebo", "or"),
];

/// Its commonest short words, with and without diacritics.
const WORDS: &[&str] = &[
    "jsem",
    "jsme",
    "není",
    "neni",
    "bych",
    "bychom",
    "že",
    "nebo",
    "když",
    "jestli",
    "máš",
    "mas",
    "máte",
    "mate",
    "chci",
    "stačí",
    "staci",
    "prosím",
    "prosim",
    "děkuji",
    "dekuji",
    "dobrý",
    "pozdravem",
    "tebou",
    "vámi",
    "vám",
    "než",
    "nez",
    "také",
    "musíme",
    "bohužel",
    "bohuzel",
    "šlo",
    "slo",
    "jinak",
    "hodilo",
    "před",
    "může",
    "můžeme",
    "místo",
    "jsou",
    "bude",
    "budu",
    "budeme",
    "ještě",
    "protože",
    "paní",
    "pan",
    "celý",
];

/// Letters only Czech writes (of the languages mail reaches us in).
const LETTERS: &[char] = &['ě', 'ř', 'ů', 'Ř'];

/// A Czech text: its own letters in several words and one of its common words, or (typed
/// without diacritics) three of its common words. Not an English text signed by Jiří Dvořák.
fn looks_czech(text: &str) -> bool {
    (text.chars().filter(|c| LETTERS.contains(c)).count() >= 3
        && super::has_common_words(text, WORDS, 1))
        || super::has_common_words(text, WORDS, 3)
}

static PHRASE: LazyLock<Regex> = LazyLock::new(|| super::words_regex(PHRASES));
static WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?:(?:v|ve|na)\s+)?({})\b",
        super::longest_first(WEEKDAYS)
    ))
    .unwrap_or_else(|_| unreachable!())
});
/// "9. března", "5 května": a day and a month name.
static DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(\d{{1,2}})\.?\s+({})\b",
        super::longest_first(MONTHS)
    ))
    .unwrap_or_else(|_| unreachable!())
});
static MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?:(?:v|ve)\s+)?({})\b",
        super::longest_first(MONTHS)
    ))
    .unwrap_or_else(|_| unreachable!())
});
/// "5. 5.", "21. 12. 2026": day and month in figures.
static NUMERIC_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(\d{1,2})\.\s?(\d{1,2})\.(?:\s?(\d{4}))?").unwrap_or_else(|_| unreachable!())
});
/// "mezi 8. a 12. hodinou", "mezi 8 a 12": a window of hours.
static BETWEEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bmezi\s+(\d{1,2})(?:[:.](\d{2}))?\.?\s+a\s+(\d{1,2})(?:[:.](\d{2}))?\.?(?:\s+hodinou)?")
        .unwrap_or_else(|_| unreachable!())
});
/// "v 7:30", "v 10 hodin", "od 7:00", "do 12": clocks.
static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(v|ve|od|do|kolem)\s+(\d{1,2})(?:[:.](\d{2}))?(?:\s+hod(?:in|\.)?)?\b")
        .unwrap_or_else(|_| unreachable!())
});

/// The text with Czech date and clock words in English; borrowed when it is not Czech.
pub fn rewrite(text: &str) -> Cow<'_, str> {
    if !looks_czech(text) {
        return Cow::Borrowed(text);
    }
    let t = NUMERIC_DATE.replace_all(text, |c: &Captures| {
        let month = c[2]
            .parse::<usize>()
            .ok()
            .and_then(|m| MONTH_NAMES.get(m.wrapping_sub(1)));
        match (c[1].parse::<u32>(), month) {
            (Ok(d), Some(m)) if (1..=31).contains(&d) => match c.get(3) {
                Some(y) => format!("{d} {m} {}", y.as_str()),
                None => format!("{d} {m}"),
            },
            _ => c[0].to_string(),
        }
    });
    let t = BETWEEN.replace_all(&t, |c: &Captures| {
        format!(
            "between {}:{} and {}:{}",
            &c[1],
            c.get(2).map_or("00", |m| m.as_str()),
            &c[3],
            c.get(4).map_or("00", |m| m.as_str())
        )
    });
    let t = PHRASE.replace_all(&t, |c: &Captures| {
        super::english(PHRASES, &c[0]).to_string()
    });
    let t = DAY_MONTH.replace_all(&t, |c: &Captures| {
        format!("{} {}", &c[1], super::english(MONTHS, &c[2]))
    });
    let t = WEEKDAY.replace_all(&t, |c: &Captures| {
        format!("on {}", super::english(WEEKDAYS, &c[1]))
    });
    let t = MONTH.replace_all(&t, |c: &Captures| {
        format!("in {}", super::english(MONTHS, &c[1]))
    });
    let t = CLOCK.replace_all(&t, |c: &Captures| {
        // "do 14 May" (after the day and month above): until a day, not a clock.
        let rest = t[c.get(0).map_or(0, |m| m.end())..].trim_start();
        if MONTH_NAMES.iter().any(|m| rest.starts_with(m)) {
            return c[0].to_string();
        }
        let word = match c[1].to_lowercase().as_str() {
            "od" => "from",
            "do" => "until",
            "kolem" => "around",
            _ => "at",
        };
        // Two-digit hours: Czech writes the 24-hour clock, and "07:00" says so to the
        // conventions, where a bare "7:00" could be the evening's.
        let hour: u32 = c[2].parse().unwrap_or(0);
        format!("{word} {hour:02}:{}", c.get(3).map_or("00", |m| m.as_str()))
    });
    Cow::Owned(t.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn czech_dates_and_clocks_read_as_english() {
        let t = rewrite(
            "Dobrý den, šlo by to v pondělí 21. prosince od 7:00? Jinak bychom to museli nechat na leden.",
        );
        assert!(t.contains("on Monday 21 December from 07:00"), "{t}");
        let t = rewrite(
            "Hodilo by se Vám úterý 5. května někdy mezi 8. a 12. hodinou? Počítejte se dvěma hodinami, děkuji.",
        );
        assert!(t.contains("on Tuesday 5 May"), "{t}");
        assert!(t.contains("between 8:00 and 12:00"), "{t}");
        assert!(t.contains("two hours"), "{t}");
        let t = rewrite(
            "mas v patek odpoledne chvilku? chci s tebou projit rozpocet, staci pul hodiny",
        );
        assert!(t.contains("on Friday in the afternoon"), "{t}");
        assert!(t.contains("half an hour"), "{t}");
        let t = rewrite("Úterý 5. 5. máš v kalendáři volné, prosím potvrď. Děkuji.");
        assert!(t.contains("5 May"), "{t}");
    }

    #[test]
    fn english_with_a_czech_name_is_untouched() {
        let t = "Could we meet on Tuesday at 10? Best, Zdeňka Pospíchalová";
        assert!(matches!(rewrite(t), Cow::Borrowed(_)));
    }
}
