//! What `kith check` would say about the records an import writes: each new warning is given
//! to the row that wrote it, so that the summary says it before the user runs `check`.

use super::{Action, Outcome};
use crate::record::Kind;
use crate::record::config::Config;
use crate::record::diag::Diagnostic;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

/// A record after the import: its kind, id, text before (empty for a new one) and after.
pub type Written<'a> = (Kind, &'a str, &'a str, &'a str);

/// Adds to the rows (of a plan of `kind`) the diagnostics their records would newly have (those
/// the record did not have before the import), as `kith check` words them.
pub fn flag(cfg: &Config, kind: Kind, rows: &mut [Outcome], written: &[Written]) {
    let found: Vec<(Kind, &str, Vec<String>)> = written
        .par_iter()
        .filter_map(|(kind, id, old, new)| {
            let rel = format!("{}/{id}.md", kind.dir());
            let diags = |text: &str| -> Vec<Diagnostic> {
                if text.is_empty() {
                    return Vec::new();
                }
                crate::record::parse::parse(*kind, id, &rel, text.as_bytes(), cfg).diags
            };
            let before = diags(old);
            let fresh: Vec<String> = diags(new)
                .into_iter()
                .filter(|d| {
                    !before
                        .iter()
                        .any(|b| b.code == d.code && b.message == d.message)
                })
                .map(|d| format!("{rel}: {} (kith check would say so)", d.message))
                .collect();
            (!fresh.is_empty()).then_some((*kind, *id, fresh))
        })
        .collect();
    if found.is_empty() {
        return;
    }
    let mut last: FxHashMap<&str, usize> = FxHashMap::default();
    for (i, o) in rows.iter().enumerate() {
        if o.action != Action::Invalid
            && let Some(id) = &o.id
        {
            last.insert(id.as_str(), i);
        }
    }
    let mut to_add: Vec<(usize, Vec<String>)> = Vec::new();
    for (k, id, messages) in found {
        if k == kind
            && let Some(&i) = last.get(id)
        {
            to_add.push((i, messages));
        }
    }
    for (i, messages) in to_add {
        rows[i].warnings.extend(messages);
    }
}
