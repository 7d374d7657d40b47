//! The likely-duplicate warnings of the live index, found again only when a batch could change
//! them: finding them means comparing every address and number in the workspace (a third of
//! a second at 100,000 records), and most saves (an activity logged, a stage moved) touch
//! nothing they are made of.

use crate::analysis::duplicates;
use crate::index::Index;
use crate::record::diag::Diagnostic;
use crate::record::{Kind, Record};
use rustc_hash::FxHashSet as HashSet;

/// What duplicate detection reads of a record, besides what decides which of a pair stays
/// (the number of activities and fields), which matters only to records already in a pair.
const READ: &[&str] = &[
    "email", "emails", "phone", "phones", "name", "company", "domain", "website", "created",
];

/// The likely duplicate pairs (the report lists them), the warnings of the likely ones, and
/// the records they are about.
#[derive(Debug, Default)]
pub struct Duplicates {
    pub pairs: Vec<duplicates::Pair>,
    pub diags: Vec<Diagnostic>,
    paired: HashSet<(Kind, String)>,
}

impl Duplicates {
    /// Finds them as `kith report` does.
    pub fn find(index: &Index) -> Duplicates {
        let pairs = duplicates::find(index);
        let paired = pairs
            .iter()
            .flat_map(|p| [(p.kind, p.keep.to_string()), (p.kind, p.drop.to_string())])
            .collect();
        Duplicates {
            diags: duplicates::diagnostics_of(index, &pairs),
            pairs,
            paired,
        }
    }

    /// Whether a record's change from `old` to `new` (either absent) can change the warnings:
    /// a record in a pair was saved, or what detection reads of any record changed.
    pub fn touched_by(
        &self,
        kind: Kind,
        id: &str,
        old: Option<&Record>,
        new: Option<&Record>,
    ) -> bool {
        if kind == Kind::Deal {
            return false;
        }
        // Which of a pair stays, and where its warning points, can move with any edit.
        if self.paired.contains(&(kind, id.to_string())) {
            return true;
        }
        match (old, new) {
            (None, None) => false,
            (Some(r), None) | (None, Some(r)) => !r.broken,
            (Some(a), Some(b)) => a.broken != b.broken || READ.iter().any(|k| a.get(k) != b.get(k)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::config::Config;

    #[test]
    fn only_what_detection_reads_finds_them_again() {
        let index = Index::from_texts(
            Config::default(),
            [
                (
                    Kind::Person,
                    "ada",
                    "---\nname: Ada\nemail: ada@x.example\n---\n",
                ),
                (
                    Kind::Person,
                    "ada-2",
                    "---\nname: Ada\nemail: ada@x.example\n---\n",
                ),
                (
                    Kind::Person,
                    "bob",
                    "---\nname: Bob\nemail: bob@x.example\n---\n",
                ),
            ],
        );
        let d = Duplicates::find(&index);
        assert_eq!(d.diags.len(), 1);
        let rec = |text: &str| {
            crate::record::parse::parse(
                Kind::Person,
                "bob",
                "contacts/bob.md",
                text.as_bytes(),
                &index.config,
            )
            .record
        };
        let bob = index.get(Kind::Person, "bob");
        let logged =
            rec("---\nname: Bob\nemail: bob@x.example\n---\n## Activity\n- 2026-11-20 call: hi\n");
        assert!(!d.touched_by(Kind::Person, "bob", bob, Some(&logged)));
        let moved = rec("---\nname: Bob\nemail: ada@x.example\n---\n");
        assert!(d.touched_by(Kind::Person, "bob", bob, Some(&moved)));
        // Which of a pair stays depends on its activities.
        let ada = index.get(Kind::Person, "ada");
        let mut busy = ada.unwrap().clone();
        busy.activities = logged.activities.clone();
        assert!(d.touched_by(Kind::Person, "ada", ada, Some(&busy)));
    }
}
