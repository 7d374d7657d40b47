//! The files many commits changed, read by the user's `git diff-tree`, one process per core.
//!
//! Why not libgit2, which kith uses for everything else it reads from git: a folder of 100,000
//! records is a tree object of about 4 MB, stored in a pack as a chain of up to 50 deltas.
//! libgit2 keeps no delta base above 1 MB in its cache, so every read of such a folder inflates
//! and patches the whole chain again; git's delta base cache makes the same reads about twice
//! as fast. [`crate::commits`] asks for this only for commits its cache does not know yet, and
//! falls back to libgit2 when there is no `git` to run.

use crate::history::{CommitFiles, FileChange};
use crate::record::Kind;
use anyhow::{Context as _, Result, bail};
use git2::Oid;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The record-folder files each of `commits` changed against its first parent (no rename
/// detection: [`crate::history::Repo::pair_renames`] does that), in `commits`' order. `None`
/// when git cannot be run.
pub fn file_changes(
    git_dir: &Path,
    prefix: &Path,
    commits: &[Oid],
) -> Option<Result<Vec<CommitFiles>>> {
    use rayon::prelude::*;
    if commits.is_empty() {
        return Some(Ok(Vec::new()));
    }
    // A quick probe, so that a missing git falls back instead of failing.
    Command::new("git")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()
        .filter(|s| s.success())?;
    let per = commits.len().div_ceil(rayon::current_num_threads()).max(1);
    let parts: Result<Vec<Vec<CommitFiles>>> = commits
        .par_chunks(per)
        .map(|chunk| run(git_dir, prefix, chunk))
        .collect();
    Some(parts.map(|p| p.into_iter().flatten().collect()))
}

/// One `git diff-tree --stdin` over `commits`.
fn run(git_dir: &Path, prefix: &Path, commits: &[Oid]) -> Result<Vec<CommitFiles>> {
    let folders: Vec<PathBuf> = Kind::ALL.iter().map(|k| prefix.join(k.dir())).collect();
    let mut child = Command::new("git")
        // The workspace's folder names are paths, not patterns.
        .arg("--literal-pathspecs")
        .arg("--git-dir")
        .arg(git_dir)
        .args([
            "-c",
            "core.quotePath=false",
            "diff-tree",
            "--stdin",
            "-r",
            "--root",
            "--always",
            "--no-renames",
            "-z",
            "--",
        ])
        .args(&folders)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run `git diff-tree`")?;
    let mut stdin = child.stdin.take().context("git's input")?;
    let input: String = commits.iter().map(|c| format!("{c}\n")).collect();
    // Written from another thread: git answers while it reads, and both pipes are finite.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let mut out = Vec::new();
    child
        .stdout
        .take()
        .context("git's output")?
        .read_to_end(&mut out)
        .context("cannot read `git diff-tree`'s output")?;
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    let status = child.wait().context("`git diff-tree` did not finish")?;
    let _ = writer.join();
    if !status.success() {
        bail!("git diff-tree failed: {}", err.trim());
    }
    parse(&out, &folders, commits.len())
}

/// `git diff-tree -z --always` output: per commit its id, then `:mode mode old new status`
/// and the path, each NUL-terminated. Only files directly in a record folder count.
fn parse(out: &[u8], folders: &[PathBuf], expected: usize) -> Result<Vec<CommitFiles>> {
    let mut result: Vec<CommitFiles> = Vec::with_capacity(expected);
    let mut fields = out.split(|b| *b == 0).filter(|f| !f.is_empty()).peekable();
    while let Some(field) = fields.next() {
        if field[0] != b':' {
            let id = std::str::from_utf8(field)
                .ok()
                .map(str::trim)
                .and_then(|s| Oid::from_str(s).ok())
                .context("unexpected output from git diff-tree")?;
            result.push((id, Vec::new()));
            continue;
        }
        let path = fields
            .next()
            .context("git diff-tree: a change without a path")?;
        let (_, files) = result
            .last_mut()
            .context("git diff-tree: a change before any commit")?;
        // `:100644 100644 <old> <new> M`
        let meta: Vec<&[u8]> = field[1..].split(|b| *b == b' ').collect();
        let [old_mode, new_mode, old_id, new_id, _status] = meta[..] else {
            bail!("unexpected output from git diff-tree");
        };
        let path = PathBuf::from(
            std::str::from_utf8(path).context("git diff-tree: a path that is not UTF-8")?,
        );
        if !path
            .parent()
            .is_some_and(|p| folders.iter().any(|f| f == p))
        {
            continue;
        }
        let side = |mode: &[u8], id: &[u8]| -> Result<Option<(PathBuf, Oid)>> {
            // Absent (000000), or a submodule: not a file.
            if mode == b"000000" || mode == b"160000" {
                return Ok(None);
            }
            let id = Oid::from_str(std::str::from_utf8(id)?)?;
            Ok(Some((path.clone(), id)))
        };
        let change = FileChange {
            old: side(old_mode, old_id)?,
            new: side(new_mode, new_id)?,
            renamed: false,
        };
        if change.old.is_some() || change.new.is_some() {
            files.push(change);
        }
    }
    if result.len() != expected {
        bail!(
            "git diff-tree answered for {} commits of {expected}",
            result.len()
        );
    }
    // The order libgit2's comparison gives: folder by folder in kith's order, then by name.
    let rank = |f: &FileChange| {
        let p = &f.new.as_ref().or(f.old.as_ref()).expect("one side").0;
        let folder = folders.iter().position(|d| p.parent() == Some(d));
        (folder, p.file_name().map(|n| n.as_encoded_bytes().to_vec()))
    };
    for (_, files) in &mut result {
        files.sort_by_cached_key(rank);
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_read_per_commit_and_only_record_files_count() {
        let a = "0123456789abcdef0123456789abcdef01234567";
        let b = "89abcdef0123456789abcdef0123456789abcdef";
        let zero = "0000000000000000000000000000000000000000";
        let out = format!(
            "{a}\0:000000 100644 {zero} {b} A\0crm/deals/x.md\0:100644 100644 {a} {b} M\0crm/contacts/ada.md\0:000000 100644 {zero} {a} A\0crm/contacts/sub/d.md\0:000000 160000 {zero} {a} A\0crm/contacts/mod\0{b}\0:100644 000000 {a} {zero} D\0crm/companies/acme.md\0"
        );
        let folders: Vec<PathBuf> = ["contacts", "companies", "deals"]
            .iter()
            .map(|d| Path::new("crm").join(d))
            .collect();
        let parsed = parse(out.as_bytes(), &folders, 2).unwrap();
        let (oa, ob) = (Oid::from_str(a).unwrap(), Oid::from_str(b).unwrap());
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(
            parsed,
            [
                (
                    oa,
                    vec![
                        FileChange {
                            old: Some((p("crm/contacts/ada.md"), oa)),
                            new: Some((p("crm/contacts/ada.md"), ob)),
                            renamed: false
                        },
                        FileChange {
                            old: None,
                            new: Some((p("crm/deals/x.md"), ob)),
                            renamed: false
                        },
                    ]
                ),
                (
                    ob,
                    vec![FileChange {
                        old: Some((p("crm/companies/acme.md"), oa)),
                        new: None,
                        renamed: false
                    }]
                ),
            ]
        );
        assert!(parse(out.as_bytes(), &folders, 3).is_err());
        assert!(parse(b":100644 100644 x y M\0a\0", &folders, 1).is_err());
    }
}
