//! Three-way merges: of sequences ([`diff3`]) and of whole records, field by field
//! ([`record`]); and folding a duplicate record into another ([`combine`]).

pub mod combine;
pub mod diff3;
#[cfg(test)]
mod properties;
pub mod record;

pub use record::{Conflict, Outcome, Side, Unmergeable, WHOLE_RECORD, merge, set_aside};
