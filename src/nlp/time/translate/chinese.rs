//! Chinese date and clock words put into English before the rest of the time layer reads them
//! ("下周四下午3点" -> "next week Thursday at 3:00 pm", "3月12日上午十点半" -> "March 12 at
//! 10:30 am").
//!
//! Only text with Han characters and no kana is touched (Japanese, which writes the same
//! characters for dates, has its own pass first). Every rewritten word is set apart by spaces,
//! as Chinese writes none.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};

use crate::nlp::time::normalise::MONTH_NAMES;

/// Words and phrases, longest first where one holds another (applied in order).
const WORDS: &[(&str, &str)] = &[
    ("下下周", " the week after next "),
    ("下星期", " next week "),
    ("下週", " next week "),
    ("下周", " next week "),
    ("这星期", " this week "),
    ("這週", " this week "),
    ("这周", " this week "),
    ("本周", " this week "),
    ("上周", " last week "),
    ("上週", " last week "),
    ("后天", " the day after tomorrow "),
    ("後天", " the day after tomorrow "),
    ("明天", " tomorrow "),
    ("今天", " today "),
    ("昨天", " yesterday "),
    ("上午", " in the morning "),
    ("早上", " in the morning "),
    ("下午", " in the afternoon "),
    ("晚上", " in the evening "),
    ("中午", " at noon "),
    ("午饭", " lunch "),
    ("午餐", " lunch "),
    ("半小时", " for 30 minutes "),
    ("半个小时", " for 30 minutes "),
    ("一个小时", " for 60 minutes "),
    ("一小时", " for 60 minutes "),
    ("或者", " or "),
    ("至", " to "),
    ("还是", " or "),
    ("還是", " or "),
    ("或", " or "),
];

/// "星期四", "周四", "礼拜四", "下周四": a weekday, of next week or this one when it says so.
static WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(下|这|這|本)?(?:星期|礼拜|禮拜|周|週)([一二三四五六日天])")
        .unwrap_or_else(|_| unreachable!())
});
/// "十点", "两點": an hour in Chinese numerals, put in digits before [`CLOCK`] reads it.
static HOUR_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(十[一二]?|[一二两三四五六七八九十])\s*([点點])")
        .unwrap_or_else(|_| unreachable!())
});
/// "下午3点", "上午10点半", "9点30分", "10點": a clock, with its half of the day when written.
static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:(上午|早上|下午|晚上|中午)\s*)?(\d{1,2})\s*[点點](?:\s*(\d{1,2})\s*分|\s*(半))?",
    )
    .unwrap_or_else(|_| unreachable!())
});
/// "3月12日", "12号", "3月10日（周二）": a date; the month and the weekday after it may be left
/// out. The weekday goes first in English ("Tuesday March 10").
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*[日号號](?:\s*[(（]\s*(?:星期|礼拜|禮拜|周|週)([一二三四五六日天])\s*[)）])?")
        .unwrap_or_else(|_| unreachable!())
});
/// "2个小时", "45分钟": a length.
static LENGTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{1,3}|[一二两三四])\s*(?:个|個)?\s*(小时|小時|分钟|分鐘)")
        .unwrap_or_else(|_| unreachable!())
});

fn has_han_without_kana(text: &str) -> bool {
    let han = text.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c));
    han && !text
        .chars()
        .any(|c| ('\u{3041}'..='\u{3096}').contains(&c) || ('\u{30A1}'..='\u{30FA}').contains(&c))
}

/// A number up to twelve, in digits or Chinese numerals.
fn number(s: &str) -> u32 {
    if let Ok(n) = s.parse() {
        return n;
    }
    let digit = |c: char| match c {
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => 0,
    };
    match s.strip_prefix('十') {
        Some(rest) => 10 + rest.chars().next().map_or(0, digit),
        None => s.chars().next().map_or(0, digit),
    }
}

fn weekday(c: &str) -> &'static str {
    match c {
        "一" => "Monday",
        "二" => "Tuesday",
        "三" => "Wednesday",
        "四" => "Thursday",
        "五" => "Friday",
        "六" => "Saturday",
        _ => "Sunday",
    }
}

/// The text with Chinese date and clock words in English; borrowed when it is not Chinese.
pub fn rewrite(text: &str) -> Cow<'_, str> {
    if !has_han_without_kana(text) {
        return Cow::Borrowed(text);
    }
    let t = super::half_width(text);
    let t = LENGTH.replace_all(&t, |c: &Captures| {
        let n = number(&c[1]);
        let minutes = if c[2].starts_with('小') { n * 60 } else { n };
        format!(" for {minutes} minutes ")
    });
    let t = HOUR_WORD.replace_all(&t, |c: &Captures| format!("{}{}", number(&c[1]), &c[2]));
    // "中午12点" is noon and "中午1点" 1 pm: every half of the day but the morning is pm.
    let t = CLOCK.replace_all(&t, |c: &Captures| {
        super::east_asian_clock(c, &["上午", "早上"])
    });
    let t = DATE.replace_all(&t, |c: &Captures| {
        let day = &c[2];
        let month = c
            .get(1)
            .and_then(|m| m.as_str().parse::<usize>().ok())
            .and_then(|m| MONTH_NAMES.get(m.wrapping_sub(1)));
        let wd = c
            .get(3)
            .map_or(String::new(), |w| format!(" {}", weekday(w.as_str())));
        match month {
            Some(m) => format!("{wd} {m} {day} "),
            None => format!("{wd} the {day}{} ", super::ordinal_suffix(day)),
        }
    });
    let t = WEEKDAY.replace_all(&t, |c: &Captures| {
        let day = weekday(&c[2]);
        match c.get(1).map(|m| m.as_str()) {
            Some("下") => format!(" {day} next week "),
            Some(_) => format!(" this {day} "),
            None => format!(" {day} "),
        }
    });
    let out = super::replace_in_order(t.into_owned(), WORDS);
    Cow::Owned(out.replace('的', " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_dates_clocks_and_lengths_read_as_english() {
        let t = rewrite("王总，下周四下午3点方便吗？大概一个小时。");
        assert!(t.contains("next week"), "{t}");
        assert!(t.contains("Thursday"), "{t}");
        assert!(t.contains("at 3:00 pm"), "{t}");
        assert!(t.contains("for 60 minutes"), "{t}");
        let t = rewrite("3月12日上午十点半或者3月13日下午两点可以吗？");
        assert!(t.contains("March 12"), "{t}");
        assert!(t.contains("at 10:30 am"), "{t}");
        assert!(t.contains(" or "), "{t}");
        assert!(t.contains("at 2:00 pm"), "{t}");
        let t = rewrite("请问3月10日（周二）或3月11日（周三）上午方便吗？");
        assert!(t.contains("Tuesday March 10"), "{t}");
        assert!(t.contains("Wednesday March 11"), "{t}");
    }

    #[test]
    fn japanese_and_english_are_left_alone() {
        assert!(matches!(
            rewrite("明日10時はいかがですか"),
            Cow::Borrowed(_)
        ));
        assert!(matches!(rewrite("Tuesday at 3pm?"), Cow::Borrowed(_)));
    }
}
