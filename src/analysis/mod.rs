//! Pure facts about an index at a date: the filter language, lead scores, segments, the values
//! derived from both, likely duplicates, search and qualification. Reads the index; writes
//! nothing.

pub mod derive;
pub mod duplicates;
pub mod filter;
pub mod order;
pub mod qualify;
pub mod score;
pub mod search;
pub mod segment;
pub mod segment_spec;
pub mod select;
pub mod workflow;

use crate::index::Index;
use crate::record::config::Config;
use crate::record::diag::Diagnostic;
use crate::workspace::Workspace;
use anyhow::{Result, bail};

/// Problems in kith.yaml's `scoring:`, `segments:` and `workflows:`, found by compiling them
/// (commands that use them refuse to run; `kith check` lists them with the rest).
pub fn config_diagnostics(cfg: &Config) -> Vec<Diagnostic> {
    let mut out = score::Model::from_config(cfg).1;
    out.extend(segment::from_config(cfg).1);
    out.extend(workflow::from_config(cfg).1);
    out
}

/// Fails with the errors in kith.yaml's `scoring:`, `segments:` and `workflows:`, for commands
/// that use them.
pub fn require_valid(ws: &Workspace) -> Result<()> {
    let errors: Vec<String> = config_diagnostics(&ws.config)
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.render(false))
        .collect();
    if errors.is_empty() {
        return Ok(());
    }
    bail!(
        "kith.yaml's scoring or segments have errors; fix them first:\n{}",
        errors.join("\n")
    )
}

/// Every diagnostic of the index: each file's own, then those that need several records
/// (references to missing records, likely duplicates), sorted by file and position.
pub fn diagnostics(index: &Index) -> Vec<Diagnostic> {
    index.diagnostics_with(|| duplicates::diagnostics(index))
}
