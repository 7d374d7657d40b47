//! Rules that couple fields of one record: values that are each valid but say contradictory
//! things together (a sales-qualified lead whose lead status is `unqualified`, a lost deal with
//! no reason). `kith sync`'s field-by-field merge uses them so that taking one field from each
//! side never writes a record neither side wrote (see `sync::merge::coherent`); the reason rules
//! are the ones `kith check` warns about (`missing-reason`).
//!
//! Pure: a rule reads a record's fields through a lookup and says whether they contradict.

use crate::record::Kind;
use crate::record::LIFECYCLE;
use crate::record::config::{Closed, Config};

/// One coupling between fields.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    /// A short name, for notes and tests.
    pub name: &'static str,
    /// The fields the rule couples: a merge takes them from one side together.
    pub fields: &'static [&'static str],
    /// What the contradiction is, for a person reading a merge's conflict.
    pub why: &'static str,
}

/// `lead_status: unqualified` on a person at the last lead stage (`sql`) or further on.
pub const UNQUALIFIED_BUT_QUALIFIED: Rule = Rule {
    name: "unqualified-but-qualified",
    fields: &[LIFECYCLE, "lead_status"],
    why: "an unqualified lead cannot be sales-qualified or further on",
};

/// `lead_status: unqualified` with no `unqualified_reason` (`kith check`'s `missing-reason`).
pub const UNQUALIFIED_WITHOUT_REASON: Rule = Rule {
    name: "unqualified-without-reason",
    fields: &["lead_status", "unqualified_reason"],
    why: "an unqualified lead needs an `unqualified_reason`",
};

/// A lifecycle outside the funnel (`other`) with no `other_reason` (`missing-reason`).
pub const OTHER_WITHOUT_REASON: Rule = Rule {
    name: "other-without-reason",
    fields: &[LIFECYCLE, "other_reason"],
    why: "a lifecycle outside the funnel needs an `other_reason`",
};

/// A deal at a lost stage with no `lost_reason` (`missing-reason`).
pub const LOST_WITHOUT_REASON: Rule = Rule {
    name: "lost-without-reason",
    fields: &["stage", "lost_reason"],
    why: "a lost deal needs a `lost_reason`",
};

/// Every rule, for the kind it applies to.
pub fn rules(kind: Kind) -> &'static [&'static Rule] {
    match kind {
        Kind::Person => &[
            &UNQUALIFIED_BUT_QUALIFIED,
            &UNQUALIFIED_WITHOUT_REASON,
            &OTHER_WITHOUT_REASON,
        ],
        Kind::Deal => &[&LOST_WITHOUT_REASON],
        Kind::Company => &[],
    }
}

/// The rules a record's fields break; `get` returns a field's value as text (`None` when it
/// is absent or empty).
pub fn broken(
    cfg: &Config,
    kind: Kind,
    get: &dyn Fn(&str) -> Option<String>,
) -> Vec<&'static Rule> {
    rules(kind)
        .iter()
        .copied()
        .filter(|rule| breaks(cfg, rule, get))
        .collect()
}

fn breaks(cfg: &Config, rule: &Rule, get: &dyn Fn(&str) -> Option<String>) -> bool {
    let text = |k: &str| {
        get(k)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let unqualified = || text("lead_status").is_some_and(|s| s.eq_ignore_ascii_case("unqualified"));
    let lc = &cfg.lifecycle;
    if *rule == UNQUALIFIED_BUT_QUALIFIED {
        let qualified_from = lc.lead_stages.iter().filter_map(|s| lc.rank(s)).max();
        let rank = text(LIFECYCLE).and_then(|s| lc.rank(&s));
        unqualified() && matches!((rank, qualified_from), (Some(r), Some(q)) if r >= q)
    } else if *rule == UNQUALIFIED_WITHOUT_REASON {
        unqualified() && text("unqualified_reason").is_none()
    } else if *rule == OTHER_WITHOUT_REASON {
        text(LIFECYCLE).is_some_and(|s| lc.is_outside(&s)) && text("other_reason").is_none()
    } else if *rule == LOST_WITHOUT_REASON {
        let pipeline = cfg.pipeline(text("pipeline").as_deref());
        let lost = text("stage").is_some_and(|s| {
            pipeline
                .and_then(|p| p.stage(&s))
                .is_some_and(|s| s.closed == Some(Closed::Lost))
        });
        lost && text("lost_reason").is_none()
    } else {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(kind: Kind, fields: &[(&str, &str)]) -> Vec<&'static str> {
        let cfg = Config::default();
        let get = |k: &str| {
            fields
                .iter()
                .find(|(f, _)| *f == k)
                .map(|(_, v)| v.to_string())
        };
        broken(&cfg, kind, &get)
            .into_iter()
            .map(|r| r.name)
            .collect()
    }

    #[test]
    fn an_unqualified_lead_is_not_sales_qualified() {
        let p = Kind::Person;
        let why = [("unqualified_reason", "no budget")];
        for (lifecycle, broken) in [
            ("lead", false),
            ("mql", false),
            ("sql", true),
            ("SQL", true),
            ("opportunity", true),
            ("customer", true),
            ("subscriber", false),
        ] {
            let mut f = vec![("lifecycle", lifecycle), ("lead_status", "unqualified")];
            f.extend(why);
            assert_eq!(
                names(p, &f) == ["unqualified-but-qualified"],
                broken,
                "{lifecycle}"
            );
            let f = [("lifecycle", lifecycle), ("lead_status", "working")];
            assert!(names(p, &f).is_empty(), "{lifecycle}");
        }
        assert!(
            names(
                p,
                &[("lead_status", "unqualified"), ("unqualified_reason", "x")]
            )
            .is_empty()
        );
    }

    #[test]
    fn the_reason_rules_are_kith_checks() {
        let p = Kind::Person;
        assert_eq!(
            names(p, &[("lifecycle", "lead"), ("lead_status", "unqualified")]),
            ["unqualified-without-reason"]
        );
        assert_eq!(
            names(
                p,
                &[
                    ("lifecycle", "sql"),
                    ("lead_status", "Unqualified"),
                    ("unqualified_reason", " ")
                ]
            ),
            ["unqualified-but-qualified", "unqualified-without-reason"]
        );
        assert_eq!(
            names(p, &[("lifecycle", "other")]),
            ["other-without-reason"]
        );
        assert!(names(p, &[("lifecycle", "other"), ("other_reason", "staff")]).is_empty());
        let d = Kind::Deal;
        assert_eq!(
            names(d, &[("stage", "closed-lost")]),
            ["lost-without-reason"]
        );
        assert!(names(d, &[("stage", "closed-lost"), ("lost_reason", "price")]).is_empty());
        assert!(names(d, &[("stage", "closed-won")]).is_empty());
        assert!(names(d, &[("stage", "negotiation")]).is_empty());
        assert!(names(Kind::Company, &[("stage", "closed-lost")]).is_empty());
    }
}
