//! Record file names that are different on this file system but one name on others: names
//! that differ only in letter case (`Ada.md`, `ada.md`: one file on macOS and Windows) or
//! only in Unicode normalization (`zoë.md` composed and decomposed: one file on macOS). A
//! clone on such a system keeps only one of them, so each pair is a warning.

use crate::load::Found;
use crate::record::diag::Diagnostic;
use rustc_hash::FxHashMap;

/// A warning for every record file whose name collides with an earlier one's (in `found`'s
/// order, which is by kind and id) on a case-insensitive or normalizing file system.
pub fn diagnostics(found: &[Found]) -> Vec<Diagnostic> {
    // Plain lowercase ASCII names are their own key; only the others need folding, and a
    // collision needs at least one of those.
    // By kind, then by folded name: a plain id is looked up as it is, without a copy.
    let mut folded: [FxHashMap<String, Vec<&Found>>; 3] = Default::default();
    for f in found.iter().filter(|f| !plain(&f.id)) {
        folded[f.kind as usize]
            .entry(key(&f.id))
            .or_default()
            .push(f);
    }
    if folded.iter().all(FxHashMap::is_empty) {
        return Vec::new();
    }
    for f in found.iter().filter(|f| plain(&f.id)) {
        if let Some(group) = folded[f.kind as usize].get_mut(f.id.as_str()) {
            group.push(f);
        }
    }
    let mut out = Vec::new();
    let groups = folded.iter_mut().flat_map(|by_name| by_name.values_mut());
    for group in groups.filter(|g| g.len() > 1) {
        group.sort_by(|a, b| a.id.cmp(&b.id));
        let first = group[0];
        for other in &group[1..] {
            out.push(collision(first, other));
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn plain(id: &str) -> bool {
    id.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase())
}

/// The name a case-insensitive, normalizing file system sees: composed (NFC), lowercase.
fn key(id: &str) -> String {
    let nfc = icu_normalizer::ComposingNormalizerBorrowed::new_nfc().normalize(id);
    nfc.to_lowercase()
}

fn collision(first: &Found, other: &Found) -> Diagnostic {
    let (a, b) = (
        crate::record::layout::rel(first.kind, &first.id),
        crate::record::layout::rel(other.kind, &other.id),
    );
    let nfc = |s: &str| {
        icu_normalizer::ComposingNormalizerBorrowed::new_nfc()
            .normalize(s)
            .into_owned()
    };
    let how = if nfc(&first.id) == nfc(&other.id) {
        "are the same name written in two Unicode forms (composed and decomposed); on macOS they are one file"
    } else {
        "differ only in letter case (or in case and Unicode form); on macOS and Windows they are one file"
    };
    Diagnostic::warning(
        "name-collision",
        format!("`{b}` and `{a}` {how}, and a clone there keeps only one of them"),
    )
    .in_file(b.clone())
    .help(format!(
        "rename one of them to a lowercase slug (`git mv \"{b}\" ...`), or fold one into the other with `kith merge`"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Kind;

    fn found(kind: Kind, id: &str) -> Found {
        Found::named(kind, id)
    }

    #[test]
    fn case_and_normalization_twins_are_reported_once_each() {
        let nfc = "zo\u{eb}";
        let nfd = "zoe\u{308}";
        let found = vec![
            found(Kind::Person, "Ada"),
            found(Kind::Person, "ada"),
            found(Kind::Person, "ben"),
            found(Kind::Person, nfc),
            found(Kind::Person, nfd),
            // Same name, different folders: no collision.
            found(Kind::Company, "ben"),
            found(Kind::Company, "Ben-2"),
        ];
        let d = diagnostics(&found);
        assert_eq!(d.len(), 2, "{d:#?}");
        assert!(d.iter().all(|d| d.code == "name-collision"));
        let case = d
            .iter()
            .find(|d| d.message.contains("letter case"))
            .unwrap();
        assert!(
            case.message.contains("`contacts/Ada.md`"),
            "{}",
            case.message
        );
        assert!(
            case.message.contains("`contacts/ada.md`"),
            "{}",
            case.message
        );
        let forms = d
            .iter()
            .find(|d| d.message.contains("Unicode forms"))
            .unwrap();
        assert!(forms.path.starts_with("contacts/zo"), "{forms:?}");
    }

    #[test]
    fn plain_names_cost_nothing() {
        let found: Vec<Found> = (0..1000)
            .map(|i| found(Kind::Person, &format!("p-{i}")))
            .collect();
        assert!(diagnostics(&found).is_empty());
    }
}
