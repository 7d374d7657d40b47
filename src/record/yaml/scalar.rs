//! YAML scalars: how plain text resolves to a typed value, quoted-string escapes, and how kith
//! writes a value back so that YAML reads it as the intended type.
//!
//! Resolution follows serde_yaml_ng (YAML 1.2 core schema) exactly, so the fast path in
//! [`super::scan`] and the full parser always agree.

use crate::record::value::Value;
use compact_str::CompactString;

/// Resolves an unquoted scalar the way serde_yaml_ng does: null, bool, int, float, else text.
/// Returns `None` for integers beyond i64/u64 that serde would read as 128-bit (left to the full parser).
pub fn resolve_plain(s: &str) -> Option<Value> {
    if s.is_empty() || matches!(s, "~" | "null" | "Null" | "NULL") {
        return Some(Value::Null);
    }
    match s {
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    let first = s.as_bytes()[0];
    // Only scalars starting like a number can be numbers; everything else is text.
    if !(first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.')) {
        return Some(Value::Str(s.into()));
    }
    if let Some(v) = resolve_int(s) {
        return v;
    }
    if !digits_but_not_number(s)
        && let Some(f) = parse_f64(s)
    {
        return Some(Value::Float(f));
    }
    Some(Value::Str(s.into()))
}

/// `Some(Some(v))`: an integer kith can hold; `Some(None)`: an integer that needs the full parser;
/// `None`: not an integer.
fn resolve_int(s: &str) -> Option<Option<Value>> {
    if let Some(u) = parse_unsigned(s, u64::from_str_radix) {
        return Some(i64::try_from(u).ok().map(Value::Int));
    }
    if let Some(i) = parse_negative(s, i64::from_str_radix) {
        return Some(Some(Value::Int(i)));
    }
    if parse_unsigned(s, u128::from_str_radix).is_some()
        || parse_negative(s, i128::from_str_radix).is_some()
    {
        return Some(None);
    }
    None
}

fn parse_unsigned<T>(
    s: &str,
    radix: impl Fn(&str, u32) -> Result<T, std::num::ParseIntError>,
) -> Option<T> {
    let unpositive = s.strip_prefix('+').unwrap_or(s);
    for (prefix, r) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = unpositive.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return None;
            }
            if let Ok(v) = radix(rest, r) {
                return Some(v);
            }
        }
    }
    if unpositive.starts_with(['+', '-']) || digits_but_not_number(s) {
        return None;
    }
    radix(unpositive, 10).ok()
}

fn parse_negative<T>(
    s: &str,
    radix: impl Fn(&str, u32) -> Result<T, std::num::ParseIntError>,
) -> Option<T> {
    for (prefix, r) in [("-0x", 16), ("-0o", 8), ("-0b", 2)] {
        if let Some(rest) = s.strip_prefix(prefix)
            && let Ok(v) = radix(&format!("-{rest}"), r)
        {
            return Some(v);
        }
    }
    if digits_but_not_number(s) {
        return None;
    }
    radix(s, 10).ok()
}

fn parse_f64(s: &str) -> Option<f64> {
    let unpositive = match s.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return None,
        Some(rest) => rest,
        None => s,
    };
    if matches!(unpositive, ".inf" | ".Inf" | ".INF") {
        return Some(f64::INFINITY);
    }
    if matches!(s, "-.inf" | "-.Inf" | "-.INF") {
        return Some(f64::NEG_INFINITY);
    }
    if matches!(s, ".nan" | ".NaN" | ".NAN") {
        return Some(f64::NAN);
    }
    unpositive.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// Leading zeros followed by digits are text in YAML 1.2 (`0123`, a zip code).
fn digits_but_not_number(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    s.len() > 1 && s.starts_with('0') && s[1..].bytes().all(|b| b.is_ascii_digit())
}

/// Unescapes the inside of a double-quoted scalar. `None` for escapes the fast path leaves to the
/// full parser.
pub fn unescape_double(inner: &str) -> Option<CompactString> {
    if !inner.contains('\\') {
        return Some(inner.into());
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            '/' => out.push('/'),
            'n' => out.push('\n'),
            't' | '\t' => out.push('\t'),
            'r' => out.push('\r'),
            '0' => out.push('\0'),
            ' ' => out.push(' '),
            'u' => {
                let hex: String = chars.by_ref().take(4).collect();
                if hex.len() != 4 {
                    return None;
                }
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            _ => return None,
        }
    }
    Some(out.into())
}

/// Whether a string, written unquoted, would be read back by YAML as exactly that string.
/// Conservative: when in doubt, it says no and the caller quotes.
pub fn plain_safe(s: &str) -> bool {
    if s.is_empty() || s != s.trim() {
        return false;
    }
    if !matches!(resolve_plain(s), Some(Value::Str(ref t)) if t == s) {
        return false;
    }
    // YAML 1.1 readers (and people) take these as booleans, numbers or timestamps; quote them so
    // every tool agrees.
    if is_yaml11_bool(s) || looks_numeric(s) {
        return false;
    }
    let first = s.chars().next().unwrap_or(' ');
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') || s.contains('\t') {
        return false;
    }
    s.chars().all(|c| c == ' ' || is_printable_nonspace(c))
}

/// Words that YAML 1.1 (used by many other tools) reads as booleans.
fn is_yaml11_bool(s: &str) -> bool {
    matches!(
        s.to_ascii_lowercase().as_str(),
        "y" | "n" | "yes" | "no" | "on" | "off"
    )
}

/// Numbers, dates and times in any YAML version's eyes (`2026-01-01`, `12:30`, `1_000`).
fn looks_numeric(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.'))
        && s.chars()
            .all(|c| c.is_ascii_digit() || "-:._+eETZtz ".contains(c))
}

fn is_printable_nonspace(c: char) -> bool {
    match c {
        '!'..='~' => true,
        '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'.. => {
            !matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
        }
        _ => false,
    }
}

/// Whether every character of the text may appear in a YAML stream as is (no control
/// characters, no line breaks other than LF/CR that YAML would treat specially).
pub fn all_printable(s: &str) -> bool {
    // One pass without an early exit, which the compiler turns into vector code: almost every
    // value is printable ASCII.
    if s.bytes().fold(true, |ok, b| {
        ok & matches!(b, b' '..=b'~' | b'\t' | b'\n' | b'\r')
    }) {
        return true;
    }
    s.chars()
        .all(|c| matches!(c, ' ' | '\t' | '\n' | '\r') || is_printable_nonspace(c))
}

/// Writes a string as a double-quoted YAML scalar.
pub fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}') => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Writes a string as a single-quoted YAML scalar, or `None` if it cannot be (line breaks).
pub fn single_quoted(s: &str) -> Option<String> {
    if s.chars()
        .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}'))
    {
        return None;
    }
    Some(format!("'{}'", s.replace('\'', "''")))
}

/// Writes text as a YAML scalar that reads back as this exact string: plain when safe, else
/// double-quoted.
pub fn text_scalar(s: &str) -> String {
    if plain_safe(s) {
        s.to_string()
    } else {
        double_quoted(s)
    }
}

/// Writes a text item of a flow list (`[a, b]`): flow context also forbids `,[]{}`.
pub fn flow_item(s: &str) -> String {
    if plain_safe(s) && !s.contains([',', '[', ']', '{', '}']) {
        s.to_string()
    } else {
        double_quoted(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agrees_with_serde(s: &str) {
        let Ok(serde) = serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&format!("k: {s}")) else {
            // serde_yaml_ng rejects integers beyond 64 bits; the fast path must leave them to it.
            assert_eq!(resolve_plain(s), None, "{s:?}");
            return;
        };
        let serde = Value::from_yaml(serde);
        let Value::Map(entries) = serde else { panic!() };
        if let Some(v) = resolve_plain(s) {
            // NaN never equals itself; compare its text.
            assert_eq!(format!("{v:?}"), format!("{:?}", entries[0].1), "{s:?}")
        }
    }

    #[test]
    fn plain_resolution_matches_serde_yaml_ng() {
        for s in [
            "~",
            "null",
            "Null",
            "NULL",
            "true",
            "True",
            "TRUE",
            "false",
            "FALSE",
            "yes",
            "no",
            "on",
            "0",
            "7",
            "-7",
            "+7",
            "007",
            "-007",
            "0x1F",
            "0o17",
            "0b101",
            "-0x1F",
            "+0x1F",
            "1.5",
            "-1.5",
            "+1.5",
            ".5",
            "1.",
            "1e3",
            "1E-3",
            ".inf",
            "-.inf",
            ".nan",
            "inf",
            "nan",
            "NaN",
            "1_000",
            "12,000",
            "2026-10-02",
            "2026-10-02T10:00:00Z",
            "+44 20 7946 0000",
            "0.0",
            "9223372036854775807",
            "9223372036854775808",
            "18446744073709551616",
            "-9223372036854775809",
            "1e400",
            "ada@x.example",
            "12:30",
            "1:2",
            "0x",
            "0xZZ",
            "+",
            ".",
            "..",
            "-5x",
            "-.5",
        ] {
            agrees_with_serde(s);
        }
    }

    #[test]
    fn plain_safe_quotes_anything_ambiguous() {
        for s in ["NO", "yes", "+44 20 7946 0000", "2026-01-01x", "ada"] {
            let written = text_scalar(s);
            let back: serde_yaml_ng::Value =
                serde_yaml_ng::from_str(&format!("k: {written}")).unwrap();
            assert_eq!(back["k"].as_str(), Some(s), "{s:?} written as {written}");
        }
        assert_eq!(text_scalar("NO"), "\"NO\"");
        assert_eq!(text_scalar("0123"), "\"0123\"");
        assert_eq!(text_scalar("12"), "\"12\"");
        assert_eq!(text_scalar("a: b"), "\"a: b\"");
        assert_eq!(text_scalar("@sam"), "\"@sam\"");
        assert_eq!(text_scalar("Ada Lovelace"), "Ada Lovelace");
        assert_eq!(text_scalar("line\nbreak"), "\"line\\nbreak\"");
    }

    #[test]
    fn unescapes_common_escapes() {
        assert_eq!(unescape_double(r#"a\"b\\c\n\u00e9"#).unwrap(), "a\"b\\c\né");
        assert_eq!(unescape_double(r"\x41"), None);
    }
}
