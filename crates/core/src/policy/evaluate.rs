//! Turning what a request does into a [`Decision`] (`docs/policy.md` §Evaluation).
//!
//! The chain-specific readers (`ethereum.rs`, `solana.rs`) walk a request and report to
//! [`Findings`]: hard denials, things the rules do not list, and spends. `Findings` applies
//! the policy's fallbacks and limits and produces the decision.

use alloy_primitives::U256;

use super::document::{Fallback, Policy, Switch, Window};
use super::state::Spend;

/// The outcome of evaluating a request against a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The request may go ahead.
    Allow,
    /// The request is refused.
    Deny {
        /// Why, in one sentence.
        reason: String,
    },
    /// The request waits for `quorum` approvals.
    NeedsApproval {
        /// Approvals needed.
        quorum: usize,
        /// Why approval is needed.
        reason: String,
    },
}

/// What evaluation found, and what to record if the request is carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// Allow, deny or needs approval.
    pub decision: Decision,
    /// What the request spends, to be recorded when it is signed.
    pub spends: Vec<Spend>,
    /// The CAIP-2 chain the request is for, when it has one.
    pub chain: Option<String>,
    /// A short description for the audit log.
    pub summary: String,
}

/// An asset a limit applies to.
pub(super) struct Asset<'p> {
    /// `eip155:1:native`, `solana:spl:<mint>`, ... (`docs/policy.md` §"Limits and windows").
    pub key: String,
    /// How amounts are written in messages (`wei`, `lamports`, `base units of ...`).
    pub unit: String,
    /// Most per transaction.
    pub max_per_tx: U256,
    /// Rolling limits.
    pub windows: &'p [Window],
}

/// Collects findings about one request.
pub(super) struct Findings<'p> {
    pub policy: &'p Policy,
    history: &'p [Spend],
    now_ms: u64,
    denials: Vec<String>,
    approvals: Vec<String>,
    /// Spends of the transaction being read: checked against per-transaction limits.
    current: Vec<(Asset<'p>, U256)>,
    /// Spends of the whole request: checked against windows.
    total: Vec<(Asset<'p>, U256)>,
    summary: Vec<String>,
    pub chain: Option<String>,
}

impl<'p> Findings<'p> {
    pub fn new(policy: &'p Policy, history: &'p [Spend], now_ms: u64) -> Self {
        Self {
            policy,
            history,
            now_ms,
            denials: Vec::new(),
            approvals: Vec::new(),
            current: Vec::new(),
            total: Vec::new(),
            summary: Vec::new(),
            chain: None,
        }
    }

    /// A hard deny.
    pub fn deny(&mut self, reason: impl Into<String>) {
        self.denials.push(reason.into());
    }

    /// Something the rules do not list.
    pub fn unlisted(&mut self, reason: impl Into<String>) {
        let reason = reason.into();
        match self.policy.rules.unlisted {
            Fallback::Deny => self.denials.push(reason),
            Fallback::Approval => self.approvals.push(reason),
        }
    }

    /// Something over a limit.
    pub fn over_limit(&mut self, reason: impl Into<String>) {
        let reason = reason.into();
        match self.policy.rules.over_limit {
            Fallback::Deny => self.denials.push(reason),
            Fallback::Approval => self.approvals.push(reason),
        }
    }

    /// An `allow`/`deny`/`approval` setting for a whole kind of request.
    pub fn switch(&mut self, setting: Switch, what: &str) {
        match setting {
            Switch::Allow => {}
            Switch::Deny => self
                .denials
                .push(format!("{what} is not allowed by the policy")),
            Switch::Approval => self
                .approvals
                .push(format!("{what} needs approval under the policy")),
        }
    }

    /// Checks a CAIP-2 chain against `allowedChains`; `false` (with a denial) if not allowed.
    pub fn chain(&mut self, chain: &str) -> bool {
        if self.chain.is_none() {
            self.chain = Some(chain.to_owned());
        }
        if self.policy.rules.chain_allowed(chain) {
            true
        } else {
            self.deny(format!("chain {chain} is not allowed by the policy"));
            false
        }
    }

    /// Adds a line to the summary.
    pub fn note(&mut self, line: impl Into<String>) {
        self.summary.push(line.into());
    }

    /// `amount` of `asset` leaves the wallet in the current transaction.
    pub fn spend(&mut self, asset: Asset<'p>, amount: U256) {
        if amount.is_zero() {
            return;
        }
        match self.current.iter_mut().find(|(a, _)| a.key == asset.key) {
            Some((_, sum)) => *sum = sum.saturating_add(amount),
            None => self.current.push((asset, amount)),
        }
    }

    /// Ends one transaction: checks its per-transaction limits.
    pub fn end_transaction(&mut self) {
        for (asset, amount) in core::mem::take(&mut self.current) {
            if amount > asset.max_per_tx {
                self.over_limit(format!(
                    "{amount} {} is over the per-transaction limit of {}",
                    asset.unit, asset.max_per_tx
                ));
            }
            match self.total.iter_mut().find(|(a, _)| a.key == asset.key) {
                Some((_, sum)) => *sum = sum.saturating_add(amount),
                None => self.total.push((asset, amount)),
            }
        }
    }

    /// Checks rolling windows and returns the decision with what to record.
    pub fn finish(mut self) -> Evaluation {
        self.end_transaction();
        let mut window_findings = Vec::new();
        for (asset, amount) in &self.total {
            for w in asset.windows {
                let used = self
                    .history
                    .iter()
                    .filter(|s| {
                        s.asset == asset.key && in_window(s.time_ms, w.period_ms, self.now_ms)
                    })
                    .fold(U256::ZERO, |acc, s| acc.saturating_add(s.amount));
                if used.saturating_add(*amount) > w.max {
                    window_findings.push(format!(
                        "{amount} {unit} would exceed the limit of {max} per {period} ({used} already used)",
                        unit = asset.unit,
                        max = w.max,
                        period = period_text(w.period_ms),
                    ));
                }
            }
        }
        for f in window_findings {
            self.over_limit(f);
        }
        let spends = self
            .total
            .iter()
            .map(|(asset, amount)| Spend {
                time_ms: self.now_ms,
                asset: asset.key.clone(),
                amount: *amount,
            })
            .collect();
        let decision = if let Some(reason) = self.denials.first() {
            Decision::Deny {
                reason: reason.clone(),
            }
        } else if !self.approvals.is_empty() {
            Decision::NeedsApproval {
                quorum: self.policy.quorum,
                reason: self.approvals.join("; "),
            }
        } else {
            Decision::Allow
        };
        Evaluation {
            decision,
            spends,
            chain: self.chain,
            summary: self.summary.join("; "),
        }
    }
}

/// Whether a spend at `time_ms` still counts in a window of `period_ms` at `now_ms`.
pub(crate) fn in_window(time_ms: u64, period_ms: u64, now_ms: u64) -> bool {
    time_ms.saturating_add(period_ms) > now_ms
}

fn period_text(period_ms: u64) -> String {
    let seconds = period_ms.checked_div(1000).unwrap_or(0);
    let unit = |n: u64, one: &str| -> Option<String> {
        let count = seconds.checked_div(n)?;
        (seconds.checked_rem(n) == Some(0) && count > 0).then(|| match count {
            1 => one.to_owned(),
            c => format!("{c} {one}s"),
        })
    };
    unit(86_400, "day")
        .or_else(|| unit(3600, "hour"))
        .unwrap_or_else(|| format!("{seconds} seconds"))
}
