//! The records a segment and a filter expression select, as `kith list`, `kith export` and
//! bulk edits (`--where`, `--segment`) take them: sorted by id.

use crate::analysis::derive::Derived;
use crate::index::Index;
use crate::record::config::{Closed, Config};
use crate::record::{Kind, Record};
use anyhow::{Result, bail};

/// The records of `kind` that a segment and a filter expression (either or both) select.
pub fn select<'a>(
    index: &'a Index,
    derived: &Derived,
    segment: Option<&str>,
    filter: Option<&str>,
    kind: crate::record::Kind,
) -> Result<Vec<&'a crate::record::Record>> {
    let kind = match segment {
        Some(name) => match derived.segment(name) {
            Some(s) => s.of,
            None => {
                let names: Vec<&str> = derived.segments.iter().map(|s| s.name.as_str()).collect();
                let hint = crate::record::diag::suggest(name, names.iter().copied());
                return Err(crate::util::hint::hint(
                    format!("no segment named `{name}`"),
                    format!("{hint}segments: {}", names.join(", ")),
                ));
            }
        },
        None => kind,
    };
    let compiled = match filter {
        Some(src) => {
            let names: Vec<String> = derived.segments.iter().map(|s| s.name.clone()).collect();
            let scope = crate::analysis::filter::Scope {
                cfg: &derived.cfg,
                scores: true,
                segments: Some(&names),
                why_not: "",
            };
            Some(
                crate::analysis::filter::Filter::compile(src, &scope).map_err(|e| {
                    anyhow::anyhow!(
                        "the filter expression is not valid: {}\n{}",
                        e.message,
                        e.render(src)
                    )
                })?,
            )
        }
        None => None,
    };
    let members: Option<std::collections::HashSet<usize>> =
        segment.map(|s| derived.members(s).into_iter().collect());
    let env = crate::analysis::filter::Env {
        index,
        cfg: &derived.cfg,
        as_of: derived.as_of,
        computed: Some(derived),
    };
    let mut out: Vec<(&crate::record::Record, usize)> = index
        .entries()
        .filter(|(slot, r)| {
            r.kind == kind
                && members.as_ref().is_none_or(|m| m.contains(slot))
                && compiled.as_ref().is_none_or(|f| f.matches(&env, *slot, r))
        })
        .map(|(slot, r)| (r, slot))
        .collect();
    out.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    Ok(out.into_iter().map(|(r, _)| r).collect())
}

/// The narrowing options of `kith list`: lifecycle stages (`leads`, `none`), owner (`none`),
/// tags, deal stages (`open`, `won`, `lost` or a stage id). A record is kept when it passes
/// every option given.
pub struct Narrow {
    stages: Vec<String>,
    plain: bool,
    owner: Option<String>,
    tags: Vec<String>,
    deal_stages: Vec<String>,
}

impl Narrow {
    pub fn new(
        cfg: &Config,
        kind: Kind,
        lifecycle: &[String],
        stage: &[String],
        owner: Option<String>,
        tags: Vec<String>,
    ) -> Result<Narrow> {
        let mut f = Narrow {
            stages: Vec::new(),
            plain: false,
            owner,
            tags,
            deal_stages: Vec::new(),
        };
        if !lifecycle.is_empty() && kind != Kind::Person {
            bail!("--lifecycle applies to contacts only");
        }
        if !stage.is_empty() && kind != Kind::Deal {
            bail!("--stage applies to deals only; for people use --lifecycle");
        }
        for s in lifecycle {
            let s = s.trim().to_lowercase();
            match s.as_str() {
                "leads" => f.stages.extend(cfg.lifecycle.lead_stages.iter().cloned()),
                "none" | "contact" | "contacts" => f.plain = true,
                _ if cfg.lifecycle.is_known(&s) => f.stages.push(s),
                _ => bail!(
                    "unknown lifecycle stage `{s}`; stages: {}, or `leads`, `none`",
                    cfg.lifecycle.all().collect::<Vec<_>>().join(", ")
                ),
            }
        }
        for s in stage {
            let s = s.trim().to_lowercase();
            let known = matches!(s.as_str(), "open" | "won" | "lost")
                || cfg.pipelines.iter().any(|p| p.stage(&s).is_some());
            if !known {
                bail!("unknown deal stage `{s}`; use a stage id, or `open`, `won`, `lost`");
            }
            f.deal_stages.push(s);
        }
        Ok(f)
    }

    pub fn keep(&self, cfg: &Config, r: &Record) -> bool {
        if !self.stages.is_empty() || self.plain {
            let stage = r.lifecycle();
            let ok = match &stage {
                None => self.plain,
                Some(s) => self.stages.iter().any(|t| t == s),
            };
            if !ok {
                return false;
            }
        }
        if let Some(owner) = &self.owner {
            let ok = match r.text("owner") {
                None => owner.eq_ignore_ascii_case("none"),
                Some(o) => o.trim().eq_ignore_ascii_case(owner),
            };
            if !ok {
                return false;
            }
        }
        if !self.tags.iter().all(|t| r.has_tag(t)) {
            return false;
        }
        if !self.deal_stages.is_empty() {
            let closed = deal_closed(cfg, r);
            let stage = r.text("stage").unwrap_or_default().to_lowercase();
            let ok = self.deal_stages.iter().any(|s| match s.as_str() {
                "open" => closed.is_none(),
                "won" => closed == Some(Closed::Won),
                "lost" => closed == Some(Closed::Lost),
                other => other == stage,
            });
            if !ok {
                return false;
            }
        }
        true
    }
}

/// How a deal's stage closes it, if it does.
pub fn deal_closed(cfg: &Config, deal: &Record) -> Option<Closed> {
    let pipeline = cfg.pipeline(deal.text("pipeline"))?;
    pipeline.stage(deal.text("stage")?)?.closed
}
