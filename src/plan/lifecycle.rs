//! Lifecycle moves: which stage comes next, what a move writes, and the rules (forward only
//! unless forced; `other` needs a reason). Pure: it plans changes, [`crate::edit::store`] writes them.

use crate::edit::Change;
use crate::record::LIFECYCLE;
use crate::record::activity::Activity;
use crate::record::config::Config;
use crate::record::value::Value;
use crate::record::{Kind, Record};
use anyhow::{Result, bail};
use jiff::civil::Date;

/// Who did it and when, for the fields and log entries a move writes.
#[derive(Debug, Clone)]
pub struct Attribution<'a> {
    pub today: Date,
    pub by: Option<&'a str>,
}

/// Plans `kith promote`: moves a person to `target`, or to the next funnel stage.
pub fn promote(
    cfg: &Config,
    person: &Record,
    target: Option<&str>,
    force: bool,
    reason: Option<&str>,
    stamp: &Attribution,
) -> Result<Vec<Change>> {
    if person.kind != Kind::Person {
        bail!(
            "{} is a {}; only people have a lifecycle stage",
            person.id,
            person.kind
        );
    }
    let lc = &cfg.lifecycle;
    let current = person.lifecycle();
    let to = match target {
        Some(t) => {
            let t = t.trim().to_lowercase();
            if !lc.is_known(&t) {
                let all: Vec<&str> = lc.all().collect();
                let hint = crate::record::diag::did_you_mean(&t, all.iter().copied())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                bail!(
                    "unknown lifecycle stage `{t}`{hint}; stages: {}",
                    all.join(", ")
                );
            }
            t
        }
        None => match current.as_deref() {
            None => lc.stages[0].clone(),
            Some(c) => match lc.rank(c) {
                Some(r) if r + 1 < lc.stages.len() => lc.stages[r + 1].clone(),
                Some(_) => bail!("{} is already at the last stage, `{c}`", person.name()),
                None if lc.is_outside(c) => bail!(
                    "{} is at `{c}`, outside the funnel; name the stage to move to, e.g. `kith promote {} {}`",
                    person.name(),
                    person.id,
                    lc.stages[0]
                ),
                None => bail!(
                    "{} has an unknown stage `{c}`; name the stage to move to",
                    person.name()
                ),
            },
        },
    };
    if current.as_deref() == Some(to.as_str()) {
        bail!("{} is already at `{to}`", person.name());
    }
    if let (Some(from), Some(to_rank)) = (current.as_deref().and_then(|c| lc.rank(c)), lc.rank(&to))
        && to_rank < from
        && !force
    {
        bail!(
            "moving {} backwards from `{}` to `{to}` needs --force",
            person.name(),
            current.as_deref().unwrap_or_default()
        );
    }
    if lc.is_outside(&to) && reason.is_none() && person.get("other_reason").is_none() {
        bail!("`{to}` needs a reason: add --reason staff (or supplier, partner, ...)");
    }
    Ok(stage_changes(cfg, person, &to, reason, stamp, None))
}

/// The changes that move a person to stage `to`: the field, `lifecycle_changed`, a new lead's
/// `lead_status`, `other_reason`, and a `stage` entry in the activity log.
pub fn stage_changes(
    cfg: &Config,
    person: &Record,
    to: &str,
    reason: Option<&str>,
    stamp: &Attribution,
    deal: Option<&str>,
) -> Vec<Change> {
    let from = person.lifecycle();
    let mut changes = vec![
        Change::Set(LIFECYCLE.into(), Value::str(to)),
        Change::Set(
            "lifecycle_changed".into(),
            Value::str(&stamp.today.to_string()),
        ),
    ];
    if cfg.lifecycle.is_lead(to) && person.get("lead_status").is_none() {
        changes.push(Change::Set("lead_status".into(), Value::str("new")));
    }
    if let Some(reason) = reason
        && cfg.lifecycle.is_outside(to)
    {
        changes.push(Change::Set("other_reason".into(), Value::str(reason)));
    }
    let mut text = format!("{} → {to}", from.as_deref().unwrap_or("contact"));
    if let Some(reason) = reason {
        text.push_str(&format!(" ({reason})"));
    }
    changes.push(Change::Log(Activity {
        date: stamp.today,
        time: None,
        kind: "stage".into(),
        by: stamp.by.map(crate::util::intern::Sym::new),
        deal: deal.map(crate::util::intern::Sym::new),
        text: text.into(),
        line: 0,
        kind_col: 0,
    }));
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::parse::parse;

    fn person(fm: &str) -> Record {
        parse(
            Kind::Person,
            "ada",
            "contacts/ada.md",
            format!("---\nname: Ada\n{fm}---\n").as_bytes(),
            &Config::default(),
        )
        .record
    }

    fn stamp() -> Attribution<'static> {
        Attribution {
            today: Date::constant(2026, 11, 25),
            by: Some("sam"),
        }
    }

    fn target(changes: &[Change]) -> String {
        match &changes[0] {
            Change::Set(k, v) if k == "lifecycle" => v.to_text(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn moves_to_the_next_stage() {
        let cfg = Config::default();
        assert_eq!(
            target(&promote(&cfg, &person(""), None, false, None, &stamp()).unwrap()),
            "subscriber"
        );
        let changes = promote(
            &cfg,
            &person("lifecycle: subscriber\n"),
            None,
            false,
            None,
            &stamp(),
        )
        .unwrap();
        assert_eq!(target(&changes), "lead");
        assert!(changes.contains(&Change::Set("lead_status".into(), Value::str("new"))));
        assert!(changes.contains(&Change::Set(
            "lifecycle_changed".into(),
            Value::str("2026-11-25")
        )));
        let Some(Change::Log(a)) = changes.last() else {
            panic!()
        };
        assert_eq!(
            (a.kind.as_str(), a.text.as_str(), a.by.as_deref()),
            ("stage", "subscriber → lead", Some("sam"))
        );
        assert_eq!(
            target(
                &promote(
                    &cfg,
                    &person("lifecycle: sql\nlead_status: working\n"),
                    None,
                    false,
                    None,
                    &stamp()
                )
                .unwrap()
            ),
            "opportunity"
        );
    }

    #[test]
    fn guards_backwards_moves_and_other() {
        let cfg = Config::default();
        let customer = person("lifecycle: customer\n");
        assert!(
            promote(&cfg, &customer, Some("lead"), false, None, &stamp())
                .unwrap_err()
                .to_string()
                .contains("--force")
        );
        assert!(promote(&cfg, &customer, Some("lead"), true, None, &stamp()).is_ok());
        assert!(
            promote(&cfg, &customer, Some("customer"), false, None, &stamp())
                .unwrap_err()
                .to_string()
                .contains("already")
        );
        assert!(
            promote(&cfg, &customer, Some("other"), false, None, &stamp())
                .unwrap_err()
                .to_string()
                .contains("reason")
        );
        assert!(
            promote(
                &cfg,
                &customer,
                Some("other"),
                false,
                Some("partner"),
                &stamp()
            )
            .is_ok()
        );
        assert!(
            promote(
                &cfg,
                &person("lifecycle: evangelist\n"),
                None,
                false,
                None,
                &stamp()
            )
            .unwrap_err()
            .to_string()
            .contains("last stage")
        );
        assert!(
            promote(
                &cfg,
                &person("lifecycle: other\nother_reason: staff\n"),
                None,
                false,
                None,
                &stamp()
            )
            .unwrap_err()
            .to_string()
            .contains("outside the funnel")
        );
        assert!(
            promote(&cfg, &person(""), Some("custmer"), false, None, &stamp())
                .unwrap_err()
                .to_string()
                .contains("did you mean `customer`")
        );
    }
}
