//! The part of a message that is new: quoted history and the signature are blanked out.
//!
//! The caller normally passes clean text already; this is the safety net, so that a time in
//! "On Tue, Nov 3 at 10:00 Ana wrote:" or in a signature's office hours never becomes a slot.
//! A forwarded message is kept (it is the guest's request), without its header block.
//! Removed parts become spaces, so byte offsets into the result are offsets into the input.

/// `text` with quoted lines, everything from a history marker or signature on, blanked.
pub fn keep_new_text(text: &str) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let nonempty_after: Vec<usize> = {
        let mut acc = 0usize;
        let mut v = vec![0usize; lines.len()];
        for (k, line) in lines.iter().enumerate().rev() {
            v[k] = acc;
            if !line.trim().is_empty() {
                acc += 1;
            }
        }
        v
    };
    let mut out = String::with_capacity(text.len());
    let mut cut = false;
    let mut lines_seen = 0usize;
    // Inside the header block of a forwarded message ("From:", "Date:", "Subject:"...).
    let mut forward_header = false;
    for (k, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        let lower = trimmed.to_ascii_lowercase();
        let forward_marker = lower.starts_with("---------- forwarded message")
            || lower.starts_with("begin forwarded message")
            || lower.starts_with("-------- forwarded message")
            || lower.starts_with("-----forwarded message");
        if forward_marker && !cut {
            forward_header = true;
        } else if forward_header && !is_header_line(&lower) {
            forward_header = trimmed.is_empty()
                && k + 1 < lines.len()
                && is_header_line(&lines[k + 1].trim().to_ascii_lowercase());
        }
        if !cut && !forward_header && lines_seen > 0 && starts_history_or_signature(trimmed) {
            cut = true;
        }
        let blank = cut || forward_header || forward_marker || trimmed.starts_with('>');
        if blank {
            out.extend(line.chars().flat_map(pad_char));
        } else {
            out.push_str(line);
        }
        if !trimmed.is_empty() {
            lines_seen += 1;
        }
        // A valediction alone on its line ("Best,", "Thanks!") near the end closes the
        // message: what follows is a name, a title, office hours. A "Thanks!" early in a long
        // message is only politeness.
        if !cut && lines_seen > 1 && is_valediction(trimmed) && nonempty_after[k] <= 8 {
            cut = true;
        }
    }
    out
}

/// A blanked char keeps its byte length: multi-byte chars become as many spaces.
fn pad_char(c: char) -> impl Iterator<Item = char> {
    let n = if c == '\n' { 1 } else { c.len_utf8() };
    std::iter::repeat_n(if c == '\n' { '\n' } else { ' ' }, n)
}

fn starts_history_or_signature(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    line == "--"
        || line == "-- "
        || line == "__"
        || lower.starts_with("-----original message")
        || lower.starts_with("----- original message")
        || (line.len() >= 10 && line.bytes().all(|b| b == b'_'))
        || lower.starts_with("from:") && lower.len() > 6
        || lower.starts_with("sent from my")
        || lower.starts_with("get outlook for")
        || (lower.starts_with("on ") && (lower.ends_with("wrote:") || lower.ends_with("wrote :")))
        || lower.starts_with("le ") && lower.ends_with("a écrit :")
        || lower.starts_with("am ") && lower.ends_with("schrieb:")
}

fn is_header_line(lower: &str) -> bool {
    [
        "from:",
        "date:",
        "sent:",
        "to:",
        "cc:",
        "subject:",
        "reply-to:",
    ]
    .iter()
    .any(|h| lower.starts_with(h))
}

fn is_valediction(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    let core = lower.trim_end_matches([',', '!', '.', ' ']);
    matches!(
        core,
        "best"
            | "best regards"
            | "kind regards"
            | "warm regards"
            | "regards"
            | "thanks"
            | "thank you"
            | "many thanks"
            | "thanks so much"
            | "cheers"
            | "sincerely"
            | "yours"
            | "all the best"
            | "talk soon"
            | "speak soon"
            | "warmly"
            | "br"
            | "thx"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanks_quoted_history_and_signature_keeping_offsets() {
        let text = "Tuesday at 3?\n\nBest,\nAna\nOffice hours Mon 9-5\n> On Monday we said 4pm\n";
        let kept = keep_new_text(text);
        assert_eq!(kept.len(), text.len());
        assert!(kept.starts_with("Tuesday at 3?"));
        assert!(!kept.contains("Mon 9-5"));
        assert!(!kept.contains("4pm"));
    }

    #[test]
    fn gmail_history_marker() {
        let text = "Friday works.\nOn Tue, Nov 3, 2026 at 10:00 AM Ana <a@x.org> wrote:\nHow about Monday 2pm?\n";
        let kept = keep_new_text(text);
        assert!(kept.contains("Friday works."));
        assert!(!kept.contains("Monday 2pm"));
    }

    #[test]
    fn forwarded_message_is_kept_without_its_header() {
        let text = "Can you set this up?\n---------- Forwarded message ---------\nFrom: Grace <g@x.org>\nDate: Mon, Nov 2, 2026 at 1:40 PM\nSubject: Kickoff\nTo: Sam <s@x.org>\n\nAre you able to do Wednesday at 10?\n";
        let kept = keep_new_text(text);
        assert!(kept.contains("Wednesday at 10"));
        assert!(!kept.contains("1:40 PM"));
    }

    #[test]
    fn multibyte_chars_keep_byte_length() {
        let text = "ok\n> café à 15h\n";
        assert_eq!(keep_new_text(text).len(), text.len());
    }
}
