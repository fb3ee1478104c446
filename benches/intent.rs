//! Cost of classifying one email with the default intent engine (rules + embedded model).

use std::hint::black_box;

use cams::nlp::intent::{HeaderFacts, IntentEngine, IntentInput, RuleModelEngine};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const EMAILS: &[(&str, &str, bool, u32)] = &[
    (
        "Quick call next week?",
        "Hi Dana,\n\nCould we find 30 minutes next week to go over the Q3 roadmap? Tuesday at 3pm \
         ET or Wednesday afternoon would be ideal for me.\n\nThanks,\nMark",
        false,
        2,
    ),
    (
        "Re: Quick call next week?",
        "Tuesday at 3pm ET works for me. See you then!",
        true,
        1,
    ),
    (
        "Re: Roadmap review",
        "Hi Dana, something came up and I need to reschedule our meeting tomorrow. Could we move \
         it to Thursday at the same time? Sorry for the short notice, the customer escalation \
         from last week flared up again and I have to be on site.",
        true,
        1,
    ),
    (
        "Automatic reply: Intro",
        "Thank you for your email. I am out of the office until Monday, December 2 with limited \
         access to email. For urgent matters please contact Jane Smith.",
        true,
        0,
    ),
];

fn long_newsletter() -> String {
    let mut body = String::new();
    for i in 0..40 {
        body.push_str(&format!(
            "Story {i}: markets opened higher today as investors weighed the latest report, \
             while analysts expect the central bank to hold rates steady next month.\n"
        ));
    }
    body.push_str("You are receiving this email because you subscribed. Unsubscribe.");
    body
}

fn bench(c: &mut Criterion) {
    let engine = RuleModelEngine::embedded().expect("embedded model loads");
    let inputs: Vec<IntentInput<'_>> = EMAILS
        .iter()
        .map(|&(subject, body, is_reply, proposed_times)| IntentInput {
            subject,
            body,
            is_reply,
            proposed_times,
            ..IntentInput::default()
        })
        .collect();
    let mut group = c.benchmark_group("intent");
    group.throughput(Throughput::Elements(inputs.len() as u64));
    group.bench_function("classify_short_emails", |b| {
        b.iter(|| {
            for input in &inputs {
                black_box(engine.classify(black_box(input)));
            }
        })
    });
    let newsletter = long_newsletter();
    let long = IntentInput {
        subject: "The Monday Briefing",
        body: &newsletter,
        headers: HeaderFacts {
            list: true,
            bulk: true,
            ..HeaderFacts::default()
        },
        ..IntentInput::default()
    };
    group.throughput(Throughput::Elements(1));
    group.bench_function("classify_long_newsletter", |b| {
        b.iter(|| black_box(engine.classify(black_box(&long))))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
