//! Calendar conversion for showing unix times to people, without a date library.
//!
//! The core gets time as a number from its caller; these helpers only turn such numbers into
//! proleptic Gregorian UTC dates for previews and CLI output.

/// Days since 1970-01-01 to a (year, month, day), after Howard Hinnant's `civil_from_days`
/// (<https://howardhinnant.github.io/date_algorithms.html>), for non-negative day counts.
///
/// The epoch is shifted to 0000-03-01 so a leap day falls at the end of a year, then whole
/// 400-year eras of 146,097 days are counted. `None` only when a step would overflow `u64`.
pub fn civil_from_days(days: u64) -> Option<(u64, u64, u64)> {
    let z = days.checked_add(719_468)?;
    let era = z.checked_div(146_097)?;
    let doe = z.checked_sub(era.checked_mul(146_097)?)?;
    let yoe = doe
        .checked_sub(doe.checked_div(1460)?)?
        .checked_add(doe.checked_div(36_524)?)?
        .checked_sub(doe.checked_div(146_096)?)?
        .checked_div(365)?;
    let doy = doe.checked_sub(
        yoe.checked_mul(365)?
            .checked_add(yoe.checked_div(4)?)?
            .checked_sub(yoe.checked_div(100)?)?,
    )?;
    let mp = doy.checked_mul(5)?.checked_add(2)?.checked_div(153)?;
    let d = doy
        .checked_sub(mp.checked_mul(153)?.checked_add(2)?.checked_div(5)?)?
        .checked_add(1)?;
    let m = if mp < 10 {
        mp.checked_add(3)?
    } else {
        mp.checked_sub(9)?
    };
    let y = yoe
        .checked_add(era.checked_mul(400)?)?
        .checked_add(u64::from(m <= 2))?;
    Some((y, m, d))
}

/// A unix time in seconds as `YYYY-MM-DD HH:MM:SS UTC`; `None` only on `u64` overflow.
pub fn format_utc(secs: u64) -> Option<String> {
    let days = secs.checked_div(86_400)?;
    let rem = secs.checked_rem(86_400)?;
    let (y, m, d) = civil_from_days(days)?;
    Some(format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        rem.checked_div(3600)?,
        rem.checked_rem(3600)?.checked_div(60)?,
        rem.checked_rem(60)?
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    // Expected dates from GNU `date -u -d @<days * 86400>`.
    #[wasm_bindgen_test(unsupported = test)]
    fn known_days() {
        let cases = [
            (0, (1970, 1, 1)),
            (789, (1972, 2, 29)),    // first leap day after the epoch
            (11_016, (2000, 2, 29)), // century year divisible by 400: leap
            (19_782, (2024, 2, 29)), // ordinary leap year
            (47_540, (2100, 2, 28)), // century year not divisible by 400: no leap day
            (47_541, (2100, 3, 1)),
            (2_932_896, (9999, 12, 31)),
        ];
        for (days, want) in cases {
            assert_eq!(civil_from_days(days), Some(want), "day {days}");
        }
        assert_eq!(cases.len(), 7);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn formats_seconds() {
        assert_eq!(format_utc(0).unwrap(), "1970-01-01 00:00:00 UTC");
        assert_eq!(
            format_utc(1_700_000_000).unwrap(),
            "2023-11-14 22:13:20 UTC"
        );
        assert_eq!(
            format_utc(253_402_300_799).unwrap(),
            "9999-12-31 23:59:59 UTC"
        );
    }
}
