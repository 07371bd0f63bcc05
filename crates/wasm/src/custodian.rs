//! `Custodian`: the one stateful object of the module, living inside the Worker.
//!
//! Its `request({method, params}, origin?)` has the EIP-1193 shape and returns a Promise, so
//! the same call works in the browser, in Node and through the CLI. Everything is a direct
//! call into `custodian_core::api::Wallet`; this file only converts between JS and Rust.

use custodian_core::api::{ApiError, RpcRequest, Wallet};
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

#[wasm_bindgen]
impl Custodian {
    /// A wallet over the vault bytes the host stored last, or with no vault.
    ///
    /// # Errors
    /// `{code, message, data: {kind}}` if the stored bytes are not a readable vault.
    #[wasm_bindgen(constructor)]
    pub fn new(sealed: Option<Vec<u8>>) -> Result<Custodian, JsValue> {
        let wallet = match sealed {
            Some(bytes) if !bytes.is_empty() => {
                Wallet::from_sealed(bytes).map_err(|e| error_to_js(&e))?
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

    /// The sealed vault to persist after the last request, if it changed:
    /// `{bytes: Uint8Array, generation: number}`, else `undefined`.
    #[wasm_bindgen(js_name = takeSave)]
    pub fn take_save(&mut self) -> JsValue {
        let Some(sealed) = self.host.take_save() else {
            return JsValue::UNDEFINED;
        };
        let out = js_sys::Object::new();
        let bytes = js_sys::Uint8Array::from(sealed.bytes.as_slice());
        // Generations stay far below 2^53 (one per save), so a JS number holds them exactly.
        #[allow(clippy::cast_precision_loss)]
        let generation = JsValue::from_f64(sealed.generation as f64);
        // Reflect::set only fails on non-objects; `out` is a fresh plain object.
        let _ = js_sys::Reflect::set(&out, &"bytes".into(), &bytes);
        let _ = js_sys::Reflect::set(&out, &"generation".into(), &generation);
        out.into()
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
