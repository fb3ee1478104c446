//! Throughput of `parse_email` (MIME, HTML to text, quotes, signature, forward) on the fixtures.

use std::hint::black_box;

use cams::nlp::text::parse_email;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

macro_rules! fixture {
    ($name:literal) => {
        (
            $name,
            include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/eml/",
                $name,
                ".eml"
            ))
            .as_slice(),
        )
    };
}

/// A mix of the client styles the pipeline sees, one of each.
const MIX: &[(&str, &[u8])] = &[
    fixture!("gmail_reply_on_wrote"),
    fixture!("gmail_html_only_reply_with_signature"),
    fixture!("apple_mail_reply_format_flowed"),
    fixture!("apple_iphone_reply_sent_from_my_iphone"),
    fixture!("outlook_reply_original_message"),
    fixture!("outlook_html_reply_with_signature_div"),
    fixture!("thunderbird_interleaved_reply"),
    fixture!("german_gmail_reply_am_schrieb_latin1"),
    fixture!("german_outlook_reply_von_gesendet"),
    fixture!("french_outlook_reply_de_envoye"),
    fixture!("spanish_gmail_reply_el_escribio"),
    fixture!("signature_closing_best_name_block"),
    fixture!("legal_confidentiality_footer"),
    fixture!("forward_gmail_plain_with_note"),
    fixture!("forward_apple_begin_forwarded_with_zone"),
    fixture!("forward_outlook_fw_original_message"),
    fixture!("forward_as_rfc822_attachment"),
    fixture!("headers_mailing_list_newsletter"),
    fixture!("headers_out_of_office_auto_reply"),
    fixture!("encoded_subject_and_quoted_printable_body"),
];

fn bench_parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse_email");
    group.throughput(Throughput::Elements(MIX.len() as u64));
    group.bench_function("mix_of_20_emails", |b| {
        b.iter(|| {
            for (_, raw) in MIX {
                let _ = black_box(parse_email(black_box(raw)));
            }
        })
    });
    group.finish();

    let mut single = c.benchmark_group("parse_email_one");
    for (name, raw) in [MIX[0], MIX[5], MIX[13], MIX[17]] {
        single.throughput(Throughput::Bytes(raw.len() as u64));
        single.bench_function(name, |b| b.iter(|| black_box(parse_email(black_box(raw)))));
    }
    single.finish();
}

criterion_group!(benches, bench_parse);
criterion_main!(benches);
