//! kith: a local-first CRM whose database is a git repository of markdown files.
//!
//! Data flows one way: files → records → index → (scores, segments, reports).
//! [`workspace`] and [`load`] do the I/O; [`frontmatter`], [`yaml`], [`parse`], [`body`] and
//! [`activity`] turn bytes into [`record::Record`]s; [`index`] holds them; [`edit`] changes
//! files without disturbing what it does not touch; [`cmd`] holds one module per subcommand.

pub mod activity;
pub mod body;
pub mod cache;
pub mod checkout;
pub mod cli;
pub mod cmd;
pub mod commits;
pub mod complete;
pub mod config;
pub mod convert;
pub mod create;
pub mod dates;
pub mod demo;
pub mod derive;
pub mod diag;
pub mod driver;
pub mod duplicates;
pub mod edit;
pub mod example;
pub mod export;
pub mod filter;
pub mod folderdiff;
pub mod forget;
pub mod free;
pub mod frontmatter;
pub mod fsutil;
pub mod generate;
pub mod git;
pub mod history;
pub mod ics;
pub mod import;
pub mod index;
pub mod ingest;
pub mod intern;
pub mod lifecycle;
pub mod load;
pub mod markdown;
pub mod merge;
pub mod output;
pub mod parse;
pub mod qualify;
pub mod record;
pub mod redact;
pub mod report;
pub mod resolve;
pub mod schema;
pub mod score;
pub mod search;
pub mod segment;
pub mod serve;
pub mod site;
pub mod slug;
pub mod store;
pub mod sync;
pub mod synclock;
pub mod task;
pub mod treediff;
pub mod twins;
pub mod value;
pub mod watch;
pub mod workflow;
pub mod workspace;
pub mod yaml;

/// kith's version as `kith --version` prints it: the package version and, when built from a
/// git checkout, the commit (`0.1.0 (commit 0123456789ab, 2026-12-06)`; see build.rs).
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), env!("KITH_BUILD_COMMIT"));
