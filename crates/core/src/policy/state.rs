//! What the policy engine keeps in the vault's `policy` slot (`docs/policy.md` §"Stored state").

use alloy_primitives::U256;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::document::Policy;
use super::evaluate::in_window;
use super::PolicyError;

/// Most spends kept; beyond it the oldest of each asset are merged (which only makes limits
/// stricter: a merged spend stays in its windows as long as the newest part of it).
pub(crate) const MAX_SPENDS: usize = 10_000;
/// Most requests waiting for approval; beyond it the oldest is dropped.
pub(crate) const MAX_PENDING: usize = 64;

/// Something spent: counted in the rolling windows of its asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spend {
    /// When it was signed (host clock, unix ms).
    pub time_ms: u64,
    /// The asset key (`eip155:1:native`, ...).
    pub asset: String,
    /// How much, in base units.
    pub amount: U256,
}

/// A request waiting for approvals: the data returned with `ApprovalRequired`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Pending {
    /// The approval digest (hex).
    pub approval_digest: String,
    /// Approvals needed.
    pub quorum: usize,
    /// Why approval is needed.
    pub reason: String,
    /// Names of the approvers who may approve.
    pub approvers: Vec<String>,
    /// When it was held (unix ms).
    pub created_at: u64,
    /// When it expires (unix ms).
    pub expires_at: u64,
    /// The random nonce (hex).
    pub nonce: String,
    /// The policy hash it was held under (hex).
    pub policy_hash: String,
    /// The wallet's audit public key (hex).
    pub wallet: String,
    /// The request: `{method, params, account, origin, evmChainId}`.
    pub request: Value,
}

/// A digest that was used, remembered until it would have expired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Used {
    /// The approval digest (hex).
    pub approval_digest: String,
    /// When it would have expired.
    pub expires_at: u64,
}

/// The decoded policy slot.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyState {
    /// The policy in force, if any.
    pub policy: Option<Policy>,
    /// Spending history for rolling windows.
    pub spends: Vec<Spend>,
    /// Requests waiting for approvals.
    pub pending: Vec<Pending>,
    /// Digests already used.
    pub used: Vec<Used>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    v: u32,
    policy: Option<Value>,
    spends: Vec<WireSpend>,
    pending: Vec<Pending>,
    used: Vec<Used>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WireSpend {
    t: u64,
    asset: String,
    amount: String,
}

impl PolicyState {
    /// Reads the slot; an empty slot is "no policy".
    ///
    /// # Errors
    /// [`PolicyError::CorruptState`] for anything that does not parse: a damaged policy must
    /// never read as "no policy".
    pub fn from_slot(bytes: &[u8]) -> Result<Self, PolicyError> {
        if bytes.is_empty() {
            return Ok(Self::default());
        }
        let wire: Wire = serde_json::from_slice(bytes).map_err(|_| PolicyError::CorruptState)?;
        if wire.v != 1 {
            return Err(PolicyError::CorruptState);
        }
        let policy = match wire.policy {
            Some(doc) => Some(Policy::from_json(&doc).map_err(|_| PolicyError::CorruptState)?),
            None => None,
        };
        let spends = wire
            .spends
            .into_iter()
            .map(|s| {
                Ok(Spend {
                    time_ms: s.t,
                    asset: s.asset,
                    amount: U256::from_str_radix(&s.amount, 10)
                        .map_err(|_| PolicyError::CorruptState)?,
                })
            })
            .collect::<Result<_, PolicyError>>()?;
        Ok(Self {
            policy,
            spends,
            pending: wire.pending,
            used: wire.used,
        })
    }

    /// The slot bytes; no policy and nothing pending is the empty slot.
    pub fn to_slot(&self) -> Vec<u8> {
        if self.policy.is_none() && self.pending.is_empty() && self.used.is_empty() {
            return Vec::new();
        }
        let wire = Wire {
            v: 1,
            policy: self.policy.as_ref().map(|p| p.document().clone()),
            spends: self
                .spends
                .iter()
                .map(|s| WireSpend {
                    t: s.time_ms,
                    asset: s.asset.clone(),
                    amount: s.amount.to_string(),
                })
                .collect(),
            pending: self.pending.clone(),
            used: self.used.clone(),
        };
        serde_json::to_vec(&wire).unwrap_or_default()
    }

    /// Drops what no longer matters at `now_ms`: expired approvals and used digests, and
    /// spends outside every window. Approvals held under an earlier policy stay until they
    /// expire, so submitting them is answered "stale" rather than "unknown".
    pub fn prune(&mut self, now_ms: u64) {
        let Some(policy) = &self.policy else {
            self.spends.clear();
            self.pending.clear();
            return;
        };
        let longest = policy.longest_window_ms();
        self.spends
            .retain(|s| longest > 0 && in_window(s.time_ms, longest, now_ms));
        self.pending.retain(|p| p.expires_at > now_ms);
        self.used.retain(|u| u.expires_at > now_ms);
    }

    /// Records what a signed request spent, then keeps the history bounded.
    pub fn record(&mut self, spends: &[Spend], now_ms: u64) {
        self.spends.extend_from_slice(spends);
        self.prune(now_ms);
        while self.spends.len() > MAX_SPENDS {
            if !self.merge_oldest() {
                break;
            }
        }
    }

    /// Merges the two oldest spends of the asset that has the oldest spend into one, at the
    /// later of their times. `false` if nothing could be merged.
    fn merge_oldest(&mut self) -> bool {
        let Some(oldest) = self
            .spends
            .iter()
            .enumerate()
            .min_by_key(|(_, s)| s.time_ms)
            .map(|(i, _)| i)
        else {
            return false;
        };
        let Some(asset) = self.spends.get(oldest).map(|s| s.asset.clone()) else {
            return false;
        };
        let Some(next) = self
            .spends
            .iter()
            .enumerate()
            .filter(|(i, s)| *i != oldest && s.asset == asset)
            .min_by_key(|(_, s)| s.time_ms)
            .map(|(i, _)| i)
        else {
            // A lone oldest spend: merge the two oldest of any asset with two or more instead.
            return self.merge_any();
        };
        let removed = self.spends.remove(oldest);
        let next = if next > oldest {
            next.saturating_sub(1)
        } else {
            next
        };
        if let Some(s) = self.spends.get_mut(next) {
            s.amount = s.amount.saturating_add(removed.amount);
            s.time_ms = s.time_ms.max(removed.time_ms);
            true
        } else {
            false
        }
    }

    fn merge_any(&mut self) -> bool {
        let mut order: Vec<usize> = (0..self.spends.len()).collect();
        order.sort_by_key(|&i| self.spends.get(i).map_or(u64::MAX, |s| s.time_ms));
        for (n, &i) in order.iter().enumerate() {
            let Some(asset) = self.spends.get(i).map(|s| s.asset.clone()) else {
                continue;
            };
            let partner = order
                .iter()
                .skip(n.saturating_add(1))
                .copied()
                .find(|&j| self.spends.get(j).is_some_and(|s| s.asset == asset));
            if let Some(j) = partner {
                let removed = self.spends.remove(i);
                let j = if j > i { j.saturating_sub(1) } else { j };
                if let Some(s) = self.spends.get_mut(j) {
                    s.amount = s.amount.saturating_add(removed.amount);
                    s.time_ms = s.time_ms.max(removed.time_ms);
                    return true;
                }
                return false;
            }
        }
        false
    }

    /// Adds a held request, dropping the oldest beyond [`MAX_PENDING`].
    pub fn hold(&mut self, pending: Pending) {
        self.pending.push(pending);
        while self.pending.len() > MAX_PENDING {
            self.pending.remove(0);
        }
    }

    /// Marks a pending approval as used.
    pub fn consume(&mut self, digest: &str) {
        if let Some(pos) = self
            .pending
            .iter()
            .position(|p| p.approval_digest == digest)
        {
            let p = self.pending.remove(pos);
            self.used.push(Used {
                approval_digest: p.approval_digest,
                expires_at: p.expires_at,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn merging_keeps_the_total_and_the_newest_time() {
        let mut state = PolicyState::default();
        for (t, asset, amount) in [(1, "a", 5u64), (2, "b", 7), (3, "a", 11), (4, "b", 13)] {
            state.spends.push(Spend {
                time_ms: t,
                asset: asset.into(),
                amount: U256::from(amount),
            });
        }
        assert!(state.merge_oldest());
        assert_eq!(state.spends.len(), 3);
        let a: Vec<_> = state.spends.iter().filter(|s| s.asset == "a").collect();
        assert_eq!(a.len(), 1);
        assert_eq!((a[0].time_ms, a[0].amount), (3, U256::from(16)));
        // A lone oldest spend of its asset: another asset's pair is merged instead.
        state.spends.insert(
            0,
            Spend {
                time_ms: 0,
                asset: "c".into(),
                amount: U256::from(1),
            },
        );
        assert!(state.merge_oldest());
        let b: Vec<_> = state.spends.iter().filter(|s| s.asset == "b").collect();
        assert_eq!((b.len(), b[0].time_ms, b[0].amount), (1, 4, U256::from(20)));
        assert!(!state.merge_oldest());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn slot_round_trip_and_corruption() {
        let mut state = PolicyState::default();
        assert!(state.to_slot().is_empty());
        assert_eq!(PolicyState::from_slot(&[]).unwrap(), state);
        state.used.push(Used {
            approval_digest: "ab".into(),
            expires_at: 9,
        });
        let bytes = state.to_slot();
        assert_eq!(PolicyState::from_slot(&bytes).unwrap(), state);
        for bad in [
            &b"{"[..],
            b"null",
            br#"{"v":2,"policy":null,"spends":[],"pending":[],"used":[]}"#,
        ] {
            assert_eq!(PolicyState::from_slot(bad), Err(PolicyError::CorruptState));
        }
    }
}
