//! Moves relative to a time: "an hour later", "bring it forward by 30 minutes", "push it back
//! half an hour", "start 15 min earlier". The new time is the original moved by that much,
//! wherever the original is named (in the same text or in the quoted thread).

use std::sync::LazyLock;

use regex::Regex;

/// How long a move is: "an hour", "half an hour", "90 minutes", "1.5 hours", "two hours".
const AMOUNT: &str = r"(?P<amount>an hour and a half|one and a half hours?|(?:a |one )?half(?:-| an? )hour|(?:a |one )?quarter(?: of an?|-| an?) hour|(?:an?|one|two|three|\d+(?:\.\d+)?)\s*(?:hours?|hrs?|h)\b|(?:\d+|five|ten|fifteen|twenty|thirty|forty(?:-| )five|forty|forty-five)\s*(?:minutes?|mins?)\b)";

/// "AMOUNT later", "AMOUNT earlier", "AMOUNT back", "AMOUNT forward".
static AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b{AMOUNT}\s+(?P<dir>later|earlier|sooner|back|forward)\b"
    ))
    .unwrap_or_else(|_| unreachable!())
});

/// "push it back (by) AMOUNT", "bring the call forward (by) AMOUNT", "move it up AMOUNT".
static BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?:push|pushing|move|moving|bump|bumping|shift|shifting|bring|bringing|slide|sliding|start|starting)\b[^.?!\n]{{0,40}}?\b(?P<dir>back|later|forward|up|earlier)\s+(?:by\s+)?{AMOUNT}"
    ))
    .unwrap_or_else(|_| unreachable!())
});

/// The move a text asks for, in minutes (later is positive), and where it was written.
pub(crate) fn relative_move(text: &str) -> Option<(i64, usize)> {
    let (caps, dir) = if let Some(c) = BEFORE.captures(text) {
        let d = c.name("dir")?.as_str().to_ascii_lowercase();
        (c, d)
    } else {
        let c = AFTER.captures(text)?;
        let d = c.name("dir")?.as_str().to_ascii_lowercase();
        (c, d)
    };
    let minutes = amount_minutes(&caps.name("amount")?.as_str().to_ascii_lowercase())?;
    let sign = match dir.as_str() {
        "later" | "back" => 1,
        _ => -1,
    };
    // Where the move itself is written: a time before it is the one moved, a time after it
    // the new one ("push our 3pm back an hour, to 4").
    let at = if caps.name("dir")?.start() < caps.name("amount")?.start() {
        caps.name("dir")?.start()
    } else {
        caps.name("amount")?.start()
    };
    (minutes > 0 && minutes <= 12 * 60).then_some((sign * minutes, at))
}

fn amount_minutes(a: &str) -> Option<i64> {
    if a.contains("and a half") {
        return Some(90);
    }
    if a.contains("half") {
        return Some(30);
    }
    if a.contains("quarter") {
        return Some(15);
    }
    let lead = a
        .trim_start()
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
        .next()
        .unwrap_or("");
    let digits: String = lead
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let n: f64 = if !digits.is_empty() {
        digits.parse().ok()?
    } else {
        match lead {
            "a" | "an" | "one" => 1.0,
            "two" => 2.0,
            "three" => 3.0,
            "five" => 5.0,
            "ten" => 10.0,
            "fifteen" => 15.0,
            "twenty" => 20.0,
            "thirty" => 30.0,
            "forty" => 40.0,
            "forty-five" => 45.0,
            _ if a.starts_with("forty five") => 45.0,
            _ => return None,
        }
    };
    let hours = a.contains('h') && !a.contains("min");
    let minutes = if hours { n * 60.0 } else { n };
    Some(minutes.round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shift(text: &str) -> Option<i64> {
        relative_move(text).map(|(m, _)| m)
    }

    #[test]
    fn moves_are_read_in_either_order_and_direction() {
        assert_eq!(
            shift("Could we move Thursday's call an hour later?"),
            Some(60)
        );
        assert_eq!(
            shift("Would it be possible to bring tomorrow's call forward by one hour?"),
            Some(-60)
        );
        assert_eq!(
            shift("Can we start half an hour later? Same link."),
            Some(30)
        );
        assert_eq!(shift("could we push it back 30 minutes"), Some(30));
        assert_eq!(shift("Can we push our 3pm back by 45 mins?"), Some(45));
        assert_eq!(shift("Mind if we move it up 15 minutes?"), Some(-15));
        assert_eq!(shift("Let's do it two hours earlier."), Some(-120));
        assert_eq!(shift("start an hour and a half later"), Some(90));
        assert_eq!(shift("bring it forward a quarter of an hour"), Some(-15));
    }

    #[test]
    fn lengths_and_lateness_are_not_moves() {
        assert_eq!(shift("Can we do an hour on Tuesday?"), None);
        assert_eq!(shift("I'll be 10 minutes late."), None);
        assert_eq!(shift("I'll get back to you in an hour."), None);
        assert_eq!(shift("Let's start at 3 and go for 45 minutes."), None);
    }
}
