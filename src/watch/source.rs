//! Where file events come from: notify's native watcher, or its poller (`--poll`, for network
//! drives and containers where native notification misses changes), both debounced by
//! notify-debouncer-full, delivering workspace-relative paths into a [`Batch`].

use super::batch::Batch;
use crate::workspace::Workspace;
use anyhow::{Context, Result};
use notify_debouncer_full::notify::event::{AccessKind, AccessMode, EventKind};
use notify_debouncer_full::notify::{PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache};
use std::path::Path;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

/// The folders watched besides the root.
pub const FOLDERS: [&str; 4] = ["contacts", "companies", "deals", "templates"];

/// What came within a wait ([`Source::batch_within`]).
pub enum Waited {
    /// A batch, and the watcher's errors.
    Batch(Batch, Vec<String>),
    Nothing,
    /// The watcher has stopped.
    Stopped,
}

/// A running watcher: dropping it stops watching.
pub enum Source {
    Native(
        Debouncer<RecommendedWatcher, RecommendedCache>,
        Receiver<DebounceEventResult>,
    ),
    Poll(
        Debouncer<PollWatcher, RecommendedCache>,
        Receiver<DebounceEventResult>,
    ),
}

impl Source {
    /// Starts watching the workspace at `root`: the root itself (kith.yaml, folders created or
    /// removed), each record folder and `templates/`, not recursively: `.git/` and the report
    /// folder are never watched. Events are debounced by `debounce`.
    pub fn start(root: &Path, poll: bool, debounce: Duration) -> Result<Source> {
        let (tx, rx) = channel();
        let mut source = if poll {
            // notify's poller compares modification times in whole seconds; comparing the
            // contents too catches a second save within the same second.
            let config = notify_debouncer_full::notify::Config::default()
                .with_poll_interval(debounce.max(Duration::from_millis(100)))
                .with_compare_contents(true);
            let d = notify_debouncer_full::new_debouncer_opt::<_, PollWatcher, _>(
                debounce,
                None,
                tx,
                RecommendedCache::new(),
                config,
            )
            .context("cannot start the polling watcher")?;
            Source::Poll(d, rx)
        } else {
            let d = notify_debouncer_full::new_debouncer(debounce, None, tx)
                .context("cannot start the file watcher")?;
            Source::Native(d, rx)
        };
        source
            .watch(root)
            .with_context(|| format!("cannot watch {} (try --poll)", root.display()))?;
        for dir in FOLDERS {
            source.follow(&root.join(dir));
        }
        Ok(source)
    }

    fn watch(&mut self, dir: &Path) -> notify_debouncer_full::notify::Result<()> {
        match self {
            Source::Native(d, _) => d.watch(dir, RecursiveMode::NonRecursive),
            Source::Poll(d, _) => d.watch(dir, RecursiveMode::NonRecursive),
        }
    }

    /// Watches a folder the watcher follows, when it exists: at the start, and again after it
    /// was created, re-created or renamed (a watch follows the folder, not its name).
    pub fn follow(&mut self, dir: &Path) {
        if dir.is_dir() {
            let _ = self.watch(dir);
            // And its shard folders, both levels (`contacts/3f/`, `contacts/3f/a/`, `layout:
            // sharded`): up to 4,352 watches per kind, which a low inotify limit refuses.
            use crate::record::layout::{is_shard_name, is_subshard_name};
            let mut refused = 0;
            for top in subfolders(dir, is_shard_name) {
                refused += usize::from(self.watch(&top).is_err());
                for shard in subfolders(&top, is_subshard_name) {
                    refused += usize::from(self.watch(&shard).is_err());
                }
            }
            if refused > 0 && !WARNED.swap(true, std::sync::atomic::Ordering::Relaxed) {
                crate::util::output::warn(&format!(
                    "cannot watch {refused} shard folders of {}, so changes in them go unseen; \
                     run `kith watch --poll`, or raise the limit \
                     (`sudo sysctl fs.inotify.max_user_watches=524288`) and start again",
                    dir.display()
                ));
            }
        }
    }

    fn rx(&self) -> &Receiver<DebounceEventResult> {
        match self {
            Source::Native(_, rx) | Source::Poll(_, rx) => rx,
        }
    }

    /// Waits for changes, then keeps collecting until nothing more comes for `settle`: a burst
    /// (a `git checkout` of thousands of files) becomes one batch. Watcher errors are returned
    /// beside the batch; `None` when the watcher has stopped.
    pub fn next_batch(&self, ws: &Workspace, settle: Duration) -> Option<(Batch, Vec<String>)> {
        let first = self.rx().recv().ok()?;
        Some(self.collect(ws, settle, first))
    }

    /// [`Source::next_batch`], waiting at most `wait` for the first change (the watcher has
    /// pages to fill in meanwhile).
    pub fn batch_within(&self, ws: &Workspace, settle: Duration, wait: Duration) -> Waited {
        match self.rx().recv_timeout(wait) {
            Ok(first) => {
                let (batch, errors) = self.collect(ws, settle, first);
                Waited::Batch(batch, errors)
            }
            Err(RecvTimeoutError::Timeout) => Waited::Nothing,
            Err(RecvTimeoutError::Disconnected) => Waited::Stopped,
        }
    }

    /// The batch that starts with `first`: it keeps collecting until nothing more comes for
    /// `settle`.
    fn collect(
        &self,
        ws: &Workspace,
        settle: Duration,
        first: DebounceEventResult,
    ) -> (Batch, Vec<String>) {
        let roots = [ws.root.as_path(), ws.canonical_root.as_path()];
        let (root, report_out) = (&roots[..], ws.config.report.out.as_str());
        let mut batch = Batch::default();
        let mut errors = Vec::new();
        add(&mut batch, &mut errors, root, report_out, first);
        loop {
            match self.rx().recv_timeout(settle) {
                Ok(more) => add(&mut batch, &mut errors, root, report_out, more),
                Err(RecvTimeoutError::Timeout) => return (batch, errors),
                Err(RecvTimeoutError::Disconnected) => return (batch, errors),
            }
        }
    }
}

fn add(
    batch: &mut Batch,
    errors: &mut Vec<String>,
    root: &[&Path],
    report_out: &str,
    result: DebounceEventResult,
) {
    match result {
        Ok(events) => {
            for e in events {
                if e.need_rescan() {
                    batch.rescan = true;
                }
                if !changes_contents(&e.kind) {
                    continue;
                }
                for p in &e.paths {
                    batch.add(&relative(root, p), report_out);
                }
            }
        }
        Err(errs) => {
            // A lost event must not leave the index behind: compare everything with the disk.
            batch.rescan = true;
            errors.extend(errs.iter().map(|e| format!("watch error: {e}")));
        }
    }
}

/// Whether an event can change what a file holds: not a read (kith's own reads of the files
/// it was told about would otherwise wake it again), but the close after a write.
fn changes_contents(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// `p` relative to the workspace root (given as written and with symlinks resolved).
fn relative(roots: &[&Path], p: &Path) -> String {
    let rel = roots
        .iter()
        .find_map(|r| p.strip_prefix(r).ok())
        .unwrap_or(p);
    rel.to_string_lossy().replace('\\', "/")
}

/// Whether [`Source::follow`] has said that it could not watch some shard folders (once is
/// enough).
static WARNED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The folders in `dir` whose names `keep` accepts.
fn subfolders(dir: &Path, keep: fn(&str) -> bool) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| e.file_name().to_str().is_some_and(keep))
        .map(|e| e.path())
        .collect()
}
