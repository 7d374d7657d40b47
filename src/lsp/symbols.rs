//! Symbols.

use super::server::Server;
use lsp_types::{DocumentSymbolParams, DocumentSymbolResponse, WorkspaceSymbolParams, WorkspaceSymbolResponse};

pub fn document(_server: &Server, _p: DocumentSymbolParams) -> Option<DocumentSymbolResponse> {
    None
}

pub fn workspace(_server: &Server, _p: WorkspaceSymbolParams) -> Option<WorkspaceSymbolResponse> {
    None
}
