//! Completion: frontmatter keys with their types, the values a field takes (stages, statuses,
//! pipelines, teammates, tags in use, records by id with their names), `@teammate` and
//! `#deal` in the body, activity types, and new activity and task lines.

use super::context::{self, Place, Section};
use super::server::{Server, Target};
use super::text;
use crate::record::schema::{self, FieldType};
use crate::record::{Kind, Record};
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionList, CompletionParams, CompletionTextEdit,
    Documentation, TextEdit,
};
use std::collections::BTreeMap;

/// At most this many records are offered at once; the list says it is incomplete, so the
/// editor asks again as the user types.
pub const MAX_RECORDS: usize = 50;

pub fn complete(server: &Server, p: CompletionParams) -> Option<CompletionList> {
    let pos = p.text_document_position;
    let doc = server.document(&pos.text_document.uri)?;
    let Target::Record(kind, _) = doc.target else {
        return None;
    };
    let offset = text::offset(&doc.text, pos.position);
    let at = context::at(&doc.text, offset);
    let range = text::range(&doc.text, at.span.clone());
    let cfg = &server.live.index.config;
    let mut incomplete = false;
    let items: Vec<Item> = match &at.place {
        Place::Key => keys(cfg, kind),
        Place::Value { key } => {
            let ty = schema::field_type(cfg, kind, key);
            match ty {
                Some(FieldType::Ref(k) | FieldType::Refs(k)) => {
                    incomplete = true;
                    records(server, k, &at.prefix)
                }
                Some(ty) => values(server, kind, key, &ty, &doc.text),
                None => Vec::new(),
            }
        }
        Place::Mention { sigil: '@' } => teammates(cfg),
        Place::Mention { .. } => {
            incomplete = true;
            records(server, Kind::Deal, &at.prefix)
        }
        Place::Link => {
            incomplete = true;
            records_of(server, None, &at.prefix)
        }
        Place::EntryType { .. } => cfg
            .activity_types
            .iter()
            .map(|t| Item::new(t, "activity type", CompletionItemKind::EVENT))
            .collect(),
        Place::LineStart { section } => new_lines(server, *section),
        Place::Elsewhere => Vec::new(),
    };
    let items = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| item.into_lsp(range, i, incomplete.then_some(&at.prefix)))
        .collect();
    Some(CompletionList {
        is_incomplete: incomplete,
        items,
    })
}

/// One suggestion before it becomes an LSP item.
struct Item {
    label: String,
    detail: String,
    kind: CompletionItemKind,
    insert: Option<String>,
    doc: Option<String>,
}

impl Item {
    fn new(label: &str, detail: impl Into<String>, kind: CompletionItemKind) -> Item {
        Item {
            label: label.to_string(),
            detail: detail.into(),
            kind,
            insert: None,
            doc: None,
        }
    }

    /// `filter`: the word typed, for lists the server has already matched (the editor must
    /// not filter out a record found by its name).
    fn into_lsp(
        self,
        range: lsp_types::Range,
        rank: usize,
        filter: Option<&String>,
    ) -> CompletionItem {
        let new_text = self.insert.unwrap_or_else(|| self.label.clone());
        CompletionItem {
            label: self.label,
            kind: Some(self.kind),
            detail: Some(self.detail),
            documentation: self.doc.map(Documentation::String),
            sort_text: Some(format!("{rank:05}")),
            filter_text: filter.cloned(),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit { range, new_text })),
            ..Default::default()
        }
    }
}

/// Frontmatter keys: the kind's built-in fields, then kith.yaml's custom ones, with types.
fn keys(cfg: &crate::record::config::Config, kind: Kind) -> Vec<Item> {
    let builtin = schema::builtin_names(kind).filter_map(|k| Some((k, schema::builtin(kind, k)?)));
    let custom = cfg
        .custom_fields(kind)
        .iter()
        .map(|(k, t)| (k.as_str(), t.clone()));
    builtin
        .map(|(k, t)| (k, t, "built-in"))
        .chain(custom.map(|(k, t)| (k, t, "kith.yaml")))
        .map(|(k, t, from)| {
            let mut item = Item::new(
                k,
                format!("{} ({from})", type_name(&t)),
                CompletionItemKind::FIELD,
            );
            item.insert = Some(format!("{k}: "));
            item
        })
        .collect()
}

/// A field type as kith.yaml and the docs name it.
pub fn type_name(t: &FieldType) -> String {
    match t {
        FieldType::Text => "text".into(),
        FieldType::Number => "number".into(),
        FieldType::Integer => "integer".into(),
        FieldType::Date => "date".into(),
        FieldType::Bool => "bool".into(),
        FieldType::Email => "email".into(),
        FieldType::Url => "url".into(),
        FieldType::Phone => "phone".into(),
        FieldType::List => "list".into(),
        FieldType::Choice(v) => format!("one of {}", v.join(", ")),
        FieldType::Emails => "list of e-mail addresses".into(),
        FieldType::Phones => "list of phone numbers".into(),
        FieldType::Lifecycle => "lifecycle stage".into(),
        FieldType::LeadStatus => "lead status".into(),
        FieldType::DealStage => "deal stage".into(),
        FieldType::Pipeline => "pipeline".into(),
        FieldType::Teammate => "teammate".into(),
        FieldType::Country => "country code".into(),
        FieldType::Currency => "currency code".into(),
        FieldType::Domain => "domain".into(),
        FieldType::Ref(k) => format!("{k} id"),
        FieldType::Refs(k) => format!("list of {k} ids"),
        FieldType::Map => "mapping".into(),
    }
}

/// The values a field of type `ty` takes.
fn values(server: &Server, kind: Kind, key: &str, ty: &FieldType, text: &str) -> Vec<Item> {
    let cfg = &server.live.index.config;
    let value = CompletionItemKind::ENUM_MEMBER;
    match ty {
        FieldType::Lifecycle => cfg
            .lifecycle
            .all()
            .map(|s| Item::new(s, "lifecycle stage", value))
            .collect(),
        FieldType::LeadStatus => cfg
            .lead_statuses
            .iter()
            .map(|s| Item::new(s, "lead status", value))
            .collect(),
        FieldType::Pipeline => cfg
            .pipelines
            .iter()
            .map(|p| Item::new(&p.id, format!("{} stages", p.stages.len()), value))
            .collect(),
        FieldType::DealStage => {
            // The stages of the pipeline the deal names (the default one without).
            let pipeline = frontmatter_value(text, "pipeline");
            cfg.pipeline(pipeline.as_deref())
                .map(|p| {
                    p.stages
                        .iter()
                        .map(|s| {
                            Item::new(
                                &s.id,
                                format!("{} · {:.0} %", p.id, s.probability * 100.0),
                                value,
                            )
                        })
                        .collect()
                })
                .unwrap_or_default()
        }
        FieldType::Teammate => teammates(cfg),
        FieldType::Choice(options) => options.iter().map(|s| Item::new(s, key, value)).collect(),
        FieldType::Bool => ["true", "false"]
            .iter()
            .map(|s| Item::new(s, "bool", value))
            .collect(),
        FieldType::Date => vec![Item::new(
            &server.live.as_of.to_string(),
            "today",
            CompletionItemKind::VALUE,
        )],
        FieldType::Currency => {
            let mut items = in_use(server, kind, key);
            if !items.iter().any(|i| i.label == cfg.currency) {
                items.insert(
                    0,
                    Item::new(&cfg.currency, "the workspace's currency", value),
                );
            }
            items
        }
        FieldType::Country | FieldType::List | FieldType::Text => in_use(server, kind, key),
        _ => Vec::new(),
    }
}

/// The values records of `kind` have for `key` (each item of a list), most used first.
fn in_use(server: &Server, kind: Kind, key: &str) -> Vec<Item> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for r in server.live.index.records().filter(|r| r.kind == kind) {
        let Some(v) = r.get(key) else { continue };
        let items = v.items();
        if items.is_empty() {
            if let Some(s) = v.as_str() {
                *counts.entry(s.trim().to_string()).or_default() += 1;
            }
        } else {
            for i in items {
                *counts.entry(i.to_text().trim().to_string()).or_default() += 1;
            }
        }
    }
    let mut v: Vec<(String, usize)> = counts.into_iter().filter(|(s, _)| !s.is_empty()).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.into_iter()
        .take(200)
        .map(|(s, n)| {
            let noun = kind.dir();
            Item::new(&s, format!("in use: {n} {noun}"), CompletionItemKind::VALUE)
        })
        .collect()
}

fn teammates(cfg: &crate::record::config::Config) -> Vec<Item> {
    cfg.teammates
        .iter()
        .map(|t| Item::new(&t.id, t.name.clone(), CompletionItemKind::REFERENCE))
        .collect()
}

/// Records of `kind` matched fuzzily on id, name, domain and e-mail, best first.
fn records(server: &Server, kind: Kind, typed: &str) -> Vec<Item> {
    records_of(server, Some(kind), typed)
}

/// Records of `kind` (none: of any kind) that match what is typed, best first.
fn records_of(server: &Server, kind: Option<Kind>, typed: &str) -> Vec<Item> {
    let query: Vec<char> = typed.chars().flat_map(char::to_lowercase).collect();
    let mut found: Vec<(u32, &Record)> = Vec::new();
    for r in server.live.index.records() {
        if kind.is_some_and(|k| r.kind != k) {
            continue;
        }
        let score = [
            Some(r.id.as_str()),
            r.text("name"),
            r.text("domain"),
            r.text("email"),
        ]
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, s)| fuzzy(&query, s).map(|m| m * 4 + i as u32))
        .min();
        if let Some(score) = score {
            found.push((score, r));
        }
    }
    // Best first, then by id: the same list whatever order the index holds them in.
    let n = found.len().min(MAX_RECORDS);
    if n > 0 && found.len() > n {
        found.select_nth_unstable_by(n - 1, |a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
        found.truncate(n);
    }
    found.sort_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
    found
        .into_iter()
        .map(|(_, r)| {
            let mut item = Item::new(&r.id, card_line(r), CompletionItemKind::REFERENCE);
            item.doc = Some(crate::record::layout::rel(r.kind, &r.id));
            item
        })
        .collect()
}

/// What a completion shows beside an id: the name, and the domain or e-mail address.
fn card_line(r: &Record) -> String {
    let extra = r.text("domain").or_else(|| r.text("email"));
    match extra {
        Some(e) => format!("{} · {e}", r.name()),
        None => r.name().to_string(),
    }
}

/// How well `query` (lowercase) matches `s`: 0 a prefix, 1 a word's prefix, 2 inside, 3 the
/// letters in order; `None` no match. An empty query matches everything. ASCII text (ids,
/// domains, most addresses) is compared without allocating: this runs on every record of a
/// kind for each keystroke.
pub fn fuzzy(query: &[char], s: &str) -> Option<u32> {
    if query.is_empty() {
        return Some(0);
    }
    if s.is_ascii() && query.iter().all(char::is_ascii) {
        let q: Vec<u8> = query.iter().map(|&c| c as u8).collect();
        // Lowercased on the stack: no allocation for an id, a name or a domain.
        let mut buf = [0u8; 128];
        if s.len() <= buf.len() {
            let lower = &mut buf[..s.len()];
            lower.copy_from_slice(s.as_bytes());
            lower.make_ascii_lowercase();
            return rank(&q, lower, |b: u8| b.is_ascii_alphanumeric());
        }
        return rank(&q, s.to_ascii_lowercase().as_bytes(), |b: u8| {
            b.is_ascii_alphanumeric()
        });
    }
    let chars: Vec<char> = s.chars().flat_map(char::to_lowercase).collect();
    rank(query, &chars, |c| c.is_alphanumeric())
}

/// [`fuzzy`] over characters already lowercased.
fn rank<T: PartialEq + Copy>(query: &[T], s: &[T], is_word: impl Fn(T) -> bool) -> Option<u32> {
    if s.len() < query.len() {
        return None;
    }
    if s[..query.len()] == *query {
        return Some(0);
    }
    let mut inside = None;
    for i in 1..=s.len() - query.len() {
        if s[i..i + query.len()] == *query {
            if !is_word(s[i - 1]) {
                return Some(1);
            }
            inside = Some(2);
        }
    }
    if inside.is_some() {
        return inside;
    }
    let mut q = query.iter().peekable();
    for c in s {
        if q.peek() == Some(&c) {
            q.next();
        }
    }
    q.peek().is_none().then_some(3)
}

/// New lines of the body: an activity dated today under `## Activity`, a task under
/// `## Tasks`.
fn new_lines(server: &Server, section: Section) -> Vec<Item> {
    let today = server.live.as_of;
    let (label, detail) = match section {
        Section::Activity => (format!("- {today} "), "new activity, today"),
        Section::Tasks => (format!("- [ ] {today} "), "new task, due today"),
        Section::Notes => return Vec::new(),
    };
    vec![Item::new(&label, detail, CompletionItemKind::SNIPPET)]
}

/// The text of a top-level frontmatter key's value, as written (for the pipeline of a deal).
fn frontmatter_value(text: &str, key: &str) -> Option<String> {
    let end = context::frontmatter_end(text)?;
    text[..end].lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        (k.trim() == key).then(|| v.trim().trim_matches(['"', '\'']).to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn fuzzy_ranks_prefixes_first() {
        assert_eq!(fuzzy(&q("cal"), "Calder Mutual"), Some(0));
        assert_eq!(fuzzy(&q("mut"), "Calder Mutual"), Some(1));
        assert_eq!(fuzzy(&q("tua"), "Calder Mutual"), Some(2));
        assert_eq!(fuzzy(&q("cmt"), "calder-mutual"), Some(3));
        assert_eq!(fuzzy(&q("xyz"), "calder-mutual"), None);
        assert_eq!(fuzzy(&q("zoë"), "Zoë"), Some(0));
        assert_eq!(fuzzy(&q("müll"), "Zoë Müller"), Some(1));
        assert_eq!(fuzzy(&q("zm"), "Zoë Müller"), Some(3));
        assert_eq!(fuzzy(&q("mutual"), "CALDER-MUTUAL"), Some(1));
        assert_eq!(fuzzy(&q(""), "x"), Some(0));
        assert_eq!(fuzzy(&q("long query"), "lo"), None);
    }
}
