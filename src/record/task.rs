//! Follow-up tasks: markdown task-list items under a record's `## Tasks` heading.
//!
//! A task reads like an activity entry behind a checkbox, with optional notes in parentheses
//! at the end that say where it came from and when it was done:
//!
//! ```text
//! ## Tasks
//! - [ ] 2026-11-27 call @sam: confirm pilot scope (from @priya)
//! - [x] 2026-11-20 email @sam: send the welcome pack (workflow new-lead-nurture) (done 2026-11-21)
//! ```
//!
//! So tasks read and edit naturally in any editor and render as checkboxes on any markdown
//! host. This module owns the grammar (parse and format); [`crate::edit`] inserts and ticks them.

use crate::record::Record;
use crate::record::activity::{self, Activity};
use crate::record::body::{self, Section};
use crate::util::intern::Sym;
use anyhow::{Result, bail};
use compact_str::CompactString;
use jiff::civil::Date;

/// The heading tasks live under.
pub const SECTION: &str = "Tasks";

/// One follow-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub done: bool,
    pub due: Date,
    pub time: Option<(u8, u8)>,
    /// What kind of touch (`call`, `email`, ...), lowercased.
    pub kind: Sym,
    /// The teammate who is to do it.
    pub owner: Option<Sym>,
    pub deal: Option<Sym>,
    /// The text, without the notes in parentheses at the end.
    pub text: CompactString,
    /// Why the task exists.
    pub origin: Origin,
    /// When it was ticked, if the line says so.
    pub done_on: Option<Date>,
    /// 1-based line in the file (0 when not from a file).
    pub line: u32,
}

/// Who asked for a task.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Origin {
    #[default]
    Unknown,
    /// A teammate (`(from @priya)`).
    Teammate(Sym),
    /// A workflow's step (`(workflow sql-handoff)`).
    Workflow(Sym),
}

impl Task {
    /// The task as an activity entry of its own type (what doing it amounts to).
    pub fn as_activity(&self) -> Activity {
        Activity {
            date: self.due,
            time: self.time,
            kind: self.kind,
            by: self.owner,
            deal: self.deal,
            text: self.text.clone(),
            line: self.line,
            kind_col: 0,
        }
    }

    /// Whether two tasks say the same, wherever they are in the file.
    pub fn same(&self, other: &Task) -> bool {
        Task {
            line: 0,
            ..self.clone()
        } == Task {
            line: 0,
            ..other.clone()
        }
    }

    /// Whether the task is open and due on or before `day`.
    pub fn due_by(&self, day: Date) -> bool {
        !self.done && self.due <= day
    }
}

/// A task line that could not be read: 1-based line and column, and why.
pub type Problem = body::EntryProblem;

/// Reads the tasks of a body; `first_line` is the body's first line number in the file.
pub fn read(body_text: &str, first_line: u32) -> (Vec<Task>, Vec<Problem>) {
    if !body_text.contains("[") {
        return (Vec::new(), Vec::new());
    }
    match body::find_section(body_text, SECTION) {
        Some(s) => read_section(body_text, first_line, &s),
        None => (Vec::new(), Vec::new()),
    }
}

/// The tasks of a `## Tasks` section already found in `body_text`.
pub fn read_section(
    body_text: &str,
    first_line: u32,
    section: &Section,
) -> (Vec<Task>, Vec<Problem>) {
    let mut tasks = Vec::new();
    let mut problems = Vec::new();
    for item in body::items(body_text, first_line, section) {
        match parse_line(item.first, &item.rest) {
            Ok(mut t) => {
                t.line = item.line;
                tasks.push(t);
            }
            Err(e) => problems.push(Problem {
                line: item.line,
                column: item.column + e.col + 1,
                message: e.message,
            }),
        }
    }
    (tasks, problems)
}

/// Parses a task's text after its list marker: `[ ] DATE [HH:MM] TYPE [@owner] [#deal]: text`.
pub fn parse_line(first: &str, rest: &str) -> Result<Task, activity::EntryError> {
    let (done, after) = match checkbox(first) {
        Some(found) => found,
        None => {
            return Err(activity::EntryError {
                col: 0,
                message: "a task starts with a checkbox: `- [ ]` (open) or `- [x]` (done)".into(),
            });
        }
    };
    let skipped = first.len() - after.len();
    let mut a = activity::parse_entry(after, rest).map_err(|mut e| {
        e.col += skipped as u32;
        e.message = e
            .message
            .replace(
                "an activity entry must start with a date",
                "the checkbox must be followed by the due date",
            )
            .replace("the entry's date", "the due date")
            .replace("the entry has no type", "the task has no type");
        e
    })?;
    let (text, origin, done_on) = annotations(&a.text);
    a.text = CompactString::from(text);
    Ok(Task {
        done,
        due: a.date,
        time: a.time,
        kind: a.kind,
        owner: a.by,
        deal: a.deal,
        text: a.text,
        origin,
        done_on,
        line: 0,
    })
}

/// `[ ] rest` / `[x] rest`: whether ticked, and the rest.
fn checkbox(s: &str) -> Option<(bool, &str)> {
    let b = s.as_bytes();
    if b.len() < 3 || b[0] != b'[' || b[2] != b']' {
        return None;
    }
    let done = match b[1] {
        b' ' => false,
        b'x' | b'X' => true,
        _ => return None,
    };
    Some((done, s[3..].trim_start()))
}

/// Splits the trailing `(from @x)`, `(workflow name)` and `(done DATE)` notes off a task's text.
fn annotations(text: &str) -> (&str, Origin, Option<Date>) {
    let mut text = text.trim_end();
    let mut origin = Origin::Unknown;
    let mut done_on = None;
    while text.ends_with(')') {
        let Some(open) = text.rfind('(') else { break };
        let inner = &text[open + 1..text.len() - 1];
        if let Some(who) = inner.strip_prefix("from @").filter(|w| is_word(w)) {
            origin = Origin::Teammate(Sym::new(who));
        } else if let Some(name) = inner.strip_prefix("workflow ").filter(|w| is_word(w)) {
            origin = Origin::Workflow(Sym::new(name));
        } else if let Some(d) = inner.strip_prefix("done ").and_then(activity::parse_date) {
            done_on = Some(d);
        } else {
            break;
        }
        text = text[..open].trim_end();
    }
    (text, origin, done_on)
}

fn is_word(w: &str) -> bool {
    !w.is_empty()
        && w.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Formats a task as a list item (continuation lines indented), without a final line ending.
pub fn format(t: &Task, nl: &str) -> String {
    let mut a = t.as_activity();
    let mut text = a.text.to_string();
    match &t.origin {
        Origin::Unknown => {}
        Origin::Teammate(who) => text.push_str(&format!(" (from @{who})")),
        Origin::Workflow(name) => text.push_str(&format!(" (workflow {name})")),
    }
    if let Some(d) = t.done_on {
        text.push_str(&format!(" (done {d})"));
    }
    a.text = text.trim_start().into();
    let entry = activity::format_entry(&a, nl);
    let mark = if t.done { "[x]" } else { "[ ]" };
    format!("- {mark} {}", entry.strip_prefix("- ").unwrap_or(&entry))
}

/// A record's open tasks in the order kith numbers them (due first; file order on a tie).
pub fn open_tasks(tasks: &[Task]) -> Vec<&Task> {
    let mut open: Vec<&Task> = tasks.iter().filter(|t| !t.done).collect();
    open.sort_by_key(|t| (t.due, t.time, t.line));
    open
}

/// One line of the agenda.
#[derive(Debug, Clone)]
pub struct Due<'a> {
    pub record: &'a crate::record::Record,
    pub task: &'a Task,
    /// Its number among the record's open tasks (1-based), for `kith done ID N`.
    pub n: usize,
}

/// Open tasks due by `until` (every open task when `None`), oldest first, optionally only
/// those of one owner (`Some(None)`: those with no owner).
pub fn agenda<'a>(
    records: impl Iterator<Item = &'a crate::record::Record>,
    until: Option<Date>,
    owner: Option<Option<&str>>,
) -> Vec<Due<'a>> {
    let mut out: Vec<Due> = Vec::new();
    for r in records.filter(|r| !r.tasks.is_empty()) {
        for (i, task) in open_tasks(&r.tasks).into_iter().enumerate() {
            let owner_ok = match owner {
                None => true,
                Some(None) => task.owner.is_none(),
                Some(Some(o)) => task.owner.is_some_and(|t| t.eq_ignore_ascii_case(o)),
            };
            if owner_ok && until.is_none_or(|u| task.due <= u) {
                out.push(Due {
                    record: r,
                    task,
                    n: i + 1,
                });
            }
        }
    }
    out.sort_by(|a, b| {
        (a.task.due, a.task.time, &a.record.id, a.n).cmp(&(
            b.task.due,
            b.task.time,
            &b.record.id,
            b.n,
        ))
    });
    out
}

impl Origin {
    /// Why the task exists, for people: `asked by @priya`, `workflow sql-handoff`.
    pub fn describe(&self) -> String {
        match self {
            Origin::Unknown => String::new(),
            Origin::Teammate(t) => format!("asked by @{t}"),
            Origin::Workflow(w) => format!("workflow {w}"),
        }
    }
}

/// The open task a command means, with its number: task `n` (1 = due first), the one whose
/// text contains `matching` (case aside), or the only one when neither is given.
pub fn pick<'a>(
    record: &'a Record,
    n: Option<usize>,
    matching: Option<&str>,
    verb: &str,
) -> Result<(usize, &'a Task)> {
    let open: Vec<(usize, &Task)> = open_tasks(&record.tasks)
        .into_iter()
        .enumerate()
        .map(|(i, t)| (i + 1, t))
        .collect();
    let all = || numbered(open.iter().copied());
    let k = open.len();
    if k == 0 {
        bail!("{} has no open tasks", record.path());
    }
    if let Some(words) = matching {
        let found: Vec<(usize, &Task)> = open
            .iter()
            .copied()
            .filter(|(_, t)| task_matches(t, words))
            .collect();
        return match found.as_slice() {
            [one] => Ok(*one),
            [] => bail!(
                "no open task of {} matches `{words}`; its open tasks:\n{}",
                record.path(),
                all()
            ),
            several => bail!(
                "{} open tasks of {} match `{words}`; say which: `kith {verb} {} N`\n{}",
                several.len(),
                record.path(),
                record.id,
                numbered(several.iter().copied())
            ),
        };
    }
    match n {
        None if k == 1 => Ok(open[0]),
        None => bail!(
            "{} has {k} open tasks; say which: `kith {verb} {} N` or `--match TEXT`\n{}",
            record.path(),
            record.id,
            all()
        ),
        Some(i) if i == 0 || i > k => bail!(
            "{} has {k} open task{}; there is no task {i}\n{}",
            record.path(),
            if k == 1 { "" } else { "s" },
            all()
        ),
        Some(i) => Ok(open[i - 1]),
    }
}

/// Whether a task's type and text contain every word of `words`, case aside.
pub fn task_matches(t: &Task, words: &str) -> bool {
    let hay = format!("{} {}", t.kind, t.text).to_lowercase();
    let words = words.to_lowercase();
    let mut words = words.split_whitespace().peekable();
    words.peek().is_some() && words.all(|w| hay.contains(w))
}

/// Numbered tasks as `kith due` and `kith show` number them, one per line.
pub fn numbered<'a>(tasks: impl Iterator<Item = (usize, &'a Task)>) -> String {
    tasks
        .map(|(i, t)| format!("  {i}. {} {} {}", t.due, t.kind, t.text))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(s: &str) -> Task {
        parse_line(s, "").unwrap()
    }

    #[test]
    fn reads_the_parts_of_a_task() {
        let t = task("[ ] 2026-11-27 call @sam #acme-pilot: confirm pilot scope (from @priya)");
        assert!(!t.done);
        assert_eq!(t.due, Date::constant(2026, 11, 27));
        assert_eq!(
            (t.kind.as_str(), t.owner.as_deref(), t.deal.as_deref()),
            ("call", Some("sam"), Some("acme-pilot"))
        );
        assert_eq!(t.text, "confirm pilot scope");
        assert_eq!(t.origin, Origin::Teammate(Sym::new("priya")));
        let t = task(
            "[X] 2026-11-20 email: welcome pack (workflow new-lead-nurture) (done 2026-11-21)",
        );
        assert!(t.done);
        assert_eq!(t.origin, Origin::Workflow(Sym::new("new-lead-nurture")));
        assert_eq!(t.done_on, Some(Date::constant(2026, 11, 21)));
        // Parentheses that are not kith's notes stay in the text.
        assert_eq!(
            task("[ ] 2026-11-20 call: ring back (after 3pm)").text,
            "ring back (after 3pm)"
        );
    }

    #[test]
    fn formats_what_it_reads() {
        for line in [
            "- [ ] 2026-11-27 call @sam: confirm pilot scope (from @priya)",
            "- [x] 2026-11-20 09:30 email @mei #big-deal: send it (workflow nurture) (done 2026-11-21)",
            "- [ ] 2026-11-27 call:",
        ] {
            let t = task(line.strip_prefix("- ").unwrap());
            assert_eq!(format(&t, "\n"), line);
        }
    }

    #[test]
    fn reports_lines_that_are_not_tasks() {
        let body = "Notes.\n\n## Tasks\n- [ ] 2026-11-27 call @sam: confirm\n- call sam\n- [ ] soon: call\n\n## Activity\n- 2026-11-01 note: x\n";
        let (tasks, problems) = read(body, 5);
        assert_eq!(tasks.len(), 1);
        assert_eq!(tasks[0].line, 8);
        assert_eq!(problems.len(), 2);
        assert_eq!((problems[0].line, problems[0].column), (9, 3));
        assert!(problems[0].message.contains("checkbox"), "{problems:?}");
        assert_eq!((problems[1].line, problems[1].column), (10, 7));
    }
}
