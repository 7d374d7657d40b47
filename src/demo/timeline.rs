//! One record's life, read back from its final text: the activity entries (with their dates,
//! who logged them, and the stage moves among them) and the references that must exist first.
//! [`Timeline::render`] writes the record as it stood when only some of those entries had
//! happened: later entries cut out, and the stage field, `lifecycle_changed` and the fields
//! that go with a stage as they were then.
//!
//! The final text is never rebuilt, only cut and edited through [`crate::edit`], so a record
//! whose every entry has happened renders as its final text, byte for byte.

use crate::edit::Doc;
use crate::record::Kind;
use crate::record::config::{Closed, Config};
use crate::record::value::Value;
use crate::record::{activity, body, frontmatter, schema, yaml};
use anyhow::{Context, Result, bail};
use jiff::civil::Date;
use std::ops::Range;

/// A record and the entries of its activity log.
#[derive(Debug, Clone)]
pub struct Timeline {
    pub kind: Kind,
    pub id: String,
    /// `contacts/ben-carver.md`.
    pub path: String,
    /// The record as it ends up.
    pub text: String,
    /// The `created` field.
    pub created: Option<Date>,
    pub owner: Option<String>,
    /// The activity entries in file order (the log is oldest first).
    pub items: Vec<Item>,
    /// Records this one names in `company` and `contacts`: (field, kind, id).
    pub refs: Vec<(&'static str, Kind, String)>,
    /// The stage field's final value (`lifecycle` of a person, `stage` of a deal).
    final_stage: Option<String>,
    /// A deal's `pipeline`.
    pipeline: Option<String>,
    /// Where the `## Activity` list is: its heading line and the end of its section.
    section: Option<(Range<usize>, usize)>,
    /// Where the body starts.
    body_start: usize,
}

/// One activity entry.
#[derive(Debug, Clone)]
pub struct Item {
    /// The entry's whole lines in the record's text.
    lines: Range<usize>,
    pub date: Date,
    pub time: Option<(u8, u8)>,
    /// The activity type (`call`, `visit`, `stage`).
    pub kind: String,
    /// The teammate in `@by`.
    pub by: Option<String>,
    /// For a `stage` entry (`lead → sql`), the move it records.
    pub stage: Option<Move>,
}

/// A stage move: `from → to`. `from` is `contact` for a person without a lifecycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    pub from: String,
    pub to: String,
}

/// What the stage of a person without one is called in `stage` entries.
pub const NO_LIFECYCLE: &str = "contact";

impl Timeline {
    /// Reads a record's final text.
    pub fn read(cfg: &Config, kind: Kind, id: &str, text: String) -> Result<Timeline> {
        let path = crate::record::layout::rel(kind, id);
        let split =
            frontmatter::split(&text).map_err(|d| anyhow::anyhow!("{path}: {}", d.message))?;
        let fm = yaml::parse(split.frontmatter(&text));
        if let Some(e) = &fm.error {
            bail!("{path}: its frontmatter is not valid: {}", e.message);
        }
        let field = |key: &str| {
            fm.fields
                .iter()
                .find(|(k, v)| k == key && !v.is_null())
                .map(|(_, v)| v)
        };
        let text_of = |key: &str| field(key).map(|v| v.to_text().trim().to_string());
        let created = text_of("created").and_then(|s| activity::parse_date(&s));
        let owner = text_of("owner");
        let stage_key = crate::report::timeline::stage_field(kind);
        let final_stage = stage_key.and_then(text_of);
        let pipeline = text_of("pipeline");
        let mut refs = Vec::new();
        if kind != Kind::Company
            && let Some(company) = text_of("company")
        {
            refs.push(("company", Kind::Company, company));
        }
        if kind == Kind::Deal
            && let Some(contacts) = field("contacts")
        {
            for c in contacts.items() {
                refs.push(("contacts", Kind::Person, c.to_text().trim().to_string()));
            }
        }
        let body_text = split.body(&text);
        let base = split.body_start;
        let mut items = Vec::new();
        let mut section = None;
        if let Some(s) = body::find_section(body_text, "Activity") {
            section = Some((
                base + s.heading.start..base + s.heading.end,
                base + s.content.end,
            ));
            for r in &s.items {
                let raw = &body_text[r.clone()];
                let first = raw.lines().next().unwrap_or("");
                let first = first
                    .trim_start()
                    .trim_start_matches(['-', '*', '+'])
                    .trim_start();
                let Ok(a) = activity::parse_entry(first, "") else {
                    continue; // not an entry: an ordinary note, always there
                };
                let end = r.start + raw.trim_end().len();
                let lines = base + line_start(body_text, r.start)..base + line_end(body_text, end);
                let stage = (a.kind == "stage")
                    .then(|| parse_move(cfg, kind, pipeline.as_deref(), &a.text))
                    .flatten();
                items.push(Item {
                    lines,
                    date: a.date,
                    time: a.time,
                    kind: a.kind.to_string(),
                    by: a.by.map(|s| s.to_string()),
                    stage,
                });
            }
        }
        Ok(Timeline {
            kind,
            id: id.to_string(),
            path,
            text,
            created,
            owner,
            items,
            refs,
            final_stage,
            pipeline,
            section,
            body_start: split.body_start,
        })
    }

    /// The stage the record was at with these entries applied (`None`: a person without a
    /// lifecycle, or a record without a stage field).
    pub fn stage_at(&self, applied: &[bool]) -> Option<String> {
        let moves: Vec<(usize, &Move)> = self
            .items
            .iter()
            .enumerate()
            .filter_map(|(i, it)| it.stage.as_ref().map(|m| (i, m)))
            .collect();
        if moves.iter().all(|(i, _)| applied[*i]) {
            return self.final_stage.clone();
        }
        let stage = match moves.iter().rev().find(|(i, _)| applied[*i]) {
            Some((_, m)) => &m.to,
            None => &moves[0].1.from,
        };
        (stage != NO_LIFECYCLE).then(|| stage.clone())
    }

    /// The record's text with only the `applied` entries (a flag per item) and only the
    /// references for which `exists` says yes.
    pub fn render(
        &self,
        cfg: &Config,
        applied: &[bool],
        exists: impl Fn(Kind, &str) -> bool,
    ) -> Result<String> {
        let mut draft = Draft {
            text: self.cut_entries(applied),
            path: &self.path,
        };
        let moves_ahead = self
            .items
            .iter()
            .zip(applied)
            .any(|(it, done)| !done && it.stage.is_some());
        if moves_ahead {
            self.set_stage_back(cfg, applied, &mut draft)?;
        }
        let missing: Vec<&(&str, Kind, String)> = self
            .refs
            .iter()
            .filter(|(_, kind, id)| !exists(*kind, id))
            .collect();
        let contacts = self
            .refs
            .iter()
            .filter(|(f, _, _)| *f == "contacts")
            .count();
        let missing_contacts = missing.iter().filter(|(f, _, _)| *f == "contacts").count();
        for (field, _, id) in missing {
            match *field {
                "contacts" if missing_contacts < contacts => {
                    draft.edit(|d| d.list_remove(field, id))?
                }
                _ => draft.edit(|d| d.remove(field))?,
            }
        }
        Ok(draft.text)
    }

    /// Sets the stage field back to what the applied moves left it at, with the fields that
    /// go with a stage: `lifecycle_changed` the day of the last move (none before the first),
    /// and a lead's status and a lost deal's reason only once they apply.
    fn set_stage_back(&self, cfg: &Config, applied: &[bool], draft: &mut Draft) -> Result<()> {
        let Some(key) = crate::report::timeline::stage_field(self.kind) else {
            return Ok(());
        };
        let ty = |key: &str| schema::field_type(cfg, self.kind, key);
        let at = self.stage_at(applied);
        match &at {
            Some(stage) => {
                draft.edit(|d| Some(d.set(key, &Value::str(stage), ty(key).as_ref())))?
            }
            None => draft.edit(|d| d.remove(key))?,
        }
        let dropped = match self.kind {
            Kind::Person => self.person_fields_to_drop(cfg, at.as_deref()),
            Kind::Deal
                if self.is_lost(cfg, self.final_stage.as_deref())
                    && !self.is_lost(cfg, at.as_deref()) =>
            {
                vec!["lost_reason"]
            }
            _ => Vec::new(),
        };
        for key in dropped {
            draft.edit(|d| d.remove(key))?;
        }
        if self.kind == Kind::Person {
            let key = "lifecycle_changed";
            let last_move = self
                .items
                .iter()
                .zip(applied)
                .filter(|(it, done)| **done && it.stage.is_some())
                .map(|(it, _)| it.date.to_string())
                .next_back();
            match last_move {
                Some(date) => draft.edit(|d| {
                    d.fm.scan
                        .get(key)
                        .map(|_| d.set(key, &Value::str(&date), ty(key).as_ref()))
                })?,
                None => draft.edit(|d| d.remove(key))?,
            }
        }
        Ok(())
    }

    /// The fields a person had not yet at stage `at`: a lead's status and reasons before they
    /// were a lead, `other_reason` before they were `other`.
    fn person_fields_to_drop(&self, cfg: &Config, at: Option<&str>) -> Vec<&'static str> {
        let lc = &cfg.lifecycle;
        let mut out = Vec::new();
        if at != self.final_stage.as_deref() && !at.is_some_and(|s| lc.is_lead(s)) {
            out.extend(["lead_status", "unqualified_reason"]);
        }
        if self
            .final_stage
            .as_deref()
            .is_some_and(|s| lc.is_outside(s))
            && !at.is_some_and(|s| lc.is_outside(s))
        {
            out.push("other_reason");
        }
        out
    }

    fn is_lost(&self, cfg: &Config, stage: Option<&str>) -> bool {
        stage.and_then(|s| self.closed(cfg, s)) == Some(Closed::Lost)
    }

    /// Whether a deal stage of this deal's pipeline is won or lost.
    pub fn closed(&self, cfg: &Config, stage: &str) -> Option<Closed> {
        cfg.pipeline(self.pipeline.as_deref())?.stage(stage)?.closed
    }

    /// The final text without the entries not yet applied; without the `## Activity` section
    /// too when none is left.
    fn cut_entries(&self, applied: &[bool]) -> String {
        if applied.iter().all(|a| *a) {
            return self.text.clone();
        }
        let cuts: Vec<Range<usize>> = match self.removable_section() {
            Some(section) if !applied.contains(&true) => vec![section],
            _ => self
                .items
                .iter()
                .zip(applied)
                .filter(|(_, done)| !**done)
                .map(|(it, _)| it.lines.clone())
                .collect(),
        };
        let mut out = String::with_capacity(self.text.len());
        let mut at = 0;
        for c in cuts {
            out.push_str(&self.text[at..c.start]);
            at = c.end;
        }
        out.push_str(&self.text[at..]);
        out
    }

    /// The `## Activity` section and the blank lines before it, when it ends the file and
    /// holds nothing but entries (a record without entries has no such section).
    fn removable_section(&self) -> Option<Range<usize>> {
        let (heading, end) = self.section.clone()?;
        if end != self.text.len() {
            return None;
        }
        let mut at = heading.end;
        for it in &self.items {
            if !self.text[at..it.lines.start].trim().is_empty() {
                return None;
            }
            at = it.lines.end;
        }
        if !self.text[at..end].trim().is_empty() {
            return None;
        }
        let mut from = heading.start;
        while let Some(prev) = self.text[..from].strip_suffix('\n') {
            let line = prev.rfind('\n').map_or(0, |i| i + 1);
            if line < self.body_start || !prev[line..].trim().is_empty() {
                break;
            }
            from = line;
        }
        Some(from..end)
    }
}

/// A version of a record being written, edit by edit.
struct Draft<'a> {
    text: String,
    path: &'a str,
}

impl Draft<'_> {
    /// Applies an edit of the loss-free editor (`None`: nothing to change).
    fn edit(&mut self, f: impl FnOnce(&Doc) -> Option<String>) -> Result<()> {
        let doc = Doc::parse(&self.text).with_context(|| format!("cannot replay {}", self.path))?;
        if let Some(new) = f(&doc) {
            self.text = new;
        }
        Ok(())
    }
}

/// `lead → sql`, `customer → other (partner)`: the move, if both ends are stages kith knows.
fn parse_move(cfg: &Config, kind: Kind, pipeline: Option<&str>, text: &str) -> Option<Move> {
    let (from, to) = crate::report::timeline::parse_stage_entry(text)?;
    let known = |s: &str| match kind {
        Kind::Person => cfg.lifecycle.is_known(s),
        Kind::Deal => cfg.pipeline(pipeline).is_some_and(|p| p.stage(s).is_some()),
        Kind::Company => false,
    };
    let from_ok = known(&from) || (kind == Kind::Person && from == NO_LIFECYCLE);
    (from_ok && known(&to)).then_some(Move { from, to })
}

fn line_start(s: &str, pos: usize) -> usize {
    s[..pos].rfind('\n').map_or(0, |i| i + 1)
}

fn line_end(s: &str, pos: usize) -> usize {
    s[pos..].find('\n').map_or(s.len(), |i| pos + i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PERSON: &str = "---\nname: Ada\nlifecycle: sql\nlifecycle_changed: 2026-10-28\nlead_status: working\ncompany: acme\nowner: sam\n---\nMet at the webinar.\n\n## Activity\n- 2026-10-15 email @sam: outreach\n- 2026-10-20 form: asked for a trial,\n  with a second line\n- 2026-10-20 stage: subscriber → lead\n- 2026-10-28 stage @sam: lead → sql\n";

    fn person() -> Timeline {
        Timeline::read(&Config::default(), Kind::Person, "ada", PERSON.into()).unwrap()
    }

    fn all(_: Kind, _: &str) -> bool {
        true
    }

    #[test]
    fn reads_the_entries_and_their_moves() {
        let t = person();
        assert_eq!(t.path, "contacts/ada.md");
        assert_eq!(t.owner.as_deref(), Some("sam"));
        assert_eq!(t.refs, [("company", Kind::Company, "acme".to_string())]);
        let kinds: Vec<&str> = t.items.iter().map(|i| i.kind.as_str()).collect();
        assert_eq!(kinds, ["email", "form", "stage", "stage"]);
        assert_eq!(t.items[0].by.as_deref(), Some("sam"));
        assert_eq!(
            t.items[3].stage,
            Some(Move {
                from: "lead".into(),
                to: "sql".into()
            })
        );
        assert_eq!(
            &PERSON[t.items[1].lines.clone()],
            "- 2026-10-20 form: asked for a trial,\n  with a second line\n"
        );
    }

    #[test]
    fn with_every_entry_it_is_the_final_text() {
        let t = person();
        assert_eq!(
            t.render(&Config::default(), &[true; 4], all).unwrap(),
            PERSON
        );
    }

    #[test]
    fn earlier_versions_have_the_stage_and_fields_of_their_day() {
        let t = person();
        let cfg = Config::default();
        // Before becoming a lead: a subscriber, no lead status, no stage date.
        assert_eq!(
            t.render(&cfg, &[true, false, false, false], all).unwrap(),
            "---\nname: Ada\nlifecycle: subscriber\ncompany: acme\nowner: sam\n---\nMet at the webinar.\n\n## Activity\n- 2026-10-15 email @sam: outreach\n"
        );
        // A lead since 20 October.
        assert_eq!(
            t.render(&cfg, &[true, true, true, false], all).unwrap(),
            "---\nname: Ada\nlifecycle: lead\nlifecycle_changed: 2026-10-20\nlead_status: working\ncompany: acme\nowner: sam\n---\nMet at the webinar.\n\n## Activity\n- 2026-10-15 email @sam: outreach\n- 2026-10-20 form: asked for a trial,\n  with a second line\n- 2026-10-20 stage: subscriber → lead\n"
        );
        // Nothing logged yet, and the company not created yet: no `## Activity`, no `company`.
        assert_eq!(
            t.render(&cfg, &[false; 4], |kind, _| kind != Kind::Company)
                .unwrap(),
            "---\nname: Ada\nlifecycle: subscriber\nowner: sam\n---\nMet at the webinar.\n"
        );
    }

    #[test]
    fn a_deal_gets_its_reason_when_lost_and_its_contacts_once_they_exist() {
        let text = "---\nname: Pilot\nstage: closed-lost\ncontacts: [ada, bob]\nlost_reason: >\n  went with\n  a competitor\n---\n## Activity\n- 2026-10-01 stage @sam: appointment-scheduled → closed-lost\n";
        let cfg = Config::default();
        let t = Timeline::read(&cfg, Kind::Deal, "pilot", text.into()).unwrap();
        assert_eq!(t.render(&cfg, &[true], all).unwrap(), text);
        assert_eq!(
            t.render(&cfg, &[false], |_, id| id == "ada").unwrap(),
            "---\nname: Pilot\nstage: appointment-scheduled\ncontacts: [ada]\n---\n"
        );
        assert_eq!(
            t.render(&cfg, &[false], |_, _| false).unwrap(),
            "---\nname: Pilot\nstage: appointment-scheduled\n---\n"
        );
        assert_eq!(t.closed(&cfg, "closed-lost"), Some(Closed::Lost));
    }

    #[test]
    fn staff_get_their_reason_with_their_stage() {
        let text = "---\nname: Ines\nlifecycle: other\nother_reason: staff\n---\n## Activity\n- 2026-10-01 stage: contact → other (staff)\n";
        let cfg = Config::default();
        let t = Timeline::read(&cfg, Kind::Person, "ines", text.into()).unwrap();
        assert_eq!(
            t.render(&cfg, &[false], all).unwrap(),
            "---\nname: Ines\n---\n"
        );
        assert_eq!(t.stage_at(&[false]), None);
        assert_eq!(t.stage_at(&[true]).as_deref(), Some("other"));
    }

    #[test]
    fn entries_that_are_not_moves_move_nothing() {
        for text in ["lead to sql", "lead → nowhere", "→ sql", ""] {
            assert_eq!(
                parse_move(&Config::default(), Kind::Person, None, text),
                None,
                "{text}"
            );
        }
        assert_eq!(
            parse_move(
                &Config::default(),
                Kind::Person,
                None,
                "Customer -> Other (partner)"
            ),
            Some(Move {
                from: "customer".into(),
                to: "other".into()
            })
        );
    }
}
