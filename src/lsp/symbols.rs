//! Document symbols (the frontmatter's keys, the notes, activity entries, tasks) and workspace
//! symbols (every record by name).

use super::complete::fuzzy;
use super::server::{Server, Target};
use super::text;
use crate::record::Kind;
use lsp_types::{
    DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, Location, SymbolInformation,
    SymbolKind, WorkspaceSymbolParams, WorkspaceSymbolResponse,
};

/// At most this many records answer a workspace symbol query.
pub const MAX_SYMBOLS: usize = 100;

pub fn document(server: &Server, p: DocumentSymbolParams) -> Option<DocumentSymbolResponse> {
    let doc = server.document(&p.text_document.uri)?;
    if !matches!(doc.target, Target::Record(..)) {
        return Some(DocumentSymbolResponse::Nested(Vec::new()));
    }
    Some(DocumentSymbolResponse::Nested(outline(&doc.text)))
}

/// The outline of a record file, line by line (it works on a buffer that does not parse).
pub fn outline(t: &str) -> Vec<DocumentSymbol> {
    let mut out: Vec<DocumentSymbol> = Vec::new();
    let fm_end = super::context::frontmatter_end(t);
    let mut offset = 0;
    let mut first = true;
    for line in t.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let span = start..start + content.len();
        if first {
            first = false;
            if content.trim() == "---" && fm_end.is_some() {
                out.push(symbol("frontmatter", SymbolKind::NAMESPACE, t, span));
                continue;
            }
        }
        let in_fm = fm_end.is_some_and(|end| start < end);
        if in_fm {
            if let Some((key, _)) = content.split_once(':')
                && !content.starts_with([' ', '\t', '-', '#'])
                && let Some(fm) = out.last_mut()
            {
                let child = symbol(key.trim(), SymbolKind::FIELD, t, span);
                grow(fm, &child);
                fm.children.get_or_insert_with(Vec::new).push(child);
            }
            continue;
        }
        if let Some(title) = content.strip_prefix("## ") {
            out.push(symbol(title.trim(), SymbolKind::MODULE, t, span));
        } else if content.starts_with("- ")
            && let Some(section) = out.last_mut()
            && section.kind == SymbolKind::MODULE
        {
            let name = content[2..].trim();
            let child = symbol(name, SymbolKind::EVENT, t, span);
            grow(section, &child);
            section.children.get_or_insert_with(Vec::new).push(child);
        } else if !content.trim().is_empty()
            && out.last().is_none_or(|s| s.kind != SymbolKind::MODULE)
            && out.last().is_none_or(|s| s.name != "notes")
        {
            out.push(symbol("notes", SymbolKind::STRING, t, span));
        } else if let Some(s) = out.last_mut()
            && !content.trim().is_empty()
        {
            let end = text::position(t, span.end);
            s.range.end = end;
        }
    }
    out
}

#[allow(deprecated)]
fn symbol(name: &str, kind: SymbolKind, t: &str, span: std::ops::Range<usize>) -> DocumentSymbol {
    let range = text::range(t, span);
    DocumentSymbol {
        name: if name.is_empty() {
            "(empty)".into()
        } else {
            name.to_string()
        },
        detail: None,
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range: range,
        children: None,
    }
}

fn grow(parent: &mut DocumentSymbol, child: &DocumentSymbol) {
    if child.range.end > parent.range.end {
        parent.range.end = child.range.end;
    }
}

pub fn workspace(server: &Server, p: WorkspaceSymbolParams) -> Option<WorkspaceSymbolResponse> {
    let query: Vec<char> = p.query.chars().flat_map(char::to_lowercase).collect();
    let mut found: Vec<(u32, &crate::record::Record)> = server
        .live
        .index
        .records()
        .filter_map(|r| {
            let by_name = fuzzy(&query, r.name());
            let by_id = fuzzy(&query, &r.id).map(|s| s + 1);
            Some((by_name.into_iter().chain(by_id).min()?, r))
        })
        .collect();
    found.sort_by(|a, b| (a.0, a.1.kind, &a.1.id).cmp(&(b.0, b.1.kind, &b.1.id)));
    found.truncate(MAX_SYMBOLS);
    #[allow(deprecated)]
    let out = found
        .into_iter()
        .filter_map(|(_, r)| {
            Some(SymbolInformation {
                name: r.name().to_string(),
                kind: match r.kind {
                    Kind::Person => SymbolKind::OBJECT,
                    Kind::Company => SymbolKind::CLASS,
                    Kind::Deal => SymbolKind::EVENT,
                },
                tags: None,
                deprecated: None,
                location: Location {
                    uri: server.uri_of(&r.path())?,
                    range: Default::default(),
                },
                container_name: Some(format!("{} `{}`", r.kind, r.id)),
            })
        })
        .collect();
    Some(WorkspaceSymbolResponse::Flat(out))
}
