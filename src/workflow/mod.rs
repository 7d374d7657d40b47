//! Workflows: nurture cadences and hand-offs, configured in kith.yaml under `workflows:`.
//!
//! A workflow has a trigger (a filter expression, a segment, a lifecycle stage, or all of these)
//! and steps, each due some days after a record entered it. kith sends nothing itself: a step
//! writes follow-up tasks, assigns an owner, sets fields, and logs a `workflow` entry in the
//! activity log. Those entries are also the workflow's memory ([`state`]): no state is kept
//! anywhere else, so a run depends only on the files and the date ([`plan`]).

pub mod plan;
pub mod settle;
pub mod state;

use crate::config::{Config, FILE};
use crate::diag::Diagnostic;
use crate::filter::{Filter, Scope};
use crate::value::Value;
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
    let raw: IndexMap<String, RawWorkflow> = match serde_yaml_ng::from_value(v.clone()) {
        Ok(m) => m,
        Err(e) => {
            let (line, col) = cfg.locate("workflows:");
            diags.push(
                Diagnostic::error("config", format!("kith.yaml `workflows` is invalid: {e}"))
                    .in_file(FILE)
                    .at(line, col)
                    .help("each workflow needs a trigger (`when`, `segment` or `lifecycle`) and `steps`; see the README's Workflows section"),
            );
            return (Vec::new(), diags);
        }
    };
    let (segments, _) = crate::segment::from_config(cfg);
    let names: Vec<String> = segments.iter().map(|s| s.name.clone()).collect();
    let scope = Scope {
        cfg,
        scores: true,
        segments: Some(&names),
        why_not: "",
    };
    let mut out = Vec::new();
    for (name, w) in raw {
        let at = cfg.locate(&format!("{name}:"));
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
            Some(d) => match crate::filter::parse::parse_duration(d.trim()) {
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
        if matches!(k.as_str(), "name" | "created" | "lifecycle") {
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
        let (key, value) = crate::schema::parse_assignment(
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
