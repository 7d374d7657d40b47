//! `kith report --digest`: a week's page in a few lines, ready to paste into chat or an e-mail:
//! the headline figures with their changes, what moved, and the top of the lists, as markdown
//! or plain text. The figures are the page's own ([`super::Weekly`]), never worked out again.
//! Pure.

use super::{Money, RecordRef, Weekly, money};

/// How many rows each list shows; the rest are counted.
const TOP: usize = 5;

/// Markdown or plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Markdown,
    Text,
}

/// One part of the digest: a title and its lines.
struct Section {
    title: String,
    lines: Vec<String>,
}

/// The digest of a week's page. `url`: where the site is published, for a link to the page.
pub fn render(w: &Weekly, locale: &str, url: Option<&str>, style: Style) -> String {
    let md = style == Style::Markdown;
    let esc = |s: &str| if md { escape(s) } else { s.to_string() };
    let name = |r: &RecordRef| {
        let n = if r.name.is_empty() { &r.id } else { &r.name };
        if n.is_empty() {
            "someone".to_string()
        } else {
            esc(n)
        }
    };
    let amount = |m: &Money| money::amount(locale, &m.currency, m.amount);
    let mut sections = Vec::new();

    let h = &w.headline;
    let compared = h.figures.iter().any(|f| f.change.is_some());
    sections.push(Section {
        title: if compared {
            format!(
                "Headline figures (changes since the end of {})",
                h.previous_week
            )
        } else {
            "Headline figures".to_string()
        },
        lines: h
            .figures
            .iter()
            .map(|f| {
                let label = if md {
                    format!("**{}**", f.label)
                } else {
                    f.label.clone()
                };
                match &f.change {
                    Some(c) => format!("{label}: {} ({})", f.text, c.line()),
                    None => format!("{label}: {}", f.text),
                }
            })
            .collect(),
    });

    let mut moved = Vec::new();
    match &w.moved {
        Some(m) => {
            for (title, items) in [
                ("Deals won", &m.deals_won),
                ("Deals lost", &m.deals_lost),
                ("New deals", &m.new_deals),
                ("Became leads", &m.new_leads),
                ("Moved forward", &m.advanced),
                ("Moved back", &m.regressed),
            ] {
                if items.is_empty() {
                    continue;
                }
                let shown: Vec<String> = items
                    .iter()
                    .take(TOP)
                    .map(|i| {
                        let mut s = name(&i.record);
                        match (&i.from, &i.to) {
                            (Some(f), Some(t)) => {
                                s.push_str(&format!(" ({} → {})", esc(f), esc(t)))
                            }
                            (None, Some(t)) => s.push_str(&format!(" ({})", esc(t))),
                            _ => {}
                        }
                        if let Some(a) = &i.amount {
                            s.push_str(&format!(", {}", amount(a)));
                        }
                        s
                    })
                    .collect();
                moved.push(format!(
                    "{title} ({}): {}{}",
                    items.len(),
                    shown.join(", "),
                    more(items.len())
                ));
            }
            if moved.is_empty() {
                moved.push("Nothing moved this week.".into());
            }
        }
        None => moved.push(format!(
            "Not available: {}",
            w.history.note.as_deref().unwrap_or("no history")
        )),
    }
    sections.push(Section {
        title: "Moved this week".into(),
        lines: moved,
    });

    sections.push(Section {
        title: "Hot leads".into(),
        lines: if w.hot_leads.is_empty() {
            vec!["No lead is hot right now.".into()]
        } else {
            w.hot_leads
                .iter()
                .take(TOP)
                .map(|l| {
                    format!(
                        "{} ({}, score {}), {}",
                        name(&l.record),
                        esc(&l.lifecycle),
                        crate::analysis::score::num(l.score),
                        esc(l.owner.as_deref().unwrap_or("unassigned"))
                    )
                })
                .chain(
                    (w.hot_leads.len() > TOP)
                        .then(|| more(w.hot_leads.len()).trim_start_matches(", ").to_string()),
                )
                .collect()
        },
    });

    let closing = &w.deals.closing_this_month;
    sections.push(Section {
        title: "Closing this month".into(),
        lines: if closing.is_empty() {
            vec!["No open deal is expected to close this month.".into()]
        } else {
            closing
                .iter()
                .take(TOP)
                .map(|d| {
                    format!(
                        "{} ({}), {}, {}, {}",
                        name(&d.record),
                        esc(&d.stage),
                        d.amount.as_ref().map_or("no amount".into(), amount),
                        d.close_date.as_deref().unwrap_or("no close date"),
                        esc(d.owner.as_deref().unwrap_or("unassigned"))
                    )
                })
                .chain(
                    (closing.len() > TOP)
                        .then(|| more(closing.len()).trim_start_matches(", ").to_string()),
                )
                .collect()
        },
    });

    let fc = &w.forecast;
    let mut lines = vec![match (&fc.velocity.per_day_text, &fc.velocity_change) {
        (Some(v), Some(c)) => format!("Velocity: {v} a day ({} on the week before)", c.line()),
        (Some(v), None) => format!("Velocity: {v} a day"),
        (None, _) => "Velocity: not known yet (no won deal with a created date)".into(),
    }];
    for p in &fc.periods {
        let t = &p.total;
        let mut line = format!(
            "{}: closed {}, commit {}, best case {}, pipeline {}",
            p.label, t.closed.text, t.commit.text, t.best_case.text, t.pipeline.text
        );
        if let (Some(q), Some(a)) = (&t.quota, t.attainment) {
            line.push_str(&format!(
                "; {} % of quota ({})",
                crate::analysis::score::num(a),
                q.text
            ));
        }
        lines.push(line);
    }
    sections.push(Section {
        title: "Forecast".into(),
        lines,
    });

    let f = &w.followups;
    sections.push(Section {
        title: "To do".into(),
        lines: vec![
            format!(
                "{} overdue follow-up{}; {} stale lead{} and {} stale deal{} (no activity for {} days)",
                f.overdue_total,
                plural(f.overdue_total),
                w.stale.leads,
                plural(w.stale.leads),
                w.stale.deals,
                plural(w.stale.deals),
                w.stale.days
            ),
            format!(
                "{} error{} and {} warning{} in the records; {} likely duplicate{}",
                w.health.errors,
                plural(w.health.errors),
                w.health.warnings,
                plural(w.health.warnings),
                w.health.duplicate_count,
                plural(w.health.duplicate_count)
            ),
        ],
    });

    let mut out = String::new();
    let title = format!("{}: week {}", w.workspace, w.week);
    let subtitle = format!(
        "{} to {}, figures as of {}",
        w.week_start, w.week_end, w.as_of
    );
    let link = url.map(|u| format!("{}/weeks/{}/index.html", u.trim_end_matches('/'), w.week));
    if md {
        out.push_str(&format!("# {}\n\n{subtitle}", esc(&title)));
        if let Some(l) = &link {
            out.push_str(&format!(" · [the week's page]({l})"));
        }
        out.push('\n');
        for s in &sections {
            out.push_str(&format!("\n## {}\n\n", s.title));
            for l in &s.lines {
                out.push_str(&format!("- {l}\n"));
            }
        }
    } else {
        out.push_str(&format!("{title}\n{subtitle}\n"));
        if let Some(l) = &link {
            out.push_str(&format!("{l}\n"));
        }
        for s in &sections {
            out.push_str(&format!("\n{}\n", s.title));
            for l in &s.lines {
                out.push_str(&format!("  {l}\n"));
            }
        }
    }
    out
}

/// `, and 3 more` after a list of [`TOP`] of `n`.
fn more(n: usize) -> String {
    if n > TOP {
        format!(", and {} more", n - TOP)
    } else {
        String::new()
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Text as markdown shows it literally: a name with `*` or `_` stays a name.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_shows_names_literally() {
        assert_eq!(
            escape("*Bold* [link](x) <b>"),
            "\\*Bold\\* \\[link\\](x) \\<b\\>"
        );
        assert_eq!(more(5), "");
        assert_eq!(more(8), ", and 3 more");
    }
}
