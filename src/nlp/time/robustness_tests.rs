//! Property tests: `read_times` is total on text built from the words its rules look for,
//! mixed with letters of more than one byte (a rule that cuts text by byte counts panics on
//! "Solís" or "ü" just before the cut).

use chrono::TimeZone;
use proptest::prelude::*;

use super::*;

/// Words that steer text into the zone, restatement, busy, move and list rules, and
/// letters of two, three and four bytes.
const TOKENS: &[&str] = &[
    " ",
    " ",
    " ",
    "\n",
    ".",
    ",",
    "?",
    "(",
    ")",
    "-",
    "/",
    "Tuesday",
    "thurs",
    "Friday the 13th",
    "the 17th",
    "March 12",
    "12/3",
    "next week",
    "tomorrow",
    "10",
    "9:30",
    "3pm",
    "16:00",
    "noon",
    "at",
    "or",
    "and",
    "otherwise",
    "your time",
    "yours",
    "my time",
    "for us",
    "here",
    "same time",
    "instead",
    "i'm in",
    "times are",
    "based in",
    "all day",
    "in Puebla",
    "Mexico City time",
    "ET",
    "CET",
    "IST",
    "UTC-3",
    "local time",
    "move",
    "to",
    "from",
    "until",
    "before",
    "after",
    "the week of",
    "morning",
    "afternoon",
    "lunch",
    "is difficult",
    "due",
    "was",
    "Solís",
    "é",
    "ñ",
    "ü",
    "ß",
    "€",
    "—",
    "日本",
    "오후 3시",
    "🙂",
    "São Paulo",
    "Zürich",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..40).prop_map(|w| w.join(" "))
}

fn ctx(reader: bool) -> TimeContext {
    let tz = Tz::America__Mexico_City;
    let at = tz
        .with_ymd_and_hms(2026, 11, 5, 9, 30, 0)
        .single()
        .expect("unambiguous test time")
        .fixed_offset();
    let c = TimeContext::new(at).with_zone(tz);
    if reader {
        c.with_reader_zone(Tz::America__New_York)
    } else {
        c
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn reading_times_never_panics_and_slots_are_ordered(t in text(), reader in any::<bool>()) {
        let reading = read_times(&t, &ctx(reader));
        for s in &reading.slots {
            prop_assert!(s.start < s.end, "{t:?}: {s:?}");
        }
    }
}

/// The text that crashed the reader: an accented letter 24 bytes before a zone named after
/// "I'm in" ("Solís" in the signature under "in Puebla").
#[test]
fn a_multibyte_letter_before_a_zone_mention_is_read() {
    let t = "Thursday I'm in Puebla all day, sorry. Could we do Friday the 13th at 10 my time \
             instead (9 yours)?\n\nGerardo Ibarra Solís, Mexico City time";
    let reading = read_times(t, &ctx(true));
    assert!(!reading.slots.is_empty());
}
