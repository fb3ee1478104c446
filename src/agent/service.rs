//! The agent behind the HTTP layer: approval links and the JSON API.

use std::sync::Arc;

use futures::future::BoxFuture;
use sqlx::PgPool;
use uuid::Uuid;

use super::Agent;
use super::approve::{ActError, ActResult};
use crate::db::{DbError, requests, responses};
use crate::http::api::{
    ApiFailure, RequestDetail, RequestSummary, RequestsApi, ResponseJson, SlotJson,
};
use crate::http::approvals::{ApprovalFailure, ApprovalOutcome, ApprovalPreview, ApprovalService};
use crate::outbound::approval::ApprovalAction;

/// One per process, shared by the routes.
pub struct AgentService {
    agent: Arc<Agent>,
    pool: PgPool,
}

impl AgentService {
    pub fn new(agent: Arc<Agent>, pool: PgPool) -> Arc<AgentService> {
        Arc::new(AgentService { agent, pool })
    }
}

fn failure(e: ActError) -> ApprovalFailure {
    match e {
        ActError::Invalid => ApprovalFailure::Invalid,
        ActError::Expired => ApprovalFailure::Expired,
        ActError::NotFound => ApprovalFailure::NotFound,
        ActError::Conflict(m) => ApprovalFailure::Conflict(m),
        ActError::Internal(m) => ApprovalFailure::Internal(m),
    }
}

fn outcome(r: ActResult) -> ApprovalOutcome {
    match r {
        ActResult::Done(message) => ApprovalOutcome::Done { message },
        ActResult::AlreadyDone(message) => ApprovalOutcome::AlreadyDone { message },
    }
}

fn api_failure(e: DbError) -> ApiFailure {
    if e.is_retryable() {
        ApiFailure::Unavailable(e.to_string())
    } else {
        ApiFailure::Internal(e.to_string())
    }
}

impl ApprovalService for AgentService {
    fn preview(&self, token: &str) -> BoxFuture<'_, Result<ApprovalPreview, ApprovalFailure>> {
        let token = token.to_string();
        Box::pin(async move {
            let p = self
                .agent
                .preview_token(&self.pool, &token)
                .await
                .map_err(failure)?;
            Ok(ApprovalPreview {
                action: p.action,
                summary: p.summary,
                subject: p.subject,
                draft_text: p.draft_text,
                already_done: p.already_done,
            })
        })
    }

    fn act(&self, token: &str) -> BoxFuture<'_, Result<ApprovalOutcome, ApprovalFailure>> {
        let token = token.to_string();
        Box::pin(async move {
            self.agent
                .act_token(&self.pool, &token)
                .await
                .map(outcome)
                .map_err(failure)
        })
    }
}

fn summary(r: &requests::RequestRow) -> RequestSummary {
    RequestSummary {
        id: r.id,
        status: r.status.clone(),
        intent: r.intent.clone(),
        confidence: r.confidence,
        from_email: r.from_email.clone(),
        subject: r.subject.clone(),
        thread_id: r.thread_id.clone(),
        created_at: r.created_at,
    }
}

impl RequestsApi for AgentService {
    fn list(
        &self,
        user: Uuid,
        status: Option<String>,
        limit: i64,
    ) -> BoxFuture<'_, Result<Vec<RequestSummary>, ApiFailure>> {
        Box::pin(async move {
            let mut conn = self
                .pool
                .acquire()
                .await
                .map_err(|e| api_failure(e.into()))?;
            let rows = requests::list(&mut conn, user, status.as_deref(), limit)
                .await
                .map_err(api_failure)?;
            Ok(rows.iter().map(summary).collect())
        })
    }

    fn show(
        &self,
        user: Uuid,
        id: Uuid,
    ) -> BoxFuture<'_, Result<Option<RequestDetail>, ApiFailure>> {
        Box::pin(async move {
            let mut conn = self
                .pool
                .acquire()
                .await
                .map_err(|e| api_failure(e.into()))?;
            let Some(r) = requests::get(&mut conn, id)
                .await
                .map_err(api_failure)?
                .filter(|r| r.user_id == user)
            else {
                return Ok(None);
            };
            let proposed = requests::slots(&mut conn, id)
                .await
                .map_err(api_failure)?
                .into_iter()
                .map(|s| SlotJson {
                    start: s.start,
                    end: s.end,
                    rank: s.rank,
                    flexible: s.flexible,
                })
                .collect();
            let offered: Vec<crate::availability::Interval> =
                serde_json::from_value(r.offered_slots.clone()).unwrap_or_default();
            let offered = offered
                .iter()
                .enumerate()
                .map(|(i, s)| SlotJson {
                    start: s.start(),
                    end: s.end(),
                    rank: Some(i as i32 + 1),
                    flexible: false,
                })
                .collect();
            let replies = responses::for_request(&mut conn, id)
                .await
                .map_err(api_failure)?
                .into_iter()
                .map(|s| ResponseJson {
                    id: s.id,
                    to: s.to_email,
                    subject: s.subject,
                    delivery_status: s.delivery_status,
                    action_taken: s.action_taken,
                    sent_at: s.sent_at,
                })
                .collect();
            Ok(Some(RequestDetail {
                summary: summary(&r),
                parsed_data: r.parsed_data.clone(),
                proposed_slots: proposed,
                offered,
                decision: r.decision.clone(),
                responses: replies,
            }))
        })
    }

    fn approve(
        &self,
        user: Uuid,
        id: Uuid,
        slot: Option<u32>,
    ) -> BoxFuture<'_, Result<ApprovalOutcome, ApprovalFailure>> {
        Box::pin(async move {
            let action = match slot {
                Some(0) => return Err(ApprovalFailure::Invalid),
                Some(k) => ApprovalAction::PickSlot(k),
                None => ApprovalAction::Send,
            };
            self.agent
                .act_request(&self.pool, user, id, action, "api")
                .await
                .map(outcome)
                .map_err(failure)
        })
    }

    fn decline(
        &self,
        user: Uuid,
        id: Uuid,
    ) -> BoxFuture<'_, Result<ApprovalOutcome, ApprovalFailure>> {
        Box::pin(async move {
            self.agent
                .act_request(&self.pool, user, id, ApprovalAction::Decline, "api")
                .await
                .map(outcome)
                .map_err(failure)
        })
    }
}
