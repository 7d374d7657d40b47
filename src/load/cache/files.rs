//! Stamps and bytes of record files, looked up relative to their folder's open descriptor:
//! one path component per lookup instead of the whole path, which is most of the cost of
//! checking 100,000 stamps.

use crate::record::Kind;
use crate::util::stamp::Stamp;
use crate::workspace::Workspace;
use std::ffi::CStr;
use std::fs::File;
use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd};
use std::sync::OnceLock;

/// The three record folders, open; in the sharded layout also their shard folders
/// (`contacts/3f/` and `contacts/3f/a/`), each opened when first needed.
pub struct Dirs {
    dirs: [Option<File>; 3],
    /// The workspace's layout is sharded.
    sharded: bool,
    /// The first-level shard folders, 256 per kind, when the limit of open files leaves room
    /// for them (macOS's usual soft limit is 256): else a record is opened from its kind's
    /// folder, `3f/a/ada.md`.
    shards: Vec<OnceLock<Option<File>>>,
    /// The shard folders themselves, 4,096 per kind, for many files when the process may
    /// hold that many open (3 × 4,352 and room to spare): `ada.md` from `3f/a/` is one folder
    /// lookup in the kernel where `a/ada.md` from `3f/` is two, 0.4 s of a million records'
    /// cold load.
    subshards: Vec<OnceLock<Option<File>>>,
    /// Per kind: its folder is on a file system where a read shorter than asked is the end of
    /// the file, which saves each file the read that would only confirm it.
    short_read_is_end: [bool; 3],
}

/// Reads all of `file` into `out` (empty), at most `max` bytes: `false` when there are more.
/// With `short_is_end`, a read that does not fill the buffer ends it.
fn read_file(file: &File, max: u64, out: &mut Vec<u8>, short_is_end: bool) -> bool {
    debug_assert!(out.is_empty());
    if short_is_end {
        out.reserve(16 * 1024);
        let spare = out.spare_capacity_mut();
        let want = (spare.len()).min(usize::try_from(max).unwrap_or(usize::MAX).saturating_add(1));
        // SAFETY: at most `want` bytes, which the spare capacity holds, are read into it.
        let n = unsafe { libc::read(file.as_raw_fd(), spare.as_mut_ptr().cast(), want) };
        let Ok(n) = usize::try_from(n) else {
            return false;
        };
        // SAFETY: the first `n` bytes of the spare capacity were just written by `read`.
        unsafe { out.set_len(n) };
        if n < want {
            return true;
        }
    }
    let left = max.saturating_add(1).saturating_sub(out.len() as u64);
    file.take(left).read_to_end(out).is_ok() && out.len() as u64 <= max
}

/// The folder `name` (NUL-terminated, one component) inside the open folder `parent`; links
/// are not followed.
fn open_dir(parent: i32, name: &[u8]) -> Option<File> {
    let name = CStr::from_bytes_with_nul(name).ok()?;
    let flags = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC;
    // SAFETY: a valid descriptor and a NUL-terminated name.
    let fd = unsafe { libc::openat(parent, name.as_ptr(), flags) };
    // SAFETY: a descriptor just opened and owned by nothing else.
    (fd >= 0).then(|| unsafe { File::from_raw_fd(fd) })
}

/// Open files [`Dirs`] leaves for the rest of the process when it holds shard folders open.
const SPARE_FILES: u64 = 1024;

/// Record files from which opening each shard folder once costs less than the second folder
/// lookup it saves per file: eight a shard folder on average.
const DEEP_FROM: usize = 8 * 4096;

impl Dirs {
    /// The folders of `ws`'s records, for reading `files` of them.
    pub fn open(ws: &Workspace, files: usize) -> Dirs {
        let sharded = crate::record::layout::current() == crate::record::layout::Layout::Sharded;
        #[cfg(unix)]
        let limit = crate::util::files::open_files_limit();
        #[cfg(not(unix))]
        let limit = 0;
        let shallow = sharded && limit >= 3 * 256 + SPARE_FILES;
        let deep = shallow && files >= DEEP_FROM && limit >= 3 * (256 + 4096) + SPARE_FILES;
        // A folder linked out of the workspace is never read (`load::list` says why).
        let dirs = Kind::ALL.map(|k| {
            ws.outside_target(k)
                .is_none()
                .then(|| File::open(ws.dir(k)).ok())
                .flatten()
        });
        Dirs {
            short_read_is_end: Kind::ALL.map(|k| {
                dirs[k as usize].is_some() && crate::util::files::short_read_is_end(&ws.dir(k))
            }),
            dirs,
            sharded,
            shards: (0..if shallow { 3 * 256 } else { 0 })
                .map(|_| OnceLock::new())
                .collect(),
            subshards: (0..if deep { 3 * 4096 } else { 0 })
                .map(|_| OnceLock::new())
                .collect(),
        }
    }

    /// The folder's descriptor and `<id>.md` as a C string, built in `buf` (no allocation:
    /// this runs 100,000 times).
    fn at<'a>(&self, kind: Kind, id: &str, buf: &'a mut [u8; 256]) -> Option<(i32, &'a CStr)> {
        let dir = self.dirs[kind as usize].as_ref()?;
        if memchr::memchr(0, id.as_bytes()).is_some() {
            return None;
        }
        // Sharded: `ada.md` from its shard folder (`3f/a/`), else `a/ada.md` from the
        // first-level one (`3f/`), else `3f/a/ada.md` from the kind's folder (too few open
        // files to hold the shard folders open).
        let mut prefix = [0u8; 5];
        let (dir, p) = if !self.sharded {
            (dir.as_raw_fd(), 0)
        } else {
            let (top, sub) = crate::record::layout::shard_numbers(id);
            let [t0, t1, slash, s0] = crate::record::layout::shard_folder(top, sub);
            prefix = [t0, t1, slash, s0, b'/'];
            if let Some(fd) = self.subshard_dir(kind, top, sub) {
                (fd, 0)
            } else if let Some(fd) = self.shard_dir(kind, top) {
                prefix.copy_within(3..5, 0);
                (fd, 2)
            } else {
                (dir.as_raw_fd(), 5)
            }
        };
        let (s, n) = (p, p + id.len());
        if n + 4 > buf.len() {
            return None;
        }
        buf[..s].copy_from_slice(&prefix[..p]);
        buf[s..n].copy_from_slice(id.as_bytes());
        buf[n..n + 4].copy_from_slice(b".md\0");
        let name = CStr::from_bytes_with_nul(&buf[..n + 4]).ok()?;
        Some((dir, name))
    }

    /// The descriptor of the first-level shard folder `top` of `kind`'s folder, opened the
    /// first time it is asked for; `None` when flat or when it cannot be opened.
    fn shard_dir(&self, kind: Kind, top: u8) -> Option<i32> {
        let dir = self.dirs[kind as usize].as_ref()?;
        let slot = self.shards.get(kind as usize * 256 + usize::from(top))?;
        let [t0, t1, ..] = crate::record::layout::shard_folder(top, 0);
        let file = slot.get_or_init(|| open_dir(dir.as_raw_fd(), &[t0, t1, 0]));
        file.as_ref().map(AsRawFd::as_raw_fd)
    }

    /// The descriptor of the shard folder `top`/`sub` of `kind`'s folder, opened the first
    /// time it is asked for; `None` when flat, when there are too few open files to spare, or
    /// when it cannot be opened.
    fn subshard_dir(&self, kind: Kind, top: u8, sub: u8) -> Option<i32> {
        let at = (kind as usize * 256 + usize::from(top)) * 16 + usize::from(sub);
        let slot = self.subshards.get(at)?;
        let [.., s0] = crate::record::layout::shard_folder(top, sub);
        let file = slot.get_or_init(|| open_dir(self.shard_dir(kind, top)?, &[s0, 0]));
        file.as_ref().map(AsRawFd::as_raw_fd)
    }

    /// The stamp of `<folder>/<id>.md`, if it is a regular file (links are not followed).
    pub fn stamp(&self, kind: Kind, id: &str) -> Option<Stamp> {
        let mut buf = [0u8; 256];
        let (dir, name) = self.at(kind, id, &mut buf)?;
        // SAFETY: `stat` is plain data; all zeroes is a valid value.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: a valid descriptor, a NUL-terminated name and a buffer of the right type.
        let rc = unsafe { libc::fstatat(dir, name.as_ptr(), &mut st, libc::AT_SYMLINK_NOFOLLOW) };
        (rc == 0 && st.st_mode & libc::S_IFMT == libc::S_IFREG).then(|| Stamp::of_stat(&st))
    }

    /// Reads `<folder>/<id>.md`, which the listing says is a regular file, if it still opens
    /// as one and holds at most `max` bytes. No stamp, so no `fstat`: for loads without the
    /// cache. `false` for anything else: the careful loader says what is wrong.
    pub fn read_listed(&self, kind: Kind, id: &str, max: u64, out: &mut Vec<u8>) -> bool {
        let mut buf = [0u8; 256];
        let Some((dir, name)) = self.at(kind, id, &mut buf) else {
            return false;
        };
        let flags = libc::O_RDONLY | libc::O_NOFOLLOW | libc::O_CLOEXEC | libc::O_NONBLOCK;
        // SAFETY: a valid descriptor and a NUL-terminated name.
        let fd = unsafe { libc::openat(dir, name.as_ptr(), flags) };
        if fd < 0 {
            return false;
        }
        // SAFETY: a descriptor just opened and owned by nothing else.
        let file = unsafe { File::from_raw_fd(fd) };
        out.clear();
        read_file(&file, max, out, self.short_read_is_end[kind as usize])
    }

    /// Reads `<folder>/<id>.md` if it is a regular file of at most `max` bytes, with its stamp
    /// as of the read. `None` for anything else: the careful loader says what is wrong.
    pub fn read(&self, kind: Kind, id: &str, max: u64, out: &mut Vec<u8>) -> Option<Stamp> {
        let mut buf = [0u8; 256];
        let (dir, name) = self.at(kind, id, &mut buf)?;
        // No links followed; non-blocking, so a pipe put there in the meantime cannot hang.
        let flags = libc::O_RDONLY | libc::O_NOFOLLOW | libc::O_CLOEXEC | libc::O_NONBLOCK;
        // SAFETY: a valid descriptor and a NUL-terminated name.
        let fd = unsafe { libc::openat(dir, name.as_ptr(), flags) };
        if fd < 0 {
            return None;
        }
        // SAFETY: a descriptor just opened and owned by nothing else.
        let file = unsafe { File::from_raw_fd(fd) };
        let meta = file.metadata().ok()?;
        if !meta.is_file() || meta.len() > max {
            return None;
        }
        let stamp = Stamp::of(&meta);
        out.clear();
        read_file(&file, max, out, self.short_read_is_end[kind as usize]).then_some(stamp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files around the size of the first read's buffer, and over the limit, read the same
    /// with and without trusting a short read to be the end.
    #[test]
    fn a_file_is_read_whole_either_way() {
        let dir = tempfile::tempdir().unwrap();
        let max = 40_000;
        for size in [
            0,
            1,
            700,
            16 * 1024 - 1,
            16 * 1024,
            16 * 1024 + 1,
            39_999,
            40_000,
            40_001,
            100_000,
        ] {
            let bytes: Vec<u8> = (0..size).map(|i| b'a' + (i % 26) as u8).collect();
            let path = dir.path().join(format!("{size}.md"));
            std::fs::write(&path, &bytes).unwrap();
            for short_is_end in [true, false] {
                let mut out = Vec::new();
                let ok = read_file(&File::open(&path).unwrap(), max, &mut out, short_is_end);
                assert_eq!(
                    ok,
                    size <= max as usize,
                    "{size} bytes, short read is end: {short_is_end}"
                );
                if ok {
                    assert!(
                        out == bytes,
                        "{size} bytes, short read is end: {short_is_end}"
                    );
                }
            }
        }
    }
}
