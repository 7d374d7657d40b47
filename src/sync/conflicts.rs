//! The `conflicts:` block a merge records in a record, read back: which values a conflicted
//! field could take, who recorded each and when (`kith conflicts` lists them, `kith resolve`
//! takes one).

use crate::record::value::Value;

/// The text of `key` in one entry of a `conflicts:` block (`who`, `when`, `field`, ...).
pub fn entry_text(item: &Value, key: &str) -> String {
    match item {
        Value::Map(entries) => entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.to_text())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// A value a conflicted field could take, other than the one in place: from a recorded
/// entry's `theirs` (or an older entry's `ours`, when stacked merges recorded it), with who
/// recorded it and when.
pub struct Candidate {
    pub value: Value,
    pub who: String,
    pub when: String,
    /// Recorded as someone's `theirs` (not only as an older `ours`).
    pub theirs: bool,
}

/// Every value `field` of `r` could take other than the one in place, once each, from its
/// entries in the `conflicts:` block (`mine`), oldest first.
pub fn candidates(r: &crate::record::Record, field: &str, mine: &[&Value]) -> Vec<Candidate> {
    let in_place = r.get(field).map(Value::to_text).unwrap_or_default();
    let mut out: Vec<Candidate> = Vec::new();
    for item in mine {
        let Value::Map(entries) = item else { continue };
        for side in ["ours", "theirs"] {
            let Some((_, v)) = entries.iter().find(|(k, _)| k == side) else {
                continue;
            };
            let text = v.to_text();
            if text == in_place {
                continue;
            }
            if let Some(seen) = out.iter_mut().find(|c| c.value.to_text() == text) {
                seen.theirs |= side == "theirs";
                continue;
            }
            out.push(Candidate {
                value: v.clone(),
                who: entry_text(item, "who"),
                when: entry_text(item, "when"),
                theirs: side == "theirs",
            });
        }
    }
    out
}
