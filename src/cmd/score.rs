//! `kith score ID`: a person's score with every rule behind it; `kith score --compare REV`:
//! whose grade or qualification a scoring change would change.

use super::{derive, load};
use crate::analysis::derive::Derived;
use crate::analysis::qualify::{Held, Outlook};
use crate::analysis::score::num;
use crate::cli::{ScoreArgs, ShowFormat};
use crate::index::resolve::resolve;
use crate::record::Kind;
use crate::record::config::Config;
use crate::util::output::{self, Table, paint};
use crate::workspace::Workspace;
use anstyle::Style;
use anyhow::{Context, Result, bail};
use serde_json::json;
use std::process::ExitCode;

pub fn run(ws: &Workspace, args: ScoreArgs) -> Result<ExitCode> {
    if args.compare.is_none()
        && let Some(done) = from_cache(ws, &args)
    {
        return done;
    }
    let index = load(ws);
    if let Some(rev) = &args.compare {
        return compare(ws, index, rev, args.as_of.as_deref(), args.format);
    }
    let derived = derive(ws, index, args.as_of.as_deref())?;
    let id = args.id.as_deref().unwrap_or_default();
    let person = resolve(index, id, Some(Kind::Person))?;
    let slot = index
        .slot(Kind::Person, &person.id)
        .expect("a resolved record has a slot");
    if derived.score(slot).is_none() {
        let why = derived
            .segments_of(slot)
            .into_iter()
            .find(|s| *s == "internal" || *s == "spam");
        match why {
            Some(seg) => bail!(
                "{} is in the `{seg}` segment, which scoring leaves out",
                person.name()
            ),
            None => bail!(
                "{} cannot be scored (the record has errors; see `kith check`)",
                person.name()
            ),
        }
    }
    explain(derived, index, slot, person, args.format)
}

/// `kith score ID` from the cache when no record file changed since a load stored the scores:
/// the person, its company and their deals are decoded and scored again for the rules behind
/// the score, which is shown only if it comes out as the stored one. `None` when the cache
/// cannot answer, or the person is not scored (a load says why).
fn from_cache(ws: &Workspace, args: &ScoreArgs) -> Option<Result<ExitCode>> {
    let date = super::date_or_today(ws, args.as_of.as_deref()).ok()?;
    let id = args.id.as_deref()?;
    let around = crate::load::cache::query::around(ws, id, Some(Kind::Person), date)?;
    let index = &around.index;
    let (derived, _) = Derived::compute(index, date);
    let slot = index.slot(Kind::Person, &around.id)?;
    let stored = &around.derived;
    let score = derived.score(slot)?;
    if stored.scores.get(around.pos).copied().flatten() != Some(score)
        || derived.segments_of(slot) != stored.segments_of(around.pos)
    {
        return None;
    }
    Some(explain(&derived, index, slot, around.record(), args.format))
}

/// Prints the score of `person` (at `slot` of `index`) with every rule behind it.
fn explain(
    derived: &Derived,
    index: &crate::index::Index,
    slot: usize,
    person: &crate::record::Record,
    format: ShowFormat,
) -> Result<ExitCode> {
    let (score, lines) = derived.explain(index, slot, person);
    let qualifies = derived.model.qualifies_for(score.total);
    let outlook = crate::analysis::qualify::outlook(derived, person, score.total);
    let stage = person.lifecycle();
    match format {
        ShowFormat::Json => output::print_json(&json!({
            "id": person.id.as_str(),
            "as_of": derived.as_of.to_string(),
            "score": score.total,
            "fit_score": score.fit,
            "engagement_score": score.engagement,
            "grade": score.grade(),
            "qualifies_for": qualifies,
            "stage": stage,
            "moves_to": match outlook { Outlook::Moves(to) => Some(to), _ => None },
            "rules": lines.iter().map(|l| json!({"group": l.group, "points": l.points, "why": l.why})).collect::<Vec<_>>(),
        }))?,
        ShowFormat::Text => {
            let mut out = format!(
                "{}  {}\n",
                paint(output::BOLD, person.name()),
                paint(
                    output::DIM,
                    &format!(
                        "score {} · fit {} · engagement {} · grade {}{} · as of {}",
                        num(score.total),
                        num(score.fit),
                        num(score.engagement),
                        score.grade(),
                        standing(outlook, stage.as_deref().unwrap_or("contact")),
                        derived.as_of
                    )
                )
            );
            let mut t = Table::new(["points", "group", "why"]);
            t.align_right(0);
            for l in &lines {
                let style = if l.points < 0.0 {
                    output::BAD
                } else {
                    output::GOOD
                };
                t.row(vec![
                    (format!("{:+.1}", l.points), style),
                    (l.group.to_string(), output::DIM),
                    (l.why.clone(), Style::new()),
                ]);
            }
            // The total closes the points column.
            t.row(vec![
                (format!("{:.1}", score.total), output::BOLD),
                ("total".to_string(), output::DIM),
                (String::new(), Style::new()),
            ]);
            if lines.is_empty() {
                out.push_str(&paint(
                    output::DIM,
                    "  no rule gives this person points yet\n",
                ));
            }
            out.push_str(&t.render_rows("  "));
            output::print(&out);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What the score means for the person at `stage`, as the heading line says it
/// (` · qualifies for sql (now mql)`); empty below every threshold.
fn standing(outlook: Outlook, stage: &str) -> String {
    let what = match outlook {
        Outlook::Below => return String::new(),
        Outlook::Moves(to) => {
            format!("qualifies for {to} (now {stage})")
        }
        Outlook::Reached(q) if q.eq_ignore_ascii_case(stage) => {
            format!("at {stage}, the stage the score reaches")
        }
        Outlook::Reached(q) => format!("at {stage}, already past the {q} threshold"),
        Outlook::Held(_, Held::PastLeads) => {
            format!("at {stage}, past the lead stages: scoring does not move them")
        }
        Outlook::Held(_, Held::OutsideFunnel) => {
            format!("at {stage}, outside the funnel: scoring does not move them")
        }
        Outlook::Held(q, Held::Unqualified) => format!(
            "reaches the {q} threshold, but stays at {stage}: marked unqualified (lead_status)"
        ),
        Outlook::Held(q, Held::NotByScore) => {
            format!("reaches the {q} threshold, a stage scoring does not give; stays at {stage}")
        }
    };
    format!(" · {what}")
}

/// Scores everyone with kith.yaml as it was at `rev` and as it is now; lists the people whose
/// grade or qualification differs.
fn compare(
    ws: &Workspace,
    index: &'static crate::index::Index,
    rev: &str,
    given: Option<&str>,
    format: ShowFormat,
) -> Result<ExitCode> {
    let after = super::derive(ws, index, given)?;
    let date = after.as_of;
    let old_text = crate::git::file_at(&ws.root, rev, crate::record::config::FILE)
        .with_context(|| format!("cannot read kith.yaml at `{rev}`"))?;
    let (old_cfg, mut old_diags) = Config::parse(&old_text);
    let (before, analysis_diags) = Derived::compute_with(index, old_cfg, date);
    old_diags.extend(analysis_diags);
    if let Some(d) = old_diags.iter().find(|d| d.is_error()) {
        bail!(
            "kith.yaml at `{rev}` has errors, so its scores cannot be compared:\n{}",
            d.render(false)
        );
    }
    let mut rows = Vec::new();
    for (slot, r) in index.entries().filter(|(_, r)| r.kind == Kind::Person) {
        let (b, a) = (before.score(slot), after.score(slot));
        if b.is_none() && a.is_none() {
            continue;
        }
        // The grade, and the stage the score would move them to from the one they are at
        // (a customer is never "lead → mql").
        let band = |d: &Derived, s: Option<crate::analysis::score::Score>| {
            s.map(|s| {
                let moves = match crate::analysis::qualify::outlook(d, r, s.total) {
                    Outlook::Moves(to) => Some(to.to_string()),
                    _ => None,
                };
                (s.grade(), moves)
            })
        };
        let (bb, ab) = (band(&before, b), band(after, a));
        if bb != ab {
            rows.push((r, b, a, bb, ab));
        }
    }
    rows.sort_by(|x, y| x.0.id.cmp(&y.0.id));
    let show =
        |s: Option<crate::analysis::score::Score>| s.map_or("-".to_string(), |s| num(s.total));
    let grade =
        |b: &Option<(String, Option<String>)>| b.as_ref().map_or("-".to_string(), |b| b.0.clone());
    let qual = |b: &Option<(String, Option<String>)>| {
        b.as_ref()
            .and_then(|b| b.1.clone())
            .unwrap_or_else(|| "-".into())
    };
    match format {
        ShowFormat::Json => output::print_json(
            &rows
                .iter()
                .map(|(r, b, a, bb, ab)| {
                    json!({"id": r.id.as_str(), "stage": r.lifecycle(), "score_before": b.map(|s| s.total), "score_after": a.map(|s| s.total),
                           "grade_before": grade(bb), "grade_after": grade(ab),
                           "qualifies_before": bb.as_ref().and_then(|x| x.1.clone()), "qualifies_after": ab.as_ref().and_then(|x| x.1.clone())})
                })
                .collect::<Vec<_>>(),
        )?,
        ShowFormat::Text => {
            // QUALIFIES FOR: the later stage the score earns from STAGE, before and after.
            let mut t = Table::new(["ID", "NAME", "SCORE", "GRADE", "STAGE", "QUALIFIES FOR"]);
            for (r, b, a, bb, ab) in &rows {
                t.row(vec![
                    (r.id.to_string(), output::ACCENT),
                    (r.name().to_string(), Style::new()),
                    (format!("{} → {}", show(*b), show(*a)), Style::new()),
                    (format!("{} → {}", grade(bb), grade(ab)), Style::new()),
                    (r.lifecycle().unwrap_or_else(|| "contact".into()), Style::new()),
                    (format!("{} → {}", qual(bb), qual(ab)), Style::new()),
                ]);
            }
            let mut text = if t.is_empty() { String::new() } else { t.render() };
            text.push_str(&paint(
                output::DIM,
                &format!("{} {} grade or qualification between {rev} and now (as of {date})\n", super::people(rows.len()), if rows.len() == 1 { "changes" } else { "change" }),
            ));
            output::print(&text);
        }
    }
    Ok(ExitCode::SUCCESS)
}
