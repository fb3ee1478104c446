//! Times as a person reads them in a reply: "Tue 3 Mar, 15:00–15:30 EST (21:00–21:30 CET for
//! you)". Pure; the zone names come from the tz database through chrono-tz.

use chrono::{DateTime, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use crate::availability::Interval;

/// A slot in the user's zone, then in the recipient's when their wall clock differs. Crossing
/// midnight (in either zone) shows both dates; the recipient's part shows its date whenever that
/// date is not the user's.
pub fn when(slot: &Interval, user_zone: Tz, recipient_zone: Option<Tz>) -> String {
    let user = Local::of(slot, user_zone);
    let mut out = user.span(true);
    if let Some(rz) = recipient_zone {
        let theirs = Local::of(slot, rz);
        if theirs.start != user.start || theirs.end != user.end {
            let show_date = theirs.start.date() != user.start.date();
            out.push_str(&format!(" ({} for you)", theirs.span(show_date)));
        }
    }
    out
}

/// A free window ("Tue 3 Mar, 09:00–12:00 EST"): the same rules as a slot.
pub fn window(w: &Interval, user_zone: Tz, recipient_zone: Option<Tz>) -> String {
    when(w, user_zone, recipient_zone)
}

/// One instant with its date and zone: "Fri 6 Mar, 15:00 EST" (an approval link's expiry).
pub fn instant(at: DateTime<Utc>, zone: Tz) -> String {
    let local = at.with_timezone(&zone);
    format!(
        "{}, {} {}",
        local.format("%a %-d %b"),
        local.format("%H:%M"),
        abbreviation(at, zone)
    )
}

/// The zone's abbreviation at that instant ("EST", "CEST", "IST"); where the tz database has only
/// a number ("+03", "+0545"), the offset spelled out ("UTC+03:00", "UTC+05:45").
pub fn abbreviation(at: DateTime<Utc>, zone: Tz) -> String {
    let local = at.with_timezone(&zone);
    let abbr = local.format("%Z").to_string();
    if abbr.starts_with(['+', '-']) || abbr.is_empty() {
        let secs = local.offset().fix().local_minus_utc();
        let sign = if secs < 0 { '-' } else { '+' };
        let secs = secs.unsigned_abs();
        format!("UTC{sign}{:02}:{:02}", secs / 3600, secs % 3600 / 60)
    } else {
        abbr
    }
}

/// A slot's wall clock in one zone, with the zone's abbreviation at its start and end (they differ
/// when a DST change falls inside the slot).
struct Local {
    start: NaiveDateTime,
    end: NaiveDateTime,
    start_abbr: String,
    end_abbr: String,
}

impl Local {
    fn of(slot: &Interval, zone: Tz) -> Local {
        Local {
            start: zone
                .from_utc_datetime(&slot.start().naive_utc())
                .naive_local(),
            end: zone
                .from_utc_datetime(&slot.end().naive_utc())
                .naive_local(),
            start_abbr: abbreviation(slot.start(), zone),
            end_abbr: abbreviation(slot.end(), zone),
        }
    }

    /// "Tue 3 Mar, 15:00–15:30 EST"; without the date when `with_date` is false and the span
    /// stays within one day; "Tue 3 Mar, 23:00 – Wed 4 Mar, 00:30 CET" across midnight.
    fn span(&self, with_date: bool) -> String {
        // Ending at midnight is ending that day ("23:00–00:00"), not crossing into the next.
        let same_day = self.end.date() == self.start.date()
            || (self.end.time() == NaiveTime::MIN
                && self.start.date().succ_opt() == Some(self.end.date())
                && self.start.time() != NaiveTime::MIN);
        let date = |t: &NaiveDateTime| t.format("%a %-d %b").to_string();
        let clock = |t: &NaiveDateTime| t.format("%H:%M").to_string();
        if same_day {
            let prefix = if with_date {
                format!("{}, ", date(&self.start))
            } else {
                String::new()
            };
            if self.start_abbr == self.end_abbr {
                format!(
                    "{prefix}{}–{} {}",
                    clock(&self.start),
                    clock(&self.end),
                    self.end_abbr
                )
            } else {
                format!(
                    "{prefix}{} {}–{} {}",
                    clock(&self.start),
                    self.start_abbr,
                    clock(&self.end),
                    self.end_abbr
                )
            }
        } else {
            let first = if self.start_abbr == self.end_abbr {
                format!("{}, {}", date(&self.start), clock(&self.start))
            } else {
                format!(
                    "{}, {} {}",
                    date(&self.start),
                    clock(&self.start),
                    self.start_abbr
                )
            };
            format!(
                "{first} – {}, {} {}",
                date(&self.end),
                clock(&self.end),
                self.end_abbr
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::America::New_York;
    use chrono_tz::Asia::{Dubai, Kolkata, Tokyo};
    use chrono_tz::Australia::{Lord_Howe, Sydney};
    use chrono_tz::Europe::{Berlin, London, Paris};

    fn slot(start: (i32, u32, u32, u32, u32), minutes: i64) -> Interval {
        let (y, mo, d, h, mi) = start;
        let s = Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap();
        Interval::starting_at(s, chrono::TimeDelta::minutes(minutes)).unwrap()
    }

    #[test]
    fn user_zone_then_recipient_zone() {
        // 2027-03-02 is a Tuesday; 20:00 UTC is 15:00 EST and 21:00 CET.
        let s = slot((2027, 3, 2, 20, 0), 30);
        assert_eq!(
            when(&s, New_York, Some(Paris)),
            "Tue 2 Mar, 15:00–15:30 EST (21:00–21:30 CET for you)"
        );
    }

    #[test]
    fn same_wall_clock_has_no_parenthesis() {
        let s = slot((2027, 3, 2, 9, 0), 60);
        assert_eq!(when(&s, Paris, Some(Berlin)), "Tue 2 Mar, 10:00–11:00 CET");
        assert_eq!(when(&s, Paris, Some(Paris)), "Tue 2 Mar, 10:00–11:00 CET");
        assert_eq!(when(&s, Paris, None), "Tue 2 Mar, 10:00–11:00 CET");
    }

    #[test]
    fn us_dst_week_changes_the_gap_to_europe() {
        // Sunday 2027-03-14 the US springs forward; Europe waits until 2027-03-28. In between, New
        // York is 5 hours behind Paris instead of 6.
        let before = slot((2027, 3, 12, 14, 0), 30); // Fri
        assert_eq!(
            when(&before, New_York, Some(Paris)),
            "Fri 12 Mar, 09:00–09:30 EST (15:00–15:30 CET for you)"
        );
        let after = slot((2027, 3, 15, 13, 0), 30); // Mon
        assert_eq!(
            when(&after, New_York, Some(Paris)),
            "Mon 15 Mar, 09:00–09:30 EDT (14:00–14:30 CET for you)"
        );
    }

    #[test]
    fn eu_dst_week() {
        // Sunday 2027-03-28 Europe springs forward: CET becomes CEST, BST starts in London.
        let fri = slot((2027, 3, 26, 9, 0), 60);
        assert_eq!(
            when(&fri, Paris, Some(London)),
            "Fri 26 Mar, 10:00–11:00 CET (09:00–10:00 GMT for you)"
        );
        let mon = slot((2027, 3, 29, 8, 0), 60);
        assert_eq!(
            when(&mon, Paris, Some(London)),
            "Mon 29 Mar, 10:00–11:00 CEST (09:00–10:00 BST for you)"
        );
        assert_eq!(
            when(&mon, Paris, Some(New_York)),
            "Mon 29 Mar, 10:00–11:00 CEST (04:00–05:00 EDT for you)"
        );
    }

    #[test]
    fn a_dst_change_inside_the_slot_names_both_abbreviations() {
        // 00:30–03:30 UTC on 2027-03-28 in Paris: 01:30 CET to 05:30 CEST.
        let s = slot((2027, 3, 28, 0, 30), 180);
        assert_eq!(when(&s, Paris, None), "Sun 28 Mar, 01:30 CET–05:30 CEST");
    }

    #[test]
    fn crossing_midnight_shows_both_dates() {
        // 22:30–23:30 UTC: in Paris 23:30 Tue to 00:30 Wed.
        let s = slot((2027, 3, 2, 22, 30), 60);
        assert_eq!(
            when(&s, Paris, None),
            "Tue 2 Mar, 23:30 – Wed 3 Mar, 00:30 CET"
        );
        // Crossing midnight only in the recipient's zone.
        assert_eq!(
            when(&s, London, Some(Paris)),
            "Tue 2 Mar, 22:30–23:30 GMT (Tue 2 Mar, 23:30 – Wed 3 Mar, 00:30 CET for you)"
        );
    }

    #[test]
    fn the_recipients_other_date_is_named() {
        // 23:00 EST on Tuesday is 13:00 Wednesday in Tokyo.
        let s = slot((2027, 3, 3, 4, 0), 30);
        assert_eq!(
            when(&s, New_York, Some(Tokyo)),
            "Tue 2 Mar, 23:00–23:30 EST (Wed 3 Mar, 13:00–13:30 JST for you)"
        );
    }

    #[test]
    fn ending_at_midnight_is_the_same_day() {
        let s = slot((2027, 3, 2, 22, 30), 30); // 23:30–00:00 CET
        assert_eq!(when(&s, Paris, None), "Tue 2 Mar, 23:30–00:00 CET");
    }

    #[test]
    fn half_hour_zones_and_australia() {
        let s = slot((2027, 3, 2, 9, 0), 30);
        assert_eq!(
            when(&s, London, Some(Kolkata)),
            "Tue 2 Mar, 09:00–09:30 GMT (14:30–15:00 IST for you)"
        );
        // Sydney is on daylight time (AEDT, UTC+11) in March.
        assert_eq!(
            when(&s, London, Some(Sydney)),
            "Tue 2 Mar, 09:00–09:30 GMT (20:00–20:30 AEDT for you)"
        );
        // In July it is AEST (UTC+10).
        let july = slot((2027, 7, 6, 9, 0), 30);
        assert_eq!(
            when(&july, London, Some(Sydney)),
            "Tue 6 Jul, 10:00–10:30 BST (19:00–19:30 AEST for you)"
        );
    }

    #[test]
    fn numeric_abbreviations_become_utc_offsets() {
        let s = slot((2027, 3, 2, 9, 0), 30);
        assert_eq!(
            when(&s, London, Some(Dubai)),
            "Tue 2 Mar, 09:00–09:30 GMT (13:00–13:30 UTC+04:00 for you)"
        );
        // Lord Howe Island: +11 in its summer, +10:30 in winter.
        assert_eq!(abbreviation(s.start(), Lord_Howe), "UTC+11:00");
        let july = slot((2027, 7, 6, 9, 0), 30);
        assert_eq!(abbreviation(july.start(), Lord_Howe), "UTC+10:30");
    }

    #[test]
    fn an_instant_has_date_and_zone() {
        let at = Utc.with_ymd_and_hms(2027, 3, 5, 20, 0, 0).unwrap();
        assert_eq!(instant(at, New_York), "Fri 5 Mar, 15:00 EST");
    }
}
