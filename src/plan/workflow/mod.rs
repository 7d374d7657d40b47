//! What the workflows compiled by [`crate::analysis::workflow`] do: their memory in the activity
//! log ([`state`]), the actions due on a day ([`plan`]), and runs to rest ([`settle`]).

pub mod plan;
pub mod settle;
pub mod state;
