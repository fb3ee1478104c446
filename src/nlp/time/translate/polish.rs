//! Polish date and clock words put into English before the rest of the time layer reads them
//! ("w czwartek 16 kwietnia o 10:00" -> "on Thursday 16 April at 10:00").
//!
//! Polish inflects its weekday and month names ("w środę", "14 kwietnia", "w marcu"), so each
//! form is listed. Only text that looks Polish (its letters and its commonest words) is
//! touched: an English email with "o 10" or "do 14" in it passes through unchanged.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};

/// Every form of a weekday name that a date takes ("we wtorek", "do środy", "w sobotę").
const WEEKDAYS: &[(&str, &str)] = &[
    ("poniedziałek", "Monday"),
    ("poniedziałku", "Monday"),
    ("wtorek", "Tuesday"),
    ("wtorku", "Tuesday"),
    ("środa", "Wednesday"),
    ("środę", "Wednesday"),
    ("środy", "Wednesday"),
    ("środzie", "Wednesday"),
    ("czwartek", "Thursday"),
    ("czwartku", "Thursday"),
    ("piątek", "Friday"),
    ("piątku", "Friday"),
    ("sobota", "Saturday"),
    ("sobotę", "Saturday"),
    ("soboty", "Saturday"),
    ("sobocie", "Saturday"),
    ("niedziela", "Sunday"),
    ("niedzielę", "Sunday"),
    ("niedzieli", "Sunday"),
];

/// Month names: the genitive after a day number ("14 kwietnia"), the nominative and the
/// locative ("w marcu").
const MONTHS: &[(&str, &str)] = &[
    ("stycznia", "January"),
    ("styczeń", "January"),
    ("styczniu", "January"),
    ("lutego", "February"),
    ("luty", "February"),
    ("lutym", "February"),
    ("marca", "March"),
    ("marzec", "March"),
    ("marcu", "March"),
    ("kwietnia", "April"),
    ("kwiecień", "April"),
    ("kwietniu", "April"),
    ("maja", "May"),
    ("maju", "May"),
    ("czerwca", "June"),
    ("czerwiec", "June"),
    ("czerwcu", "June"),
    ("lipca", "July"),
    ("lipiec", "July"),
    ("lipcu", "July"),
    ("sierpnia", "August"),
    ("sierpień", "August"),
    ("sierpniu", "August"),
    ("września", "September"),
    ("wrzesień", "September"),
    ("wrześniu", "September"),
    ("października", "October"),
    ("październik", "October"),
    ("październiku", "October"),
    ("listopada", "November"),
    ("listopad", "November"),
    ("listopadzie", "November"),
    ("grudnia", "December"),
    ("grudzień", "December"),
    ("grudniu", "December"),
];

/// Phrases, longest first where one holds another.
const PHRASES: &[(&str, &str)] = &[
    ("w przyszłym tygodniu", "next week"),
    ("w przyszły", "next"),
    ("w zeszłym tygodniu", "last week"),
    ("w ubiegłym tygodniu", "last week"),
    ("w tym tygodniu", "this week"),
    ("o tej samej godzinie", "at the same time"),
    ("o tej samej porze", "at the same time"),
    ("tej samej godzinie", "the same time"),
    ("dzień później", "a day later"),
    ("dzień wcześniej", "a day earlier"),
    ("przed południem", "in the morning"),
    ("po południu", "in the afternoon"),
    ("w południe", "at noon"),
    ("wieczorem", "in the evening"),
    ("rano", "in the morning"),
    ("pojutrze", "the day after tomorrow"),
    ("jutro", "tomorrow"),
    ("dzisiaj", "today"),
    ("dziś", "today"),
    ("wczoraj", "yesterday"),
    ("pół godziny", "half an hour"),
    ("półtorej godziny", "an hour and a half"),
    ("dwóch godzin", "two hours"),
    ("dwie godziny", "two hours"),
    ("trzech godzin", "three hours"),
    ("trzy godziny", "three hours"),
    ("godzinkę", "an hour"),
    ("godzinka", "an hour"),
    ("godzinę", "an hour"),
    ("godzina", "an hour"),
    ("minut", "minutes"),
    ("termin mija", "the deadline is"),
    ("albo", "or"),
    ("lub", "or"),
    ("w obu przypadkach", "in both cases"),
    // Opening hours and facts, which the English rules know are not offers.
    ("godziny otwarcia", "opening hours"),
    ("czynna", "open"),
    ("czynne", "open"),
    ("czynny", "open"),
    ("otwiera", "opens"),
    ("zamyka", "closes"),
];

/// Letters only Polish (of the languages mail reaches us in) writes.
const LETTERS: &[char] = &['ł', 'ą', 'ę', 'ś', 'ż', 'ź', 'ć', 'ń', 'Ł', 'Ś', 'Ż'];

/// Its commonest short words, to tell Polish from a name with a Polish letter in it.
const WORDS: &[&str] = &[
    "się",
    "nie",
    "jest",
    "czy",
    "że",
    "dla",
    "jak",
    "już",
    "pani",
    "pan",
    "proszę",
    "będzie",
    "mogę",
    "możesz",
    "dziękuję",
    "jutro",
    "albo",
    "lub",
    "oraz",
    "aby",
    "przy",
    "przez",
    "na",
    "po",
    "ze",
    "więc",
    "jestem",
    "będę",
    "mam",
    "tak",
    "dam",
    "rady",
];

/// Polish letters in several words and at least two of its commonest words: a Polish text,
/// not an English one signed by Łukasz from Łódź.
fn looks_polish(text: &str) -> bool {
    text.chars().filter(|c| LETTERS.contains(c)).count() >= 3
        && super::has_common_words(text, WORDS, 2)
}

static PHRASE: LazyLock<Regex> = LazyLock::new(|| super::words_regex(PHRASES));
static WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?:w|we)?\s*\b({})\b",
        super::longest_first(WEEKDAYS)
    ))
    .unwrap_or_else(|_| unreachable!())
});
static MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)\b({})\b", super::longest_first(MONTHS)))
        .unwrap_or_else(|_| unreachable!())
});
/// "od 27 do 31 lipca", "w dniach 14-16 kwietnia": a run of days.
static DAY_RUN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:od\s+(\d{1,2})\s+do|w\s+dniach\s+(\d{1,2})\s*[-–])\s*(\d{1,2})\b")
        .unwrap_or_else(|_| unreachable!())
});
/// "o 10:00", "o godz. 9", "o godzinie 14.30": a clock.
static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bo\s+(?:godz(?:inie|\.)?\s*)?(\d{1,2})(?:[:.](\d{2}))?\b")
        .unwrap_or_else(|_| unreachable!())
});
/// "do 14 sierpnia", "do 2 stycznia": until or by a day.
static UNTIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bdo\s+(\d)").unwrap_or_else(|_| unreachable!()));

/// The text with Polish date and clock words in English; borrowed when it is not Polish.
pub fn rewrite(text: &str) -> Cow<'_, str> {
    if !looks_polish(text) {
        return Cow::Borrowed(text);
    }
    let t = DAY_RUN.replace_all(text, |c: &Captures| {
        let from = c.get(1).or(c.get(2)).map_or("", |m| m.as_str());
        format!("from {from} to {}", &c[3])
    });
    let t = PHRASE.replace_all(&t, |c: &Captures| {
        super::english(PHRASES, &c[0]).to_string()
    });
    let t = WEEKDAY.replace_all(&t, |c: &Captures| {
        format!("on {}", super::english(WEEKDAYS, &c[1]))
    });
    let t = MONTH.replace_all(&t, |c: &Captures| super::english(MONTHS, &c[1]).to_string());
    let t = CLOCK.replace_all(&t, |c: &Captures| {
        format!("at {}:{}", &c[1], c.get(2).map_or("00", |m| m.as_str()))
    });
    let t = UNTIL.replace_all(&t, "until $1");
    Cow::Owned(t.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polish_dates_and_clocks_read_as_english() {
        let t = rewrite(
            "Czy mogłaby Pani przyjechać w czwartek 16 kwietnia, o tej samej godzinie, czyli o 10:00? Nie jest to pilne, proszę o odpowiedź.",
        );
        assert!(t.contains("on Thursday 16 April"), "{t}");
        assert!(t.contains("at the same time"), "{t}");
        assert!(t.contains("at 10:00"), "{t}");
        let t = rewrite(
            "Z naszej strony możliwe są dni od 27 do 31 lipca. Odbiór potrwa ok. dwóch godzin, nie więcej. Czy to jest ok?",
        );
        assert!(t.contains("from 27 to 31 July"), "{t}");
        assert!(t.contains("two hours"), "{t}");
        let t = rewrite("Możesz jutro o 8:00 podjechać? Nie wiem, czy się uda.");
        assert!(t.contains("tomorrow at 8:00"), "{t}");
    }

    #[test]
    fn english_with_a_polish_name_is_untouched() {
        let t = "Could we meet on Tuesday at 10? Best, Łukasz";
        assert!(matches!(rewrite(t), Cow::Borrowed(_)));
        let t = "Please send it to Zoë by 14 May, or do 3pm.";
        assert!(matches!(rewrite(t), Cow::Borrowed(_)));
    }
}
