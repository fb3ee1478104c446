//! Throughput of `parse_email` (MIME, HTML to text, quotes, signature, forward) on the fixtures.

use std::hint::black_box;
use std::time::Duration;

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

/// CPU time this thread has run (`CLOCK_THREAD_CPUTIME_ID`): on a machine shared with other
/// builds, wall time measures the neighbours as much as the code.
fn thread_cpu_time() -> Option<Duration> {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid, writable timespec for the duration of the call.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    (status == 0).then(|| Duration::new(now.tv_sec as u64, now.tv_nsec as u32))
}

fn bench_parse(c: &mut Criterion) {
    if thread_cpu_time().is_some() {
        let mut cpu = c.benchmark_group("parse_email_cpu_time");
        cpu.throughput(Throughput::Elements(MIX.len() as u64));
        cpu.bench_function("mix_of_20_emails", |b| {
            b.iter_custom(|iterations| {
                let start = thread_cpu_time().unwrap_or_default();
                for _ in 0..iterations {
                    for (_, raw) in MIX {
                        let _ = black_box(parse_email(black_box(raw)));
                    }
                }
                thread_cpu_time().unwrap_or_default().saturating_sub(start)
            })
        });
        cpu.finish();
    }

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
