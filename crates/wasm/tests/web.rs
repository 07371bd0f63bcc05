//! The `Custodian` class as JavaScript sees it, run by wasm-bindgen-test in Node and in headless
//! Chromium: construction, requests that resolve and reject with EIP-1193 codes, the save the
//! host must persist, and requests that once trapped the module.
#![cfg(target_arch = "wasm32")]
// Clippy's allow-*-in-tests settings only see `#[test]` and `#[cfg(test)]` modules, not
// `#[wasm_bindgen_test]` functions at the top of an integration test file.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use custodian_wasm::Custodian;
use serde_json::{json, Value};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

/// The floor the vault format allows (OWASP's minimum), so tests do not pay for 64 MiB Argon2.
fn floor_kdf() -> Value {
    json!({"memoryKib": 19456, "iterations": 2, "parallelism": 1})
}

fn to_js(value: &Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).unwrap()
}

fn from_js(value: &JsValue) -> Value {
    if value.is_undefined() {
        return Value::Null;
    }
    let text = js_sys::JSON::stringify(value).unwrap().as_string().unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Sends a request given as a JS value; `Ok(result)` or `Err(error object)`.
async fn send(c: &mut Custodian, args: JsValue) -> Result<Value, Value> {
    match JsFuture::from(c.request(args, None)).await {
        Ok(v) => Ok(from_js(&v)),
        Err(e) => Err(from_js(&e)),
    }
}

async fn call(c: &mut Custodian, method: &str, params: Value) -> Result<Value, Value> {
    send(c, to_js(&json!({"method": method, "params": params}))).await
}

fn assert_error(error: &Value, code: i64, kind: &str) {
    assert_eq!(error["code"], json!(code), "{error}");
    assert_eq!(error["data"]["kind"], json!(kind), "{error}");
    assert!(
        error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{error}"
    );
}

#[wasm_bindgen_test]
async fn a_new_custodian_has_no_vault_and_nothing_to_save() {
    let mut c = Custodian::new(None, None).unwrap();
    assert_eq!(
        call(&mut c, "wallet_status", Value::Null).await,
        Ok(json!({"state": "empty"}))
    );
    assert!(c.take_save().is_undefined());
    assert_eq!(from_js(&c.take_events()), json!([]));
    // An empty byte string is "no vault" too (what a host with an empty store passes).
    let mut c = Custodian::new(Some(Vec::new()), None).unwrap();
    assert_eq!(call(&mut c, "eth_accounts", json!([])).await, Ok(json!([])));
}

#[wasm_bindgen_test]
async fn malformed_requests_reject_with_eip1474_codes() {
    let mut c = Custodian::new(None, None).unwrap();
    let e = call(&mut c, "wallet_doesNotExist", json!({}))
        .await
        .unwrap_err();
    assert_error(&e, -32601, "MethodNotFound");
    let e = call(&mut c, "wallet_unlock", json!({"password": 5}))
        .await
        .unwrap_err();
    assert_error(&e, -32602, "InvalidParams");
    let e = call(&mut c, "personal_sign", json!({"data": "0x00"}))
        .await
        .unwrap_err();
    assert_error(&e, -32602, "InvalidParams");
    let e = send(&mut c, to_js(&json!(["wallet_status"])))
        .await
        .unwrap_err();
    assert_error(&e, -32600, "InvalidRequest");
    let e = send(&mut c, JsValue::UNDEFINED).await.unwrap_err();
    assert_error(&e, -32600, "InvalidRequest");
    let e = send(&mut c, to_js(&json!({"method": 7})))
        .await
        .unwrap_err();
    assert_error(&e, -32600, "InvalidRequest");
    // None of these changed anything.
    assert!(c.take_save().is_undefined());
    assert_eq!(
        call(&mut c, "wallet_status", Value::Null).await,
        Ok(json!({"state": "empty"}))
    );
}

/// These once overflowed the module's stack (a trap that breaks every instance) or left the
/// instance borrowed after a thrown exception; now they are ordinary `InvalidRequest`s.
#[wasm_bindgen_test]
async fn hostile_js_values_reject_and_leave_the_module_working() {
    let mut c = Custodian::new(None, None).unwrap();

    let cyclic = js_sys::Object::new();
    js_sys::Reflect::set(&cyclic, &"method".into(), &"wallet_status".into()).unwrap();
    js_sys::Reflect::set(&cyclic, &"params".into(), &cyclic).unwrap();
    let e = send(&mut c, cyclic.into()).await.unwrap_err();
    assert_error(&e, -32600, "InvalidRequest");

    let mut deep: JsValue = JsValue::from_f64(1.0);
    for _ in 0..20_000 {
        deep = js_sys::Array::of1(&deep).into();
    }
    let request = js_sys::Object::new();
    js_sys::Reflect::set(&request, &"method".into(), &"wallet_unlock".into()).unwrap();
    js_sys::Reflect::set(&request, &"params".into(), &deep).unwrap();
    let e = send(&mut c, request.into()).await.unwrap_err();
    assert_error(&e, -32600, "InvalidRequest");

    let throwing = js_sys::Function::new_no_args("throw new Error('getter')");
    let request = js_sys::Object::new();
    let descriptor = js_sys::Object::new();
    js_sys::Reflect::set(&descriptor, &"get".into(), &throwing).unwrap();
    js_sys::Object::define_property(&request, &"method".into(), &descriptor);
    let e = send(&mut c, request.into()).await.unwrap_err();
    assert_error(&e, -32600, "InvalidRequest");

    assert_eq!(
        call(&mut c, "wallet_status", Value::Null).await,
        Ok(json!({"state": "empty"}))
    );
    let mut fresh = Custodian::new(None, None).unwrap();
    assert_eq!(
        call(&mut fresh, "eth_chainId", json!([])).await,
        Ok(json!("0x1"))
    );
}

#[wasm_bindgen_test]
fn bytes_that_are_not_a_vault_are_refused_by_the_constructor() {
    let Err(e) = Custodian::new(Some(b"definitely not a vault".to_vec()), None) else {
        panic!("the constructor accepted garbage");
    };
    assert_error(&from_js(&e), -32603, "NotAVault");
}

#[wasm_bindgen_test]
async fn create_saves_a_vault_that_a_new_instance_unlocks() {
    let mut c = Custodian::new(None, None).unwrap();
    let created = call(
        &mut c,
        "wallet_create",
        json!({"password": "correct horse", "words": 24, "kdf": floor_kdf()}),
    )
    .await
    .unwrap();
    let words = created["mnemonic"].as_str().unwrap().split(' ').count();
    assert_eq!(words, 24);
    let accounts = created["accounts"].clone();
    assert_eq!(accounts.as_array().unwrap().len(), 2);

    let save = c.take_save();
    let generation = js_sys::Reflect::get(&save, &"generation".into()).unwrap();
    assert_eq!(generation.as_f64(), Some(1.0));
    let bytes =
        js_sys::Uint8Array::new(&js_sys::Reflect::get(&save, &"bytes".into()).unwrap()).to_vec();
    assert_eq!(bytes.get(..8), Some(&b"CSTDNVLT"[..]));
    // With it, the audit log's first record (entry 0, `vault.created`).
    let records: js_sys::Array = js_sys::Reflect::get(&save, &"auditRecords".into())
        .unwrap()
        .into();
    assert_eq!(records.length(), 1);
    let first = records.get(0);
    assert_eq!(
        js_sys::Reflect::get(&first, &"seq".into())
            .unwrap()
            .as_f64(),
        Some(0.0)
    );
    let record = js_sys::Uint8Array::new(&js_sys::Reflect::get(&first, &"bytes".into()).unwrap());
    assert_eq!(record.to_vec().get(..8), Some(&b"CSTDNAUD"[..]));
    assert!(js_sys::Reflect::get(&save, &"auditPruneBelow".into())
        .unwrap()
        .is_undefined());
    // Taken once: the host must not be asked to write the same save twice.
    assert!(c.take_save().is_undefined());

    let eth = accounts[0]["address"].clone();
    let events = from_js(&c.take_events());
    assert_eq!(events, json!([{"event": "accountsChanged", "data": [eth]}]));

    let mut reloaded = Custodian::new(Some(bytes), Some(records)).unwrap();
    let status = call(&mut reloaded, "wallet_status", Value::Null)
        .await
        .unwrap();
    assert_eq!(status["state"], json!("locked"));
    assert_eq!(status["generation"], json!(1));
    let e = call(
        &mut reloaded,
        "wallet_unlock",
        json!({"password": "wrong horse"}),
    )
    .await
    .unwrap_err();
    assert_error(&e, 4100, "WrongPassword");
    let unlocked = call(
        &mut reloaded,
        "wallet_unlock",
        json!({"password": "correct horse"}),
    )
    .await
    .unwrap();
    assert_eq!(unlocked["accounts"], accounts);
    assert_eq!(unlocked["auditLog"], json!({"status": "intact"}));
    // Unlocking is an audited event (docs/audit-log.md): the entry is sealed into a new save
    // whose generation follows the one the instance was loaded from.
    let save = reloaded.take_save();
    assert!(!save.is_undefined());
    let generation = js_sys::Reflect::get(&save, &"generation".into()).unwrap();
    assert_eq!(generation.as_f64(), Some(2.0));
    let records: js_sys::Array = js_sys::Reflect::get(&save, &"auditRecords".into())
        .unwrap()
        .into();
    assert_eq!(records.length(), 1, "one record: the unlock's entry");
}

async fn call_as(
    c: &mut Custodian,
    origin: Option<&str>,
    method: &str,
    params: Value,
) -> Result<Value, Value> {
    let args = to_js(&json!({"method": method, "params": params}));
    match JsFuture::from(c.request(args, origin.map(str::to_owned))).await {
        Ok(v) => Ok(from_js(&v)),
        Err(e) => Err(from_js(&e)),
    }
}

/// A site (a request with an origin) is held until the wallet's own UI (no origin) approves;
/// an origin that is not a web origin, the empty string included, is never "no origin".
#[wasm_bindgen_test]
async fn sites_wait_for_the_user_and_bad_origins_are_refused() {
    let mut c = Custodian::new(None, None).unwrap();
    call(
        &mut c,
        "wallet_import",
        json!({"password": "pw", "mnemonic": "test test test test test test test test test test test junk", "kdf": floor_kdf()}),
    )
    .await
    .unwrap();
    for bad in ["", "null", "https://App.example", "https://app.example/"] {
        let e = call_as(&mut c, Some(bad), "wallet_status", json!({}))
            .await
            .unwrap_err();
        assert_error(&e, -32602, "InvalidOrigin");
    }
    let site = Some("http://localhost:8081");
    let e = call_as(&mut c, site, "wallet_status", json!({}))
        .await
        .unwrap_err();
    assert_error(&e, 4100, "OriginNotAllowed");
    let e = call_as(&mut c, site, "eth_requestAccounts", json!([]))
        .await
        .unwrap_err();
    assert_error(&e, 4100, "ConsentRequired");
    assert_eq!(e["data"]["consentKind"], json!("connect"));
    let id = e["data"]["requestId"].clone();
    let listed = call(&mut c, "wallet_listRequests", json!({}))
        .await
        .unwrap();
    assert_eq!(listed[0]["origin"], json!("http://localhost:8081"));
    let granted = call(&mut c, "wallet_approveRequest", json!({"requestId": id}))
        .await
        .unwrap();
    assert_eq!(
        granted,
        json!(["0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"])
    );
    assert!(!c.take_save().is_undefined(), "the grant is persisted");
    assert_eq!(
        call_as(&mut c, site, "eth_accounts", json!([])).await,
        Ok(granted)
    );
}
