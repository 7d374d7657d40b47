//! The records a segment and a filter expression select, as `kith list`, `kith export` and
//! bulk edits (`--where`, `--segment`) take them: sorted by id.

use crate::analysis::derive::Derived;
use crate::index::Index;
use anyhow::Result;

/// The records of `kind` that a segment and a filter expression (either or both) select.
pub fn select<'a>(
    index: &'a Index,
    derived: &Derived,
    segment: Option<&str>,
    filter: Option<&str>,
    kind: crate::record::Kind,
) -> Result<Vec<&'a crate::record::Record>> {
    let kind = match segment {
        Some(name) => match derived.segment(name) {
            Some(s) => s.of,
            None => {
                let names: Vec<&str> = derived.segments.iter().map(|s| s.name.as_str()).collect();
                let hint = crate::record::diag::suggest(name, names.iter().copied());
                return Err(crate::util::hint::hint(
                    format!("no segment named `{name}`"),
                    format!("{hint}segments: {}", names.join(", ")),
                ));
            }
        },
        None => kind,
    };
    let compiled = match filter {
        Some(src) => {
            let names: Vec<String> = derived.segments.iter().map(|s| s.name.clone()).collect();
            let scope = crate::analysis::filter::Scope {
                cfg: &derived.cfg,
                scores: true,
                segments: Some(&names),
                why_not: "",
            };
            Some(
                crate::analysis::filter::Filter::compile(src, &scope).map_err(|e| {
                    anyhow::anyhow!(
                        "the filter expression is not valid: {}\n{}",
                        e.message,
                        e.render(src)
                    )
                })?,
            )
        }
        None => None,
    };
    let members: Option<std::collections::HashSet<usize>> =
        segment.map(|s| derived.members(s).into_iter().collect());
    let env = crate::analysis::filter::Env {
        index,
        cfg: &derived.cfg,
        as_of: derived.as_of,
        computed: Some(derived),
    };
    let mut out: Vec<(&crate::record::Record, usize)> = index
        .entries()
        .filter(|(slot, r)| {
            r.kind == kind
                && members.as_ref().is_none_or(|m| m.contains(slot))
                && compiled.as_ref().is_none_or(|f| f.matches(&env, *slot, r))
        })
        .map(|(slot, r)| (r, slot))
        .collect();
    out.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    Ok(out.into_iter().map(|(r, _)| r).collect())
}
