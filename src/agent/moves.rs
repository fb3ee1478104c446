//! What a request to move a booked meeting proposes, once the booking is known: the text alone
//! cannot say how long the meeting is or what "the same time" was, the thread can.
//!
//! Pure: no database, no clock.

use chrono_tz::Tz;

use crate::availability::Interval;

/// A proposed time as the agent holds it: the interval, its rank, and whether it is a window.
pub type Proposal = (Interval, u32, bool);

/// The proposals of a reschedule of `booking`, shaped by it:
/// - a moved meeting keeps its length: an exact time whose length the email did not state
///   (`length_stated` false) lasts as long as the booking;
/// - "Could we move it to Monday at the same time?": a window that holds the booking's clock
///   (in the user's `zone`) on its day becomes that day at that clock, when `same_time`.
///
/// Windows without "the same time" are left for the ranking to fill.
pub fn shape_to_booking(
    proposals: &[Proposal],
    booking: Interval,
    zone: Tz,
    same_time: bool,
    length_stated: bool,
) -> Vec<Proposal> {
    let length = booking.duration();
    proposals
        .iter()
        .map(|&(interval, rank, flexible)| {
            if flexible {
                if same_time && let Some(at) = same_clock_on_day(interval, booking, zone) {
                    return (at, rank, false);
                }
                return (interval, rank, flexible);
            }
            if length_stated {
                return (interval, rank, flexible);
            }
            match Interval::starting_at(interval.start(), length) {
                Some(kept) => (kept, rank, false),
                None => (interval, rank, flexible),
            }
        })
        .collect()
}

/// The booking's wall-clock start on the day `window` starts, for the booking's length, if the
/// window holds it. Wall clock in the user's zone: a move across a DST change keeps 10:00.
fn same_clock_on_day(window: Interval, booking: Interval, zone: Tz) -> Option<Interval> {
    let clock = booking.start().with_timezone(&zone).time();
    let day = window.start().with_timezone(&zone).date_naive();
    let start = day
        .and_time(clock)
        .and_local_timezone(zone)
        .earliest()?
        .to_utc();
    // `starting_at` refuses an empty interval.
    let moved = Interval::starting_at(start, booking.duration())?;
    window.contains(&moved).then_some(moved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeDelta, TimeZone, Utc};

    fn utc(d: u32, h: u32, m: u32) -> chrono::DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, d, h, m, 0).unwrap()
    }

    fn iv(d: u32, h: u32, m: u32, minutes: i64) -> Interval {
        Interval::starting_at(utc(d, h, m), TimeDelta::minutes(minutes)).unwrap()
    }

    /// One proposal shaped to a booking, for a user in New York.
    fn shaped(p: Proposal, booking: Interval, same_time: bool, stated: bool) -> Vec<Proposal> {
        shape_to_booking(
            &[p],
            booking,
            chrono_tz::America::New_York,
            same_time,
            stated,
        )
    }

    // The 45-minute call is Wednesday 4 March 15:00 UTC (10:00 in New York, EST). Monday 9
    // March is after the US change to EDT on the 8th: 09:00-17:00 there is 13:00-21:00 UTC.
    fn booking() -> Interval {
        iv(4, 15, 0, 45)
    }

    fn monday() -> Interval {
        Interval::new(utc(9, 13, 0), utc(9, 21, 0)).unwrap()
    }

    #[test]
    fn the_same_time_on_another_day_takes_the_bookings_clock_and_length() {
        // "Could we do Monday 9 March at the same time?": 10:00 New York wall clock again,
        // which is now 14:00 UTC, for 45 minutes.
        let got = shaped((monday(), 1, true), booking(), true, false);
        assert_eq!(got, vec![(iv(9, 14, 0, 45), 1, false)]);
    }

    #[test]
    fn without_the_same_time_a_day_stays_a_window() {
        let got = shaped((monday(), 1, true), booking(), false, false);
        assert_eq!(got, vec![(monday(), 1, true)]);
    }

    #[test]
    fn a_window_that_misses_the_bookings_clock_stays_a_window() {
        // "the same time, Monday afternoon" cannot be 10:00.
        let afternoon = Interval::new(utc(9, 16, 0), utc(9, 21, 0)).unwrap();
        let got = shaped((afternoon, 1, true), booking(), true, false);
        assert_eq!(got, vec![(afternoon, 1, true)]);
    }

    #[test]
    fn a_new_exact_time_keeps_the_bookings_length_unless_one_is_stated() {
        let hour = iv(4, 15, 0, 60);
        let thursday_2pm = iv(5, 19, 0, 30);
        let kept = shaped((thursday_2pm, 1, false), hour, false, false);
        assert_eq!(kept, vec![(iv(5, 19, 0, 60), 1, false)]);
        // "Could we make it a quick 30 minutes on Thursday at 2?": the stated length wins.
        let stated = shaped((thursday_2pm, 1, false), hour, false, true);
        assert_eq!(stated, vec![(thursday_2pm, 1, false)]);
    }
}
