//! One small filter language for segments, scoring rules and `--where`:
//! `lifecycle in [mql, sql] and score >= 60 and not tags has unsubscribed`.
//!
//! [`parse`] turns text into an expression tree with column-accurate errors; [`eval`] compiles
//! it against the schema and evaluates it on records.

pub mod eval;
pub mod parse;

pub use eval::{Computed, Env, Filter, Scope, ScoreView};
pub use parse::FilterError;
