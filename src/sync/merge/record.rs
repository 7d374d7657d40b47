//! Field-by-field three-way merge of one record, written through the loss-free editor so the
//! file keeps its formatting.
//!
//! - A key changed on one side takes that side's value (added and removed keys likewise).
//! - Lists merge as three-way sets: additions from both sides kept, an item removed on one side
//!   and untouched on the other removed.
//! - `lifecycle` and deal `stage` take the more advanced stage, unless one side chose an explicit
//!   end (`other`, closed-lost; `lead_status: unqualified`), which wins. `lifecycle_changed`
//!   takes the later date.
//! - Any other field set differently on both sides keeps ours and records both values in a
//!   `conflicts:` block, so the file stays valid YAML and the merge can be committed.
//! - Fields that [`crate::record::coherence`] couples are never mixed into a contradiction
//!   neither side wrote (`lifecycle: sql` from one side, `lead_status: unqualified` from the
//!   other): they keep ours and each one the sides disagree on is a conflict (`coherent`).
//! - The activity log merges entry by entry, in date order; the rest of the body line by line,
//!   with their lines added under a labelled quote where both sides changed the same lines.

use super::diff3::{self, Chunk};
use crate::edit::{self, Change, Doc};
use crate::record::Kind;
use crate::record::LIFECYCLE;
use crate::record::activity::parse_date;
use crate::record::body;
use crate::record::config::{Closed, Config};
use crate::record::frontmatter;
use crate::record::parse::WHOLE_RECORD;
use crate::record::schema;
use crate::record::value::Value;
use crate::record::yaml;
use compact_str::CompactString;
use jiff::civil::Date;

/// Who made "their" side, for conflict notes and quotes.
#[derive(Debug, Clone)]
pub struct Side {
    pub who: String,
    pub when: Date,
}

/// A field both sides set to different values.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub field: String,
    pub ours: Value,
    pub theirs: Value,
}

/// The merged text and what a person should know about it.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub text: String,
    pub conflicts: Vec<Conflict>,
    /// Decisions the merge made on its own (a stage kept from going backwards, ...).
    pub notes: Vec<String>,
}

/// Why a record could not be merged field by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmergeable(pub String);

impl std::fmt::Display for Unmergeable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unmergeable {}

pub(super) type Fields = Vec<(CompactString, Value)>;

fn fields_of(text: &str, which: &str) -> Result<Fields, Unmergeable> {
    let split =
        frontmatter::split(text).map_err(|d| Unmergeable(format!("{which}: {}", d.message)))?;
    let fm = yaml::parse(split.frontmatter(text));
    match fm.error {
        Some(e) => Err(Unmergeable(format!("{which}: {}", e.message))),
        None => Ok(fm.fields),
    }
}

pub(super) fn get<'a>(fields: &'a Fields, key: &str) -> Option<&'a Value> {
    fields
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .filter(|v| !v.is_null())
}

/// Merges `theirs` into `ours`, both descended from `base` (`None`: created on both sides).
pub fn merge(
    cfg: &Config,
    kind: Kind,
    base: Option<&str>,
    ours: &str,
    theirs: &str,
    side: &Side,
) -> Result<Outcome, Unmergeable> {
    let base_text = base.unwrap_or("---\n---\n");
    let b = fields_of(base_text, "the common version")?;
    let o = fields_of(ours, "our version")?;
    let t = fields_of(theirs, "their version")?;
    // Ours is edited in place: it must be a layout the editor handles.
    Doc::parse(ours).map_err(|e| Unmergeable(format!("our version: {e}")))?;

    let mut changes: Vec<Change> = Vec::new();
    let mut conflicts: Vec<Conflict> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let mut keys: Vec<CompactString> = o.iter().map(|(k, _)| k.clone()).collect();
    for (k, _) in t.iter().chain(b.iter()) {
        if !keys.contains(k) {
            keys.push(k.clone());
        }
    }
    for key in keys.iter().filter(|k| *k != "conflicts") {
        let (bv, ov, tv) = (get(&b, key), get(&o, key), get(&t, key));
        let decided = if ov == tv || tv == bv {
            continue; // nothing new from their side
        } else if ov == bv {
            tv.cloned()
        } else {
            match resolve(cfg, kind, key, bv, ov, tv, &t, &o) {
                Resolution::Take(v, note) => {
                    if let Some(n) = note {
                        notes.push(n);
                    }
                    v
                }
                Resolution::Conflict => {
                    conflicts.push(Conflict {
                        field: key.to_string(),
                        ours: ov.cloned().unwrap_or(Value::Null),
                        theirs: tv.cloned().unwrap_or(Value::Null),
                    });
                    continue;
                }
            }
        };
        if decided.as_ref() != ov {
            changes.push(match decided {
                Some(v) => Change::Set(key.to_string(), v),
                None => Change::Unset(key.to_string()),
            });
        }
    }
    // Fields taken from different sides must not contradict each other (`sql` from one side,
    // `lead_status: unqualified` from the other): such a group keeps ours and is a conflict.
    let coupled = super::coherent::keep_coherent(cfg, kind, &o, &t, &mut changes, &mut conflicts);
    if !coupled.is_empty() {
        notes.retain(|n| {
            !conflicts
                .iter()
                .any(|c| n.starts_with(&format!("{}:", c.field)))
        });
        notes.extend(coupled);
    }
    // Earlier conflicts merge as a set: one resolved on either side (gone from its block) is
    // resolved, one recorded on either side stays; new ones join them.
    fn items(f: &Fields) -> &[Value] {
        get(f, "conflicts").map_or(&[], |v| v.items())
    }
    let (bc, oc, tc) = (items(&b), items(&o), items(&t));
    let mut block: Vec<Value> = oc
        .iter()
        .filter(|i| !bc.contains(i) || tc.contains(i))
        .cloned()
        .collect();
    for item in tc {
        if !bc.contains(item) && !block.contains(item) {
            block.push(item.clone());
        }
    }
    for c in &conflicts {
        block.push(Value::Map(
            vec![
                ("field".into(), Value::str(&c.field)),
                ("ours".into(), c.ours.clone()),
                ("theirs".into(), c.theirs.clone()),
                ("who".into(), Value::str(&side.who)),
                ("when".into(), Value::str(&side.when.to_string())),
            ]
            .into(),
        ));
    }
    if block.as_slice() != oc {
        changes.push(if block.is_empty() {
            Change::Unset("conflicts".into())
        } else {
            Change::Set("conflicts".into(), Value::List(block.into()))
        });
    }
    let text = edit::apply(ours, &changes, |k| schema::field_type(cfg, kind, k))
        .map_err(|e| Unmergeable(format!("{e:#}")))?;
    let text = merge_body(base_text, &text, theirs, side);
    Ok(Outcome {
        text,
        conflicts,
        notes,
    })
}

/// Keeps ours and records their whole text in ours' `conflicts:` block (`field: record`),
/// for when their version cannot be merged field by field (it does not parse): their edit
/// stays in the working tree, `kith conflicts` lists it, `kith check` reports it as an error
/// until `kith resolve ID --field record --take ours|theirs` ends it. Fails only when ours
/// cannot be edited (it does not parse either).
pub fn set_aside(
    cfg: &Config,
    kind: Kind,
    ours: &str,
    theirs: &str,
    why: &str,
    side: &Side,
) -> Result<Outcome, Unmergeable> {
    let o = fields_of(ours, "our version")?;
    Doc::parse(ours).map_err(|e| Unmergeable(format!("our version: {e}")))?;
    let mut block: Vec<Value> = get(&o, "conflicts").map_or(Vec::new(), |v| v.items().to_vec());
    let entry = Value::Map(
        vec![
            ("field".into(), Value::str(WHOLE_RECORD)),
            ("ours".into(), Value::str("this file")),
            ("theirs".into(), Value::str(theirs)),
            ("why".into(), Value::str(why)),
            ("who".into(), Value::str(&side.who)),
            ("when".into(), Value::str(&side.when.to_string())),
        ]
        .into(),
    );
    if !block.contains(&entry) {
        block.push(entry);
    }
    let changes = [Change::Set("conflicts".into(), Value::List(block.into()))];
    let text = edit::apply(ours, &changes, |k| schema::field_type(cfg, kind, k))
        .map_err(|e| Unmergeable(format!("{e:#}")))?;
    Ok(Outcome {
        text,
        conflicts: vec![Conflict {
            field: WHOLE_RECORD.to_string(),
            ours: Value::Null,
            theirs: Value::str(theirs),
        }],
        notes: Vec::new(),
    })
}

enum Resolution {
    Take(Option<Value>, Option<String>),
    Conflict,
}

#[allow(clippy::too_many_arguments)]
fn resolve(
    cfg: &Config,
    kind: Kind,
    key: &str,
    bv: Option<&Value>,
    ov: Option<&Value>,
    tv: Option<&Value>,
    theirs: &Fields,
    ours: &Fields,
) -> Resolution {
    let (Some(o), Some(t)) = (ov, tv) else {
        // Removed on one side, changed on the other: the change wins.
        return Resolution::Take(ov.or(tv).cloned(), None);
    };
    let is_list = schema::field_type(cfg, kind, key).is_some_and(|ty| ty.is_list())
        || (matches!(o, Value::List(_)) && matches!(t, Value::List(_)));
    if is_list {
        return Resolution::Take(
            Some(Value::List(
                merge_sets(bv.map_or(&[][..], Value::items), o.items(), t.items()).into(),
            )),
            None,
        );
    }
    let (os, ts) = (o.to_text(), t.to_text());
    match (kind, key) {
        (Kind::Person, LIFECYCLE) => {
            let lc = &cfg.lifecycle;
            // Leaving the funnel (`other`) is a decision, not a step: it wins.
            if lc.is_outside(&os) != lc.is_outside(&ts) {
                let winner = if lc.is_outside(&os) { o } else { t };
                return Resolution::Take(
                    Some(winner.clone()),
                    Some(format!(
                        "lifecycle: kept `{winner}` (explicit) over `{}`",
                        if lc.is_outside(&os) { &ts } else { &os }
                    )),
                );
            }
            match (lc.rank(&os), lc.rank(&ts)) {
                (Some(a), Some(b)) => {
                    let (winner, loser) = if b > a { (t, &os) } else { (o, &ts) };
                    Resolution::Take(
                        Some(winner.clone()),
                        Some(format!(
                            "lifecycle: kept the more advanced `{winner}`, not `{loser}`"
                        )),
                    )
                }
                _ => Resolution::Conflict,
            }
        }
        (Kind::Person, "lead_status") => {
            if os.eq_ignore_ascii_case("unqualified") || ts.eq_ignore_ascii_case("unqualified") {
                let winner = if os.eq_ignore_ascii_case("unqualified") {
                    o
                } else {
                    t
                };
                Resolution::Take(
                    Some(winner.clone()),
                    Some("lead_status: unqualified wins".into()),
                )
            } else {
                Resolution::Conflict
            }
        }
        (_, "lifecycle_changed") => match (parse_date(&os), parse_date(&ts)) {
            (Some(a), Some(b)) => {
                Resolution::Take(Some(if b > a { t.clone() } else { o.clone() }), None)
            }
            _ => Resolution::Conflict,
        },
        (Kind::Deal, "stage") => {
            let pipeline = cfg.pipeline(
                get(ours, "pipeline")
                    .or(get(theirs, "pipeline"))
                    .and_then(Value::as_str),
            );
            let Some(p) = pipeline else {
                return Resolution::Conflict;
            };
            let (so, st) = (p.stage(&os), p.stage(&ts));
            let lost = |s: Option<&crate::record::config::DealStage>| {
                s.is_some_and(|s| s.closed == Some(Closed::Lost))
            };
            if lost(so) != lost(st) {
                let winner = if lost(so) { o } else { t };
                return Resolution::Take(
                    Some(winner.clone()),
                    Some(format!("stage: `{winner}` (a closed deal) wins")),
                );
            }
            let rank = |id: &str| p.stages.iter().position(|s| s.id.eq_ignore_ascii_case(id));
            match (rank(&os), rank(&ts)) {
                (Some(a), Some(b)) => {
                    let (winner, loser) = if b > a { (t, &os) } else { (o, &ts) };
                    Resolution::Take(
                        Some(winner.clone()),
                        Some(format!(
                            "stage: kept the more advanced `{winner}`, not `{loser}`"
                        )),
                    )
                }
                _ => Resolution::Conflict,
            }
        }
        _ => Resolution::Conflict,
    }
}

/// Three-way set merge, keeping ours' order: their additions appended, removals from either
/// side applied.
fn merge_sets(base: &[Value], ours: &[Value], theirs: &[Value]) -> Vec<Value> {
    let same = |a: &Value, b: &Value| a.to_text().eq_ignore_ascii_case(&b.to_text());
    let in_list = |list: &[Value], v: &Value| list.iter().any(|x| same(x, v));
    let mut out: Vec<Value> = ours
        .iter()
        // Kept unless their side removed it (it was in the base and is not in theirs).
        .filter(|v| !in_list(base, v) || in_list(theirs, v))
        .cloned()
        .collect();
    for v in theirs {
        if !in_list(base, v) && !in_list(&out, v) {
            out.push(v.clone());
        }
    }
    out
}

/// The sections whose list items merge entry by entry rather than line by line.
const ENTRY_SECTIONS: [&str; 2] = ["Activity", "Tasks"];

/// The line that stands for section `i`'s entries while the rest of the body merges line-wise
/// (control characters: no one types them into a record).
fn marker(i: usize) -> String {
    format!("\u{1}kith-entries-{i}\u{1}")
}

/// A body with the entries of its entry sections lifted out, each list replaced by its marker.
struct Lifted {
    skeleton: String,
    entries: [Vec<String>; 2],
    headings: [Option<String>; 2],
}

fn lift(text: &str) -> Lifted {
    let body = frontmatter::split(text).map(|s| s.body(text)).unwrap_or("");
    let nl = if body.contains("\r\n") { "\r\n" } else { "\n" };
    let mut lifted = Lifted {
        skeleton: String::new(),
        entries: Default::default(),
        headings: Default::default(),
    };
    let mut cuts: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    for (i, title) in ENTRY_SECTIONS.iter().enumerate() {
        let Some(s) = body::find_section(body, title) else {
            continue;
        };
        lifted.headings[i] = Some(body[s.heading.clone()].to_string());
        lifted.entries[i] = s
            .items
            .iter()
            .map(|r| body[r.clone()].trim_end().to_string())
            .collect();
        match (s.items.first(), s.items.last()) {
            (Some(first), Some(last)) => {
                let end = last.start + body[last.clone()].trim_end().len();
                cuts.push((first.start..end, marker(i)));
            }
            _ => {
                let at = s.heading.end;
                let sep = if body[..at].ends_with('\n') { "" } else { nl };
                cuts.push((at..at, format!("{sep}{}{nl}", marker(i))));
            }
        }
    }
    cuts.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    let mut skeleton = body.to_string();
    for (range, with) in cuts {
        skeleton.replace_range(range, &with);
    }
    lifted.skeleton = skeleton;
    lifted
}

/// Merges the bodies; `merged_fm` is ours with the frontmatter already merged.
fn merge_body(base: &str, merged_fm: &str, theirs: &str, side: &Side) -> String {
    let split = frontmatter::split(merged_fm).expect("our version was split before");
    let nl = split.newline();
    let body_of = |t: &'_ str| -> String {
        frontmatter::split(t)
            .map(|s| s.body(t).to_string())
            .unwrap_or_default()
    };
    let (bb, ob, tb) = (body_of(base), body_of(merged_fm), body_of(theirs));
    let head = &merged_fm[..split.body_start];
    if ob == tb || tb == bb {
        return merged_fm.to_string();
    }
    if ob == bb {
        return format!("{head}{tb}");
    }
    let (b, o, t) = (lift(base), lift(merged_fm), lift(theirs));
    let mut body = merge_lines(&b.skeleton, &o.skeleton, &t.skeleton, side, nl);
    for (i, title) in ENTRY_SECTIONS.iter().enumerate() {
        let tasks = *title == "Tasks";
        let entries = merge_entries(&b.entries[i], &o.entries[i], &t.entries[i], tasks);
        let text = entries
            .iter()
            .map(|e| e.replace("\r\n", "\n").replace('\n', nl))
            .collect::<Vec<_>>()
            .join(nl);
        let m = marker(i);
        // The marker's own line takes the entries; copies of it (in a quote of their lines)
        // go.
        let mut lines: Vec<&str> = body.split_inclusive('\n').collect();
        let slot = lines
            .iter()
            .position(|l| l.trim_end_matches(['\n', '\r']) == m);
        let mut out = String::with_capacity(body.len() + text.len());
        for (k, line) in lines.drain(..).enumerate() {
            if Some(k) == slot {
                if !entries.is_empty() {
                    out.push_str(&text);
                    out.push_str(&line[m.len()..]);
                }
            } else if !line.contains(&m) {
                out.push_str(line);
            }
        }
        if slot.is_none() && !entries.is_empty() {
            // Their side removed the section while ours added to it (or the reverse): keep
            // the entries under their heading at the end.
            if !out.is_empty() && !out.ends_with('\n') {
                out.push_str(nl);
            }
            if !out.is_empty() {
                out.push_str(nl);
            }
            let heading = o.headings[i]
                .clone()
                .or(t.headings[i].clone())
                .unwrap_or(format!("## {title}{nl}"));
            out.push_str(&heading);
            if !heading.ends_with('\n') {
                out.push_str(nl);
            }
            out.push_str(&text);
            out.push_str(nl);
        }
        body = out;
    }
    format!("{head}{body}")
}

/// Entries merged as a sequence; activities are then placed in date order (stable: same-day
/// entries keep their order).
fn merge_entries(base: &[String], ours: &[String], theirs: &[String], tasks: bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for chunk in diff3::merge(base, ours, theirs) {
        match chunk {
            Chunk::Clean(v) => out.extend(v),
            Chunk::Conflict { base, ours, theirs } if tasks => {
                out.extend(merge_tasks(&base, &ours, &theirs));
            }
            Chunk::Conflict { base, ours, theirs } => out.extend(union(&base, &ours, &theirs)),
        }
    }
    if tasks || (ours.is_empty() && theirs.is_empty()) {
        return out;
    }
    let date = |e: &String| {
        parse_date(
            e.trim_start_matches(['-', '*', '+', ' '])
                .get(..10)
                .unwrap_or(""),
        )
    };
    out.sort_by_key(|e| date(e));
    out
}

/// Entries both sides changed in the same place: ours, then theirs, except those one side
/// deleted.
fn union(base: &[String], ours: &[String], theirs: &[String]) -> Vec<String> {
    let deleted = |e: &String, other: &[String]| base.contains(e) && !other.contains(e);
    let mut out: Vec<String> = ours
        .iter()
        .filter(|e| !deleted(e, theirs))
        .cloned()
        .collect();
    for t in theirs {
        if !deleted(t, ours) && !out.contains(t) {
            out.push(t.clone());
        }
    }
    out
}

/// A task-list item cut at its checkbox: (`- [`, done, `] rest`).
fn checkbox(entry: &str) -> Option<(&str, bool, &str)> {
    let marker_len = entry.len() - entry.trim_start_matches(['-', '*', '+']).len();
    let after = &entry[marker_len..];
    let spaces = after.len() - after.trim_start_matches(' ').len();
    let at = marker_len + spaces;
    let rest = entry.get(at..)?;
    if marker_len != 1 || spaces == 0 || rest.len() < 3 || !rest.starts_with('[') {
        return None;
    }
    let done = match rest.as_bytes()[1] {
        b' ' => false,
        b'x' | b'X' => true,
        _ => return None,
    };
    (rest.as_bytes()[2] == b']').then(|| (&entry[..at + 1], done, &entry[at + 2..]))
}

fn with_done(entry: &str, done: bool) -> String {
    match checkbox(entry) {
        Some((pre, _, rest)) => format!("{pre}{}{rest}", if done { 'x' } else { ' ' }),
        None => entry.to_string(),
    }
}

/// Tasks both sides changed: ticking one done wins over leaving it open; an edit on one side
/// and a tick on the other give the edited task, ticked; anything else keeps both versions.
fn merge_tasks(base: &[String], ours: &[String], theirs: &[String]) -> Vec<String> {
    let parts = |e: &String| checkbox(e).map(|(_, done, rest)| (done, rest.to_string()));
    if base.len() == ours.len() && base.len() == theirs.len() {
        let mut out = Vec::new();
        for ((b, o), t) in base.iter().zip(ours).zip(theirs) {
            match (parts(b), parts(o), parts(t)) {
                (Some((_, br)), Some((od, or)), Some((td, tr))) => {
                    let done = od || td;
                    if or == tr || tr == br {
                        out.push(with_done(o, done));
                    } else if or == br {
                        out.push(with_done(t, done));
                    } else {
                        out.push(with_done(o, done));
                        out.push(with_done(t, done));
                    }
                }
                _ => {
                    out.push(o.clone());
                    if t != o {
                        out.push(t.clone());
                    }
                }
            }
        }
        return out;
    }
    let mut out = union(base, ours, theirs);
    // An open task next to the same task ticked: the ticked one stands.
    let ticked: Vec<String> = out
        .iter()
        .filter_map(|e| parts(e).filter(|(done, _)| *done).map(|(_, r)| r))
        .collect();
    out.retain(|e| !matches!(parts(e), Some((false, r)) if ticked.contains(&r)));
    out
}

/// Line-wise merge of free text. Where both sides changed the same lines, ours stays and
/// theirs follows in a labelled quote.
fn merge_lines(base: &str, ours: &str, theirs: &str, side: &Side, nl: &str) -> String {
    if ours == theirs || theirs == base {
        return ours.to_string();
    }
    if ours == base {
        return theirs.to_string();
    }
    let (bl, ol, tl): (Vec<&str>, Vec<&str>, Vec<&str>) = (
        base.lines().collect(),
        ours.lines().collect(),
        theirs.lines().collect(),
    );
    let mut out: Vec<String> = Vec::new();
    // A blank line closes a quote, unless the text after it starts with one.
    let mut close_quote = false;
    for chunk in diff3::merge(&bl, &ol, &tl) {
        match chunk {
            Chunk::Clean(v) => {
                if close_quote && v.first().is_some_and(|l| !l.trim().is_empty()) {
                    out.push(String::new());
                }
                close_quote = false;
                out.extend(v.into_iter().map(str::to_string));
            }
            Chunk::Conflict { ours, theirs, .. } => {
                if close_quote {
                    out.push(String::new());
                }
                out.extend(ours.iter().map(|l| l.to_string()));
                out.push(String::new());
                out.push(format!(
                    "> **Their version** ({}, {}):",
                    side.who, side.when
                ));
                for l in theirs {
                    out.push(if l.is_empty() {
                        ">".to_string()
                    } else {
                        format!("> {l}")
                    });
                }
                close_quote = true;
            }
        }
    }
    let mut text = out.join(nl);
    if ours.ends_with('\n') || theirs.ends_with('\n') {
        text.push_str(nl);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side() -> Side {
        Side {
            who: "priya".into(),
            when: Date::constant(2026, 11, 25),
        }
    }

    fn merged(base: &str, ours: &str, theirs: &str) -> Outcome {
        merge(
            &Config::default(),
            Kind::Person,
            Some(base),
            ours,
            theirs,
            &side(),
        )
        .unwrap()
    }

    const BASE: &str = "---\nname: Ada\nphone: \"+44 1\"\nlifecycle: lead\ntags: [a, b]\n---\nNotes.\n\n## Activity\n- 2026-11-01 call: first\n";

    #[test]
    fn different_fields_merge_and_keep_formatting() {
        let ours = BASE.replace("lifecycle: lead", "lifecycle: mql");
        let theirs = BASE.replace("\"+44 1\"", "\"+44 2\"").replace(
            "- 2026-11-01 call: first\n",
            "- 2026-11-01 call: first\n- 2026-11-20 call @sam: second\n",
        );
        let out = merged(BASE, &ours, &theirs);
        assert!(out.conflicts.is_empty());
        assert_eq!(
            out.text,
            "---\nname: Ada\nphone: \"+44 2\"\nlifecycle: mql\ntags: [a, b]\n---\nNotes.\n\n## Activity\n- 2026-11-01 call: first\n- 2026-11-20 call @sam: second\n"
        );
    }

    #[test]
    fn merging_is_idempotent_and_one_sided() {
        let ours = BASE.replace("lifecycle: lead", "lifecycle: mql");
        assert_eq!(merged(BASE, &ours, &ours).text, ours);
        assert_eq!(merged(BASE, BASE, &ours).text, ours);
        assert_eq!(merged(BASE, &ours, BASE).text, ours);
    }

    #[test]
    fn lists_merge_as_sets() {
        let ours = BASE.replace("tags: [a, b]", "tags: [a, b, c]");
        let theirs = BASE.replace("tags: [a, b]", "tags: [b, d]");
        let out = merged(BASE, &ours, &theirs);
        assert!(out.text.contains("tags: [b, c, d]\n"), "{}", out.text);
    }

    #[test]
    fn true_conflicts_go_to_a_conflicts_block() {
        let ours = BASE.replace("\"+44 1\"", "\"+44 7\"");
        let theirs = BASE.replace("\"+44 1\"", "\"+44 8\"");
        let out = merged(BASE, &ours, &theirs);
        assert_eq!(out.conflicts.len(), 1);
        assert!(
            out.text.contains("phone: \"+44 7\"\n") && out.text.contains(
                "conflicts:\n  - field: phone\n    ours: \"+44 7\"\n    theirs: \"+44 8\"\n    who: priya\n    when: \"2026-11-25\"\n---\n"
            ),
            "{}",
            out.text
        );
        // The result is a valid record kith can read.
        let parsed = crate::record::parse::parse(
            Kind::Person,
            "ada",
            "contacts/ada.md",
            out.text.as_bytes(),
            &Config::default(),
        );
        assert!(!parsed.record.broken, "{:?}", parsed.diags);
    }

    #[test]
    fn stages_take_the_more_advanced_and_explicit_ends_win() {
        let out = merged(
            BASE,
            &BASE.replace("lead\n", "mql\n"),
            &BASE.replace("lead\n", "customer\n"),
        );
        assert!(out.text.contains("lifecycle: customer\n"));
        assert_eq!(
            out.notes,
            ["lifecycle: kept the more advanced `customer`, not `mql`"]
        );
        let out = merged(
            BASE,
            &BASE.replace("lead\n", "other\n"),
            &BASE.replace("lead\n", "customer\n"),
        );
        assert!(out.text.contains("lifecycle: other\n"));
    }

    #[test]
    fn deleted_on_one_side_edited_on_the_other_keeps_the_edit() {
        let ours = BASE.replace("phone: \"+44 1\"\n", "");
        let theirs = BASE.replace("\"+44 1\"", "\"+44 9\"");
        let out = merged(BASE, &ours, &theirs);
        assert!(out.text.contains("phone: \"+44 9\"\n"), "{}", out.text);
    }

    #[test]
    fn body_conflicts_quote_their_lines() {
        let ours = BASE.replace("Notes.", "Notes, ours.");
        let theirs = BASE.replace("Notes.", "Notes, theirs.");
        let out = merged(BASE, &ours, &theirs);
        assert!(
            out.text.contains(
                "Notes, ours.\n\n> **Their version** (priya, 2026-11-25):\n> Notes, theirs.\n"
            ),
            "{}",
            out.text
        );
        assert!(!out.text.contains("<<<<<<<"));
    }

    #[test]
    fn activities_from_both_sides_are_kept_in_date_order() {
        let ours = BASE.replace("first\n", "first\n- 2026-11-10 visit: /pricing\n");
        let theirs = BASE.replace("first\n", "first\n- 2026-11-05 email @sam: hello\n");
        let out = merged(BASE, &ours, &theirs);
        assert!(
            out.text.ends_with("- 2026-11-01 call: first\n- 2026-11-05 email @sam: hello\n- 2026-11-10 visit: /pricing\n"),
            "{}",
            out.text
        );
    }

    #[test]
    fn created_on_both_sides_merges_from_an_empty_base() {
        let ours = "---\nname: Ada\nemail: a@x.example\n---\n";
        let theirs = "---\nname: Ada\nemail: a@x.example\nphone: \"+1\"\n---\n";
        let out = merge(
            &Config::default(),
            Kind::Person,
            None,
            ours,
            theirs,
            &side(),
        )
        .unwrap();
        assert_eq!(
            out.text,
            "---\nname: Ada\nemail: a@x.example\nphone: \"+1\"\n---\n"
        );
    }

    const TASKS: &str = "---\nname: Ada\n---\nNotes.\n\n## Tasks\n- [ ] 2026-11-27 call @sam: confirm scope\n- [ ] 2026-12-01 email: send pilot terms\n\n## Activity\n- 2026-11-01 call: first\n";

    #[test]
    fn a_tick_wins_over_an_open_task_and_joins_an_edit() {
        let ours = TASKS.replace("[ ] 2026-11-27", "[x] 2026-11-27");
        let theirs = TASKS.replace("confirm scope", "confirm scope (40 seats)");
        let out = merged(TASKS, &ours, &theirs);
        assert!(
            out.text
                .contains("## Tasks\n- [x] 2026-11-27 call @sam: confirm scope (40 seats)\n- [ ] 2026-12-01 email: send pilot terms\n\n## Activity\n"),
            "{}",
            out.text
        );
        // And the other way round.
        let out = merged(TASKS, &theirs, &ours);
        assert!(
            out.text
                .contains("- [x] 2026-11-27 call @sam: confirm scope (40 seats)\n- [ ] 2026-12-01"),
            "{}",
            out.text
        );
    }

    #[test]
    fn tasks_and_activities_added_on_both_sides_are_all_kept() {
        let ours = TASKS
            .replace("terms\n", "terms\n- [ ] 2026-12-03 call: follow up\n")
            .replace("first\n", "first\n- 2026-11-20 visit: /pricing\n");
        let theirs = TASKS
            .replace("terms\n", "terms\n- [ ] 2026-12-02 meeting @ana: demo\n")
            .replace("first\n", "first\n- 2026-11-10 email: hello\n")
            .replace("Notes.", "Notes, theirs.");
        let out = merged(TASKS, &ours, &theirs);
        assert_eq!(
            out.text,
            "---\nname: Ada\n---\nNotes, theirs.\n\n## Tasks\n- [ ] 2026-11-27 call @sam: confirm scope\n- [ ] 2026-12-01 email: send pilot terms\n- [ ] 2026-12-03 call: follow up\n- [ ] 2026-12-02 meeting @ana: demo\n\n## Activity\n- 2026-11-01 call: first\n- 2026-11-10 email: hello\n- 2026-11-20 visit: /pricing\n"
        );
    }

    #[test]
    fn a_task_deleted_on_one_side_goes_and_an_emptied_section_keeps_its_heading() {
        let ours = TASKS.replace("- [ ] 2026-11-27 call @sam: confirm scope\n", "");
        let theirs = TASKS.replace("Notes.", "Notes, theirs.");
        let out = merged(TASKS, &ours, &theirs);
        assert!(
            out.text.contains("Notes, theirs.\n\n## Tasks\n- [ ] 2026-12-01 email: send pilot terms\n\n## Activity"),
            "{}",
            out.text
        );
        let both = TASKS.replace("- [ ] 2026-12-01 email: send pilot terms\n", "");
        let out = merged(TASKS, &both, &ours.replace("Notes.", "Notes, theirs."));
        assert!(
            out.text
                .contains("Notes, theirs.\n\n## Tasks\n\n## Activity"),
            "{}",
            out.text
        );
    }

    #[test]
    fn entries_added_to_a_section_the_other_side_removed_are_kept() {
        let ours = TASKS.replace("first\n", "first\n- 2026-11-20 visit: /pricing\n");
        let theirs = TASKS.replace("\n## Activity\n- 2026-11-01 call: first\n", "");
        let out = merged(TASKS, &ours, &theirs);
        assert!(
            out.text.contains("2026-11-20 visit: /pricing"),
            "{}",
            out.text
        );
        assert!(!out.text.contains('\u{1}'), "{}", out.text);
    }

    #[test]
    fn a_conflict_resolved_on_one_side_stays_resolved() {
        let block = "conflicts:\n  - field: phone\n    ours: \"+44 1\"\n    theirs: \"+44 2\"\n    who: sam\n    when: 2026-11-20\n";
        let base = BASE.replace("---\nNotes.", &format!("{block}---\nNotes."));
        let ours = BASE.replace("lifecycle: lead", "lifecycle: mql");
        let theirs = base.replace("first\n", "first\n- 2026-11-21 call: again\n");
        let out = merged(&base, &ours, &theirs);
        assert!(!out.text.contains("conflicts"), "{}", out.text);
        // And the other way round: resolved on their side.
        let out = merged(&base, &theirs, &ours);
        assert!(!out.text.contains("conflicts"), "{}", out.text);
        assert!(out.text.contains("lifecycle: mql"), "{}", out.text);
    }
}
