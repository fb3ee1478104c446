//! Separates what the sender wrote from the quoted history below (or between) it.

use super::markers::{
    attribution_len, header_block_len, is_original_message, is_underscore_separator, quote_depth,
};

/// The text written in this message and the quoted history, each normalised by [`tidy`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QuoteSplit {
    pub new_text: String,
    pub quoted_text: String,
}

/// Where quoted history starts with nothing of the sender's after it (top-posting clients).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HardBoundary {
    /// "-----Original Message-----".
    OriginalMessage,
    /// An underscore line followed by a From/Sent block.
    Separator,
    /// A From/Sent/To block with no separator above it.
    HeaderBlock,
    /// "On … wrote:" not followed by `>` lines (HTML converted without blockquotes).
    Attribution,
}

/// Finds the first line where everything below is history.
pub(crate) fn hard_boundary(lines: &[&str]) -> Option<(usize, HardBoundary)> {
    for i in 0..lines.len() {
        let line = lines[i];
        if quote_depth(line) > 0 {
            continue;
        }
        if is_original_message(line) {
            return Some((i, HardBoundary::OriginalMessage));
        }
        if is_underscore_separator(line) {
            let next = next_non_blank(lines, i + 1);
            if next.is_some_and(|n| header_block_len(lines, n).is_some()) {
                return Some((i, HardBoundary::Separator));
            }
        }
        if header_block_len(lines, i).is_some() {
            return Some((i, HardBoundary::HeaderBlock));
        }
        if let Some(len) = attribution_len(lines, i) {
            let next = next_non_blank(lines, i + len);
            if next.is_none_or(|n| quote_depth(lines[n]) == 0) {
                return Some((i, HardBoundary::Attribution));
            }
        }
    }
    None
}

fn next_non_blank(lines: &[&str], from: usize) -> Option<usize> {
    (from..lines.len()).find(|&n| !lines[n].trim().is_empty())
}

/// Splits `text` into the sender's own lines and quoted history.
///
/// Everything from a hard boundary on is history. Above it, `>` lines and the attribution that
/// introduces them are history too, while unquoted lines between them stay new: that keeps the
/// answers of an inline (interleaved) reply.
pub fn split_quotes(text: &str) -> QuoteSplit {
    let lines: Vec<&str> = text.lines().collect();
    let end = hard_boundary(&lines).map_or(lines.len(), |(at, _)| at);
    let mut new_lines: Vec<&str> = Vec::with_capacity(end);
    let mut quoted_lines: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < end {
        if let Some(len) = attribution_len(&lines, i) {
            quoted_lines.extend_from_slice(&lines[i..(i + len).min(end)]);
            i += len;
            continue;
        }
        if quote_depth(lines[i]) > 0 {
            quoted_lines.push(lines[i]);
        } else {
            new_lines.push(lines[i]);
        }
        i += 1;
    }
    quoted_lines.extend_from_slice(&lines[end.min(lines.len())..]);
    QuoteSplit {
        new_text: tidy(&new_lines),
        quoted_text: tidy(&quoted_lines),
    }
}

/// Trims line ends, keeps at most one blank line in a row, and trims blank lines at both ends.
pub(crate) fn tidy(lines: &[&str]) -> String {
    let mut out = String::new();
    let mut blank_pending = false;
    for line in lines {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank_pending = !out.is_empty();
            continue;
        }
        if blank_pending {
            out.push_str("\n\n");
            blank_pending = false;
        } else if !out.is_empty() {
            out.push('\n');
        }
        // The first line loses its indentation too (Yahoo indents its plain-text replies).
        out.push_str(if out.is_empty() {
            line.trim_start()
        } else {
            line
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gmail_attribution_and_quote() {
        let s = split_quotes(
            "Tuesday works.\n\nOn Mon, Mar 2, 2026 at 9:00 AM Bob <bob@example.com> wrote:\n> Can we meet?\n> Bob\n",
        );
        assert_eq!(s.new_text, "Tuesday works.");
        assert_eq!(
            s.quoted_text,
            "On Mon, Mar 2, 2026 at 9:00 AM Bob <bob@example.com> wrote:\n> Can we meet?\n> Bob"
        );
    }

    #[test]
    fn interleaved_answers_stay_new() {
        let s = split_quotes(
            "On 3/2/26 9:00, Bob wrote:\n> Tuesday?\nYes, 3pm.\n> Where?\nMy office.\n",
        );
        assert_eq!(s.new_text, "Yes, 3pm.\nMy office.");
        assert_eq!(
            s.quoted_text,
            "On 3/2/26 9:00, Bob wrote:\n> Tuesday?\n> Where?"
        );
    }

    #[test]
    fn outlook_block_without_separator_is_history() {
        let s = split_quotes(
            "Works for me.\n\nFrom: Bob <bob@example.com>\nSent: Monday, March 2, 2026 9:00 AM\nTo: Alice\nSubject: Sync\n\nCan we meet?",
        );
        assert_eq!(s.new_text, "Works for me.");
        assert!(s.quoted_text.starts_with("From: Bob"));
        assert!(s.quoted_text.ends_with("Can we meet?"));
    }

    #[test]
    fn a_lone_from_line_in_prose_is_not_history() {
        let s = split_quotes("From: the team\nWe would like to meet on Friday.");
        assert_eq!(
            s.new_text,
            "From: the team\nWe would like to meet on Friday."
        );
        assert_eq!(s.quoted_text, "");
    }
}
