//! Whole-workspace exports that lose nothing: JSON lines carrying each record's file as it is
//! (frontmatter, notes, activity log, tasks), and the activity log and tasks as CSV files of
//! their own, one row per entry, keyed by record. Pure: the command reads the files.

use super::Item;
use crate::edit;
use crate::record::config::Config;
use crate::record::frontmatter;
use crate::record::schema::{self, RESERVED};
use crate::record::task::Origin;
use crate::record::yaml::scan;
use anyhow::Result;
use serde_json::{Map, Value as Json};

/// The computed values of an export line; an import ignores them.
pub const COMPUTED: [&str; 5] = [
    "score",
    "fit_score",
    "engagement_score",
    "grade",
    "segments",
];

/// The keys a line adds to the record's fields: `yaml` (entries kith would write otherwise),
/// `body` (the body as written), `file` (the whole file) and `computed` (what `COMPUTED` keys
/// the line holds). A field named like one of these is written as `field.NAME`.
const WHOLE: [&str; 5] = ["yaml", "body", "file", "computed", "notes"];

/// The columns of `activities.csv`.
pub const ACTIVITY_COLUMNS: [&str; 8] =
    ["id", "kind", "date", "time", "type", "by", "deal", "text"];

/// The columns of `tasks.csv`.
pub const TASK_COLUMNS: [&str; 12] = [
    "id", "kind", "due", "time", "done", "type", "owner", "deal", "text", "from", "workflow",
    "done_on",
];

/// One JSON object per line, each record whole: `id`, `kind`, `path`, every frontmatter field
/// in file order, `notes`, `yaml` (the original text of each entry that kith would write
/// differently: comments, block scalars, other quoting), `body` (verbatim), `file` (the file's
/// exact text, which `kith import` writes back), then the computed score and segments, named
/// in `computed`. `texts[i]` is the text of `items[i]`'s file.
pub fn json_lines(cfg: &Config, items: &[Item], texts: &[String]) -> Result<String> {
    let mut out = String::new();
    for (item, text) in items.iter().zip(texts) {
        let r = item.record;
        let mut obj = Map::new();
        obj.insert("id".into(), r.id.as_str().into());
        obj.insert("kind".into(), r.kind.noun().into());
        obj.insert("path".into(), r.path().into());
        for (k, v) in &r.fields {
            let key = if RESERVED.contains(&k.as_str()) || WHOLE.contains(&k.as_str()) {
                format!("field.{k}")
            } else {
                k.to_string()
            };
            obj.insert(key, serde_json::to_value(v).unwrap_or(Json::Null));
        }
        if !r.notes.is_empty() {
            obj.insert("notes".into(), r.notes.as_ref().into());
        }
        let (yaml, body) = yaml_and_body(cfg, item, text);
        if !yaml.is_empty() {
            obj.insert("yaml".into(), Json::Object(yaml));
        }
        obj.insert("body".into(), body.into());
        obj.insert("file".into(), text.as_str().into());
        let mut computed = Vec::new();
        if let Some(s) = item.score {
            obj.insert("score".into(), s.total.into());
            obj.insert("fit_score".into(), s.fit.into());
            obj.insert("engagement_score".into(), s.engagement.into());
            obj.insert("grade".into(), s.grade().into());
            computed.extend(["score", "fit_score", "engagement_score", "grade"]);
        }
        obj.insert(
            "segments".into(),
            item.segments.iter().map(|s| Json::from(*s)).collect(),
        );
        computed.push("segments");
        obj.insert(
            "computed".into(),
            computed.into_iter().map(Json::from).collect(),
        );
        out.push_str(&serde_json::to_string(&Json::Object(obj))?);
        out.push('\n');
    }
    Ok(out)
}

/// The entries of a file's frontmatter that kith would not write back as they are (their
/// original text, by key), and the body as written.
fn yaml_and_body<'t>(cfg: &Config, item: &Item, text: &'t str) -> (Map<String, Json>, &'t str) {
    let mut yaml = Map::new();
    let Ok(split) = frontmatter::split(text) else {
        return (yaml, text);
    };
    let fm = &text[split.fm_start..split.fm_end];
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let r = item.record;
    for e in scan::scan(fm).entries {
        let written = &fm[e.lines.clone()];
        let same = r.get(&e.key).is_some_and(|v| {
            let ty = schema::field_type(cfg, r.kind, &e.key);
            edit::key_lines(&e.key, v, ty.as_ref(), nl) == written
        });
        if !same {
            yaml.insert(e.key.to_string(), written.into());
        }
    }
    (yaml, split.body(text))
}

/// `activities.csv`: one row per activity entry of every record, in the records' order.
pub fn activities_csv(items: &[Item]) -> Result<String> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(ACTIVITY_COLUMNS)?;
    for item in items {
        let r = item.record;
        for a in &r.activities {
            w.write_record([
                r.id.as_str(),
                r.kind.noun(),
                &a.date.to_string(),
                &time(a.time),
                a.kind.as_str(),
                a.by.as_deref().unwrap_or_default(),
                a.deal.as_deref().unwrap_or_default(),
                &a.text,
            ])?;
        }
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

/// `tasks.csv`: one row per task of every record, in the records' order.
pub fn tasks_csv(items: &[Item]) -> Result<String> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(TASK_COLUMNS)?;
    for item in items {
        let r = item.record;
        for t in &r.tasks {
            let (from, workflow) = match &t.origin {
                Origin::Unknown => ("", ""),
                Origin::Teammate(who) => (who.as_str(), ""),
                Origin::Workflow(name) => ("", name.as_str()),
            };
            w.write_record([
                r.id.as_str(),
                r.kind.noun(),
                &t.due.to_string(),
                &time(t.time),
                if t.done { "true" } else { "false" },
                t.kind.as_str(),
                t.owner.as_deref().unwrap_or_default(),
                t.deal.as_deref().unwrap_or_default(),
                &t.text,
                from,
                workflow,
                &t.done_on.map(|d| d.to_string()).unwrap_or_default(),
            ])?;
        }
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

fn time(t: Option<(u8, u8)>) -> String {
    t.map(|(h, m)| format!("{h:02}:{m:02}")).unwrap_or_default()
}
