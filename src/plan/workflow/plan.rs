//! What the workflows do on a day: who enters, which steps are due, who leaves, and the
//! changes each of those writes. Pure: it reads the index and plans [`Change`]s; the command
//! writes them through [`crate::edit::store`].
//!
//! A run depends only on the records and the date, so it is deterministic, and idempotent:
//! every step it plans is logged in the record, and a logged step is never planned again.
//! Steps are dated the day they fell due, so running daily or once a week ends the same.

use super::state::{self, Enrollment};
use crate::analysis::derive::Derived;
use crate::analysis::filter::Env;
use crate::analysis::workflow::{Assign, Step, Workflow};
use crate::edit::Change;
use crate::index::Index;
use crate::record::LIFECYCLE;
use crate::record::activity::Activity;
use crate::record::task::{Origin, Task};
use crate::record::value::Value;
use crate::record::{Kind, Record};
use crate::util::intern::Sym;
use jiff::ToSpan;
use jiff::civil::Date;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

/// What happens to one record in one workflow.
#[derive(Debug, Clone)]
pub struct Action {
    /// Position of the workflow in the compiled list.
    pub workflow: usize,
    pub kind: Kind,
    pub id: String,
    pub what: What,
    /// The day it is dated (a step's due day; the run's day for entering and leaving).
    pub on: Date,
    pub changes: Vec<Change>,
    /// What was left alone, and why (`owner kept: set by hand to priya`).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    Enter,
    /// Step number (1-based) and count.
    Step(usize, usize),
    Leave(String),
}

impl What {
    pub fn describe(&self) -> String {
        match self {
            What::Enter => "enters".into(),
            What::Step(n, m) => format!("step {n}/{m}"),
            What::Leave(why) => format!("leaves ({why})"),
        }
    }
}

/// Where each record stands in each workflow on a day: for `kith workflows` and the report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Standing {
    /// In the workflow now (entered, not left, steps to go).
    pub active: usize,
    /// Went through every step.
    pub completed: usize,
    /// Left before the last step.
    pub left: usize,
    /// Passes started (every `entered`).
    pub entered: usize,
    /// Passes whose person is at a later lifecycle stage now than on entering.
    pub converted: usize,
    /// The next step due after the day, and how many are due then.
    pub next: Option<(Date, usize)>,
}

/// Everything the workflows do on `derived.as_of`, workflow by workflow, records by id.
pub fn plan(index: &Index, derived: &Derived, workflows: &[Workflow]) -> Vec<Action> {
    let as_of = derived.as_of;
    let env = Env {
        index,
        cfg: &derived.cfg,
        as_of,
        computed: Some(derived),
    };
    let mut people: Vec<(usize, &Record)> = index
        .entries()
        .filter(|(slot, r)| r.kind == Kind::Person && !r.broken && !derived.excluded(*slot))
        .collect();
    people.sort_unstable_by(|a, b| a.1.id.cmp(&b.1.id));
    let mut out = Vec::new();
    for (wi, w) in workflows.iter().enumerate() {
        // The filters are the costly part: evaluate them in parallel, then plan in order.
        let candidates: Vec<(&Record, Vec<Enrollment>, bool, bool)> = people
            .par_iter()
            .filter_map(|&(slot, r)| {
                let passes = state::read(r, &w.name);
                let in_it = passes.last().is_some_and(|p| active(p, w));
                let matches = w.when.matches(&env, slot, r);
                if !matches && !in_it {
                    return None;
                }
                let exits = in_it
                    && w.exit
                        .as_ref()
                        .is_some_and(|(_, f)| f.matches(&env, slot, r));
                Some((r, passes, matches, exits))
            })
            .collect();
        let mut load = assignments(index, &w.name);
        for (r, passes, matches, exits) in candidates {
            plan_record(
                w, wi, r, &passes, matches, exits, as_of, index, &mut load, &mut out,
            );
        }
    }
    out
}

/// Whether a pass is still going: entered, not left, a step to go.
fn active(p: &Enrollment, w: &Workflow) -> bool {
    p.entered.is_some() && p.left.is_none() && (1..=w.steps.len()).any(|n| !p.done(n))
}

#[allow(clippy::too_many_arguments)]
fn plan_record(
    w: &Workflow,
    wi: usize,
    r: &Record,
    passes: &[Enrollment],
    matches: bool,
    exits: bool,
    as_of: Date,
    index: &Index,
    load: &mut FxHashMap<String, usize>,
    out: &mut Vec<Action>,
) {
    let action = |what: What, on: Date, changes: Vec<Change>, notes: Vec<String>| Action {
        workflow: wi,
        kind: r.kind,
        id: r.id.to_string(),
        what,
        on,
        changes,
        notes,
    };
    let dnc = r.do_not_contact();
    let current = passes.last().filter(|p| active(p, w));
    let pass = match current {
        Some(p) => {
            if let Some(why) = leave_reason(w, r, p, matches, exits, dnc, as_of) {
                let entry = log(as_of, format!("{} left: {why}", w.name));
                out.push(action(What::Leave(why), as_of, vec![entry], Vec::new()));
                return;
            }
            p.clone()
        }
        None => {
            let may_enter = matches
                && !dnc
                && match passes.last().and_then(|p| p.entered) {
                    None => passes.is_empty(),
                    Some(last) => w.reenroll.is_some_and(|days| {
                        last.checked_add(days.days()).is_ok_and(|d| d <= as_of)
                    }),
                };
            if !may_enter {
                return;
            }
            let snapshot: Vec<(String, Option<String>)> = watched(w)
                .into_iter()
                .map(|k| {
                    let v = r.get(&k).map(Value::to_text).filter(|v| state::storable(v));
                    (k, v)
                })
                .collect();
            let text = format!("{} entered ({})", w.name, state::format_pairs(&snapshot));
            out.push(action(
                What::Enter,
                as_of,
                vec![log(as_of, text)],
                Vec::new(),
            ));
            Enrollment {
                entered: Some(as_of),
                snapshot,
                ..Enrollment::default()
            }
        }
    };
    let entered = pass.entered.expect("active passes have entered");
    // Values as this run leaves them, step after step.
    let mut now: FxHashMap<String, Option<String>> = FxHashMap::default();
    let mut pass = pass;
    for (i, step) in w.steps.iter().enumerate() {
        let n = i + 1;
        let Ok(due) = entered.checked_add(step.day.days()) else {
            continue;
        };
        if pass.done(n) || due > as_of {
            continue;
        }
        let (changes, notes, writes) =
            step_changes(w, n, step, r, &pass, &mut now, due, index, load);
        for (k, v) in writes {
            pass.writes.push((k, v, due));
        }
        pass.steps.push((n, due));
        out.push(action(What::Step(n, w.steps.len()), due, changes, notes));
    }
}

/// Why an active pass ends today, if it does.
fn leave_reason(
    w: &Workflow,
    r: &Record,
    p: &Enrollment,
    matches: bool,
    exits: bool,
    dnc: bool,
    as_of: Date,
) -> Option<String> {
    if dnc {
        return Some("do not contact".into());
    }
    let entered = p.entered?;
    if let Some(a) = r
        .activities
        .iter()
        .filter(|a| a.date >= entered && a.date <= as_of)
        .find(|a| w.exit_on.iter().any(|t| a.kind == t.as_str()))
    {
        return Some(format!("{} on {}", a.kind, a.date));
    }
    if exits {
        let (src, _) = w.exit.as_ref()?;
        return Some(format!("matches `{src}`"));
    }
    if w.leave_when_unmatched && !matches {
        return Some("no longer matches the trigger".into());
    }
    None
}

/// The fields a workflow may write: remembered on entering so hand edits can be told apart.
fn watched(w: &Workflow) -> Vec<String> {
    let mut keys = vec![LIFECYCLE.to_string()];
    for s in &w.steps {
        if s.assign.is_some() && !keys.iter().any(|k| k == "owner") {
            keys.push("owner".into());
        }
        for (k, _) in &s.set {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
    }
    keys
}

type StepOut = (Vec<Change>, Vec<String>, Vec<(String, String)>);

/// The changes of one step: fields (never over a hand edit), the task, and the log entry.
#[allow(clippy::too_many_arguments)]
fn step_changes(
    w: &Workflow,
    n: usize,
    step: &Step,
    r: &Record,
    pass: &Enrollment,
    now: &mut FxHashMap<String, Option<String>>,
    due: Date,
    index: &Index,
    load: &mut FxHashMap<String, usize>,
) -> StepOut {
    let mut changes = Vec::new();
    let mut notes = Vec::new();
    let mut wrote: Vec<(String, String)> = Vec::new();
    let mut written: Vec<String> = Vec::new();
    let current = |now: &FxHashMap<String, Option<String>>, k: &str| -> Option<String> {
        match now.get(k) {
            Some(v) => v.clone(),
            None => r.get(k).map(Value::to_text),
        }
    };
    let mut wanted: Vec<(String, Value, String)> = Vec::new();
    let owner_away = |o: &str| index.config.teammate(o).is_some_and(|t| t.away);
    if let Some(rule) = &step.assign
        && (rule.overwrite || current(now, "owner").is_none_or(|o| owner_away(&o)))
    {
        match choose(rule, r, index, load) {
            Some((who, why)) => wanted.push(("owner".into(), Value::str(&who), why)),
            None => notes.push("nobody to assign: every candidate is away".into()),
        }
    }
    for (k, v) in &step.set {
        wanted.push((k.clone(), v.clone(), String::new()));
    }
    for (k, v, why) in wanted {
        let have = current(now, &k);
        let text = v.to_text();
        if have.as_deref() == Some(text.as_str()) {
            continue;
        }
        let by_hand = match pass.known(&k) {
            Some(known) => known != have.as_deref(),
            None => false,
        };
        if by_hand {
            notes.push(format!(
                "{k} kept: set by hand to {} after the workflow last touched it",
                have.as_deref().unwrap_or("nothing")
            ));
            continue;
        }
        if k == "owner" {
            *load.entry(text.clone()).or_default() += 1;
        }
        now.insert(k.clone(), Some(text.clone()));
        changes.push(Change::Set(k.clone(), v));
        written.push(if why.is_empty() {
            format!("{k}={text}")
        } else {
            format!("{k}={text} ({why})")
        });
        if state::storable(&text) {
            wrote.push((k, text));
        }
    }
    let mut parts = Vec::new();
    if !written.is_empty() {
        parts.push(format!("set {}", written.join(", ")));
    }
    if let Some(spec) = &step.task {
        let owner = spec.owner.clone().or_else(|| current(now, "owner"));
        let task = Task {
            done: false,
            due: due.checked_add(spec.due.days()).unwrap_or(due),
            time: None,
            kind: Sym::new(&spec.kind),
            owner: owner.as_deref().map(Sym::new),
            deal: None,
            text: spec.text.as_str().into(),
            origin: Origin::Workflow(Sym::new(&w.name)),
            done_on: None,
            line: 0,
        };
        let mut part = format!("task {} \"{}\"", spec.kind, spec.text);
        if let Some(o) = &owner {
            part.push_str(&format!(" for @{o}"));
        }
        part.push_str(&format!(" due {}", task.due));
        parts.push(part);
        // A task already there (the log entry lost in an edit) is not written twice.
        if !r.tasks.iter().any(|t| t.same(&task)) {
            changes.push(Change::AddTask(task));
        }
    }
    for note in &notes {
        parts.push(note.clone());
    }
    let mut text = format!("{} step {n}/{}", w.name, w.steps.len());
    if !parts.is_empty() {
        text.push_str(": ");
        text.push_str(&parts.join("; "));
    }
    changes.push(log(due, text));
    (changes, notes, wrote)
}

/// The owner an assignment rule picks: the territory's teammates for the person's (or their
/// company's) country, else the team; never someone away; the one with the fewest hand-offs
/// from this workflow so far, the first listed on a tie.
fn choose(
    rule: &Assign,
    r: &Record,
    index: &Index,
    load: &FxHashMap<String, usize>,
) -> Option<(String, String)> {
    let cfg = &index.config;
    let available = |ids: &[String]| -> Vec<String> {
        ids.iter()
            .filter(|id| cfg.teammate(id).is_some_and(|t| !t.away))
            .cloned()
            .collect()
    };
    let country = r
        .text("country")
        .map(str::to_string)
        .or_else(|| {
            let company = r.text("company")?;
            index
                .get(Kind::Company, company)?
                .text("country")
                .map(str::to_string)
        })
        .map(|c| c.trim().to_uppercase());
    let least = |ids: Vec<String>| -> Option<String> {
        ids.into_iter()
            .enumerate()
            .min_by_key(|(i, id)| (load.get(id).copied().unwrap_or(0), *i))
            .map(|(_, id)| id)
    };
    if let Some(c) = &country
        && let Some((_, who)) = rule.territories.iter().find(|(t, _)| t == c)
        && let Some(id) = least(available(who))
    {
        return Some((id, format!("territory {c}")));
    }
    least(available(&rule.team)).map(|id| (id, "round robin".to_string()))
}

/// Hand-offs so far by teammate: the `owner=` writes in this workflow's entries.
fn assignments(index: &Index, name: &str) -> FxHashMap<String, usize> {
    let mut out = FxHashMap::default();
    for r in index.records().filter(|r| r.kind == Kind::Person) {
        for p in state::read(r, name) {
            for (k, v, _) in p.writes {
                if k == "owner" {
                    *out.entry(v).or_default() += 1;
                }
            }
        }
    }
    out
}

fn log(on: Date, text: String) -> Change {
    Change::Log(Activity {
        date: on,
        time: None,
        kind: Sym::new("workflow"),
        by: None,
        deal: None,
        text: text.into(),
        line: 0,
        kind_col: 0,
    })
}

/// Where the records stand in each workflow on `as_of`.
pub fn standings(index: &Index, workflows: &[Workflow], as_of: Date) -> Vec<Standing> {
    let cfg = &index.config;
    workflows
        .iter()
        .map(|w| {
            let mut s = Standing::default();
            let mut next: FxHashMap<Date, usize> = FxHashMap::default();
            for r in index.records().filter(|r| r.kind == Kind::Person) {
                for p in state::read(r, &w.name) {
                    let Some(entered) = p.entered else { continue };
                    if entered > as_of {
                        continue;
                    }
                    s.entered += 1;
                    match p.status(w.steps.len()) {
                        state::Status::Left => s.left += 1,
                        state::Status::Completed => s.completed += 1,
                        state::Status::Active => {
                            s.active += 1;
                            for (i, step) in w.steps.iter().enumerate() {
                                if !p.done(i + 1)
                                    && let Ok(d) = entered.checked_add(step.day.days())
                                {
                                    *next.entry(d.max(as_of)).or_default() += 1;
                                    break;
                                }
                            }
                        }
                    }
                    s.converted += usize::from(p.converted(r, &cfg.lifecycle));
                }
            }
            s.next = next.into_iter().min();
            s
        })
        .collect()
}

impl Action {
    /// The record's path in the workspace.
    pub fn path(&self) -> String {
        crate::record::layout::rel(self.kind, &self.id)
    }

    /// The tasks this action adds.
    pub fn tasks(&self) -> impl Iterator<Item = &Task> {
        self.changes.iter().filter_map(|c| match c {
            Change::AddTask(t) => Some(t),
            _ => None,
        })
    }

    /// The fields this action sets.
    pub fn sets(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.changes.iter().filter_map(|c| match c {
            Change::Set(k, v) => Some((k.as_str(), v)),
            _ => None,
        })
    }
}
