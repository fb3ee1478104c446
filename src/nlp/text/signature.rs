//! Separates a signature, a closing with its name block, and legal footers from the message text.

use super::quotes::tidy;

/// The message text without its signature, and the signature (closing, name block, footer).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SignatureSplit {
    pub text: String,
    pub signature: String,
}

/// Splits the sender's own text (already without quoted history) into message and signature.
///
/// Cuts, in this order, at the earliest of: a `-- ` delimiter (RFC 3676 §4.3), a device line
/// ("Sent from my iPhone"), a legal or confidentiality paragraph at the end; then, above that,
/// at a closing line ("Thanks,") that is followed only by name-block lines. A closing followed
/// by a sentence is left alone, so "Thanks,\nI'll call you at 3pm." keeps its second line.
pub fn split_signature(text: &str) -> SignatureSplit {
    let lines: Vec<&str> = text.lines().collect();
    let mut cut = lines.len();
    for (i, line) in lines.iter().enumerate() {
        if is_delimiter(line) || is_device_line(line) {
            cut = i;
            break;
        }
    }
    cut = legal_footer_start(&lines[..cut]).unwrap_or(cut);
    if let Some(closing) = closing_start(&lines[..cut]) {
        cut = closing;
    } else if let Some(block) = trailing_contact_block(&lines[..cut]) {
        cut = block;
    }
    SignatureSplit {
        text: tidy(&lines[..cut]),
        signature: tidy(&lines[cut..]),
    }
}

fn is_delimiter(line: &str) -> bool {
    // "-- " is the standard; many clients strip the trailing space, and "__" is Yahoo's.
    matches!(line.trim_end(), "--" | "-- " | "—" | "__")
}

fn is_device_line(line: &str) -> bool {
    let lower = line.trim().to_lowercase();
    const STARTS: &[&str] = &[
        "sent from my ",
        "sent from outlook",
        "sent from mail for windows",
        "sent from yahoo mail",
        "sent from the all new aol app",
        "sent from samsung",
        "sent via ",
        "sent with proton mail",
        "get outlook for ",
        "von meinem iphone gesendet",
        "von meinem ipad gesendet",
        "von meinem samsung",
        "gesendet von meinem",
        "gesendet mit der",
        "envoyé de mon ",
        "envoyé depuis mon ",
        "enviado desde mi ",
        "enviado do meu ",
        "enviado de meu ",
        "verzonden vanaf mijn ",
        "verstuurd vanaf mijn ",
        "inviato da ",
        "inviato dal mio ",
    ];
    // A device line is a short tag; "Sent from my phone, so excuse typos. Can we …?" is prose.
    // Outlook appends its link in angle brackets: judge the words before it.
    let tag = lower.split('<').next().unwrap_or("");
    tag.split_whitespace().count() <= 8
        && !tag.contains('?')
        && !tag.trim_end().trim_end_matches('.').contains(". ")
        && STARTS.iter().any(|s| lower.starts_with(s))
}

/// The first line of a trailing run of paragraphs that are legal boilerplate.
fn legal_footer_start(lines: &[&str]) -> Option<usize> {
    let mut start = None;
    let mut end = lines.len();
    // Walk paragraphs from the bottom while they read as boilerplate.
    loop {
        while end > 0 && lines[end - 1].trim().is_empty() {
            end -= 1;
        }
        if end == 0 {
            break;
        }
        let mut begin = end;
        while begin > 0 && !lines[begin - 1].trim().is_empty() {
            begin -= 1;
        }
        let paragraph = lines[begin..end].join(" ").to_lowercase();
        if is_legal(&paragraph) {
            start = Some(begin);
            end = begin;
        } else {
            break;
        }
    }
    start
}

fn is_legal(paragraph: &str) -> bool {
    const STRONG: &[&str] = &[
        "confidentiality notice",
        "this email and any attachments",
        "this e-mail and any attachments",
        "this message and any attachments",
        "this email is confidential",
        "this e-mail is confidential",
        "this message is intended only",
        "intended solely for the use",
        "intended only for the use",
        "if you are not the intended recipient",
        "if you have received this email in error",
        "if you have received this e-mail in error",
        "please consider the environment before printing",
        "diese e-mail enthält vertrauliche",
        "diese nachricht enthält vertrauliche",
        "ce message et toutes les pièces jointes",
        "ce message est confidentiel",
        "este mensaje es confidencial",
        "este correo electrónico es confidencial",
        "dit bericht is vertrouwelijk",
        "questo messaggio è confidenziale",
        "esta mensagem é confidencial",
        "disclaimer:",
        "authorised and regulated by",
        "authorized and regulated by",
        "registered in england",
        "registered office:",
        "sitz der gesellschaft",
        "geschäftsführer:",
        "amtsgericht",
    ];
    STRONG.iter().any(|s| paragraph.contains(s))
        || (paragraph.contains("confidential")
            && (paragraph.contains("intended") || paragraph.contains("privileged")))
}

const CLOSINGS: &[&str] = &[
    "best",
    "best regards",
    "best wishes",
    "all the best",
    "kind regards",
    "warm regards",
    "warmest regards",
    "regards",
    "many thanks",
    "thanks",
    "thank you",
    "thanks again",
    "thanks so much",
    "thanks in advance",
    "thx",
    "cheers",
    "sincerely",
    "yours sincerely",
    "yours truly",
    "talk soon",
    "speak soon",
    "br",
    "viele grüße",
    "viele grüsse",
    "beste grüße",
    "beste grüsse",
    "liebe grüße",
    "liebe grüsse",
    "freundliche grüße",
    "freundliche grüsse",
    "mit freundlichen grüßen",
    "mit freundlichen grüssen",
    "mit besten grüßen",
    "gruß",
    "grüße",
    "lg",
    "vg",
    "danke",
    "vielen dank",
    "cordialement",
    "bien cordialement",
    "bien à vous",
    "merci",
    "merci beaucoup",
    "bonne journée",
    "amicalement",
    "saludos",
    "un saludo",
    "saludos cordiales",
    "atentamente",
    "gracias",
    "muchas gracias",
    "un abrazo",
    "met vriendelijke groet",
    "met vriendelijke groeten",
    "vriendelijke groet",
    "groeten",
    "groet",
    "bedankt",
    "cordiali saluti",
    "distinti saluti",
    "saluti",
    "grazie",
    "grazie mille",
    "a presto",
    "atenciosamente",
    "abraços",
    "abraço",
    "obrigado",
    "obrigada",
    "cumprimentos",
];

/// A line that is only a closing: "Thanks,", "Best regards", "Cheers!", "Thanks, Alice".
fn is_closing_line(line: &str) -> bool {
    let trimmed = line.trim();
    if trimmed.is_empty() || trimmed.len() > 48 {
        return false;
    }
    let lower = trimmed.to_lowercase();
    let bare = lower.trim_end_matches(['.', ',', '!', ' ']);
    if CLOSINGS.contains(&bare) {
        return true;
    }
    // "Thanks, Alice" / "Best - Bob": a closing and a short capitalised name.
    trimmed
        .split_once([',', '-', '–'])
        .is_some_and(|(head, name)| {
            CLOSINGS.contains(&head.trim().to_lowercase().as_str()) && is_name(name.trim())
        })
}

fn is_name(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 4
        && words.iter().all(|w| {
            w.chars().next().is_some_and(|c| c.is_uppercase())
                && w.chars()
                    .all(|c| c.is_alphabetic() || matches!(c, '.' | '-' | '\''))
        })
}

/// Finds a closing line near the end followed only by a name block.
fn closing_start(lines: &[&str]) -> Option<usize> {
    let last = lines.iter().rposition(|l| !l.trim().is_empty())?;
    // A name block is short: look at most ten lines up from the end.
    let lowest = last.saturating_sub(10);
    (lowest..=last).find(|&i| {
        if !is_closing_line(lines[i]) || lines[..i].iter().all(|l| l.trim().is_empty()) {
            return false;
        }
        let block: Vec<&str> = lines[i + 1..=last]
            .iter()
            .copied()
            .filter(|l| !l.trim().is_empty())
            .collect();
        // The line right after the closing must be a name; titles may follow ("Chargée de
        // projet"). This is what keeps "Thanks,\nSee you then" intact.
        block.len() <= 8
            && block.first().is_none_or(|l| is_name_block_line(l))
            && block.iter().skip(1).all(|l| is_title_line(l))
    })
}

/// A title or company line: capitalised first word, a few words, not a question or sentence.
fn is_title_line(line: &str) -> bool {
    let trimmed = line.trim();
    if is_name_block_line(trimmed) {
        return true;
    }
    let words = trimmed.split_whitespace().count();
    words <= 5
        && trimmed.chars().next().is_some_and(char::is_uppercase)
        && !trimmed.ends_with(['?', '!', '.', ':'])
}

/// A bottom paragraph of contact details with no closing above it ("Alice Smith\nAcme\n+1 …").
fn trailing_contact_block(lines: &[&str]) -> Option<usize> {
    let last = lines.iter().rposition(|l| !l.trim().is_empty())?;
    let mut begin = last;
    while begin > 0 && !lines[begin - 1].trim().is_empty() {
        begin -= 1;
    }
    if begin == 0 {
        return None; // the whole message would go
    }
    let block = &lines[begin..=last];
    // A signature opens with the name; a paragraph opening with a link or dial-in is content.
    if !is_name(block[0].trim()) {
        return None;
    }
    let has_contact = block.iter().any(|l| is_contact_line(l));
    let all_name_like = block.iter().all(|l| is_name_block_line(l));
    (block.len() >= 2 && block.len() <= 8 && has_contact && all_name_like).then_some(begin)
}

/// A line of a signature's name block: a name, a title, a company, a phone, an address, a link.
fn is_name_block_line(line: &str) -> bool {
    let trimmed = line.trim();
    if trimmed.len() > 80 {
        return false;
    }
    if is_contact_line(trimmed) {
        return true;
    }
    if trimmed.ends_with('?') || trimmed.ends_with(':') {
        return false;
    }
    let words: Vec<&str> = trimmed
        .split(|c: char| c.is_whitespace() || c == '|' || c == ',' || c == '·' || c == '/')
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() > 8 {
        return false;
    }
    // Titles and addresses are capitalised; a sentence has lower-case words.
    const SMALL: &[&str] = &[
        "of", "and", "at", "the", "for", "in", "&", "de", "van", "von", "der", "den", "la", "le",
        "du", "da", "di", "del", "y", "e", "und", "et", "-", "–", "—", "|",
    ];
    words.iter().all(|w| {
        let first = w.chars().next().unwrap_or(' ');
        !first.is_lowercase() || SMALL.contains(w)
    })
}

/// A phone number, an email address or a web address.
fn is_contact_line(line: &str) -> bool {
    let lower = line.to_lowercase();
    // A meeting link or dial-in is what the scheduling layers need: never signature material.
    const MEETING: &[&str] = &[
        "zoom.us",
        "teams.microsoft",
        "meet.google",
        "webex.com",
        "gotomeeting",
        "meeting id",
        "passcode",
        "dial-in",
        "dial in",
        "conference id",
    ];
    if MEETING.iter().any(|m| lower.contains(m)) {
        return false;
    }
    if lower.contains("http://") || lower.contains("https://") || lower.contains("www.") {
        return true;
    }
    let has_email = line.split_whitespace().any(|w| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        w.contains('@') && w.contains('.')
    });
    has_email || line.split(['|', '·', '•']).any(is_phone)
}

/// "+1 (555) 123-4567", "Tel: 030 1234567", "M. +33 6 12 34 56 78 ext. 12".
fn is_phone(segment: &str) -> bool {
    let trimmed = segment.trim();
    let Some(start) = trimmed.find(|c: char| c.is_ascii_digit() || c == '+' || c == '(') else {
        return false;
    };
    let (label, number) = trimmed.split_at(start);
    let label_ok = label
        .chars()
        .all(|c| c.is_alphabetic() || matches!(c, ':' | '.' | ' '));
    let digits = number.bytes().filter(u8::is_ascii_digit).count();
    label_ok
        && digits >= 7
        && number.chars().all(|c| {
            c.is_ascii_digit()
                || matches!(c, '+' | '(' | ')' | '-' | '.' | ' ' | '/' | 'e' | 'x' | 't')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dash_delimiter() {
        let s = split_signature("See you then.\n\n-- \nAlice Smith\nAcme");
        assert_eq!(s.text, "See you then.");
        assert_eq!(s.signature, "--\nAlice Smith\nAcme");
    }

    #[test]
    fn closing_with_name_block() {
        let s = split_signature(
            "Could we do Tuesday at 3pm?\n\nBest,\nAlice Smith\nHead of Sales, Acme Inc.\n+1 (555) 123-4567\nwww.acme.example",
        );
        assert_eq!(s.text, "Could we do Tuesday at 3pm?");
        assert!(s.signature.starts_with("Best,\nAlice Smith"));
    }

    #[test]
    fn sentence_after_thanks_is_kept() {
        let s = split_signature("Thanks,\nI'll call you at 3pm tomorrow.\nAlice");
        assert_eq!(s.text, "Thanks,\nI'll call you at 3pm tomorrow.\nAlice");
        assert_eq!(s.signature, "");
    }

    #[test]
    fn thanks_then_lowercase_text_is_kept() {
        let s = split_signature("Thanks,\nlet me know if friday works");
        assert_eq!(s.signature, "");
    }

    #[test]
    fn trailing_meeting_link_is_not_a_signature() {
        let text = "Let's talk Tuesday at 10.\n\nZoom: https://zoom.us/j/1234567890\nMeeting ID: 123 456 7890";
        let s = split_signature(text);
        assert_eq!(s.text, text);
        assert_eq!(s.signature, "");
    }

    #[test]
    fn device_line() {
        let s = split_signature("Sure, 10am works.\n\nSent from my iPhone");
        assert_eq!(s.text, "Sure, 10am works.");
        assert_eq!(s.signature, "Sent from my iPhone");
    }

    #[test]
    fn device_line_with_an_apology_is_still_a_device_line() {
        let s = split_signature("Yes, 3pm.\n\nSent from my iPhone, please excuse brevity");
        assert_eq!(s.text, "Yes, 3pm.");
        assert_eq!(s.signature, "Sent from my iPhone, please excuse brevity");
    }

    #[test]
    fn a_sentence_that_starts_like_a_device_line_is_kept() {
        let text = "Sent from my phone, so excuse typos. Can we meet Tuesday?";
        assert_eq!(split_signature(text).text, text);
    }

    #[test]
    fn legal_footer_only() {
        let s = split_signature(
            "Can we meet Friday?\n\nCONFIDENTIALITY NOTICE: This email is intended only for the named recipient.",
        );
        assert_eq!(s.text, "Can we meet Friday?");
        assert!(s.signature.starts_with("CONFIDENTIALITY NOTICE"));
    }
}
