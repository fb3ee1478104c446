//! Golden tests over the `.eml` fixtures in `tests/fixtures/eml/`, one per client style and rule.

use super::*;

/// Parses a fixture embedded at compile time (tests stay free of run-time file access).
macro_rules! eml {
    ($name:literal) => {
        parse_email(include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/eml/",
            $name,
            ".eml"
        )))
        .expect($name)
    };
}

fn address(mailbox: Option<&Mailbox>) -> &str {
    mailbox
        .and_then(|m| m.address.as_ref())
        .map_or("", EmailAddress::as_str)
}

fn name(mailbox: Option<&Mailbox>) -> &str {
    mailbox.and_then(|m| m.name.as_deref()).unwrap_or("")
}

fn rfc3339(date: Option<chrono::DateTime<chrono::FixedOffset>>) -> String {
    date.map(|d| d.to_rfc3339()).unwrap_or_default()
}

// ---- replies: English clients ----

#[test]
fn gmail_reply_on_wrote() {
    let e = eml!("gmail_reply_on_wrote");
    assert_eq!(e.body_source, BodySource::Plain);
    assert_eq!(
        e.new_text,
        "Hi Alice,\n\nThursday at 2pm works for me. Could we do it over Zoom?\n\nBob"
    );
    assert_eq!(
        e.quoted_text,
        "On Mon, Mar 2, 2026 at 4:45 PM Alice Smith <alice@acme.example> wrote:\n> Hi Bob,\n>\n> Are you free Thursday afternoon for the quarterly planning?\n>\n> Alice\n>"
    );
    assert_eq!(e.signature, "");
    assert_eq!(e.forwarded, None);
    assert_eq!(e.language, Some(Language::En));
    assert_eq!(e.headers.content_type, "multipart/alternative");
    assert_eq!(address(e.headers.cc.first()), "cams@acme.example");
    assert_eq!(rfc3339(e.headers.date), "2026-03-03T11:02:14-05:00");
    assert_eq!(e.reference_date(), e.headers.date);
    assert!(e.flags.is_empty());
}

#[test]
fn gmail_attribution_wrapped_two_lines() {
    let e = eml!("gmail_attribution_wrapped_two_lines");
    assert_eq!(e.new_text, "Friday 10:30 is perfect, speak then.");
    assert_eq!(
        e.quoted_text,
        "On Tue, Mar 3, 2026 at 5:20 PM Jonathan Featherstonehaugh-Whittington <\njonathan.featherstonehaugh-whittington@example.co.uk> wrote:\n> Would Friday morning suit you for a short intro call?"
    );
}

#[test]
fn gmail_html_only_reply_with_signature() {
    let e = eml!("gmail_html_only_reply_with_signature");
    assert_eq!(e.body_source, BodySource::Html);
    assert_eq!(
        e.new_text,
        "Hi Tom,\n\nThe 12th or the 13th would both work – mornings are better for me."
    );
    assert_eq!(
        e.quoted_text,
        "On Wed, Mar 4, 2026 at 6:10 PM Tom Baker <tom@baker.example> wrote:\n> Which dates suit you for the workshop?"
    );
    assert_eq!(
        e.signature,
        "--\nLena Vogel\nProduct Lead, Vogel & Partner\n+49 30 1234 5678"
    );
}

#[test]
fn apple_mail_reply_format_flowed() {
    let e = eml!("apple_mail_reply_format_flowed");
    // The flowed soft break inside the sentence is joined again (RFC 3676).
    assert_eq!(
        e.new_text,
        "I can come by on Wednesday the 11th any time after 1pm. Would 2pm suit your team, or is later in the afternoon easier?\n\nMarcus"
    );
    assert_eq!(
        e.quoted_text,
        "> On Mar 2, 2026, at 3:15 PM, Dana White <dana@client.example> wrote:\n>\n> Could you visit the site next week? Let us know what day works.\n>"
    );
    assert_eq!(rfc3339(e.headers.date), "2026-03-03T08:41:09-08:00");
}

#[test]
fn apple_iphone_reply_sent_from_my_iphone() {
    let e = eml!("apple_iphone_reply_sent_from_my_iphone");
    assert_eq!(
        e.new_text,
        "Thursday the 12th at 7 works for me — see you there!"
    );
    assert_eq!(e.signature, "Sent from my iPhone");
    // The byte-order mark iOS leaves in quotes is removed.
    assert_eq!(
        e.quoted_text,
        "> On 3 Mar 2026, at 18:05, James Hall <james@example.com> wrote:\n>\n> How about dinner next Thursday or Friday?"
    );
}

#[test]
fn thunderbird_interleaved_reply() {
    let e = eml!("thunderbird_interleaved_reply");
    assert_eq!(
        e.new_text,
        "Monday the 16th, ideally before lunch.\n\nJust Mia and me."
    );
    assert_eq!(
        e.quoted_text,
        "On 05.03.26 18:02, Clara Jensen wrote:\n> Which day should we hold the offsite planning call?\n> And who else should join?"
    );
    assert_eq!(e.signature, "--\nFelix Wagner");
}

#[test]
fn yahoo_reply_with_indented_attribution() {
    let e = eml!("yahoo_reply_with_quoted_attribution_in_html");
    assert_eq!(e.body_source, BodySource::Plain);
    assert_eq!(e.new_text, "Sunday at 10 works, court 3.");
    assert_eq!(
        e.quoted_text,
        "On Friday, March 20, 2026 at 08:15:02 PM GMT, Olivia Reed <olivia@example.com> wrote:\n\n Tennis this weekend?"
    );
}

// ---- replies: Outlook ----

#[test]
fn outlook_reply_original_message() {
    let e = eml!("outlook_reply_original_message");
    assert_eq!(
        e.new_text,
        "Kevin,\n\nLet's push the budget review to Monday 9 March, 10:00-11:00 GMT. I've blocked the room.\n\nMaria"
    );
    assert_eq!(
        e.quoted_text,
        "-----Original Message-----\nFrom: Lee, Kevin <kevin.lee@fabrikam.example>\nSent: Tuesday, March 3, 2026 2:10 PM\nTo: Garcia, Maria <maria.garcia@contoso.example>\nSubject: Budget review\n\nHi Maria, can we move the budget review? Friday no longer works.\n\nKevin"
    );
    assert_eq!(e.forwarded, None, "a RE: subject is a reply, not a forward");
    assert_eq!(name(e.headers.from.as_ref()), "Garcia, Maria");
}

#[test]
fn outlook_reply_underscore_separator() {
    let e = eml!("outlook_reply_underscore_separator");
    assert_eq!(e.new_text, "Monday at 10 is fine. See you then.");
    assert!(
        e.quoted_text
            .starts_with("________________________________\nFrom: Maria Garcia")
    );
    assert!(e.quoted_text.ends_with("10:00-11:00 GMT."));
}

#[test]
fn outlook_html_reply_with_signature_div() {
    let e = eml!("outlook_html_reply_with_signature_div");
    assert_eq!(e.body_source, BodySource::Html);
    assert_eq!(
        e.new_text,
        "Hi Oliver,\n\nTuesday 10 March at 16:00 UK time suits us for the demo."
    );
    assert_eq!(
        e.signature,
        "--\nNina Patel\nSolutions Engineer | Northwind\n+44 20 7946 0123"
    );
    assert_eq!(
        e.quoted_text,
        "________________________________\nFrom: Oliver Brown <oliver@tailspin.example>\nSent: Wednesday, March 4, 2026 4:12 PM\nTo: Nina Patel <nina.patel@northwind.example>\nSubject: Demo\n\nHi Nina, when could you show us the demo?"
    );
    assert!(
        !e.body.contains("margin-top"),
        "CSS must not leak into text"
    );
}

#[test]
fn outlook_desktop_word_html_msonormal() {
    let e = eml!("outlook_desktop_word_html_msonormal");
    assert_eq!(e.body_source, BodySource::Html);
    assert_eq!(
        e.new_text,
        "Hi Kevin,\n\nWednesday 1 April from 9:00 to 12:00 works for the offsite agenda session. Shall I book Room 4?"
    );
    assert_eq!(e.signature, "Thanks,\nMaria");
    assert_eq!(
        e.quoted_text,
        "From: Lee, Kevin <kevin.lee@fabrikam.example>\nSent: Monday, March 23, 2026 3:02 PM\nTo: Garcia, Maria <maria.garcia@contoso.example>\nSubject: Offsite agenda\n\nWhen can we go through the offsite agenda?"
    );
    assert!(!e.body.contains("font-family") && !e.body.contains("spidmax"));
}

#[test]
fn outlook_reply_header_block_no_separator() {
    let e = eml!("outlook_reply_header_block_no_separator");
    assert_eq!(
        e.new_text,
        "Paul - 11am Central tomorrow works. I'll call your cell."
    );
    assert!(
        e.quoted_text
            .starts_with("From: Paul Young [mailto:pyoung@client.example]")
    );
    assert!(e.quoted_text.ends_with("Can we talk tomorrow morning?"));
}

#[test]
fn html_only_outlook_mobile_with_entities() {
    let e = eml!("html_only_outlook_mobile_with_entities");
    assert_eq!(
        e.new_text,
        "Friday 27th after 6 – I'll book a table at Smith & Sons."
    );
    assert_eq!(e.signature, "Get Outlook for Android");
    assert!(
        e.quoted_text
            .starts_with("________________________________\nFrom: Pat Morgan <pat@example.org>")
    );
    assert!(e.quoted_text.ends_with("Drinks next week?"));
}

// ---- replies: other languages ----

#[test]
fn german_gmail_reply_am_schrieb_latin1() {
    let e = eml!("german_gmail_reply_am_schrieb_latin1");
    assert_eq!(
        e.headers.subject.as_deref(),
        Some("Re: Terminvorschläge für nächste Woche")
    );
    assert_eq!(name(e.headers.from.as_ref()), "Jürgen Müller");
    assert_eq!(
        e.new_text,
        "Hallo Anna,\n\nDonnerstag um 14 Uhr passt mir gut. Können wir uns im Büro treffen?"
    );
    assert_eq!(e.signature, "Viele Grüße\nJürgen");
    assert_eq!(
        e.quoted_text,
        "Am Mo., 2. März 2026 um 16:20 Uhr schrieb Anna Schmidt <\nanna.schmidt@example.de>:\n> Hallo Jürgen,\n> wann hast du nächste Woche Zeit?"
    );
    assert_eq!(e.language, Some(Language::De));
}

#[test]
fn german_outlook_reply_von_gesendet() {
    let e = eml!("german_outlook_reply_von_gesendet");
    assert_eq!(
        e.new_text,
        "Hallo Frau Klein,\n\nder Dienstag, 10. März, 9:30 Uhr ist bei uns frei. Ich sende Ihnen gleich eine Einladung."
    );
    assert_eq!(
        e.signature,
        "Mit freundlichen Grüßen\nThomas Weber\nVertriebsleiter\nFirma GmbH | Hauptstraße 12 | 10115 Berlin\nTel. +49 30 98765432"
    );
    assert!(e.quoted_text.starts_with(
        "Von: Klein, Sabine <sabine.klein@kunde.example>\nGesendet: Dienstag, 3. März 2026 17:02"
    ));
    assert_eq!(e.language, Some(Language::De));
}

#[test]
fn german_signature_von_meinem_iphone_gesendet() {
    let e = eml!("german_signature_von_meinem_iphone_gesendet");
    assert_eq!(e.new_text, "Gerne, Montag um 9 im Café am Markt.");
    assert_eq!(e.signature, "Von meinem iPhone gesendet");
    assert_eq!(
        e.quoted_text,
        "> Am 12.03.2026 um 22:14 schrieb Lukas Becker <lukas.becker@example.de>:\n>\n> Kaffee am Montag?"
    );
}

#[test]
fn french_gmail_reply_le_a_ecrit() {
    let e = eml!("french_gmail_reply_le_a_ecrit");
    assert_eq!(
        e.headers.subject.as_deref(),
        Some("Re: Réunion de lancement")
    );
    assert_eq!(name(e.headers.from.as_ref()), "Hélène Dupont");
    assert_eq!(
        e.new_text,
        "Bonjour Marc,\n\nJe vous propose jeudi 5 mars à 15h, ou vendredi matin si c'est plus simple pour vous."
    );
    assert_eq!(
        e.signature,
        "Cordialement,\nHélène Dupont\nChargée de projet"
    );
    assert_eq!(
        e.quoted_text,
        "Le mar. 3 mars 2026 à 18:12, Marc Laurent <marc.laurent@exemple.fr> a écrit :\n> Bonjour Hélène,\n> Quand seriez-vous disponible pour la réunion de lancement ?"
    );
    assert_eq!(e.language, Some(Language::Fr));
}

#[test]
fn french_outlook_reply_de_envoye_windows_1252() {
    let e = eml!("french_outlook_reply_de_envoye");
    assert_eq!(
        e.new_text,
        "Bonjour Paul,\n\nLundi prochain à 10h me convient parfaitement."
    );
    assert_eq!(e.signature, "Bien à vous,\nClaire");
    assert!(e.quoted_text.starts_with("De : Paul Bernard <paul.bernard@client.example>\nEnvoyé : mercredi 4 mars 2026 16:45\nÀ : Claire Martin"));
    assert_eq!(e.language, Some(Language::Fr));
    assert!(e.flags.is_empty());
}

#[test]
fn spanish_gmail_reply_el_escribio() {
    let e = eml!("spanish_gmail_reply_el_escribio");
    assert_eq!(
        e.new_text,
        "Hola Diego,\n\n¿Podemos vernos el jueves a las 11? Si no, el viernes por la tarde también me va bien."
    );
    assert_eq!(e.signature, "Saludos,\nLucía");
    assert_eq!(
        e.quoted_text,
        "El lun, 2 mar 2026 a las 17:40, Diego Ramos (<diego.ramos@ejemplo.mx>)\nescribió:\n> Hola Lucía, ¿cuándo tienes tiempo esta semana?"
    );
    assert_eq!(e.language, Some(Language::Es));
}

#[test]
fn spanish_outlook_reply_de_enviado() {
    let e = eml!("spanish_outlook_reply_de_enviado");
    assert_eq!(
        e.new_text,
        "Carmen, el martes 10 a las 16:00 me viene perfecto."
    );
    assert_eq!(
        e.signature,
        "Un saludo,\nJavier Ortega\nDirector Comercial\n+34 91 123 45 67"
    );
    assert!(e.quoted_text.starts_with(
        "De: Carmen Ruiz <cruiz@cliente.example>\nEnviado: martes, 3 de marzo de 2026 19:10"
    ));
    assert!(
        e.quoted_text
            .ends_with("¿podemos hacer la llamada la semana que viene?")
    );
}

#[test]
fn dutch_gmail_reply_op_schreef() {
    let e = eml!("dutch_gmail_reply_op_schreef");
    assert_eq!(
        e.new_text,
        "Hoi Pieter,\n\nVolgende week dinsdag om 15:00 komt mij goed uit. Zullen we bij jou op kantoor afspreken?"
    );
    assert_eq!(e.signature, "Met vriendelijke groet,\nSanne de Vries");
    assert_eq!(
        e.quoted_text,
        "Op di 3 mrt 2026 om 10:15 schreef Pieter Jansen <pieter.jansen@voorbeeld.nl>:\n> Wanneer kunnen we afspreken?"
    );
    assert_eq!(e.language, Some(Language::Nl));
}

#[test]
fn italian_gmail_reply_ha_scritto() {
    let e = eml!("italian_gmail_reply_ha_scritto");
    assert_eq!(
        e.new_text,
        "Ciao Marco,\n\nper me va bene martedì alle 10. Possiamo fare una videochiamata?"
    );
    assert_eq!(e.signature, "Cordiali saluti,\nGiulia Rossi");
    assert_eq!(
        e.quoted_text,
        "Il giorno mer 4 mar 2026 alle ore 18:30 Marco Bianchi <\nmarco.bianchi@esempio.it> ha scritto:\n> Ciao Giulia, quando possiamo fare la riunione?"
    );
    assert_eq!(e.language, Some(Language::It));
}

#[test]
fn portuguese_gmail_reply_em_escreveu() {
    let e = eml!("portuguese_gmail_reply_em_escreveu");
    assert_eq!(
        e.new_text,
        "Oi Rafael,\n\nPodemos fazer a reunião na segunda-feira às 14h? Para mim está ótimo."
    );
    assert_eq!(e.signature, "Abraços,\nAna");
    assert_eq!(
        e.quoted_text,
        "Em qua., 4 de mar. de 2026 às 17:20, Rafael Lima <rafael.lima@exemplo.com.br>\nescreveu:\n> Oi Ana, quando você pode?"
    );
    assert_eq!(e.language, Some(Language::Pt));
}

// ---- signatures and footers ----

#[test]
fn signature_dash_delimiter() {
    let e = eml!("signature_dash_delimiter");
    assert_eq!(
        e.new_text,
        "Hi Emma,\n\nCould we find 30 minutes on Wednesday or Thursday afternoon your time?"
    );
    assert_eq!(
        e.signature,
        "--\nRavi Kumar\nFounder, Startup\nhttps://startup.example"
    );
    assert_eq!(rfc3339(e.headers.date), "2026-03-09T08:00:00+05:30");
}

#[test]
fn signature_get_outlook_for_ios() {
    let e = eml!("signature_get_outlook_for_ios");
    assert_eq!(e.new_text, "Sure, Monday 8:30 at the usual place.");
    assert_eq!(e.signature, "Get Outlook for iOS<https://aka.ms/o0ukef>");
    assert!(e.quoted_text.ends_with("Coffee on Monday?"));
}

#[test]
fn signature_sent_from_android_samsung() {
    let e = eml!("signature_sent_from_android_samsung");
    assert_eq!(e.new_text, "I'm free after 4pm tomorrow, call me then.");
    assert_eq!(e.signature, "Sent from my Galaxy");
    assert!(
        e.quoted_text
            .starts_with("-------- Original message --------\nFrom: Leo Grant")
    );
}

#[test]
fn signature_closing_best_name_block() {
    let e = eml!("signature_closing_best_name_block");
    assert_eq!(
        e.new_text,
        "Hi Bob,\n\nAre you free Thursday afternoon for the quarterly planning? Anything between 1 and 5pm ET works."
    );
    assert_eq!(
        e.signature,
        "Best,\nAlice Smith\nVP Operations | Acme Corp\n+1 (617) 555-0142\n200 Berkeley Street, Boston, MA\nwww.acme.example"
    );
}

#[test]
fn signature_thanks_then_real_sentence_kept() {
    let e = eml!("signature_thanks_then_real_sentence_kept");
    assert_eq!(
        e.new_text,
        "Thanks,\nI can also do Friday at 11 if Thursday gets busy."
    );
    assert_eq!(e.signature, "Cheers,\nTom");
}

#[test]
fn signature_cheers_name_same_line() {
    let e = eml!("signature_cheers_name_same_line");
    assert_eq!(e.new_text, "Lunch on Friday at 12:30 sounds great.");
    assert_eq!(e.signature, "Cheers, Sam");
}

#[test]
fn signature_trailing_contact_block_without_closing() {
    let e = eml!("signature_trailing_contact_block_without_closing");
    assert_eq!(
        e.new_text,
        "Max, can we review the portfolio on Thursday at 1pm PT?"
    );
    assert_eq!(
        e.signature,
        "Ivy Chen\nDesign Director\nivy.chen@design.example | +1 206 555 0111"
    );
}

#[test]
fn reply_with_postscript_keeps_it_and_cuts_the_closing() {
    let e = eml!("reply_with_blank_line_inside_signature_and_ps");
    assert_eq!(
        e.new_text,
        "Tuesday is out for me, how about Wednesday at 9?\n\nP.S. I'll bring the Q1 numbers."
    );
    assert_eq!(e.signature, "Thanks!\nNoah");
}

#[test]
fn legal_confidentiality_footer() {
    let e = eml!("legal_confidentiality_footer");
    assert_eq!(
        e.new_text,
        "Linda,\n\nCould we schedule the quarterly review for the week of 23 March? Tuesday or Wednesday morning would be ideal."
    );
    assert!(e.signature.starts_with("Kind regards,\nSean O'Brien\nRelationship Manager\n\nThis email and any attachments are confidential"));
    assert!(
        e.signature
            .ends_with("regulated by the Financial Conduct Authority.")
    );
}

// ---- forwards ----

#[test]
fn forward_gmail_plain_with_note() {
    let e = eml!("forward_gmail_plain_with_note");
    // Relative words in the original refer to its own date.
    assert_eq!(rfc3339(e.reference_date()), "2026-03-03T10:15:00-05:00");
    assert_eq!(e.new_text, "can you find a time with Bob next week?");
    assert_eq!(e.quoted_text, "");
    let f = e.forwarded.expect("forwarded");
    assert_eq!(f.style, ForwardStyle::DashedMarker);
    assert_eq!(name(f.from.as_ref()), "Bob Miller");
    assert_eq!(address(f.from.as_ref()), "bob@partner.example");
    assert_eq!(f.subject.as_deref(), Some("Partnership call"));
    assert_eq!(address(f.to.first()), "alice@acme.example");
    let cc: Vec<&str> = f.cc.iter().map(|m| address(Some(m))).collect();
    assert_eq!(cc, ["dan@partner.example", "wei.ng@partner.example"]);
    assert_eq!(name(f.cc.get(1)), "Ng, Wei");
    // Gmail writes no zone: the forwarder's offset (-05:00) is taken, and said so.
    assert_eq!(rfc3339(f.date), "2026-03-03T10:15:00-05:00");
    assert!(f.date_offset_assumed);
    assert_eq!(f.date_text.as_deref(), Some("Tue, Mar 3, 2026 at 10:15 AM"));
    assert_eq!(
        f.new_text,
        "Hi Alice,\n\nCould we set up a 45 minute call next week? Tuesday or Wednesday afternoon works best for us."
    );
    assert_eq!(
        f.signature,
        "Thanks,\nBob Miller\nHead of Partnerships, Partner Inc.\n+1 415 555 0199"
    );
}

#[test]
fn forward_gmail_html_only() {
    let e = eml!("forward_gmail_html_only");
    assert_eq!(e.new_text, "Please schedule this for me.");
    let f = e.forwarded.expect("forwarded");
    assert_eq!(address(f.from.as_ref()), "oscar@lind.example");
    assert_eq!(name(f.from.as_ref()), "Oscar Lind");
    assert_eq!(rfc3339(f.date), "2026-03-03T16:30:00+01:00");
    assert!(f.date_offset_assumed);
    assert_eq!(
        f.new_text,
        "Hi Lena,\n\nShall we hold the kick-off on Monday 9 March at 10:00 CET?"
    );
    assert_eq!(f.signature, "Best,\nOscar");
}

#[test]
fn forward_apple_begin_forwarded_with_zone() {
    let e = eml!("forward_apple_begin_forwarded_with_zone");
    assert_eq!(e.new_text, "Could you book this for me? Any morning works.");
    let f = e.forwarded.expect("forwarded");
    assert_eq!(f.style, ForwardStyle::BeginForwarded);
    assert_eq!(address(f.from.as_ref()), "marcus@chen-design.example");
    assert_eq!(f.subject.as_deref(), Some("Site visit"));
    // Apple writes the zone: it wins over the forwarder's +01:00.
    assert_eq!(rfc3339(f.date), "2026-03-03T10:15:32-05:00");
    assert!(!f.date_offset_assumed);
    assert_eq!(
        f.new_text,
        "Hi Dana,\n\nI could come by on Wednesday the 11th or Thursday the 12th. Which is better?\n\nMarcus"
    );
}

#[test]
fn forward_apple_quoted_plain() {
    let e = eml!("forward_apple_quoted_plain");
    assert_eq!(e.new_text, "FYI - please find a slot.");
    assert_eq!(e.quoted_text, "");
    let f = e.forwarded.expect("forwarded");
    assert_eq!(address(f.from.as_ref()), "henry@board.example");
    assert_eq!(rfc3339(f.date), "2026-03-04T18:02:11-08:00");
    assert_eq!(
        f.new_text,
        "Grace, do you have an hour on Friday for board prep?\n\nHenry"
    );
}

#[test]
fn forward_outlook_fw_original_message() {
    let e = eml!("forward_outlook_fw_original_message");
    assert_eq!(e.new_text, "Please handle.\n\nKevin");
    let f = e.forwarded.expect("forwarded");
    assert_eq!(f.style, ForwardStyle::OutlookBlock);
    assert_eq!(address(f.from.as_ref()), "rachel@vendor.example");
    let to: Vec<&str> = f.to.iter().map(|m| address(Some(m))).collect();
    assert_eq!(
        to,
        ["kevin.lee@fabrikam.example", "maria.garcia@contoso.example"]
    );
    assert_eq!(rfc3339(f.date), "2026-03-03T10:15:00-08:00");
    assert!(f.date_offset_assumed);
    assert_eq!(
        f.new_text,
        "Hi Kevin,\n\nAre you available for a vendor meeting on March 10 or 11? We can come to your office."
    );
    assert_eq!(
        f.signature,
        "Regards,\nRachel Green\nAccount Manager | Vendor Co."
    );
}

#[test]
fn forward_outlook_fw_underscore_separator() {
    let e = eml!("forward_outlook_fw_underscore_separator");
    assert_eq!(
        e.new_text,
        "Can you offer Jack two slots next week?\n\nNina"
    );
    let f = e.forwarded.expect("forwarded");
    assert_eq!(f.style, ForwardStyle::OutlookBlock);
    assert_eq!(address(f.from.as_ref()), "jack.turner@customer.example");
    assert_eq!(address(f.cc.first()), "amy.lin@customer.example");
    assert_eq!(f.subject.as_deref(), Some("Training session"));
    assert_eq!(rfc3339(f.date), "2026-03-05T16:40:00+00:00");
    assert_eq!(
        f.new_text,
        "Hello Nina,\n\nWe'd like to book the training session. Mornings are best for our team.\n\nJack"
    );
}

#[test]
fn forward_german_outlook_wg() {
    let e = eml!("forward_german_outlook_wg");
    assert_eq!(e.new_text, "Bitte einen Termin mit Frau Klein finden.");
    let f = e.forwarded.expect("forwarded");
    assert_eq!(name(f.from.as_ref()), "Klein, Sabine");
    assert_eq!(f.subject.as_deref(), Some("Termin Jahresgespräch"));
    assert_eq!(rfc3339(f.date), "2026-03-06T17:45:00+01:00");
    assert_eq!(f.date_text.as_deref(), Some("Freitag, 6. März 2026 17:45"));
    assert_eq!(
        f.new_text,
        "Hallo Herr Weber,\n\nkönnten wir das Jahresgespräch in der KW 12 führen? Vormittags wäre mir lieber."
    );
    assert_eq!(f.signature, "Viele Grüße\nSabine Klein");
    assert_eq!(e.language, Some(Language::De));
}

#[test]
fn forward_french_gmail_message_transfere() {
    let e = eml!("forward_french_gmail_message_transfere");
    assert_eq!(
        e.headers.subject.as_deref(),
        Some("TR : Rendez-vous"),
        "the no-break space is unfolded"
    );
    assert_eq!(e.new_text, "Peux-tu trouver un créneau avec Marc ?");
    let f = e.forwarded.expect("forwarded");
    assert_eq!(address(f.from.as_ref()), "marc.laurent@exemple.fr");
    assert_eq!(rfc3339(f.date), "2026-03-06T17:05:00+01:00");
    assert_eq!(
        f.new_text,
        "Bonjour Hélène,\n\nSeriez-vous disponible mardi ou mercredi prochain pour un rendez-vous ?"
    );
    assert_eq!(f.signature, "Bien cordialement,\nMarc Laurent");
}

#[test]
fn forward_as_rfc822_attachment() {
    let e = eml!("forward_as_rfc822_attachment");
    assert_eq!(
        e.new_text,
        "See the attached request from Hannah, can you set it up?"
    );
    let f = e.forwarded.expect("forwarded");
    assert_eq!(f.style, ForwardStyle::Attachment);
    assert_eq!(address(f.from.as_ref()), "hscott@lawfirm.example");
    assert_eq!(
        f.message_id.as_deref(),
        Some("contract-0309@lawfirm.example")
    );
    assert_eq!(rfc3339(f.date), "2026-03-09T16:20:00-06:00");
    assert!(!f.date_offset_assumed);
    assert_eq!(
        f.new_text,
        "Paul,\n\nCould we meet to sign the contract on Thursday 12 March at 2pm Central? It should take about an hour."
    );
    assert_eq!(
        f.signature,
        "Best regards,\nHannah Scott\nPartner, Scott & Co LLP"
    );
}

#[test]
fn forward_of_forward_takes_innermost() {
    let e = eml!("forward_of_forward_takes_innermost");
    assert_eq!(e.new_text, "Please arrange.");
    let f = e.forwarded.expect("forwarded");
    assert_eq!(address(f.from.as_ref()), "zoe.adams@example.com");
    assert_eq!(f.subject.as_deref(), Some("Interview"));
    assert_eq!(rfc3339(f.date), "2026-03-09T11:45:00+00:00");
    assert_eq!(
        f.new_text,
        "Hi Ravi, I'm available for the interview on Friday between 9 and 12.\n\nZoe"
    );
}

#[test]
fn reply_quoting_an_old_forward_is_not_a_forward() {
    let e = eml!("reply_quoting_an_old_forward_is_not_a_forward");
    assert_eq!(e.forwarded, None);
    assert_eq!(e.new_text, "Friday at 10 is confirmed, thank you!");
    assert!(
        e.quoted_text
            .contains("> ---------- Forwarded message ---------")
    );
}

#[test]
fn outlook_block_without_fw_subject_is_a_quote() {
    let e = eml!("forward_outlook_block_without_fw_subject_is_quote");
    assert_eq!(e.forwarded, None);
    assert_eq!(e.new_text, "Thursday 2pm confirmed.");
    assert!(e.quoted_text.ends_with("Thursday works for me."));
}

#[test]
fn forward_iphone_sent_from_my_iphone_begin_forwarded() {
    let e = eml!("forward_iphone_sent_from_my_iphone_begin_forwarded");
    assert_eq!(e.new_text, "Can you set this up?");
    assert_eq!(e.signature, "Sent from my iPhone");
    let f = e.forwarded.expect("forwarded");
    assert_eq!(f.style, ForwardStyle::BeginForwarded);
    assert_eq!(address(f.from.as_ref()), "tom.reed@example.com");
    assert_eq!(address(f.to.first()), "sarah.okafor@icloud.com");
    assert_eq!(f.subject.as_deref(), Some("Catch up"));
    assert_eq!(rfc3339(f.date), "2026-03-15T21:12:44-04:00");
    assert!(!f.date_offset_assumed);
    assert_eq!(
        f.new_text,
        "Hi Sarah, are you around for a quick 20 minute catch-up on Wednesday or Thursday?\n\nTom"
    );
}

#[test]
fn forward_outlook_html_fw_divrplyfwdmsg() {
    let e = eml!("forward_outlook_html_fw_divrplyfwdmsg");
    assert_eq!(e.body_source, BodySource::Html);
    assert_eq!(
        e.new_text,
        "Please find an hour for this next week, mornings only."
    );
    let f = e.forwarded.expect("forwarded");
    assert_eq!(f.style, ForwardStyle::OutlookBlock);
    assert_eq!(address(f.from.as_ref()), "olga.ivanova@auditors.example");
    assert_eq!(name(f.to.first()), "Lee, Kevin");
    assert_eq!(address(f.cc.first()), "maria.garcia@contoso.example");
    assert_eq!(rfc3339(f.date), "2026-03-16T17:30:00+00:00");
    assert!(f.date_offset_assumed);
    assert_eq!(
        f.new_text,
        "Dear Kevin,\n\nWe would like to hold the security audit kickoff (about 60 minutes) in the week of 23 March."
    );
    assert_eq!(f.signature, "Kind regards,\nOlga Ivanova\nSenior Auditor");
}

#[test]
fn dutch_outlook_forward_doorst_van_verzonden() {
    let e = eml!("dutch_outlook_forward_doorst_van_verzonden");
    assert_eq!(e.new_text, "Kun je een moment met Pieter vinden?");
    let f = e.forwarded.expect("forwarded");
    assert_eq!(address(f.from.as_ref()), "pieter.jansen@voorbeeld.nl");
    assert_eq!(f.subject.as_deref(), Some("Overleg planning"));
    assert_eq!(rfc3339(f.date), "2026-03-17T16:20:00+01:00");
    assert_eq!(
        f.new_text,
        "Hoi Sanne,\n\nKunnen we volgende week een uur overleggen over de planning? Donderdag heeft mijn voorkeur."
    );
    assert_eq!(f.signature, "Groeten,\nPieter");
    assert_eq!(e.language, Some(Language::Nl));
}

#[test]
fn italian_outlook_forward_i_da_inviato() {
    let e = eml!("italian_outlook_forward_i_da_inviato");
    assert_eq!(e.new_text, "Puoi organizzare questo incontro?");
    let f = e.forwarded.expect("forwarded");
    assert_eq!(address(f.from.as_ref()), "luca.conti@fornitore.example");
    assert_eq!(rfc3339(f.date), "2026-03-17T11:05:00+01:00");
    assert_eq!(
        f.new_text,
        "Buongiorno Giulia,\n\npossiamo vederci venerdì 20 marzo alle 15:00 presso il vostro ufficio?"
    );
    assert_eq!(f.signature, "Cordiali saluti,\nLuca Conti");
    assert_eq!(e.language, Some(Language::It));
}

#[test]
fn german_apple_forward_anfang_der_weitergeleiteten_nachricht() {
    let e = eml!("german_apple_forward_anfang_der_weitergeleiteten_nachricht");
    assert_eq!(e.new_text, "Bitte einen Termin mit Lukas eintragen.");
    let f = e.forwarded.expect("forwarded");
    assert_eq!(f.style, ForwardStyle::BeginForwarded);
    assert_eq!(address(f.from.as_ref()), "lukas.becker@example.de");
    // "MEZ" (Central European Time) is written, so the offset is not assumed.
    assert_eq!(rfc3339(f.date), "2026-03-18T21:40:12+01:00");
    assert!(!f.date_offset_assumed);
    assert_eq!(
        f.new_text,
        "Hallo Katrin,\n\nhast du nächste Woche Dienstag oder Mittwoch Abend Zeit für ein Abendessen?"
    );
    assert_eq!(f.signature, "Liebe Grüße\nLukas");
}

#[test]
fn meeting_link_paragraph_is_not_a_signature() {
    let e = eml!("meeting_link_paragraph_is_not_a_signature");
    assert_eq!(
        e.new_text,
        "Hi Liam,\n\nCould we do the design review on Tuesday 24 March at 15:00 GMT?\n\nZoom: https://zoom.us/j/98765432100\nMeeting ID: 987 6543 2100"
    );
    assert_eq!(e.signature, "");
}

// ---- headers ----

#[test]
fn headers_out_of_office_auto_reply() {
    let e = eml!("headers_out_of_office_auto_reply");
    let h = &e.headers;
    assert_eq!(h.return_path, Some(ReturnPath::Null));
    assert_eq!(h.auto_submitted.as_deref(), Some("auto-replied"));
    assert_eq!(h.x_autoreply.as_deref(), Some("yes"));
    assert_eq!(h.x_auto_response_suppress.as_deref(), Some("All"));
    assert_eq!(h.precedence.as_deref(), Some("bulk"));
    assert_eq!(h.in_reply_to, ["CAK1fwd01@mail.gmail.com"]);
    assert_eq!(
        h.authentication_results,
        [
            "mx.acme.example; dkim=pass header.d=partner.example header.s=sel1; spf=pass smtp.mailfrom=partner.example; dmarc=pass (p=REJECT) header.from=partner.example"
        ]
    );
    assert_eq!(
        e.new_text,
        "I am out of the office until Monday 16 March with limited access to email.\nFor urgent matters please contact Dan Ito (dan@partner.example)."
    );
}

#[test]
fn headers_mailing_list_newsletter_html() {
    let e = eml!("headers_mailing_list_newsletter");
    let h = &e.headers;
    assert_eq!(h.precedence.as_deref(), Some("list"));
    assert_eq!(
        h.list_id.as_deref(),
        Some("Weekly Digest <digest.news.example>")
    );
    assert_eq!(
        h.list_unsubscribe.as_deref(),
        Some("<https://news.example/unsub?u=abc>, <mailto:unsubscribe@news.example?subject=unsub>")
    );
    assert_eq!(h.x_autorespond.as_deref(), Some("no"));
    assert_eq!(h.authentication_results.len(), 2);
    assert_eq!(
        h.return_path,
        Some(ReturnPath::Address(
            EmailAddress::parse("bounces+12345-abcd-alice=acme.example@em.news.example").unwrap()
        ))
    );
    assert_eq!(address(h.reply_to.first()), "no-reply@news.example");
    // HTML only: headings and rows become lines, list items get dashes, no CSS or script.
    assert_eq!(e.body_source, BodySource::Html);
    assert_eq!(
        e.new_text,
        "This week’s events\n\nMon 9 Mar Rust meetup & pizza\nWed 11 Mar Café talk: \"Time zones\" – 18:00\n- Bring a friend\n- Free entry\n\nSee all events →"
    );
    assert!(!e.body.contains("tracking") && !e.body.contains("padding"));
}

#[test]
fn headers_threading_reply_to_sender_cc() {
    let e = eml!("headers_threading_reply_to_sender_cc");
    let h = &e.headers;
    assert_eq!(address(h.sender.as_ref()), "assistant@exec.example");
    assert_eq!(address(h.reply_to.first()), "assistant@exec.example");
    assert_eq!(name(h.cc.get(1)), "Ito, Dan");
    assert_eq!(h.in_reply_to, ["plan-0302@acme.example"]);
    assert_eq!(
        h.references,
        [
            "CAB7x1=planning01@mail.gmail.com",
            "plan-0302@acme.example",
            "CAF9q2=reply01@mail.gmail.com"
        ]
    );
    // The sender's offset is kept, not converted to UTC.
    assert_eq!(rfc3339(h.date), "2026-03-09T18:45:00+05:30");
    assert_eq!(h.message_id.as_deref(), Some("raj-0309-1845@exec.example"));
}

// ---- encodings and failures ----

#[test]
fn encoded_subject_and_quoted_printable_body() {
    let e = eml!("encoded_subject_and_quoted_printable_body");
    assert_eq!(
        e.headers.subject.as_deref(),
        Some("Möte på måndag ✅ (10–11)")
    );
    assert_eq!(name(e.headers.from.as_ref()), "Zoë Åkesson");
    assert_eq!(name(e.headers.to.first()), "Björn Nilsson");
    assert_eq!(
        e.new_text,
        "Hi Björn – could we meet on Monday 16 March, 10:00–11:00? I’ve booked the room “Saturnus”. This line is deliberately long so that the quoted-printable encoder has to wrap it with soft line breaks."
    );
}

#[test]
fn base64_windows_1252_body() {
    let e = eml!("base64_windows_1252_body");
    assert_eq!(
        e.new_text,
        "Linda – Wednesday 25th at 9:30 works. I’ll send an invite for “Quarterly review”."
    );
    assert!(e.flags.is_empty());
}

#[test]
fn unknown_charset_falls_back_with_flag() {
    let e = eml!("unknown_charset_falls_back_with_flag");
    assert_eq!(
        e.new_text,
        "Can we meet on Thursday at 15:00 JST? Café on the 2nd floor."
    );
    assert!(e.flags.contains(&ParseFlag::UnknownCharset {
        charset: "x-legacy-unknown".into()
    }));
}

#[test]
fn invalid_utf8_bytes_are_read_as_windows_1252_with_flag() {
    let e = eml!("invalid_utf8_bytes_flagged");
    assert_eq!(
        e.new_text,
        "Lunch on Wednesday at 12:30? The café downstairs."
    );
    assert_eq!(e.flags, [ParseFlag::InvalidBytes]);
}

#[test]
fn subject_only_empty_body_is_not_an_error() {
    let e = eml!("subject_only_empty_body");
    assert_eq!(e.body_source, BodySource::None);
    assert_eq!(e.new_text, "");
    assert_eq!(e.headers.subject.as_deref(), Some("Call tomorrow at 4pm?"));
    assert_eq!(e.language, Some(Language::En));
}

#[test]
fn bounce_without_text_or_subject_is_no_body_with_headers() {
    let raw = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/eml/bounce_without_text_or_subject_is_no_body.eml"
    ));
    match parse_email(raw) {
        Err(TextError::NoBody { headers }) => {
            assert_eq!(headers.return_path, Some(ReturnPath::Null));
            assert_eq!(headers.auto_submitted.as_deref(), Some("auto-replied"));
            assert_eq!(
                address(headers.from.as_ref()),
                "MAILER-DAEMON@mx.partner.example"
            );
            assert_eq!(headers.content_type, "multipart/report");
        }
        other => panic!("expected NoBody, got {other:?}"),
    }
}

#[test]
fn not_an_email_is_an_error() {
    let raw = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/eml/not_an_email_plain_text.eml"
    ));
    assert_eq!(parse_email(raw), Err(TextError::NotAMessage));
}

#[test]
fn parsed_email_round_trips_through_json() {
    let e = eml!("forward_gmail_plain_with_note");
    let json = serde_json::to_string(&e).unwrap();
    let back: ParsedEmail = serde_json::from_str(&json).unwrap();
    assert_eq!(back, e);
    assert!(json.contains("\"language\":\"en\""));
}
