//! A persistent cache under `.kith/cache/` (git-ignored, one per clone), so that a command
//! run again on an unchanged workspace does not parse 100,000 files again.
//!
//! Two files, each written whole to a temporary file and renamed into place:
//! - `records.bin` ([`records`]): every record file's stamp (size, times, inode), content hash
//!   and parsed form. A load re-parses only the files whose stamp changed; a file whose stamp is
//!   unchanged but was written too close to the moment kith last looked ("racy") is read again
//!   and trusted only if its content hash is the same. Built for one kith build and one
//!   kith.yaml: either changing discards it.
//! - `results.bin` ([`results`]): what `kith check` and the scores and segments came to for
//!   one exact content of every record file, so `kith check` and `kith list` on an unchanged
//!   workspace only look at the files' stamps.
//!
//! Nothing in a cache file is believed without a check: a missing, truncated, altered or
//! foreign file is ignored and rebuilt, and no output depends on whether the cache was there
//! (`tests/cli/cache.rs` compares every command with and without it after random edits).
//! `--no-cache` (or `KITH_NO_CACHE=1`) bypasses it; `kith cache clear` deletes it.

pub use crate::record::codec;
mod files;
pub mod monitor;
pub mod query;
mod records;
pub mod results;
use crate::util::stamp;

use crate::load::{self, Found};
use crate::record::diag::Diagnostic;
use crate::record::parse::Parsed;
use crate::workspace::Workspace;
use rayon::prelude::*;
use records::{Entry, Records};
use stamp::Stamp;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use xxhash_rust::xxh3::{Xxh3, xxh3_128};

/// The version of the cache's file formats and of what they hold; a change discards old files.
pub const FORMAT: u32 = 4;

/// Most files loaded (and cached blobs read) together.
const CHUNK: usize = 1024;

/// At most this many files are read to check their content before a command gives up on the
/// results of the last run and loads the workspace (which brings the cache up to date).
const MAX_VERIFY: usize = 64;

static DISABLED: AtomicBool = AtomicBool::new(false);

/// Turns the cache off for this process (`--no-cache`).
pub fn disable() {
    DISABLED.store(true, Ordering::Relaxed);
}

/// Set by `--dry-run`: the cache is read, never written.
static READ_ONLY: AtomicBool = AtomicBool::new(false);

/// Keeps the cache as it is for this process (`--dry-run`): it is read but not written.
pub fn read_only() {
    READ_ONLY.store(true, Ordering::Relaxed);
}

fn enabled() -> bool {
    cfg!(unix) && !DISABLED.load(Ordering::Relaxed)
}

/// The cache's folder in a workspace.
pub fn dir(ws: &Workspace) -> PathBuf {
    ws.root.join(".kith").join("cache")
}

fn records_path(ws: &Workspace) -> PathBuf {
    dir(ws).join("records.bin")
}

fn results_path(ws: &Workspace) -> PathBuf {
    dir(ws).join("results.bin")
}

/// What the records cache depends on besides the files: this build of kith and kith.yaml.
fn config_key(ws: &Workspace) -> u128 {
    let mut h = Xxh3::new();
    h.update(&FORMAT.to_le_bytes());
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(&crate::util::stamp::this_build().to_le_bytes());
    h.update(&ws.config_hash.to_le_bytes());
    h.digest128()
}

/// The key of one state of the workspace: the records key and every record's kind, id and
/// content hash, in order, and the problems with the folders themselves.
fn content_key<'a>(
    config: u128,
    records: impl Iterator<Item = (crate::record::Kind, &'a str, u128)>,
    folder_diags: &[Diagnostic],
) -> u128 {
    let mut h = Xxh3::new();
    h.update(&config.to_le_bytes());
    for (kind, id, hash) in records {
        h.update(&[kind as u8]);
        h.update(id.as_bytes());
        h.update(&[0]);
        h.update(&hash.to_le_bytes());
    }
    for d in folder_diags {
        h.update(d.render(false).as_bytes());
    }
    h.digest128()
}

/// The records, loaded through the cache, and the key of the state they were loaded in (for
/// [`results`]); `None` when some file could not be hashed (a symlink, an unreadable file).
pub struct Loaded {
    pub parsed: Vec<Parsed>,
    pub key: Option<u128>,
}

/// One file's way through a load, beside its parsed record (kept apart, so that the records
/// are collected once, where they stay).
#[derive(Clone, Default)]
struct Item {
    /// Its stamp and content hash, for a file the cache can hold.
    known: Option<(Stamp, u128)>,
    /// The entry in the old cache whose blob is still this file's.
    reused: Option<usize>,
    /// The entry was racy and no longer is: rewriting it spares the next runs a read.
    settled: bool,
}

/// What the running monitor said before a command looked at the files ([`watched`]).
#[derive(Debug, Clone, Copy)]
pub struct Watched {
    /// Its count of changes then: what the command may vouch for afterwards.
    token: monitor::Token,
    /// The last vouch, when nothing changed since it was made.
    holds: Option<monitor::Vouch>,
}

impl Watched {
    /// Vouches that the records cache with stamp `records` held the state with `key` as of
    /// this answer.
    fn vouch(&self, ws: &Workspace, config: u128, records: Stamp, key: u128) {
        let vouch = monitor::Vouch {
            config,
            records,
            token: self.token,
            key,
        };
        vouch.write(ws);
    }
}

/// Asks the running monitor, if one runs, before a command looks at the files: its count (so
/// that the command can vouch for what it finds), and whether the last vouch still holds (so
/// that it need not stamp the files the cache holds).
pub fn watched(ws: &Workspace) -> Option<Watched> {
    if !enabled() {
        return None;
    }
    watched_with(ws, config_key(ws))
}

fn watched_with(ws: &Workspace, config: u128) -> Option<Watched> {
    let vouch = monitor::Vouch::read(ws, config);
    let answer = monitor::ask(ws, vouch.map(|v| v.token))?;
    let holds = match answer {
        monitor::Answer::Unchanged(_) => vouch,
        monitor::Answer::Changed(_) => None,
    };
    Some(Watched {
        token: answer.token(),
        holds,
    })
}

/// Loads the listed files, taking what it can from the cache and updating it (with what the
/// listing saw of each file, if it looked). `watched` is what the monitor said before they
/// were listed ([`watched`]).
pub fn load(
    ws: &Workspace,
    listing: &load::Listing,
    folder_diags: &[Diagnostic],
    watched: Option<Watched>,
) -> Loaded {
    let found = &listing.found[..];
    // What the listing saw of each file, if it looked.
    let seen = (listing.seen.len() == found.len()).then_some(&listing.seen[..]);
    if !enabled() {
        let parsed = parse_all(ws, found);
        return Loaded { parsed, key: None };
    }
    let looked = stamp::now();
    let config = config_key(ws);
    let old = Records::open(&records_path(ws), config);
    // The monitor vouches for this very cache: its entries need no stamp.
    let trusted = watched
        .and_then(|w| w.holds)
        .is_some_and(|v| old.as_ref().and_then(Records::stamp) == Some(v.records));
    if trusted {
        trace("the monitor vouches for the cached records");
    }
    let old_entries = old.as_ref().map_or(&[][..], |o| &o.entries[..]);
    let matches = match_entries(found, old_entries);
    let dirs = files::Dirs::open(ws, found.len());
    // A run of files at a time, with their old blobs read at once; runs small enough that
    // every thread has several, however few the files.
    let run = CHUNK
        .min(found.len().div_ceil(4 * rayon::current_num_threads()))
        .max(1);
    // Each run writes its records straight into their place: no second copy of every record
    // (collecting runs and then moving them into one vector held both at once, 50 MB at
    // 100,000 records).
    let mut slots: Vec<Option<Parsed>> = Vec::new();
    slots.resize_with(found.len(), || None);
    let mut items: Vec<Item> = vec![Item::default(); found.len()];
    let pass = Pass {
        ws,
        dirs: &dirs,
        looked,
        trusted,
    };
    slots
        .par_chunks_mut(run)
        .zip(items.par_chunks_mut(run))
        .zip(found.par_chunks(run).zip(matches.par_chunks(run)))
        .enumerate()
        .for_each(|(k, ((slots, items), (files, matches)))| {
            let region = old
                .as_ref()
                .and_then(|o| o.region(matches.iter().flatten().map(|&i| &o.entries[i])));
            let each = slots.iter_mut().zip(items).zip(files).zip(matches);
            for (j, (((slot, item), f), m)) in each.enumerate() {
                let entry = m.map(|i| (i, &old_entries[i]));
                // The stamp the listing saw, else one taken now.
                let stamp = || match seen {
                    Some(seen) => seen[k * run + j].and_then(|s| s.stamp()),
                    None => dirs.stamp(f.kind, &f.id),
                };
                let (p, i) = load_item(&pass, f, entry, region.as_ref(), stamp);
                (*slot, *item) = (Some(p), i);
            }
        });
    // In place: an `Option<Parsed>` is a `Parsed` in size, so this reuses the allocation.
    let parsed: Vec<Parsed> = slots
        .into_iter()
        .map(|p| p.expect("every run fills its slots"))
        .collect();
    let key = items
        .iter()
        .zip(found)
        .map(|(item, f)| Some((f.kind, f.id.as_str(), item.known?.1)))
        .collect::<Option<Vec<_>>>()
        .map(|all| content_key(config, all.into_iter(), folder_diags));
    let cached = items.iter().filter(|i| i.known.is_some());
    let unchanged = old.is_some()
        && old_entries.len() == cached.clone().count()
        && cached.into_iter().all(|i| i.reused.is_some() && !i.settled);
    let stamp = if unchanged {
        old.as_ref().and_then(Records::stamp)
    } else {
        save(ws, config, looked, found, &parsed, &items, old.as_ref())
            .inspect_err(|e| trace(&format!("cache not written: {e}")))
            .ok()
    };
    // What was loaded is the state as of the token: a change since is counted.
    if let (Some(watched), Some(key), Some(records)) = (watched, key, stamp) {
        watched.vouch(ws, config, records, key);
    }
    Loaded { parsed, key }
}

/// For each found file, the position of its entry in the old table (both are sorted by kind
/// and id).
fn match_entries(found: &[Found], entries: &[Entry]) -> Vec<Option<usize>> {
    let mut out = Vec::with_capacity(found.len());
    let mut j = 0;
    for f in found {
        while j < entries.len() && (entries[j].kind, entries[j].id.as_str()) < (f.kind, &f.id) {
            j += 1;
        }
        let hit = j < entries.len() && entries[j].kind == f.kind && entries[j].id == f.id;
        out.push(hit.then_some(j));
    }
    out
}

/// Reads and parses every listed file, in parallel, without the cache.
pub fn parse_all(ws: &Workspace, found: &[Found]) -> Vec<Parsed> {
    let dirs = files::Dirs::open(ws, found.len());
    found.par_iter().map(|f| read_parse(ws, &dirs, f)).collect()
}

/// Reads every listed file's bytes as [`parse_all`] does, and parses nothing: the floor of a
/// load, for `kith bench`. Returns the number of bytes read.
pub fn read_all(ws: &Workspace, found: &[Found]) -> usize {
    let dirs = files::Dirs::open(ws, found.len());
    found
        .par_iter()
        .map(|f| {
            BUFFER.with_borrow_mut(|bytes| {
                if dirs.read_listed(f.kind, &f.id, ws.config.max_record_bytes, bytes) {
                    bytes.len()
                } else {
                    0
                }
            })
        })
        .sum()
}

/// Reads and parses a file the listing says is a regular file, relative to its folder;
/// anything else, or any trouble, takes [`load::load_one`]'s careful way.
fn read_parse(ws: &Workspace, dirs: &files::Dirs, f: &Found) -> Parsed {
    if !f.file_type.is_some_and(|t| t.is_file()) {
        return load::load_one(ws, f);
    }
    BUFFER.with_borrow_mut(|bytes| {
        if !dirs.read_listed(f.kind, &f.id, ws.config.max_record_bytes, bytes) {
            return load::load_one(ws, f);
        }
        let rel = crate::record::layout::rel(f.kind, &f.id);
        crate::record::parse::parse(f.kind, &f.id, &rel, bytes, &ws.config)
    })
}

thread_local! {
    /// One read buffer per loader thread, reused for every file it reads.
    static BUFFER: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(Vec::with_capacity(16 * 1024));
}

/// What every file of a load is loaded with.
struct Pass<'a> {
    ws: &'a Workspace,
    dirs: &'a files::Dirs,
    /// When the load began, in nanoseconds since the epoch: what is racy is judged by it.
    looked: i64,
    /// The monitor vouches for the cached records: no stamp is taken.
    trusted: bool,
}

/// Loads the file `f`, from its `entry` in the cache if it holds (its blob in `region`);
/// `stamp` takes its stamp (or gives the one the listing saw).
fn load_item(
    pass: &Pass,
    f: &Found,
    entry: Option<(usize, &Entry)>,
    region: Option<&records::Region>,
    stamp: impl FnOnce() -> Option<Stamp>,
) -> (Parsed, Item) {
    let Pass {
        ws,
        dirs,
        looked,
        trusted,
    } = *pass;
    // Links and anything but a regular file take the careful way, uncached.
    let uncached = || (load::load_one(ws, f), Item::default());
    if f.file_type.is_some_and(|t| !t.is_file()) {
        return uncached();
    }
    let decode = |i: usize, e: &Entry, stamp: Stamp| -> Option<(Parsed, Item)> {
        let parsed = codec::Reader::new(region?.blob(e)?).parsed().ok()?;
        let item = Item {
            known: Some((stamp, e.hash)),
            reused: (e.stamp == stamp).then_some(i),
            settled: e.racy && !stamp.is_racy(looked),
        };
        Some((parsed, item))
    };
    if let Some((i, e)) = entry
        && (trusted || !e.racy && stamp() == Some(e.stamp))
        && let Some(item) = decode(i, e, e.stamp)
    {
        return item;
    }
    BUFFER.with_borrow_mut(|bytes| {
        let Some(stamp) = dirs.read(f.kind, &f.id, ws.config.max_record_bytes, bytes) else {
            return uncached();
        };
        let hash = xxh3_128(bytes);
        // Same content (a racy entry, or a file written again unchanged): the blob holds.
        if let Some((i, e)) = entry
            && e.hash == hash
            && let Some(item) = decode(i, e, stamp)
        {
            return item;
        }
        let rel = crate::record::layout::rel(f.kind, &f.id);
        let item = Item {
            known: Some((stamp, hash)),
            reused: None,
            settled: false,
        };
        (
            crate::record::parse::parse(f.kind, &f.id, &rel, bytes, &ws.config),
            item,
        )
    })
}

/// Writes the records cache for this load, a run of files at a time: old blobs copied, new
/// ones encoded (so that only one run's blobs are in memory besides the records).
fn save(
    ws: &Workspace,
    config: u128,
    looked: i64,
    found: &[Found],
    parsed: &[Parsed],
    items: &[Item],
    old: Option<&Records>,
) -> std::io::Result<Stamp> {
    let path = records_path(ws);
    let mut out = records::Writer::create(&path, found.len())?;
    let runs = found
        .chunks(CHUNK)
        .zip(parsed.chunks(CHUNK))
        .zip(items.chunks(CHUNK));
    for ((files, parsed), items) in runs {
        let region = old
            .and_then(|o| o.region(items.iter().filter_map(|i| i.reused).map(|i| &o.entries[i])));
        let blobs: Vec<Option<Vec<u8>>> = items
            .par_iter()
            .zip(parsed)
            .map(
                |(item, parsed)| match (item.known, item.reused, old, &region) {
                    (None, ..) => None,
                    (Some(_), Some(i), Some(o), Some(r)) => {
                        r.blob(&o.entries[i]).map(<[u8]>::to_vec)
                    }
                    (Some(_), ..) => {
                        let mut w = codec::Writer::default();
                        w.parsed(parsed);
                        Some(w.buf)
                    }
                },
            )
            .collect();
        for ((f, item), blob) in files.iter().zip(items).zip(blobs) {
            let (Some((stamp, hash)), Some(blob)) = (item.known, blob) else {
                continue;
            };
            let entry = Entry {
                kind: f.kind,
                id: f.id.as_str().into(),
                stamp,
                racy: stamp.is_racy(looked),
                hash,
                offset: 0,
                len: 0,
                check: 0,
            };
            out.push(&entry, &blob)?;
        }
    }
    out.finish(&path, config)
}

/// The key of the workspace's state, found without reading the records when the records cache
/// vouches for every file: a running monitor says no record file changed since a command
/// last checked them ([`monitor`]), or every file's stamp is as cached (reading at most
/// [`MAX_VERIFY`] racy or touched files to compare their content). `None` when anything
/// changed: the caller loads the workspace.
pub fn fresh_key(ws: &Workspace) -> Option<(u128, Records)> {
    if !enabled() {
        return None;
    }
    let config = config_key(ws);
    // Asked before any file is looked at: a change made from here on is counted, and the
    // next command hears of it.
    let watched = watched_with(ws, config);
    if let Some(v) = watched.and_then(|w| w.holds)
        && let Some(records) = Records::open(&records_path(ws), config)
        && records.stamp() == Some(v.records)
    {
        trace("the monitor vouches for every record file");
        return Some((v.key, records));
    }
    let (key, records) = stamped_key(ws, config)?;
    if let (Some(watched), Some(stamp)) = (watched, records.stamp()) {
        watched.vouch(ws, config, stamp, key);
    }
    Some((key, records))
}

/// [`fresh_key`] from a stamp of every record file.
fn stamped_key(ws: &Workspace, config: u128) -> Option<(u128, Records)> {
    let (found, folder_diags) = load::list(ws);
    let old = Records::open(&records_path(ws), config)?;
    if old.entries.len() != found.len()
        || found
            .iter()
            .zip(&old.entries)
            .any(|(f, e)| f.kind != e.kind || f.id != e.id)
    {
        return None;
    }
    // Stamps first (cheap); then the content of the few files that need it.
    let dirs = files::Dirs::open(ws, found.len());
    let doubtful: Vec<usize> = found
        .par_iter()
        .zip(&old.entries)
        .enumerate()
        .filter_map(|(i, (f, e))| {
            if f.file_type.is_some_and(|t| !t.is_file()) {
                return Some(Err(()));
            }
            match dirs.stamp(f.kind, &f.id) {
                Some(stamp) if stamp == e.stamp && !e.racy => None,
                Some(_) => Some(Ok(i)),
                None => Some(Err(())),
            }
        })
        .collect::<Result<_, ()>>()
        .ok()?;
    if doubtful.len() > MAX_VERIFY {
        return None;
    }
    let mut bytes = Vec::new();
    for i in doubtful {
        let (f, e) = (&found[i], &old.entries[i]);
        dirs.read(f.kind, &f.id, ws.config.max_record_bytes, &mut bytes)?;
        if xxh3_128(&bytes) != e.hash {
            return None;
        }
    }
    let key = content_key(
        config,
        old.entries.iter().map(|e| (e.kind, e.id.as_str(), e.hash)),
        &folder_diags,
    );
    trace("every record file is as cached");
    Some((key, old))
}

/// The results stored for `key`.
pub fn results(ws: &Workspace, key: u128) -> Option<results::Results> {
    results::read(&results_path(ws), key)
}

/// Stores results for `key`, keeping the other kind of result when the stored one is for the
/// same state.
pub fn remember(ws: &Workspace, key: u128, update: impl FnOnce(&mut results::Results)) {
    if !enabled() {
        return;
    }
    let mut r = results(ws, key).unwrap_or_default();
    update(&mut r);
    if let Err(e) = results::write(&results_path(ws), key, &r) {
        trace(&format!("cache results not written: {e}"));
    }
}

/// Remembers what `kith check` finds in a freshly loaded index (every diagnostic), so that
/// the next `kith check` or card on the same files answers from the cache.
pub fn remember_check(ws: &Workspace, index: &crate::index::Index, diags: &[Diagnostic]) {
    if let Some(key) = index.cache_key {
        remember(ws, key, |r| {
            r.check = Some(results::Check {
                diags: diags.to_vec(),
                records: index.len(),
            })
        });
    }
}

/// Remembers the scores and segments of a freshly loaded index (unless they are already).
pub fn remember_derived(
    ws: &Workspace,
    index: &crate::index::Index,
    d: &crate::analysis::derive::Derived,
) {
    let Some(key) = index.cache_key else {
        return;
    };
    if results(ws, key).is_some_and(|r| r.derived.iter().any(|r| r.as_of == d.as_of)) {
        return;
    }
    let slots = index.slot_count();
    let mut members = Vec::with_capacity(slots * d.segments.len().div_ceil(8));
    for slot in 0..slots {
        results::StoredDerived::pack(
            d.segments.iter().map(|s| d.member(&s.name, slot)),
            &mut members,
        );
    }
    let derived = results::StoredDerived {
        as_of: d.as_of,
        segments: d.segments.iter().map(|s| (s.name.clone(), s.of)).collect(),
        scores: (0..slots).map(|slot| d.score(slot)).collect(),
        members,
    };
    remember(ws, key, |r| r.keep_derived(derived));
}

/// Remembers how many problems a freshly loaded index has (unless it is already known).
pub fn remember_tally(
    ws: &Workspace,
    index: &crate::index::Index,
    tally: crate::record::diag::Tally,
) {
    let Some(key) = index.cache_key else {
        return;
    };
    if results(ws, key).is_some_and(|r| r.tally == Some(tally)) {
        return;
    }
    remember(ws, key, |r| r.tally = Some(tally));
}

/// Decodes one cached record.
pub fn decode(records: &Records, i: usize) -> Option<Parsed> {
    let blob = records.read_blob(&records.entries[i])?;
    codec::Reader::new(&blob).parsed().ok()
}

/// What `kith cache status` says: where the cache is, what it holds, whether it is current.
pub fn status(ws: &Workspace) -> String {
    let dir = dir(ws);
    let size = |p: PathBuf| std::fs::metadata(p).map_or(0, |m| m.len());
    let bytes = size(records_path(ws)) + size(results_path(ws));
    if !enabled() {
        return "the cache is off (--no-cache or KITH_NO_CACHE)".into();
    }
    let Some(records) = Records::open(&records_path(ws), config_key(ws)) else {
        return format!(
            "no usable cache in {} (missing, or written by another kith or for another kith.yaml); the next command builds it",
            dir.display()
        );
    };
    let mut out = format!(
        "{}: {} records parsed, {}",
        dir.display(),
        records.entries.len(),
        crate::load::human_size(bytes)
    );
    match fresh_key(ws) {
        None => out.push_str("\nrecord files changed since; the next command parses them again"),
        Some((key, ..)) => {
            out.push_str("\nup to date with every record file");
            let r = results(ws, key).unwrap_or_default();
            if r.check.is_some() {
                out.push_str("\nholds the diagnostics of `kith check`");
            }
            for d in r.derived {
                out.push_str(&format!("\nholds scores and segments as of {}", d.as_of));
            }
        }
    }
    if monitor::ask(ws, None).is_some() {
        out.push_str(
            "\na watcher (kith watch, serve or lsp) follows the record files, so commands need not look at each",
        );
    }
    out
}

/// Deletes the cache; returns the bytes freed.
pub fn clear(ws: &Workspace) -> std::io::Result<u64> {
    let dir = dir(ws);
    let mut freed = 0;
    match std::fs::read_dir(&dir) {
        Ok(entries) => {
            for e in entries.flatten() {
                freed += e.metadata().map_or(0, |m| m.len());
            }
            std::fs::remove_dir_all(&dir)?;
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    Ok(freed)
}

/// Writes `parts` to `path` through a temporary file in the same folder and a rename.
fn write_atomic(path: &Path, parts: &[&[u8]]) -> std::io::Result<()> {
    use std::io::Write;
    let mut tmp = temp_file(path)?;
    for p in parts {
        tmp.write_all(p)?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A temporary file beside `path` (in the cache folder, made if missing). Every cache write
/// starts here, so a dry run ([`read_only`]) stops them all here.
fn temp_file(path: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    if READ_ONLY.load(Ordering::Relaxed) {
        return Err(std::io::Error::other("a dry run writes nothing"));
    }
    let dir = path.parent().expect("cache files are in a folder");
    if !dir.is_dir() {
        if let Some(root) = dir.parent().and_then(Path::parent) {
            crate::util::files::state_dir(root)?;
        }
        std::fs::create_dir_all(dir)?;
        // Like Cargo's target/: invisible to git whatever the workspace's .gitignore says, and
        // skipped by backup tools that honour CACHEDIR.TAG.
        std::fs::write(
            dir.join(".gitignore"),
            "# kith's cache; safe to delete\n*\n",
        )?;
        std::fs::write(
            dir.join("CACHEDIR.TAG"),
            "Signature: 8a477f597d28d172789f06886806bc55\n\
             # This folder is a cache of kith's; `kith cache clear` deletes it.\n",
        )?;
    }
    crate::util::files::temp_file_beside(path)
}

pub(crate) fn trace(msg: &str) {
    if std::env::var_os("KITH_TRACE").is_some() {
        eprintln!("[cache] {msg}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Kind;

    fn workspace(dir: &Path) -> Workspace {
        std::fs::write(dir.join("kith.yaml"), "name: Test\n").unwrap();
        std::fs::create_dir_all(dir.join("contacts")).unwrap();
        Workspace::open(dir).unwrap()
    }

    fn names(ws: &Workspace) -> Vec<String> {
        let listing = load::list_with(ws, false);
        load(ws, &listing, &listing.diags, None)
            .parsed
            .iter()
            .map(|p| p.record.name().to_string())
            .collect()
    }

    /// Rewrites the cache so that it claims `contacts/ada.md` holds `claimed`, under the file's
    /// current stamp.
    fn forge(ws: &Workspace, claimed: &str, racy: bool) {
        let path = ws.dir(Kind::Person).join("ada.md");
        let stamp = Stamp::of(&std::fs::symlink_metadata(&path).unwrap());
        let parsed = crate::record::parse::parse(
            Kind::Person,
            "ada",
            "contacts/ada.md",
            claimed.as_bytes(),
            &ws.config,
        );
        let mut w = codec::Writer::default();
        w.parsed(&parsed);
        let entry = Entry {
            kind: Kind::Person,
            id: "ada".into(),
            stamp,
            racy,
            hash: xxh3_128(claimed.as_bytes()),
            offset: 0,
            len: 0,
            check: 0,
        };
        let path = records_path(ws);
        let mut out = records::Writer::create(&path, 1).unwrap();
        out.push(&entry, &w.buf).unwrap();
        out.finish(&path, config_key(ws)).unwrap();
    }

    #[test]
    fn a_racy_entry_is_believed_only_if_the_content_hash_agrees() {
        let dir = tempfile::tempdir().unwrap();
        let ws = workspace(dir.path());
        std::fs::write(ws.dir(Kind::Person).join("ada.md"), "---\nname: Ada\n---\n").unwrap();
        assert_eq!(names(&ws), ["Ada"]);
        let entries = Records::open(&records_path(&ws), config_key(&ws))
            .unwrap()
            .entries;
        assert!(entries[0].racy, "a file written just now is racy");

        // The same stamp, another content: a same-size edit within one timestamp tick.
        forge(&ws, "---\nname: Bob\n---\n", true);
        assert_eq!(names(&ws), ["Ada"], "the racy entry was believed");
        // Outside the racy window, the stamp vouches for the content (as in git).
        forge(&ws, "---\nname: Bob\n---\n", false);
        assert_eq!(names(&ws), ["Bob"], "the stamp was not used");
    }

    #[test]
    fn fresh_key_is_the_loads_key_and_changes_with_any_file() {
        let dir = tempfile::tempdir().unwrap();
        let ws = workspace(dir.path());
        let ada = ws.dir(Kind::Person).join("ada.md");
        std::fs::write(&ada, "---\nname: Ada\n---\n").unwrap();
        let listing = load::list_with(&ws, false);
        let key = load(&ws, &listing, &listing.diags, None).key.unwrap();
        assert_eq!(fresh_key(&ws).map(|f| f.0), Some(key));
        // A listing that looked at each file serves the same stamps.
        let looked = load::list_with(&ws, true);
        assert_eq!(looked.seen.len(), 1);
        assert_eq!(load(&ws, &looked, &looked.diags, None).key, Some(key));
        std::fs::write(&ada, "---\nname: Bob\n---\n").unwrap();
        assert_eq!(fresh_key(&ws).map(|f| f.0), None, "an edit went unseen");
        let looked = load::list_with(&ws, true);
        let edited = load(&ws, &looked, &looked.diags, None).key.unwrap();
        assert_ne!(edited, key);
        assert_eq!(fresh_key(&ws).map(|f| f.0), Some(edited));
        std::fs::write(ws.dir(Kind::Person).join("cy.md"), "---\nname: Cy\n---\n").unwrap();
        assert_eq!(fresh_key(&ws).map(|f| f.0), None, "a new file went unseen");
    }
}
