//! PLACEHOLDER until the `render` branch lands (same interface).

use chrono_tz::Tz;

use crate::availability::Interval;

pub fn when(slot: &Interval, user_zone: Tz, recipient_zone: Option<Tz>) -> String {
    let s = slot.start().with_timezone(&user_zone);
    let e = slot.end().with_timezone(&user_zone);
    let mut out = format!(
        "{}–{} {}",
        s.format("%a %-d %b, %H:%M"),
        e.format("%H:%M"),
        s.format("%Z")
    );
    if let Some(z) = recipient_zone.filter(|z| *z != user_zone) {
        let rs = slot.start().with_timezone(&z);
        let re = slot.end().with_timezone(&z);
        out.push_str(&format!(
            " ({}–{} {} for you)",
            rs.format("%H:%M"),
            re.format("%H:%M"),
            rs.format("%Z")
        ));
    }
    out
}
