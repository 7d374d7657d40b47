//! Helpers with no CRM knowledge: careful file writes, output for people and tools, interned
//! strings, slugs, file stamps, freeing large values off the critical path.

pub mod duration;
pub mod files;
pub mod free;
pub mod hint;
pub mod intern;
pub mod output;
pub mod slug;
pub mod stamp;
