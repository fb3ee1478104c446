//! Turkish date and clock words put into English before the rest of the time layer reads them
//! ("31 Ocak Cumartesi sabah 10'da" -> "31 January Saturday at 10am").
//!
//! Turkish adds its case endings to names and numbers, after an apostrophe for numbers and
//! proper names ("10'da", "18 Mayıs'a", "cumaya"), so each name is matched with the endings
//! a date takes. Only text that looks Turkish (its dotless i, ş and ğ and its commonest
//! words) is touched.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};

/// Weekday stems; a case ending or "günü" may follow ("perşembe günkü", "cumaya").
const WEEKDAYS: &[(&str, &str)] = &[
    ("pazartesi", "Monday"),
    ("salı", "Tuesday"),
    ("çarşamba", "Wednesday"),
    ("perşembe", "Thursday"),
    ("cumartesi", "Saturday"),
    ("cuma", "Friday"),
    ("pazar", "Sunday"),
];

/// Month names.
const MONTHS: &[(&str, &str)] = &[
    ("ocak", "January"),
    ("şubat", "February"),
    ("mart", "March"),
    ("nisan", "April"),
    ("mayıs", "May"),
    ("haziran", "June"),
    ("temmuz", "July"),
    ("ağustos", "August"),
    ("eylül", "September"),
    ("ekim", "October"),
    ("kasım", "November"),
    ("aralık", "December"),
];

/// Phrases, longest first where one holds another.
const PHRASES: &[(&str, &str)] = &[
    ("öğleden sonra", "in the afternoon"),
    ("öğleden önce", "in the morning"),
    ("öğle yemeği", "lunch"),
    ("gelecek hafta", "next week"),
    ("önümüzdeki hafta", "next week"),
    ("haftaya", "next week"),
    ("bu hafta", "this week"),
    ("geçen hafta", "last week"),
    ("aynı saatte", "at the same time"),
    ("aynı saat", "the same time"),
    ("aynı gün", "the same day"),
    ("yarım saat", "half an hour"),
    ("bir buçuk saat", "an hour and a half"),
    ("bir saat", "an hour"),
    ("iki saat", "two hours"),
    ("üç saat", "three hours"),
    ("dakika", "minutes"),
    ("yarın", "tomorrow"),
    ("bugün", "today"),
    ("dün", "yesterday"),
    ("ya da", "or"),
    ("veya", "or"),
    ("yoksa", "otherwise"),
];

/// Letters Turkish writes and the other languages we read do not.
const LETTERS: &[char] = &['ı', 'ş', 'ğ', 'İ', 'Ş', 'Ğ'];

/// Its commonest short words.
const WORDS: &[&str] = &[
    "miyiz",
    "mıyız",
    "musun",
    "misin",
    "lütfen",
    "ben",
    "biz",
    "gibi",
    "daha",
    "sonra",
    "aynı",
    "bir",
    "ve",
    "için",
    "bu",
    "ile",
    "mi",
    "mı",
    "musunuz",
    "misiniz",
    "merhaba",
    "hanım",
    "bey",
    "teşekkür",
    "ederim",
    "olur",
    "uygun",
    "saat",
    "günü",
    "ama",
    "çok",
    "da",
    "de",
];

/// Turkish letters and at least two different words of its commonest.
fn looks_turkish(text: &str) -> bool {
    text.chars().filter(|c| LETTERS.contains(c)).count() >= 2
        && super::has_common_words(text, WORDS, 2)
}

/// A case ending after a name or a number, with or without the apostrophe.
const ENDING: &str =
    r"(?:'?(?:ya|ye|yı|yi|a|e|da|de|ta|te|dan|den|tan|ten|ki|nın|nin|ın|in|un|ün))?";

static PHRASE: LazyLock<Regex> = LazyLock::new(|| super::words_regex(PHRASES));
static WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b({}){ENDING}(?:\s+gün(ü|kü))?\b",
        super::longest_first(WEEKDAYS)
    ))
    .unwrap_or_else(|_| unreachable!())
});
static MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b({}){ENDING}\b",
        super::longest_first(MONTHS)
    ))
    .unwrap_or_else(|_| unreachable!())
});
/// "ayın 15'inden önce", "15 Aralık'tan önce": before a day.
static BEFORE_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:ayın\s+)?(\d{1,2})'?(?:sinden|inden|ından|undan|ünden|den|dan|ten|tan)\s+önce\b",
    )
    .unwrap_or_else(|_| unreachable!())
});
/// "saat 10:00'da", "sabah 9'da", "14.00'te": a clock, with the part of day before it.
static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:(sabah|öğleden sonra|akşam)\s+)?(?:saat\s+)?(\d{1,2})(?:[:.](\d{2}))?'(?:da|de|ta|te|dan|den|tan|ten|a|e|ya|ye)\b|\bsaat\s+(\d{1,2})(?:[:.](\d{2}))?\b")
        .unwrap_or_else(|_| unreachable!())
});
/// "18 Mayıs'a kadar": until a day.
static UNTIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(\d{1,2}\s+[A-Za-z]+)\s+kadar\b").unwrap_or_else(|_| unreachable!())
});

/// The text with Turkish date and clock words in English; borrowed when it is not Turkish.
pub fn rewrite(text: &str) -> Cow<'_, str> {
    if !looks_turkish(text) {
        return Cow::Borrowed(text);
    }
    let t = BEFORE_DAY.replace_all(text, |c: &Captures| {
        format!("before the {}{}", &c[1], super::ordinal_suffix(&c[1]))
    });
    let t = CLOCK.replace_all(&t, |c: &Captures| {
        let (hour, minutes) = match c.get(2) {
            Some(h) => (h.as_str(), c.get(3).map_or("00", |m| m.as_str())),
            None => (&c[4], c.get(5).map_or("00", |m| m.as_str())),
        };
        let meridiem = match c.get(1).map(|m| m.as_str().to_lowercase()) {
            Some(part) if part == "sabah" => "am",
            Some(_) => "pm",
            None => "",
        };
        format!("at {hour}:{minutes}{meridiem}")
    });
    let t = PHRASE.replace_all(&t, |c: &Captures| {
        super::english(PHRASES, &c[0]).to_string()
    });
    // "perşembe günkü toplantı": Thursday's meeting, the one being moved, not a new day.
    let t = WEEKDAY.replace_all(&t, |c: &Captures| {
        let day = super::english(WEEKDAYS, &c[1]);
        match c.get(2).map(|m| m.as_str()) {
            Some("kü") => format!("{day}'s"),
            _ => day.to_string(),
        }
    });
    let t = MONTH.replace_all(&t, |c: &Captures| super::english(MONTHS, &c[1]).to_string());
    let t = UNTIL.replace_all(&t, "by $1");
    Cow::Owned(t.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turkish_dates_and_clocks_read_as_english() {
        let t = rewrite("31 Ocak Cumartesi sabah 10'da uygun musunuz? Bahçe kapısı açık olacak.");
        assert!(t.contains("31 January Saturday at 10:00am"), "{t}");
        let t =
            rewrite("Perşembe günkü toplantıyı cumaya alabilir miyiz? Aynı saatte, sabah 9'da.");
        assert!(t.contains("Thursday"), "{t}");
        assert!(t.contains("Friday"), "{t}");
        assert!(t.contains("at 9:00am"), "{t}");
        let t =
            rewrite("Zeynep Hanım, ayın 15'inden önce hangi günler müsaitsiniz? Bir saat yeter.");
        assert!(t.contains("before the 15th"), "{t}");
        assert!(t.contains("an hour"), "{t}");
    }

    #[test]
    fn english_with_a_turkish_name_is_untouched() {
        let t = "Could we meet on Friday at 10? Best, Barış Yılmaz";
        assert!(matches!(rewrite(t), Cow::Borrowed(_)));
    }
}
