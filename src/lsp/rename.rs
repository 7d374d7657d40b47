//! Rename a record id, from its file or from any reference to it: one workspace edit that
//! renames the file and points every reference at the new id, each rewritten by the loss-free
//! editor as `kith merge` points references at the record it keeps.

use super::navigate::{Referent, referent_at, referent_or_self, referrers};
use super::server::{Failure, Server};
use super::text;
use crate::edit;
use crate::record::schema;
use crate::record::{Kind, Record};
use lsp_server::ErrorCode;
use lsp_types::{
    DocumentChangeOperation, DocumentChanges, OneOf, OptionalVersionedTextDocumentIdentifier,
    PrepareRenameResponse, RenameFile, RenameParams, ResourceOp, TextDocumentEdit,
    TextDocumentPositionParams, WorkspaceEdit,
};

pub fn prepare(server: &Server, p: TextDocumentPositionParams) -> Option<PrepareRenameResponse> {
    let doc = server.document(&p.text_document.uri)?;
    let offset = text::offset(&doc.text, p.position);
    if let Some((Referent::Record(kind, id), span)) = referent_at(server, &doc, offset) {
        server.live.index.get(kind, &id)?;
        return Some(PrepareRenameResponse::RangeWithPlaceholder {
            range: text::range(&doc.text, span),
            placeholder: id,
        });
    }
    let Referent::Record(kind, id) = referent_or_self(server, &doc, offset)? else {
        return None;
    };
    server.live.index.get(kind, &id)?;
    let at = super::context::at(&doc.text, offset);
    Some(PrepareRenameResponse::RangeWithPlaceholder {
        range: text::range(&doc.text, at.span),
        placeholder: id,
    })
}

pub fn rename(server: &Server, p: RenameParams) -> Result<Option<WorkspaceEdit>, Failure> {
    let pos = p.text_document_position;
    let Some(doc) = server.document(&pos.text_document.uri) else {
        return Ok(None);
    };
    let offset = text::offset(&doc.text, pos.position);
    let Some(Referent::Record(kind, id)) = referent_or_self(server, &doc, offset) else {
        return Err(refused("only a record's id can be renamed here"));
    };
    let new = p.new_name.trim();
    plan(server, kind, &id, new).map(Some)
}

fn refused(why: impl Into<String>) -> Failure {
    (ErrorCode::RequestFailed, why.into())
}

/// The edit that renames record `kind`/`id` to `new`.
pub fn plan(server: &Server, kind: Kind, id: &str, new: &str) -> Result<WorkspaceEdit, Failure> {
    let index = &server.live.index;
    let Some(old) = index.get(kind, id) else {
        return Err(refused(format!(
            "there is no {kind} `{id}` to rename ({} does not exist)",
            crate::record::layout::rel(kind, id)
        )));
    };
    if !crate::record::parse::is_valid_id(new) {
        return Err(refused(format!(
            "`{new}` is not a valid id: use lowercase letters, digits and `-`, e.g. `{}`",
            crate::util::slug::slugify(new)
        )));
    }
    if new == id {
        return Err(refused(format!("the {kind} is already called `{id}`")));
    }
    if index.contains(kind, new)
        || server
            .ws
            .root
            .join(crate::record::layout::rel(kind, new))
            .exists()
    {
        return Err(refused(format!(
            "{} already exists; pick another id, or merge the two with `kith merge`",
            crate::record::layout::rel(kind, new)
        )));
    }
    let keep = Record::new(kind, new);
    let mut ops = Vec::new();
    for (rel, _) in referrers(server, kind, id) {
        let Some((k, i)) = Kind::of_path(&rel) else {
            continue;
        };
        let (changes, _) = crate::plan::fold::repoint(index, k, i, old, &keep);
        let Some(before) = server.record_text(k, i) else {
            continue;
        };
        let after = edit::apply(&before, &changes, |key| {
            schema::field_type(&index.config, k, key)
        })
        .map_err(|e| {
            refused(format!(
                "{rel} cannot be changed: {}",
                crate::util::hint::as_lines(&e)
            ))
        })?;
        if after == before {
            continue;
        }
        let version = server
            .docs
            .values()
            .find(|d| d.rel == rel)
            .map(|d| d.version);
        let Some(uri) = server.uri_of(&rel) else {
            continue;
        };
        ops.push(DocumentChangeOperation::Edit(TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier { uri, version },
            edits: vec![OneOf::Left(text::minimal_edit(&before, &after))],
        }));
    }
    let from = server.uri_of(&crate::record::layout::rel(kind, id));
    let to = super::uri::from_path(&server.ws.root.join(crate::record::layout::rel(kind, new)));
    let (Some(old_uri), Some(new_uri)) = (from, to) else {
        return Err(refused("the record's file has no file:// URI"));
    };
    ops.push(DocumentChangeOperation::Op(ResourceOp::Rename(
        RenameFile {
            old_uri,
            new_uri,
            options: None,
            annotation_id: None,
        },
    )));
    Ok(WorkspaceEdit {
        document_changes: Some(DocumentChanges::Operations(ops)),
        ..Default::default()
    })
}
