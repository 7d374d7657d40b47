//! Comparing two versions of a folder's raw git tree object: which entries a commit changed,
//! reading only the bytes around the changes.
//!
//! A folder of 100,000 records is a tree object of about 4 MB, and a commit changes a few of
//! its entries. Comparing the two versions entry by entry (git's own diff does, and checks its
//! path filter at every entry) costs far more than comparing them as bytes: runs of identical
//! bytes are skipped at memory speed, and only the entries where the bytes differ are read.
//! Skipping needs to know where the entries begin, which a raw tree does not say; the older
//! version knows ([`Tree::starts`]) and the newer one inherits it, so walking a line of commits
//! parses each folder entry by entry only once.

use anyhow::{Result, bail};
use std::cmp::Ordering;

/// A raw tree object and where each of its entries begins.
pub struct Tree {
    pub raw: Vec<u8>,
    /// The offset of each entry, then the object's length.
    starts: Vec<u32>,
}

/// One entry of a raw tree: `<octal mode> <name>\0<20-byte id>`.
struct Entry<'a> {
    mode: &'a [u8],
    name: &'a [u8],
    id: &'a [u8],
    end: usize,
}

impl Entry<'_> {
    /// A file: a blob or a symbolic link, not a folder or a submodule.
    fn is_file(&self) -> bool {
        self.mode.first() == Some(&b'1') && self.mode != b"160000"
    }

    fn is_folder(&self) -> bool {
        self.mode.first() == Some(&b'4')
    }

    fn id(&self) -> [u8; 20] {
        self.id.try_into().expect("20 bytes")
    }
}

/// A file a commit changed in a folder: its name, and its id before and after (`None`: not a
/// file there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diff {
    pub name: Vec<u8>,
    pub old: Option<[u8; 20]>,
    pub new: Option<[u8; 20]>,
}

fn entry_at(raw: &[u8], at: usize) -> Result<Entry<'_>> {
    let rest = &raw[at..];
    let (Some(space), Some(nul)) = (memchr::memchr(b' ', rest), memchr::memchr(0, rest)) else {
        bail!("a damaged tree object");
    };
    if space == 0 || nul <= space + 1 || rest.len() < nul + 21 {
        bail!("a damaged tree object");
    }
    Ok(Entry {
        mode: &rest[..space],
        name: &rest[space + 1..nul],
        id: &rest[nul + 1..nul + 21],
        end: at + nul + 21,
    })
}

/// git's order of tree entries: by name, a folder's name as if it ended in `/`.
fn order(a: &Entry, b: &Entry) -> Ordering {
    let n = a.name.len().min(b.name.len());
    a.name[..n].cmp(&b.name[..n]).then_with(|| {
        let next = |e: &Entry| {
            e.name
                .get(n)
                .copied()
                .unwrap_or(if e.is_folder() { b'/' } else { 0 })
        };
        next(a).cmp(&next(b))
    })
}

/// How many bytes `a` and `b` have in common from their start.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const RUN: usize = 256;
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + RUN <= n && a[i..i + RUN] == b[i..i + RUN] {
        i += RUN;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

fn offset(at: usize) -> Result<u32> {
    u32::try_from(at).or_else(|_| bail!("a tree object over 4 GB"))
}

impl Default for Tree {
    /// No folder: no entries.
    fn default() -> Tree {
        Tree {
            raw: Vec::new(),
            starts: vec![0],
        }
    }
}

impl Tree {
    /// A raw tree object, read entry by entry.
    pub fn parse(raw: Vec<u8>) -> Result<Tree> {
        let mut tree = Tree {
            raw,
            starts: Vec::new(),
        };
        tree.index()?;
        Ok(tree)
    }

    /// Finds where the entries of [`Tree::raw`] begin, reading it entry by entry.
    pub fn index(&mut self) -> Result<()> {
        self.starts.clear();
        let mut at = 0;
        while at < self.raw.len() {
            self.starts.push(offset(at)?);
            at = entry_at(&self.raw, at)?.end;
        }
        self.starts.push(offset(self.raw.len())?);
        Ok(())
    }

    /// The files that differ between this tree and `new`, whose [`Tree::raw`] is set (added,
    /// removed, changed in content or mode), in git's order. `new` learns where its entries
    /// begin from this tree, without reading the entries they share.
    pub fn compare(&self, new: &mut Tree) -> Result<Vec<Diff>> {
        let (old, starts) = (&self.raw, &self.starts);
        let count = starts.len() - 1;
        let Tree {
            raw: new,
            starts: new_starts,
        } = new;
        new_starts.clear();
        let mut diffs = Vec::new();
        // The next entry of each side: its index in the old tree, its offset in the new one.
        let (mut i, mut at) = (0, 0);
        loop {
            // The entries inside a run of identical bytes are identical, and so is where they
            // begin: skip them.
            let from = starts[i] as usize;
            let same = common_prefix(&old[from..], &new[at..]);
            let j = starts.partition_point(|&s| s as usize <= from + same) - 1;
            if j > i {
                let shift = |s: &u32| *s as usize - from + at;
                for s in &starts[i..j] {
                    new_starts.push(offset(shift(s))?);
                }
                at = shift(&starts[j]);
                i = j;
            }
            let a = if i < count {
                Some(entry_at(old, starts[i] as usize)?)
            } else {
                None
            };
            let b = if at < new.len() {
                Some(entry_at(new, at)?)
            } else {
                None
            };
            let side = |e: &Entry| e.is_file().then(|| e.id());
            let found = match (&a, &b) {
                (None, None) => break,
                (Some(a), b) if b.as_ref().is_none_or(|b| order(a, b).is_lt()) => {
                    i += 1;
                    (a.name, side(a), None)
                }
                (a, Some(b)) if a.as_ref().is_none_or(|a| order(a, b).is_gt()) => {
                    new_starts.push(offset(at)?);
                    at = b.end;
                    (b.name, None, side(b))
                }
                (Some(a), Some(b)) => {
                    i += 1;
                    new_starts.push(offset(at)?);
                    at = b.end;
                    if a.mode == b.mode && a.id == b.id {
                        continue;
                    }
                    (b.name, side(a), side(b))
                }
                _ => unreachable!("one side has an entry"),
            };
            if found.1.is_some() || found.2.is_some() {
                diffs.push(Diff {
                    name: found.0.to_vec(),
                    old: found.1,
                    new: found.2,
                });
            }
        }
        new_starts.push(offset(new.len())?);
        Ok(diffs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tree entry: mode, name, and the byte its id repeats.
    type Row<'a> = (&'a str, &'a str, u8);

    fn raw(entries: &[Row]) -> Vec<u8> {
        let mut out = Vec::new();
        for (mode, name, id) in entries {
            out.extend_from_slice(format!("{mode} {name}\0").as_bytes());
            out.extend_from_slice(&[*id; 20]);
        }
        out
    }

    fn find<'a>(t: &[Row<'a>], name: &str) -> Option<Row<'a>> {
        t.iter().find(|e| e.1 == name).copied()
    }

    /// What comparing entry by entry finds: every file whose id or mode differs, by name.
    fn naive(old: &[Row], new: &[Row]) -> Vec<Diff> {
        let file = |m: &str| m.starts_with('1') && m != "160000";
        let mut names: Vec<&str> = old.iter().chain(new).map(|e| e.1).collect();
        names.sort();
        names.dedup();
        let mut out = Vec::new();
        for name in names {
            let (a, b) = (find(old, name), find(new, name));
            if a == b {
                continue;
            }
            let side = |e: Option<Row>| e.filter(|e| file(e.0)).map(|e| [e.2; 20]);
            let d = Diff {
                name: name.as_bytes().to_vec(),
                old: side(a),
                new: side(b),
            };
            if d.old.is_some() || d.new.is_some() {
                out.push(d);
            }
        }
        out
    }

    #[test]
    fn comparing_finds_what_entry_by_entry_comparison_finds() {
        // Long runs of identical entries around the changes, so that runs are skipped.
        let many: Vec<String> = (0..300).map(|i| format!("person-{i:03}.md")).collect();
        let base: Vec<Row> = many.iter().map(|n| ("100644", n.as_str(), 1)).collect();
        let edit = |f: &dyn Fn(&mut Vec<Row>)| {
            let mut t = base.clone();
            f(&mut t);
            t
        };
        let cases: Vec<(&str, Vec<Row>, Vec<Row>)> = vec![
            ("nothing", base.clone(), base.clone()),
            ("one changed", base.clone(), edit(&|t| t[150].2 = 2)),
            (
                "first, middle and last changed",
                base.clone(),
                edit(&|t| {
                    t[0].2 = 2;
                    t[77].2 = 3;
                    t[299].2 = 4;
                }),
            ),
            (
                "neighbours changed",
                base.clone(),
                edit(&|t| {
                    t[10].2 = 2;
                    t[11].2 = 2;
                }),
            ),
            (
                "added",
                base.clone(),
                edit(&|t| t.insert(40, ("100644", "person-039a.md", 5))),
            ),
            (
                "removed",
                base.clone(),
                edit(&|t| {
                    t.remove(40);
                    t.remove(200);
                }),
            ),
            (
                "added at the end",
                base.clone(),
                edit(&|t| t.push(("100644", "zed.md", 5))),
            ),
            (
                "removed at the end",
                base.clone(),
                edit(&|t| {
                    t.pop();
                }),
            ),
            ("mode only", base.clone(), edit(&|t| t[5].0 = "100755")),
            ("from nothing", vec![], base.clone()),
            ("to nothing", base.clone(), vec![]),
            (
                "folders and submodules are not files",
                base.clone(),
                edit(&|t| {
                    t.insert(3, ("40000", "person-002.md-sub", 6));
                    t[100].0 = "160000";
                    t.push(("120000", "zz-link.md", 7));
                }),
            ),
            (
                // `a` the file sorts before `a.md`; `a` the folder after it.
                "a file becomes a folder",
                vec![("100644", "a", 1), ("100644", "a.md", 1)],
                vec![("100644", "a.md", 1), ("40000", "a", 2)],
            ),
            (
                "a name that differs only in its last byte",
                vec![("100644", "ab.md", 1), ("100644", "ac.md", 1)],
                vec![("100644", "ab.md", 1), ("100644", "ad.md", 1)],
            ),
        ];
        for (what, old, new) in cases {
            let tree = Tree::parse(raw(&old)).unwrap();
            // A tree whose buffers held another tree before.
            let mut next = Tree::parse(raw(&base)).unwrap();
            next.raw = raw(&new);
            let diffs = tree.compare(&mut next).unwrap();
            assert_eq!(diffs, naive(&old, &new), "{what}");
            // The new tree knows where its entries begin, as if parsed.
            assert_eq!(
                next.starts,
                Tree::parse(raw(&new)).unwrap().starts,
                "{what}"
            );
        }
        let mut all = Tree {
            raw: raw(&base),
            starts: Vec::new(),
        };
        assert_eq!(Tree::default().compare(&mut all).unwrap().len(), 300);
    }

    #[test]
    fn damaged_trees_are_errors_not_panics() {
        let good = raw(&[("100644", "a.md", 1), ("100644", "b.md", 1)]);
        // Cut anywhere but between the two entries.
        for cut in (1..good.len()).filter(|c| *c != 32) {
            assert!(Tree::parse(good[..cut].to_vec()).is_err(), "cut at {cut}");
        }
        let tree = Tree::parse(good.clone()).unwrap();
        for bad in [&good[..good.len() - 3], b"100644 x.md"] {
            let mut bad = Tree {
                raw: bad.to_vec(),
                starts: Vec::new(),
            };
            assert!(tree.compare(&mut bad).is_err());
        }
    }
}
