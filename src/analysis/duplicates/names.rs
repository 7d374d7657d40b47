//! Fuzzy comparison of names given as normalized words ([`crate::record::normalize`]): the same words
//! in any order, nicknames and short forms (`Jon`/`Jonathan`, `Bob`/`Robert`), initials
//! (`J. Smith`) and one-letter typos in long words (`Katharina`/`Katherina`). The last word
//! is the family name (`Smith, Jon` is normalized to `jon smith`): it must match exactly or
//! but for a typo.

use crate::record::normalize::words;

/// How two names compare.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NameMatch {
    /// One of them has no name to compare.
    Unknown,
    /// The same words, in any order (`Smith, Jon` and `Jon Smith`), or the same letters
    /// (`El-Sayed` and `Elsayed`).
    Same,
    /// Every word of the shorter name matches one of the other's, some only loosely; the
    /// similarity is in (0, 1).
    Similar(f64),
    /// Some words match, not all (`Sanne van Dijk` and `Ruben van Dijk`).
    Partial,
    /// No word in common.
    Different,
}

impl NameMatch {
    /// How alike the names are, 0 to 1: `Same` 1, `Similar` its similarity, else 0.
    pub fn similarity(self) -> f64 {
        match self {
            NameMatch::Same => 1.0,
            NameMatch::Similar(s) => s,
            _ => 0.0,
        }
    }
}

/// Compares two names normalized by [`crate::record::normalize`] (words separated by spaces).
pub fn compare(a: &str, b: &str) -> NameMatch {
    let (a, b): (Vec<&str>, Vec<&str>) = (words(a).collect(), words(b).collect());
    if a.is_empty() || b.is_empty() {
        return NameMatch::Unknown;
    }
    let (mut sa, mut sb) = (a.clone(), b.clone());
    sa.sort_unstable();
    sb.sort_unstable();
    if sa == sb || a.concat() == b.concat() {
        return NameMatch::Same;
    }
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    // Whole words claim their partners before initials do: `J. Smith` vs `Jon Smith`.
    let mut order: Vec<&str> = short.clone();
    order.sort_by_key(|w| w.len() == 1);
    let mut used = vec![false; long.len()];
    let (mut matched, mut total, mut whole) = (0, 0.0, 0);
    for w in order {
        let best = long
            .iter()
            .enumerate()
            .filter(|(i, _)| !used[*i])
            .map(|(i, v)| (i, word_match(w, v)))
            .filter(|(_, s)| *s > 0.0)
            .max_by(|x, y| x.1.total_cmp(&y.1));
        if let Some((i, s)) = best {
            used[i] = true;
            matched += 1;
            total += s;
            whole += usize::from(w.len() > 1 && long[i].len() > 1);
        }
    }
    if matched == 0 {
        return NameMatch::Different;
    }
    // A one-word name, or initials alone, say too little to call two people the same; and
    // family names must agree, at most but for a typo (`Martin` is not `Martinez`).
    let (fa, fb) = (a[a.len() - 1], b[b.len() - 1]);
    let family = fa == fb || (fa.len().min(fb.len()) >= 6 && one_edit_apart(fa, fb));
    if matched < short.len() || short.len() < 2 || whole == 0 || !family {
        return NameMatch::Partial;
    }
    let extra_words = if long.len() > short.len() { 0.9 } else { 1.0 };
    NameMatch::Similar(total / short.len() as f64 * extra_words)
}

/// How well one word of a name stands for another: 1 the same, less for a nickname, a short
/// form, a typo or an initial, 0 not at all.
fn word_match(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if is_nickname(short, long) {
        0.9
    } else if short.len() >= 3 && long.len() >= short.len() + 2 && long.starts_with(short) {
        // `Jon`/`Jonathan`, `Dan`/`Daniel`; not `Dan`/`Dana` or `Ann`/`Anna`.
        0.85
    } else if short.len() >= 6 && one_edit_apart(a, b) {
        0.8
    } else if short.len() == 1 && long.starts_with(short) {
        0.6
    } else {
        0.0
    }
}

/// Common nicknames that are not a prefix of the full name (those are caught as short forms).
const NICKNAMES: &[(&str, &str)] = &[
    ("bob", "robert"),
    ("bobby", "robert"),
    ("bill", "william"),
    ("billy", "william"),
    ("liz", "elizabeth"),
    ("beth", "elizabeth"),
    ("betty", "elizabeth"),
    ("kate", "katherine"),
    ("kate", "catherine"),
    ("katie", "katherine"),
    ("cathy", "catherine"),
    ("kathy", "katherine"),
    ("peggy", "margaret"),
    ("maggie", "margaret"),
    ("meg", "margaret"),
    ("jim", "james"),
    ("jimmy", "james"),
    ("jack", "john"),
    ("johnny", "john"),
    ("dick", "richard"),
    ("rick", "richard"),
    ("ted", "edward"),
    ("ed", "edward"),
    ("ned", "edward"),
    ("chuck", "charles"),
    ("charlie", "charles"),
    ("tony", "anthony"),
    ("sasha", "alexander"),
    ("sandy", "alexandra"),
    ("mike", "michael"),
    ("andy", "andrew"),
    ("drew", "andrew"),
    ("steve", "steven"),
    ("steve", "stephen"),
    ("tom", "thomas"),
    ("bert", "albert"),
    ("dave", "david"),
    ("jenny", "jennifer"),
    ("nick", "nicholas"),
    ("nick", "nicolas"),
    ("patty", "patricia"),
    ("pete", "peter"),
    ("sue", "susan"),
    ("hank", "henry"),
    ("harry", "henry"),
    ("larry", "lawrence"),
    ("vicky", "victoria"),
    ("hans", "johannes"),
    ("sepp", "josef"),
    ("paco", "francisco"),
    ("pepe", "jose"),
    ("nacho", "ignacio"),
    ("lola", "dolores"),
];

fn is_nickname(a: &str, b: &str) -> bool {
    NICKNAMES
        .iter()
        .any(|&(n, f)| (n == a && f == b) || (n == b && f == a))
}

/// Whether one edit (a letter changed, added, removed, or two neighbours swapped) turns one
/// word into the other.
fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let prefix = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    if short.len() == long.len() {
        let rest = prefix + 1;
        // One letter changed, or two neighbours swapped.
        short[rest.min(short.len())..] == long[rest.min(long.len())..]
            || (rest < short.len()
                && short[prefix] == long[rest]
                && short[rest] == long[prefix]
                && short[rest + 1..] == long[rest + 1..])
    } else {
        short[prefix..] == long[prefix + 1..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::normalize::person_name;

    fn cmp(a: &str, b: &str) -> NameMatch {
        let m = compare(&person_name(a), &person_name(b));
        assert_eq!(
            format!("{m:?}"),
            format!("{:?}", compare(&person_name(b), &person_name(a))),
            "not symmetric: {a} / {b}"
        );
        m
    }

    #[test]
    fn same_names_in_any_form() {
        for (a, b) in [
            ("Jon Smith", "jon smith"),
            ("Jon Smith", "Smith, Jon"),
            ("Jon Smith", "Smith Jon"),
            ("Élodie Garnier", "Elodie Garnier"),
            ("Ahmed El-Sayed", "Ahmed Elsayed"),
            ("Dr. Jon Smith", "Jon Smith"),
        ] {
            assert_eq!(cmp(a, b), NameMatch::Same, "{a} / {b}");
        }
    }

    #[test]
    fn similar_names() {
        for (a, b, at_least) in [
            ("Jon Smith", "Jonathan Smith", 0.9),
            ("Smith, Jon", "Jonathan Smith", 0.9),
            ("Bob Carver", "Robert Carver", 0.9),
            ("Katharina Gruber", "Katherina Gruber", 0.85),
            ("Jürgen Müller", "Jurgen Mueller", 0.85),
            ("Jonathan Smith", "Jonahtan Smith", 0.85),
            ("J. Smith", "Jon Smith", 0.75),
            ("Jon Smith", "Jon Peter Smith", 0.85),
            ("Mike Ross", "Michael Ross", 0.9),
        ] {
            match cmp(a, b) {
                NameMatch::Similar(s) => assert!(s >= at_least && s < 1.0, "{a} / {b}: {s}"),
                other => panic!("{a} / {b}: {other:?}"),
            }
        }
    }

    #[test]
    fn different_people() {
        for (a, b, expected) in [
            ("Sanne van Dijk", "Ruben van Dijk", NameMatch::Partial),
            ("Daniel Kaplan", "Daniel Ortega", NameMatch::Partial),
            ("Dan Smith", "Dana Smith", NameMatch::Partial),
            ("Maria Garcia", "Mario Garcia", NameMatch::Partial),
            ("Vikram Martin", "Vikram Martinez", NameMatch::Partial),
            ("Jon Smith", "Jon Smithers", NameMatch::Partial),
            ("Tom Smith", "Tim Smith", NameMatch::Partial),
            ("Jon", "Jon Smith", NameMatch::Partial),
            ("J. S.", "Jon Smith", NameMatch::Partial),
            ("Anna Berg", "Tom Lund", NameMatch::Different),
            ("", "Tom Lund", NameMatch::Unknown),
        ] {
            assert_eq!(cmp(a, b), expected, "{a} / {b}");
        }
    }

    #[test]
    fn one_edit() {
        assert!(one_edit_apart("katharina", "katherina"));
        assert!(one_edit_apart("jonathan", "jonahtan"));
        assert!(one_edit_apart("jonathan", "jonathon"));
        assert!(one_edit_apart("michele", "michelle"));
        assert!(!one_edit_apart("michael", "michela"));
        assert!(!one_edit_apart("abcdef", "abcfed"));
    }
}
