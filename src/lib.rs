//! kith: a local-first CRM whose database is a git repository of markdown files.
//!
//! The module map, in the order data flows (each layer uses only those above it; git and sync
//! sit on the side, and `cmd` at the bottom calls into all of them):
//!
//! - [`util`]: no CRM knowledge (careful file writes, output tables, slugs, interned words).
//! - [`workspace`]: finding the workspace and reading `kith.yaml`.
//! - [`record`]: the data model, and from a file's bytes to a [`record::Record`] and its
//!   diagnostics (frontmatter, YAML, values, schema, body, activity, tasks).
//! - [`edit`]: loss-free edits of a record's text, and the store that writes them atomically.
//! - [`load`]: files to an [`index::Index`] in parallel, never fail-fast; the cache.
//! - [`index`]: lookups by id, e-mail, company and deal; cross-record checks.
//! - [`analysis`]: pure facts at a date: filters, scores, segments, duplicates, search.
//! - [`plan`]: pure planners of what a command will write (lifecycle, convert, import, ...).
//! - [`git`]: read-only repository access: history, commits, tree differences.
//! - [`sync`]: sharing with teammates: sync, its lock, the merge driver, three-way merges.
//! - [`report`]: the weekly report's figures, pages and site.
//! - [`watch`]: following the workspace live, and `kith serve`.
//! - [`demo`]: the example workspace and `kith demo`.
//! - [`cmd`] and [`cli`]: one thin module per subcommand; clap's types.

pub mod analysis;
pub mod cli;
pub mod cmd;
pub mod demo;
#[cfg(feature = "devtools")]
pub mod devtools;
pub mod edit;
pub mod git;
pub mod index;
pub mod load;
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
