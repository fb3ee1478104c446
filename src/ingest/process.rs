//! The `inbound.process` job: runs one stored message through the pipeline, recording the outcome
//! on the message itself so a failure is visible and replayable.

use serde::Deserialize;
use uuid::Uuid;

use crate::db::{DbError, inbound};
use crate::worker::{JobContext, JobError, Registry};

#[derive(Deserialize)]
struct Payload {
    inbound_id: Uuid,
}

/// What the pipeline made of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Processed {
    /// Handled (a request recorded, a reply queued, ...).
    Done,
    /// Deliberately left alone, with the reason (an auto-reply, a newsletter, ...).
    Ignored(String),
}

/// A future the pipeline returns.
pub type PipelineFuture = futures::future::BoxFuture<'static, Result<Processed, JobError>>;

/// The pipeline step; the agent (a later layer) plugs in here.
pub type Pipeline =
    std::sync::Arc<dyn Fn(JobContext, inbound::InboundMessage) -> PipelineFuture + Send + Sync>;

/// Registers the processing job with the pipeline to run and the attempt limit.
pub fn register(registry: &mut Registry, pipeline: Pipeline, max_attempts: i32) {
    registry.register(inbound::PROCESS_JOB, move |ctx| {
        run(ctx, pipeline.clone(), max_attempts)
    });
}

async fn run(ctx: JobContext, pipeline: Pipeline, max_attempts: i32) -> Result<(), JobError> {
    let payload: Payload = serde_json::from_value(ctx.payload.clone())
        .map_err(|e| JobError::permanent(format!("bad payload: {e}")))?;
    let mut conn = ctx.pool.acquire().await.map_err(DbError::from)?;
    let Some(message) = inbound::get(&mut conn, payload.inbound_id).await? else {
        return Err(JobError::permanent(format!(
            "inbound message {} is gone",
            payload.inbound_id
        )));
    };
    inbound::begin_attempt(&mut conn, message.id).await?;
    drop(conn); // never hold a connection while the pipeline talks to other servers
    let id = message.id;
    let result = pipeline(ctx.clone(), message).await;
    let mut conn = ctx.pool.acquire().await.map_err(DbError::from)?;
    match result {
        Ok(Processed::Done) => inbound::finish(&mut conn, id, "processed", None).await?,
        Ok(Processed::Ignored(why)) => {
            inbound::finish(&mut conn, id, "ignored", Some(&why)).await?
        }
        Err(e) => {
            let last = !e.retryable || ctx.attempt >= max_attempts;
            let status = if last { "dead" } else { "failed" };
            inbound::finish(&mut conn, id, status, Some(&e.message)).await?;
            return Err(e);
        }
    }
    Ok(())
}

/// A pipeline from a plain function (tests, simple embeddings).
pub fn pipeline<F>(f: F) -> Pipeline
where
    F: Fn(
            JobContext,
            inbound::InboundMessage,
        ) -> futures::future::BoxFuture<'static, Result<Processed, JobError>>
        + Send
        + Sync
        + 'static,
{
    std::sync::Arc::new(f)
}

/// Records that a message was run through the pipeline by the caller itself (`cams process`,
/// tests): its status is set and its queued processing job completed, so the worker does not
/// run it a second time.
pub async fn mark_handled(
    pool: &sqlx::PgPool,
    id: Uuid,
    outcome: &Processed,
) -> Result<(), DbError> {
    let mut tx = pool.begin().await?;
    match outcome {
        Processed::Done => inbound::finish(&mut tx, id, "processed", None).await?,
        Processed::Ignored(why) => inbound::finish(&mut tx, id, "ignored", Some(why)).await?,
    }
    crate::db::jobs::complete_by_key(&mut tx, &format!("{}:{id}", inbound::PROCESS_JOB)).await?;
    tx.commit().await?;
    Ok(())
}
