//! `Custodian`: the one stateful object of the module, living inside the Worker.
//!
//! Its `request({method, params}, origin?)` has the EIP-1193 shape and returns a Promise, so
//! the same call works in the browser, in Node and through the CLI. Everything is a direct
//! call into `custodian_core::api::Wallet`; this file only converts between JS and Rust.

use custodian_core::api::{ApiError, RpcRequest, Wallet};
use custodian_core::audit::AuditRecord;
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::randomness::{Host, PlatformRng};

/// The wallet, as JavaScript sees it.
#[wasm_bindgen]
pub struct Custodian {
    host: Host,
}

/// The host's clock, in unix milliseconds. `Date.now()` is a whole number well inside `u64`.
fn now_ms() -> u64 {
    let now = js_sys::Date::now();
    if now.is_finite() && now >= 0.0 {
        // Truncation is intended: the value is a whole number of milliseconds.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let ms = now as u64;
        ms
    } else {
        0
    }
}

/// Converts a Rust value to a plain JS value (objects, not `Map`s).
fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::UNDEFINED)
}

fn error_to_js(error: &ApiError) -> JsValue {
    to_js(error)
}

/// Generations and audit seqs count saves and entries: far below 2^53, so a JS number holds
/// them exactly.
fn js_number(n: u64) -> JsValue {
    #[allow(clippy::cast_precision_loss)]
    JsValue::from_f64(n as f64)
}

/// `[{seq, bytes}]` as the host stored them; entries of another shape are left out.
fn records_from_js(array: &js_sys::Array) -> Vec<AuditRecord> {
    array
        .iter()
        .filter_map(|item| {
            let seq = js_sys::Reflect::get(&item, &"seq".into()).ok()?.as_f64()?;
            // Whole numbers up to 2^53 only: anything else is not a seq this module wrote.
            if !((0.0..=9_007_199_254_740_991.0).contains(&seq) && seq.fract() == 0.0) {
                return None;
            }
            let bytes = js_sys::Reflect::get(&item, &"bytes".into()).ok()?;
            let bytes = bytes.dyn_into::<js_sys::Uint8Array>().ok()?;
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let seq = seq as u64;
            Some(AuditRecord {
                seq,
                bytes: bytes.to_vec(),
            })
        })
        .collect()
}

/// The member names of `takeSave`'s object, made once: a JS string made from Rust text costs a
/// call out of the module and a UTF-8 decode each time, and a save is taken after every request.
struct SaveKeys {
    bytes: JsValue,
    generation: JsValue,
    seq: JsValue,
    audit_records: JsValue,
    audit_prune_below: JsValue,
}

thread_local! {
    static SAVE_KEYS: SaveKeys = SaveKeys {
        bytes: "bytes".into(),
        generation: "generation".into(),
        seq: "seq".into(),
        audit_records: "auditRecords".into(),
        audit_prune_below: "auditPruneBelow".into(),
    };
}

#[wasm_bindgen]
impl Custodian {
    /// A wallet over the vault bytes and the audit records (`[{seq, bytes}]`) the host stored
    /// last, or with no vault. The records are checked at unlock; an entry of another shape
    /// is left out, which unlock then reports as a damaged log (it never refuses to unlock).
    ///
    /// # Errors
    /// `{code, message, data: {kind}}` if the stored bytes are not a readable vault.
    #[wasm_bindgen(constructor)]
    pub fn new(
        sealed: Option<Vec<u8>>,
        records: Option<js_sys::Array>,
    ) -> Result<Custodian, JsValue> {
        let wallet = match sealed {
            Some(bytes) if !bytes.is_empty() => {
                let records = records.map(|a| records_from_js(&a)).unwrap_or_default();
                Wallet::from_sealed_with_audit(bytes, records).map_err(|e| error_to_js(&e))?
            }
            _ => Wallet::new(),
        };
        Ok(Custodian {
            host: Host::new(wallet),
        })
    }

    /// EIP-1193 `request`: resolves with the result, rejects with `{code, message, data}`.
    /// `origin` is the requesting page's origin (`event.origin`, `scheme://host[:port]`); omit
    /// it (`undefined`/`null`) for the wallet's own UI. Any other string, `""` and `"null"`
    /// included, is refused with -32602 `InvalidOrigin`: it never counts as "no origin".
    pub fn request(&mut self, args: JsValue, origin: Option<String>) -> js_sys::Promise {
        match self.answer(args, origin.as_deref()) {
            Ok(mut value) => {
                let js = to_js(&value);
                // A result may hold a secret (a new mnemonic, an exported key); JavaScript has
                // its own copy now, and serde_json would free ours without wiping it.
                custodian_core::secret::wipe_json(&mut value);
                js_sys::Promise::resolve(&js)
            }
            Err(error) => js_sys::Promise::reject(&error_to_js(&error)),
        }
    }

    /// What to persist after the last requests, if anything changed:
    /// `{bytes?: Uint8Array, generation?: number, auditRecords: [{seq, bytes}],
    /// auditPruneBelow?: number}`, else `undefined`. Write the records first (or in one
    /// transaction with the vault), then the vault, and delete records below
    /// `auditPruneBelow` only once the vault is durable (docs/web.md §Storage).
    #[wasm_bindgen(js_name = takeSave)]
    pub fn take_save(&mut self) -> JsValue {
        let Some(save) = self.host.take_save() else {
            return JsValue::UNDEFINED;
        };
        SAVE_KEYS.with(|k| {
            let out = js_sys::Object::new();
            // Reflect::set only fails on non-objects; the targets are fresh plain objects.
            if let Some(sealed) = &save.vault {
                let bytes = js_sys::Uint8Array::from(sealed.bytes.as_slice());
                let _ = js_sys::Reflect::set(&out, &k.bytes, &bytes);
                let _ = js_sys::Reflect::set(&out, &k.generation, &js_number(sealed.generation));
            }
            let records = js_sys::Array::new();
            for r in &save.audit_records {
                let record = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&record, &k.seq, &js_number(r.seq));
                let bytes = js_sys::Uint8Array::from(r.bytes.as_slice());
                let _ = js_sys::Reflect::set(&record, &k.bytes, &bytes);
                records.push(&record);
            }
            let _ = js_sys::Reflect::set(&out, &k.audit_records, &records);
            if let Some(below) = save.prune_below {
                let _ = js_sys::Reflect::set(&out, &k.audit_prune_below, &js_number(below));
            }
            out.into()
        })
    }

    /// Provider events caused by the last request: `[{event, data}]`.
    #[wasm_bindgen(js_name = takeEvents)]
    pub fn take_events(&mut self) -> JsValue {
        to_js(&self.host.take_events())
    }
}

impl Custodian {
    fn answer(&mut self, args: JsValue, origin: Option<&str>) -> Result<Value, ApiError> {
        // Checked before the args are even read; the core checks again for its other hosts.
        if origin.is_some_and(|o| !custodian_core::origin::is_web_origin(o)) {
            return Err(custodian_core::api::sites::invalid_origin());
        }
        let request = RpcRequest::from_value(crate::plain_json::to_json_value(&args)?)?;
        // Never OsRng: its fill_bytes panics (a trap) when getrandom fails (randomness.rs).
        self.host
            .answer(request, &mut PlatformRng, now_ms(), origin)
    }
}
