//! What git's index file says of itself: whether its entries are exactly a known tree.
//!
//! git keeps, in the index's `TREE` extension (the cache-tree), the id of the tree its entries
//! make, folder by folder, and marks a folder invalid as soon as an entry under it is staged.
//! `git commit` writes a commit from a valid root without looking at a single entry; libgit2
//! does the same. kith reads the root to learn, without comparing a million entries with
//! HEAD's tree, that nothing is staged: then a sync's commit is HEAD's tree with the files it
//! stages, built by updating only their folders (see `sync::commit_local`).
//!
//! The format is git's `Documentation/gitformat-index.txt`: versions 2, 3 and 4, SHA-1 ids.

use git2::Oid;
use std::path::Path;

/// The tree that the index file at `path` holds exactly, per its cache-tree; `None` when the
/// file is missing, unreadable, of another format, or has something staged (the root is
/// invalid, or there is no cache-tree).
pub fn tree_of(path: &Path) -> Option<Oid> {
    root_tree(&std::fs::read(path).ok()?)
}

/// One entry of an index file: a path, the stat git keeps for it, its flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Relative to the repository's root.
    pub path: Vec<u8>,
    pub ctime: (i32, u32),
    pub mtime: (i32, u32),
    pub ino: u32,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub size: u32,
    /// The flags (the stage in bits 12–13, assume-valid in 15) and the extended ones
    /// (skip-worktree in 14), as libgit2's `IndexEntry` names them.
    pub flags: u16,
    pub flags_extended: u16,
}

/// An entry's flags: its stage (bits 12–13), assume-valid, and whether a second word of
/// flags follows (versions 3 and 4).
const STAGE: u16 = 0x3000;
const ASSUME_VALID: u16 = 0x8000;
const EXTENDED: u16 = 0x4000;
/// The second word's skip-worktree flag.
const SKIP_WORKTREE: u16 = 0x4000;

impl Entry {
    /// One side of a conflict in the middle of a merge (an entry of stage 1, 2 or 3).
    pub fn in_conflict(&self) -> bool {
        self.flags & STAGE != 0
    }

    /// Flagged for git to leave alone (assume-unchanged, skip-worktree).
    pub fn left_alone(&self) -> bool {
        self.flags & ASSUME_VALID != 0 || self.flags_extended & SKIP_WORKTREE != 0
    }
}

impl From<git2::IndexEntry> for Entry {
    fn from(e: git2::IndexEntry) -> Entry {
        Entry {
            ctime: (e.ctime.seconds(), e.ctime.nanoseconds()),
            mtime: (e.mtime.seconds(), e.mtime.nanoseconds()),
            ino: e.ino,
            mode: e.mode,
            uid: e.uid,
            gid: e.gid,
            size: e.file_size,
            flags: e.flags,
            flags_extended: e.flags_extended,
            path: e.path,
        }
    }
}

/// An index file read whole: its entries in its order, and the tree they make when nothing is
/// staged (as [`tree_of`]).
#[derive(Debug, Default)]
pub struct IndexFile {
    pub entries: Vec<Entry>,
    pub tree: Option<Oid>,
}

/// The index file at `path`, read once: both what [`tree_of`] says and every entry, for a
/// reader that does not stage (libgit2 takes 1.3 s to read a million entries on one thread,
/// this 0.3 s in the samples of a report). `None` as for [`tree_of`], except that a file with
/// something staged has its entries and no tree.
pub fn read(path: &Path) -> Option<IndexFile> {
    let data = std::fs::read(path).ok()?;
    let mut entries = Vec::new();
    let tree = walk(&data, Some(&mut |e| entries.push(e)))?;
    Some(IndexFile { entries, tree })
}

/// [`tree_of`] for the bytes of an index file.
pub fn root_tree(data: &[u8]) -> Option<Oid> {
    walk(data, None)?
}

/// Goes through the entries of an index file's bytes, handing each to `each` when there is
/// one (the entry is only built then), then reads the cache-tree's root: `None` when the
/// bytes are not an index kith reads, `Some(None)` when nothing says which tree it holds.
fn walk(data: &[u8], mut each: Option<&mut dyn FnMut(Entry)>) -> Option<Option<Oid>> {
    const OID: usize = 20;
    let be32 = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
    };
    if data.get(..4)? != b"DIRC" {
        return None;
    }
    let version = be32(4)?;
    if !(2..=4).contains(&version) {
        return None;
    }
    let count = be32(8)?;
    // The file ends with the checksum of what comes before it.
    let end = data.len().checked_sub(OID)?;
    let mut at = 12usize;
    // Version 4 writes each name as what it keeps of the one before and what it adds.
    let mut previous: Vec<u8> = Vec::new();
    for _ in 0..count {
        // ctime, mtime, dev, ino, mode, uid, gid, size (40 bytes), the id, the flags.
        let flags_at = at + 40 + OID;
        let flags = u16::from_be_bytes(data.get(flags_at..flags_at + 2)?.try_into().ok()?);
        // An extended entry has a second word of flags, which version 2 cannot hold.
        let extended = flags & EXTENDED != 0;
        if extended && version < 3 {
            return None;
        }
        let name_at = flags_at + 2 + if extended { 2 } else { 0 };
        let start = at;
        let path: Option<Vec<u8>>;
        if version == 4 {
            // How much of the previous name to drop (git's varint), then the rest of the name.
            let mut p = name_at;
            let mut c = *data.get(p)?;
            let mut drop = u64::from(c & 0x7f);
            while c & 0x80 != 0 {
                p += 1;
                c = *data.get(p)?;
                drop = drop.checked_add(1)?.checked_mul(128)? | u64::from(c & 0x7f);
            }
            let name = p + 1;
            let len = memchr::memchr(0, data.get(name..end)?)?;
            at = name + len + 1;
            path = match each {
                Some(_) => {
                    let keep = previous.len().checked_sub(usize::try_from(drop).ok()?)?;
                    previous.truncate(keep);
                    previous.extend_from_slice(&data[name..name + len]);
                    Some(previous.clone())
                }
                None => None,
            };
        } else {
            let len = match (flags & 0x0fff) as usize {
                0x0fff => memchr::memchr(0, data.get(name_at..end)?)?,
                len => len,
            };
            path = match each {
                Some(_) => Some(data.get(name_at..name_at + len)?.to_vec()),
                None => None,
            };
            // Padded with one to eight NULs to a multiple of eight bytes.
            at += (name_at - at + len + 8) & !7;
        }
        if at > end {
            return None;
        }
        if let (Some(each), Some(path)) = (each.as_mut(), path) {
            let word = |i: usize| be32(start + 4 * i);
            each(Entry {
                path,
                ctime: (word(0)? as i32, word(1)?),
                mtime: (word(2)? as i32, word(3)?),
                ino: word(5)?,
                mode: word(6)?,
                uid: word(7)?,
                gid: word(8)?,
                size: word(9)?,
                flags,
                flags_extended: if extended {
                    u16::from_be_bytes(data.get(flags_at + 2..flags_at + 4)?.try_into().ok()?)
                } else {
                    0
                },
            });
        }
    }
    // The extensions: a signature, a length, the data.
    while at + 8 <= end {
        let size = be32(at + 4)? as usize;
        let body = data.get(at + 8..(at + 8).checked_add(size)?.min(end))?;
        if &data[at..at + 4] == b"TREE" {
            // The root comes first: an empty path, its entry count (-1 when invalid), the
            // number of subtrees, then its id.
            let Some(rest) = body.strip_prefix(b"\0") else {
                return Some(None);
            };
            let Some(line_end) = memchr::memchr(b'\n', rest) else {
                return Some(None);
            };
            let root = std::str::from_utf8(&rest[..line_end])
                .ok()
                .and_then(|l| l.split_once(' '))
                .and_then(|(entries, _)| entries.parse::<i64>().ok())
                .filter(|&n| n >= 0)
                .and_then(|_| rest.get(line_end + 1..line_end + 1 + OID))
                .and_then(|id| Oid::from_bytes(id).ok());
            return Some(root);
        }
        at += 8 + size;
    }
    Some(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) -> String {
        let out = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", dir)
            .env("GIT_AUTHOR_NAME", "T")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "T")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .env("GIT_AUTHOR_DATE", "2026-11-24T10:00:00Z")
            .env("GIT_COMMITTER_DATE", "2026-11-24T10:00:00Z")
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    /// A repository whose index git writes in `version`, holding `names` (each file's text
    /// its name) and, staged only, `b.md`'s blob again as `mode` under the name `long`.
    fn indexed(version: &str, names: &[&str], long: &str, mode: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        git(d, &["init", "-q"]);
        git(d, &["config", "index.version", version]);
        for name in names {
            std::fs::create_dir_all(d.join(name).parent().unwrap()).unwrap();
            std::fs::write(d.join(name), name).unwrap();
        }
        git(d, &["add", "-A"]);
        let blob = git(d, &["hash-object", "-w", "b.md"]);
        let info = format!("{mode},{blob},{long}");
        git(d, &["update-index", "--add", "--cacheinfo", &info]);
        dir
    }

    /// git's own index files, in every version and with names long and short: the root is
    /// HEAD's tree after a commit, and unknown once something is staged.
    #[test]
    fn reads_the_root_of_indexes_git_writes() {
        for version in ["2", "3", "4"] {
            // A name of more than 4,095 bytes, whose length its flags cannot hold (staged
            // only: no file system takes a path that long).
            let long = vec!["y".repeat(200); 21].join("/");
            let names = ["contacts/a/ada.md", "contacts/a/al.md", "b.md"];
            let dir = indexed(version, &names, &long, "100644");
            let d = dir.path();
            if version == "3" {
                // An extended flag, which only version 3 and later can hold.
                git(d, &["update-index", "--skip-worktree", "b.md"]);
            }
            assert_eq!(
                tree_of(&d.join(".git/index")),
                None,
                "v{version}: no commit yet"
            );
            let paths: Vec<Vec<u8>> = read(&d.join(".git/index"))
                .unwrap()
                .entries
                .into_iter()
                .map(|e| e.path)
                .collect();
            assert_eq!(
                paths,
                [
                    b"b.md".to_vec(),
                    b"contacts/a/al.md".to_vec(),
                    b"contacts/a/ada.md".to_vec(),
                    long.clone().into_bytes()
                ]
                .into_iter()
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>(),
                "v{version}"
            );
            git(d, &["commit", "-q", "-m", "one"]);
            let head = git(d, &["rev-parse", "HEAD^{tree}"]);
            assert_eq!(
                tree_of(&d.join(".git/index")).map(|o| o.to_string()),
                Some(head),
                "v{version}"
            );
            std::fs::write(d.join("contacts/a/al.md"), "changed").unwrap();
            git(d, &["add", "contacts/a/al.md"]);
            assert_eq!(tree_of(&d.join(".git/index")), None, "v{version}: staged");
        }
    }

    /// Every entry as libgit2 reads it, in every version: paths (version 4 compresses them,
    /// here with names that share long and short beginnings), stat, flags.
    #[test]
    fn reads_entries_as_libgit2_does() {
        for version in ["2", "3", "4"] {
            let names = [
                "b.md",
                "contacts/3f/a/ada-lovelace.md",
                "contacts/3f/a/ada.md",
                "contacts/3f/b/al.md",
                "contacts/40/a/zoe.md",
                "deals/x.md",
                "kith.yaml",
            ];
            // Long, and executable (libgit2 reads no name longer than its flags can hold:
            // `reads_the_root_of_indexes_git_writes` has one).
            let long = vec!["y".repeat(200); 3].join("/");
            let dir = indexed(version, &names, &long, "100755");
            let d = dir.path();
            if version != "2" {
                git(d, &["update-index", "--skip-worktree", "deals/x.md"]);
            }
            git(d, &["update-index", "--assume-unchanged", "b.md"]);
            let ours = read(&d.join(".git/index")).unwrap();
            let theirs: Vec<Entry> = git2::Repository::open(d)
                .unwrap()
                .index()
                .unwrap()
                .iter()
                .map(Entry::from)
                .collect();
            assert_eq!(ours.entries.len(), names.len() + 1, "v{version}");
            assert_eq!(ours.entries, theirs, "v{version}");
            assert!(
                ours.entries
                    .iter()
                    .any(|e| e.flags_extended & SKIP_WORKTREE != 0)
                    == (version != "2"),
                "v{version}: skip-worktree"
            );
            assert_eq!(ours.tree, None, "v{version}: no commit yet");
            git(d, &["commit", "-q", "-m", "one"]);
            let ours = read(&d.join(".git/index")).unwrap();
            assert_eq!(
                ours.tree.map(|o| o.to_string()),
                Some(git(d, &["rev-parse", "HEAD^{tree}"])),
                "v{version}"
            );
        }
    }

    #[test]
    fn refuses_what_is_not_an_index() {
        assert_eq!(root_tree(b""), None);
        assert_eq!(root_tree(b"DIRC\0\0\0\x05\0\0\0\0"), None);
        // Claims a million entries it does not have.
        let mut data = b"DIRC\0\0\0\x02\0\x0f\x42\x40".to_vec();
        data.extend([0u8; 100]);
        assert_eq!(root_tree(&data), None);
    }
}
