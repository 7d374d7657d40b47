//! What `kith check` would say about the records an import writes: each new warning is given
//! to the row that wrote it, so that the summary says it before the user runs `check`.

use super::{Action, Outcome};
use crate::record::Kind;
use crate::record::config::Config;
use crate::record::diag::Diagnostic;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

/// A changed record: its kind, id, text before and after.
pub type Written<'a> = (Kind, &'a str, &'a str, &'a str);

/// What check would say of one record: its kind, id and the messages.
pub type Found = (Kind, String, Vec<String>);

/// The messages of new records' diagnostics ([`crate::edit::store::check_new_diagnostics`]
/// found them while checking the records), one list per record, in order.
pub fn of_new(records: &[(Kind, &str, &str)], diags: Vec<Vec<Diagnostic>>) -> Vec<Found> {
    records
        .iter()
        .zip(diags)
        .filter(|(_, d)| !d.is_empty())
        .map(|((kind, id, _), d)| (*kind, id.to_string(), messages(*kind, id, d)))
        .collect()
}

/// The diagnostics changed records would newly have (those the record did not have before).
pub fn of_changes(cfg: &Config, written: &[Written]) -> Vec<Found> {
    written
        .par_iter()
        .filter_map(|(kind, id, old, new)| {
            let rel = crate::record::layout::rel(*kind, id);
            let diags = |text: &str| {
                crate::record::parse::parse(*kind, id, &rel, text.as_bytes(), cfg).diags
            };
            let before = diags(old);
            let fresh: Vec<Diagnostic> = diags(new)
                .into_iter()
                .filter(|d| {
                    !before
                        .iter()
                        .any(|b| b.code == d.code && b.message == d.message)
                })
                .collect();
            (!fresh.is_empty()).then(|| (*kind, id.to_string(), messages(*kind, id, fresh)))
        })
        .collect()
}

fn messages(kind: Kind, id: &str, diags: Vec<Diagnostic>) -> Vec<String> {
    diags
        .into_iter()
        .map(|d| {
            format!(
                "{}: {} (kith check would say so)",
                crate::record::layout::rel(kind, id),
                d.message
            )
        })
        .collect()
}

/// Gives each record's messages to the last row (of a plan of `kind`) that wrote it.
pub fn attach(kind: Kind, rows: &mut [Outcome], found: Vec<Found>) {
    if found.is_empty() {
        return;
    }
    let mut last: FxHashMap<String, usize> = FxHashMap::default();
    for (i, o) in rows.iter().enumerate() {
        if o.action != Action::Invalid
            && let Some(id) = &o.id
        {
            last.insert(id.clone(), i);
        }
    }
    for (k, id, messages) in found {
        if k == kind
            && let Some(&i) = last.get(&id)
        {
            rows[i].warnings.extend(messages);
        }
    }
}
