//! Arabic date and clock words put into English before the rest of the time layer reads them
//! ("يوم الخميس الساعة 10 صباحاً" -> "Thursday at 10:00 am").
//!
//! Only text with Arabic letters is touched. Eastern Arabic digits become ASCII first; every
//! rewritten word is set apart by spaces, as the article and prepositions are joined to words.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};

/// Words and phrases, longest first where one holds another (applied in order).
const WORDS: &[(&str, &str)] = &[
    ("الأسبوع القادم", " next week "),
    ("الأسبوع المقبل", " next week "),
    ("الاسبوع القادم", " next week "),
    ("الاسبوع المقبل", " next week "),
    ("هذا الأسبوع", " this week "),
    ("هذا الاسبوع", " this week "),
    ("الأسبوع الماضي", " last week "),
    ("بعد غد", " the day after tomorrow "),
    ("غداً", " tomorrow "),
    ("غدا", " tomorrow "),
    ("بكرة", " tomorrow "),
    ("بكره", " tomorrow "),
    ("اليوم", " today "),
    ("أمس", " yesterday "),
    ("الإثنين", " Monday "),
    ("الاثنين", " Monday "),
    ("الثلاثاء", " Tuesday "),
    ("الأربعاء", " Wednesday "),
    ("الاربعاء", " Wednesday "),
    ("الخميس", " Thursday "),
    ("الجمعة", " Friday "),
    ("السبت", " Saturday "),
    ("الأحد", " Sunday "),
    ("الاحد", " Sunday "),
    ("يناير", " January "),
    ("فبراير", " February "),
    ("مارس", " March "),
    ("أبريل", " April "),
    ("ابريل", " April "),
    ("مايو", " May "),
    ("يونيو", " June "),
    ("يوليو", " July "),
    ("أغسطس", " August "),
    ("اغسطس", " August "),
    ("سبتمبر", " September "),
    ("أكتوبر", " October "),
    ("اكتوبر", " October "),
    ("نوفمبر", " November "),
    ("ديسمبر", " December "),
    ("بعد الظهر", " in the afternoon "),
    ("بعد الظهيرة", " in the afternoon "),
    // Greetings, not times of the meeting.
    ("مساء الخير", " good evening "),
    ("صباح الخير", " good morning "),
    ("صباحاً", " in the morning "),
    ("صباحا", " in the morning "),
    ("مساءً", " in the evening "),
    ("مساء", " in the evening "),
    ("الغداء", " lunch "),
    ("نصف ساعة", " half an hour "),
    ("ساعة واحدة", " an hour "),
    ("ساعتين", " two hours "),
    ("ساعتان", " two hours "),
    ("دقيقة", " minutes "),
    ("يوم", " "),
    (" أو ", " or "),
];

/// "الساعة 10:30 صباحاً", "الساعة 3 مساءً": a clock, with its half of the day when written.
static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:ال)?ساعة\s*(\d{1,2})(?:[:.](\d{2}))?(?:\s*(صباحاً|صباحا|ص|مساءً|مساء|م|ظهراً|ظهرا)(?:\s|$|[.,،؟]))?")
        .unwrap_or_else(|_| unreachable!())
});

fn has_arabic(text: &str) -> bool {
    text.chars().any(|c| ('\u{0620}'..='\u{064A}').contains(&c))
}

/// Eastern Arabic digits and Arabic punctuation as ASCII.
fn ascii_digits(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            '؟' => '?',
            '،' => ',',
            _ => c,
        })
        .collect()
}

/// The text with Arabic date and clock words in English; borrowed when it has no Arabic.
pub fn rewrite(text: &str) -> Cow<'_, str> {
    if !has_arabic(text) {
        return Cow::Borrowed(text);
    }
    let t = ascii_digits(text);
    let t = CLOCK.replace_all(&t, |c: &Captures| {
        let minutes = c.get(2).map_or("00", |m| m.as_str());
        let half = match c.get(3).map(|m| m.as_str()) {
            Some(w) if w.starts_with('ص') => " am",
            Some(_) => " pm",
            None => "",
        };
        format!(" at {}:{minutes}{half} ", &c[1])
    });
    let out = super::replace_in_order(t.into_owned(), WORDS);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_days_and_clocks_read_as_english() {
        let t = rewrite("هل يناسبك يوم الخميس الساعة ١٠ صباحاً أو الأحد بعد الظهر؟");
        assert!(t.contains("Thursday"), "{t}");
        assert!(t.contains("at 10:00 am"), "{t}");
        assert!(t.contains(" or "), "{t}");
        assert!(t.contains("Sunday"), "{t}");
        assert!(t.contains("in the afternoon"), "{t}");
        let t = rewrite("نلتقي غداً الساعة 3:30 مساءً لمدة نصف ساعة");
        assert!(t.contains("tomorrow"), "{t}");
        assert!(t.contains("at 3:30 pm"), "{t}");
        assert!(t.contains("half an hour"), "{t}");
    }

    #[test]
    fn text_without_arabic_is_untouched() {
        assert!(matches!(rewrite("Thursday at 10?"), Cow::Borrowed(_)));
    }
}
