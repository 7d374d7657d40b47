//! What a word refers to, go to definition, and find references.

use super::context::{self, Place};
use super::server::{Server, Snapshot, Target};
use super::text;
use crate::record::Kind;
use crate::record::config;
use crate::record::schema::{self, FieldType};
use lsp_types::{GotoDefinitionParams, GotoDefinitionResponse, Location, Range, ReferenceParams};

/// What a reference names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Referent {
    Record(Kind, String),
    Teammate(String),
}

/// The reference under the cursor: a `company:` or `contacts:` value (or any field of a
/// record type), an `owner:`, `@teammate` or `#deal`; with where its word is.
pub fn referent_at(
    server: &Server,
    doc: &Snapshot,
    offset: usize,
) -> Option<(Referent, std::ops::Range<usize>)> {
    let Target::Record(kind, _) = &doc.target else {
        return None;
    };
    let at = context::at(&doc.text, offset);
    if at.word.is_empty() {
        return None;
    }
    let r = match &at.place {
        Place::Value { key } => match schema::field_type(&server.live.index.config, *kind, key)? {
            // A wiki link's id, before its label: `[[calder-mutual|Calder]]`.
            FieldType::Ref(k) | FieldType::Refs(k) => {
                Referent::Record(k, at.word.split('|').next().unwrap_or_default().to_string())
            }
            FieldType::Teammate => Referent::Teammate(at.word.clone()),
            _ => return None,
        },
        _ if wiki_link_at(&doc.text, offset).is_some() => {
            let (k, id, span) = wiki_link_at(&doc.text, offset)?;
            let kind = match k {
                Some(k) => k,
                None => *server.live.index.mention_kinds(None, &id).first()?,
            };
            return Some((Referent::Record(kind, id), span));
        }
        Place::Mention { sigil: '@' } => {
            Referent::Teammate(at.word.trim_end_matches('.').to_string())
        }
        Place::Mention { .. } => {
            Referent::Record(Kind::Deal, at.word.trim_end_matches('.').to_string())
        }
        _ => return None,
    };
    Some((r, at.span))
}

/// The wiki link (`[[calder-mutual|Calder]]`) around `offset` in the text, if any: the kind
/// its folder names, its id, and where the id is.
fn wiki_link_at(
    text: &str,
    offset: usize,
) -> Option<(Option<Kind>, String, std::ops::Range<usize>)> {
    let start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[start..end];
    let (a, b, inner) = crate::record::mention::links(line)
        .into_iter()
        .find(|(a, b, _)| start + a <= offset && offset <= start + b)?;
    let (kind, id) = crate::record::mention::target(inner)?;
    let at = start + a + 2 + inner.find(id)?;
    debug_assert!(at + id.len() <= start + b);
    Some((kind, id.to_string(), at..at + id.len()))
}

/// The reference under the cursor, else the record the document is.
pub fn referent_or_self(server: &Server, doc: &Snapshot, offset: usize) -> Option<Referent> {
    if let Some((r, _)) = referent_at(server, doc, offset) {
        return Some(r);
    }
    match &doc.target {
        Target::Record(kind, id) => Some(Referent::Record(*kind, id.clone())),
        _ => None,
    }
}

pub fn definition(server: &Server, p: GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
    let pos = p.text_document_position_params;
    let doc = server.document(&pos.text_document.uri)?;
    let offset = text::offset(&doc.text, pos.position);
    let (referent, _) = referent_at(server, &doc, offset)?;
    let (rel, range) = match referent {
        Referent::Record(kind, id) => {
            server.live.index.get(kind, &id)?;
            (crate::record::layout::rel(kind, &id), Range::default())
        }
        Referent::Teammate(id) => {
            server.live.index.config.teammate(&id)?;
            let text = server
                .docs
                .values()
                .find(|d| d.target == Target::Config)
                .map(|d| d.text.clone())
                .or_else(|| std::fs::read_to_string(server.ws.root.join(config::FILE)).ok())?;
            (config::FILE.to_string(), teammate_range(&text, &id))
        }
    };
    Some(GotoDefinitionResponse::Scalar(Location {
        uri: server.uri_of(&rel)?,
        range,
    }))
}

/// Where a teammate is defined in kith.yaml: the line `  ID:` under `teammates:`.
fn teammate_range(text: &str, id: &str) -> Range {
    let mut in_teammates = false;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if !line.starts_with([' ', '\t', '#']) && !line.trim().is_empty() {
            in_teammates = line.starts_with("teammates:");
        } else if in_teammates {
            let t = line.trim_start();
            if t.strip_prefix(id)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
            {
                let start = offset + line.len() - t.len();
                return text::range(text, start..start + id.len());
            }
        }
        offset += line.len();
    }
    Range::default()
}

pub fn references(server: &Server, p: ReferenceParams) -> Option<Vec<Location>> {
    let pos = p.text_document_position;
    let doc = server.document(&pos.text_document.uri)?;
    let offset = text::offset(&doc.text, pos.position);
    let Referent::Record(kind, id) = referent_or_self(server, &doc, offset)? else {
        return None;
    };
    let mut out = Vec::new();
    for (rel, ranges) in referrers(server, kind, &id) {
        let Some(uri) = server.uri_of(&rel) else {
            continue;
        };
        out.extend(ranges.into_iter().map(|range| Location {
            uri: uri.clone(),
            range,
        }));
    }
    if p.context.include_declaration
        && let Some(uri) = server.uri_of(&crate::record::layout::rel(kind, &id))
    {
        let range = Range::default();
        out.insert(0, Location { uri, range });
    }
    Some(out)
}

/// Every record that refers to record `kind`/`id`, with where, sorted by path: from the
/// index's references (a document's as typed).
pub fn referrers(server: &Server, kind: Kind, id: &str) -> Vec<(String, Vec<Range>)> {
    let index = &server.live.index;
    // The index knows who points at a company or a person from its lookups; a deal is
    // mentioned by activities anywhere.
    let mut paths: Vec<(Kind, String)> = match kind {
        Kind::Company => index
            .people_of_company(id)
            .into_iter()
            .chain(index.deals_of_company(id))
            .map(|r| (r.kind, r.id.to_string()))
            .collect(),
        Kind::Person => index
            .deals_of_contact(id)
            .into_iter()
            .map(|r| (r.kind, r.id.to_string()))
            .collect(),
        Kind::Deal => Vec::new(),
    };
    if kind == Kind::Deal || paths.is_empty() {
        // References from fields of custom types and mentions: read the references of all.
        for r in index.records() {
            let Some(p) = index.parsed(r.kind, &r.id) else {
                continue;
            };
            if p.refs.iter().any(|x| x.kind == kind && x.id == id) {
                paths.push((r.kind, r.id.to_string()));
            }
        }
    }
    // Wiki links in the text, of any record.
    for r in index.records() {
        if index
            .parsed(r.kind, &r.id)
            .is_some_and(|p| p.mentions.iter().any(|m| links_to(m, kind, id)))
        {
            paths.push((r.kind, r.id.to_string()));
        }
    }
    // Open documents as they are typed.
    for d in server.docs.values() {
        if let (Target::Record(k, i), Some(p)) = (&d.target, &d.parsed) {
            paths.retain(|(pk, pi)| !(pk == k && pi == i));
            if p.refs.iter().any(|x| x.kind == kind && x.id == id)
                || p.mentions.iter().any(|m| links_to(m, kind, id))
            {
                paths.push((*k, i.clone()));
            }
        }
    }
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter_map(|(k, i)| {
            let text = server.record_text(k, &i)?;
            let parsed = crate::record::parse::parse(k, &i, "", text.as_bytes(), &index.config);
            let mut ranges: Vec<Range> = parsed
                .refs
                .iter()
                .filter(|x| x.kind == kind && x.id == id)
                .map(|x| {
                    let start = text::offset_of_kith(&text, x.pos.line, x.pos.column);
                    let len = ref_len(&text[start..], id);
                    text::range(&text, start..start + len)
                })
                .collect();
            // A wiki link's id, after `[[` and any folder.
            ranges.extend(
                parsed
                    .mentions
                    .iter()
                    .filter(|m| links_to(m, kind, id))
                    .filter_map(|m| {
                        let start = text::offset_of_kith(&text, m.pos.line, m.pos.column);
                        let at = start + text[start..].find(id)?;
                        Some(text::range(&text, at..at + id.len()))
                    }),
            );
            (!ranges.is_empty()).then(|| (crate::record::layout::rel(k, &i), ranges))
        })
        .collect()
}

/// Whether a wiki link leads to record `kind`/`id`: it names that kind, or none. (A link
/// that names none leads to the first kind with the id; an id shared by two kinds is a
/// warning of its own, so every such record counts here.)
fn links_to(m: &crate::record::mention::Mention, kind: Kind, id: &str) -> bool {
    m.id == id && m.kind.is_none_or(|k| k == kind)
}

/// How many bytes of `rest` (the text from a reference's position) are the reference: the
/// id, after a `#` or a quote when there is one.
pub fn ref_len(rest: &str, id: &str) -> usize {
    let skip = rest.len() - rest.trim_start_matches(['#', '"', '\'', '[']).len();
    if rest[skip..].starts_with(id) {
        skip + id.len()
    } else {
        0
    }
}
