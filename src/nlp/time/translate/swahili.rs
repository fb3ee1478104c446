//! Swahili date and clock words put into English before the rest of the time layer reads them
//! ("Alhamisi tarehe 16 Julai, saa nane mchana" -> "Thursday 16 July, at 2pm").
//!
//! Swahili counts the hours from dawn: "saa nane mchana", the eighth hour of the day, is 2pm,
//! six hours off the number written. Writers to foreign partners often add the western clock
//! in brackets ("saa nne asubuhi (10am)"), which the English rules then read as the same time
//! said again. Only text that looks Swahili (several of its commonest words) is touched.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};

const WEEKDAYS: &[(&str, &str)] = &[
    ("jumatatu", "Monday"),
    ("jumanne", "Tuesday"),
    ("jumatano", "Wednesday"),
    ("alhamisi", "Thursday"),
    ("ijumaa", "Friday"),
    ("jumamosi", "Saturday"),
    ("jumapili", "Sunday"),
];

const MONTHS: &[(&str, &str)] = &[
    ("januari", "January"),
    ("februari", "February"),
    ("machi", "March"),
    ("aprili", "April"),
    ("mei", "May"),
    ("juni", "June"),
    ("julai", "July"),
    ("agosti", "August"),
    ("septemba", "September"),
    ("oktoba", "October"),
    ("novemba", "November"),
    ("desemba", "December"),
];

/// The hour numbers as words; Swahili counts them from 7 a.m. ("saa moja", the first hour).
const HOURS: &[(&str, u32)] = &[
    ("kumi na mbili", 12),
    ("kumi na moja", 11),
    ("moja", 1),
    ("mbili", 2),
    ("tatu", 3),
    ("nne", 4),
    ("tano", 5),
    ("sita", 6),
    ("saba", 7),
    ("nane", 8),
    ("tisa", 9),
    ("kumi", 10),
];

/// Phrases, longest first where one holds another.
const PHRASES: &[(&str, &str)] = &[
    ("wiki ijayo", "next week"),
    ("wiki hii", "this week"),
    ("wiki iliyopita", "last week"),
    ("kesho kutwa", "the day after tomorrow"),
    ("kesho", "tomorrow"),
    ("leo", "today"),
    ("jana", "yesterday"),
    ("asubuhi", "in the morning"),
    ("mchana", "in the afternoon"),
    ("jioni", "in the evening"),
    ("nusu saa", "half an hour"),
    ("saa moja", "an hour"),
    ("saa mbili", "two hours"),
    ("kimehamishwa hadi", "moved to"),
    ("imehamishwa hadi", "moved to"),
    ("kikao cha", "the meeting of"),
    ("kikao", "meeting"),
    ("mkutano", "meeting"),
    ("tarehe", ""),
    ("au", "or"),
];

const WORDS: &[&str] = &[
    "kwa",
    "cha",
    "habari",
    "tafadhali",
    "asante",
    "sana",
    "naomba",
    "tuzungumze",
    "tuongee",
    "kuhusu",
    "uko",
    "yuko",
    "nataka",
    "inatosha",
    "mama",
    "bwana",
    "wako",
    "pale",
    "hadi",
    "kama",
    "kikao",
    "simu",
    "sawa",
    "karibu",
    "ndiyo",
    "hapana",
    "tunaweza",
    "natumaini",
    "salama",
    "kupitia",
    "wakati",
    "lakini",
    "pia",
    "kwenye",
    "bado",
    "sasa",
];

/// Three of its commonest words, not one Swahili greeting in English mail.
fn looks_swahili(text: &str) -> bool {
    super::has_common_words(text, WORDS, 3)
}

static PHRASE: LazyLock<Regex> = LazyLock::new(|| super::words_regex(PHRASES));
static WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)\b({})\b", super::longest_first(WEEKDAYS)))
        .unwrap_or_else(|_| unreachable!())
});
static MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(\d{{1,2}})\s+({})\b",
        super::longest_first(MONTHS)
    ))
    .unwrap_or_else(|_| unreachable!())
});
/// "saa nane mchana", "saa nne asubuhi", "saa 8 mchana": a clock counted from dawn, with
/// the part of day that says which half.
static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    let words: Vec<&str> = HOURS.iter().map(|(w, _)| *w).collect();
    Regex::new(&format!(
        r"(?i)\bsaa\s+({}|\d{{1,2}})(?:[:.](\d{{2}}))?\s+(asubuhi|mchana|jioni|usiku)\b",
        words.join("|")
    ))
    .unwrap_or_else(|_| unreachable!())
});

/// The western hour (1-12) and half of the day of Swahili hour `n`: the first hour of the
/// day is 7.
fn western_hour(n: u32, part: &str) -> (u32, &'static str) {
    let h = (n + 6 - 1) % 12 + 1;
    let half = match part {
        "asubuhi" if h != 12 => "am",
        "usiku" if (1..=5).contains(&h) => "am",
        _ => "pm",
    };
    (h, half)
}

/// The text with Swahili date and clock words in English; borrowed when it is not Swahili.
pub fn rewrite(text: &str) -> Cow<'_, str> {
    if !looks_swahili(text) {
        return Cow::Borrowed(text);
    }
    let t = CLOCK.replace_all(text, |c: &Captures| {
        let word = c[1].to_lowercase();
        let n = HOURS
            .iter()
            .find(|(w, _)| *w == word)
            .map(|(_, h)| *h)
            .or_else(|| word.parse::<u32>().ok().filter(|n| (1..=12).contains(n)));
        let Some(n) = n else {
            return c[0].to_string();
        };
        let (h, half) = western_hour(n, &c[3].to_lowercase());
        let minutes = c
            .get(2)
            .map_or(String::new(), |m| format!(":{}", m.as_str()));
        format!("at {h}{minutes}{half}")
    });
    let t = PHRASE.replace_all(&t, |c: &Captures| {
        super::english(PHRASES, &c[0]).to_string()
    });
    let t = WEEKDAY.replace_all(&t, |c: &Captures| {
        super::english(WEEKDAYS, &c[1]).to_string()
    });
    let t = MONTH.replace_all(&t, |c: &Captures| {
        format!("{} {}", &c[1], super::english(MONTHS, &c[2]))
    });
    Cow::Owned(t.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swahili_hours_count_from_dawn() {
        let t = rewrite(
            "Naomba tuzungumze kwa simu Alhamisi tarehe 16 Julai, saa nane mchana, kuhusu bei na ratiba.",
        );
        assert!(t.contains("Thursday  16 July, at 2pm"), "{t}");
        assert_eq!(western_hour(1, "asubuhi"), (7, "am"));
        assert_eq!(western_hour(6, "mchana"), (12, "pm"));
        assert_eq!(western_hour(12, "jioni"), (6, "pm"));
        let t = rewrite(
            "Mama, kikao kimehamishwa hadi Jumatatu tarehe 25 Mei, saa nne asubuhi, pale pale.",
        );
        assert!(t.contains("moved to Monday  25 May, at 10am"), "{t}");
        let t = rewrite(
            "Mama, uko free kesho mchana? Nataka tuongee kuhusu greenhouse, nusu saa inatosha.",
        );
        assert!(t.contains("tomorrow in the afternoon"), "{t}");
        assert!(t.contains("half an hour"), "{t}");
    }

    #[test]
    fn english_with_a_swahili_greeting_is_untouched() {
        let t = "Habari Jane! Could we meet on Tuesday at 10? Asante, Tom";
        assert!(matches!(rewrite(t), Cow::Borrowed(_)));
    }
}
