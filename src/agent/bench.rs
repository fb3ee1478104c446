//! `cams bench agent`: how long the agent takes per message — screen, read, route, availability,
//! decide and apply, committed — over the example emails, on the configured database.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;

use super::Agent;
use super::commands::{DEMO_NOW, example_emails, forget_message, setup_demo_user};
use crate::config::Config;
use crate::db::inbound::Source;
use crate::ingest::store::{RawInbound, ingest};
use crate::nlp::bench::percentile;

pub async fn bench(config: &Config, dir: &Path, iterations: u32) -> anyhow::Result<()> {
    let now = chrono::DateTime::parse_from_rfc3339(DEMO_NOW)?.with_timezone(&chrono::Utc);
    let raws: Vec<Vec<u8>> = example_emails(dir)?
        .iter()
        .map(std::fs::read)
        .collect::<Result<_, _>>()?;
    let mut config = config.clone();
    config.trust.authserv_id = Some("mx.demo.example".into());
    config.trust.verify_signatures = false;
    config.outbound.from = "CAMS <schedule@cams.demo.example>".into();
    let database = crate::db::open(&config).await?;
    let pool = database.pool.clone();
    let result = async {
        crate::db::migrate(&pool).await?;
        let agent = Arc::new(Agent::new(Arc::new(config.clone()))?.with_clock(now));
        let mut nanos: Vec<u64> = Vec::new();
        let started = Instant::now();
        let mut total = std::time::Duration::ZERO;
        for _ in 0..iterations.max(1) {
            // Each pass starts from the same state: a fresh demo user and calendar.
            setup_demo_user(&config, &pool, &dir.join("calendar.ics"), now).await?;
            for raw in &raws {
                forget_message(&pool, raw).await?;
                let id = ingest(
                    &pool,
                    config.inbound.max_message_bytes,
                    config.inbound.max_attempts,
                    &RawInbound {
                        source: Source::Cli,
                        raw,
                        envelope_from: None,
                        envelope_to: vec![],
                        mailbox_id: None,
                        delivery_token: None,
                    },
                )
                .await?
                .id();
                let mut conn = pool.acquire().await?;
                let message = crate::db::inbound::get(&mut conn, id)
                    .await?
                    .context("stored message vanished")?;
                drop(conn);
                let t = Instant::now();
                let outcome = agent.handle(&pool, &message, false).await?;
                let took = t.elapsed();
                total += took;
                nanos.push(took.as_nanos() as u64);
                crate::ingest::process::mark_handled(&pool, id, &outcome.processed()).await?;
            }
        }
        nanos.sort_unstable();
        let ms = |p| percentile(&nanos, p).map_or(0.0, |n| n as f64 / 1e6);
        println!(
            "agent: {} messages ({} emails × {} passes) in {:.2} s of handling ({:.2} s wall)",
            nanos.len(),
            raws.len(),
            iterations.max(1),
            total.as_secs_f64(),
            started.elapsed().as_secs_f64()
        );
        println!(
            "  {:.1} messages/s one at a time; per message p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            nanos.len() as f64 / total.as_secs_f64().max(1e-9),
            ms(50.0),
            ms(90.0),
            ms(99.0),
            ms(100.0)
        );
        anyhow::Ok(())
    }
    .await;
    database.close().await;
    result
}
