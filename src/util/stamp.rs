//! What a file's metadata says about its content, the way git's index uses it: size, change
//! times and inode. Equal stamps mean an unchanged file, except for an edit within the file
//! system's timestamp resolution of the moment kith looked (the "racy git" problem), which
//! the cache settles with a content hash.

use std::fs::Metadata;
use std::os::unix::fs::MetadataExt;

/// Files changed less than this long before kith looked at them are verified by content hash
/// next time (timestamps are at best a kernel tick apart, on some file systems 2 seconds).
const RACY_NS: i64 = 3_000_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub size: u64,
    /// Nanoseconds since the epoch.
    pub mtime: i64,
    pub ctime: i64,
    pub ino: u64,
}

impl Stamp {
    /// The stamp of the file at `path` (links followed), `None` when there is none.
    pub fn of_path(path: &std::path::Path) -> Option<Stamp> {
        Some(Stamp::of(&std::fs::metadata(path).ok()?))
    }

    pub fn of(m: &Metadata) -> Stamp {
        Stamp {
            size: m.len(),
            mtime: ns(m.mtime(), m.mtime_nsec()),
            ctime: ns(m.ctime(), m.ctime_nsec()),
            ino: m.ino(),
        }
    }

    // The field types differ between platforms (they are not all i64 everywhere).
    #[allow(clippy::unnecessary_cast)]
    pub fn of_stat(st: &libc::stat) -> Stamp {
        Stamp {
            size: st.st_size as u64,
            mtime: ns(st.st_mtime as i64, st.st_mtime_nsec as i64),
            ctime: ns(st.st_ctime as i64, st.st_ctime_nsec as i64),
            ino: st.st_ino as u64,
        }
    }

    /// Whether the file changed too close to `looked` (nanoseconds since the epoch) for its
    /// stamp alone to vouch for its content later.
    pub fn is_racy(&self, looked: i64) -> bool {
        self.mtime.max(self.ctime) > looked.saturating_sub(RACY_NS)
    }
}

/// What `lstat` said of a file, kept small: the cache's [`Stamp`] and what git's index compares
/// (mode, owner) in one, so that one look at a file serves both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStat {
    /// `st_mode`: the file's type and permissions.
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub size: u64,
    /// Nanoseconds since the epoch.
    pub mtime: i64,
    pub ctime: i64,
    pub ino: u64,
}

impl FileStat {
    pub fn of(m: &Metadata) -> FileStat {
        FileStat {
            mode: m.mode(),
            uid: m.uid(),
            gid: m.gid(),
            size: m.len(),
            mtime: ns(m.mtime(), m.mtime_nsec()),
            ctime: ns(m.ctime(), m.ctime_nsec()),
            ino: m.ino(),
        }
    }

    pub fn is_file(&self) -> bool {
        self.mode & libc::S_IFMT == libc::S_IFREG
    }

    pub fn is_symlink(&self) -> bool {
        self.mode & libc::S_IFMT == libc::S_IFLNK
    }

    /// The cache's stamp of a regular file; `None` for anything else (as [`Stamp`]s are only
    /// taken of regular files).
    pub fn stamp(&self) -> Option<Stamp> {
        self.is_file().then_some(Stamp {
            size: self.size,
            mtime: self.mtime,
            ctime: self.ctime,
            ino: self.ino,
        })
    }
}

/// This kith executable, by its stamp (worked out once): a rebuilt kith may parse differently
/// under the same version number, so what a cache holds of parsed text is kept for one build.
pub fn this_build() -> u128 {
    static BUILD: std::sync::OnceLock<u128> = std::sync::OnceLock::new();
    *BUILD.get_or_init(|| {
        let stamp = std::env::current_exe()
            .and_then(std::fs::metadata)
            .map(|m| Stamp::of(&m));
        match stamp {
            Ok(s) => xxhash_rust::xxh3::xxh3_128(format!("{s:?}").as_bytes()),
            Err(_) => 0,
        }
    })
}

/// Seconds and nanoseconds as nanoseconds.
fn ns(secs: i64, nanos: i64) -> i64 {
    secs.saturating_mul(1_000_000_000).saturating_add(nanos)
}

/// Now, in nanoseconds since the epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i64)
}
