//! A workflow's memory: the `workflow` entries it wrote in a record's activity log.
//!
//! ```text
//! - 2026-11-02 workflow: sql-handoff entered (lifecycle=sql, owner=none, lead_status=new)
//! - 2026-11-02 workflow: sql-handoff step 1/2: set owner=sam (territory GB), lead_status=working
//! - 2026-11-04 workflow: sql-handoff step 2/2: task call "first call" for @sam due 2026-11-04
//! - 2026-11-09 workflow: new-lead-nurture left: reply on 2026-11-08
//! ```
//!
//! `entered` lists the fields the workflow may write, as they were when the record entered;
//! `set` lists what a step wrote. Together they say what value the workflow last knew for a
//! field, so a value that differs now was set by a person after the workflow last touched it.

use crate::record::LIFECYCLE;
use crate::record::Record;
use jiff::civil::Date;

/// One pass of a record through a workflow.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Enrollment {
    pub entered: Option<Date>,
    /// Fields as they were on entering (`None`: empty).
    pub snapshot: Vec<(String, Option<String>)>,
    /// Step numbers done (1-based), with the day each was logged.
    pub steps: Vec<(usize, Date)>,
    /// Fields the steps wrote, in order, with the day.
    pub writes: Vec<(String, String, Date)>,
    /// When and why the record left before the last step.
    pub left: Option<(Date, String)>,
}

/// Where a pass through a workflow stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The record left before the last step.
    Left,
    /// Every step is done.
    Completed,
    /// Under way.
    Active,
}

impl Enrollment {
    pub fn done(&self, step: usize) -> bool {
        self.steps.iter().any(|(n, _)| *n == step)
    }

    /// Where the pass stands in a workflow of `steps` steps.
    pub fn status(&self, steps: usize) -> Status {
        if self.left.is_some() {
            Status::Left
        } else if (1..=steps).all(|n| self.done(n)) {
            Status::Completed
        } else {
            Status::Active
        }
    }

    /// Whether the record `r` (this pass's) is at a later lifecycle stage than it was on
    /// entering: the workflow converted it.
    pub fn converted(&self, r: &Record, lifecycle: &crate::record::config::Lifecycle) -> bool {
        let rank = |stage: Option<&str>| stage.and_then(|s| lifecycle.rank(s));
        matches!(
            (rank(self.known(LIFECYCLE).flatten()), rank(r.lifecycle().as_deref())),
            (Some(then), Some(now)) if now > then
        )
    }

    /// A field's value when the record entered (`None`: empty or not remembered).
    pub fn known_at_entry(&self, field: &str) -> Option<String> {
        self.snapshot
            .iter()
            .find(|(k, _)| k == field)
            .and_then(|(_, v)| v.clone())
    }

    /// The value the workflow last knew for `field` (written by a step, or seen on entering);
    /// `None` when it never looked at the field, `Some(None)` when it was empty.
    pub fn known(&self, field: &str) -> Option<Option<&str>> {
        if let Some((_, v, _)) = self.writes.iter().rev().find(|(k, _, _)| k == field) {
            return Some(Some(v.as_str()));
        }
        self.snapshot
            .iter()
            .find(|(k, _)| k == field)
            .map(|(_, v)| v.as_deref())
    }
}

/// Every pass of `r` through the workflow `name`, oldest first.
pub fn read(r: &Record, name: &str) -> Vec<Enrollment> {
    let mut out: Vec<Enrollment> = Vec::new();
    for a in r.activities.iter().filter(|a| a.kind == "workflow") {
        let Some(rest) = a.text.strip_prefix(name).and_then(|t| t.strip_prefix(' ')) else {
            continue;
        };
        if let Some(fields) = rest.strip_prefix("entered") {
            out.push(Enrollment {
                entered: Some(a.date),
                snapshot: pairs(fields.trim().trim_start_matches('(').trim_end_matches(')'))
                    .map(|(k, v)| (k, (v != "none").then_some(v)))
                    .collect(),
                ..Enrollment::default()
            });
            continue;
        }
        if out.is_empty() {
            // Entries from before an `entered` line (edited by hand): a pass of unknown start.
            out.push(Enrollment::default());
        }
        let current = out.last_mut().expect("pushed above");
        if let Some(step) = rest.strip_prefix("step ") {
            let (num, what) = step.split_once(':').unwrap_or((step, ""));
            if let Some(n) = num.split('/').next().and_then(|n| n.trim().parse().ok()) {
                current.steps.push((n, a.date));
            }
            for part in what.split("; ") {
                if let Some(set) = part.trim().strip_prefix("set ") {
                    current
                        .writes
                        .extend(pairs(set).map(|(k, v)| (k, v, a.date)));
                }
            }
        } else if let Some(why) = rest.strip_prefix("left") {
            current.left = Some((a.date, why.trim_start_matches(':').trim().to_string()));
        }
    }
    out
}

/// `a=x, b=y (note)` → (a, x), (b, y): a value runs to the first space.
fn pairs(s: &str) -> impl Iterator<Item = (String, String)> + '_ {
    s.split(", ").filter_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        let v = v.split(' ').next().unwrap_or_default();
        (!k.is_empty() && !v.is_empty()).then(|| (k.trim().to_string(), v.to_string()))
    })
}

/// Formats `k=v` pairs for an entry (`none` for an empty field).
pub fn format_pairs(pairs: &[(String, Option<String>)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", v.as_deref().unwrap_or("none")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether a value can be remembered in an entry and read back the same.
pub fn storable(v: &str) -> bool {
    !v.is_empty() && !v.contains([' ', ',', '=', '\n', '(', ')', ';']) && v != "none"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Kind;
    use crate::record::config::Config;

    fn record(log: &str) -> Record {
        crate::record::parse::parse(
            Kind::Person,
            "ada",
            "contacts/ada.md",
            format!("---\nname: Ada\n---\n## Activity\n{log}").as_bytes(),
            &Config::default(),
        )
        .record
    }

    #[test]
    fn reads_passes_steps_and_writes() {
        let r = record(
            "- 2026-11-02 workflow: sql-handoff entered (lifecycle=sql, owner=none, lead_status=new)\n\
             - 2026-11-02 workflow: sql-handoff step 1/2: set owner=sam (territory GB), lead_status=working\n\
             - 2026-11-03 call @sam: intro\n\
             - 2026-11-04 workflow: sql-handoff step 2/2: task call \"first call\" for @sam due 2026-11-04\n\
             - 2026-11-05 workflow: other step 1/1: set owner=mei\n",
        );
        let passes = read(&r, "sql-handoff");
        assert_eq!(passes.len(), 1);
        let p = &passes[0];
        assert_eq!(p.entered, Some(Date::constant(2026, 11, 2)));
        assert!(p.done(1) && p.done(2) && !p.done(3));
        assert_eq!(p.known("owner"), Some(Some("sam")));
        assert_eq!(p.known("lead_status"), Some(Some("working")));
        assert_eq!(p.known("lifecycle"), Some(Some("sql")));
        assert_eq!(p.known("tags"), None);
        assert_eq!(p.left, None);
    }

    #[test]
    fn a_new_pass_starts_at_each_entered_line() {
        let r = record(
            "- 2026-09-01 workflow: stay-in-touch entered (owner=sam)\n\
             - 2026-09-01 workflow: stay-in-touch step 1/1: task call \"check in\" for @sam due 2026-09-01\n\
             - 2026-11-01 workflow: stay-in-touch entered (owner=none)\n\
             - 2026-11-03 workflow: stay-in-touch left: reply on 2026-11-02\n",
        );
        let passes = read(&r, "stay-in-touch");
        assert_eq!(passes.len(), 2);
        assert!(passes[0].done(1));
        assert!(!passes[1].done(1));
        assert_eq!(passes[1].known("owner"), Some(None));
        assert_eq!(
            passes[1].left,
            Some((Date::constant(2026, 11, 3), "reply on 2026-11-02".into()))
        );
        assert!(read(&r, "stay").is_empty());
    }
}
