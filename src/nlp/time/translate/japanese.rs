//! Japanese date and clock words put into English before the rest of the time layer reads them
//! ("明日10時から30分ほど" -> "tomorrow at 10:00 for 30 minutes", "19日（木）の午後" -> "the 19th
//! (Thursday) in the afternoon").
//!
//! Japanese writes no spaces, so every rewritten word is set apart by spaces, and its
//! full-width digits and punctuation become ASCII first. Only text with kana in it is touched
//! (kanji alone could be Chinese, which reads its dates differently).

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};

use crate::nlp::time::normalise::MONTH_NAMES;

/// Words and phrases, longest first where one holds another (the table is applied in order).
const WORDS: &[(&str, &str)] = &[
    ("再来週", " the week after next "),
    ("来週", " next week "),
    ("今週", " this week "),
    ("先週", " last week "),
    ("来月", " next month "),
    ("今月", " this month "),
    ("明後日", " the day after tomorrow "),
    ("あさって", " the day after tomorrow "),
    ("明日", " tomorrow "),
    ("あした", " tomorrow "),
    ("本日", " today "),
    ("今日", " today "),
    ("昨日", " yesterday "),
    ("月曜日", " Monday "),
    ("火曜日", " Tuesday "),
    ("水曜日", " Wednesday "),
    ("木曜日", " Thursday "),
    ("金曜日", " Friday "),
    ("土曜日", " Saturday "),
    ("日曜日", " Sunday "),
    ("月曜", " Monday "),
    ("火曜", " Tuesday "),
    ("水曜", " Wednesday "),
    ("木曜", " Thursday "),
    ("金曜", " Friday "),
    ("土曜", " Saturday "),
    ("日曜", " Sunday "),
    ("午前中", " in the morning "),
    ("午前", " in the morning "),
    ("午後", " in the afternoon "),
    ("夕方", " in the evening "),
    ("お昼", " lunch "),
    ("ランチ", " lunch "),
    ("同じ時間", " the same time "),
    ("いつでも", " any time "),
    ("または", " or "),
    ("もしくは", " or "),
    ("か, ", " or "),
];

/// "（木）", "(金)": the weekday written after a date.
static WEEKDAY_MARK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[(（]\s*([月火水木金土日])\s*[)）]").unwrap_or_else(|_| unreachable!())
});
/// "午後3時", "10時半", "9時30分", "15:00": a clock, with its half of the day when written.
static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:(午前|朝|午後|夕方|夜)\s*)?(\d{1,2})\s*時(?:\s*(\d{1,2})\s*分|\s*(半))?")
        .unwrap_or_else(|_| unreachable!())
});
/// "at 10:00から at 12:00まで" (after CLOCK): a range.
static RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"at (\d{1,2}:\d\d(?: [ap]m)?)\s*(?:から|〜|～|-)\s*at (\d{1,2}:\d\d(?: [ap]m)?)\s*(?:まで)?")
        .unwrap_or_else(|_| unreachable!())
});
/// "2027年1月15日", "3月12日（木）", "15日": a date; the year, the month and the weekday after
/// it may be left out. The weekday goes first in English ("Thursday the 19th in the afternoon").
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:(\d{4})\s*年\s*)?(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*日(?:\s*[(（]\s*([月火水木金土日])(?:曜日?)?\s*[)）])?")
        .unwrap_or_else(|_| unreachable!())
});
/// "1時間", "2時間半ほど": a length in hours (read before clocks: "1時間" is not 1 o'clock).
static HOURS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{1,2})\s*時間(半)?\s*(?:ほど|くらい|ぐらい|程度)?")
        .unwrap_or_else(|_| unreachable!())
});
/// "30分ほど": a length in minutes (read after clocks: "10時30分" is a clock).
static MINUTES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{1,3})\s*分\s*(?:ほど|くらい|ぐらい|程度)?").unwrap_or_else(|_| unreachable!())
});

fn has_kana(text: &str) -> bool {
    text.chars()
        .any(|c| ('\u{3041}'..='\u{3096}').contains(&c) || ('\u{30A1}'..='\u{30FA}').contains(&c))
}

fn weekday(mark: &str) -> &'static str {
    match mark {
        "月" => "Monday",
        "火" => "Tuesday",
        "水" => "Wednesday",
        "木" => "Thursday",
        "金" => "Friday",
        "土" => "Saturday",
        _ => "Sunday",
    }
}

/// The text with Japanese date and clock words in English; borrowed when it has no kana.
pub fn rewrite(text: &str) -> Cow<'_, str> {
    if !has_kana(text) {
        return Cow::Borrowed(text);
    }
    let t = super::half_width(text);
    let t = HOURS.replace_all(&t, |c: &Captures| {
        let hours: u32 = c[1].parse().unwrap_or(0);
        let half = if c.get(2).is_some() { 30 } else { 0 };
        format!(" for {} minutes ", hours * 60 + half)
    });
    // Clocks before minutes ("10時30分" is a clock) and before dates.
    let t = CLOCK.replace_all(&t, |c: &Captures| {
        super::east_asian_clock(c, &["午前", "朝"])
    });
    let t = RANGE.replace_all(&t, "from $1 to $2 ");
    let t = MINUTES.replace_all(&t, " for $1 minutes ");
    let t = DATE.replace_all(&t, |c: &Captures| {
        let day = &c[3];
        let month = c
            .get(2)
            .and_then(|m| m.as_str().parse::<usize>().ok())
            .and_then(|m| MONTH_NAMES.get(m.wrapping_sub(1)));
        let wd = c
            .get(4)
            .map_or(String::new(), |w| format!(" {}", weekday(w.as_str())));
        match (month, c.get(1)) {
            (Some(m), Some(y)) => format!("{wd} {m} {day}, {} ", y.as_str()),
            (Some(m), None) => format!("{wd} {m} {day} "),
            (None, _) => format!("{wd} the {day}{} ", super::ordinal_suffix(day)),
        }
    });
    let t = WEEKDAY_MARK.replace_all(&t, |c: &Captures| format!(" ({}) ", weekday(&c[1])));
    let out = super::replace_in_order(t.into_owned(), WORDS);
    // The particles between a date and its part of the day ("19日の午後", "10時に").
    Cow::Owned(out.replace(['の', 'に'], " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_dates_clocks_and_lengths_read_as_english() {
        let t = rewrite("明日１０時から３０分ほど、打ち合わせできますか？");
        assert!(t.contains("tomorrow"), "{t}");
        assert!(t.contains("at 10:00"), "{t}");
        assert!(t.contains("for 30 minutes"), "{t}");
        let t = rewrite("19日（木）の午後か、20日（金）の午前中に伺えます。");
        assert!(t.contains("Thursday the 19th"), "{t}");
        assert!(t.contains("in the afternoon"), "{t}");
        assert!(t.contains(" or "), "{t}");
        assert!(t.contains("in the morning"), "{t}");
        let t = rewrite("2027年1月15日の午後2時から4時までいかがでしょうか。");
        assert!(t.contains("January 15, 2027"), "{t}");
        assert!(t.contains("from 2:00 pm to 4:00"), "{t}");
    }

    #[test]
    fn text_without_kana_is_untouched() {
        assert!(matches!(rewrite("Tuesday at 3pm?"), Cow::Borrowed(_)));
        // Chinese writes 日 and 月 too; without kana it is left to other readers.
        assert!(matches!(rewrite("3月12日下午两点"), Cow::Borrowed(_)));
    }
}
