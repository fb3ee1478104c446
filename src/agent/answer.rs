//! The user's answer to an approval email, or a guest's pick of an offered slot, read from the
//! first words of the new text: "yes", "2", "option 2", "no", "ignore". Pure.

use crate::outbound::approval::ApprovalAction;

/// What the first meaningful line of `text` says, if it says one clear thing.
pub fn read_answer(text: &str) -> Option<ApprovalAction> {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('>'))?;
    let words: Vec<String> = line
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '.' | '!' | ':' | ';' | '#'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let first = words.first()?.as_str();
    // "2", "option 2", "slot #2", "number 2", "the 2nd", "second"
    let slot_word = |w: &str| -> Option<u32> {
        let w = w.trim_end_matches(['s', 't', 'n', 'd', 'r', 'h']);
        match w.parse::<u32>() {
            Ok(k) if (1..=20).contains(&k) => Some(k),
            _ => None,
        }
    };
    let ordinal = |w: &str| -> Option<u32> {
        Some(match w {
            "first" => 1,
            "second" => 2,
            "third" => 3,
            "fourth" => 4,
            "fifth" => 5,
            _ => return None,
        })
    };
    // A leading number picks a slot unless it is a clock or a length ("3 pm works", "1 hour").
    let unit = |w: &str| {
        matches!(
            w,
            "am" | "pm"
                | "a.m"
                | "p.m"
                | "h"
                | "hr"
                | "hrs"
                | "hour"
                | "hours"
                | "min"
                | "mins"
                | "minute"
                | "minutes"
                | "o'clock"
                | "oclock"
                | "uhr"
                | "heures"
        )
    };
    if let Ok(k) = first.parse::<u32>() {
        let clock = line.trim_start().starts_with(&format!("{k}:"))
            || words.get(1).is_some_and(|w| unit(w));
        return ((1..=20).contains(&k) && !clock).then_some(ApprovalAction::PickSlot(k));
    }
    if matches!(
        first,
        "option" | "slot" | "number" | "no." | "choice" | "pick" | "the"
    ) && let Some(w) = words.get(1)
        && let Some(k) = slot_word(w).or_else(|| ordinal(w))
    {
        return Some(ApprovalAction::PickSlot(k));
    }
    if let Some(k) = ordinal(first) {
        return Some(ApprovalAction::PickSlot(k));
    }
    let yes = [
        "yes",
        "y",
        "yep",
        "yeah",
        "ok",
        "okay",
        "send",
        "approve",
        "approved",
        "sure",
        "go",
        "confirm",
        "confirmed",
        "oui",
        "ja",
        "sí",
        "si",
    ];
    let no = ["no", "n", "nope", "decline", "declined", "non", "nein"];
    if yes.contains(&first) && words.len() <= 6 {
        return Some(ApprovalAction::Send);
    }
    if no.contains(&first) && words.len() <= 6 {
        return Some(ApprovalAction::Decline);
    }
    if matches!(first, "ignore" | "skip" | "ignorer") {
        return Some(ApprovalAction::Ignore);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_answers_map_to_actions() {
        let cases = [
            ("yes", Some(ApprovalAction::Send)),
            ("Yes, send it.", Some(ApprovalAction::Send)),
            (
                "OK\n\nOn Tue, CAMS wrote:\n> 1. Tue",
                Some(ApprovalAction::Send),
            ),
            ("2", Some(ApprovalAction::PickSlot(2))),
            ("  #3 please", Some(ApprovalAction::PickSlot(3))),
            ("Option 2", Some(ApprovalAction::PickSlot(2))),
            ("2 works for me", Some(ApprovalAction::PickSlot(2))),
            ("slot #1", Some(ApprovalAction::PickSlot(1))),
            ("the 2nd one", Some(ApprovalAction::PickSlot(2))),
            ("second", Some(ApprovalAction::PickSlot(2))),
            ("no", Some(ApprovalAction::Decline)),
            ("No thanks.", Some(ApprovalAction::Decline)),
            ("ignore", Some(ApprovalAction::Ignore)),
        ];
        for (text, want) in cases {
            assert_eq!(read_answer(text), want, "{text:?}");
        }
    }

    #[test]
    fn anything_unclear_is_no_answer() {
        for text in [
            "",
            "> yes",
            "0",
            "99",
            "Let me think about it and get back to you",
            "Yes but only if the room is free, and also can you check with Bob whether he can join us",
            "Not sure",
            "3 pm on Wednesday works",
            "1 hour is fine",
            "10:30 works",
        ] {
            assert_eq!(read_answer(text), None, "{text:?}");
        }
    }
}
