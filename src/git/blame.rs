//! `kith blame`: each field of a record as HEAD has it, with the commit that brought its value,
//! found as `git blame` finds a line's.

use super::diff::fields;
use super::history::{Commit, Repo};
use crate::record::Kind;
use crate::record::value::Value;
use anyhow::Result;
use git2::Oid;
use std::path::{Path, PathBuf};

/// A field of a record as HEAD has it, and the commit that brought that value.
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    pub key: String,
    pub value: Value,
    pub commit: Commit,
}

impl Repo {
    /// Each field of the record as HEAD has it, with the commit that brought its value, as
    /// `git blame` finds a line's: from HEAD back through every parent (merge commits too,
    /// and renames), a value passes to a parent that has it; the commit none of whose
    /// parents has it brought it. A value that only a merge made (kith's field-by-field
    /// merge of both sides' tags, say) is the merge commit's. Empty without a commit or a
    /// committed file.
    pub fn origins(&self, kind: Kind, id: &str) -> Result<Vec<Origin>> {
        let Ok(head) = self.git.head().and_then(|h| h.peel_to_commit()) else {
            return Ok(Vec::new());
        };
        let blob_at = |tree: &git2::Tree, path: &Path| {
            tree.get_path(path)
                .ok()
                .filter(|e| e.kind() == Some(git2::ObjectType::Blob))
                .map(|e| e.id())
        };
        // Each version's fields, read once however many paths through history reach it.
        let mut parsed: rustc_hash::FxHashMap<Oid, Vec<(String, Value)>> = Default::default();
        let mut fields_of = |blob: Oid| -> Vec<(String, Value)> {
            parsed
                .entry(blob)
                .or_insert_with(|| fields(crate::git::blob_text(&self.git, blob).as_deref()))
                .clone()
        };
        let path = self.path_of(kind, id);
        let Some(blob) = blob_at(&head.tree()?, &path) else {
            return Ok(Vec::new());
        };
        let current = fields_of(blob);
        let mut brought: Vec<Option<Commit>> = vec![None; current.len()];
        // Commits still to look at, with the file's path there and the fields (by index in
        // `current`) whose value they hold.
        let mut pending: Vec<(Oid, PathBuf, Vec<usize>)> =
            vec![(head.id(), path, (0..current.len()).collect())];
        while let Some((oid, path, mut left)) = pending.pop() {
            let commit = self.git.find_commit(oid)?;
            let tree = commit.tree()?;
            let Some(blob) = blob_at(&tree, &path) else {
                continue;
            };
            for parent in commit.parents() {
                if left.is_empty() {
                    break;
                }
                let parent_tree = parent.tree()?;
                let parent_path = match blob_at(&parent_tree, &path) {
                    Some(_) => Some(path.clone()),
                    // Before `kith migrate`, the same record in the other layout's place.
                    None => self
                        .in_other_layout(&path)
                        .filter(|p| blob_at(&parent_tree, p).is_some())
                        .or_else(|| self.renamed_between(&parent_tree, &tree, &path)),
                };
                let Some(parent_path) = parent_path else {
                    continue;
                };
                let Some(parent_blob) = blob_at(&parent_tree, &parent_path) else {
                    continue;
                };
                let passed: Vec<usize> = if parent_blob == blob {
                    std::mem::take(&mut left)
                } else {
                    let theirs = fields_of(parent_blob);
                    let (passed, kept) = left.iter().partition(|&&i| {
                        let (key, value) = &current[i];
                        theirs.iter().any(|(k, v)| k == key && v == value)
                    });
                    left = kept;
                    passed
                };
                if !passed.is_empty() {
                    pending.push((parent.id(), parent_path, passed));
                }
            }
            for i in left {
                brought[i] = Some(Repo::commit_info(&commit));
            }
        }
        Ok(current
            .into_iter()
            .zip(brought)
            .filter_map(|((key, value), commit)| {
                Some(Origin {
                    key,
                    value,
                    commit: commit?,
                })
            })
            .collect())
    }
}
