//! Dates as mail clients write them in forwarded and quoted header blocks.
//!
//! Gmail writes "Tue, Mar 3, 2026 at 10:15 AM", Apple Mail "March 3, 2026 at 10:15:32 AM EST",
//! Outlook "Tuesday, March 3, 2026 10:15 AM" (or "Dienstag, 3. März 2026 10:15" in German),
//! some clients RFC 2822. Most carry no offset: the sender's clock time is all we get.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

/// A parsed written date and whether its offset was assumed rather than written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrittenDate {
    pub datetime: DateTime<FixedOffset>,
    /// True when the text had no zone: the offset is the one given as fallback (the outer
    /// message's), which is right only if the forwarder and the original sender share a zone.
    pub offset_assumed: bool,
}

/// Parses a client-written date; `fallback` is the offset used when the text names none
/// (UTC when that is `None` too).
pub fn parse_written_date(text: &str, fallback: Option<FixedOffset>) -> Option<WrittenDate> {
    let text = text.trim();
    if text.is_empty() || text.len() > 120 {
        return None;
    }
    if let Some(datetime) = parse_rfc2822(text) {
        return Some(WrittenDate {
            datetime,
            offset_assumed: false,
        });
    }
    if let Ok(datetime) = DateTime::parse_from_rfc3339(text) {
        return Some(WrittenDate {
            datetime,
            offset_assumed: false,
        });
    }
    let fields = Fields::read(text)?;
    let date = NaiveDate::from_ymd_opt(fields.year?, fields.month?, fields.day?)?;
    let time = fields.time.unwrap_or(NaiveTime::MIN);
    let (offset, offset_assumed) = match fields.offset {
        Some(offset) => (offset, false),
        None => (fallback.unwrap_or(FixedOffset::east_opt(0)?), true),
    };
    let datetime = date.and_time(time).and_local_timezone(offset).single()?;
    Some(WrittenDate {
        datetime,
        offset_assumed,
    })
}

fn parse_rfc2822(text: &str) -> Option<DateTime<FixedOffset>> {
    // chrono rejects the trailing "(CET)" comment some servers add.
    let without_comment = match text.rfind('(') {
        Some(open) if text.ends_with(')') => text[..open].trim_end(),
        _ => text,
    };
    DateTime::parse_from_rfc2822(without_comment).ok()
}

#[derive(Default, Debug)]
struct Fields {
    year: Option<i32>,
    month: Option<u32>,
    day: Option<u32>,
    time: Option<NaiveTime>,
    offset: Option<FixedOffset>,
}

impl Fields {
    fn read(text: &str) -> Option<Self> {
        let mut fields = Fields::default();
        let mut pending_hour: Option<(u32, u32, u32)> = None;
        for token in tokenize(text) {
            let lower = token.to_lowercase();
            let lower = lower.trim_end_matches('.');
            if let Some((h, m, s)) = clock(&token) {
                pending_hour = Some((h, m, s));
                continue;
            }
            if let Some(pm) = meridiem(lower) {
                if let Some(t) = pending_hour.as_mut() {
                    if t.0 == 0 || t.0 > 12 {
                        return None;
                    }
                    t.0 = t.0 % 12 + if pm { 12 } else { 0 };
                }
                continue;
            }
            if let Some(offset) = zone(&token) {
                fields.offset = Some(offset);
                continue;
            }
            if let Some(month) = month_name(lower) {
                fields.month = Some(month);
                continue;
            }
            if let Some((a, b, c)) = numeric_date(&token) {
                fields.year = Some(c);
                // 2026-03-03 is ISO; 3.3.2026 is day first; 3/3/2026 is US unless it cannot be.
                let (month, day) = match token.contains('/') {
                    true if a > 12 => (b, a),
                    true => (a, b),
                    false => (b, a),
                };
                fields.month = Some(month);
                fields.day = Some(day);
                continue;
            }
            if let Some((y, m, d)) = iso_date(&token) {
                fields.year = Some(y);
                fields.month = Some(m);
                fields.day = Some(d);
                continue;
            }
            let digits = token.trim_end_matches('.');
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                let n: u32 = digits.parse().ok()?;
                if digits.len() == 4 {
                    fields.year = Some(n as i32);
                } else if (1..=31).contains(&n) && fields.day.is_none() {
                    fields.day = Some(n);
                }
                continue;
            }
            // Weekdays, "at", "um", "à", "Uhr" and the like carry nothing we need.
        }
        fields.time = pending_hour.and_then(|(h, m, s)| NaiveTime::from_hms_opt(h, m, s));
        Some(fields)
    }
}

fn tokenize(text: &str) -> impl Iterator<Item = String> + '_ {
    let mut tokens: Vec<String> = Vec::new();
    for word in text.split(|c: char| c.is_whitespace() || c == ',') {
        if word.is_empty() {
            continue;
        }
        // "10:15AM" and "10:15am" become two tokens.
        let lower = word.to_ascii_lowercase();
        if (lower.ends_with("am") || lower.ends_with("pm"))
            && word.len() > 2
            && word.as_bytes()[word.len() - 3].is_ascii_digit()
        {
            tokens.push(word[..word.len() - 2].to_string());
            tokens.push(word[word.len() - 2..].to_string());
        } else {
            tokens.push(word.to_string());
        }
    }
    tokens.into_iter()
}

fn clock(token: &str) -> Option<(u32, u32, u32)> {
    let token = token.trim_end_matches(['h', 'H']);
    let mut parts = token.split([':', '.']);
    let h: u32 = parts.next()?.parse().ok()?;
    let m_text = parts.next()?;
    if m_text.len() != 2 {
        return None;
    }
    let m: u32 = m_text.parse().ok()?;
    let s: u32 = match parts.next() {
        Some(s) if s.len() == 2 => s.parse().ok()?,
        Some(_) => return None,
        None => 0,
    };
    if parts.next().is_some() || h > 23 || m > 59 || s > 59 || !token.contains(':') {
        return None;
    }
    Some((h, m, s))
}

fn meridiem(lower: &str) -> Option<bool> {
    match lower {
        "am" | "a.m" => Some(false),
        "pm" | "p.m" => Some(true),
        _ => None,
    }
}

fn numeric_date(token: &str) -> Option<(u32, u32, i32)> {
    let sep = if token.contains('/') { '/' } else { '.' };
    let parts: Vec<&str> = token.trim_end_matches('.').split(sep).collect();
    if parts.len() != 3 {
        return None;
    }
    let a: u32 = parts[0].parse().ok()?;
    let b: u32 = parts[1].parse().ok()?;
    let mut c: i32 = parts[2].parse().ok()?;
    if parts[2].len() == 2 {
        c += 2000;
    } else if parts[2].len() != 4 {
        return None;
    }
    Some((a, b, c))
}

fn iso_date(token: &str) -> Option<(i32, u32, u32)> {
    let mut parts = token.split('-');
    let y = parts.next()?;
    let m = parts.next()?;
    let d = parts.next()?;
    if y.len() != 4 || parts.next().is_some() {
        return None;
    }
    Some((y.parse().ok()?, m.parse().ok()?, d.parse().ok()?))
}

/// Month names and abbreviations in en/de/fr/es/nl/it/pt.
fn month_name(lower: &str) -> Option<u32> {
    const MONTHS: [&[&str]; 12] = [
        &[
            "jan", "january", "januar", "jänner", "janvier", "janv", "enero", "ene", "januari",
            "gennaio", "gen", "janeiro",
        ],
        &[
            "feb",
            "february",
            "februar",
            "février",
            "févr",
            "fevr",
            "febrero",
            "februari",
            "febbraio",
            "fevereiro",
            "fev",
        ],
        &[
            "mar", "march", "märz", "mär", "mars", "marzo", "maart", "mrt", "março", "marco",
        ],
        &["apr", "april", "avril", "avr", "abril", "abr", "aprile"],
        &["may", "mai", "mayo", "mei", "maggio", "mag", "maio"],
        &[
            "jun", "june", "juni", "juin", "junio", "giugno", "giu", "junho",
        ],
        &[
            "jul", "july", "juli", "juillet", "juil", "julio", "luglio", "lug", "julho",
        ],
        &["aug", "august", "août", "aout", "agosto", "ago", "augustus"],
        &[
            "sep",
            "sept",
            "september",
            "septembre",
            "septiembre",
            "settembre",
            "set",
            "setembro",
        ],
        &[
            "oct", "october", "oktober", "okt", "octobre", "octubre", "ottobre", "ott", "outubro",
            "out",
        ],
        &["nov", "november", "novembre", "noviembre", "novembro"],
        &[
            "dec",
            "december",
            "dezember",
            "dez",
            "décembre",
            "déc",
            "diciembre",
            "dic",
            "dicembre",
            "dezembro",
        ],
    ];
    MONTHS
        .iter()
        .position(|names| names.contains(&lower))
        .map(|n| n as u32 + 1)
}

/// Zone names clients print, as the fixed offsets they denote; "GMT+1", "UTC-05:00", "+0100".
fn zone(token: &str) -> Option<FixedOffset> {
    let upper = token.trim_matches(['(', ')']).to_ascii_uppercase();
    let hours_minutes = |h: i32, m: i32| FixedOffset::east_opt(h * 3600 + h.signum() * m * 60);
    let named = match upper.as_str() {
        "UTC" | "GMT" | "UT" | "Z" | "WET" => Some(0),
        "EST" => Some(-5 * 60),
        "EDT" => Some(-4 * 60),
        "CST" => Some(-6 * 60),
        "CDT" => Some(-5 * 60),
        "MST" => Some(-7 * 60),
        "MDT" => Some(-6 * 60),
        "PST" => Some(-8 * 60),
        "PDT" => Some(-7 * 60),
        "AKST" => Some(-9 * 60),
        "AKDT" => Some(-8 * 60),
        "HST" => Some(-10 * 60),
        "BST" | "CET" | "WEST" | "MEZ" => Some(60),
        "CEST" | "EET" | "MESZ" => Some(120),
        "EEST" | "MSK" => Some(180),
        "IST" => Some(330),
        "SGT" | "HKT" | "AWST" => Some(480),
        "JST" | "KST" => Some(540),
        "ACST" => Some(570),
        "AEST" => Some(600),
        "AEDT" => Some(660),
        "NZST" => Some(720),
        "NZDT" => Some(780),
        _ => None,
    };
    if let Some(minutes) = named {
        return FixedOffset::east_opt(minutes * 60);
    }
    let signed = upper
        .strip_prefix("GMT")
        .or_else(|| upper.strip_prefix("UTC"))
        .unwrap_or(&upper);
    let (sign, rest) = match signed.as_bytes().first() {
        Some(b'+') => (1, &signed[1..]),
        Some(b'-') => (-1, &signed[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        3 => (
            digits[..1].parse::<i32>().ok()?,
            digits[1..].parse::<i32>().ok()?,
        ),
        4 => (
            digits[..2].parse::<i32>().ok()?,
            digits[2..].parse::<i32>().ok()?,
        ),
        _ => return None,
    };
    if h > 14 || m > 59 {
        return None;
    }
    if h == 0 {
        return FixedOffset::east_opt(sign * m * 60);
    }
    hours_minutes(sign * h, m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offset(hours: i32) -> FixedOffset {
        FixedOffset::east_opt(hours * 3600).unwrap()
    }

    fn parsed(text: &str, fallback: Option<FixedOffset>) -> (String, bool) {
        let w = parse_written_date(text, fallback).unwrap_or_else(|| panic!("{text}"));
        (w.datetime.to_rfc3339(), w.offset_assumed)
    }

    #[test]
    fn gmail_format_takes_the_fallback_offset() {
        assert_eq!(
            parsed("Tue, Mar 3, 2026 at 10:15 AM", Some(offset(-5))),
            ("2026-03-03T10:15:00-05:00".into(), true)
        );
        assert_eq!(
            parsed("Tue, Mar 3, 2026 at 12:05 PM", None),
            ("2026-03-03T12:05:00+00:00".into(), true)
        );
    }

    #[test]
    fn apple_format_with_zone_abbreviation() {
        assert_eq!(
            parsed("March 3, 2026 at 10:15:32 AM EST", Some(offset(1))),
            ("2026-03-03T10:15:32-05:00".into(), false)
        );
    }

    #[test]
    fn outlook_formats() {
        assert_eq!(
            parsed("Tuesday, March 3, 2026 10:15 PM", Some(offset(2))),
            ("2026-03-03T22:15:00+02:00".into(), true)
        );
        assert_eq!(
            parsed("Dienstag, 3. März 2026 10:15", Some(offset(1))),
            ("2026-03-03T10:15:00+01:00".into(), true)
        );
        assert_eq!(
            parsed("mardi 3 mars 2026 10:15", Some(offset(1))),
            ("2026-03-03T10:15:00+01:00".into(), true)
        );
        assert_eq!(
            parsed("12/03/2026 12:00 AM", Some(offset(0))),
            ("2026-12-03T00:00:00+00:00".into(), true)
        );
    }

    #[test]
    fn rfc2822_and_numeric_zones() {
        assert_eq!(
            parsed("Tue, 3 Mar 2026 10:15:00 +0100 (CET)", None),
            ("2026-03-03T10:15:00+01:00".into(), false)
        );
        assert_eq!(
            parsed("3 March 2026 at 10:15 GMT+5:30", None),
            ("2026-03-03T10:15:00+05:30".into(), false)
        );
    }

    #[test]
    fn nonsense_is_none() {
        assert!(parse_written_date("yesterday-ish", None).is_none());
        assert!(parse_written_date("Feb 30, 2026 at 10:00 AM", None).is_none());
    }
}
