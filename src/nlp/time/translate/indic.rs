//! Hindi and Marathi (in Devanagari) and Hindi-Urdu written in Latin letters ("Hinglish") put
//! into English before the rest of the time layer reads them ("कल सुबह 11 बजे" and "kal subah
//! 11 baje" -> "tomorrow morning at 11:00 am", "उद्या सकाळी 10 वाजता" -> "tomorrow morning at
//! 10:00 am").
//!
//! "kal" is tomorrow or yesterday; in a request to meet it is tomorrow, which is how it is read.
//! Latin-letter text is touched only when it holds three of the language's commonest words, so
//! English mail is left alone.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};

/// Devanagari words, longest first where one holds another (applied in order).
const DEVANAGARI: &[(&str, &str)] = &[
    ("अगले हफ्ते", " next week "),
    ("अगले हफ़्ते", " next week "),
    ("अगले सप्ताह", " next week "),
    ("पुढच्या आठवड्यात", " next week "),
    ("पुढील आठवड्यात", " next week "),
    ("इस हफ्ते", " this week "),
    ("परसों", " the day after tomorrow "),
    ("परवा", " the day after tomorrow "),
    ("उद्या", " tomorrow "),
    ("कल", " tomorrow "),
    ("आज", " today "),
    ("सोमवार", " Monday "),
    ("मंगलवार", " Tuesday "),
    ("मंगळवार", " Tuesday "),
    ("बुधवार", " Wednesday "),
    ("गुरुवार", " Thursday "),
    ("बृहस्पतिवार", " Thursday "),
    ("शुक्रवार", " Friday "),
    ("शनिवार", " Saturday "),
    ("रविवार", " Sunday "),
    ("घंटे", " hours "),
    ("घंटा", " hour "),
    ("तास", " hours "),
    ("मिनट", " minutes "),
    ("मिनिटे", " minutes "),
    ("या", " or "),
    ("किंवा", " or "),
];

/// Hinglish and Roman Urdu words, matched as whole words.
const LATIN: &[(&str, &str)] = &[
    ("agle hafte", "next week"),
    ("agle week", "next week"),
    ("is hafte", "this week"),
    ("parson", "the day after tomorrow"),
    ("parso", "the day after tomorrow"),
    ("kal", "tomorrow"),
    ("aaj", "today"),
    ("somvar", "Monday"),
    ("mangalvar", "Tuesday"),
    ("mangal", "Tuesday"),
    ("budhvar", "Wednesday"),
    ("budh", "Wednesday"),
    ("guruvar", "Thursday"),
    ("jumeraat", "Thursday"),
    ("shukravar", "Friday"),
    ("jumma", "Friday"),
    ("shanivar", "Saturday"),
    ("ravivar", "Sunday"),
    ("itwaar", "Sunday"),
    ("ghante", "hours"),
    ("ghanta", "hour"),
    ("ya phir", "or"),
];

/// Its commonest short words in Latin letters (none of them English).
const WORDS: &[&str] = &[
    "hai", "hain", "kya", "aap", "aapka", "ji", "kar", "karein", "karte", "mein", "ko", "ka", "ki",
    "se", "nahi", "lein", "sakte", "sakta", "sakti", "baje", "subah", "shaam", "bhai", "baji",
    "theek", "acha", "accha", "hum", "main", "mera", "meri", "aur", "bhi",
];

/// "सुबह 11 बजे", "सकाळी 10 वाजता", "subah 11 baje", "4:30 baje": a clock, with its part of
/// the day when written.
static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:(सुबह|सकाळी|दोपहर|दुपारी|शाम|संध्याकाळी|रात|subah|dopahar|shaam|sham|raat)\s+)?(\d{1,2})(?:[:.](\d{2}))?\s*(?:बजे|वाजता|वाजले|baje)")
        .unwrap_or_else(|_| unreachable!())
});
static LATIN_WORD: LazyLock<Regex> = LazyLock::new(|| super::words_regex(LATIN));

/// A whole Devanagari word (letters and vowel signs).
static DEVANAGARI_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\x{0900}-\x{0963}\x{0970}-\x{097F}]+").unwrap_or_else(|_| unreachable!())
});

fn has_devanagari(text: &str) -> bool {
    text.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c))
}

/// Devanagari digits as ASCII.
fn ascii_digits(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{0966}'..='\u{096F}' => char::from(b'0' + (c as u32 - 0x0966) as u8),
            _ => c,
        })
        .collect()
}

/// The text with Hindi, Marathi or Hinglish date and clock words in English; borrowed when it
/// is none of them.
pub fn rewrite(text: &str) -> Cow<'_, str> {
    let devanagari = has_devanagari(text);
    if !devanagari && !super::has_common_words(text, WORDS, 3) {
        return Cow::Borrowed(text);
    }
    let t = ascii_digits(text);
    let t = CLOCK.replace_all(&t, |c: &Captures| {
        let hour: u32 = c[2].parse().unwrap_or(0);
        let minutes = c.get(3).map_or("00", |m| m.as_str());
        let half = match c.get(1).map(|m| m.as_str().to_lowercase()) {
            Some(w) if ["सुबह", "सकाळी", "subah"].contains(&w.as_str()) => " am",
            // "दोपहर 12 बजे" is noon; the afternoon, evening and night are pm.
            Some(_) => " pm",
            // "11 baje" with no part of the day: the working day's reading.
            None if (1..=6).contains(&hour) => " pm",
            None => "",
        };
        format!(" at {hour}:{minutes}{half} ")
    });
    let t = LATIN_WORD.replace_all(&t, |c: &Captures| super::english(LATIN, &c[0]));
    let mut out = t.into_owned();
    if devanagari {
        // Phrases first; then single words only as whole words ("या" is "or", and also the
        // end of "क्या").
        let phrases: Vec<(&str, &str)> = DEVANAGARI
            .iter()
            .copied()
            .filter(|(k, _)| k.contains(' '))
            .collect();
        out = super::replace_in_order(out, &phrases);
        out = DEVANAGARI_WORD
            .replace_all(&out, |c: &Captures| {
                DEVANAGARI
                    .iter()
                    .find(|(k, _)| *k == &c[0])
                    .map_or_else(|| c[0].to_string(), |(_, v)| v.to_string())
            })
            .into_owned();
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hindi_marathi_and_hinglish_read_as_english() {
        let t = rewrite("क्या हम कल सुबह 11 बजे मिल सकते हैं?");
        assert!(t.contains("tomorrow"), "{t}");
        assert!(t.contains("at 11:00 am"), "{t}");
        let t = rewrite("आपण उद्या दुपारी ३ वाजता भेटू शकतो का?");
        assert!(t.contains("tomorrow"), "{t}");
        assert!(t.contains("at 3:00 pm"), "{t}");
        let t =
            rewrite("Bhai, kal subah 11 baje sample check kar lein? Shaam 5 baje bhi theek hai.");
        assert!(t.contains("tomorrow  at 11:00 am"), "{t}");
        assert!(t.contains("at 5:00 pm"), "{t}");
    }

    #[test]
    fn english_is_left_alone() {
        assert!(matches!(
            rewrite("Could we meet tomorrow at 11? Kal is my colleague's name."),
            Cow::Borrowed(_)
        ));
    }
}
