//! Property tests: `parse_email` and every text rule are total on arbitrary and damaged input.

use proptest::prelude::*;

use super::*;

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/eml/",
            $name,
            ".eml"
        ))
        .as_slice()
    };
}

const FIXTURES: &[&[u8]] = &[
    fixture!("gmail_reply_on_wrote"),
    fixture!("apple_mail_reply_format_flowed"),
    fixture!("outlook_html_reply_with_signature_div"),
    fixture!("german_gmail_reply_am_schrieb_latin1"),
    fixture!("german_outlook_reply_von_gesendet"),
    fixture!("forward_gmail_plain_with_note"),
    fixture!("forward_apple_quoted_plain"),
    fixture!("forward_as_rfc822_attachment"),
    fixture!("forward_outlook_fw_original_message"),
    fixture!("headers_mailing_list_newsletter"),
    fixture!("encoded_subject_and_quoted_printable_body"),
    fixture!("base64_windows_1252_body"),
    fixture!("unknown_charset_falls_back_with_flag"),
];

/// Pieces that steer random text into the quote, signature, forward and HTML rules.
const TOKENS: &[&str] = &[
    "\r\n",
    "\n",
    " ",
    ">",
    "> ",
    "On Tue, Mar 3, 2026 at 10:15 AM A <a@b.c> wrote:",
    "wrote:",
    "Am 3. März 2026 schrieb",
    "From: A <a@b.c>",
    "Sent: Tuesday, March 3, 2026 10:15 AM",
    "To: B",
    "Subject: x",
    "Von:",
    "De :",
    "-----Original Message-----",
    "________________",
    "---------- Forwarded message ---------",
    "Begin forwarded message:",
    "Date: ",
    "-- ",
    "Thanks,",
    "Best,",
    "Alice Smith",
    "+1 555 123 4567",
    "Sent from my iPhone",
    "confidential",
    "<div>",
    "</div>",
    "<br>",
    "<blockquote>",
    "</blockquote>",
    "<style>",
    "&amp;",
    "&#x1F600;",
    "&#99999999;",
    "&",
    "<",
    "é",
    "ü",
    "日本",
    "\u{fffd}",
    "=?UTF-8?B?w6k=?=",
    "=C3=A9",
    "=\r\n",
    "Content-Type: text/html\r\n",
    "Content-Type: multipart/mixed; boundary=b\r\n",
    "--b\r\n",
    "--b--",
    "Content-Transfer-Encoding: base64\r\n",
    "Content-Transfer-Encoding: quoted-printable\r\n",
    "charset=x-bad",
    "format=flowed",
    "12:30 PM",
    "GMT+5:30",
    "März",
    "İ",
    "ß",
];

fn tokens() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..80).prop_map(|t| t.concat())
}

fn check(raw: &[u8]) {
    // The property is "returns": any panic fails the test.
    if let Ok(parsed) = parse_email(raw) {
        let json = serde_json::to_string(&parsed).expect("serialisable");
        let _: ParsedEmail = serde_json::from_str(&json).expect("deserialisable");
    }
}

proptest! {
    #[test]
    fn random_bytes_never_panic(raw in prop::collection::vec(any::<u8>(), 0..2048)) {
        check(&raw);
    }

    #[test]
    fn truncated_fixtures_never_panic(which in 0..FIXTURES.len(), cut in 0.0f64..1.0) {
        let raw = FIXTURES[which];
        check(&raw[..(raw.len() as f64 * cut) as usize]);
    }

    #[test]
    fn damaged_fixtures_never_panic(
        which in 0..FIXTURES.len(),
        edits in prop::collection::vec((0.0f64..1.0, any::<u8>()), 1..16),
    ) {
        let mut raw = FIXTURES[which].to_vec();
        for (at, byte) in edits {
            let i = ((raw.len() - 1) as f64 * at) as usize;
            raw[i] = byte;
        }
        check(&raw);
    }

    #[test]
    fn messages_with_tricky_bodies_never_panic(subject in tokens(), body in tokens()) {
        let raw = format!(
            "From: A <a@example.com>\r\nSubject: {}\r\nDate: Tue, 3 Mar 2026 10:00:00 +0100\r\n\r\n{}",
            subject.replace(['\r', '\n'], " "),
            body
        );
        check(raw.as_bytes());
    }

    #[test]
    fn text_rules_are_total(text in tokens(), noise in ".{0,200}") {
        let combined = format!("{text}{noise}");
        let _ = html::html_to_text(&combined);
        let _ = quotes::split_quotes(&combined);
        let _ = signature::split_signature(&combined);
        let _ = written_date::parse_written_date(&combined, None);
        let _ = language::guess_language(&combined);
        let _ = forward::parse_mailbox_list(&combined);
    }
}

#[test]
fn empty_and_whitespace_input_is_empty() {
    assert_eq!(parse_email(b""), Err(TextError::Empty));
    assert_eq!(parse_email(b" \r\n\t"), Err(TextError::Empty));
}

#[test]
fn every_truncation_of_one_fixture_is_handled() {
    let raw = fixture!("forward_gmail_plain_with_note");
    for cut in 0..raw.len() {
        check(&raw[..cut]);
    }
}

#[test]
fn large_bodies_stay_linear() {
    // 40,000 lines that each look like the start of a rule: every rule must stay linear.
    let mut body = String::from("Can we meet?\r\n");
    for n in 0..5_000 {
        body.push_str("From: A <a@b.c>\r\nOn Tue, Mar 3, 2026 A <a@b.c>\r\n> quoted\r\n");
        body.push_str(&format!(
            "Thanks,\r\nName {n}\r\n<div>\r\n&amp;\r\n-----\r\n"
        ));
    }
    for content_type in ["text/plain", "text/html"] {
        let raw = format!(
            "From: A <a@example.com>\r\nSubject: big\r\nContent-Type: {content_type}\r\n\r\n{body}"
        );
        let started = std::time::Instant::now();
        let parsed = parse_email(raw.as_bytes()).expect("parses");
        assert!(parsed.new_text.starts_with("Can we meet?"));
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "{content_type} took {:?}",
            started.elapsed()
        );
    }
}
