//! Per-recipient-domain send throttling (governor), so a burst of replies does not get CAMS
//! rate-limited or greylisted by one provider. In-process: each CAMS process has its own budget.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// The domain stayed over its budget for longer than a send may wait.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("sending to {domain} is throttled; next slot in {retry_after:?}")]
pub struct Throttled {
    pub domain: String,
    pub retry_after: Duration,
}

pub struct DomainThrottle {
    limiter: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
    max_wait: Duration,
}

impl DomainThrottle {
    /// `per_minute` sends per domain, `burst` at once; a send waits at most `max_wait`.
    pub fn new(per_minute: NonZeroU32, burst: NonZeroU32, max_wait: Duration) -> DomainThrottle {
        DomainThrottle {
            limiter: RateLimiter::keyed(Quota::per_minute(per_minute).allow_burst(burst)),
            clock: DefaultClock::default(),
            max_wait,
        }
    }

    /// Takes one send from each domain's budget, sleeping while a domain is briefly over it; a
    /// domain that would make the send wait longer than `max_wait` gives `Throttled`. Domains
    /// already passed keep their spent slot: a retried send is then throttled a little harder,
    /// which is the safe direction.
    pub async fn acquire(&self, domains: &[String]) -> Result<(), Throttled> {
        if self.limiter.len() > 10_000 {
            self.limiter.retain_recent();
        }
        for domain in domains {
            loop {
                match self.limiter.check_key(domain) {
                    Ok(()) => break,
                    Err(not_until) => {
                        let wait = not_until.wait_time_from(self.clock.now());
                        if wait > self.max_wait {
                            return Err(Throttled {
                                domain: domain.clone(),
                                retry_after: wait,
                            });
                        }
                        tokio::time::sleep(wait).await;
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nz(n: u32) -> NonZeroU32 {
        NonZeroU32::new(n).unwrap()
    }

    #[tokio::test]
    async fn a_burst_passes_then_the_domain_is_throttled_and_others_are_not() {
        let t = DomainThrottle::new(nz(1), nz(2), Duration::from_millis(10));
        let a = vec!["a.example".to_string()];
        t.acquire(&a).await.unwrap();
        t.acquire(&a).await.unwrap();
        let err = t.acquire(&a).await.unwrap_err();
        assert_eq!(err.domain, "a.example");
        assert!(err.retry_after > Duration::from_secs(50), "{err:?}");
        t.acquire(&["b.example".to_string()]).await.unwrap();
    }

    #[tokio::test]
    async fn a_short_wait_is_waited_out() {
        // 600 a minute: one slot every 100 ms.
        let t = DomainThrottle::new(nz(600), nz(1), Duration::from_secs(1));
        let a = vec!["a.example".to_string()];
        let start = std::time::Instant::now();
        t.acquire(&a).await.unwrap();
        t.acquire(&a).await.unwrap();
        let waited = start.elapsed();
        assert!(waited >= Duration::from_millis(80), "{waited:?}");
    }
}
