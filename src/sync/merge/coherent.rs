//! Keeps a field-by-field merge from writing a record neither side wrote: when the fields it
//! took from each side break a rule of [`crate::record::coherence`] (one side unqualified a
//! lead, the other promoted it to `sql`) that neither side's own version breaks, the fields the
//! rule couples keep our values and each one the sides disagree on becomes a recorded conflict,
//! for `kith conflicts` and `kith resolve` like any other.

use super::record::{Conflict, Fields, get};
use crate::edit::Change;
use crate::record::Kind;
use crate::record::coherence;
use crate::record::config::Config;
use crate::record::value::Value;

/// Turns the decisions that would make the merged record incoherent into conflicts: `changes`
/// loses its changes to the coupled fields, `conflicts` gains one per coupled field the sides
/// disagree on (none twice). Returns a note per rule that did this.
pub fn keep_coherent(
    cfg: &Config,
    kind: Kind,
    ours: &Fields,
    theirs: &Fields,
    changes: &mut Vec<Change>,
    conflicts: &mut Vec<Conflict>,
) -> Vec<String> {
    let text_of = |f: &Fields, k: &str| get(f, k).map(Value::to_text);
    let ours_broken = coherence::broken(cfg, kind, &|k| text_of(ours, k));
    let theirs_broken = coherence::broken(cfg, kind, &|k| text_of(theirs, k));
    let mut notes = Vec::new();
    // Reverting one rule's fields to ours can only mend (ours keeps every rule it kept), but a
    // field two rules share may need a second look: loop until nothing new breaks.
    for _ in 0..coherence::rules(kind).len() + 1 {
        let merged = |k: &str| -> Option<String> {
            for c in changes.iter().rev() {
                match c {
                    Change::Set(key, v) if key == k => {
                        return Some(v.to_text()).filter(|t| !v.is_null() && !t.is_empty());
                    }
                    Change::Unset(key) if key == k => return None,
                    _ => {}
                }
            }
            text_of(ours, k)
        };
        let Some(rule) = coherence::broken(cfg, kind, &merged)
            .into_iter()
            .find(|r| !ours_broken.contains(r) && !theirs_broken.contains(r))
        else {
            break;
        };
        changes.retain(|c| match c {
            Change::Set(k, _) | Change::Unset(k) => !rule.fields.contains(&k.as_str()),
            _ => true,
        });
        for field in rule.fields {
            let (o, t) = (get(ours, field), get(theirs, field));
            if o != t && !conflicts.iter().any(|c| c.field == *field) {
                conflicts.push(Conflict {
                    field: field.to_string(),
                    ours: o.cloned().unwrap_or(Value::Null),
                    theirs: t.cloned().unwrap_or(Value::Null),
                });
            }
        }
        notes.push(format!(
            "{} kept together: {}",
            rule.fields.join(" and "),
            rule.why
        ));
    }
    notes
}

#[cfg(test)]
mod tests {
    use crate::record::Kind;
    use crate::record::config::Config;
    use crate::record::value::Value;
    use crate::sync::merge::{Outcome, Side, merge};
    use jiff::civil::Date;

    fn merged(kind: Kind, base: &str, ours: &str, theirs: &str) -> Outcome {
        let side = Side {
            who: "priya".into(),
            when: Date::constant(2026, 11, 25),
        };
        merge(&Config::default(), kind, Some(base), ours, theirs, &side).unwrap()
    }

    const LEAD: &str = "---\nname: Ada\nlifecycle: lead\nlead_status: working\n---\n";
    const UNQUALIFIED: &str = "---\nname: Ada\nlifecycle: lead\nlead_status: unqualified\nunqualified_reason: no budget\n---\n";
    const PROMOTED: &str = "---\nname: Ada\nlifecycle: sql\nlifecycle_changed: 2026-11-24\nlead_status: working\n---\n";

    fn fields(out: &Outcome) -> Vec<(&str, String, String)> {
        out.conflicts
            .iter()
            .map(|c| (c.field.as_str(), c.ours.to_text(), c.theirs.to_text()))
            .collect()
    }

    #[test]
    fn unqualify_against_promote_is_a_conflict_either_way_round() {
        let out = merged(Kind::Person, LEAD, UNQUALIFIED, PROMOTED);
        assert_eq!(
            fields(&out),
            [
                ("lifecycle", "lead".into(), "sql".into()),
                ("lead_status", "unqualified".into(), "working".into())
            ]
        );
        assert!(out.text.contains("lifecycle: lead\n"), "{}", out.text);
        assert!(
            out.text.contains("lead_status: unqualified\n"),
            "{}",
            out.text
        );
        // What only one side touched still merges.
        assert!(
            out.text.contains("lifecycle_changed: 2026-11-24\n"),
            "{}",
            out.text
        );
        assert!(
            out.notes.iter().all(|n| !n.contains("more advanced")),
            "{:?}",
            out.notes
        );

        let out = merged(Kind::Person, LEAD, PROMOTED, UNQUALIFIED);
        assert_eq!(
            fields(&out),
            [
                ("lifecycle", "sql".into(), "lead".into()),
                ("lead_status", "working".into(), "unqualified".into())
            ]
        );
        assert!(out.text.contains("lifecycle: sql\n"), "{}", out.text);
        assert!(out.text.contains("lead_status: working\n"), "{}", out.text);
        assert!(
            out.text.contains("unqualified_reason: no budget\n"),
            "{}",
            out.text
        );
    }

    #[test]
    fn coherent_combinations_merge_as_before() {
        // Unqualified at `mql` is coherent: the more advanced stage and `unqualified` both stay.
        let mql = LEAD.replace("lifecycle: lead", "lifecycle: mql");
        let out = merged(Kind::Person, LEAD, UNQUALIFIED, &mql);
        assert!(out.conflicts.is_empty(), "{:?}", out.conflicts);
        assert!(
            out.text
                .contains("lifecycle: mql\nlead_status: unqualified\n"),
            "{}",
            out.text
        );
        // A record that was incoherent on one side already is not the merge's doing.
        let both = "---\nname: Ada\nlifecycle: sql\nlead_status: unqualified\n---\n";
        let theirs = both.replace("name: Ada", "name: Ada L.");
        let out = merged(Kind::Person, both, both, &theirs);
        assert!(out.conflicts.is_empty(), "{:?}", out.conflicts);
    }

    #[test]
    fn a_lost_deal_keeps_its_reason() {
        let base = "---\nname: Big deal\nstage: negotiation\nlost_reason: old\n---\n";
        // Ours reopens nothing but drops the stale reason; theirs closes it lost (keeping the
        // reason it had): field by field that is a lost deal with no reason.
        let ours = base.replace("lost_reason: old\n", "");
        let theirs = base.replace("stage: negotiation", "stage: closed-lost");
        let out = merged(Kind::Deal, base, &ours, &theirs);
        assert_eq!(
            out.conflicts
                .iter()
                .map(|c| c.field.as_str())
                .collect::<Vec<_>>(),
            ["stage", "lost_reason"]
        );
        assert_eq!(out.conflicts[1].ours, Value::Null);
        assert!(out.text.contains("stage: negotiation\n"), "{}", out.text);
    }

    #[test]
    fn leaving_the_funnel_keeps_its_reason() {
        let base = "---\nname: Sam\nlifecycle: lead\nother_reason: was staff once\n---\n";
        let ours = base.replace("other_reason: was staff once\n", "");
        let theirs = base.replace("lifecycle: lead", "lifecycle: other");
        let out = merged(Kind::Person, base, &ours, &theirs);
        assert_eq!(
            out.conflicts
                .iter()
                .map(|c| c.field.as_str())
                .collect::<Vec<_>>(),
            ["lifecycle", "other_reason"]
        );
        assert!(out.text.contains("lifecycle: lead\n"), "{}", out.text);
    }
}
