//! Loading a workspace into an [`Index`]: list the record files, read and parse them in
//! parallel, and index the results. Never stops at a bad file: unreadable files become broken
//! records with a diagnostic, so they can still be found and fixed.

pub mod cache;
pub mod twins;

use crate::index::Index;
use crate::record::diag::Diagnostic;
use crate::record::layout::{self, Layout};
use crate::record::parse::{self, Parsed};
use crate::record::{Kind, Record};
use crate::util::stamp::FileStat;
use crate::workspace::Workspace;
use rayon::prelude::*;
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// A record file found on disk.
#[derive(Debug, Clone)]
pub struct Found {
    pub kind: Kind,
    pub id: compact_str::CompactString,
    /// What the directory listing says the entry is (no extra `stat` on most file systems).
    pub file_type: Option<std::fs::FileType>,
}

impl Found {
    /// A record file by name, nothing known of it yet.
    pub fn named(kind: Kind, id: &str) -> Found {
        Found {
            kind,
            id: id.into(),
            file_type: None,
        }
    }
}

/// What [`list_with`] found.
#[derive(Debug, Default)]
pub struct Listing {
    /// The record files, sorted by kind and id.
    pub found: Vec<Found>,
    /// Asked to look: what `lstat` said of each of `found` (`None`: it could not be looked
    /// at). Empty otherwise: kept beside `found`, not in it, so that a listing that does not
    /// look takes no more memory (40 bytes a file; 1,000,000 of them in a large workspace).
    pub seen: Vec<Option<FileStat>>,
    /// Problems with the folders, misplaced files, leftovers.
    pub diags: Vec<Diagnostic>,
    /// Asked to look: the files named like records that are not where the layout keeps them
    /// (not loaded), by their path in the workspace, with what `lstat` said of them.
    pub strays: Vec<(String, FileStat)>,
    /// Some folder could not be read: its files are missing from `found` (and would look
    /// deleted to a comparison with git's index).
    pub partial: bool,
}

/// Lists record files (`<folder>/<id>.md`) of every kind, sorted by kind and id. Problems with
/// the folders themselves are returned as diagnostics.
pub fn list(ws: &Workspace) -> (Vec<Found>, Vec<Diagnostic>) {
    let listing = list_with(ws, false);
    (listing.found, listing.diags)
}

/// [`list`], and with `look`, each file `lstat`'d as it is listed (relative to its open
/// folder): the stamps the cache compares and what git's index compares, in the same pass
/// that reads the folders.
pub fn list_with(ws: &Workspace, look: bool) -> Listing {
    let mut out = Listing::default();
    for kind in Kind::ALL {
        let dir = ws.dir(kind);
        if let Some(target) = ws.outside_target(kind) {
            out.diags
                .push(folder_outside(kind, target).in_file(format!("{}/", kind.dir())));
            continue;
        }
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => {
                out.diags.push(
                    Diagnostic::error("unreadable", format!("cannot read the folder: {e}"))
                        .in_file(format!("{}/", kind.dir())),
                );
                continue;
            }
        };
        let folder = Folder {
            kind,
            layout: ws.config.layout,
            look,
        };
        // The shard folders are listed after, a thread each at a time (at a million records,
        // 4,352 folders a kind).
        let mut tops = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name();
            if let Some(shard) = name.to_str().filter(|n| layout::is_shard_name(n))
                && entry.file_type().is_ok_and(|t| t.is_dir())
            {
                tops.push((shard.to_string(), entry.path()));
                continue;
            }
            let Some(name) = name.to_str() else {
                out.diags.push(
                    Diagnostic::warning(
                        "bad-file-name",
                        "a file name is not valid UTF-8; the file is skipped",
                    )
                    .in_file(format!("{}/{}", kind.dir(), name.to_string_lossy()))
                    .help("rename it with letters, digits and `-` only"),
                );
                continue;
            };
            if name.starts_with('.') {
                if name.ends_with(".kith-tmp") {
                    out.diags.push(leftover(kind, name));
                }
                continue;
            }
            if let Some(id) = name.strip_suffix(".md") {
                if folder.layout != Layout::Flat {
                    out.diags.push(misplaced(kind, id, folder.layout));
                    folder.stray(&entry, &format!("{}/{name}", kind.dir()), &mut out);
                    continue;
                }
                folder.found(&entry, id, &mut out);
            }
        }
        let listed: Vec<Listing> = tops
            .par_iter()
            .map(|(shard, path)| {
                let mut out = Listing::default();
                folder.top_shard(shard, path, &mut out);
                out
            })
            .collect();
        for l in listed {
            out.found.extend(l.found);
            out.seen.extend(l.seen);
            out.diags.extend(l.diags);
            out.strays.extend(l.strays);
        }
    }
    // A kind and an id name one file: no two are equal.
    let order = |a: &Found, b: &Found| (a.kind, &a.id).cmp(&(b.kind, &b.id));
    if look {
        let mut both: Vec<(Found, Option<FileStat>)> = std::mem::take(&mut out.found)
            .into_iter()
            .zip(std::mem::take(&mut out.seen))
            .collect();
        both.par_sort_unstable_by(|a, b| order(&a.0, &b.0));
        (out.found, out.seen) = both.into_iter().unzip();
    } else {
        out.found.par_sort_unstable_by(order);
    }
    out.diags
        .extend(crate::load::twins::diagnostics(&out.found));
    // In one order whatever order the folders were read in.
    crate::record::diag::sort(&mut out.diags);
    out.partial = out.diags.iter().any(|d| d.code == "unreadable");
    out.strays.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    out
}

/// One kind's folder being listed.
struct Folder {
    kind: Kind,
    layout: Layout,
    /// Whether each file is `lstat`'d.
    look: bool,
}

impl Folder {
    fn found(&self, entry: &std::fs::DirEntry, id: &str, out: &mut Listing) {
        out.found.push(Found {
            kind: self.kind,
            id: id.into(),
            file_type: entry.file_type().ok(),
        });
        if self.look {
            // `DirEntry::metadata` is an `fstatat` relative to the folder, links not followed.
            out.seen
                .push(entry.metadata().ok().map(|m| FileStat::of(&m)));
        }
    }

    /// Keeps a misplaced file at `rel` that git's view of the records would count (a path
    /// that names a record in some layout), when asked to look.
    fn stray(&self, entry: &std::fs::DirEntry, rel: &str, out: &mut Listing) {
        if self.look
            && layout::of_path(rel).is_some()
            && let Ok(m) = entry.metadata()
        {
            out.strays.push((rel.to_string(), FileStat::of(&m)));
        }
    }

    /// Lists the shard folders inside a first-level one (`contacts/3f/a/`). A record file right
    /// in it (`contacts/3f/ada.md`, one level short) is not read, and reported like one in the
    /// wrong shard.
    fn top_shard(&self, top: &str, dir: &Path, out: &mut Listing) {
        let kind = self.kind;
        let Some(entries) = shard_entries(kind, top, dir, &mut out.diags) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if layout::is_subshard_name(name) && entry.file_type().is_ok_and(|t| t.is_dir()) {
                let shard = format!("{top}/{name}");
                self.shard(&shard, &entry.path(), out);
                continue;
            }
            if hidden(kind, top, name, &mut out.diags) {
                continue;
            }
            if let Some(id) = name.strip_suffix(".md") {
                out.diags.push(
                    misplaced(kind, id, self.layout)
                        .in_file(format!("{}/{top}/{name}", kind.dir())),
                );
            }
        }
    }

    /// Lists the record files of one shard folder (`contacts/3f/a/`). Files in the wrong shard,
    /// and shards in a flat workspace, are not read: kith would look for them elsewhere and
    /// write beside them, so they are reported with the command that puts them in place.
    fn shard(&self, shard: &str, dir: &Path, out: &mut Listing) {
        let kind = self.kind;
        let Some(entries) = shard_entries(kind, shard, dir, &mut out.diags) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if hidden(kind, shard, name, &mut out.diags) {
                continue;
            }
            let Some(id) = name.strip_suffix(".md") else {
                continue;
            };
            if self.layout != Layout::Sharded || layout::shard_bytes(id) != shard.as_bytes() {
                let rel = format!("{}/{shard}/{name}", kind.dir());
                self.stray(&entry, &rel, out);
                out.diags
                    .push(misplaced(kind, id, self.layout).in_file(rel));
                continue;
            }
            self.found(&entry, id, out);
        }
    }
}

/// The entries of the shard folder `shard` (`3f` or `3f/a`) of `kind`'s folder; `None`, with
/// the problem reported, when it cannot be read.
fn shard_entries(
    kind: Kind,
    shard: &str,
    dir: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Option<std::fs::ReadDir> {
    let entries = std::fs::read_dir(dir);
    if entries.is_err() {
        diags.push(
            Diagnostic::error("unreadable", "cannot read the folder")
                .in_file(format!("{}/{shard}/", kind.dir())),
        );
    }
    entries.ok()
}

/// Whether `name` in the shard folder `shard` is hidden (never a record); a temporary file a
/// killed write left is reported.
fn hidden(kind: Kind, shard: &str, name: &str, diags: &mut Vec<Diagnostic>) -> bool {
    if name.starts_with('.') && name.ends_with(".kith-tmp") {
        diags.push(leftover(kind, &format!("{shard}/{name}")));
    }
    name.starts_with('.')
}

/// A record file that is not where kith.yaml's `layout:` keeps it: not loaded.
fn misplaced(kind: Kind, id: &str, layout: Layout) -> Diagnostic {
    let want = layout.rel(kind, id);
    Diagnostic::error(
        "misplaced-record",
        format!(
            "this record is not where `layout: {}` keeps it ({want}); kith does not read it here",
            layout.name()
        ),
    )
    .help(format!(
        "run `kith migrate --layout {}` to move every record into place",
        layout.name()
    ))
    .in_file(crate::record::layout::Layout::Flat.rel(kind, id))
}

fn folder_outside(kind: Kind, target: &Path) -> Diagnostic {
    Diagnostic::error(
        "folder-outside",
        format!(
            "{}/ is a symlink to {}, outside the workspace; kith does not read it",
            kind.dir(),
            target.display()
        ),
    )
    .help("move the folder into the workspace instead of linking to it")
}

/// A temporary file that a kith command killed half-way left beside a record. It is never
/// read as a record nor committed by `kith sync`, but it is clutter.
fn leftover(kind: Kind, name: &str) -> Diagnostic {
    let rel = format!("{}/{name}", kind.dir());
    Diagnostic::warning(
        "leftover-temporary",
        "a temporary file left by a kith command that was interrupted; the record beside it is whole",
    )
    .help(format!("remove it: rm '{rel}'"))
    .in_file(rel)
}

/// Loads the whole workspace.
pub fn load(ws: &Workspace) -> Index {
    load_listed(ws, false).0
}

/// [`load`], each record file `lstat`'d as its folder is read: the listing is returned, with
/// what was seen of every file, for a caller that compares the working tree with git's index
/// next (the report's uncommitted changes) and need not walk it again.
pub fn load_looked(ws: &Workspace) -> (Index, Listing) {
    load_listed(ws, true)
}

fn load_listed(ws: &Workspace, look: bool) -> (Index, Listing) {
    let watched = crate::load::cache::watched(ws);
    let mut listing = list_with(ws, look);
    crate::util::output::trace("listed");
    let mut folder_diags = std::mem::take(&mut listing.diags);
    let loaded = crate::load::cache::load(ws, &listing, &folder_diags, watched);
    crate::util::output::trace("read and parsed");
    if !look {
        drop(std::mem::take(&mut listing.found));
    }
    let mut index = Index::build(ws.config.clone(), loaded.parsed);
    crate::util::output::trace("indexed");
    index.cache_key = loaded.key;
    index.workspace_diags.append(&mut ws.config_diags.clone());
    index
        .workspace_diags
        .append(&mut crate::analysis::config_diagnostics(&ws.config));
    index.workspace_diags.append(&mut folder_diags);
    (index, listing)
}

/// Reads and parses one record file.
pub fn load_one(ws: &Workspace, f: &Found) -> Parsed {
    thread_local! {
        /// One read buffer per loader thread, reused for every file it reads.
        static BUFFER: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(Vec::with_capacity(16 * 1024));
    }
    let rel = crate::record::layout::rel(f.kind, &f.id);
    // The watcher and sync name files directly, without the listing that skips such a folder.
    if let Some(target) = ws.outside_target(f.kind) {
        return broken(f.kind, &f.id, folder_outside(f.kind, target).in_file(rel));
    }
    BUFFER.with_borrow_mut(|buf| {
        buf.clear();
        let path = ws.root.join(crate::record::layout::rel(f.kind, &f.id));
        match read_record_into(ws, &path, f.file_type, buf) {
            Ok(()) => parse::parse(f.kind, &f.id, &rel, buf, &ws.config),
            Err(d) => broken(f.kind, &f.id, d.in_file(rel)),
        }
    })
}

fn broken(kind: Kind, id: &str, d: Diagnostic) -> Parsed {
    let mut record = Record::new(kind, id);
    record.broken = true;
    Parsed {
        record,
        refs: Vec::new(),
        mentions: Vec::new(),
        email_pos: Default::default(),
        diags: vec![d],
    }
}

/// Reads a record's bytes, refusing what is not a regular file inside the workspace or is too
/// large. `known` is the file type from the directory listing, when there is one; it saves a
/// system call per file, which adds up over 100,000 records.
pub fn read_record(
    ws: &Workspace,
    path: &Path,
    known: Option<std::fs::FileType>,
) -> Result<Vec<u8>, Diagnostic> {
    let mut bytes = Vec::new();
    read_record_into(ws, path, known, &mut bytes)?;
    Ok(bytes)
}

/// [`read_record`] into a buffer the caller owns (and reuses).
pub fn read_record_into(
    ws: &Workspace,
    path: &Path,
    known: Option<std::fs::FileType>,
    out: &mut Vec<u8>,
) -> Result<(), Diagnostic> {
    let ft = match known {
        Some(ft) => ft,
        None => std::fs::symlink_metadata(path)
            .map_err(io_diag)?
            .file_type(),
    };
    if ft.is_symlink() {
        let target = path.canonicalize().map_err(|_| {
            Diagnostic::error("broken-symlink", "the file is a symlink to nothing")
                .help("remove the link or restore its target")
        })?;
        if !target.starts_with(&ws.canonical_root) {
            return Err(Diagnostic::error(
                "symlink-outside",
                format!(
                    "the file is a symlink to {}, outside the workspace; kith does not follow it",
                    target.display()
                ),
            )
            .help("copy the record into the workspace instead of linking to it"));
        }
        let meta = std::fs::metadata(&target).map_err(io_diag)?;
        if !meta.is_file() {
            return Err(not_a_file());
        }
        return read_limited(&target, ws.config.max_record_bytes, out);
    }
    if !ft.is_file() {
        return Err(not_a_file());
    }
    read_limited(path, ws.config.max_record_bytes, out)
}

/// `4 KiB`, `5.2 KiB`, `1 MiB`, `812 bytes`.
pub fn human_size(n: u64) -> String {
    let (value, unit) = match n {
        0..1024 => return format!("{n} bytes"),
        1024..1_048_576 => (n as f64 / 1024.0, "KiB"),
        _ => (n as f64 / 1_048_576.0, "MiB"),
    };
    if value.fract() < 0.05 {
        format!("{value:.0} {unit}")
    } else {
        format!("{value:.1} {unit}")
    }
}

fn not_a_file() -> Diagnostic {
    Diagnostic::error(
        "not-a-file",
        "this is not a regular file (a folder, pipe or device); kith skips it",
    )
    .help("records are plain text files; rename or remove this entry")
}

fn io_diag(e: std::io::Error) -> Diagnostic {
    Diagnostic::error("unreadable", format!("cannot read the file: {e}"))
}

/// Reads at most `max` bytes. No `fstat`: records are small, so one read into a buffer sized
/// for a typical record (plus the read that sees the end) is all it takes. Opened without
/// blocking: should a pipe have taken the file's place since it was listed, opening it does
/// not wait for a writer.
fn read_limited(path: &Path, max: u64, out: &mut Vec<u8>) -> Result<(), Diagnostic> {
    let mut options = File::options();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(io_diag)?;
    file.take(max + 1).read_to_end(out).map_err(io_diag)?;
    if out.len() as u64 > max {
        return Err(too_large(path, max));
    }
    Ok(())
}

fn too_large(path: &Path, max: u64) -> Diagnostic {
    let size =
        std::fs::metadata(path).map_or_else(|_| "larger".to_string(), |m| human_size(m.len()));
    Diagnostic::error("too-large", format!("the file is {size}; a record may be at most {}", human_size(max)))
    .help("move long notes or attachments out of the record, or raise `max_record_bytes` in kith.yaml")
}

/// Loads the records as they are staged in git's index (for the pre-commit hook): what would
/// be committed, not what is in the working tree.
pub fn load_staged(ws: &Workspace) -> anyhow::Result<Index> {
    use anyhow::Context;
    let repo = crate::git::history::require(&ws.root)?;
    let index = repo.git.index().context("cannot read git's index")?;
    let mut blobs = Vec::new();
    let mut temporaries = Vec::new();
    for entry in index.iter() {
        let path = std::path::PathBuf::from(String::from_utf8_lossy(&entry.path).into_owned());
        if let Some((kind, id)) = repo.record_of(&path) {
            blobs.push((kind, id, entry.id));
        } else if let Ok(rel) = path.strip_prefix(&repo.prefix)
            && rel
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(crate::util::files::is_temporary)
        {
            temporaries.push(staged_temporary(&rel.to_string_lossy()));
        }
    }
    let mut loaded = load_blobs(ws, &repo, blobs)?;
    loaded.workspace_diags.append(&mut temporaries);
    Ok(loaded)
}

/// A kith temporary file staged for a commit: never the user's data, so the commit is refused.
fn staged_temporary(rel: &str) -> Diagnostic {
    Diagnostic::error(
        "staged-temporary",
        "a temporary file left by an interrupted kith command is staged for commit",
    )
    .help(format!(
        "unstage and remove it: git rm --cached -q '{rel}' && rm '{rel}' (the record beside it is whole)"
    ))
    .in_file(rel.to_string())
}

/// Loads the records as they were in a commit: the workspace's state at some point in its
/// history, read with today's kith.yaml.
pub fn load_commit(
    ws: &Workspace,
    repo: &crate::git::history::Repo,
    commit: git2::Oid,
) -> anyhow::Result<Index> {
    let tree = repo.git.find_commit(commit)?.tree()?;
    let mut blobs = Vec::new();
    for kind in Kind::ALL {
        let dir = repo.prefix.join(kind.dir());
        let Ok(entry) = tree.get_path(&dir) else {
            continue;
        };
        let Ok(sub) = repo.git.find_tree(entry.id()) else {
            continue;
        };
        for e in sub.iter() {
            let Ok(name) = e.name() else { continue };
            // A shard folder (`contacts/3f/`): its files, two levels down (`3f/a/ada.md`).
            if e.kind() == Some(git2::ObjectType::Tree) && layout::is_shard_name(name) {
                let Ok(top) = repo.git.find_tree(e.id()) else {
                    continue;
                };
                for s in top.iter() {
                    let Ok(sub) = s.name() else { continue };
                    if s.kind() != Some(git2::ObjectType::Tree) || !layout::is_subshard_name(sub) {
                        continue;
                    }
                    let Ok(shard) = repo.git.find_tree(s.id()) else {
                        continue;
                    };
                    for f in shard.iter() {
                        let Ok(file) = f.name() else { continue };
                        if let Some((kind, id)) =
                            repo.record_of(&dir.join(name).join(sub).join(file))
                            && f.kind() == Some(git2::ObjectType::Blob)
                        {
                            blobs.push((kind, id, f.id()));
                        }
                    }
                }
                continue;
            }
            if let Some((kind, id)) = repo.record_of(&dir.join(name))
                && e.kind() == Some(git2::ObjectType::Blob)
            {
                blobs.push((kind, id, e.id()));
            }
        }
    }
    load_blobs(ws, repo, blobs)
}

/// Reads blobs (one thread: git2 repositories are not shared between threads), then parses
/// them in parallel.
fn load_blobs(
    ws: &Workspace,
    repo: &crate::git::history::Repo,
    blobs: Vec<(Kind, String, git2::Oid)>,
) -> anyhow::Result<Index> {
    use anyhow::Context;
    let mut read = Vec::with_capacity(blobs.len());
    for (kind, id, oid) in blobs {
        let rel = crate::record::layout::rel(kind, &id);
        let blob = repo
            .git
            .find_blob(oid)
            .with_context(|| format!("cannot read {rel} from git"))?;
        read.push((kind, id, rel, blob.content().to_vec()));
    }
    let parsed: Vec<Parsed> = read
        .par_iter()
        .map(|(kind, id, rel, bytes)| {
            if bytes.len() as u64 > ws.config.max_record_bytes {
                broken(
                    *kind,
                    id,
                    too_large(&ws.root.join(rel), ws.config.max_record_bytes).in_file(rel.clone()),
                )
            } else {
                parse::parse(*kind, id, rel, bytes, &ws.config)
            }
        })
        .collect();
    let mut index = Index::build(ws.config.clone(), parsed);
    index.workspace_diags.append(&mut ws.config_diags.clone());
    index
        .workspace_diags
        .append(&mut crate::analysis::config_diagnostics(&ws.config));
    Ok(index)
}

/// Sums up the problems of the records and kith.yaml for the one line on stderr that `main`
/// prints after the command's own output (`cmd::print_tally`), instead of the problems themselves.
/// Remembered in the cache for `kith list`'s answers from it, which must say the same.
pub fn summarize(ws: &Workspace, index: &Index) {
    summarize_with(ws, index, index.tally());
}

/// [`summarize`] with the index's tally already worked out ([`Index::diagnostics_and_tally`]).
pub fn summarize_with(ws: &Workspace, index: &Index, tally: crate::record::diag::Tally) {
    cache::remember_tally(ws, index, tally);
    keep_tally(tally);
}

/// The tally of the workspace the command loaded, for [`print_tally`].
static TALLY: std::sync::Mutex<Option<crate::record::diag::Tally>> = std::sync::Mutex::new(None);

/// Keeps the tally of the workspace the command loaded (the last, if it loaded several).
pub fn keep_tally(tally: crate::record::diag::Tally) {
    *TALLY
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(tally);
}

/// The tally [`summarize`] kept last, taken (so that it is printed once).
pub fn take_tally() -> Option<crate::record::diag::Tally> {
    TALLY
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_named_through_a_folder_linked_outside_is_not_read() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(
            outside.path().join("secret.md"),
            "---\nname: Outside Secret\n---\n",
        )
        .unwrap();
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("kith.yaml"), "name: t\n").unwrap();
        std::os::unix::fs::symlink(outside.path(), root.path().join("contacts")).unwrap();
        let ws = Workspace::open(root.path()).unwrap();
        // As the watcher names a file from an event, without listing the folder.
        let found = Found::named(Kind::Person, "secret");
        let parsed = load_one(&ws, &found);
        assert!(parsed.record.broken);
        assert_eq!(parsed.diags[0].code, "folder-outside");
        assert!(parsed.record.get("name").is_none());
        let (listed, diags) = list(&ws);
        assert!(listed.is_empty());
        assert_eq!(diags[0].path, "contacts/");
    }
}
