//! Record ids: lowercase ASCII slugs derived from names.

/// `Zoë Müller-Smith, Jr.` → `zoe-muller-smith-jr`. Never empty (falls back to `record`).
pub fn slugify(name: &str) -> String {
    let ascii = deunicode::deunicode(name);
    let mut out = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c == '\'' {
            // "O'Brien" → "obrien"
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out = out.trim_end_matches('-').to_string();
    if out.len() > 80 {
        out.truncate(80);
        out = out.trim_end_matches('-').to_string();
    }
    if out.is_empty() {
        "record".to_string()
    } else {
        out
    }
}

/// The first of `base`, `base-2`, `base-3`, ... for which `taken` says no.
pub fn unique(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| !taken(candidate))
        .expect("an unbounded range always finds a free id")
}

/// Folds text for matching names: lowercase ASCII, accents removed, spaces collapsed.
pub fn fold(s: &str) -> String {
    deunicode::deunicode(s)
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Ada Lovelace"), "ada-lovelace");
        assert_eq!(slugify("Zoë Müller-Smith, Jr."), "zoe-muller-smith-jr");
        assert_eq!(slugify("  O'Brien & Sons  "), "obrien-sons");
        assert_eq!(slugify("Søren Kjær"), "soren-kjaer");
        assert_eq!(slugify("北京"), "bei-jing");
        assert_eq!(slugify("!!!"), "record");
        assert_eq!(slugify("../../etc/passwd"), "etc-passwd");
    }

    #[test]
    fn dedupes_with_a_suffix() {
        let taken = ["ada", "ada-2"];
        assert_eq!(unique("ada", |c| taken.contains(&c)), "ada-3");
        assert_eq!(unique("bob", |c| taken.contains(&c)), "bob");
    }

    #[test]
    fn folds_names() {
        assert_eq!(fold("  José   Álvarez "), "jose alvarez");
    }
}
