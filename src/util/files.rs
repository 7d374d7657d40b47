//! Atomic, careful writes: a temp file in the same folder, renamed over the target, after
//! checking that nobody changed the file since kith read it.

use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What the caller expects to find on disk before the rename.
#[derive(Debug, Clone, Copy)]
pub enum Expect<'a> {
    /// The file must not exist (a new record).
    Absent,
    /// The file must still hold exactly these bytes (someone saving meanwhile aborts the write).
    Unchanged(&'a [u8]),
}

/// Writes `contents` to `path` atomically: readers see the old file or the new one, never a mix.
pub fn write_atomic(path: &Path, contents: &[u8], expect: Expect<'_>) -> Result<()> {
    clear_leftovers(folder_of(path));
    let (dir, mut tmp) = temp_beside(path)?;
    tmp.write_all(contents)
        .and_then(|_| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    match expect {
        Expect::Absent => {
            tmp.persist_noclobber(path).map_err(|e| {
                if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                    anyhow::anyhow!("{} already exists; nothing was written", path.display())
                } else {
                    anyhow::Error::new(e.error).context(format!("cannot create {}", path.display()))
                }
            })?;
        }
        Expect::Unchanged(original) => {
            if let Ok(meta) = std::fs::metadata(path) {
                let _ = tmp.as_file().set_permissions(meta.permissions());
            }
            let current = std::fs::read(path)
                .with_context(|| format!("cannot re-read {}", path.display()))?;
            if current != original {
                bail!(
                    "{} changed on disk while kith was editing it (saved in an editor?); nothing was written, run the command again",
                    path.display()
                );
            }
            tmp.persist(path).map_err(|e| {
                anyhow::Error::new(e.error).context(format!("cannot replace {}", path.display()))
            })?;
        }
    }
    sync_dir(dir);
    Ok(())
}

/// Threads that create and rename files at once in [`replace_many`]. Each waits on the file
/// system, not the CPU: renaming 10,000 files over others took 17.7 s one by one and 1.9 s on
/// 16 threads (ext4 mounted with `discard`, where freeing the old version is the slow part).
const WORKERS: usize = 32;

/// Replaces many files, each atomically and only if it still holds the bytes kith read, with
/// one wait for the disk rather than one per file: every new version is written to a temporary
/// file beside its target, all are flushed together ([`flush`]: one `syncfs` on Linux), every
/// target is checked, and only then is each renamed over its target. A failure before the
/// renames writes nothing; a crash leaves each file old or new, never torn. Each temporary file
/// is closed once written, so no more than one per worker is open at once (all of them held
/// open, 2,000 records failed with "Too many open files" at the usual limit of 1,024).
pub fn replace_many(files: &[(&Path, &[u8], &[u8])]) -> Result<()> {
    for (path, _, _) in files {
        clear_leftovers(folder_of(path));
    }
    let temps: Vec<tempfile::TempPath> = on_workers(files.len(), |i| {
        let (path, contents, _) = files[i];
        let (_, mut tmp) = temp_beside(path)?;
        if let Ok(meta) = std::fs::metadata(path) {
            let _ = tmp.as_file().set_permissions(meta.permissions());
        }
        tmp.write_all(contents)
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(tmp.into_temp_path())
    })?;
    // One wait for the disk for all of them: on Linux one `syncfs`, where an `fsync` per file
    // (32 at once) made most of the time of writing 60,000 records.
    let paths: Vec<PathBuf> = temps.iter().map(|t| t.to_path_buf()).collect();
    flush(&paths)?;
    for (path, _, original) in files {
        let current =
            std::fs::read(path).with_context(|| format!("cannot re-read {}", path.display()))?;
        if current != *original {
            bail!(
                "{} changed on disk while kith was editing it (saved in an editor?); nothing was written, run the command again",
                path.display()
            );
        }
    }
    // A temporary file renamed into place has no name left for its `TempPath` to remove; one
    // left by a failed rename is removed when `temps` is dropped.
    on_workers(files.len(), |i| {
        let path = files[i].0;
        std::fs::rename(&temps[i], path)
            .with_context(|| format!("cannot replace {}", path.display()))
    })?;
    let mut dirs: Vec<&Path> = files.iter().map(|(p, _, _)| folder_of(p)).collect();
    dirs.sort();
    dirs.dedup();
    for dir in dirs {
        sync_dir(dir);
    }
    Ok(())
}

/// `f(0)`, …, `f(n - 1)` on up to [`WORKERS`] threads, their results in order; stops at the
/// first error and returns it.
fn on_workers<T: Send>(n: usize, f: impl Fn(usize) -> Result<T> + Sync) -> Result<Vec<T>> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, T)>> = Mutex::new(Vec::with_capacity(n));
    let failed: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..n.clamp(1, WORKERS) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n || failed.lock().unwrap_or_else(|p| p.into_inner()).is_some() {
                        break;
                    }
                    match f(i) {
                        Ok(v) => done.lock().unwrap_or_else(|p| p.into_inner()).push((i, v)),
                        Err(e) => {
                            failed
                                .lock()
                                .unwrap_or_else(|p| p.into_inner())
                                .get_or_insert(e);
                            break;
                        }
                    }
                }
            });
        }
    });
    if let Some(e) = failed.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e);
    }
    let mut done = done.into_inner().unwrap_or_else(|p| p.into_inner());
    done.sort_unstable_by_key(|(i, _)| *i);
    Ok(done.into_iter().map(|(_, v)| v).collect())
}

/// Replaces `path` with `contents` atomically (temporary file, then rename) without waiting for
/// the disk: for generated files (report pages) that can always be made again, where a
/// `fsync` per page would dominate the time of writing 100,000 of them.
pub fn replace(path: &Path, contents: &[u8]) -> Result<()> {
    let (_, mut tmp) = temp_beside(path)?;
    tmp.write_all(contents)
        .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.persist(path).map_err(|e| {
        anyhow::Error::new(e.error).context(format!("cannot replace {}", path.display()))
    })?;
    Ok(())
}

/// Creates `path` with `contents`, complete or not at all, without waiting for the disk: for
/// generated files (report pages), where a process killed half-way must not leave half a
/// page for a static host to publish. On Linux an unnamed file is written and then named
/// (one change to the folder, as for a plain create); elsewhere a temporary file is renamed
/// into place. Fails with `AlreadyExists` if the file exists.
pub fn create_whole(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    match unnamed::open_beside(path) {
        Ok(mut f) => {
            f.write_all(contents)?;
            match unnamed::name(&f, path) {
                Err(e) if unnamed::unsupported(&e) => {}
                done => return done,
            }
        }
        Err(e) if unnamed::unsupported(&e) => {}
        Err(e) => return Err(e),
    }
    let mut tmp = temp_file_beside(path)?;
    tmp.write_all(contents)?;
    tmp.persist_noclobber(path).map(|_| ()).map_err(|e| e.error)
}

/// Creates many new files so that, whenever the process or the machine stops, each is either
/// absent or complete: every file's contents go to a temporary file beside it, all of them
/// are flushed to disk at once, and only then is each linked under its name (failing if that
/// exists) and its temporary name removed; a last flush makes the names durable. Two waits
/// for the disk in all, rather than one per file. Files are named group by group (records
/// that others refer to first). `done` is called once per file created.
pub fn create_many(groups: &[Vec<(&Path, &[u8])>], done: impl Fn() + Sync) -> Result<()> {
    for (path, _) in groups.iter().flatten() {
        clear_leftovers(folder_of(path));
    }
    #[cfg(target_os = "linux")]
    if unnamed::create_many(groups, &done)? {
        return Ok(());
    }
    let files: Vec<(&Path, &[u8])> = groups.iter().flatten().copied().collect();
    use rayon::prelude::*;
    let temp_of = |path: &Path| {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        path.with_file_name(format!(".{name}.kith-tmp"))
    };
    // One thread: threads creating files in one folder wait for each other on its lock.
    let temps: Vec<std::path::PathBuf> = files
        .iter()
        .map(|(path, contents)| {
            let tmp = temp_of(path);
            let open = || {
                std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&tmp)
            };
            let mut file = match open() {
                Ok(f) => Ok(f),
                // Left by a run that died: nothing else writes that name.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    std::fs::remove_file(&tmp).and_then(|_| open())
                }
                Err(e) => Err(e),
            }
            .with_context(|| format!("cannot create {}", tmp.display()))?;
            file.write_all(contents)
                .with_context(|| format!("cannot write {}", tmp.display()))?;
            Ok(tmp)
        })
        .collect::<Result<_>>()?;
    let cleanup = || {
        for t in &temps {
            let _ = std::fs::remove_file(t);
        }
    };
    if let Err(e) = flush(&temps) {
        cleanup();
        return Err(e);
    }
    let mut at = 0;
    let linked = groups.iter().try_for_each(|group| {
        let range = at..at + group.len();
        at += group.len();
        files[range.clone()]
            .par_iter()
            .zip(&temps[range])
            .try_for_each(|((path, _), tmp)| {
                let linked = std::fs::hard_link(tmp, path);
                let _ = std::fs::remove_file(tmp);
                done();
                linked.map_err(|e| {
                    if e.kind() == std::io::ErrorKind::AlreadyExists {
                        anyhow::anyhow!("{} already exists; it was not replaced", path.display())
                    } else {
                        anyhow::Error::new(e).context(format!("cannot create {}", path.display()))
                    }
                })
            })
    });
    if let Err(e) = linked {
        cleanup();
        return Err(e);
    }
    let paths: Vec<std::path::PathBuf> = files.iter().map(|(p, _)| p.to_path_buf()).collect();
    flush(&paths)
}

/// How many files the process may have open at once, after raising the limit to its hard
/// one as a process may (the usual soft limit is 1,024, the hard one far higher), to at most
/// 65,536. Raised once; 128 when the limit cannot be read.
#[cfg(unix)]
pub fn open_files_limit() -> u64 {
    static LIMIT: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *LIMIT.get_or_init(|| {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: a valid pointer to an rlimit; the result is checked.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
            return 128;
        }
        let want = limit.rlim_max.min(65_536);
        if limit.rlim_cur < want {
            let raised = libc::rlimit {
                rlim_cur: want,
                rlim_max: limit.rlim_max,
            };
            // SAFETY: as above; on failure the current limit stays.
            if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
                limit.rlim_cur = want;
            }
        }
        limit.rlim_cur
    })
}

/// [`create_many`] on Linux with unnamed files (`O_TMPFILE`): each file is written without a
/// name, a batch is flushed with one `syncfs`, then each is given its name with `linkat`. One
/// change to the folder per file, where a named temporary costs three.
#[cfg(target_os = "linux")]
mod unnamed {
    use anyhow::{Context, Result, bail};
    use std::ffi::CString;
    use std::io::Write;
    use std::os::fd::{AsRawFd, FromRawFd};
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    /// Unnamed files open at once: each batch waits for the disk once (`syncfs`) before its
    /// files are named, so the larger the fewer waits (128 a batch was 6,900 waits for a
    /// million-row import). A quarter of the limit of open files
    /// ([`super::open_files_limit`]), at most 4,096; 16 at least.
    fn batch() -> usize {
        ((super::open_files_limit() / 4) as usize).clamp(16, 4096)
    }

    /// `Ok(false)` when the file system has no unnamed files (the caller falls back).
    pub fn create_many(groups: &[Vec<(&Path, &[u8])>], done: &(impl Fn() + Sync)) -> Result<bool> {
        let mut last: Option<std::fs::File> = None;
        let mut linked_any = false;
        let size = batch();
        for group in groups {
            for batch in group.chunks(size) {
                // Unnamed files take no lock on their folder: write them on every core.
                use rayon::prelude::*;
                let made: Vec<std::io::Result<std::fs::File>> = batch
                    .par_iter()
                    .map(|(path, contents)| {
                        let mut f = open_beside(path)?;
                        f.write_all(contents)?;
                        Ok(f)
                    })
                    .collect();
                let mut open: Vec<std::fs::File> = Vec::with_capacity(batch.len());
                for (f, (path, _)) in made.into_iter().zip(batch) {
                    match f {
                        Ok(f) => open.push(f),
                        Err(e)
                            if last.is_none()
                                && matches!(
                                    e.raw_os_error(),
                                    Some(libc::EOPNOTSUPP | libc::EISDIR | libc::EINVAL)
                                ) =>
                        {
                            return Ok(false);
                        }
                        Err(e) => {
                            return Err(e)
                                .with_context(|| format!("cannot create {}", path.display()));
                        }
                    }
                }
                if let Some(f) = open.first() {
                    super::syncfs(f)?;
                }
                for (f, (path, _)) in open.iter().zip(batch) {
                    if let Err(e) = name(f, path) {
                        // No /proc (some containers): nothing is named yet, fall back.
                        if !linked_any && e.kind() == std::io::ErrorKind::NotFound {
                            return Ok(false);
                        }
                        if e.kind() == std::io::ErrorKind::AlreadyExists {
                            bail!("{} already exists; it was not replaced", path.display());
                        }
                        return Err(e).with_context(|| format!("cannot create {}", path.display()));
                    }
                    linked_any = true;
                    done();
                }
                last = open.pop();
            }
        }
        if let Some(f) = &last {
            super::syncfs(f)?;
        }
        Ok(true)
    }

    /// A new file without a name in `path`'s folder, open for writing.
    pub fn open_beside(path: &Path) -> std::io::Result<std::fs::File> {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let c = CString::new(dir.as_os_str().as_bytes())?;
        // SAFETY: a valid C string and flags; the result is checked.
        let fd = unsafe {
            libc::open(
                c.as_ptr(),
                libc::O_TMPFILE | libc::O_WRONLY | libc::O_CLOEXEC,
                0o644,
            )
        };
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: `fd` is a new descriptor that nothing else owns.
        Ok(unsafe { std::fs::File::from_raw_fd(fd) })
    }

    /// Gives an unnamed file its name; fails if the name exists.
    pub fn name(f: &std::fs::File, path: &Path) -> std::io::Result<()> {
        let from = CString::new(format!("/proc/self/fd/{}", f.as_raw_fd()))?;
        let to = CString::new(path.as_os_str().as_bytes())?;
        // SAFETY: valid C strings; the result is checked.
        let r = unsafe {
            libc::linkat(
                libc::AT_FDCWD,
                from.as_ptr(),
                libc::AT_FDCWD,
                to.as_ptr(),
                libc::AT_SYMLINK_FOLLOW,
            )
        };
        if r != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(())
    }

    /// Whether an error from [`open_beside`] or [`name`] means this system has no unnamed
    /// files (or no `/proc` to name them through), so the caller should use a named one.
    pub fn unsupported(e: &std::io::Error) -> bool {
        matches!(
            e.raw_os_error(),
            Some(libc::EOPNOTSUPP | libc::EISDIR | libc::EINVAL | libc::ENOENT)
        )
    }
}

/// Whether the file system that holds `path` may change without the kernel here knowing it
/// first (network and FUSE file systems: NFS, SMB, sshfs, 9p, virtiofs, Ceph, AFS, Lustre,
/// GPFS), so that native notification can miss a change. `true` when it cannot be told.
#[cfg(target_os = "linux")]
pub fn is_remote_fs(path: &Path) -> bool {
    const REMOTE: [u32; 14] = [
        0x6969,      // NFS
        0x517b,      // SMB
        0xff53_4d42, // CIFS
        0xfe53_4d42, // SMB2
        0x6573_5546, // FUSE (sshfs, gcsfuse, Docker Desktop's file sharing)
        0x0102_1997, // 9p (WSL 2's Windows drives, QEMU)
        0x6a65_6a63, // virtiofs
        0x00c3_6400, // Ceph
        0x5346_414f, // AFS
        0x6b41_4653, // kAFS
        0x0bd0_0bd0, // Lustre
        0x4750_4653, // GPFS
        0x7375_7245, // Coda
        0x0000_564c, // NCP
    ];
    let Some(st) = statfs(path) else {
        return true;
    };
    // `f_type`'s width differs between architectures; the magic numbers are 32 bits.
    #[allow(clippy::unnecessary_cast)]
    REMOTE.contains(&(st.f_type as u32))
}

/// Whether a regular file's read stops short only at its end on the file system that holds
/// `path`: so on the local file systems Linux serves from its page cache (ext4, XFS, Btrfs,
/// tmpfs); not on FUSE or network file systems, whose reads may stop anywhere. `false` when it
/// cannot be told.
#[cfg(target_os = "linux")]
pub fn short_read_is_end(path: &Path) -> bool {
    const LOCAL: [u32; 4] = [
        0xef53,      // ext2, ext3, ext4
        0x5846_5342, // XFS
        0x9123_683e, // Btrfs
        0x0102_1994, // tmpfs
    ];
    // `f_type`'s width differs between architectures; the magic numbers are 32 bits.
    #[allow(clippy::unnecessary_cast)]
    statfs(path).is_some_and(|st| LOCAL.contains(&(st.f_type as u32)))
}

#[cfg(not(target_os = "linux"))]
pub fn short_read_is_end(_path: &Path) -> bool {
    false
}

/// What `statfs` says of the file system that holds `path`.
#[cfg(unix)]
fn statfs(path: &Path) -> Option<libc::statfs> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    // SAFETY: `c` is a NUL-terminated path and `st` a zeroed statfs that the call fills.
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    (unsafe { libc::statfs(c.as_ptr(), &mut st) } == 0).then_some(st)
}

/// Elsewhere, only a local file system's mount is trusted (`MNT_LOCAL`).
#[cfg(all(unix, not(target_os = "linux")))]
pub fn is_remote_fs(path: &Path) -> bool {
    let Some(st) = statfs(path) else {
        return true;
    };
    #[allow(clippy::unnecessary_cast)]
    let local = (st.f_flags as u64) & (libc::MNT_LOCAL as u64) != 0;
    !local
}

/// Flushes the file system that holds `f`.
#[cfg(target_os = "linux")]
fn syncfs(f: &std::fs::File) -> Result<()> {
    use std::os::fd::AsRawFd;
    // SAFETY: `f` holds the descriptor open for the call.
    if unsafe { libc::syncfs(f.as_raw_fd()) } != 0 {
        return Err(std::io::Error::last_os_error()).context("cannot flush the file system");
    }
    Ok(())
}

/// Makes files and their names durable: on Linux one `syncfs` of their file system,
/// elsewhere each file, then each folder.
fn flush(paths: &[std::path::PathBuf]) -> Result<()> {
    #[cfg(target_os = "linux")]
    if let Some(first) = paths.first() {
        use std::os::fd::AsRawFd;
        let f = std::fs::File::open(first)
            .with_context(|| format!("cannot open {}", first.display()))?;
        // SAFETY: `syncfs` takes an open file descriptor, which `f` holds until it is dropped.
        if unsafe { libc::syncfs(f.as_raw_fd()) } == 0 {
            return Ok(());
        }
    }
    use rayon::prelude::*;
    paths.par_iter().try_for_each(|p| {
        std::fs::File::open(p)
            .and_then(|f| f.sync_all())
            .with_context(|| format!("cannot sync {}", p.display()))
    })?;
    let mut dirs: Vec<&Path> = paths.iter().filter_map(|p| p.parent()).collect();
    dirs.sort();
    dirs.dedup();
    for d in dirs {
        sync_dir(d);
    }
    Ok(())
}

/// How old a temporary file must be before a later command takes it for a leftover: a
/// concurrent kith's temporaries live for as long as its write takes (seconds, or minutes
/// for the largest imports), so they are never this old.
pub const LEFTOVER_AGE: Duration = Duration::from_secs(30 * 60);

/// Whether a file name is one of kith's temporaries: `.NAME.XXXXXX.kith-tmp` beside the file
/// it replaces, or `.NAME.kith-tmp` (see [`create_many`]).
pub fn is_temporary(name: &str) -> bool {
    name.strip_suffix(".kith-tmp")
        .is_some_and(|stem| stem.len() > 1 && stem.starts_with('.'))
}

/// kith's own folder in the workspace at `root` (`.kith/`), made if missing with a
/// `.gitignore` that keeps all of it out of git whatever the workspace's own says: caches,
/// the history cache, the watcher's socket are never data to commit or to show in `git
/// status`.
pub fn state_dir(root: &Path) -> std::io::Result<PathBuf> {
    let dir = root.join(".kith");
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        std::fs::create_dir_all(&dir)?;
        std::fs::write(&ignore, "# kith's own state (caches); safe to delete\n*\n")?;
    }
    Ok(dir)
}

/// Removes the temporaries that killed kith commands left in `dir`: regular files named as
/// [`is_temporary`] says and last written more than [`LEFTOVER_AGE`] ago. Each folder is
/// looked at once per process (the first write there); best effort, a file that cannot be
/// removed stays. Returns what was removed.
pub fn clear_leftovers(dir: &Path) -> Vec<PathBuf> {
    // A set, not a list: a sharded workspace has 4,096 folders a kind, and an import of a
    // million records asks once a file (a list made that 4 billion path comparisons).
    static SEEN: std::sync::LazyLock<std::sync::Mutex<std::collections::HashSet<PathBuf>>> =
        std::sync::LazyLock::new(Default::default);
    {
        let mut seen = SEEN.lock().unwrap_or_else(|p| p.into_inner());
        if seen.contains(dir) {
            return Vec::new();
        }
        seen.insert(dir.to_path_buf());
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let now = std::time::SystemTime::now();
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        // The name first: it comes with the folder's listing, while the age costs a `stat`,
        // which a folder of 100,000 records must not pay for each of them.
        let old_enough = || {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| now.duration_since(t).is_ok_and(|age| age > LEFTOVER_AGE))
        };
        // `file_type` does not follow symlinks: a link named like a temporary is not kith's.
        if entry.file_name().to_str().is_some_and(is_temporary)
            && entry.file_type().is_ok_and(|t| t.is_file())
            && old_enough()
            && std::fs::remove_file(entry.path()).is_ok()
        {
            removed.push(entry.path());
        }
    }
    removed
}

/// A temporary file in `path`'s folder, named after it, and that folder.
fn temp_beside(path: &Path) -> Result<(&Path, tempfile::NamedTempFile)> {
    let tmp = temp_file_beside(path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok((folder_of(path), tmp))
}

/// A temporary file in `path`'s folder (`.NAME.XXXXXX.kith-tmp`), to rename over `path`.
pub fn temp_file_beside(path: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    temp_builder(&format!(".{name}.")).tempfile_in(folder_of(path))
}

fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Temporary files next to their target, readable like any file a user saves (tempfile's
/// default is private, 0600).
fn temp_builder(prefix: &str) -> tempfile::Builder<'_, 'static> {
    let mut b = tempfile::Builder::new();
    b.prefix(prefix).suffix(".kith-tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o644));
    }
    b
}

/// Makes a rename durable. Best effort: not every platform or file system supports it.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_folder_is_not_remote_and_a_missing_one_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!is_remote_fs(dir.path()));
        assert!(is_remote_fs(&dir.path().join("missing")));
        assert!(!short_read_is_end(&dir.path().join("missing")));
    }

    #[test]
    fn creates_many_files_whole_and_refuses_to_replace_one() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.md");
        let b = dir.path().join("sub-b.md");
        let groups = vec![
            vec![(a.as_path(), &b"first\n"[..])],
            vec![(b.as_path(), &b"second\n"[..])],
        ];
        let count = std::sync::atomic::AtomicUsize::new(0);
        create_many(&groups, || {
            count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        })
        .unwrap();
        assert_eq!(count.into_inner(), 2);
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "first\n");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "second\n");
        // Nothing else is left in the folder.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
        let again = vec![vec![(a.as_path(), &b"other\n"[..])]];
        let err = create_many(&again, || {}).unwrap_err();
        assert!(err.to_string().contains("already exists"), "{err}");
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "first\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn clears_only_old_temporaries_of_kith() {
        let dir = tempfile::tempdir().unwrap();
        let old = std::time::SystemTime::now() - LEFTOVER_AGE - Duration::from_secs(60);
        let write = |name: &str, aged: bool| {
            let f = std::fs::File::create(dir.path().join(name)).unwrap();
            if aged {
                f.set_modified(old).unwrap();
            }
        };
        write(".ada.md.Ab12Cd.kith-tmp", true);
        write(".ada.md.kith-tmp", true);
        write(".grace.md.Xy34Zw.kith-tmp", false);
        write("ada.md", true);
        write("notes.kith-tmp", true);
        write(".ada.md.kith-tmp.bak", true);
        let sorted = |paths: Vec<PathBuf>| {
            let mut names: Vec<String> = paths
                .iter()
                .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };
        let removed = sorted(clear_leftovers(dir.path()));
        assert_eq!(removed, [".ada.md.Ab12Cd.kith-tmp", ".ada.md.kith-tmp"]);
        // Once per folder: a second look removes nothing, even what has aged meanwhile.
        write(".late.md.kith-tmp", true);
        assert!(clear_leftovers(dir.path()).is_empty());
        let left = sorted(
            std::fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect(),
        );
        assert_eq!(
            left,
            [
                ".ada.md.kith-tmp.bak",
                ".grace.md.Xy34Zw.kith-tmp",
                ".late.md.kith-tmp",
                "ada.md",
                "notes.kith-tmp"
            ]
        );
    }

    #[test]
    fn creates_a_whole_file_or_refuses() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("page.html");
        create_whole(&path, b"<p>one</p>").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"<p>one</p>");
        let err = create_whole(&path, b"<p>two</p>").unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&path).unwrap(), b"<p>one</p>");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn replaces_only_an_unchanged_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        write_atomic(&path, b"one", Expect::Absent).unwrap();
        assert!(write_atomic(&path, b"two", Expect::Absent).is_err());
        write_atomic(&path, b"two", Expect::Unchanged(b"one")).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let err = write_atomic(&path, b"three", Expect::Unchanged(b"one")).unwrap_err();
        assert!(err.to_string().contains("changed on disk"));
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        // No temp files are left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
