//! Korean date and clock words put into English before the rest of the time layer reads them
//! ("내일 오후 3시" -> "tomorrow at 3:00 pm").
//!
//! Korean writes particles straight after a word ("목요일에", "내일은"), so a rewritten word is
//! set apart by spaces: the English reader needs word boundaries. Only text with Hangul in it
//! is touched.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};

use crate::nlp::time::normalise::MONTH_NAMES;

const WORDS: &[(&str, &str)] = &[
    ("다음 주", " next week "),
    ("다음주", " next week "),
    ("이번 주", " this week "),
    ("이번주", " this week "),
    ("지난 주", " last week "),
    ("지난주", " last week "),
    ("월요일", " Monday "),
    ("화요일", " Tuesday "),
    ("수요일", " Wednesday "),
    ("목요일", " Thursday "),
    ("금요일", " Friday "),
    ("토요일", " Saturday "),
    ("일요일", " Sunday "),
    ("모레", " the day after tomorrow "),
    ("내일", " tomorrow "),
    ("오늘", " today "),
    ("어제", " yesterday "),
    ("점심", " lunch "),
    ("한 시간", " an hour "),
    ("한시간", " an hour "),
];

/// "오후 3시", "오전 10시 30분", "3시 반": a clock, with its half of the day when written.
static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:(오전|아침|오후|저녁|밤)\s*)?(\d{1,2})\s*시(?:\s*(\d{1,2})\s*분|\s*(반))?")
        .unwrap_or_else(|_| unreachable!())
});
/// "3월 12일": a month and a day.
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{1,2})\s*월\s*(\d{1,2})\s*일").unwrap_or_else(|_| unreachable!())
});
/// "30분", "2시간": a length.
static LENGTH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d{1,3})\s*(분|시간)").unwrap_or_else(|_| unreachable!()));

fn has_hangul(text: &str) -> bool {
    text.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
}

/// The text with Korean date and clock words in English; borrowed when it has no Hangul.
pub fn rewrite(text: &str) -> Cow<'_, str> {
    if !has_hangul(text) {
        return Cow::Borrowed(text);
    }
    let t = DATE.replace_all(text, |c: &Captures| {
        let month = c[1]
            .parse::<usize>()
            .ok()
            .and_then(|m| MONTH_NAMES.get(m.wrapping_sub(1)));
        match month {
            Some(m) => format!(" {m} {} ", &c[2]),
            None => c[0].to_string(),
        }
    });
    let t = CLOCK.replace_all(&t, |c: &Captures| {
        super::east_asian_clock(c, &["오전", "아침"])
    });
    let t = LENGTH.replace_all(&t, |c: &Captures| {
        let unit = if &c[2] == "분" { "minutes" } else { "hours" };
        format!(" {} {unit} ", &c[1])
    });
    let out = super::replace_in_order(t.into_owned(), WORDS);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korean_dates_and_clocks_read_as_english() {
        let t = rewrite("팀장님, 내일 오후 3시에 회의 가능하실까요? 30분이면 될 것 같습니다.");
        assert!(t.contains("tomorrow"), "{t}");
        assert!(t.contains("at 3:00 pm"), "{t}");
        assert!(t.contains("30 minutes"), "{t}");
        let t = rewrite("3월 12일 목요일 오전 10시 반 어떠세요?");
        assert!(t.contains("March 12"), "{t}");
        assert!(t.contains("Thursday"), "{t}");
        assert!(t.contains("at 10:30 am"), "{t}");
    }

    #[test]
    fn text_without_hangul_is_untouched() {
        assert!(matches!(rewrite("Tuesday at 3pm?"), Cow::Borrowed(_)));
    }
}
