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

/// [`tree_of`] for the bytes of an index file.
pub fn root_tree(data: &[u8]) -> Option<Oid> {
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
    for _ in 0..count {
        // ctime, mtime, dev, ino, mode, uid, gid, size (40 bytes), the id, the flags.
        let flags_at = at + 40 + OID;
        let flags = u16::from_be_bytes(data.get(flags_at..flags_at + 2)?.try_into().ok()?);
        let name_at = flags_at + 2 + if flags & 0x4000 != 0 { 2 } else { 0 };
        if version == 4 {
            // How much of the previous name to drop (a varint), then the rest of the name.
            let mut p = name_at;
            while *data.get(p)? & 0x80 != 0 {
                p += 1;
            }
            let name = p + 1;
            at = name + memchr::memchr(0, data.get(name..end)?)? + 1;
        } else {
            let len = match (flags & 0x0fff) as usize {
                0x0fff => memchr::memchr(0, data.get(name_at..end)?)?,
                len => len,
            };
            // Padded with one to eight NULs to a multiple of eight bytes.
            at += (name_at - at + len + 8) & !7;
        }
        if at > end {
            return None;
        }
    }
    // The extensions: a signature, a length, the data.
    while at + 8 <= end {
        let size = be32(at + 4)? as usize;
        let body = data.get(at + 8..(at + 8).checked_add(size)?.min(end))?;
        if &data[at..at + 4] == b"TREE" {
            // The root comes first: an empty path, its entry count (-1 when invalid), the
            // number of subtrees, then its id.
            let rest = body.strip_prefix(b"\0")?;
            let line_end = memchr::memchr(b'\n', rest)?;
            let (entries, _) = std::str::from_utf8(&rest[..line_end])
                .ok()?
                .split_once(' ')?;
            if entries.parse::<i64>().ok()? < 0 {
                return None;
            }
            return Oid::from_bytes(rest.get(line_end + 1..line_end + 1 + OID)?).ok();
        }
        at += 8 + size;
    }
    None
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

    /// git's own index files, in every version and with names long and short: the root is
    /// HEAD's tree after a commit, and unknown once something is staged.
    #[test]
    fn reads_the_root_of_indexes_git_writes() {
        for version in ["2", "3", "4"] {
            let dir = tempfile::tempdir().unwrap();
            let d = dir.path();
            git(d, &["init", "-q"]);
            git(d, &["config", "index.version", version]);
            std::fs::create_dir_all(d.join("contacts/a")).unwrap();
            for name in ["contacts/a/ada.md", "contacts/a/al.md", "b.md"] {
                std::fs::write(d.join(name), name).unwrap();
            }
            git(d, &["add", "-A"]);
            // A name of more than 4,095 bytes, whose length its flags cannot hold (staged
            // only: no file system takes a path that long).
            let long = vec!["y".repeat(200); 21].join("/");
            let blob = git(d, &["hash-object", "-w", "b.md"]);
            git(
                d,
                &[
                    "update-index",
                    "--add",
                    "--cacheinfo",
                    &format!("100644,{blob},{long}"),
                ],
            );
            if version == "3" {
                // An extended flag, which only version 3 and later can hold.
                git(d, &["update-index", "--skip-worktree", "b.md"]);
            }
            assert_eq!(
                tree_of(&d.join(".git/index")),
                None,
                "v{version}: no commit yet"
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
