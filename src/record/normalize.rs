//! Normal forms of what identifies a record: e-mail addresses, phone numbers, web domains and
//! names, so that two ways of writing the same thing compare equal. These run on every record
//! of the workspace, so they allocate little: one string per address or name, nothing for a
//! phone number.

/// The mailbox an address reaches: lowercased, `+tag` dropped (plus-addressing), and for Gmail
/// (`gmail.com`, `googlemail.com`) the dots of the local part dropped and the domain unified.
/// `None` for text that is not an address.
pub fn email(address: &str) -> Option<String> {
    let address = address.trim();
    let address = address.strip_prefix("mailto:").unwrap_or(address);
    let (local, domain) = address.rsplit_once('@')?;
    let domain = domain.trim_end_matches('.');
    if local.is_empty() || domain.is_empty() || local.contains(char::is_whitespace) {
        return None;
    }
    // `+ada@…`: a `+` at the start is the whole local part, not a tag.
    let local = match local.find('+') {
        Some(plus) if plus > 0 => &local[..plus],
        _ => local,
    };
    let gmail =
        domain.eq_ignore_ascii_case("gmail.com") || domain.eq_ignore_ascii_case("googlemail.com");
    let mut out = String::with_capacity(local.len() + domain.len() + 1);
    for c in local.chars().filter(|c| !(gmail && *c == '.')) {
        push_lowercase(&mut out, c);
    }
    out.push('@');
    if gmail {
        out.push_str("gmail.com");
    } else {
        domain.chars().for_each(|c| push_lowercase(&mut out, c));
    }
    Some(out)
}

/// `c` lowercased (ASCII, the common case, without Unicode's tables).
fn push_lowercase(out: &mut String, c: char) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else {
        out.extend(c.to_lowercase());
    }
}

/// A phone number reduced to its digits: with the country code when it was written
/// internationally (`+44 …`, `0044 …`), else without its trunk `0` (`020 …` → `20 …`).
/// Extensions (`x12`, `ext. 12`) are dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Phone {
    /// The digits as a number (15 digits at most, as E.164 allows).
    value: u64,
    /// How many digits (`value` loses leading zeros).
    len: u32,
    /// Written with its country code.
    international: bool,
}

/// Numbers with fewer digits than this (after the trunk `0`) identify nobody.
const MIN_PHONE_DIGITS: u32 = 7;

/// The last digits every way of writing a number shares: the key numbers are grouped by.
pub const PHONE_KEY_DIGITS: u32 = 7;

impl Phone {
    /// Reads a phone number as written; `None` when it has too few digits (or too many) to
    /// identify anyone. Allocates nothing.
    pub fn parse(written: &str) -> Option<Phone> {
        let s = written.trim();
        let s = match s.get(..4) {
            Some(p) if p.eq_ignore_ascii_case("tel:") => s[4..].trim_start(),
            _ => s,
        };
        let bytes = s.as_bytes();
        // The extension (`x12`, `ext. 12`, `#12`) is not part of the number.
        let end = bytes
            .iter()
            .position(|b| matches!(b, b'x' | b'X' | b'#' | b';' | b','))
            .unwrap_or(bytes.len());
        let mut international = s.starts_with('+');
        let mut digits = [0u8; 20];
        let mut n = 0;
        let mut i = 0;
        while i < end {
            // `+44 (0)20 …`: the trunk 0 some write after the country code is not dialled.
            if international && bytes[i..end].starts_with(b"(0)") {
                i += 3;
                continue;
            }
            if bytes[i].is_ascii_digit() {
                if n == digits.len() {
                    return None;
                }
                digits[n] = bytes[i] - b'0';
                n += 1;
            }
            i += 1;
        }
        let mut digits = &digits[..n];
        if !international && digits.starts_with(&[0, 0]) {
            international = true;
            digits = &digits[2..];
        } else if !international && digits.first() == Some(&0) {
            digits = &digits[1..];
        }
        let len = digits.len() as u32;
        if !(MIN_PHONE_DIGITS..=15).contains(&len) {
            return None;
        }
        let value = digits.iter().fold(0u64, |v, &d| v * 10 + u64::from(d));
        Some(Phone {
            value,
            len,
            international,
        })
    }

    /// The key numbers are grouped by: their last [`PHONE_KEY_DIGITS`] digits.
    pub fn key(&self) -> u64 {
        self.value % 10u64.pow(PHONE_KEY_DIGITS)
    }

    /// Whether two numbers reach the same line: the same digits, or an international number
    /// that is a national one behind a country code of one to three digits
    /// (`+44 20 7946 0000` and `020 7946 0000`).
    pub fn same(&self, other: &Phone) -> bool {
        if self.international == other.international {
            return self.value == other.value && self.len == other.len;
        }
        let (intl, national) = if self.international {
            (self, other)
        } else {
            (other, self)
        };
        intl.len >= national.len
            && intl.len - national.len <= 3
            && intl.value % 10u64.pow(national.len) == national.value
    }
}

/// A company's web domain from its `domain` or `website`: lowercased, without scheme, `www.`,
/// port, path or trailing dot.
pub fn domain(written: &str) -> Option<String> {
    let d = written.trim().to_ascii_lowercase();
    let d = d.split_once("://").map_or(d.as_str(), |(_, rest)| rest);
    let d = d.split(['/', '?', '#']).next().unwrap_or("");
    let d = d.rsplit_once('@').map_or(d, |(_, host)| host);
    let d = d.split(':').next().unwrap_or("");
    let d = d.trim_end_matches('.');
    let d = d.strip_prefix("www.").unwrap_or(d);
    (d.contains('.') && !d.contains(char::is_whitespace)).then(|| d.to_string())
}

/// Words that are not part of a person's name: titles and suffixes.
const NAME_NOISE: &[&str] = &[
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "herr", "frau", "mme", "mlle",
    "jr", "sr", "ii", "iii", "iv", "phd", "md", "esq", "mba",
];

/// A person's name as comparable words, separated by single spaces: accents and case folded
/// (`Élodie` → `elodie`), "Last, First" turned round, apostrophes dropped (`O'Brien` →
/// `obrien`), titles and suffixes (`Dr`, `Jr.`) left out. An initial is a one-letter word.
pub fn person_name(name: &str) -> String {
    let folded = fold_words(name);
    let ordered = match folded.split_once(',') {
        // `Smith, Jon` is `Jon Smith`; `Jon Smith, Jr.` is Jon Smith.
        Some((last, first)) if !words(first).all(|w| NAME_NOISE.contains(&w)) => {
            format!("{first} {last}")
        }
        _ => folded,
    };
    keep_words(&ordered, NAME_NOISE)
}

/// A person's name as a key that ignores word order as well as accents, case and titles:
/// [`person_name`]'s words, sorted (`Lovelace Ada`, `Ada LOVELACE` and `Lovelace, Ada` share
/// one). Empty when the name has no words.
pub fn person_name_key(name: &str) -> String {
    let normal = person_name(name);
    let mut w: Vec<&str> = words(&normal).collect();
    w.sort_unstable();
    w.join(" ")
}

/// Legal forms and filler that do not tell companies apart.
const COMPANY_NOISE: &[&str] = &[
    "ltd",
    "limited",
    "inc",
    "incorporated",
    "llc",
    "llp",
    "lp",
    "plc",
    "gmbh",
    "ag",
    "kg",
    "ohg",
    "ug",
    "se",
    "sa",
    "sas",
    "sarl",
    "srl",
    "spa",
    "bv",
    "nv",
    "oy",
    "ab",
    "as",
    "aps",
    "pty",
    "co",
    "corp",
    "corporation",
    "company",
    "the",
    "and",
];

/// A company's name as comparable words, separated by single spaces: folded, without legal
/// forms (`Acme Ltd.` and `ACME Limited` are both `acme`; `S.p.A.` is recognised too).
pub fn company_name(name: &str) -> String {
    keep_words(&fold_words(&name.replace('.', "")), COMPANY_NOISE)
}

/// The words of a normalized name.
pub fn words(normalized: &str) -> impl Iterator<Item = &str> {
    normalized
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// Lowercase ASCII with accents transliterated and apostrophes dropped; other punctuation but
/// commas becomes a space. ASCII names (most) skip the transliteration.
fn fold_words(name: &str) -> String {
    let transliterated;
    let text = if name.is_ascii() {
        name
    } else {
        transliterated = deunicode::deunicode(name);
        &transliterated
    };
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'\'' | b'`' => {}
            b',' => out.push(','),
            b if b.is_ascii_alphanumeric() => out.push(b.to_ascii_lowercase() as char),
            _ => out.push(' '),
        }
    }
    out
}

/// The words of folded text that are not noise, joined by single spaces (all of them when
/// every word is noise: `Dr` alone is someone's name).
fn keep_words(folded: &str, noise: &[&str]) -> String {
    let mut out = String::with_capacity(folded.len());
    for w in words(folded).filter(|w| !noise.contains(w)) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    if out.is_empty() {
        words(folded).collect::<Vec<_>>().join(" ")
    } else {
        out
    }
}

/// A country as its ISO 3166-1 alpha-2 code (`Nigeria`, `nigeria`, `NG`, `Deutschland`, `UK`,
/// `U.S.A.`, `España` → `NG`, `DE`, `GB`, `US`, `ES`): names and codes compared without case,
/// accents, spaces or punctuation, from [`crate::record::country::COUNTRIES`]. `None` for
/// anything else.
pub fn country(written: &str) -> Option<&'static str> {
    use std::sync::OnceLock;
    static BY_KEY: OnceLock<rustc_hash::FxHashMap<String, &'static str>> = OnceLock::new();
    let by_key = BY_KEY.get_or_init(|| {
        let mut m = rustc_hash::FxHashMap::default();
        for (code, names) in crate::record::country::COUNTRIES {
            m.insert(code.to_ascii_lowercase(), *code);
            for n in *names {
                m.entry(country_key(n)).or_insert(*code);
            }
        }
        m
    });
    by_key.get(&country_key(written)).copied()
}

fn country_key(s: &str) -> String {
    let ascii = if s.is_ascii() {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(deunicode::deunicode(s))
    };
    ascii
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Words that start a family name (`de Graaf`, `van der Berg`, `von Neumann`, `da Silva`).
const PARTICLES: &[&str] = &[
    "de", "van", "von", "der", "den", "del", "della", "di", "da", "das", "dos", "du", "la", "le",
    "ten", "ter", "te", "zu", "vom", "zum", "zur", "af", "av", "bin", "ibn", "al", "el", "st",
    "mac", "ap", "op", "het", "des", "dei", "degli",
];

/// A full name split into given names and family name as vCard's `N` (RFC 6350) writes them:
/// the family name is the last word with the particles before it (`Pieter de Graaf` →
/// (`Pieter`, `de Graaf`); `Anna van der Berg` → (`Anna`, `van der Berg`)). A single word is a
/// family name.
pub fn split_name(name: &str) -> (String, String) {
    let words: Vec<&str> = name.split_whitespace().collect();
    let Some((last, before)) = words.split_last() else {
        return (String::new(), String::new());
    };
    // Particles are written in lower case inside a name; the first word is always given.
    let mut start = before.len();
    while start > 1 && PARTICLES.contains(&before[start - 1]) {
        start -= 1;
    }
    let family = [&before[start..], &[*last]].concat().join(" ");
    (before[..start].join(" "), family)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_reduce_to_the_mailbox() {
        for (written, normal) in [
            ("Ada@Acme.Example", Some("ada@acme.example")),
            ("  ada+newsletter@acme.example ", Some("ada@acme.example")),
            ("A.Da.L+x@gmail.com", Some("adal@gmail.com")),
            ("a.dal@googlemail.com", Some("adal@gmail.com")),
            // Dots matter everywhere else.
            ("a.dal@outlook.com", Some("a.dal@outlook.com")),
            ("ada@acme.example.", Some("ada@acme.example")),
            ("mailto:ada@acme.example", Some("ada@acme.example")),
            // A `+` at the start is the whole local part, not a tag.
            ("+ada@acme.example", Some("+ada@acme.example")),
            ("not an address", None),
            ("@acme.example", None),
            ("ada@", None),
        ] {
            assert_eq!(email(written).as_deref(), normal, "{written}");
        }
    }

    fn same(a: &str, b: &str) -> bool {
        match (Phone::parse(a), Phone::parse(b)) {
            (Some(x), Some(y)) => x.same(&y) && y.same(&x),
            _ => false,
        }
    }

    #[test]
    fn phones_match_across_ways_of_writing_them() {
        for (a, b, expected) in [
            ("+44 20 7946 0000", "+44 (0)20 7946-0000", true),
            ("tel:+44-20-7946-0000", "020 7946 0000", true),
            ("+44 20 7946 0000", "+442079460000", true),
            ("+44 20 7946 0000", "0044 20 7946 0000", true),
            ("+44 20 7946 0000", "020 7946 0000", true),
            ("+44 20 7946 0000", "20 7946 0000", true),
            ("+1 617 555 0126", "(617) 555-0126", true),
            ("+1 617 555 0126", "1-617-555-0126", true),
            ("+39 06 1234 5678", "06 1234 5678", true),
            ("+44 20 7946 0000 x12", "+44 20 7946 0000", true),
            ("+44 20 7946 0000 ext. 12", "020 7946 0000", true),
            // An unquoted number YAML read as digits (no `+`).
            ("442079460000", "+44 20 7946 0000", true),
            // Different countries, different numbers.
            ("+44 20 7946 0000", "+33 20 7946 0000", false),
            ("+44 20 7946 0000", "+44 20 7946 0001", false),
            ("020 7946 0000", "020 7946 0001", false),
            // A country code is three digits at most.
            ("+4412 20 7946 0000", "020 7946 0000", false),
            // Too short to identify anyone.
            ("12345", "12345", false),
            ("", "", false),
        ] {
            assert_eq!(same(a, b), expected, "{a} vs {b}");
        }
        let key = |s: &str| Phone::parse(s).unwrap().key();
        assert_eq!(key("+44 20 7946 0000"), key("020 7946 0000"));
        assert_eq!(key("+44 20 7946 0000"), 9_460_000);
    }

    #[test]
    fn domains_lose_scheme_www_and_path() {
        for (written, normal) in [
            ("acme.example", Some("acme.example")),
            ("https://www.Acme.example/about?x=1", Some("acme.example")),
            ("http://acme.example:8080/", Some("acme.example")),
            ("www.acme.example.", Some("acme.example")),
            ("localhost", None),
            ("", None),
        ] {
            assert_eq!(domain(written).as_deref(), normal, "{written}");
        }
    }

    #[test]
    fn a_name_key_ignores_word_order_accents_and_case() {
        let key = person_name_key("Élodie Garnier");
        assert_eq!(key, "elodie garnier");
        for same in ["GARNIER Elodie", "Garnier, élodie", "Dr. Elodie  Garnier"] {
            assert_eq!(person_name_key(same), key, "{same}");
        }
        assert_ne!(person_name_key("Elodie Garnett"), key);
        assert_eq!(person_name_key("  -- "), "");
    }

    #[test]
    fn person_names_fold_turn_round_and_drop_titles() {
        for (written, normal) in [
            ("Jon Smith", "jon smith"),
            ("  JON   SMITH ", "jon smith"),
            ("Smith, Jon", "jon smith"),
            ("Élodie Garnier", "elodie garnier"),
            ("Jürgen Brunner", "jurgen brunner"),
            ("Dr. Jon Smith, Jr.", "jon smith"),
            ("Siobhán O'Brien", "siobhan obrien"),
            ("Ahmed El-Sayed", "ahmed el sayed"),
            ("J. Smith", "j smith"),
            ("北京 Li", "bei jing li"),
            ("Dr", "dr"),
            ("", ""),
        ] {
            assert_eq!(person_name(written), normal, "{written}");
        }
    }

    #[test]
    fn company_names_drop_legal_forms() {
        for (written, normal) in [
            ("Acme Ltd.", "acme"),
            ("ACME Limited", "acme"),
            ("Tidalforge S.p.A.", "tidalforge"),
            ("Bergmann MedTech GmbH", "bergmann medtech"),
            ("Beaconbridge Ventures Pty Ltd", "beaconbridge ventures"),
            ("The Data Ledger", "data ledger"),
            ("Andersen & Kaya", "andersen kaya"),
            ("Ltd", "ltd"),
        ] {
            assert_eq!(company_name(written), normal, "{written}");
        }
    }
}

#[cfg(test)]
mod country_and_name_tests {
    use super::*;

    #[test]
    fn countries_by_name_alias_and_code() {
        for (written, code) in [
            ("Nigeria", Some("NG")),
            ("nigeria", Some("NG")),
            ("NIGERIA", Some("NG")),
            ("Deutschland", Some("DE")),
            ("Germany", Some("DE")),
            ("UK", Some("GB")),
            ("United Kingdom", Some("GB")),
            ("U.S.A.", Some("US")),
            ("USA", Some("US")),
            ("United States", Some("US")),
            ("España", Some("ES")),
            ("Côte d'Ivoire", Some("CI")),
            ("Österreich", Some("AT")),
            ("de", Some("DE")),
            ("NG", Some("NG")),
            ("Atlantis", None),
            ("XX", None),
        ] {
            assert_eq!(country(written), code, "{written}");
        }
        assert_eq!(crate::record::country::COUNTRIES.len(), 249);
    }

    #[test]
    fn family_names_keep_their_particles() {
        for (name, given, family) in [
            ("Pieter de Graaf", "Pieter", "de Graaf"),
            ("Anna van der Berg", "Anna", "van der Berg"),
            ("John von Neumann", "John", "von Neumann"),
            ("Ada King Lovelace", "Ada King", "Lovelace"),
            ("Cher", "", "Cher"),
            ("De Graaf", "De", "Graaf"),
        ] {
            assert_eq!(
                split_name(name),
                (given.to_string(), family.to_string()),
                "{name}"
            );
        }
    }
}
