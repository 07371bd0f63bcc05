//! Exact decimal formatting of token amounts and readable timestamps, for the preview.
//!
//! No floating point: amounts are integers of the smallest unit and are printed digit for digit,
//! so 1 wei shows as `0.000000000000000001 ETH` and 2^256 - 1 shows in full.

use alloy_primitives::U256;

/// `value / 10^decimals` written exactly, without trailing zeros (`1.5`, `0.000001`, `42`).
/// Falls back to the raw integer for more than 77 decimals (10^78 does not fit in 256 bits).
pub(crate) fn format_units(value: U256, decimals: u8) -> String {
    let mut scale = U256::from(1);
    for _ in 0..decimals {
        match scale.checked_mul(U256::from(10)) {
            Some(s) => scale = s,
            None => return value.to_string(),
        }
    }
    let (Some(int), Some(frac)) = (value.checked_div(scale), value.checked_rem(scale)) else {
        return value.to_string();
    };
    if frac.is_zero() {
        return int.to_string();
    }
    let digits = format!("{frac:0>width$}", width = usize::from(decimals));
    format!("{int}.{}", digits.trim_end_matches('0'))
}

/// A wei amount in gwei (9 decimals), as fees are usually quoted.
pub(crate) fn format_gwei(wei: u128) -> String {
    format!("{} gwei", format_units(U256::from(wei), 9))
}

/// A unix time in seconds as `YYYY-MM-DD HH:MM:SS UTC`, or `None` past the year 9999.
pub(crate) fn format_timestamp(secs: u64) -> Option<String> {
    // 9999-12-31T23:59:59Z; below it every step of the civil-date conversion stays small.
    if secs > 253_402_300_799 {
        return None;
    }
    crate::time::format_utc(secs)
}

/// How far `secs` is from `now_secs`, in the largest whole unit: "in 3 days", "2 hours ago".
pub(crate) fn relative(secs: u64, now_secs: u64) -> String {
    let (delta, future) = if secs >= now_secs {
        (secs.saturating_sub(now_secs), true)
    } else {
        (now_secs.saturating_sub(secs), false)
    };
    let (n, unit) = [
        (31_536_000, "year"),
        (86_400, "day"),
        (3600, "hour"),
        (60, "minute"),
    ]
    .into_iter()
    .find_map(|(size, unit)| {
        let n = delta.checked_div(size)?;
        (n >= 1).then_some((n, unit))
    })
    .unwrap_or((delta, "second"));
    let plural = if n == 1 { "" } else { "s" };
    if future {
        format!("in {n} {unit}{plural}")
    } else {
        format!("{n} {unit}{plural} ago")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn amounts_are_exact() {
        assert_eq!(format_units(U256::from(1), 18), "0.000000000000000001");
        assert_eq!(
            format_units(U256::from(1_500_000_000_000_000_000u128), 18),
            "1.5"
        );
        assert_eq!(format_units(U256::ZERO, 18), "0");
        assert_eq!(format_units(U256::from(123), 0), "123");
        assert_eq!(
            format_units(U256::MAX, 18),
            "115792089237316195423570985008687907853269984665640564039457.584007913129639935"
        );
        assert_eq!(format_units(U256::from(5), 200), "5");
        assert_eq!(format_gwei(20_000_000_000), "20 gwei");
        assert_eq!(format_gwei(1), "0.000000001 gwei");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn timestamps() {
        assert_eq!(format_timestamp(0).unwrap(), "1970-01-01 00:00:00 UTC");
        // 2000-02-29 (a leap day in a century year divisible by 400).
        assert_eq!(
            format_timestamp(951_782_400).unwrap(),
            "2000-02-29 00:00:00 UTC"
        );
        assert_eq!(
            format_timestamp(1_700_000_000).unwrap(),
            "2023-11-14 22:13:20 UTC"
        );
        assert_eq!(
            format_timestamp(253_402_300_799).unwrap(),
            "9999-12-31 23:59:59 UTC"
        );
        assert_eq!(format_timestamp(253_402_300_800), None);
        assert_eq!(relative(100 + 3 * 86_400 + 5, 100), "in 3 days");
        assert_eq!(relative(100, 100 + 7200), "2 hours ago");
        assert_eq!(relative(100, 100), "in 0 seconds");
    }
}
