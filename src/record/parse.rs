//! From a record file's bytes to a [`Record`] and its diagnostics. Pure: no I/O.
//!
//! Everything that can be said about one file on its own is said here (syntax, types, stages,
//! activity entries). What needs the other records (references, duplicate e-mails) is checked
//! by the index.

use crate::record::LIFECYCLE;
use crate::record::body;
use crate::record::config::Config;
use crate::record::diag::{Diagnostic, Pos};
use crate::record::frontmatter;
use crate::record::schema::{self, FieldType};
use crate::record::value::Value;
use crate::record::yaml;
use crate::record::{Kind, Record};
use crate::util::intern::Sym;
use compact_str::CompactString;

/// A reference from one record to another, with where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ref {
    /// The field (`company`, `contacts`) or `activity` for `#deal` mentions.
    pub field: Sym,
    pub kind: Kind,
    pub id: CompactString,
    pub pos: Pos,
}

/// A record file, parsed.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub record: Record,
    /// References to other records, for the index to check.
    pub refs: Vec<Ref>,
    /// Wiki links in the text (`[[calder-mutual]]`), for the index to check.
    pub mentions: Vec<crate::record::mention::Mention>,
    /// Where the primary `email` is written, for duplicate warnings.
    pub email_pos: Pos,
    pub diags: Vec<Diagnostic>,
}

/// Whether a file stem is a valid record id: a lowercase slug.
/// The `field` of a `conflicts:` entry that holds a whole version of the record: theirs, which
/// `kith sync` could not merge field by field.
pub const WHOLE_RECORD: &str = "record";

pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 200
        && id.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
        })
        && !id.starts_with(['-', '.', '_'])
}

/// Parses a record file. `path` is the workspace-relative path used in diagnostics.
pub fn parse(kind: Kind, id: &str, path: &str, bytes: &[u8], cfg: &Config) -> Parsed {
    let mut out = Parsed {
        record: Record::new(kind, id),
        refs: Vec::new(),
        mentions: Vec::new(),
        email_pos: Pos::new(1, 1),
        diags: Vec::new(),
    };
    let push = |d: Diagnostic, out: &mut Parsed| out.diags.push(d.in_file(path));
    if !is_valid_id(id) {
        push(
            Diagnostic::warning(
                "bad-id",
                format!("the file name `{id}.md` is not a lowercase slug"),
            )
            .help(format!(
                "rename it, e.g. `git mv \"{path}\" {}/{}.md`",
                kind.dir(),
                crate::util::slug::slugify(id)
            )),
            &mut out,
        );
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            let line = memchr::memchr_iter(b'\n', valid).count() as u32 + 1;
            let line_start = memchr::memrchr(b'\n', valid).map_or(0, |i| i + 1);
            let col = String::from_utf8_lossy(&valid[line_start..])
                .chars()
                .count() as u32
                + 1;
            push(
                Diagnostic::error("invalid-utf8", "the file is not valid UTF-8 text")
                    .at(line, col)
                    .help(
                        "save the file with UTF-8 encoding (most editors: \"Save with encoding\")",
                    ),
                &mut out,
            );
            out.record.broken = true;
            return out;
        }
    };
    let split = match frontmatter::split(text) {
        Ok(s) => s,
        Err(d) => {
            push(d, &mut out);
            out.record.broken = true;
            return out;
        }
    };
    let fm = yaml::parse(split.frontmatter(text));
    let at = |line: u32, col: u32| Pos::new(split.fm_line + line, col + 1);
    if let Some(e) = &fm.error {
        let mut message = e.message.clone();
        if e.code == "duplicate-key"
            && let Some(first) = fm
                .scan
                .entries
                .iter()
                .find(|x| x.line < e.line && e.message.starts_with(&format!("`{}`", x.key)))
        {
            message = format!(
                "`{}` appears twice, on lines {} and {}",
                first.key,
                at(first.line, 0).line,
                at(e.line, 0).line
            );
        }
        let mut d = Diagnostic::error(e.code, message).pos(at(e.line, e.col));
        if let Some(h) = &e.help {
            d = d.help(h.clone());
        }
        push(d, &mut out);
        out.record.broken = true;
    } else {
        let yaml::Frontmatter {
            scan, mut fields, ..
        } = fm;
        // Each field's declared type, looked up once for both passes.
        let types: Vec<Option<FieldType>> = fields
            .iter()
            .map(|(key, _)| schema::field_type(cfg, kind, key))
            .collect();
        unwrap_wiki_links(&types, &mut fields);
        let value_pos = |key: &str| {
            scan.get(key)
                .map_or(Pos::new(1, 1), |e| at(e.value_line, e.value_col))
        };
        check_fields(cfg, &fields, &types, &value_pos, &mut out);
        let mut interned = Vec::with_capacity(fields.len());
        interned.extend(fields.into_iter().map(|(k, v)| (Sym::new(&k), v)));
        out.record.fields = interned;
        check_record(cfg, &value_pos, &mut out);
        for d in &mut out.diags {
            if d.path.is_empty() {
                d.path = path.to_string();
            }
        }
    }
    let body_text = split.body(text);
    let body_line = split.body_line(text);
    if let Some(i) = memchr::memchr(0, body_text.as_bytes()) {
        let before = &body_text[..i];
        let line = body_line + memchr::memchr_iter(b'\n', before.as_bytes()).count() as u32;
        let col = before[before.rfind('\n').map_or(0, |n| n + 1)..]
            .chars()
            .count() as u32
            + 1;
        push(
            Diagnostic::warning(
                "nul-byte",
                "the text has a NUL byte (U+0000), which editors and tools often cut the text at",
            )
            .at(line, col)
            .help("delete it (it often comes from a damaged file or a binary pasted in)"),
            &mut out,
        );
    }
    let body::Read {
        activities,
        problems,
        notes,
        tasks: tasks_section,
    } = body::read(body_text, body_line);
    out.record.notes = notes;
    out.mentions = crate::record::mention::read(body_text, body_line);
    for p in problems {
        push(
            Diagnostic::warning("bad-activity", format!("activity entry not understood: {}", p.message))
                .at(p.line, p.column)
                .help("write entries as `- 2026-11-20 call @sam: text` (date, optional HH:MM, type, optional @teammate and #deal, colon, text)"),
            &mut out,
        );
    }
    let (mut known_types, mut known_by) = (Known::default(), Known::default());
    for a in &activities {
        if !known_types.check(a.kind, |t| cfg.is_activity_type(t)) {
            let mut d = Diagnostic::warning(
                "unknown-activity-type",
                format!("unknown activity type `{}`", a.kind),
            )
            .at(a.line, u32::from(a.kind_col));
            d = match crate::record::diag::did_you_mean(
                &a.kind,
                cfg.activity_types.iter().map(String::as_str),
            ) {
                Some(s) => d.help(format!(
                    "did you mean `{s}`? (or add `{}` to activity_types in kith.yaml)",
                    a.kind
                )),
                None => d.help(format!(
                    "add `{}` to activity_types in kith.yaml, or use one of: {}",
                    a.kind,
                    cfg.activity_types.join(", ")
                )),
            };
            push(d, &mut out);
        }
        if let Some(by) = a.by
            && !cfg.teammates.is_empty()
            && !known_by.check(by, |t| cfg.teammate(t).is_some())
        {
            push(
                Diagnostic::warning(
                    "unknown-owner",
                    format!("`@{by}` is not a teammate in kith.yaml"),
                )
                .at(a.line, 1),
                &mut out,
            );
        }
        if let Some(deal) = &a.deal {
            out.refs.push(Ref {
                field: Sym::new("activity"),
                kind: Kind::Deal,
                id: CompactString::from(&**deal),
                pos: Pos::new(a.line, 1),
            });
        }
    }
    out.record.activities = activities;
    let (tasks, problems) = match &tasks_section {
        Some(s) => crate::record::task::read_section(body_text, body_line, s),
        None => (Vec::new(), Vec::new()),
    };
    for p in problems {
        push(
            Diagnostic::warning("bad-task", format!("task not understood: {}", p.message))
                .at(p.line, p.column)
                .help("write tasks as `- [ ] 2026-11-27 call @sam: text` (checkbox, due date, optional HH:MM, type, optional @owner and #deal, colon, text)"),
            &mut out,
        );
    }
    for t in &tasks {
        if let Some(owner) = &t.owner
            && !cfg.teammates.is_empty()
            && cfg.teammate(owner).is_none()
        {
            push(
                Diagnostic::warning(
                    "unknown-owner",
                    format!("task owner `@{owner}` is not a teammate in kith.yaml"),
                )
                .at(t.line, 1),
                &mut out,
            );
        }
        if let Some(deal) = &t.deal {
            out.refs.push(Ref {
                field: Sym::new("task"),
                kind: Kind::Deal,
                id: CompactString::from(&**deal),
                pos: Pos::new(t.line, 1),
            });
        }
    }
    out.record.tasks = tasks;
    out
}

/// Words already found in kith.yaml while reading one record (its entries mostly share a few
/// types and teammates), compared by symbol instead of looked up again.
#[derive(Default)]
struct Known {
    words: [Option<Sym>; 8],
    len: usize,
}

impl Known {
    /// Whether `word` is known, asking `lookup` only the first time.
    fn check(&mut self, word: Sym, lookup: impl FnOnce(&str) -> bool) -> bool {
        if self.words[..self.len].contains(&Some(word)) {
            return true;
        }
        let found = lookup(word.as_str());
        if found && self.len < self.words.len() {
            self.words[self.len] = Some(word);
            self.len += 1;
        }
        found
    }
}

/// The id of a wiki link, `[[id]]` or `[[id|Label]]` (Obsidian's links between notes).
pub fn wiki_link(s: &str) -> Option<&str> {
    let inner = s.trim().strip_prefix("[[")?.strip_suffix("]]")?;
    let id = inner.split('|').next()?.trim();
    (!id.is_empty() && !id.contains(['[', ']'])).then_some(id)
}

/// Reference fields written as wiki links (`company: "[[calder-mutual]]"`, or unquoted, which
/// YAML reads as a list in a list) are read as the ids they link to.
fn unwrap_wiki_links(types: &[Option<FieldType>], fields: &mut [(CompactString, Value)]) {
    fn unwrap(v: &Value) -> Option<Value> {
        match v {
            Value::Str(s) => wiki_link(s).map(Value::str),
            Value::List(outer) => match &outer[..] {
                [Value::List(inner)] => match &inner[..] {
                    [Value::Str(s)] => Some(Value::str(s.split('|').next()?.trim())),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        }
    }
    for ((_, value), ty) in fields.iter_mut().zip(types) {
        match ty {
            Some(FieldType::Ref(_)) => {
                if let Some(id) = unwrap(value) {
                    *value = id;
                }
            }
            Some(FieldType::Refs(_)) if value.items().iter().any(|i| unwrap(i).is_some()) => {
                let items: Vec<Value> = value
                    .items()
                    .iter()
                    .map(|i| unwrap(i).unwrap_or_else(|| i.clone()))
                    .collect();
                *value = Value::List(items.into());
            }
            _ => {}
        }
    }
}

fn check_fields(
    cfg: &Config,
    fields: &[(CompactString, Value)],
    types: &[Option<FieldType>],
    value_pos: &dyn Fn(&str) -> Pos,
    out: &mut Parsed,
) {
    for ((key, value), ty) in fields.iter().zip(types) {
        if key == "conflicts" {
            for item in value.items() {
                let Value::Map(entries) = item else { continue };
                let get = |k: &str| {
                    entries
                        .iter()
                        .find(|(ek, _)| ek == k)
                        .map(|(_, v)| v.to_text())
                        .unwrap_or_default()
                };
                let field = get("field");
                if field == WHOLE_RECORD {
                    out.diags.push(
                        Diagnostic::error(
                            "unresolved-record-conflict",
                            format!(
                                "{}'s version of this record ({}) could not be merged field by field: {}; it is kept whole in the `conflicts:` block",
                                get("who"),
                                get("when"),
                                get("why")
                            ),
                        )
                        .pos(value_pos(key))
                        .help(format!(
                            "see it with `kith conflicts`; `kith resolve {id} --field record --take theirs` takes it (then fix what does not parse), `--take ours` keeps this one, `--take both` makes theirs a record of its own",
                            id = out.record.id
                        )),
                    );
                    continue;
                }
                out.diags.push(
                    Diagnostic::warning(
                        "unresolved-conflict",
                        format!(
                            "`{field}` was set to `{}` here and to `{}` by {} on {}",
                            get("ours"),
                            get("theirs"),
                            get("who"),
                            get("when")
                        ),
                    )
                    .pos(value_pos(key))
                    .help(format!(
                        "keep one with `kith resolve {} --field {field} --take ours|theirs|VALUE`",
                        out.record.id
                    )),
                );
            }
            continue;
        }
        if schema::RESERVED.contains(&key.as_str()) {
            out.diags.push(
                Diagnostic::warning(
                    "reserved-field",
                    format!("a field named `{key}` clashes with the record's own {key} in exports"),
                )
                .pos(value_pos(key))
                .help(format!(
                    "rename it; `kith list --format json` and csv call it `field.{key}`"
                )),
            );
        }
        let Some(ty) = ty else {
            continue;
        };
        if let Some(p) = schema::check(cfg, key, ty, value) {
            let mut d = Diagnostic {
                severity: p.severity,
                ..Diagnostic::error(p.code, p.message)
            }
            .pos(value_pos(key));
            if let Some(h) = p.help {
                d = d.help(h);
            }
            out.diags.push(d);
            continue;
        }
        // `value_pos` looks the key up among the scanned entries: only where a position is kept.
        match ty {
            FieldType::Ref(target) => {
                if let Some(id) = value.as_str() {
                    out.refs.push(Ref {
                        field: Sym::new(key),
                        kind: *target,
                        id: id.trim().into(),
                        pos: value_pos(key),
                    });
                }
            }
            FieldType::Refs(target) => {
                let pos = value_pos(key);
                for item in value.items() {
                    out.refs.push(Ref {
                        field: Sym::new(key),
                        kind: *target,
                        id: item.to_text().trim().into(),
                        pos,
                    });
                }
            }
            FieldType::Email if key == "email" => out.email_pos = value_pos(key),
            _ => {}
        }
    }
}

/// Rules that span several fields of one record.
fn check_record(cfg: &Config, value_pos: &dyn Fn(&str) -> Pos, out: &mut Parsed) {
    let r = &out.record;
    let mut diags = Vec::new();
    if r.get("name").is_none() {
        diags.push(
            Diagnostic::warning("missing-name", format!("this {} has no `name`", r.kind)).help(
                format!(
                    "add a line `name: ...`; until then kith shows the id `{}`",
                    r.id
                ),
            ),
        );
    }
    match r.kind {
        Kind::Person => {
            let stage = r.lifecycle();
            if r.text("lead_status")
                .is_some_and(|s| s.eq_ignore_ascii_case("unqualified"))
                && r.get("unqualified_reason").is_none()
            {
                diags.push(
                    Diagnostic::warning(
                        "missing-reason",
                        "an unqualified lead has no `unqualified_reason`",
                    )
                    .pos(value_pos("lead_status"))
                    .help("say why, e.g. `unqualified_reason: no budget`"),
                );
            }
            if let Some(stage) = &stage
                && cfg.lifecycle.is_outside(stage)
                && r.get("other_reason").is_none()
            {
                diags.push(
                    Diagnostic::warning(
                        "missing-reason",
                        format!("lifecycle `{stage}` has no `other_reason`"),
                    )
                    .pos(value_pos(LIFECYCLE))
                    .help("say who they are, e.g. `other_reason: staff` (or supplier, partner)"),
                );
            }
        }
        Kind::Deal => {
            let pipeline_name = r.text("pipeline");
            match cfg.pipeline(pipeline_name) {
                None => diags.push(
                    Diagnostic::error(
                        "unknown-pipeline",
                        format!("unknown pipeline `{}`", pipeline_name.unwrap_or_default()),
                    )
                    .pos(value_pos("pipeline"))
                    .help(format!(
                        "pipelines: {}",
                        cfg.pipelines
                            .iter()
                            .map(|p| p.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                ),
                Some(pipeline) => {
                    if pipeline_name.is_none() && cfg.pipelines.len() > 1 {
                        diags.push(
                            Diagnostic::warning(
                                "missing-pipeline",
                                format!("no `pipeline`; kith assumes `{}`", pipeline.id),
                            )
                            .help(
                                "several pipelines are configured; say which one this deal is in",
                            ),
                        );
                    }
                    if let Some(stage) = r.text("stage") {
                        match pipeline.stage(stage.trim()) {
                            None => {
                                let ids = pipeline.stages.iter().map(|s| s.id.as_str());
                                let help =
                                    match crate::record::diag::did_you_mean(stage, ids.clone()) {
                                        Some(s) => format!("did you mean `{s}`?"),
                                        None => format!(
                                            "stages of `{}`: {}",
                                            pipeline.id,
                                            ids.collect::<Vec<_>>().join(", ")
                                        ),
                                    };
                                diags.push(
                                    Diagnostic::error(
                                        "unknown-deal-stage",
                                        format!("unknown deal stage `{stage}`"),
                                    )
                                    .pos(value_pos("stage"))
                                    .help(help),
                                );
                            }
                            Some(s)
                                if s.closed == Some(crate::record::config::Closed::Lost)
                                    && r.get("lost_reason").is_none() =>
                            {
                                diags.push(
                                    Diagnostic::warning("missing-reason", "a lost deal has no `lost_reason`")
                                        .pos(value_pos("stage"))
                                        .help("say why it was lost, e.g. `lost_reason: chose a competitor`"),
                                );
                            }
                            Some(_) => {}
                        }
                    }
                }
            }
        }
        Kind::Company => {}
    }
    out.diags.extend(diags);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_person(text: &str) -> Parsed {
        parse(
            Kind::Person,
            "ada",
            "contacts/ada.md",
            text.as_bytes(),
            &Config::default(),
        )
    }

    /// Types and teammates found once are not looked up again; every entry with an unknown one
    /// is still reported, however many known ones come first.
    #[test]
    fn every_unknown_type_and_teammate_is_reported() {
        let mut cfg = Config::default();
        cfg.teammates.push(crate::record::config::Teammate {
            id: "sam".into(),
            name: "Sam".into(),
            emails: Vec::new(),
            away: false,
        });
        let known = [
            "call",
            "email",
            "meeting",
            "visit",
            "reply",
            "download",
            "webinar",
            "note",
            "email-open",
            "form",
        ];
        let mut body = String::from("---\nname: Ada\n---\n\n## Activity\n\n");
        for (day, kind) in known
            .iter()
            .chain(&["bogus", "call", "bogus", "Call"])
            .enumerate()
        {
            let by = if day % 3 == 0 { "@kim" } else { "@Sam" };
            body.push_str(&format!("- 2026-11-{:02} {kind} {by}: text\n", day + 1));
        }
        let p = parse(
            Kind::Person,
            "ada",
            "contacts/ada.md",
            body.as_bytes(),
            &cfg,
        );
        let lines = |code: &str| -> Vec<u32> {
            p.diags
                .iter()
                .filter(|d| d.code == code)
                .map(|d| d.line)
                .collect()
        };
        assert_eq!(lines("unknown-activity-type"), [17, 19]);
        assert_eq!(lines("unknown-owner"), [7, 10, 13, 16, 19]);
        assert_eq!(p.record.activities.len(), 14);
    }

    #[test]
    fn wiki_links_are_references() {
        let cfg = Config::default();
        for company in [
            "\"[[acme]]\"",
            "[[acme]]",
            "\"[[acme|Acme Inc.]]\"",
            "[[acme|Acme]]",
        ] {
            let text = format!("---\nname: Ada\ncompany: {company}\n---\n");
            let p = parse(
                Kind::Person,
                "ada",
                "contacts/ada.md",
                text.as_bytes(),
                &cfg,
            );
            assert_eq!(p.record.text("company"), Some("acme"), "{company}");
            assert_eq!(p.refs[0].id, "acme", "{company}");
            assert!(p.diags.is_empty(), "{company}: {:?}", p.diags);
        }
        let text = "---\nname: Pilot\ncontacts: [\"[[ada]]\", bob]\n---\n";
        let p = parse(Kind::Deal, "pilot", "deals/pilot.md", text.as_bytes(), &cfg);
        let ids: Vec<&str> = p.refs.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["ada", "bob"]);
        assert_eq!(wiki_link("[[]]"), None);
        assert_eq!(wiki_link("[[a]] and [[b]]"), None);
    }

    #[test]
    fn parses_a_good_record() {
        let p = parse_person(
            "---\nname: Ada\nemail: ada@x.example\ncompany: acme\nlifecycle: lead\n---\nNotes.\n\n## Activity\n- 2026-11-18 visit: /pricing\n",
        );
        assert!(p.diags.is_empty(), "{:?}", p.diags);
        assert_eq!(p.record.name(), "Ada");
        assert_eq!(p.record.activities.len(), 1);
        assert_eq!(p.record.activities[0].line, 10);
        assert_eq!(p.refs[0].id, "acme");
        assert_eq!(p.email_pos, Pos::new(3, 8));
    }

    #[test]
    fn positions_point_into_the_file() {
        let p = parse_person("---\nname: Ada\ncreated: 2026-02-30\n---\n");
        assert_eq!(p.diags.len(), 1);
        let d = &p.diags[0];
        assert_eq!(
            (d.code, d.line, d.column, d.path.as_str()),
            ("invalid-date", 3, 10, "contacts/ada.md")
        );
        let p = parse_person("\u{feff}---\r\nname: Ada\r\nowner: @sam\r\n---\r\n");
        assert_eq!((p.diags[0].line, p.diags[0].column), (3, 8));
        assert!(p.record.broken);
    }

    #[test]
    fn reports_bad_bytes_and_missing_delimiters() {
        let p = parse_person("---\nname: Ad\u{0}a\n---\n");
        assert_eq!(p.diags[0].code, "yaml-syntax");
        let p = parse(
            Kind::Person,
            "ada",
            "contacts/ada.md",
            b"---\nname: Ad\xffa\n---\n",
            &Config::default(),
        );
        assert_eq!(
            (p.diags[0].code, p.diags[0].line, p.diags[0].column),
            ("invalid-utf8", 2, 9)
        );
        let p = parse_person("name: Ada\n");
        assert_eq!(p.diags[0].code, "missing-frontmatter");
    }
}
