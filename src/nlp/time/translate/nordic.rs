//! Finnish, Swedish, Norwegian and Danish date and clock words put into English before the
//! rest of the time layer reads them ("torstaina klo 10" -> "Thursday at 10:00", "lördagen den
//! 4 april kl. 11 finsk tid" -> "Saturday 4 april at 11:00 Finnish time").
//!
//! Finnish adds case endings to weekday and month names ("torstaille", "helmikuuta"), and the
//! Scandinavian languages a definite ending ("lördagen"), so names are matched by their stem
//! with any ending. Only text that looks Nordic (the languages' commonest words, with å, ä, ö,
//! æ or ø) is touched; German shares ä and ö but not those words.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};

/// Weekday stems; any ending may follow.
const WEEKDAYS: &[(&str, &str)] = &[
    ("maanantai", "Monday"),
    ("tiistai", "Tuesday"),
    ("keskiviik", "Wednesday"),
    ("torstai", "Thursday"),
    ("perjantai", "Friday"),
    ("lauantai", "Saturday"),
    ("sunnuntai", "Sunday"),
    ("måndag", "Monday"),
    ("mandag", "Monday"),
    ("tisdag", "Tuesday"),
    ("tirsdag", "Tuesday"),
    ("onsdag", "Wednesday"),
    ("torsdag", "Thursday"),
    ("fredag", "Friday"),
    ("lördag", "Saturday"),
    ("lørdag", "Saturday"),
    ("söndag", "Sunday"),
    ("søndag", "Sunday"),
];

/// Finnish month stems ("helmikuuta", "maaliskuussa"); the Scandinavian names are close
/// enough to the western pass's German and Dutch ones.
const MONTHS: &[(&str, &str)] = &[
    ("tammikuu", "January"),
    ("helmikuu", "February"),
    ("maaliskuu", "March"),
    ("huhtikuu", "April"),
    ("toukokuu", "May"),
    ("kesäkuu", "June"),
    ("heinäkuu", "July"),
    ("elokuu", "August"),
    ("syyskuu", "September"),
    ("lokakuu", "October"),
    ("marraskuu", "November"),
    ("joulukuu", "December"),
    ("augusti", "August"),
    ("desember", "December"),
    ("marts", "March"),
];

/// Phrases, longest first where one holds another.
const PHRASES: &[(&str, &str)] = &[
    ("ylihuomenna", "the day after tomorrow"),
    ("huomenna", "tomorrow"),
    ("huominen", "tomorrow's"),
    ("huomisen", "tomorrow's"),
    ("tänään", "today"),
    ("eilen", "yesterday"),
    ("ensi viikolla", "next week"),
    ("ensi viikon", "next week's"),
    ("ensi viikko", "next week"),
    ("tällä viikolla", "this week"),
    ("viime viikolla", "last week"),
    ("aamupäivällä", "in the morning"),
    ("aamulla", "in the morning"),
    ("iltapäivällä", "in the afternoon"),
    ("illalla", "in the evening"),
    ("lounaalla", "at lunch"),
    ("puoli tuntia", "half an hour"),
    ("puolen tunnin", "half an hour"),
    ("tunnin", "an hour"),
    ("tunti", "an hour"),
    ("minuuttia", "minutes"),
    ("samaan aikaan", "at the same time"),
    ("tai", "or"),
    ("i övermorgon", "the day after tomorrow"),
    ("i overmorgen", "the day after tomorrow"),
    ("i morgon", "tomorrow"),
    ("imorgon", "tomorrow"),
    ("i morgen", "tomorrow"),
    ("imorgen", "tomorrow"),
    ("i dag", "today"),
    ("idag", "today"),
    ("i går", "yesterday"),
    ("nästa vecka", "next week"),
    ("neste uke", "next week"),
    ("næste uge", "next week"),
    ("den här veckan", "this week"),
    ("denna vecka", "this week"),
    ("förra veckan", "last week"),
    ("förmiddagen", "in the morning"),
    ("förmiddag", "morning"),
    ("formiddagen", "in the morning"),
    ("formiddag", "morning"),
    ("eftermiddagen", "in the afternoon"),
    ("eftermiddag", "afternoon"),
    ("ettermiddagen", "in the afternoon"),
    ("ettermiddag", "afternoon"),
    ("kvällen", "in the evening"),
    ("kvelden", "in the evening"),
    ("en halvtimme", "half an hour"),
    ("en halvtime", "half an hour"),
    ("en timme", "an hour"),
    ("en time", "an hour"),
    ("minuter", "minutes"),
    ("minutter", "minutes"),
    ("samma tid", "the same time"),
    ("samme tid", "the same time"),
    ("finsk tid", "Finnish time"),
    ("svensk tid", "Swedish time"),
    ("norsk tid", "Norwegian time"),
    ("dansk tid", "Danish time"),
    ("eller", "or"),
];

/// Its commonest short words (none of them German or English).
const WORDS: &[&str] = &[
    "että",
    "kanssa",
    "voisitko",
    "voisimme",
    "olisi",
    "moi",
    "hei",
    "kiitos",
    "terveisin",
    "klo",
    "kello",
    "meillä",
    "minulle",
    "sinulle",
    "sopisiko",
    "och",
    "att",
    "jag",
    "är",
    "på",
    "tack",
    "hej",
    "skulle",
    "gärna",
    "vänliga",
    "hälsningar",
    "og",
    "jeg",
    "takk",
    "tak",
    "hilsen",
    "gjerne",
    "gerne",
    "kl",
];

/// Two of the commonest words and a Nordic letter, or three of the words without one (a short
/// Finnish line may have no ä or ö: "Hei, sopisiko perjantaina klo 14? Kiitos").
fn looks_nordic(text: &str) -> bool {
    let letters = text
        .chars()
        .any(|c| matches!(c, 'å' | 'ä' | 'ö' | 'æ' | 'ø' | 'Å' | 'Ä' | 'Ö' | 'Æ' | 'Ø'));
    super::has_common_words(text, WORDS, if letters { 2 } else { 3 })
}

static WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b({})\p{{L}}*",
        super::longest_first(WEEKDAYS)
    ))
    .unwrap_or_else(|_| unreachable!())
});
static MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b({})\p{{L}}*",
        super::longest_first(MONTHS)
    ))
    .unwrap_or_else(|_| unreachable!())
});
static PHRASE: LazyLock<Regex> = LazyLock::new(|| super::words_regex(PHRASES));
/// "klo 10", "kl. 13.30", "kello 9:15": a clock.
static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:klo|kello|kl)\.?\s*(\d{1,2})(?:[.:](\d{2}))?\b")
        .unwrap_or_else(|_| unreachable!())
});
/// "5.2." or "5.2.2026": a day and a month, as the Nordic languages write them.
static DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})?").unwrap_or_else(|_| unreachable!())
});

/// The text with Nordic date and clock words in English; borrowed when it does not look
/// Nordic.
pub fn rewrite(text: &str) -> Cow<'_, str> {
    if !looks_nordic(text) {
        return Cow::Borrowed(text);
    }
    let t = CLOCK.replace_all(text, |c: &Captures| {
        let minutes = c.get(2).map_or("00", |m| m.as_str());
        format!("at {}:{minutes}", &c[1])
    });
    let t = DAY_MONTH.replace_all(&t, |c: &Captures| {
        let month = c[2]
            .parse::<usize>()
            .ok()
            .and_then(|m| crate::nlp::time::normalise::MONTH_NAMES.get(m.wrapping_sub(1)));
        match (month, c.get(3)) {
            (Some(m), Some(y)) => format!("{} {m} {}", &c[1], y.as_str()),
            (Some(m), None) => format!("{} {m} ", &c[1]),
            (None, _) => c[0].to_string(),
        }
    });
    let t = WEEKDAY.replace_all(&t, |c: &Captures| super::english(WEEKDAYS, &c[1]));
    let t = MONTH.replace_all(&t, |c: &Captures| super::english(MONTHS, &c[1]));
    let t = PHRASE.replace_all(&t, |c: &Captures| super::english(PHRASES, &c[0]));
    Cow::Owned(t.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finnish_days_clocks_and_dates_read_as_english() {
        let t = rewrite("Moi, ehtisitkö käymään tehtaalla torstaina klo 10? Kiitos");
        assert!(t.contains("Thursday at 10:00"), "{t}");
        let t = rewrite("Hei, siirretäänkö huominen palaveri torstaille klo 13.30? Terveisin");
        assert!(t.contains("tomorrow's"), "{t}");
        assert!(t.contains("Thursday at 13:30"), "{t}");
        let t = rewrite("Sopisiko sinulle 5.2. iltapäivällä tai 12. helmikuuta? Kiitos");
        assert!(t.contains("5 February"), "{t}");
        assert!(t.contains("in the afternoon or"), "{t}");
        assert!(t.contains("12. February"), "{t}");
    }

    #[test]
    fn swedish_and_norwegian_read_as_english() {
        let t = rewrite(
            "Hej, skulle vi kunna titta på huset lördagen den 4 april kl. 11 finsk tid? Tack",
        );
        assert!(
            t.contains("Saturday den 4 april at 11:00 Finnish time"),
            "{t}"
        );
        let t = rewrite("Hei, passer det i morgen kl 9 eller på fredag? Hilsen, og takk");
        assert!(t.contains("tomorrow at 9:00 or"), "{t}");
        assert!(t.contains("Friday"), "{t}");
    }

    #[test]
    fn german_and_english_are_left_alone() {
        assert!(matches!(
            rewrite("Können wir uns am Dienstag um 14 Uhr treffen? Schöne Grüße"),
            Cow::Borrowed(_)
        ));
        assert!(matches!(
            rewrite("Could we meet on Tuesday at 3pm or later?"),
            Cow::Borrowed(_)
        ));
    }
}
