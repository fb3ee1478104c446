//! Line markers mail clients write around quoted and forwarded mail, in en/de/fr/es/nl/it/pt.

/// A header label a client writes above quoted or forwarded mail ("From:", "Von:", "De :").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Label {
    From,
    Sent,
    To,
    Cc,
    Subject,
    ReplyTo,
}

const LABELS: &[(&str, Label)] = &[
    ("from", Label::From),
    ("von", Label::From),
    ("de", Label::From),
    ("van", Label::From),
    ("da", Label::From),
    ("sent", Label::Sent),
    ("date", Label::Sent),
    ("gesendet", Label::Sent),
    ("datum", Label::Sent),
    ("envoyé", Label::Sent),
    ("enviado", Label::Sent),
    ("enviada", Label::Sent),
    ("fecha", Label::Sent),
    ("verzonden", Label::Sent),
    ("inviato", Label::Sent),
    ("data", Label::Sent),
    ("to", Label::To),
    ("an", Label::To),
    ("à", Label::To),
    ("a", Label::To),
    ("para", Label::To),
    ("aan", Label::To),
    ("cc", Label::Cc),
    ("kopie", Label::Cc),
    ("subject", Label::Subject),
    ("betreff", Label::Subject),
    ("objet", Label::Subject),
    ("asunto", Label::Subject),
    ("onderwerp", Label::Subject),
    ("oggetto", Label::Subject),
    ("assunto", Label::Subject),
    ("reply-to", Label::ReplyTo),
    ("antwort an", Label::ReplyTo),
    ("répondre à", Label::ReplyTo),
    ("responder a", Label::ReplyTo),
];

/// Reads `Label: value` (also `Label : value`, `*Label:* value`, `**Label:**`), returning the
/// label and the trimmed value.
pub(crate) fn header_line(line: &str) -> Option<(Label, &str)> {
    let line = line.trim_start().trim_start_matches('*');
    let colon = line.find(':')?;
    if colon > 14 {
        return None;
    }
    let name = line[..colon].trim().trim_end_matches('*').trim();
    let value = line[colon + 1..]
        .trim_start()
        .trim_start_matches('*')
        .trim();
    let label = LABELS
        .iter()
        .find(|(n, _)| eq_fold(n, name))
        .map(|(_, label)| *label)?;
    Some((label, value))
}

fn eq_fold(a: &str, b: &str) -> bool {
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

/// `-----Original Message-----` and its translations (Outlook's reply and forward separator).
pub(crate) fn is_original_message(line: &str) -> bool {
    let trimmed = line.trim();
    if !trimmed.starts_with("--") {
        return false;
    }
    let inner = trimmed.trim_matches(|c: char| c == '-' || c.is_whitespace());
    const NAMES: &[&str] = &[
        "original message",
        "ursprüngliche nachricht",
        "originalnachricht",
        "message d'origine",
        "message d’origine",
        "mensaje original",
        "oorspronkelijk bericht",
        "messaggio originale",
        "mensagem original",
    ];
    NAMES.iter().any(|n| eq_fold(n, inner))
}

/// Gmail's dashed forward line or Apple Mail's "Begin forwarded message:", in any of our languages.
pub(crate) fn is_forward_marker(line: &str) -> bool {
    let trimmed = line.trim().trim_start_matches('>').trim();
    if trimmed.starts_with("--") {
        let inner = trimmed.trim_matches(|c: char| c == '-' || c.is_whitespace());
        const DASHED: &[&str] = &[
            "forwarded message",
            "weitergeleitete nachricht",
            "message transféré",
            "mensaje reenviado",
            "doorgestuurd bericht",
            "messaggio inoltrato",
            "mensagem encaminhada",
            "mensagem reencaminhada",
        ];
        return DASHED.iter().any(|n| eq_fold(n, inner));
    }
    let Some(body) = trimmed.strip_suffix(':') else {
        return false;
    };
    const APPLE: &[&str] = &[
        "begin forwarded message",
        "anfang der weitergeleiteten nachricht",
        "début du message réexpédié",
        "début du message transféré",
        "inicio del mensaje reenviado",
        "begin doorgestuurd bericht",
        "inizio messaggio inoltrato",
        "início da mensagem reencaminhada",
        "início da mensagem encaminhada",
    ];
    let body = body.trim();
    APPLE.iter().any(|n| eq_fold(n, body))
}

/// The underscore line Outlook puts above its header block.
pub(crate) fn is_underscore_separator(line: &str) -> bool {
    let trimmed = line.trim();
    trimmed.len() >= 10 && trimmed.bytes().all(|b| b == b'_')
}

/// An attribution line ("On Tue, Mar 3, 2026 at 10:15 AM Alice <a@x> wrote:"), which clients
/// wrap over up to three lines. Returns how many lines it spans.
pub(crate) fn attribution_len(lines: &[&str], at: usize) -> Option<usize> {
    let first = lines.get(at)?.trim();
    const OPENERS: &[&str] = &[
        "On ", "Am ", "Le ", "El ", "Op ", "Il ", "Em ", "In data ", "Den ", "Quoting ",
    ];
    if !OPENERS.iter().any(|o| first.starts_with(o)) {
        return None;
    }
    let mut joined = String::with_capacity(160);
    for (n, line) in lines[at..].iter().take(3).enumerate() {
        let line = line.trim();
        if line.is_empty() || joined.len() + line.len() > 400 {
            return None;
        }
        if n > 0 {
            joined.push(' ');
        }
        joined.push_str(line);
        if ends_with_wrote(&joined) {
            // A date or an address shows this is a client's attribution, not prose.
            let evidence = joined.bytes().any(|b| b.is_ascii_digit() || b == b'@');
            return evidence.then_some(n + 1);
        }
    }
    None
}

/// "… wrote:" in English; German and Dutch put the name after the verb ("… schrieb Anna <a@x>:"),
/// so the verb may be anywhere as long as the line ends with the colon.
fn ends_with_wrote(text: &str) -> bool {
    let Some(body) = text.strip_suffix(':') else {
        return false;
    };
    let lower = body.trim_end().to_lowercase();
    const VERBS: &[&str] = &[
        "wrote",
        "writes",
        "schrieb",
        "geschrieben",
        "a écrit",
        "escribió",
        "schreef",
        "ha scritto",
        "scrive",
        "escreveu",
        "skrev",
    ];
    VERBS.iter().any(|v| {
        lower.match_indices(v).any(|(at, _)| {
            let before = lower[..at].chars().next_back();
            let after = lower[at + v.len()..].chars().next();
            before.is_none_or(|c| !c.is_alphanumeric())
                && after.is_none_or(|c| !c.is_alphanumeric())
        })
    })
}

/// Counts the leading `>` quote markers (ignoring spaces between them).
pub(crate) fn quote_depth(line: &str) -> usize {
    let mut depth = 0;
    for c in line.chars() {
        match c {
            '>' => depth += 1,
            ' ' | '\t' if depth > 0 => {}
            _ => break,
        }
    }
    depth
}

/// The line without one level of `>` quoting (and the single space after it).
pub(crate) fn unquote_once(line: &str) -> &str {
    let trimmed = line.trim_start();
    match trimmed.strip_prefix('>') {
        Some(rest) => rest.strip_prefix(' ').unwrap_or(rest),
        None => line,
    }
}

/// Finds an Outlook-style header block (From, then Sent/Date, then To or Subject, within eight
/// lines) starting at `at`; returns the number of header lines.
///
/// The values must look like a sender and a date, so that a time range written as
/// "From: 10:00 / To: 11:00 / Date: Tuesday" stays the sender's text.
pub(crate) fn header_block_len(lines: &[&str], at: usize) -> Option<usize> {
    let (first, sender) = header_line(lines.get(at)?)?;
    if first != Label::From || !looks_like_sender(sender) {
        return None;
    }
    let mut saw_sent = false;
    let mut saw_to_or_subject = false;
    let mut end = at + 1;
    for (n, line) in lines.iter().enumerate().skip(at + 1).take(8) {
        if line.trim().is_empty() {
            break;
        }
        match header_line(line) {
            Some((Label::Sent, date)) => saw_sent |= date.bytes().any(|b| b.is_ascii_digit()),
            Some((Label::To | Label::Subject, _)) => saw_to_or_subject = true,
            // Other labels, and wrapped values (a long name or recipient list).
            _ => {}
        }
        end = n + 1;
    }
    (saw_sent && saw_to_or_subject).then_some(end - at)
}

/// An address, or a display name (letters, no digits: "Lee, Kevin", "Hannah Scott").
fn looks_like_sender(value: &str) -> bool {
    value.contains('@')
        || (value.chars().any(char::is_alphabetic) && !value.chars().any(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_labels_in_several_languages() {
        assert_eq!(header_line("From: Alice"), Some((Label::From, "Alice")));
        assert_eq!(header_line("*Von:* Alice"), Some((Label::From, "Alice")));
        assert_eq!(header_line("Envoyé : mardi"), Some((Label::Sent, "mardi")));
        assert_eq!(header_line("À : Bob"), Some((Label::To, "Bob")));
        assert_eq!(header_line("Note: hello"), None);
    }

    #[test]
    fn attribution_wrapped_over_two_lines() {
        let lines = [
            "On Tue, Mar 3, 2026 at 10:15 AM Alice Smith <",
            "alice@example.com> wrote:",
        ];
        assert_eq!(attribution_len(&lines, 0), Some(2));
        assert_eq!(attribution_len(&["On Monday I wrote: hi"], 0), None);
        assert_eq!(
            attribution_len(
                &["Le mar. 3 mars 2026 à 10:15, Alice <a@b.fr> a écrit :"],
                0
            ),
            Some(1)
        );
    }

    #[test]
    fn a_time_range_written_with_labels_is_not_a_header_block() {
        let lines = ["From: 10:00", "To: 11:00", "Date: Tuesday"];
        assert_eq!(header_block_len(&lines, 0), None);
        let lines = ["From: Room 4", "To: Room 5", "Date: 10 March"];
        assert_eq!(header_block_len(&lines, 0), None);
    }

    #[test]
    fn header_block_with_a_wrapped_sender() {
        let lines = [
            "From: Jonathan Featherstonehaugh-Whittington <",
            "jonathan@example.co.uk>",
            "Sent: Tuesday, March 3, 2026 10:15 AM",
            "To: Alice",
            "Subject: Call",
        ];
        assert_eq!(header_block_len(&lines, 0), Some(5));
    }

    #[test]
    fn forward_and_original_markers() {
        assert!(is_forward_marker("---------- Forwarded message ---------"));
        assert!(is_forward_marker("Begin forwarded message:"));
        assert!(is_forward_marker("-------- Message transféré --------"));
        assert!(is_original_message("-----Original Message-----"));
        assert!(is_original_message("-----Ursprüngliche Nachricht-----"));
        assert!(!is_original_message("Original Message"));
    }
}
