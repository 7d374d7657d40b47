//! One small filter language for segments, scoring rules and `--where`:
//! `lifecycle in [mql, sql] and score >= 60 and not tags has unsubscribed`.
//!
//! [`parse`] turns text into an expression tree with column-accurate errors; [`compile`] resolves
//! it against the schema; [`eval`] evaluates the result on records.

mod compile;
pub mod eval;
pub mod parse;

pub use eval::{Computed, Env, Filter, Needs, Scope, ScoreView};
pub use parse::FilterError;
