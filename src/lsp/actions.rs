//! Code actions.

use super::server::Server;
use lsp_types::{CodeActionParams, CodeActionResponse};

pub fn actions(_server: &Server, _p: CodeActionParams) -> Option<CodeActionResponse> {
    None
}
