//! Rename a record id.

use super::server::{Failure, Server};
use lsp_types::{PrepareRenameResponse, RenameParams, TextDocumentPositionParams, WorkspaceEdit};

pub fn prepare(_server: &Server, _p: TextDocumentPositionParams) -> Option<PrepareRenameResponse> {
    None
}

pub fn rename(_server: &Server, _p: RenameParams) -> Result<Option<WorkspaceEdit>, Failure> {
    Ok(None)
}
