//! The platform random source, and what happens when it fails.
//!
//! The core draws randomness through the infallible `RngCore::fill_bytes` (key generation,
//! salts, nonces, SLIP-39 shares), and `rand_core::OsRng::fill_bytes` panics when getrandom
//! fails, which in WebAssembly is a trap that kills the instance mid-request. Here every draw
//! goes through the source's fallible `try_fill_bytes` instead. A failure cannot be handed
//! back through `fill_bytes`, so [`Guarded`] remembers it and fills the buffer with zeros; the
//! request then runs to its end with bytes that must never leave the module, and
//! [`Host::answer`] throws all of it away:
//! - the answer becomes the typed error `RandomnessUnavailable` (-32603);
//! - the save and the provider events the request produced are dropped, so the host never
//!   persists anything sealed or generated with those bytes: the stored vault is untouched;
//! - the wallet is dropped (its secrets are wiped on drop) and the instance refuses every
//!   later request the same way. The in-memory state may already hold the zero bytes (a new
//!   keyring, an account), so nothing of it is trusted again; reloading the page reopens the
//!   vault from the bytes the host stored last.
//!
//! `docs/threat-model.md` §Randomness.

use custodian_core::api::{ApiError, Env, ProviderEvent, RpcRequest, Wallet, WalletSave};
use rand_core::{CryptoRng, RngCore};
use serde_json::Value;

/// `data.kind` of the error a request gets when the platform random source failed.
pub const RANDOMNESS_UNAVAILABLE: &str = "RandomnessUnavailable";

fn randomness_unavailable() -> ApiError {
    ApiError::new(
        custodian_core::api::error::INTERNAL_ERROR,
        RANDOMNESS_UNAVAILABLE,
        "the platform's secure random source failed: nothing was changed or saved; reload the wallet",
    )
}

/// The browser's `crypto.getRandomValues` (getrandom's `js` backend), or the OS natively.
/// Fallible: `try_fill_bytes` returns getrandom's error; `fill_bytes` is only reached through
/// [`Guarded`], which calls `try_fill_bytes`.
pub struct PlatformRng;

impl RngCore for PlatformRng {
    fn next_u32(&mut self) -> u32 {
        rand_core::impls::next_u32_via_fill(self)
    }

    fn next_u64(&mut self) -> u64 {
        rand_core::impls::next_u64_via_fill(self)
    }

    /// Leaves `dest` zeroed on failure; callers use [`Guarded`], which notices.
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        if self.try_fill_bytes(dest).is_err() {
            dest.fill(0);
        }
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        getrandom::getrandom(dest).map_err(rand_core::Error::from)
    }
}

impl CryptoRng for PlatformRng {}

/// Wraps a fallible source so that no draw panics: the first failure is remembered, and that
/// draw and every later one yield zeros without asking the source again.
pub struct Guarded<'a, S: RngCore> {
    source: &'a mut S,
    failed: bool,
}

impl<'a, S: RngCore> Guarded<'a, S> {
    /// Draws from `source`.
    pub fn new(source: &'a mut S) -> Self {
        Self {
            source,
            failed: false,
        }
    }

    /// Whether any draw failed.
    pub fn failed(&self) -> bool {
        self.failed
    }
}

impl<S: RngCore> RngCore for Guarded<'_, S> {
    fn next_u32(&mut self) -> u32 {
        rand_core::impls::next_u32_via_fill(self)
    }

    fn next_u64(&mut self) -> u64 {
        rand_core::impls::next_u64_via_fill(self)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        if self.failed || self.source.try_fill_bytes(dest).is_err() {
            self.failed = true;
            dest.fill(0);
        }
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

/// Only as secure as the source it wraps, and a failed draw discards the whole request.
impl<S: RngCore + CryptoRng> CryptoRng for Guarded<'_, S> {}

/// The wallet as the module holds it: requests, the save and the events to hand to the host,
/// and whether the random source has failed.
pub struct Host {
    wallet: Wallet,
    /// A save and events of earlier requests the host has not taken yet: kept apart while a
    /// request runs, so a failed request can drop its own without losing them.
    held_save: Option<WalletSave>,
    held_events: Vec<ProviderEvent>,
    failed: bool,
}

impl Host {
    /// Holds `wallet`.
    pub fn new(wallet: Wallet) -> Self {
        Self {
            wallet,
            held_save: None,
            held_events: Vec::new(),
            failed: false,
        }
    }

    /// Answers one request with randomness from `source` (see the module doc for a failure).
    ///
    /// # Errors
    /// What the wallet answers, or `RandomnessUnavailable` (-32603) if a draw from `source`
    /// failed during this request or an earlier one.
    pub fn answer<S: RngCore + CryptoRng>(
        &mut self,
        request: RpcRequest,
        source: &mut S,
        now_ms: u64,
        origin: Option<&str>,
    ) -> Result<Value, ApiError> {
        if self.failed {
            return Err(randomness_unavailable());
        }
        // A newer vault supersedes an older one; audit records accumulate.
        if let Some(save) = self.wallet.take_save() {
            self.held_save = Some(match self.held_save.take() {
                Some(older) => combine(older, save),
                None => save,
            });
        }
        self.held_events.extend(self.wallet.take_events());

        let mut rng = Guarded::new(source);
        let mut env = Env {
            rng: &mut rng,
            now_ms,
            origin,
        };
        let result = self.wallet.handle(request, &mut env);
        if !rng.failed() {
            return result;
        }
        if let Ok(mut value) = result {
            custodian_core::secret::wipe_json(&mut value);
        }
        self.failed = true;
        // Drops (and wipes) the session, its keys and this request's save and events.
        self.wallet = Wallet::new();
        Err(randomness_unavailable())
    }

    /// What to persist, if any request changed something: the newest sealed vault and every
    /// audit record since the last call.
    pub fn take_save(&mut self) -> Option<WalletSave> {
        let newest = self.wallet.take_save();
        match (self.held_save.take(), newest) {
            (Some(older), Some(newer)) => Some(combine(older, newer)),
            (older, newer) => newer.or(older),
        }
    }

    /// Provider events of the requests since the last call, oldest first.
    pub fn take_events(&mut self) -> Vec<ProviderEvent> {
        let mut events = core::mem::take(&mut self.held_events);
        events.extend(self.wallet.take_events());
        events
    }
}

/// `older` then `newer` as one save, exactly as [`WalletSave::merge`] combines them, without
/// its cost in the usual case. `merge` rebuilds an ordered map of every held record, so while
/// the host leaves the save untaken (requests queued behind a slow IndexedDB write, or a
/// benchmark) each request cost time in proportion to the records held, up to a third of a
/// `personal_sign` with a full log (docs/benchmarks.md, "The allocator"). The log only
/// appends: when `newer`'s records all come after `older`'s, the union is the two lists one
/// after the other, and only the pruned prefix has to go.
///
/// Saves list their records ascending, one per seq (`WalletSave`'s contract, which `merge`
/// and this function keep); `newer`'s order is checked anyway, as it costs only its own
/// records. Anything else (a seq of `newer` at or below one held) goes through `merge`.
fn combine(older: WalletSave, newer: WalletSave) -> WalletSave {
    let ascending = newer.audit_records.is_sorted_by(|a, b| a.seq < b.seq);
    let after = match (older.audit_records.last(), newer.audit_records.first()) {
        (Some(last), Some(first)) => last.seq < first.seq,
        _ => true,
    };
    if !(ascending && after) {
        return older.merge(newer);
    }
    let prune_below = match (older.prune_below, newer.prune_below) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    let mut audit_records = older.audit_records;
    audit_records.extend(newer.audit_records);
    if let Some(below) = prune_below {
        let pruned = audit_records.partition_point(|r| r.seq < below);
        audit_records.drain(..pruned);
    }
    WalletSave {
        vault: newer.vault.or(older.vault),
        audit_records,
        prune_below,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use custodian_core::api::error::INTERNAL_ERROR;
    use serde_json::json;

    /// Deterministic bytes (a counter), declared `CryptoRng` for the core's signature: tests
    /// need repeatable runs, not secrecy. Fails every draw after `budget` bytes.
    struct Source {
        counter: u8,
        budget: usize,
        drawn: usize,
    }

    impl Source {
        fn good() -> Self {
            Self::failing_after(usize::MAX)
        }
        fn failing_after(budget: usize) -> Self {
            Self {
                counter: 1,
                budget,
                drawn: 0,
            }
        }
    }

    impl RngCore for Source {
        fn next_u32(&mut self) -> u32 {
            rand_core::impls::next_u32_via_fill(self)
        }
        fn next_u64(&mut self) -> u64 {
            rand_core::impls::next_u64_via_fill(self)
        }
        fn fill_bytes(&mut self, _: &mut [u8]) {
            panic!("the guard must only call try_fill_bytes");
        }
        fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
            if self.drawn.saturating_add(dest.len()) > self.budget {
                return Err(rand_core::Error::from(
                    core::num::NonZeroU32::new(rand_core::Error::CUSTOM_START).unwrap(),
                ));
            }
            self.drawn += dest.len();
            for b in dest {
                *b = self.counter;
                self.counter = self.counter.wrapping_add(1);
            }
            Ok(())
        }
    }
    impl CryptoRng for Source {}

    const NOW: u64 = 1_700_000_000_000;
    const PASSWORD: &str = "correct horse battery staple";
    /// Hardhat's published development mnemonic.
    const MNEMONIC: &str = "test test test test test test test test test test test junk";
    /// Argon2id at the format's floor, to keep the test fast.
    fn kdf() -> Value {
        let k = custodian_core::vault::KdfParams::MIN;
        json!({"memoryKib": k.memory_kib, "iterations": k.iterations, "parallelism": k.parallelism})
    }

    fn request(method: &str, params: Value) -> RpcRequest {
        RpcRequest::from_value(json!({"method": method, "params": params})).unwrap()
    }

    fn call(
        host: &mut Host,
        source: &mut Source,
        method: &str,
        params: Value,
    ) -> Result<Value, ApiError> {
        host.answer(request(method, params), source, NOW, None)
    }

    fn assert_unavailable(result: Result<Value, ApiError>) {
        let error = result.unwrap_err();
        assert_eq!(error.code, INTERNAL_ERROR);
        assert_eq!(error.kind(), Some(RANDOMNESS_UNAVAILABLE));
    }

    /// An unlocked wallet over [`MNEMONIC`] with a second account, and the vault bytes the host
    /// stored, made with a working source.
    fn wallet_with_vault() -> (Host, Vec<u8>, Value) {
        let mut host = Host::new(Wallet::new());
        let mut good = Source::good();
        call(
            &mut host,
            &mut good,
            "wallet_import",
            json!({"password": PASSWORD, "mnemonic": MNEMONIC, "kdf": kdf()}),
        )
        .unwrap();
        call(
            &mut host,
            &mut good,
            "wallet_addAccount",
            json!({"chain": "solana"}),
        )
        .unwrap();
        let stored = host.take_save().unwrap().vault.unwrap().bytes;
        let accounts = call(&mut host, &mut good, "wallet_listAccounts", json!({})).unwrap();
        host.take_events();
        (host, stored, accounts)
    }

    /// What the stored bytes hold: unlocked in a fresh wallet, its accounts.
    fn accounts_in(stored: &[u8]) -> Value {
        let mut host = Host::new(Wallet::from_sealed(stored.to_vec()).unwrap());
        let mut good = Source::good();
        call(
            &mut host,
            &mut good,
            "wallet_unlock",
            json!({"password": PASSWORD}),
        )
        .unwrap();
        call(&mut host, &mut good, "wallet_listAccounts", json!({})).unwrap()
    }

    #[test]
    fn create_without_randomness_is_a_typed_error_and_saves_nothing() {
        let mut host = Host::new(Wallet::new());
        let mut dead = Source::failing_after(0);
        assert_unavailable(call(
            &mut host,
            &mut dead,
            "wallet_create",
            json!({"password": PASSWORD, "kdf": kdf()}),
        ));
        assert!(host.take_save().is_none());
        assert!(host.take_events().is_empty());
        // Every later request is refused the same way, even one that needs no randomness.
        assert_unavailable(call(
            &mut host,
            &mut Source::good(),
            "wallet_status",
            json!({}),
        ));
    }

    #[test]
    fn a_source_that_fails_mid_request_leaves_the_stored_vault_untouched() {
        let (mut host, stored, accounts) = wallet_with_vault();
        assert_eq!(accounts_in(&stored), accounts);
        // How much adding an account draws (a new key's audit entry, the vault's new nonce).
        let mut counting = Source::good();
        call(
            &mut host,
            &mut counting,
            "wallet_addAccount",
            json!({"chain": "ethereum"}),
        )
        .unwrap();
        let needed = counting.drawn;
        assert!(
            needed >= 24,
            "sealing draws at least a 24-byte nonce, drew {needed}"
        );

        // Out of randomness before the first draw, halfway, and one byte short.
        for budget in [0, needed / 2, needed - 1] {
            let (mut host, before, _) = wallet_with_vault();
            assert_eq!(before, stored, "the fixture is deterministic");
            let mut source = Source::failing_after(budget);
            assert_unavailable(call(
                &mut host,
                &mut source,
                "wallet_addAccount",
                json!({"chain": "ethereum"}),
            ));
            assert!(
                host.take_save().is_none(),
                "nothing to persist after {budget} bytes"
            );
            assert!(host.take_events().is_empty());
            // The instance is done; the host still has the bytes it stored, which open as before.
            assert_unavailable(call(
                &mut host,
                &mut Source::good(),
                "wallet_listAccounts",
                json!({}),
            ));
            assert_eq!(accounts_in(&stored), accounts);
        }
    }

    #[test]
    fn a_working_source_passes_through_and_earlier_saves_are_kept() {
        let mut host = Host::new(Wallet::new());
        let mut good = Source::good();
        call(
            &mut host,
            &mut good,
            "wallet_import",
            json!({"password": PASSWORD, "mnemonic": MNEMONIC, "kdf": kdf()}),
        )
        .unwrap();
        // The host has not taken the save yet; a request that needs no randomness runs and
        // the save is still handed out afterwards.
        let listed = call(&mut host, &mut good, "wallet_listAccounts", json!({})).unwrap();
        call(
            &mut host,
            &mut good,
            "wallet_addAccount",
            json!({"chain": "solana"}),
        )
        .unwrap();
        // The newest vault, with the audit records of both changes (entries 0 and 1).
        let save = host.take_save().unwrap();
        let seqs: Vec<u64> = save.audit_records.iter().map(|r| r.seq).collect();
        assert_eq!(seqs, vec![0, 1]);
        let vault = save.vault.unwrap();
        assert_eq!(vault.generation, 2);
        let after = accounts_in(&vault.bytes);
        assert_eq!(
            after.as_array().unwrap().len(),
            listed.as_array().unwrap().len() + 1
        );
        assert!(host.take_save().is_none());
    }

    /// A save with the given vault generation (if any), records (seq, first byte) and bound.
    fn save(vault: Option<u64>, records: &[(u64, u8)], prune_below: Option<u64>) -> WalletSave {
        use custodian_core::audit::AuditRecord;
        use custodian_core::vault::SealedVault;
        WalletSave {
            vault: vault.map(|generation| SealedVault {
                bytes: vec![generation as u8; 3],
                generation,
            }),
            audit_records: records
                .iter()
                .map(|&(seq, byte)| AuditRecord {
                    seq,
                    bytes: vec![byte, 0xAA],
                })
                .collect(),
            prune_below,
        }
    }

    type Case = (
        (Option<u64>, &'static [(u64, u8)], Option<u64>),
        (Option<u64>, &'static [(u64, u8)], Option<u64>),
    );

    /// The fast path and the fallback both give exactly `WalletSave::merge`'s result.
    #[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
    fn combine_equals_merge() {
        let cases: &[Case] = &[
            // The usual case: the log continues.
            (
                (Some(1), &[(0, 1), (1, 1)], None),
                (Some(2), &[(2, 2)], None),
            ),
            // No new vault, no records on one side or the other.
            ((Some(1), &[(0, 1)], None), (None, &[(1, 2)], None)),
            ((None, &[], None), (Some(2), &[(5, 2), (6, 2)], None)),
            ((Some(1), &[(3, 1)], None), (Some(2), &[], None)),
            // A fold: the newer save prunes below 2, inside the held records.
            (
                (Some(1), &[(0, 1), (1, 1), (2, 1)], None),
                (Some(2), &[(3, 2)], Some(2)),
            ),
            // Both prune; the higher bound wins and may cut the newer records too.
            (
                (None, &[(4, 1), (5, 1)], Some(4)),
                (None, &[(6, 2), (7, 2)], Some(7)),
            ),
            ((None, &[(4, 1)], Some(9)), (None, &[(6, 2)], Some(3))),
            // Overlap: the newer record of a seq wins (fallback).
            (
                (Some(1), &[(0, 1), (1, 1)], None),
                (Some(2), &[(1, 2), (2, 2)], None),
            ),
            // Out of order in the newer save (fallback sorts).
            ((None, &[(0, 1)], None), (None, &[(3, 2), (2, 2)], None)),
            // Newer records before the held ones (fallback).
            ((None, &[(5, 1)], None), (None, &[(1, 2)], Some(0))),
        ];
        let mut count = 0;
        for ((ov, or, op), (nv, nr, np)) in cases {
            let expected = save(*ov, or, *op).merge(save(*nv, nr, *np));
            let got = combine(save(*ov, or, *op), save(*nv, nr, *np));
            assert_eq!(got, expected, "older {or:?}/{op:?}, newer {nr:?}/{np:?}");
            count += 1;
        }
        assert_eq!(count, 10);
        // One spelled out: the fold case keeps seqs 2 and 3 and the newer vault.
        let folded = combine(
            save(Some(1), &[(0, 1), (1, 1), (2, 1)], None),
            save(Some(2), &[(3, 2)], Some(2)),
        );
        let seqs: Vec<u64> = folded.audit_records.iter().map(|r| r.seq).collect();
        assert_eq!(seqs, vec![2, 3]);
        assert_eq!(folded.vault.map(|v| v.generation), Some(2));
        assert_eq!(folded.prune_below, Some(2));
    }
}
