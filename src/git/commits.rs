//! The record changes of many commits at once, for reports: the non-merge commits of a period
//! and what each changed.
//!
//! Finding the files a commit changed means comparing two trees of up to 100,000 entries and
//! looking for renames; that is most of the cost of reading history, and its answer never
//! changes (commits are immutable). So the file-level changes are cached in
//! `.kith/history-cache.jsonl`, one line per commit, appended as new commits are read; the
//! record-level events are derived from them on every run, but for those of commits that
//! change many files, which are cached too (`git::eventcache`). A damaged cache line is
//! ignored and recomputed.

use crate::git::eventcache;
use crate::git::history::{Commit, CommitFiles, FileChange, RecordEvent, Repo};
use crate::record::LIFECYCLE;
use anyhow::Result;
use git2::{Oid, Sort};
use jiff::Timestamp;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where the cache lives, relative to the workspace root.
pub const CACHE_FILE: &str = ".kith/history-cache.jsonl";

/// A changed file: old path, old blob, new path, new blob, whether it is a rename.
type CachedFile = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    bool,
);

/// One cached commit: its id and the files it changed.
#[derive(Serialize, Deserialize)]
struct Line {
    c: String,
    f: Vec<CachedFile>,
}

/// File-level changes per commit, read from and added to the cache file.
pub struct Cache {
    /// The workspace's root, under which [`crate::git::eventcache`] keeps large commits'
    /// events.
    root: PathBuf,
    path: PathBuf,
    /// The cache file as read; each line is decoded when its commit is asked for (an import
    /// of a million records is a 250 MB line, not needed while its events are cached).
    text: String,
    /// Where each commit's line is in `text`.
    lines: FxHashMap<Oid, std::ops::Range<usize>>,
    /// The file changes of the commits asked for so far.
    known: FxHashMap<Oid, Vec<FileChange>>,
    fresh: Vec<CommitFiles>,
}

impl Cache {
    /// The cache of the workspace at `root` (empty if there is none yet).
    pub fn open(root: &Path) -> Cache {
        let path = root.join(CACHE_FILE);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let mut lines = FxHashMap::default();
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            // Each line starts with its commit (`{"c":"<40 hex digits>"`); a line that does not
            // is damaged, as is one whose rest does not decode (left out when it is asked for).
            if let Some(oid) = line
                .strip_prefix("{\"c\":\"")
                .and_then(|l| l.get(..40))
                .and_then(|hex| Oid::from_str(hex).ok())
            {
                lines.insert(oid, at..at + line.len());
            }
            at += line.len();
        }
        Cache {
            root: root.to_path_buf(),
            path,
            text,
            lines,
            known: FxHashMap::default(),
            fresh: Vec::new(),
        }
    }

    /// Whether the cache holds `oid`'s file changes (read or not yet).
    fn holds(&self, oid: &Oid) -> bool {
        self.known.contains_key(oid) || self.lines.contains_key(oid)
    }

    /// Decodes the lines of `oids` not decoded yet, on every core; a damaged line is dropped,
    /// and its commit read again from git.
    fn decode_lines(&mut self, oids: &[Oid]) {
        let wanted: Vec<std::ops::Range<usize>> = oids
            .iter()
            .filter(|oid| !self.known.contains_key(oid))
            .filter_map(|oid| self.lines.get(oid).cloned())
            .collect();
        let text = &self.text;
        let decoded: Vec<Option<CommitFiles>> = wanted
            .into_par_iter()
            .map(|r| decode(text[r].trim_end()))
            .collect();
        for (oid, files) in decoded.into_iter().flatten() {
            self.known.insert(oid, files);
        }
        for oid in oids {
            if !self.known.contains_key(oid) {
                self.lines.remove(oid);
            }
        }
    }

    /// Appends the commits read since the cache was opened. Failing to write a cache is not
    /// an error worth stopping for; it is reported to the caller to mention.
    pub fn save(&mut self) -> std::io::Result<()> {
        let path = &self.path;
        if self.fresh.is_empty() {
            return Ok(());
        }
        if let Some(root) = path.parent().and_then(Path::parent) {
            crate::util::files::state_dir(root)?;
        }
        let mut out = String::new();
        for (oid, files) in self.fresh.drain(..) {
            out.push_str(&encode(oid, &files));
            out.push('\n');
        }
        // The first lines make the file whole or not at all: a kill between creating it and
        // writing it would leave an empty cache that no run wrote.
        match crate::util::files::create_whole(path, out.as_bytes()) {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            done => return done,
        }
        // One write of whole lines, appended: concurrent runs interleave lines, never parts.
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(path)?;
        // A run killed while appending leaves part of a line; the next line starts on its
        // own, or it would be damaged too (and so never read, and appended again each run).
        if ends_unfinished(&mut file)? {
            out.insert(0, '\n');
        }
        file.write_all(out.as_bytes())
    }
}

/// Whether a file's last byte is something other than a newline.
fn ends_unfinished(file: &mut std::fs::File) -> std::io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    if file.metadata()?.len() == 0 {
        return Ok(false);
    }
    file.seek(SeekFrom::End(-1))?;
    let mut last = [0u8];
    file.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}

fn encode(oid: Oid, files: &[FileChange]) -> String {
    let side = |s: &Option<(PathBuf, Oid)>| match s {
        Some((p, id)) => (Some(p.to_string_lossy().into_owned()), Some(id.to_string())),
        None => (None, None),
    };
    let line = Line {
        c: oid.to_string(),
        f: files
            .iter()
            .map(|f| {
                let ((op, ob), (np, nb)) = (side(&f.old), side(&f.new));
                (op, ob, np, nb, f.renamed)
            })
            .collect(),
    };
    serde_json::to_string(&line).expect("plain data serializes")
}

fn decode(line: &str) -> Option<CommitFiles> {
    let line: Line = serde_json::from_str(line).ok()?;
    let side = |p: Option<String>, b: Option<String>| -> Option<Option<(PathBuf, Oid)>> {
        match (p, b) {
            (Some(p), Some(b)) => Some(Some((PathBuf::from(p), Oid::from_str(&b).ok()?))),
            (None, None) => Some(None),
            _ => None,
        }
    };
    let mut files = Vec::with_capacity(line.f.len());
    for (op, ob, np, nb, renamed) in line.f {
        files.push(FileChange {
            old: side(op, ob)?,
            new: side(np, nb)?,
            renamed,
        });
    }
    Some((Oid::from_str(&line.c).ok()?, files))
}

/// A commit and the record changes it made.
#[derive(Debug, Clone)]
pub struct Changed {
    pub commit: Commit,
    pub changes: Vec<RecordEvent>,
}

/// The non-merge commits reachable from HEAD whose author time is at or after `since`, with
/// their record changes, oldest first. Each change belongs to the commit that introduced it
/// (compared with its first parent), never to whoever merged it. Commits the cache does not
/// know are compared on every core, each thread with its own handle on the repository.
pub fn since(repo: &Repo, cache: &mut Cache, since: Timestamp) -> Result<Vec<Changed>> {
    between(repo, cache, since, Timestamp::MAX)
}

/// [`since`], leaving out the commits authored at or after `until`: a past week's report
/// reads no commit made after it (a week before a big import reads none of the import).
pub fn between(
    repo: &Repo,
    cache: &mut Cache,
    since: Timestamp,
    until: Timestamp,
) -> Result<Vec<Changed>> {
    let git = &repo.git;
    let open = repo.opener();
    let mut walk = git.revwalk()?;
    if walk.push_head().is_err() {
        return Ok(Vec::new()); // no commit yet
    }
    walk.set_sorting(Sort::TIME)?;
    let mut picked: Vec<(Oid, Commit)> = Vec::new();
    for oid in walk {
        let commit = git.find_commit(oid?)?;
        // A commit is committed after it is authored: once commit times fall before the
        // period, no author time can be in it.
        if commit.time().seconds() < since.as_second() {
            break;
        }
        if commit.parent_count() > 1 {
            continue;
        }
        let info = Repo::commit_info(&commit);
        if info.time >= since && info.time < until {
            picked.push((commit.id(), info));
        }
    }
    // The events of large commits, when cached, need neither git nor the file changes.
    let (root, prefix) = (cache.root.clone(), repo.prefix.clone());
    let mut stored: FxHashMap<Oid, Vec<RecordEvent>> = picked
        .par_iter()
        .filter_map(|(oid, _)| Some((*oid, eventcache::read(&root, &prefix, *oid)?)))
        .collect();
    if !stored.is_empty() {
        crate::util::output::trace(&format!(
            "history: the events of {} large commit{} from the cache",
            stored.len(),
            if stored.len() == 1 { "" } else { "s" }
        ));
    }
    let unstored: Vec<Oid> = picked
        .iter()
        .map(|(oid, _)| *oid)
        .filter(|oid| !stored.contains_key(oid))
        .collect();
    cache.decode_lines(&unstored);
    let missing: Vec<Oid> = unstored
        .into_iter()
        .filter(|oid| !cache.holds(oid))
        .collect();
    let computed = match crate::git::folderdiff::file_changes(repo, &missing) {
        Some(Ok(found)) => found
            .into_par_iter()
            .map_init(&open, |r, (oid, files)| -> Result<CommitFiles> {
                let r = r.as_ref().map_err(|e| anyhow::anyhow!("{e:#}"))?;
                Ok((oid, r.pair_renames(&r.git.find_commit(oid)?, files)?))
            })
            .collect::<Result<_>>()?,
        Some(Err(e)) => {
            crate::util::output::trace(&format!("git cat-file: {e:#}; reading with libgit2"));
            by_libgit2(&open, &missing)?
        }
        None => by_libgit2(&open, &missing)?,
    };

    for (oid, files) in computed {
        cache.known.insert(oid, files.clone());
        cache.fresh.push((oid, files));
    }
    crate::util::output::trace("history: files changed");
    let known = &cache.known;
    let picked: Vec<(Oid, Commit, Option<Vec<RecordEvent>>)> = picked
        .into_iter()
        .map(|(oid, info)| {
            let events = stored.remove(&oid);
            (oid, info, events)
        })
        .collect();
    let mut out: Vec<Changed> = picked
        .into_par_iter()
        .map_init(&open, |r, (oid, info, events)| -> Result<Option<Changed>> {
            let r = r.as_ref().map_err(|e| anyhow::anyhow!("{e:#}"))?;
            let changes = match events {
                Some(events) => events,
                None => {
                    let files = known.get(&oid).ok_or_else(|| {
                        anyhow::anyhow!("the changes of commit {oid} could not be read")
                    })?;
                    if files.len() < eventcache::LARGE {
                        slim(r.events(files))
                    } else {
                        let events = r.events_then(files, slim);
                        eventcache::write(&root, &r.prefix, oid, &events);
                        events
                    }
                }
            };
            Ok((!changes.is_empty()).then_some(Changed {
                commit: info,
                changes,
            }))
        })
        .filter_map(Result::transpose)
        .collect::<Result<_>>()?;
    out.sort_by_key(|c| c.commit.time);
    Ok(out)
}

/// A commit's changes without the fields and activities records were created with, but for
/// their stage (`lifecycle`, a deal's `stage`), which is all the report needs of a creation
/// (a record page shows a creation as one row, and the activities in the record's own log):
/// an import of 100,000 records is then 100,000 changes in memory, not a million. A record's changes are
/// all in one file's, so any run of whole files' changes can be slimmed on its own.
fn slim(mut changes: Vec<RecordEvent>) -> Vec<RecordEvent> {
    use crate::git::history::Event;
    let created: rustc_hash::FxHashSet<(crate::record::Kind, &str)> = changes
        .iter()
        .filter(|c| matches!(c.event, Event::Created))
        .map(|c| (c.kind, c.id.as_str()))
        .collect();
    if created.is_empty() {
        return changes;
    }
    let keep: Vec<bool> = changes
        .iter()
        .map(|c| match &c.event {
            Event::Field { key, .. } if key != LIFECYCLE && key != "stage" => {
                !created.contains(&(c.kind, c.id.as_str()))
            }
            Event::Logged(_) => !created.contains(&(c.kind, c.id.as_str())),
            _ => true,
        })
        .collect();
    drop(created);
    let mut keep = keep.into_iter();
    changes.retain(|_| keep.next().unwrap_or(true));
    changes
}

/// [`since`]'s file changes without the `git` executable: libgit2, each thread comparing a
/// run of consecutive commits, so that a folder read for a commit serves again for its parent.
fn by_libgit2(
    open: &(impl Fn() -> Result<Repo> + Sync),
    missing: &[Oid],
) -> Result<Vec<CommitFiles>> {
    let run = missing
        .len()
        .div_ceil(rayon::current_num_threads() * 4)
        .max(1);
    Ok(missing
        .par_chunks(run)
        .map(|oids| -> Result<Vec<CommitFiles>> {
            let r = open()?;
            let mut folders = crate::git::history::Folders::default();
            oids.iter()
                .map(|oid| {
                    let commit = r.git.find_commit(*oid)?;
                    Ok((*oid, r.record_file_changes(&commit, &mut folders)?))
                })
                .collect()
        })
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_lines_round_trip_and_damaged_lines_are_ignored() {
        let a = Oid::from_str("0123456789abcdef0123456789abcdef01234567").unwrap();
        let b = Oid::from_str("89abcdef0123456789abcdef0123456789abcdef").unwrap();
        let files = vec![
            FileChange {
                old: None,
                new: Some((PathBuf::from("contacts/ada.md"), a)),
                renamed: false,
            },
            FileChange {
                old: Some((PathBuf::from("crm/deals/x.md"), a)),
                new: Some((PathBuf::from("crm/deals/y.md"), b)),
                renamed: true,
            },
        ];
        let line = encode(b, &files);
        assert_eq!(decode(&line), Some((b, files)));
        assert_eq!(decode(&line[..line.len() - 3]), None);
        assert_eq!(decode(r#"{"c":"xyz","f":[]}"#), None);
    }

    #[test]
    fn a_line_cut_short_by_a_crash_does_not_damage_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let a = Oid::from_str("0123456789abcdef0123456789abcdef01234567").unwrap();
        let line = encode(a, &[]);
        let path = dir.path().join(CACHE_FILE);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        // A run killed half-way through its append.
        std::fs::write(&path, &line[..line.len() / 2]).unwrap();
        let mut cache = Cache::open(dir.path());
        assert!(!cache.holds(&a));
        cache.fresh.push((a, Vec::new()));
        cache.save().unwrap();
        let mut again = Cache::open(dir.path());
        assert!(again.holds(&a));
        again.decode_lines(&[a]);
        assert_eq!(again.known.get(&a), Some(&Vec::new()));
    }

    /// A line whose commit can be read but whose changes cannot is dropped when asked for:
    /// the commit is read from git again.
    #[test]
    fn a_damaged_line_is_dropped_when_its_commit_is_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        let a = Oid::from_str("0123456789abcdef0123456789abcdef01234567").unwrap();
        let b = Oid::from_str("89abcdef0123456789abcdef0123456789abcdef").unwrap();
        let good = encode(b, &[]);
        let damaged = encode(a, &[]).replace("\"f\":[]", "\"f\":[7]");
        let path = dir.path().join(CACHE_FILE);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, format!("{damaged}\n{good}\n")).unwrap();
        let mut cache = Cache::open(dir.path());
        assert!(cache.holds(&a) && cache.holds(&b));
        cache.decode_lines(&[a, b]);
        assert!(!cache.holds(&a));
        assert_eq!(cache.known.get(&b), Some(&Vec::new()));
    }
}
