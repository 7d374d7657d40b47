//! Three-way merges: of sequences ([`diff3`]) and of whole records, field by field
//! ([`record`]).

pub mod coherent;
pub mod diff3;
#[cfg(test)]
mod properties;
pub mod record;

pub use record::{Conflict, Outcome, Side, Unmergeable, merge, set_aside};
