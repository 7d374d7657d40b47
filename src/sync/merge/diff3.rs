//! Three-way merge of sequences (lines of text, activity entries): the classic diff3 algorithm
//! over the longest-common-subsequence matchings of base↔ours and base↔theirs.

use similar::{Algorithm, DiffOp, capture_diff_slices};
use std::hash::Hash;

/// A stretch of the merged sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chunk<T> {
    /// Taken as is: unchanged, or changed on one side only, or changed identically on both.
    Clean(Vec<T>),
    /// Changed differently on both sides.
    Conflict {
        base: Vec<T>,
        ours: Vec<T>,
        theirs: Vec<T>,
    },
}

/// For each base position, the position of the equal item in `other`, if they are matched.
fn matching<T: Eq + Hash>(base: &[T], other: &[T]) -> Vec<Option<usize>> {
    let mut out = vec![None; base.len()];
    for op in capture_diff_slices(Algorithm::Myers, base, other) {
        if let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = op
        {
            for k in 0..len {
                out[old_index + k] = Some(new_index + k);
            }
        }
    }
    out
}

/// Merges `ours` and `theirs`, both derived from `base`.
pub fn merge<T: Eq + Hash + Clone>(base: &[T], ours: &[T], theirs: &[T]) -> Vec<Chunk<T>> {
    let in_ours = matching(base, ours);
    let in_theirs = matching(base, theirs);
    let mut chunks: Vec<Chunk<T>> = Vec::new();
    let clean = |items: &[T], chunks: &mut Vec<Chunk<T>>| {
        if items.is_empty() {
            return;
        }
        match chunks.last_mut() {
            Some(Chunk::Clean(v)) => v.extend_from_slice(items),
            _ => chunks.push(Chunk::Clean(items.to_vec())),
        }
    };
    let (mut b, mut o, mut t) = (0, 0, 0);
    loop {
        // The next base item kept, at its place, by both sides: a point where all three agree.
        let sync = (b..base.len()).find_map(|k| match (in_ours[k], in_theirs[k]) {
            (Some(ko), Some(kt)) if ko >= o && kt >= t => Some((k, ko, kt)),
            _ => None,
        });
        let (k, ko, kt) = sync.unwrap_or((base.len(), ours.len(), theirs.len()));
        let (bs, os, ts) = (&base[b..k], &ours[o..ko], &theirs[t..kt]);
        if os == bs {
            clean(ts, &mut chunks);
        } else if ts == bs || os == ts {
            clean(os, &mut chunks);
        } else {
            chunks.push(Chunk::Conflict {
                base: bs.to_vec(),
                ours: os.to_vec(),
                theirs: ts.to_vec(),
            });
        }
        if sync.is_none() {
            break;
        }
        clean(&base[k..=k], &mut chunks);
        (b, o, t) = (k + 1, ko + 1, kt + 1);
    }
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &str) -> Vec<&str> {
        s.split(' ').filter(|w| !w.is_empty()).collect()
    }

    fn merged(base: &str, ours: &str, theirs: &str) -> String {
        merge(&lines(base), &lines(ours), &lines(theirs))
            .into_iter()
            .map(|c| match c {
                Chunk::Clean(v) => v.join(" "),
                Chunk::Conflict { ours, theirs, .. } => {
                    format!("<{}|{}>", ours.join(" "), theirs.join(" "))
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn one_sided_changes_merge_cleanly() {
        assert_eq!(merged("a b c d", "a X c d", "a b c Y"), "a X c Y");
        assert_eq!(merged("a b c", "a b c", "a b c d"), "a b c d");
        assert_eq!(merged("a b c", "a c", "a b c"), "a c");
        assert_eq!(merged("a b c", "Z a b c", "a b c W"), "Z a b c W");
        assert_eq!(merged("", "x", ""), "x");
    }

    #[test]
    fn same_change_on_both_sides_is_not_a_conflict() {
        assert_eq!(merged("a b c", "a X c", "a X c"), "a X c");
    }

    #[test]
    fn different_changes_to_the_same_place_conflict() {
        assert_eq!(merged("a b c", "a X c", "a Y c"), "a <X|Y> c");
        assert_eq!(merged("a b", "a b X", "a b Y"), "a b <X|Y>");
    }

    #[test]
    fn merge_with_base_equal_to_one_side_is_the_other() {
        for (o, t) in [("a b c", "x y"), ("", "q"), ("a b", "b a")] {
            assert_eq!(
                merged("a b c", "a b c", t),
                t.split(' ')
                    .filter(|w| !w.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ")
            );
            let _ = o;
        }
    }
}
