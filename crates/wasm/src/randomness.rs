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
use custodian_core::secret::SecretBytes;
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

/// The `RngCore` methods of a fallible source, all from its `try_fill_bytes`; `fill_bytes`
/// leaves `dest` zeroed on failure (callers use [`Guarded`], which notices).
macro_rules! methods_via_try_fill_bytes {
    () => {
        fn next_u32(&mut self) -> u32 {
            rand_core::impls::next_u32_via_fill(self)
        }

        fn next_u64(&mut self) -> u64 {
            rand_core::impls::next_u64_via_fill(self)
        }

        fn fill_bytes(&mut self, dest: &mut [u8]) {
            if self.try_fill_bytes(dest).is_err() {
                dest.fill(0);
            }
        }
    };
}

/// The browser's `crypto.getRandomValues` (getrandom's `js` backend), or the OS natively.
/// Fallible: `try_fill_bytes` returns getrandom's error; `fill_bytes` is only reached through
/// [`Guarded`], which calls `try_fill_bytes`.
pub struct PlatformRng;

impl RngCore for PlatformRng {
    methods_via_try_fill_bytes!();

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

/// How many bytes one call to the source fetches for a request's small draws: an audited
/// request draws two 24-byte nonces (the audit record's and the vault's).
const BATCH: usize = 64;

/// Serves one request's small draws from a single call to `source`. Each draw from the
/// platform is a call out of the module into `crypto.getRandomValues` whose fixed cost is
/// many times that of the bytes (docs/benchmarks.md, "Per-request overhead"). Every byte is
/// handed out once and wiped from the buffer as it is; what is left when the request ends is
/// wiped on drop. Draws larger than the batch go to the source directly.
pub struct Batched<'a, S: RngCore> {
    source: &'a mut S,
    buffer: SecretBytes<BATCH>,
    /// Bytes of `buffer` not handed out yet: `buffer[BATCH - left..]`.
    left: usize,
}

impl<'a, S: RngCore> Batched<'a, S> {
    /// Draws from `source`, nothing fetched yet.
    pub fn new(source: &'a mut S) -> Self {
        Self {
            source,
            buffer: SecretBytes::zeroed(),
            left: 0,
        }
    }
}

impl<S: RngCore> RngCore for Batched<'_, S> {
    methods_via_try_fill_bytes!();

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        if dest.len() > BATCH {
            return self.source.try_fill_bytes(dest);
        }
        if dest.len() > self.left {
            self.left = 0;
            self.source
                .try_fill_bytes(self.buffer.expose_secret_mut())?;
            self.left = BATCH;
        }
        let start = BATCH.saturating_sub(self.left);
        let end = start.saturating_add(dest.len());
        let taken = self
            .buffer
            .expose_secret_mut()
            .get_mut(start..end)
            .ok_or_else(|| rand_core::Error::from(BATCH_BROKEN))?;
        dest.copy_from_slice(taken);
        taken.fill(0);
        self.left = self.left.saturating_sub(dest.len());
        Ok(())
    }
}

impl<S: RngCore + CryptoRng> CryptoRng for Batched<'_, S> {}

/// Unreachable (`left` never exceeds the batch); a failed draw rather than a panic.
const BATCH_BROKEN: core::num::NonZeroU32 =
    match core::num::NonZeroU32::new(rand_core::Error::CUSTOM_START) {
        Some(code) => code,
        None => core::num::NonZeroU32::MIN,
    };

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
                Some(older) => older.merge(save),
                None => save,
            });
        }
        self.held_events.extend(self.wallet.take_events());

        let mut batched = Batched::new(source);
        let mut rng = Guarded::new(&mut batched);
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
            (Some(older), Some(newer)) => Some(older.merge(newer)),
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
        calls: usize,
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
                calls: 0,
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
            self.calls += 1;
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
    fn small_draws_share_one_call_and_every_byte_is_used_once() {
        let mut source = Source::good();
        let mut batched = Batched::new(&mut source);
        let (mut a, mut b, mut c, mut big) = ([0u8; 24], [0u8; 24], [0u8; 24], [0u8; 100]);
        batched.fill_bytes(&mut a);
        batched.fill_bytes(&mut b);
        // Both nonces of an audited request from the first 48 bytes of one call; what was
        // handed out is no longer in the buffer.
        assert_eq!(a.to_vec(), (1..=24).collect::<Vec<u8>>());
        assert_eq!(b.to_vec(), (25..=48).collect::<Vec<u8>>());
        assert_eq!(batched.buffer.expose_secret()[..48], [0u8; 48]);
        // 16 bytes left, 24 wanted: they are dropped, a new batch is fetched.
        batched.fill_bytes(&mut c);
        assert_eq!(c.to_vec(), (65..=88).collect::<Vec<u8>>());
        // Larger than a batch: straight from the source.
        batched.fill_bytes(&mut big);
        assert_eq!(big[0], 129);
        drop(batched);
        assert_eq!((source.calls, source.drawn), (3, 64 + 64 + 100));
    }

    #[test]
    fn a_failed_batch_fails_the_draw() {
        let mut source = Source::failing_after(BATCH - 1);
        let mut batched = Batched::new(&mut source);
        assert!(batched.try_fill_bytes(&mut [0u8; 1]).is_err());
        let mut source = Source::good();
        let mut guarded = Guarded::new(&mut source);
        guarded.fill_bytes(&mut [0u8; 1]);
        assert!(!guarded.failed());
        let mut source = Source::failing_after(BATCH - 1);
        let mut batched = Batched::new(&mut source);
        let mut guarded = Guarded::new(&mut batched);
        let mut nonce = [7u8; 24];
        guarded.fill_bytes(&mut nonce);
        assert!(guarded.failed());
        assert_eq!(nonce, [0u8; 24]);
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
}
