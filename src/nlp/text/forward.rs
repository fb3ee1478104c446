//! Finds a forwarded original (inline or attached) and reads its sender, date and own text.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::headers::{Mailbox, header_facts};
use super::markers::{
    Label, attribution_len, header_block_len, header_line, is_forward_marker, is_original_message,
    is_underscore_separator, quote_depth, unquote_once,
};
use super::mime::{ParseFlag, body_text};
use super::quotes::split_quotes;
use super::signature::split_signature;
use super::written_date::parse_written_date;

/// How the original was forwarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ForwardStyle {
    /// "---------- Forwarded message ---------" (Gmail, Thunderbird, Yahoo) and translations.
    DashedMarker,
    /// "Begin forwarded message:" (Apple Mail) and translations.
    BeginForwarded,
    /// Outlook's "-----Original Message-----" or underscore/From/Sent block under a Fw: subject.
    OutlookBlock,
    /// A message/rfc822 attachment.
    Attachment,
}

/// The forwarded original: the guest's request when someone forwards it to CAMS.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForwardedMessage {
    pub style: ForwardStyle,
    pub from: Option<Mailbox>,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    pub subject: Option<String>,
    /// The original's date; see `date_offset_assumed`.
    pub date: Option<DateTime<FixedOffset>>,
    /// True when the written date had no zone and the outer message's offset was used.
    pub date_offset_assumed: bool,
    /// The date as the client wrote it (absent for attachments, which carry a real Date header).
    pub date_text: Option<String>,
    /// Only known for attached originals.
    pub message_id: Option<String>,
    /// What the original's sender wrote: without its quoted history and signature.
    pub new_text: String,
    pub quoted_text: String,
    pub signature: String,
}

impl ForwardedMessage {
    fn empty(style: ForwardStyle) -> Self {
        Self {
            style,
            from: None,
            to: Vec::new(),
            cc: Vec::new(),
            subject: None,
            date: None,
            date_offset_assumed: false,
            date_text: None,
            message_id: None,
            new_text: String::new(),
            quoted_text: String::new(),
            signature: String::new(),
        }
    }
}

/// An inline forward: the line it starts at and how it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ForwardStart {
    pub line: usize,
    pub style: ForwardStyle,
}

/// Whether a subject says the message is a forward ("Fwd:", "FW:", "WG:", "TR:", "RV:", "I:",
/// "Enc:", "Doorst:"), ignoring a leading "[External]"-style tag.
pub fn subject_is_forward(subject: &str) -> bool {
    let mut rest = subject.trim_start();
    while let Some(tagged) = rest.strip_prefix('[') {
        match tagged.find(']') {
            Some(close) => rest = tagged[close + 1..].trim_start(),
            None => break,
        }
    }
    let Some(colon) = rest.find(':') else {
        return false;
    };
    let prefix = rest[..colon].trim();
    [
        "fw", "fwd", "wg", "tr", "rv", "i", "enc", "doorst", "fs", "vs",
    ]
    .iter()
    .any(|p| p.eq_ignore_ascii_case(prefix))
}

/// Finds an inline forward that starts before any quoted history.
pub(crate) fn find_forward(lines: &[&str], subject_is_forward: bool) -> Option<ForwardStart> {
    for (i, line) in lines.iter().enumerate() {
        if is_forward_marker(line) {
            let style = if line.trim().trim_start_matches('>').trim().starts_with('-') {
                ForwardStyle::DashedMarker
            } else {
                ForwardStyle::BeginForwarded
            };
            return Some(ForwardStart { line: i, style });
        }
        let outlook_block = is_original_message(line)
            || (is_underscore_separator(line)
                && next_non_blank(lines, i + 1)
                    .is_some_and(|n| header_block_len(lines, n).is_some()))
            || header_block_len(lines, i).is_some();
        if outlook_block {
            return subject_is_forward.then_some(ForwardStart {
                line: i,
                style: ForwardStyle::OutlookBlock,
            });
        }
        // Quoted history came first: a forward inside it is old mail, not this message's.
        if quote_depth(line) > 0 || attribution_len(lines, i).is_some() {
            return None;
        }
    }
    None
}

fn next_non_blank(lines: &[&str], from: usize) -> Option<usize> {
    (from..lines.len()).find(|&n| !lines[n].trim().is_empty())
}

/// Reads an inline forward starting at `start` (the marker line).
pub(crate) fn read_inline(
    lines: &[&str],
    start: ForwardStart,
    outer_offset: Option<FixedOffset>,
) -> ForwardedMessage {
    read_inline_at_depth(lines, start, outer_offset, 0)
}

fn read_inline_at_depth(
    lines: &[&str],
    start: ForwardStart,
    outer_offset: Option<FixedOffset>,
    depth: usize,
) -> ForwardedMessage {
    // A header block opens the forward itself; a marker line or separator precedes it.
    let first = if header_line(lines[start.line]).is_some_and(|(l, _)| l == Label::From) {
        start.line
    } else {
        start.line + 1
    };
    let rest = &lines[first.min(lines.len())..];
    // Apple Mail quotes the whole original with '>' in plain text: take one level off.
    let quoted_whole = rest
        .iter()
        .filter(|l| !l.trim().is_empty())
        .all(|l| quote_depth(l) > 0);
    let owned: Vec<&str> = if quoted_whole {
        rest.iter().map(|l| unquote_once(l)).collect()
    } else {
        rest.to_vec()
    };
    let mut forwarded = ForwardedMessage::empty(start.style);
    let body_start = read_header_block(&owned, &mut forwarded, outer_offset);
    let body = &owned[body_start..];
    // A forward of a forward: the inner original is the request when nothing was added above it.
    if depth < 3
        && let Some(inner) = find_forward(body, true)
        && body[..inner.line].iter().all(|l| l.trim().is_empty())
    {
        return read_inline_at_depth(body, inner, outer_offset, depth + 1);
    }
    fill_text(&mut forwarded, &body.join("\n"));
    forwarded
}

/// Reads `Label: value` lines and returns where the body starts.
///
/// Clients wrap long header values in plain text (Gmail at about 76 columns), so a line that is
/// not a label continues the value above it; the block ends at the first blank line.
fn read_header_block(
    lines: &[&str],
    forwarded: &mut ForwardedMessage,
    outer_offset: Option<FixedOffset>,
) -> usize {
    let mut i = 0;
    while i < lines.len() && lines[i].trim().is_empty() {
        i += 1;
    }
    let mut fields: Vec<(Label, String)> = Vec::new();
    while i < lines.len() {
        let line = lines[i];
        if line.trim().is_empty() {
            break;
        }
        match (header_line(line), fields.last_mut()) {
            (Some((label, value)), _) => fields.push((label, value.to_string())),
            (None, Some((_, value))) => {
                // "<\nalice@example.com>" joins without a space; words join with one.
                if !(value.ends_with('<') || value.is_empty()) {
                    value.push(' ');
                }
                value.push_str(line.trim());
            }
            (None, None) => break,
        }
        i += 1;
    }
    for (label, value) in fields {
        let value = value.trim();
        match label {
            Label::From => forwarded.from = parse_mailbox(value),
            Label::To => forwarded.to = parse_mailbox_list(value),
            Label::Cc => forwarded.cc = parse_mailbox_list(value),
            Label::Subject => forwarded.subject = Some(value.to_string()).filter(|s| !s.is_empty()),
            Label::Sent => {
                forwarded.date_text = Some(value.to_string());
                if let Some(written) = parse_written_date(value, outer_offset) {
                    forwarded.date = Some(written.datetime);
                    forwarded.date_offset_assumed = written.offset_assumed;
                }
            }
            Label::ReplyTo => {}
        }
    }
    i
}

/// Builds the forwarded original from a message/rfc822 attachment.
pub(crate) fn read_attached(
    nested: &mail_parser::Message<'_>,
    flags: &mut Vec<ParseFlag>,
) -> ForwardedMessage {
    let (facts, _) = header_facts(nested);
    let (body, _) = body_text(nested, flags);
    let mut forwarded = ForwardedMessage {
        from: facts.from,
        to: facts.to,
        cc: facts.cc,
        subject: facts.subject,
        date: facts.date,
        message_id: facts.message_id,
        ..ForwardedMessage::empty(ForwardStyle::Attachment)
    };
    fill_text(&mut forwarded, &body);
    forwarded
}

fn fill_text(forwarded: &mut ForwardedMessage, body: &str) {
    let quotes = split_quotes(body);
    let signature = split_signature(&quotes.new_text);
    forwarded.new_text = signature.text;
    forwarded.signature = signature.signature;
    forwarded.quoted_text = quotes.quoted_text;
}

/// "Alice Smith <alice@example.com>", "\"Smith, Alice\" <…>", "Alice [mailto:…]", a bare address
/// or a bare name.
pub fn parse_mailbox(text: &str) -> Option<Mailbox> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    for (open, close) in [('<', '>'), ('[', ']')] {
        if let Some(start) = text.rfind(open)
            && let Some(len) = text[start + 1..].find(close)
        {
            let inner = &text[start + 1..start + 1 + len];
            let name = text[..start].trim();
            let mailbox = Mailbox::new(Some(name), Some(inner));
            if mailbox.address.is_some() {
                return Some(mailbox);
            }
        }
    }
    let mailbox = if text.contains('@') && !text.contains(' ') {
        Mailbox::new(None, Some(text))
    } else {
        Mailbox::new(Some(text), None)
    };
    (mailbox.name.is_some() || mailbox.address.is_some()).then_some(mailbox)
}

/// A recipient list: Outlook separates with ';', others with ',' (names may contain commas).
pub fn parse_mailbox_list(text: &str) -> Vec<Mailbox> {
    let separator = if text.contains(';') { ';' } else { ',' };
    let mut pieces: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut in_quotes = false;
    let mut in_angle = false;
    for c in text.chars() {
        match c {
            '"' => in_quotes = !in_quotes,
            '<' | '[' => in_angle = true,
            '>' | ']' => in_angle = false,
            _ => {}
        }
        if c == separator && !in_quotes && !in_angle {
            pieces.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    pieces.push(current);
    // "Smith, Alice <a@x>" split on ',' leaves a piece without an address: join it to the next.
    let mut merged: Vec<String> = Vec::new();
    let mut carry = String::new();
    for piece in pieces {
        let piece = piece.trim();
        if piece.is_empty() {
            continue;
        }
        if separator == ',' && !piece.contains('@') {
            if !carry.is_empty() {
                carry.push_str(", ");
            }
            carry.push_str(piece);
            continue;
        }
        if carry.is_empty() {
            merged.push(piece.to_string());
        } else {
            merged.push(format!("{}, {}", std::mem::take(&mut carry), piece));
        }
    }
    if !carry.is_empty() {
        merged.push(carry);
    }
    merged.iter().filter_map(|p| parse_mailbox(p)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_that_mark_forwards() {
        for s in [
            "Fwd: Meeting",
            "FW: Meeting",
            "WG: Termin",
            "TR : Réunion",
            "[EXT] Fw: x",
        ] {
            assert!(subject_is_forward(s), "{s}");
        }
        for s in ["Re: Fwd: x", "Meeting", "Fwd meeting"] {
            assert!(!subject_is_forward(s), "{s}");
        }
    }

    #[test]
    fn wrapped_header_values_are_joined() {
        let lines = [
            "From: Jonathan Featherstonehaugh-Whittington <",
            "jonathan@example.co.uk>",
            "Date: Tue, Mar 3, 2026 at 10:15 AM",
            "Subject: A subject long enough that Gmail wrapped it onto",
            "the next line",
            "To: Alice <alice@example.com>, Bob <bob@example.com>,",
            "Carol <carol@example.com>",
            "",
            "Body",
        ];
        let mut f = ForwardedMessage::empty(ForwardStyle::DashedMarker);
        let body_start = read_header_block(&lines, &mut f, None);
        assert_eq!(body_start, 7);
        let from = f.from.unwrap();
        assert_eq!(from.address.unwrap().as_str(), "jonathan@example.co.uk");
        assert_eq!(
            f.subject.as_deref(),
            Some("A subject long enough that Gmail wrapped it onto the next line")
        );
        assert_eq!(f.to.len(), 3);
        assert!(f.date_offset_assumed);
    }

    #[test]
    fn mailbox_forms() {
        let m = parse_mailbox("\"Smith, Alice\" <Alice@Example.com>").unwrap();
        assert_eq!(m.name.as_deref(), Some("Smith, Alice"));
        assert_eq!(m.address.unwrap().as_str(), "Alice@example.com");
        let m = parse_mailbox("Bob Jones [mailto:bob@example.org]").unwrap();
        assert_eq!(m.name.as_deref(), Some("Bob Jones"));
        let m = parse_mailbox("Carol Diaz").unwrap();
        assert_eq!((m.name.as_deref(), m.address), (Some("Carol Diaz"), None));
    }

    #[test]
    fn mailbox_lists_with_commas_in_names() {
        let list = parse_mailbox_list("Smith, Alice <a@x.com>, Bob <b@x.com>");
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].name.as_deref(), Some("Smith, Alice"));
        let list = parse_mailbox_list("Alice <a@x.com>; Jones, Bob <b@x.com>");
        assert_eq!(list[1].name.as_deref(), Some("Jones, Bob"));
    }
}
