//! Durations as kith.yaml and filters write them: a whole number and a unit of days, weeks,
//! months (30 days) or years (365 days).

/// `14d`, `6w`, `3m`, `1y` in days.
pub fn parse_duration(w: &str) -> Option<i64> {
    // The unit is one ASCII letter; a word ending in any other character is no duration
    // (and splitting before its last byte would cut that character in two).
    if !w.as_bytes().last()?.is_ascii() {
        return None;
    }
    let (num, unit) = w.split_at(w.len() - 1);
    let n: i64 = num.parse().ok().filter(|n| *n >= 0)?;
    let per = match unit {
        "d" => 1,
        "w" => 7,
        "m" => 30,
        "y" => 365,
        _ => return None,
    };
    n.checked_mul(per)
}
