//! Cost of `read_times` per email, on realistic scheduling and non-scheduling texts.
//!
//! Run with `cargo bench --bench time`. The figure that matters is the mean over the mix
//! (`time/mix`): the pipeline must do 1,000 emails/s per core, all stages together.

use std::hint::black_box;

use cams::nlp::time::{TimeContext, read_times};
use chrono::DateTime;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Emails as people write them: proposals with zones and ranges, replies, a deadline, a
/// newsletter with dates, a thank-you with no time at all.
const EMAILS: &[&str] = &[
    "Hi Alex,\n\nHope you're well. Now that the term sheet is signed I'd like to walk you through the closing checklist. Could we find 45 minutes next week? Wednesday the 11th at 2pm ET would be ideal; otherwise Thursday morning ET works too.\n\nBest,\nDana\n--\nDana Whitfield\nPartner | Whitfield & Cole LLP\n1250 Broadway, Suite 1800, New York, NY 10001\n",
    "Hey - any chance you're free for a quick call Tuesday? 15 min is all I need. Late morning my time, say 11:30 PT?\n\nSent from my iPhone",
    "Hi Sam,\n\nWe'd love to get the rebrand kickoff on the calendar. Are you able to do Wednesday, November 4 from 10 to 11:30 AM? We'd host at our office (Building B, 2nd floor).\n\nThanks,\nGrace",
    "Thanks for sending this over. I'll review the contract and get back to you by Friday. The signed copy is due on the 30th.\n\nRegards,\nTom",
    "Hi team,\n\nQuick reminder that the office will be closed on Thursday for the holiday. Our quarterly newsletter is attached; highlights include the new product launch in March and the customer summit in June.\n\nHave a great weekend!",
    "Sounds great, thank you! Looking forward to it.\n\nBest,\nPriya",
    "Could we grab lunch Thursday? Or if that doesn't work, coffee at Blue Bottle on Market St Friday at 10am. I'm flexible next week too.\n\nCheers,\nJo",
    "Hi Jennifer,\n\nShe has the following windows available (all Eastern):\n- Tue 1/12: 10:00-11:00 AM\n- Wed 1/13: 2:00-3:00 PM\n- Fri 1/15: 9:30-10:30 AM\nPlease let me know which works best and I'll send a Zoom invite.\n\nThanks,\nTomasz",
    "Unfortunately I need to cancel Thursday's 2pm - could we do Monday at 3pm instead? Sorry for the short notice.",
    "Dear Priya, would Tuesday 31 March at 10:00 London time suit? Failing that, Wednesday 1 April at 15:00, again London time. The engrossment deadline is 10 April, so sooner is better.",
];

fn reference() -> TimeContext {
    let at = DateTime::parse_from_rfc3339("2026-03-26T16:20:38+00:00")
        .unwrap_or_else(|_| unreachable!());
    TimeContext::new(at).guess_zone()
}

fn bench(c: &mut Criterion) {
    let ctx = reference();
    // Warm Duckling's rule tables and regex caches once, as a long-running worker would.
    for e in EMAILS {
        black_box(read_times(e, &ctx));
    }
    let mut g = c.benchmark_group("time");
    g.throughput(Throughput::Elements(EMAILS.len() as u64));
    g.bench_function("mix", |b| {
        b.iter(|| {
            for e in EMAILS {
                black_box(read_times(black_box(e), &ctx));
            }
        })
    });
    g.finish();
    let mut g = c.benchmark_group("time_each");
    for (i, e) in EMAILS.iter().enumerate() {
        g.bench_function(format!("email{i:02}"), |b| {
            b.iter(|| black_box(read_times(black_box(e), &ctx)))
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3)).warm_up_time(std::time::Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
