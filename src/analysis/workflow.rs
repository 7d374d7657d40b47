//! Workflows: nurture cadences and hand-offs, configured in kith.yaml under `workflows:`.
//!
//! A workflow has a trigger (a filter expression, a segment, a lifecycle stage, or all of these)
//! and steps, each due some days after a record entered it. kith sends nothing itself: a step
//! writes follow-up tasks, assigns an owner, sets fields, and logs a `workflow` entry in the
//! activity log. Those entries are also the workflow's memory
//! ([`crate::plan::workflow::state`]): no state is kept anywhere else, so a run depends only on
//! the files and the date ([`crate::plan::workflow::plan`]).
//!
//! This module compiles `workflows:` into [`Workflow`]s; what they do on a day is planned in
//! [`crate::plan::workflow`].

use crate::analysis::filter::{Filter, Scope};
use crate::record::LIFECYCLE;
use crate::record::config::{Config, FILE};
use crate::record::diag::Diagnostic;
use crate::record::value::Value;
use indexmap::IndexMap;
use serde::Deserialize;

/// A workflow, compiled.
#[derive(Debug, Clone)]
pub struct Workflow {
    pub name: String,
    pub description: String,
    /// The trigger as written, for messages.
    pub trigger: String,
    /// Who enters: the trigger compiled.
    pub when: Filter,
    /// Leave when the trigger no longer matches (default).
    pub leave_when_unmatched: bool,
    /// Activity types that end the workflow when logged on or after the day a record entered.
    pub exit_on: Vec<String>,
    /// Another way out: records this filter selects leave.
    pub exit: Option<(String, Filter)>,
    /// A record may enter again this many days after it last entered; never when `None`.
    pub reenroll: Option<i64>,
    pub steps: Vec<Step>,
}

/// One step of a workflow.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Days after entering that the step is due.
    pub day: i64,
    /// An owner chosen by these rules.
    pub assign: Option<Assign>,
    /// Fields set, in order.
    pub set: Vec<(String, Value)>,
    pub task: Option<TaskSpec>,
}

/// A follow-up a step writes.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskSpec {
    pub text: String,
    pub kind: String,
    /// Days after the step that the task is due.
    pub due: i64,
    /// Who does it; the record's owner (after this step's assignment) when `None`.
    pub owner: Option<String>,
}

/// Assignment rules: a territory's teammates by country, else round robin among the team.
/// Teammates marked `away` are never chosen.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Assign {
    /// Country code (upper case) → teammates, in turn.
    pub territories: Vec<(String, Vec<String>)>,
    pub team: Vec<String>,
    /// Replace an owner who is not away (default: only records without an owner, or whose
    /// owner is away, get one).
    pub overwrite: bool,
}

/// Compiles `workflows:`. Workflows with errors are left out and reported.
pub fn from_config(cfg: &Config) -> (Vec<Workflow>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let Some(v) = &cfg.workflows else {
        return (Vec::new(), diags);
    };
    let raw: IndexMap<String, serde_yaml_ng::Value> = match serde_yaml_ng::from_value(v.clone()) {
        Ok(m) => m,
        Err(e) => {
            let (line, col) = cfg.locate("workflows:");
            diags.push(
                Diagnostic::error("config", format!("kith.yaml `workflows` is invalid: {e}"))
                    .in_file(FILE)
                    .at(line, col)
                    .help("write each workflow under its name: `workflows: {new-lead-nurture: {when: ..., steps: [...]}}`"),
            );
            return (Vec::new(), diags);
        }
    };
    let (segments, _) = crate::analysis::segment::from_config(cfg);
    let names: Vec<String> = segments.iter().map(|s| s.name.clone()).collect();
    let scope = Scope {
        cfg,
        scores: true,
        segments: Some(&names),
        why_not: "",
    };
    let mut out = Vec::new();
    for (name, value) in raw {
        let at = locate(cfg, &name);
        let w: RawWorkflow = match serde_yaml_ng::from_value(value) {
            Ok(w) => w,
            Err(e) => {
                diags.push(
                    Diagnostic::error("config", format!("workflow `{name}` is invalid: {e}"))
                        .in_file(FILE)
                        .at(at.0, at.1)
                        .help("a workflow has a trigger (`when`, `segment`, `lifecycle`), `steps`, and optionally `description`, `exit_on`, `exit`, `reenroll`, `leave_when_unmatched`; see the guide's chapter \"Tasks and workflows\" (docs/src/workflows.md)"),
                );
                continue;
            }
        };
        let mut problem = |message: String, help: &str| {
            diags.push(
                Diagnostic::error("config", format!("workflow `{name}`: {message}"))
                    .in_file(FILE)
                    .at(at.0, at.1)
                    .help(help.to_string()),
            );
        };
        if !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        {
            problem(
                "a workflow's name may only hold letters, digits, `-`, `_` and `.`".into(),
                "rename it, e.g. `new-lead-nurture`",
            );
            continue;
        }
        let mut parts = Vec::new();
        if let Some(stage) = &w.lifecycle {
            if !cfg.lifecycle.is_known(stage) {
                problem(
                    format!("unknown lifecycle stage `{stage}`"),
                    "use one of the stages in kith.yaml's lifecycle",
                );
                continue;
            }
            parts.push(format!("lifecycle = {stage}"));
        }
        if let Some(seg) = &w.segment {
            parts.push(format!("segment.{seg}"));
        }
        if let Some(when) = &w.when {
            // Compiled alone first, so that a mistake is shown where it is in kith.yaml.
            if let Err(e) = Filter::compile(when, &scope) {
                let (line, col) = cfg.locate(when);
                diags.push(
                    Diagnostic::error(
                        "config",
                        format!("workflow `{name}`: `when` is not valid: {}", e.message),
                    )
                    .in_file(FILE)
                    .at(line, col + e.col as u32 - 1)
                    .help(e.render(when)),
                );
                continue;
            }
            parts.push(format!("({when})"));
        }
        if parts.is_empty() {
            problem(
                "it has no trigger".into(),
                "add `when: \"lifecycle = lead and lead_status = new\"`, `segment: NAME` or `lifecycle: STAGE`",
            );
            continue;
        }
        let trigger = parts.join(" and ");
        let when = match Filter::compile(&trigger, &scope) {
            Ok(f) => f,
            Err(e) => {
                problem(
                    format!("its trigger is not valid: {}", e.message),
                    &e.render(&trigger),
                );
                continue;
            }
        };
        let exit = match &w.exit {
            None => None,
            Some(src) => match Filter::compile(src, &scope) {
                Ok(f) => Some((src.clone(), f)),
                Err(e) => {
                    problem(
                        format!("its `exit` filter is not valid: {}", e.message),
                        &e.render(src),
                    );
                    continue;
                }
            },
        };
        let reenroll = match &w.reenroll {
            None => None,
            Some(d) => match crate::util::duration::parse_duration(d.trim()) {
                Some(days) if days > 0 => Some(days),
                _ => {
                    problem(
                        format!("`reenroll: {d}` is not a duration"),
                        "write how long after entering a record may enter again, e.g. `60d`",
                    );
                    continue;
                }
            },
        };
        if w.steps.is_empty() {
            problem(
                "it has no steps".into(),
                "add `steps: [{day: 0, task: \"call\", type: call}]`",
            );
            continue;
        }
        let mut steps = Vec::new();
        let mut bad = false;
        for (i, s) in w.steps.into_iter().enumerate() {
            match compile_step(cfg, s) {
                Ok(step) => steps.push(step),
                Err((message, help)) => {
                    problem(format!("step {}: {message}", i + 1), &help);
                    bad = true;
                }
            }
        }
        if bad {
            continue;
        }
        steps.sort_by_key(|s| s.day);
        out.push(Workflow {
            name: name.clone(),
            description: w.description.unwrap_or_default(),
            trigger,
            when,
            leave_when_unmatched: w.leave_when_unmatched.unwrap_or(true),
            exit_on: w.exit_on.iter().map(|t| t.to_lowercase()).collect(),
            exit,
            reenroll,
            steps,
        });
    }
    (out, diags)
}

/// Where workflow `name` is written in kith.yaml: its key under `workflows:` (1-based line and
/// column), else the `workflows:` key.
fn locate(cfg: &Config, name: &str) -> (u32, u32) {
    let src = &cfg.source;
    let Some(start) = src
        .match_indices("workflows:")
        .map(|(i, _)| i)
        .find(|&i| i == 0 || src.as_bytes()[i - 1] == b'\n')
    else {
        return (1, 1);
    };
    let mut lines = src[start..].split_inclusive('\n');
    let mut offset = start + lines.next().map_or(0, str::len);
    for line in lines {
        offset += line.len();
        let trimmed = line.trim_start();
        if !line.starts_with([' ', '\t']) && !trimmed.is_empty() && !trimmed.starts_with('#') {
            break; // the next top-level key
        }
        let key = trimmed.trim_start_matches(['"', '\'']);
        if key.starts_with(name)
            && key[name.len()..]
                .trim_start_matches(['"', '\''])
                .starts_with(':')
        {
            let at = offset - line.len();
            let line_no = src[..at].matches('\n').count() as u32 + 1;
            let col = (line.len() - trimmed.len()) as u32 + 1;
            return (line_no, col);
        }
    }
    cfg.locate("workflows:")
}

fn compile_step(cfg: &Config, s: RawStep) -> Result<Step, (String, String)> {
    let teammate = |id: &str| -> Result<String, (String, String)> {
        match cfg.teammate(id) {
            Some(t) => Ok(t.id.clone()),
            None => Err((
                format!("`{id}` is not a teammate in kith.yaml"),
                "name teammates by their id under `teammates:`".into(),
            )),
        }
    };
    if s.day < 0 {
        return Err((
            "`day` must be 0 or more".into(),
            "day 0 is the day a record enters".into(),
        ));
    }
    let assign = match s.assign {
        None => None,
        Some(a) => {
            let mut territories = Vec::new();
            for (country, who) in a.territories {
                let who = match who {
                    OneOrMany::One(t) => vec![teammate(&t)?],
                    OneOrMany::Many(ts) => {
                        ts.iter().map(|t| teammate(t)).collect::<Result<_, _>>()?
                    }
                };
                territories.push((country.trim().to_uppercase(), who));
            }
            let team = a
                .team
                .iter()
                .map(|t| teammate(t))
                .collect::<Result<Vec<_>, _>>()?;
            if territories.is_empty() && team.is_empty() {
                return Err((
                    "`assign` names nobody".into(),
                    "give `team: [sam, priya]` (round robin) and/or `territories: {DE: jonas}`"
                        .into(),
                ));
            }
            Some(Assign {
                territories,
                team,
                overwrite: a.overwrite,
            })
        }
    };
    let mut set = Vec::new();
    for (k, v) in s.set {
        if matches!(k.as_str(), "name" | "created" | LIFECYCLE) {
            return Err((
                format!("a workflow may not set `{k}`"),
                "lifecycle moves are people's decisions (or `kith qualify`'s); set lead_status, tags or custom fields".into(),
            ));
        }
        let text = match &v {
            serde_yaml_ng::Value::String(s) => s.clone(),
            serde_yaml_ng::Value::Number(n) => n.to_string(),
            serde_yaml_ng::Value::Bool(b) => b.to_string(),
            _ => {
                return Err((
                    format!("`set.{k}` must be a single value"),
                    "write `set: {lead_status: working}`".into(),
                ));
            }
        };
        let (key, value) = crate::record::schema::parse_assignment(
            cfg,
            crate::record::Kind::Person,
            &format!("{k}={text}"),
        )
        .map_err(|e| {
            (
                format!("`set.{k}`: {e}"),
                "give a value the field accepts".into(),
            )
        })?;
        set.push((key, value));
    }
    let task = match (s.task, s.type_) {
        (None, None) => None,
        (text, kind) => {
            let kind = kind.unwrap_or_else(|| "follow-up".into()).to_lowercase();
            if !kind
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return Err((
                    format!("task type `{kind}` may only hold letters, digits and `-`"),
                    "e.g. `type: call`".into(),
                ));
            }
            let text = text.unwrap_or_else(|| kind.clone());
            if text.contains('\n') || text.trim().is_empty() {
                return Err((
                    "a task's text must be one non-empty line".into(),
                    "e.g. `task: send the case study`".into(),
                ));
            }
            Some(TaskSpec {
                text: text.trim().to_string(),
                kind,
                due: s.due.unwrap_or(0).max(0),
                owner: s.owner.as_deref().map(teammate).transpose()?,
            })
        }
    };
    if assign.is_none() && set.is_empty() && task.is_none() {
        return Err((
            "it does nothing".into(),
            "give it a `task`, an `assign` or a `set`".into(),
        ));
    }
    Ok(Step {
        day: s.day,
        assign,
        set,
        task,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWorkflow {
    description: Option<String>,
    when: Option<String>,
    segment: Option<String>,
    lifecycle: Option<String>,
    leave_when_unmatched: Option<bool>,
    #[serde(default)]
    exit_on: Vec<String>,
    exit: Option<String>,
    reenroll: Option<String>,
    #[serde(default)]
    steps: Vec<RawStep>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    #[serde(default)]
    day: i64,
    task: Option<String>,
    #[serde(rename = "type")]
    type_: Option<String>,
    due: Option<i64>,
    owner: Option<String>,
    assign: Option<RawAssign>,
    #[serde(default)]
    set: IndexMap<String, serde_yaml_ng::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAssign {
    #[serde(default)]
    territories: IndexMap<String, OneOrMany>,
    #[serde(default)]
    team: Vec<String>,
    #[serde(default)]
    overwrite: bool,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compile(yaml: &str) -> (Vec<String>, Vec<String>) {
        let (cfg, d) = Config::parse(yaml);
        assert!(d.iter().all(|d| !d.is_error()), "{d:?}");
        let (ws, diags) = from_config(&cfg);
        (
            ws.into_iter().map(|w| w.name).collect(),
            diags
                .into_iter()
                .map(|d| format!("{}:{} {}", d.line, d.column, d.message))
                .collect(),
        )
    }

    #[test]
    fn the_example_workflows_compile() {
        let (cfg, _) = Config::parse(crate::demo::example::get("kith.yaml").unwrap());
        let (ws, diags) = from_config(&cfg);
        assert!(diags.is_empty(), "{diags:?}");
        let names: Vec<&str> = ws.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "new-lead-nurture",
                "sql-handoff",
                "stay-in-touch",
                "re-engage"
            ]
        );
        let handoff = &ws[1];
        assert_eq!(handoff.trigger, "lifecycle = sql");
        let step = &handoff.steps[0];
        assert_eq!(step.task.as_ref().map(|t| t.due), Some(2));
        assert_eq!(step.assign.as_ref().map(|a| a.team.len()), Some(3));
        assert_eq!(ws[2].reenroll, Some(60));
    }

    #[test]
    fn each_mistake_is_reported_where_it_is_and_the_rest_compile() {
        let (names, diags) = compile(
            "teammates:\n  sam: {name: Sam}\nworkflows:\n  new-lead-nurture:\n    when: \"lifecycle = lead\"\n    steps: [{day: 0, task: hi}]\n  nurture:\n    when: \"lifecycle = lead and\"\n    steps: [{task: hi}]\n  typo:\n    whenn: x\n  empty:\n    lifecycle: lead\n    steps: [{day: 3}]\n  nobody:\n    lifecycle: lead\n    steps: [{assign: {team: [bob]}}]\n",
        );
        assert_eq!(names, ["new-lead-nurture"]);
        assert_eq!(diags.len(), 4, "{diags:?}");
        // `nurture` is found as a key of its own, not inside `new-lead-nurture:`.
        assert!(
            diags[0].starts_with("8:32 workflow `nurture`: `when` is not valid"),
            "{diags:?}"
        );
        assert!(
            diags[1].starts_with("10:3 workflow `typo` is invalid: unknown field `whenn`"),
            "{diags:?}"
        );
        assert_eq!(diags[2], "12:3 workflow `empty`: step 1: it does nothing");
        assert_eq!(
            diags[3],
            "15:3 workflow `nobody`: step 1: `bob` is not a teammate in kith.yaml"
        );
    }
}
