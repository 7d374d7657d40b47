//! Pure planners: what a command will change, as edits for the loss-free editor or new files,
//! computed from the index before anything is written (lifecycle moves, conversions, new
//! records, folding duplicates, forgetting a person, workflows, imports, exports).

pub mod convert;
pub mod create;
pub mod export;
pub mod fold;
pub mod forget;
pub mod ics;
pub mod import;
pub mod lifecycle;
pub mod set;
pub mod vendor;
pub mod workflow;
