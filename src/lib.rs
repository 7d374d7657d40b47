//! kith: a local-first CRM whose database is a git repository of markdown files.
//!
//! The module map, lowest layer first: each layer imports only the layers before it
//! (`tests/cli/tree.rs` checks), so data flows one way, files → records → index → (scores,
//! segments, reports), with git and sync beside it and the commands on top.
//!
//! - [`util`]: no CRM knowledge (careful file writes, output, slugs, interned words, hints).
//! - [`record`]: the data model and kith.yaml's types; from a file's bytes to a
//!   [`record::Record`] and its diagnostics (frontmatter, YAML, values, schema, body, tasks).
//! - [`workspace`]: the workspace on disk: its root, its settings, today.
//! - [`index`]: every record in memory, looked up by id, e-mail, company and deal.
//! - [`analysis`]: pure facts at a date: filters, scores, segments, workflows, duplicates.
//! - [`git`]: reading the repository: history, commits, tree differences.
//! - [`load`]: files to an [`index::Index`] in parallel, never fail-fast; the cache.
//! - [`edit`]: loss-free edits of a record's text, and the store that writes them atomically.
//! - [`plan`]: pure planners of what a command will write (lifecycle, convert, import, ...).
//! - [`ingest`]: mail and calendar files become activity entries and leads (`kith ingest`).
//! - [`sync`]: sharing with teammates: sync, its lock, the merge driver, three-way merges.
//! - [`report`]: the weekly report's figures, pages and site.
//! - [`watch`]: following the workspace live, the live report, and `kith serve`.
//! - [`lsp`]: `kith lsp`, the language server for editors.
//! - [`demo`]: the example workspace and `kith demo`.
//! - `devtools` (feature `devtools`): the workspace generator behind `kith gen`.
//! - [`cli`] and [`cmd`]: clap's types; one thin module per subcommand.

pub mod analysis;
pub mod cli;
pub mod cmd;
pub mod demo;
#[cfg(feature = "devtools")]
pub mod devtools;
pub mod edit;
pub mod git;
pub mod index;
pub mod ingest;
pub mod load;
pub mod lsp;
pub mod plan;
pub mod record;
pub mod report;
pub mod sync;
pub mod util;
pub mod watch;
pub mod workspace;

/// kith's version as `kith --version` prints it: the package version and, when built from a
/// git checkout, the commit (`0.1.0 (commit 0123456789ab, 2026-12-06)`; see build.rs).
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), env!("KITH_BUILD_COMMIT"));
