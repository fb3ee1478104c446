//! Out-of-office replies: spotted by subject or by a body that opens like one, with the return date.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};

/// An out-of-office reply and, when it says, the first day the person is back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutOfOffice {
    pub until: Option<NaiveDate>,
}

/// Subjects responders put on their replies, in the languages mail clients ship.
const SUBJECTS: &[&str] = &[
    "out of office",
    "out of the office",
    "automatic reply",
    "auto reply",
    "auto-reply",
    "autoreply",
    "away from the office",
    "abwesenheitsnotiz",
    "automatische antwort",
    "réponse automatique",
    "reponse automatique",
    "absence du bureau",
    "respuesta automática",
    "respuesta automatica",
    "fuera de la oficina",
    "automatisch antwoord",
    "afwezigheidsbericht",
    "risposta automatica",
    "fuori ufficio",
    "resposta automática",
    "autosvar",
    "frånvaro",
];

/// How an out-of-office body opens. A person's own mail saying "I'm out of office until Monday,
/// could we meet Tuesday?" asks something, so a body is only taken for a responder's when it has
/// no question near the top.
const OPENINGS: &[&str] = &[
    "i am out of the office",
    "i'm out of the office",
    "i am currently out of the office",
    "i'm currently out of the office",
    "i am currently out of office",
    "i am out of office",
    "i am on vacation",
    "i am currently on vacation",
    "i am on annual leave",
    "i am currently on leave",
    "i am on leave",
    "i am away from the office",
    "i'm away from the office",
    "thank you for your email. i am out",
    "thank you for your message. i am out",
    "thanks for your email. i'm out",
    "ich bin bis",
    "ich bin derzeit nicht im büro",
    "je suis absent",
    "je suis absente",
    "estoy fuera de la oficina",
];

/// Words after which the return date follows.
const UNTIL: &[&str] = &[
    "returning on ",
    "return on ",
    "back in the office on ",
    "back in the office ",
    "back on ",
    "back ",
    "until ",
    "till ",
    "through ",
    "bis zum ",
    "bis ",
    "jusqu'au ",
    "hasta el ",
];

pub fn detect_out_of_office(
    subject: &str,
    body: &str,
    date: Option<DateTime<FixedOffset>>,
) -> Option<OutOfOffice> {
    let subject_l = subject.to_lowercase();
    let head: String = body.chars().take(600).collect::<String>().to_lowercase();
    let head_flat = head.split_whitespace().collect::<Vec<_>>().join(" ");
    let by_subject = SUBJECTS.iter().any(|s| subject_l.contains(s));
    let by_body = OPENINGS
        .iter()
        .any(|o| head_flat.starts_with(o) || head_flat.contains(&format!(". {o}")))
        && !head_flat.contains('?');
    if !(by_subject || by_body) {
        return None;
    }
    Some(OutOfOffice {
        until: return_date(&head_flat, date),
    })
}

/// The first date written after an "until"/"back on" word, resolved to the next such date on or
/// after the message's own date.
fn return_date(text: &str, date: Option<DateTime<FixedOffset>>) -> Option<NaiveDate> {
    let sent = date.map(|d| d.date_naive());
    let us_order = date.is_some_and(|d| d.offset().local_minus_utc() <= -3 * 3600);
    for word in UNTIL {
        let mut rest = text;
        while let Some(i) = rest.find(word) {
            let after = &rest[i + word.len()..];
            if let Some(d) = parse_date(after, sent, us_order) {
                return Some(d);
            }
            rest = after;
        }
    }
    None
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Month names in English, German, French and Spanish, by their first letters.
fn month_of(word: &str) -> Option<u32> {
    let w = word.trim_matches(|c: char| !c.is_alphabetic());
    if w.len() < 3 {
        return None;
    }
    let w3: String = w.chars().take(3).collect();
    if let Some(i) = MONTHS.iter().position(|m| *m == w3) {
        return Some(i as u32 + 1);
    }
    let other: &[(&str, u32)] = &[
        ("januar", 1),
        ("februar", 2),
        ("märz", 3),
        ("mai", 5),
        ("juni", 6),
        ("juli", 7),
        ("oktober", 10),
        ("dezember", 12),
        ("janvier", 1),
        ("février", 2),
        ("mars", 3),
        ("avril", 4),
        ("juin", 6),
        ("juillet", 7),
        ("août", 8),
        ("septembre", 9),
        ("octobre", 10),
        ("novembre", 11),
        ("décembre", 12),
        ("enero", 1),
        ("febrero", 2),
        ("marzo", 3),
        ("abril", 4),
        ("mayo", 5),
        ("junio", 6),
        ("julio", 7),
        ("agosto", 8),
        ("septiembre", 9),
        ("octubre", 10),
        ("noviembre", 11),
        ("diciembre", 12),
    ];
    other
        .iter()
        .find(|(name, _)| w.starts_with(name))
        .map(|(_, m)| *m)
}

fn number(word: &str) -> Option<u32> {
    let digits: String = word
        .trim_matches(|c: char| !c.is_alphanumeric())
        .trim_end_matches(|c: char| c.is_alphabetic()) // 16th, 1st, 2nd
        .to_string();
    if digits.is_empty() || digits.len() > 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn parse_date(text: &str, sent: Option<NaiveDate>, us_order: bool) -> Option<NaiveDate> {
    let words: Vec<&str> = text.split_whitespace().take(6).collect();
    let mut i = 0;
    // Skip a weekday ("Monday,", "Mon", "lundi", "Montag,").
    if words.first().is_some_and(|w| {
        let w = w.trim_matches(|c: char| !c.is_alphabetic());
        [
            "mon", "tue", "wed", "thu", "fri", "sat", "sun", "lun", "mar", "mer", "jeu", "ven",
            "sam", "dim", "mont", "dien", "mitt", "donn", "frei", "sams", "sonn",
        ]
        .iter()
        .any(|d| w.starts_with(d))
            && month_of(w).is_none()
    }) {
        i = 1;
    }
    let w = |k: usize| words.get(i + k).copied().unwrap_or("");

    // ISO 2026-03-16
    let first = w(0).trim_end_matches(['.', ',', ';', ')']);
    if let Ok(d) = NaiveDate::parse_from_str(first, "%Y-%m-%d") {
        return Some(d);
    }
    // 16/03, 03/16, 16.03.2026, 3/16/2026
    let parts: Vec<&str> = first.split(['/', '.']).collect();
    if parts.len() >= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    {
        let a: u32 = parts[0].parse().ok()?;
        let b: u32 = parts[1].parse().ok()?;
        let year = parts
            .get(2)
            .and_then(|y| y.parse::<i32>().ok())
            .map(|y| if y < 100 { 2000 + y } else { y });
        let (day, month) = if a > 12 {
            (a, b)
        } else if b > 12 || us_order {
            (b, a)
        } else {
            (a, b)
        };
        return resolve(day, month, year, sent);
    }
    // "March 16, 2026", "March 16th"
    if let Some(month) = month_of(w(0))
        && let Some(day) = number(w(1))
    {
        return resolve(
            day,
            month,
            number(w(2)).filter(|y| *y > 1900).map(|y| y as i32),
            sent,
        );
    }
    // "16 March 2026", "16th of March", "16. März"
    if let Some(day) = number(w(0)) {
        let (m_word, y_word) = if w(1) == "of" {
            (w(2), w(3))
        } else {
            (w(1), w(2))
        };
        if let Some(month) = month_of(m_word) {
            return resolve(
                day,
                month,
                number(y_word).filter(|y| *y > 1900).map(|y| y as i32),
                sent,
            );
        }
    }
    None
}

/// A day and month without a year means the next such date on or after the message's date.
fn resolve(day: u32, month: u32, year: Option<i32>, sent: Option<NaiveDate>) -> Option<NaiveDate> {
    if let Some(y) = year {
        return NaiveDate::from_ymd_opt(y, month, day);
    }
    let base = sent?;
    let this_year = NaiveDate::from_ymd_opt(base.year(), month, day);
    match this_year {
        Some(d) if d >= base => Some(d),
        _ => NaiveDate::from_ymd_opt(base.year() + 1, month, day),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Option<DateTime<FixedOffset>> {
        Some(DateTime::parse_from_rfc2822(s).unwrap())
    }

    fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn subjects_in_several_languages() {
        let d = date("Tue, 3 Mar 2026 10:00:00 +0100");
        for s in [
            "Automatic reply: Meeting",
            "Out of Office: budget",
            "Abwesenheitsnotiz: Termin",
            "Réponse automatique : réunion",
            "Autosvar: möte",
        ] {
            assert!(detect_out_of_office(s, "", d).is_some(), "{s}");
        }
        assert!(detect_out_of_office("Re: meeting next week", "Tuesday works.", d).is_none());
    }

    #[test]
    fn return_dates_in_the_formats_people_write() {
        let d = date("Tue, 3 Mar 2026 10:00:00 +0100");
        let cases = [
            (
                "I am out of the office until Monday, March 16.",
                ymd(2026, 3, 16),
            ),
            (
                "I'm out of the office and back on 16 March 2026.",
                ymd(2026, 3, 16),
            ),
            (
                "I am on annual leave until 16/03 with limited access to email.",
                ymd(2026, 3, 16),
            ),
            (
                "I am out of the office, returning on 2026-03-16.",
                ymd(2026, 3, 16),
            ),
            ("I am on vacation until January 5th.", ymd(2027, 1, 5)),
            ("Ich bin bis 16. März nicht im Büro.", ymd(2026, 3, 16)),
            ("I am out of the office.", None),
        ];
        for (body, want) in cases {
            let got =
                detect_out_of_office("", body, d).unwrap_or_else(|| panic!("not detected: {body}"));
            assert_eq!(got.until, want, "{body}");
        }
        // An American sender's 3/16 is March 16.
        let us = date("Tue, 3 Mar 2026 10:00:00 -0500");
        assert_eq!(
            detect_out_of_office("Out of office", "Back on 3/16.", us)
                .unwrap()
                .until,
            ymd(2026, 3, 16)
        );
    }

    #[test]
    fn a_person_mentioning_absence_and_asking_is_not_a_responder() {
        let d = date("Tue, 3 Mar 2026 10:00:00 +0100");
        assert!(
            detect_out_of_office(
                "Re: sync",
                "I'm out of the office until Monday. Could we meet Tuesday at 3?",
                d
            )
            .is_none()
        );
    }
}
