//! The files many commits changed: each commit's record folders compared with its parent's,
//! the folder trees read by the user's `git cat-file --batch` and compared by
//! [`crate::git::treediff`], one thread (and one git process) per core.
//!
//! A folder of 100,000 records is a tree object of about 4 MB, stored in a pack as a chain of
//! up to 50 deltas. libgit2 keeps no delta base above 1 MB in its cache, so every read of such a
//! folder inflates and patches the whole chain again; git's delta base cache keeps the
//! versions it has just built, so reading the folder of one commit after its parent's patches
//! one delta. `git diff-tree` reads as fast but compares slowly: it checks its path filter at
//! every one of the 100,000 entries, which took three quarters of its time. Here only the
//! folders whose tree changed are read, each once (a commit's parent's folders are the ones the
//! previous commit read), and compared as bytes. [`crate::git::commits`] asks for this only for
//! commits its cache does not know yet, and falls back to libgit2 when there is no `git` to
//! run.

use crate::git::history::{CommitFiles, FileChange, Repo};
use crate::git::treediff::Tree;
use crate::record::Kind;
use anyhow::{Context as _, Result, bail};
use git2::Oid;
use std::collections::VecDeque;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// The record-folder files each of `commits` changed against its first parent (no rename
/// detection: [`crate::git::history::Repo::pair_renames`] does that), in `commits`' order, each
/// commit's files folder by folder in [`Kind::ALL`]'s order, then by name. `None` when git
/// cannot be run.
pub fn file_changes(repo: &Repo, commits: &[Oid]) -> Option<Result<Vec<CommitFiles>>> {
    use rayon::prelude::*;
    if commits.is_empty() {
        return Some(Ok(Vec::new()));
    }
    // Sharded folders are small trees (a few dozen entries, `layout: sharded`), which
    // libgit2 reads and caches well; this path is for the one big tree of a flat folder.
    if crate::record::layout::current() == crate::record::layout::Layout::Sharded {
        return None;
    }
    // A quick probe, so that a missing git falls back instead of failing.
    Command::new("git")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()
        .filter(|s| s.success())?;
    let open = repo.opener();
    let per = commits.len().div_ceil(rayon::current_num_threads()).max(1);
    let parts: Result<Vec<Vec<CommitFiles>>> = commits
        .par_chunks(per)
        .map(|chunk| run(&open()?, chunk))
        .collect();
    Some(parts.map(|p| p.into_iter().flatten().collect()))
}

/// The folder trees read last, by id: a commit's parent's folders are the ones the commit
/// read before it.
const RECENT: usize = 2 * Kind::ALL.len();

/// `commits`' changes, read oldest first (they come newest first), so that each commit finds
/// its parent's folders among the recent ones.
fn run(repo: &Repo, commits: &[Oid]) -> Result<Vec<CommitFiles>> {
    let mut git = CatFile::spawn(repo.git.path())?;
    let mut recent: VecDeque<(Oid, Tree)> = VecDeque::with_capacity(RECENT + 1);
    let empty = Tree::default();
    // The buffers of the last tree forgotten, for the next one read.
    let mut spare = Tree::default();
    let mut out = Vec::with_capacity(commits.len());
    for &oid in commits.iter().rev() {
        let commit = repo.git.find_commit(oid)?;
        let new_root = commit.tree()?;
        let old_root = match commit.parent(0) {
            Ok(p) => Some(p.tree()?),
            Err(_) => None,
        };
        let mut files = Vec::new();
        for kind in Kind::ALL {
            let dir = repo.prefix.join(kind.dir());
            let folder = |t: &git2::Tree| {
                t.get_path(&dir)
                    .ok()
                    .filter(|e| e.kind() == Some(git2::ObjectType::Tree))
                    .map(|e| e.id())
            };
            let (old, new) = (old_root.as_ref().and_then(folder), folder(&new_root));
            if old == new {
                continue;
            }
            let find =
                |recent: &VecDeque<(Oid, Tree)>, id| recent.iter().position(|(o, _)| *o == id);
            // The folder before, read and indexed unless it is a recent one.
            let old_at = match old {
                Some(id) => Some(match find(&recent, id) {
                    Some(at) => at,
                    None => {
                        let mut tree = std::mem::take(&mut spare);
                        git.read(id, &mut tree.raw)?;
                        tree.index()?;
                        spare = remember(&mut recent, id, tree);
                        recent.len() - 1
                    }
                }),
                None => None,
            };
            // The folder after, compared with it.
            let mut tree = std::mem::take(&mut spare);
            match new.map(|id| (id, find(&recent, id))) {
                Some((_, Some(at))) => tree.raw.clone_from(&recent[at].1.raw),
                Some((id, None)) => git.read(id, &mut tree.raw)?,
                None => tree.raw.clear(),
            }
            let before = old_at.map_or(&empty, |at| &recent[at].1);
            // A folder of shard folders (a commit before or after `kith migrate`): treediff
            // compares files only, so the caller reads these commits with libgit2, which
            // looks into the shards.
            if holds_shards(&before.raw) || holds_shards(&tree.raw) {
                bail!("{} holds shard folders in commit {oid}", dir.display());
            }
            let diffs = before
                .compare(&mut tree)
                .with_context(|| format!("comparing {} in commit {oid}", dir.display()))?;
            spare = match new {
                Some(id) => remember(&mut recent, id, tree),
                None => tree,
            };
            for d in diffs {
                // A name that is not UTF-8 is no record.
                let Ok(name) = std::str::from_utf8(&d.name) else {
                    continue;
                };
                let path = dir.join(name);
                let side = |id: Option<[u8; 20]>| -> Result<Option<(std::path::PathBuf, Oid)>> {
                    id.map(|id| Ok((path.clone(), Oid::from_bytes(&id)?)))
                        .transpose()
                };
                files.push(FileChange {
                    old: side(d.old)?,
                    new: side(d.new)?,
                    renamed: false,
                });
            }
        }
        out.push((oid, files));
    }
    git.finish()?;
    out.reverse();
    Ok(out)
}

/// Whether a raw tree's first entry is a folder: a record folder in the sharded layout
/// (shard folders, named by hex digits, sort before any file name that starts with a letter).
fn holds_shards(raw: &[u8]) -> bool {
    raw.starts_with(b"40000 ")
}

/// Keeps a folder among the recent ones, forgetting the oldest beyond [`RECENT`]; returns
/// the forgotten one, whose buffers serve again.
fn remember(recent: &mut VecDeque<(Oid, Tree)>, id: Oid, tree: Tree) -> Tree {
    if recent.iter().any(|(o, _)| *o == id) {
        return tree;
    }
    let forgotten = if recent.len() >= RECENT {
        recent.pop_front().map(|(_, t)| t)
    } else {
        None
    };
    recent.push_back((id, tree));
    forgotten.unwrap_or_default()
}

/// A running `git cat-file --batch`: one object id in, its header and content out.
struct CatFile {
    child: Child,
    input: Option<ChildStdin>,
    output: Option<BufReader<ChildStdout>>,
    header: String,
}

impl CatFile {
    fn spawn(git_dir: &Path) -> Result<CatFile> {
        let mut child = Command::new("git")
            .arg("--git-dir")
            .arg(git_dir)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("cannot run `git cat-file`")?;
        let input = child.stdin.take();
        let output = child
            .stdout
            .take()
            .map(|o| BufReader::with_capacity(1 << 16, o));
        Ok(CatFile {
            child,
            input,
            output,
            header: String::new(),
        })
    }

    /// The tree object `id`, read into `buf` (whose allocation is reused).
    fn read(&mut self, id: Oid, buf: &mut Vec<u8>) -> Result<()> {
        let (Some(input), Some(output)) = (self.input.as_mut(), self.output.as_mut()) else {
            bail!("git cat-file has stopped");
        };
        // git answers each line at once, so a line at a time cannot fill both pipes.
        writeln!(input, "{id}")
            .and_then(|()| input.flush())
            .context("cannot write to `git cat-file`")?;
        self.header.clear();
        output
            .read_line(&mut self.header)
            .context("cannot read from `git cat-file`")?;
        // `<id> tree <size>`, or `<id> missing`.
        let mut words = self.header.split_ascii_whitespace();
        let (Some(_), Some("tree"), Some(size)) = (words.next(), words.next(), words.next()) else {
            bail!(
                "git cat-file: expected the tree {id}, got {:?}",
                self.header.trim()
            );
        };
        let size: usize = size.parse().context("git cat-file: a bad object size")?;
        // The object and a newline: what the reader holds already, then straight from the
        // pipe into `buf` (a 4 MB folder through the reader's buffer would be copied twice).
        buf.clear();
        buf.resize(size + 1, 0);
        let held = output.buffer().len().min(size + 1);
        buf[..held].copy_from_slice(&output.buffer()[..held]);
        output.consume(held);
        output
            .get_mut()
            .read_exact(&mut buf[held..])
            .with_context(|| format!("git cat-file: the tree {id} was cut short"))?;
        if buf.pop() != Some(b'\n') {
            bail!("git cat-file: the tree {id} was cut short");
        }
        Ok(())
    }

    /// Ends git's input and waits for it to exit.
    fn finish(mut self) -> Result<()> {
        self.input = None;
        self.output = None;
        let status = self.child.wait().context("`git cat-file` did not finish")?;
        if !status.success() {
            bail!("git cat-file failed ({status})");
        }
        Ok(())
    }
}

impl Drop for CatFile {
    fn drop(&mut self) {
        // Closing both pipes ends git, whatever it was doing.
        self.input = None;
        self.output = None;
        let _ = self.child.wait();
    }
}
