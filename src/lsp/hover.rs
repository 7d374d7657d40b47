//! Hover: a referenced record's card (name, stage, owner, last activity); on a person's own
//! file, the score rule by rule (as `kith score` explains it) and the segments they are in.

use super::navigate::{Referent, referent_at};
use super::server::{Server, Target};
use super::text;
use crate::analysis::score::num;
use crate::record::{Kind, Record};
use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};

pub fn hover(server: &Server, p: HoverParams) -> Option<Hover> {
    let pos = p.text_document_position_params;
    let doc = server.document(&pos.text_document.uri)?;
    let offset = text::offset(&doc.text, pos.position);
    let (markdown, span) = match referent_at(server, &doc, offset) {
        Some((Referent::Record(kind, id), span)) => {
            let card = match server.live.index.get(kind, &id) {
                Some(r) => card(server, r),
                None => format!(
                    "No {kind} `{id}`: {} does not exist.",
                    crate::record::layout::rel(kind, &id)
                ),
            };
            (card, Some(span))
        }
        Some((Referent::Teammate(id), span)) => {
            let t = server.live.index.config.teammate(&id);
            let md = match t {
                Some(t) => format!(
                    "**{}** (teammate `{}`)\n\n{}",
                    t.name,
                    t.id,
                    t.emails.join(", ")
                ),
                None => format!("No teammate `{id}` in kith.yaml."),
            };
            (md, Some(span))
        }
        None => match &doc.target {
            Target::Record(Kind::Person, id) => (score(server, id)?, None),
            Target::Record(kind, id) => (card(server, server.live.index.get(*kind, id)?), None),
            _ => return None,
        },
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }),
        range: span.map(|s| text::range(&doc.text, s)),
    })
}

/// A record's card: name and kind, then stage, owner, company, last activity.
pub fn card(server: &Server, r: &Record) -> String {
    let cfg = &server.live.index.config;
    let mut lines = vec![format!("**{}** ({} `{}`)", r.name(), r.kind, r.id)];
    let mut facts = Vec::new();
    match r.kind {
        Kind::Person => {
            facts.push(format!(
                "lifecycle: {}",
                r.lifecycle().unwrap_or_else(|| "contact".into())
            ));
            if let Some(t) = r.text("title") {
                facts.push(format!("title: {t}"));
            }
        }
        Kind::Deal => {
            if let Some(s) = r.stage() {
                facts.push(format!("stage: {s}"));
            }
            if let Some(a) = r.number("amount") {
                facts.push(format!("amount: {} {}", num(a), r.currency(cfg)));
            }
        }
        Kind::Company => {
            if let Some(d) = r.text("domain") {
                facts.push(format!("domain: {d}"));
            }
        }
    }
    if let Some(c) = r.text("company") {
        let name = server
            .live
            .index
            .get(Kind::Company, c)
            .map_or(c, |c| c.name());
        facts.push(format!("company: {name}"));
    }
    if let Some(o) = r.text("owner") {
        let name = cfg.teammate(o).map_or(o, |t| t.name.as_str());
        facts.push(format!("owner: {name}"));
    }
    facts.push(match r.last_activity() {
        Some(d) => format!("last activity: {d}"),
        None => "no activity yet".into(),
    });
    lines.push(facts.join(" · "));
    if let Some(slot) = server.live.index.slot(r.kind, &r.id) {
        let segments = server.live.derived.segments_of(slot);
        if !segments.is_empty() {
            lines.push(format!("segments: {}", segments.join(", ")));
        }
    }
    lines.join("\n\n")
}

/// A person's score, rule by rule, and their segments.
fn score(server: &Server, id: &str) -> Option<String> {
    let index = &server.live.index;
    let person = index.get(Kind::Person, id)?;
    let slot = index.slot(Kind::Person, id)?;
    let derived = &server.live.derived;
    let mut out = card(server, person);
    if derived.score(slot).is_none() {
        out.push_str("\n\nnot scored (in a segment scoring leaves out, or the record has errors)");
        return Some(out);
    }
    let (score, lines) = derived.explain(index, slot, person);
    out.push_str(&format!(
        "\n\n**score {}** · fit {} · engagement {} · grade {} · as of {}\n",
        num(score.total),
        num(score.fit),
        num(score.engagement),
        score.grade(),
        derived.as_of
    ));
    out.push_str("\n| points | group | why |\n| ---: | --- | --- |\n");
    for l in &lines {
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            num(l.points),
            l.group,
            l.why.replace('|', "\\|")
        ));
    }
    Some(out)
}
