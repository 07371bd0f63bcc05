//! The audit log as the wallet keeps it between requests (`docs/audit-log.md` §Storage): the
//! records the host stores, the open log while unlocked, and the records and pruning the next
//! save carries. Every entry goes through [`Wallet::update_audited`], so it is sealed as a
//! record and committed to by the keyring in the same save as the change it records.

use std::collections::BTreeMap;

use rand_core::CryptoRngCore;
use serde_json::{json, Value};

use super::error::{ApiError, INTERNAL_ERROR};
use super::wallet::{Env, Wallet};
use crate::audit::{AuditError, AuditLog, AuditRecord, Damage, LogStatus};
use crate::secret::{SecretBytes, SecretVec};
use crate::vault::Keyring;

/// The wallet's side of the log.
#[derive(Default)]
pub(crate) struct AuditTrail {
    /// The records as the host holds them: what it gave at start, plus every record saved
    /// since, minus what was pruned. Unlock reads the log from these.
    stored: BTreeMap<u64, Vec<AuditRecord>>,
    /// The open log, while unlocked (it holds the audit and record keys).
    pub(crate) log: Option<AuditLog>,
    /// Records for the next save, by seq (a newer record for a seq replaces an older one).
    pending: BTreeMap<u64, AuditRecord>,
    /// For the next save: records below this seq may go once the vault is durable.
    prune_below: Option<u64>,
}

/// One audited change in progress: the log taken out of the wallet for the closure, and the
/// randomness drawn for it beforehand (the closure has no random source).
pub(crate) struct AuditTx {
    log: Option<AuditLog>,
    nonce: [u8; 24],
    /// Keys for a log that does not exist yet (a new vault, or one made before the log).
    fresh: Option<(SecretBytes<32>, SecretBytes<32>)>,
    appended: Option<crate::audit::Appended>,
}

impl AuditTx {
    /// Appends `event` to the log and writes the new head into the keyring's slot. At most
    /// once per change: one change, one entry, one record.
    pub(crate) fn append(
        &mut self,
        k: &mut Keyring,
        now_ms: u64,
        event: &str,
        details: Value,
    ) -> Result<(), ApiError> {
        if self.appended.is_some() {
            return Err(internal("two audit entries in one save"));
        }
        let log = match &mut self.log {
            Some(log) => log,
            None => {
                // The slot has a log the wallet did not open: never start a second one over it.
                if !k.audit.is_empty() {
                    return Err(internal("the audit log is not open"));
                }
                let (seed, record_key) = self
                    .fresh
                    .take()
                    .ok_or_else(|| internal("no keys for a new audit log"))?;
                self.log.insert(AuditLog::new(&seed, record_key))
            }
        };
        let appended = log
            .append(now_ms, event, details, &self.nonce)
            .map_err(audit_corrupt)?;
        k.audit = log.to_slot();
        self.appended = Some(appended);
        Ok(())
    }
}

impl AuditTrail {
    /// The trail over the records a host stored.
    pub(crate) fn from_records(records: Vec<AuditRecord>) -> Self {
        let mut stored: BTreeMap<u64, Vec<AuditRecord>> = BTreeMap::new();
        for r in records {
            stored.entry(r.seq).or_default().push(r);
        }
        Self {
            stored,
            ..Self::default()
        }
    }

    pub(crate) fn begin(&mut self, rng: &mut impl CryptoRngCore) -> AuditTx {
        let log = self.log.take();
        let fresh = log
            .is_none()
            .then(|| (SecretBytes::random(rng), SecretBytes::random(rng)));
        let mut nonce = [0u8; 24];
        rng.fill_bytes(&mut nonce);
        AuditTx {
            log,
            nonce,
            fresh,
            appended: None,
        }
    }

    /// Takes the log back after the change: on success with its new record staged for the
    /// save; on failure it is dropped and read again from the slot and the stored records
    /// when next needed, exactly as storage has it.
    pub(crate) fn finish(&mut self, tx: AuditTx, saved: bool) {
        if !saved {
            self.log = None;
            return;
        }
        self.log = tx.log;
        if let Some(appended) = tx.appended {
            self.stage(appended.record);
            if let Some(below) = appended.prune_below {
                self.prune(below);
            }
        }
    }

    fn stage(&mut self, record: AuditRecord) {
        self.stored.insert(record.seq, vec![record.clone()]);
        self.pending.insert(record.seq, record);
    }

    fn prune(&mut self, below: u64) {
        self.prune_below = Some(self.prune_below.map_or(below, |p| p.max(below)));
        self.stored.retain(|seq, _| *seq >= below);
        self.pending.retain(|seq, _| *seq >= below);
    }

    /// The records and pruning for the host, once.
    pub(crate) fn take_pending(&mut self) -> (Vec<AuditRecord>, Option<u64>) {
        let records = core::mem::take(&mut self.pending).into_values().collect();
        (records, self.prune_below.take())
    }

    /// Forgets the stored records and the open log (a new vault replaces the old one).
    pub(crate) fn reset(&mut self) {
        *self = Self::default();
    }

    fn stored_list(&self) -> Vec<AuditRecord> {
        self.stored.values().flatten().cloned().collect()
    }
}

/// How unlock found the stored log.
pub(crate) struct Loaded {
    pub status: LogStatus,
    /// The vault still had the first slot format; every line is now a record in the save.
    pub migrated: bool,
}

impl Wallet {
    /// Applies `change` to the keyring, with the one audit entry it appends through the
    /// [`AuditTx`], in a single save: the record and the vault committing to it.
    pub(crate) fn update_audited<R: CryptoRngCore, T>(
        &mut self,
        env: &mut Env<'_, R>,
        change: impl FnOnce(&mut Keyring, &mut AuditTx) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        self.open_audit(env)?;
        let mut tx = self.audit.begin(env.rng);
        let result = self.update(env, |k| change(k, &mut tx));
        self.audit.finish(tx, result.is_ok());
        result
    }

    /// Opens the log from the slot and the stored records if it is not open; what was found
    /// when it was opened now (`None` if it was open already, or the vault has no log yet).
    pub(crate) fn open_audit<R: CryptoRngCore>(
        &mut self,
        env: &mut Env<'_, R>,
    ) -> Result<Option<Loaded>, ApiError> {
        if self.audit.log.is_some() {
            return Ok(None);
        }
        let slot = SecretVec::new(self.keyring(env.now_ms)?.audit.expose_secret().to_vec());
        let slot = slot.expose_secret();
        if slot.is_empty() {
            return Ok(None);
        }
        if AuditLog::is_legacy_slot(slot) {
            let log = AuditLog::from_legacy_slot(slot, SecretBytes::random(env.rng))
                .map_err(audit_corrupt)?
                .ok_or_else(|| internal("no audit log"))?;
            for record in log.all_records(env.rng).map_err(audit_corrupt)? {
                self.audit.stage(record);
            }
            self.audit.log = Some(log);
            return Ok(Some(Loaded {
                status: LogStatus::Intact,
                migrated: true,
            }));
        }
        let opened = AuditLog::open(slot, &self.audit.stored_list()).map_err(audit_corrupt)?;
        self.audit.log = Some(opened.log);
        Ok(Some(Loaded {
            status: opened.status,
            migrated: false,
        }))
    }
}

/// The `auditLog` member of `wallet_unlock`'s result, and the details of `audit.damaged`.
pub(crate) fn status_view(loaded: Option<&Loaded>) -> Value {
    let mut view = match loaded.map(|l| l.status) {
        Some(LogStatus::Damaged {
            reason,
            first_bad_seq,
        }) => json!({
            "status": "damaged",
            "reason": damage_code(reason),
            "message": reason.to_string(),
            "firstBadSeq": first_bad_seq,
        }),
        _ => json!({ "status": "intact" }),
    };
    if loaded.is_some_and(|l| l.migrated) {
        if let Value::Object(o) = &mut view {
            o.insert("migrated".into(), Value::Bool(true));
        }
    }
    view
}

fn damage_code(d: Damage) -> &'static str {
    match d {
        Damage::Missing => "missing",
        Damage::Unreadable => "unreadable",
        Damage::Misplaced => "misplaced",
        Damage::Conflicting => "conflicting",
        Damage::BrokenChain => "brokenChain",
        Damage::HeadMismatch => "headMismatch",
    }
}

pub(crate) fn audit_corrupt(_: AuditError) -> ApiError {
    ApiError::new(
        INTERNAL_ERROR,
        "Corrupted",
        "the stored audit log is damaged",
    )
}

fn internal(what: &str) -> ApiError {
    ApiError::new(
        INTERNAL_ERROR,
        "Internal",
        format!("internal error: {what}"),
    )
}
