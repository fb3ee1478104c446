//! Picks a message's readable body: text/plain first, else HTML as text; charsets already decoded.

use std::borrow::Cow;

use mail_parser::decoders::{
    base64::base64_decode, charsets::map::charset_decoder,
    quoted_printable::quoted_printable_decode,
};
use mail_parser::{Encoding, Message, MessagePart, MimeHeaders, PartType};
use serde::{Deserialize, Serialize};

use super::html::html_to_text;

/// Which part the body text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodySource {
    /// A text/plain part.
    Plain,
    /// A text/html part converted to text (the message had no usable text/plain).
    Html,
    /// No text part: only the subject carries words.
    None,
}

/// Something was off in the MIME structure or encoding but text was still recovered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "flag", rename_all = "snake_case")]
pub enum ParseFlag {
    /// A part declared a charset we cannot decode; it was read as UTF-8, or as Windows-1252
    /// when it was not valid UTF-8.
    UnknownCharset { charset: String },
    /// Bytes were invalid in the declared charset: the part was read as Windows-1252 (the
    /// usual truth behind mislabelled mail), or with U+FFFD where even that failed.
    InvalidBytes,
    /// A part's boundaries or encoding were broken; its raw content was used.
    MalformedMime,
    /// No Date header.
    DateMissing,
    /// A Date header that could not be read.
    DateUnparseable,
}

pub(crate) fn push_flag(flags: &mut Vec<ParseFlag>, flag: ParseFlag) {
    if !flags.contains(&flag) {
        flags.push(flag);
    }
}

/// The readable body of `message` (normalised line ends, invisible characters removed).
pub(crate) fn body_text(message: &Message<'_>, flags: &mut Vec<ParseFlag>) -> (String, BodySource) {
    let mut plain = String::new();
    for &id in &message.text_body {
        let Some(part) = message.parts.get(id as usize) else {
            continue;
        };
        let PartType::Text(text) = &part.body else {
            continue;
        };
        let content_type = part.content_type();
        let is_plain = content_type.is_none_or(|ct| {
            ct.ctype().eq_ignore_ascii_case("text")
                && ct.subtype().is_none_or(|s| s.eq_ignore_ascii_case("plain"))
        });
        if !is_plain {
            continue;
        }
        note_part_problems(part, flags);
        let text = recover(message, part, text, flags);
        let flowed = content_type
            .and_then(|ct| ct.attribute("format"))
            .is_some_and(|f| f.eq_ignore_ascii_case("flowed"));
        let delsp = content_type
            .and_then(|ct| ct.attribute("delsp"))
            .is_some_and(|d| d.eq_ignore_ascii_case("yes"));
        let normalised = normalise(&text);
        if !plain.is_empty() {
            plain.push('\n');
        }
        if flowed {
            plain.push_str(&unflow(&normalised, delsp));
        } else {
            plain.push_str(&normalised);
        }
    }
    if !plain.trim().is_empty() {
        return (plain, BodySource::Plain);
    }
    let mut html_text = String::new();
    // mail-parser lists an HTML part in text_body too when there is no plain one: read each once.
    let mut seen: Vec<u32> = Vec::new();
    for &id in message.html_body.iter().chain(&message.text_body) {
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        let Some(part) = message.parts.get(id as usize) else {
            continue;
        };
        if let PartType::Html(html) = &part.body {
            note_part_problems(part, flags);
            let html = recover(message, part, html, flags);
            if !html_text.is_empty() {
                html_text.push('\n');
            }
            html_text.push_str(&html_to_text(&normalise(&html)));
        }
    }
    if !html_text.trim().is_empty() {
        return (html_text, BodySource::Html);
    }
    (String::new(), BodySource::None)
}

/// The first message/rfc822 attachment, which is how many clients forward "as attachment".
pub(crate) fn attached_message<'m>(message: &'m Message<'_>) -> Option<&'m Message<'m>> {
    message
        .attachments
        .iter()
        .find_map(|&id| match &message.parts.get(id as usize)?.body {
            PartType::Message(nested) => Some(nested),
            _ => None,
        })
}

/// Re-reads a part whose decoded text holds replacement characters as Windows-1252.
///
/// mail-parser turns bytes it cannot decode (an unknown charset, or invalid UTF-8) into U+FFFD;
/// legacy clients that mislabel their charset nearly always mean Windows-1252, which maps every
/// byte, so the words come back instead of being lost.
fn recover<'t>(
    message: &Message<'_>,
    part: &MessagePart<'_>,
    decoded: &'t str,
    flags: &mut Vec<ParseFlag>,
) -> Cow<'t, str> {
    if !decoded.contains('\u{fffd}') {
        return Cow::Borrowed(decoded);
    }
    push_flag(flags, ParseFlag::InvalidBytes);
    let declared_known = part
        .content_type()
        .and_then(|ct| ct.attribute("charset"))
        .is_some_and(|c| charset_decoder(c.as_bytes()).is_some());
    // A real multi-byte charset (Shift_JIS, GB2312) that failed is not Windows-1252.
    if declared_known {
        return Cow::Borrowed(decoded);
    }
    let start = part.offset_body as usize;
    let end = (part.offset_end as usize).min(message.raw_message.len());
    let Some(raw) = message.raw_message.get(start..end) else {
        return Cow::Borrowed(decoded);
    };
    let bytes: Option<Vec<u8>> = match part.encoding {
        Encoding::None => Some(raw.to_vec()),
        Encoding::QuotedPrintable => quoted_printable_decode(raw),
        Encoding::Base64 => base64_decode(raw),
    };
    match bytes {
        Some(bytes) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes);
            Cow::Owned(trim_boundary_tail(&text).to_string())
        }
        None => Cow::Borrowed(decoded),
    }
}

/// A part's raw range can end with the CRLF before the next boundary line.
fn trim_boundary_tail(text: &str) -> &str {
    text.trim_end_matches(['\r', '\n'])
}

fn note_part_problems(part: &mail_parser::MessagePart<'_>, flags: &mut Vec<ParseFlag>) {
    if part.is_encoding_problem {
        push_flag(flags, ParseFlag::MalformedMime);
    }
    if let Some(charset) = part.content_type().and_then(|ct| ct.attribute("charset"))
        && charset_decoder(charset.as_bytes()).is_none()
        && !is_utf8_alias(charset)
    {
        push_flag(
            flags,
            ParseFlag::UnknownCharset {
                charset: charset.to_string(),
            },
        );
    }
}

/// mail-parser reads these as UTF-8 directly, without a decoder.
fn is_utf8_alias(charset: &str) -> bool {
    let lower = charset.trim().to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "utf-8" | "utf8" | "us-ascii" | "ascii" | "us_ascii" | "ansi_x3.4-1968"
    )
}

/// `\r\n` and lone `\r` to `\n`; zero-width characters out; no-break spaces to spaces.
pub(crate) fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\u{a0}' | '\u{2007}' | '\u{202f}' => out.push(' '),
            '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}' | '\u{2060}' => {}
            _ => out.push(c),
        }
    }
    out
}

/// Undoes RFC 3676 format=flowed: a line ending in a space continues on the next line of the
/// same quote depth; a leading space was added by the sender ("space-stuffing") and is removed.
pub(crate) fn unflow(text: &str, delsp: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut joining = false;
    let mut joining_depth = 0;
    for line in text.split('\n') {
        let depth = line.bytes().take_while(|b| *b == b'>').count();
        let content = &line[depth..];
        let content = content.strip_prefix(' ').unwrap_or(content);
        if joining && depth != joining_depth {
            out.push('\n');
            joining = false;
        }
        if !joining {
            for _ in 0..depth {
                out.push('>');
            }
            if depth > 0 {
                out.push(' ');
            }
        }
        // The signature separator "-- " is never a flowed line (RFC 3676 §4.3).
        let is_flowed = content.ends_with(' ') && content != "-- ";
        if is_flowed {
            let kept = if delsp {
                &content[..content.len() - 1]
            } else {
                content
            };
            out.push_str(kept);
            joining = true;
            joining_depth = depth;
        } else {
            out.push_str(content);
            out.push('\n');
            joining = false;
        }
    }
    if out.ends_with('\n') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unflow_joins_soft_breaks_and_keeps_quotes_apart() {
        let text = "Could we meet on \nTuesday at 3pm?\n> quoted line \n> continues\n-- \nAlice";
        assert_eq!(
            unflow(text, false),
            "Could we meet on Tuesday at 3pm?\n> quoted line continues\n-- \nAlice"
        );
    }

    #[test]
    fn unflow_with_delsp_removes_the_joining_space() {
        assert_eq!(unflow("Diens \ntag", true), "Dienstag");
    }

    #[test]
    fn normalise_line_ends() {
        assert_eq!(normalise("a\r\nb\rc\u{200b}d\u{a0}e"), "a\nb\ncd e");
    }
}
