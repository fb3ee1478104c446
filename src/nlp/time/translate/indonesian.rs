//! Indonesian and Malay date and clock words put into English before the rest of the time
//! layer reads them ("Senin 23 Februari, jam 9 pagi" -> "Monday 23 February, at 9:00am").
//!
//! The two languages share their weekday names, most month names and the way they tell the
//! time ("jam 10", "pukul 10.00 pagi"). Only text that looks like either (several of their
//! commonest words) is touched.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};

/// Weekday names; "minggu" is Sunday only after "hari" (alone it is "week").
const WEEKDAYS: &[(&str, &str)] = &[
    ("senin", "Monday"),
    ("isnin", "Monday"),
    ("selasa", "Tuesday"),
    ("rabu", "Wednesday"),
    ("kamis", "Thursday"),
    ("khamis", "Thursday"),
    ("jumat", "Friday"),
    ("jum'at", "Friday"),
    ("jumaat", "Friday"),
    ("sabtu", "Saturday"),
    ("hari minggu", "Sunday"),
    ("ahad", "Sunday"),
];

/// Month names (Indonesian, then the Malay forms that differ).
const MONTHS: &[(&str, &str)] = &[
    ("januari", "January"),
    ("februari", "February"),
    ("maret", "March"),
    ("mac", "March"),
    ("april", "April"),
    ("mei", "May"),
    ("juni", "June"),
    ("jun", "June"),
    ("juli", "July"),
    ("julai", "July"),
    ("agustus", "August"),
    ("ogos", "August"),
    ("september", "September"),
    ("oktober", "October"),
    ("november", "November"),
    ("desember", "December"),
    ("disember", "December"),
];

/// Phrases, longest first where one holds another.
const PHRASES: &[(&str, &str)] = &[
    ("minggu depan", "next week"),
    ("minggu hadapan", "next week"),
    ("minggu ini", "this week"),
    ("minggu lalu", "last week"),
    ("pada waktu yang sama", "at the same time"),
    ("jam yang sama", "the same time"),
    ("waktu yang sama", "the same time"),
    ("setengah jam", "half an hour"),
    ("satu jam", "an hour"),
    ("sejam", "an hour"),
    ("dua jam", "two hours"),
    ("tiga jam", "three hours"),
    ("makan siang", "lunch"),
    ("makan tengah hari", "lunch"),
    ("lusa", "the day after tomorrow"),
    ("besok", "tomorrow"),
    ("esok", "tomorrow"),
    ("hari ini", "today"),
    ("kemarin", "yesterday"),
    ("semalam", "yesterday"),
    ("atau", "or"),
    ("dipindahkan ke", "moved to"),
    ("mesyuarat", "meeting"),
    ("rapat", "meeting"),
    ("dipindah ke", "moved to"),
    ("menit", "minutes"),
    ("minit", "minutes"),
];

/// Their commonest short words.
const WORDS: &[&str] = &[
    "yang",
    "dan",
    "untuk",
    "dengan",
    "tidak",
    "bisa",
    "boleh",
    "kami",
    "kita",
    "saya",
    "aku",
    "apakah",
    "terima",
    "kasih",
    "bapak",
    "ibu",
    "bu",
    "pak",
    "ya",
    "kalau",
    "ini",
    "itu",
    "ada",
    "sudah",
    "belum",
    "akan",
    "pada",
    "bagi",
    "mbak",
    // Malay.
    "tak",
    "nak",
    "encik",
    "puan",
    "pasal",
    "dah",
    "sebelum",
    "hantar",
    "mesyuarat",
];

/// At least three different words of their commonest.
fn looks_indonesian(text: &str) -> bool {
    super::has_common_words(text, WORDS, 3)
}

static PHRASE: LazyLock<Regex> = LazyLock::new(|| super::words_regex(PHRASES));
static WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?:hari\s+)?({})\b",
        super::longest_first(WEEKDAYS)
    ))
    .unwrap_or_else(|_| unreachable!())
});
static MONTH: LazyLock<Regex> = LazyLock::new(|| {
    // After a day number only: "mei" and "jun" are words of other languages too.
    Regex::new(&format!(
        r"(?i)\b(\d{{1,2}})\s+({})\b",
        super::longest_first(MONTHS)
    ))
    .unwrap_or_else(|_| unreachable!())
});
/// "jam 9 pagi", "pukul 10.00", "jam 14:30 WIB": a clock, with the part of day after it.
static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:jam|pukul)\s+(\d{1,2})(?:[:.](\d{2}))?(?:\s+(pagi|siang|sore|petang|malam))?\b",
    )
    .unwrap_or_else(|_| unreachable!())
});
/// A part of day without a clock ("besok siang", "Kamis sore").
static PART: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(pagi|siang|sore|petang|malam)\b").unwrap_or_else(|_| unreachable!())
});
/// Indonesia's zone names after a clock.
static ZONE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(WIB|WITA|WIT)\b").unwrap_or_else(|_| unreachable!()));

/// The meridiem a part of day gives an hour ("jam 2 siang" is 2pm, "jam 11 siang" 11am).
fn meridiem(hour: u32, part: &str) -> &'static str {
    match part {
        "pagi" => "am",
        "siang" if hour >= 11 => "am",
        "siang" | "sore" | "petang" | "malam" => "pm",
        _ => "",
    }
}

/// The text with Indonesian or Malay date and clock words in English; borrowed when it is
/// neither.
pub fn rewrite(text: &str) -> Cow<'_, str> {
    if !looks_indonesian(text) {
        return Cow::Borrowed(text);
    }
    let t = CLOCK.replace_all(text, |c: &Captures| {
        let hour: u32 = c[1].parse().unwrap_or(0);
        let part = c
            .get(3)
            .map_or(String::new(), |m| m.as_str().to_lowercase());
        // "jam 12 siang" is noon, which a 12-hour meridiem would turn into midnight.
        let meridiem = if hour == 12 {
            ""
        } else {
            meridiem(hour, &part)
        };
        format!(
            "at {hour}:{}{meridiem}",
            c.get(2).map_or("00", |m| m.as_str())
        )
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
    let t = PART.replace_all(&t, |c: &Captures| {
        match c[1].to_lowercase().as_str() {
            "pagi" => "in the morning",
            "siang" => "at noon",
            "malam" => "in the evening",
            _ => "in the afternoon",
        }
        .to_string()
    });
    let t = ZONE.replace_all(&t, |c: &Captures| {
        match &c[1] {
            "WIB" => "Jakarta time",
            "WITA" => "Makassar time",
            _ => "Jayapura time",
        }
        .to_string()
    });
    Cow::Owned(t.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indonesian_and_malay_dates_and_clocks_read_as_english() {
        let t = rewrite(
            "Bu Ratih, kunjungan hari Kamis kita geser ke Senin 23 Februari ya, jam 9 pagi.",
        );
        assert!(t.contains("Monday 23 February"), "{t}");
        assert!(t.contains("at 9:00am"), "{t}");
        let t = rewrite(
            "Bolehkah kita bermesyuarat pada hari Selasa, 16 Jun, pukul 10.00 pagi? Sesi ini mengambil masa sejam.",
        );
        assert!(t.contains("Tuesday, 16 June, at 10:00am"), "{t}");
        assert!(t.contains("an hour"), "{t}");
        let t = rewrite("Mbak, besok siang kita makan siang bareng tim ya? Jam 12 di warung.");
        assert!(t.contains("tomorrow"), "{t}");
        assert!(t.contains("at 12:00"), "{t}");
    }

    #[test]
    fn english_is_untouched() {
        let t = "Could we meet on Friday at 10 in the Mei Lin room? Best, Dewi";
        assert!(matches!(rewrite(t), Cow::Borrowed(_)));
    }
}
