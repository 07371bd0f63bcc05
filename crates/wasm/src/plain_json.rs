//! Reading a request object that JavaScript handed over, without trusting its shape.
//!
//! A caller can pass anything as `request(args)`: a cyclic object (structured clone keeps
//! cycles across `postMessage`), arrays nested ten thousand deep, a getter or a `Proxy` that
//! throws. Walking such a value recursively from Rust overflows the module's shadow stack,
//! which traps and corrupts linear memory for every instance, and an exception thrown by a
//! getter unwinds through the module and leaves the instance borrowed forever.
//!
//! So the value goes through `JSON.stringify` first: the engine detects cycles, rejects
//! `BigInt`, runs getters, and bounds its own recursion, all as catchable exceptions. The text
//! is then parsed by serde_json, whose recursion limit (127 nested objects and arrays) bounds the Rust side.
//! Requests are JSON-RPC, so a request that has no JSON form is not a request.

use custodian_core::api::ApiError;
use serde_json::Value;
use wasm_bindgen::JsValue;

/// The request as a JSON value, or `InvalidRequest` if it has no bounded JSON form.
pub(crate) fn to_json_value(args: &JsValue) -> Result<Value, ApiError> {
    let text = js_sys::JSON::stringify(args)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| {
            ApiError::invalid_request(
                "request must be plain JSON data (no cycles, BigInt, functions or throwing getters)",
            )
        })?;
    serde_json::from_str(&text).map_err(|_| {
        ApiError::invalid_request(
            "request must be plain JSON data, nested at most 127 levels, with well-formed strings",
        )
    })
}

#[cfg(test)]
#[cfg(target_arch = "wasm32")]
mod tests {
    use super::*;
    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn js(text: &str) -> JsValue {
        js_sys::eval(&format!("({text})")).unwrap()
    }

    fn nested_arrays(depth: usize) -> JsValue {
        let mut value = JsValue::from_f64(0.0);
        for _ in 0..depth {
            value = js_sys::Array::of1(&value).into();
        }
        value
    }

    fn rejected(value: &JsValue) -> bool {
        match to_json_value(value) {
            Err(e) => e.code == -32600 && e.kind() == Some("InvalidRequest"),
            Ok(_) => false,
        }
    }

    #[wasm_bindgen_test]
    fn plain_data_converts_like_json() {
        let value = to_json_value(&js(
            r#"{method: "personal_sign", params: ["0x68656c6c6f", "0xAb"], id: 7, x: null, u: undefined}"#,
        ))
        .unwrap();
        assert_eq!(
            value,
            json!({"method": "personal_sign", "params": ["0x68656c6c6f", "0xAb"], "id": 7, "x": null})
        );
    }

    #[wasm_bindgen_test]
    fn nesting_is_bounded_at_127_levels() {
        // serde_json allows 127 nested objects and arrays; the request object is the first.
        let at_limit = js_sys::Object::new();
        js_sys::Reflect::set(&at_limit, &"params".into(), &nested_arrays(126)).unwrap();
        assert!(to_json_value(&at_limit).is_ok());
        let over = js_sys::Object::new();
        js_sys::Reflect::set(&over, &"params".into(), &nested_arrays(127)).unwrap();
        assert!(rejected(&over));
        // Deep enough to have overflowed the module's stack before this guard existed.
        assert!(rejected(&nested_arrays(100_000)));
    }

    #[wasm_bindgen_test]
    fn values_without_a_json_form_are_invalid_requests() {
        assert!(rejected(&js(
            "(() => { const o = {method: 'x'}; o.params = o; return o; })()"
        )));
        assert!(rejected(&js(
            "(() => { const a = []; a.push(a); return {params: a}; })()"
        )));
        assert!(rejected(&js("{method: 'wallet_status', params: 10n}")));
        assert!(rejected(&js("{get method() { throw new Error('no'); }}")));
        assert!(rejected(&js(
            "new Proxy({}, {ownKeys() { throw new Error('no'); }})"
        )));
        assert!(rejected(&JsValue::UNDEFINED));
        assert!(rejected(&js("() => 1")));
        assert!(rejected(&js("Symbol('x')")));
        // A lone surrogate has no UTF-8 form; serde_json refuses the escape JSON.stringify writes.
        assert!(rejected(&js(
            r#"{method: "wallet_unlock", params: {password: "\ud800"}}"#
        )));
    }
}
