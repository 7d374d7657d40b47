//! The record events of large commits, cached: an import of a million records is a million
//! files to read back from git and parse (30 s and 5 GB at 1,000,000 records) in every report
//! whose trend window holds it, for twelve weeks. Their events never change (a commit is
//! immutable, and events depend on nothing but the two texts of each file), so a commit of at
//! least [`LARGE`] changed files has them written once to `.kith/history-events/<commit>`, in
//! a compact binary form, and read back from there.
//!
//! A file is trusted only for the kith that wrote it (its format, version, this very build
//! and the workspace's folder in the repository are in its header) and only whole; anything
//! else is read as missing and computed again. Like the history cache, the files hold field
//! values and notes: `kith forget` removes them. Values and activities are encoded as the
//! records cache encodes them (`record::codec`).

use crate::git::history::{Event, RecordEvent};
use crate::record::codec::{Corrupt, Reader, Result, Writer};
use git2::Oid;
use std::path::{Path, PathBuf};

/// Where the files live, relative to the workspace root.
pub const DIR: &str = ".kith/history-events";

/// Commits that change at least this many files have their events cached; the events of
/// smaller ones are derived from the cached file changes in less time than a file takes to
/// open.
pub const LARGE: usize = 256;

const MAGIC: &[u8; 8] = b"kithevt\n";
const FORMAT: u32 = 1;

/// The events of `commit` as a run of this kith stored them, if it did.
pub fn read(root: &Path, prefix: &Path, commit: Oid) -> Option<Vec<RecordEvent>> {
    let bytes = std::fs::read(path(root, commit)).ok()?;
    decode(&bytes, prefix).ok()
}

fn decode(bytes: &[u8], prefix: &Path) -> Result<Vec<RecordEvent>> {
    let mut r = Reader::new(bytes);
    if r.take(8)? != MAGIC
        || r.u32()? != FORMAT
        || r.str()? != env!("CARGO_PKG_VERSION")
        || r.u128()? != crate::util::stamp::this_build()
        || r.str()?.as_bytes() != prefix.as_os_str().as_encoded_bytes()
    {
        return Err(Corrupt);
    }
    let n = r.len()?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(event(&mut r)?);
    }
    if !r.is_empty() {
        return Err(Corrupt);
    }
    Ok(out)
}

/// Stores the events of `commit`; a file that cannot be written is only traced (the next
/// report computes the events again).
pub fn write(root: &Path, prefix: &Path, commit: Oid, events: &[RecordEvent]) {
    let mut w = Writer::default();
    w.buf.extend_from_slice(MAGIC);
    w.u32(FORMAT);
    w.str(env!("CARGO_PKG_VERSION"));
    w.u128(crate::util::stamp::this_build());
    w.str(&prefix.to_string_lossy());
    w.len(events.len());
    for e in events {
        write_event(&mut w, e);
    }
    let stored = crate::util::files::state_dir(root)
        .and_then(|_| std::fs::create_dir_all(root.join(DIR)))
        .map_err(anyhow::Error::from)
        .and_then(|()| crate::util::files::replace(&path(root, commit), &w.buf));
    if let Err(e) = stored {
        crate::util::output::trace(&format!("history events of {commit} not cached: {e:#}"));
    }
}

fn path(root: &Path, commit: Oid) -> PathBuf {
    root.join(DIR).join(commit.to_string())
}

fn write_event(w: &mut Writer, e: &RecordEvent) {
    w.kind(e.kind);
    w.str(&e.id);
    match &e.event {
        Event::Created => w.u8(0),
        Event::Deleted => w.u8(1),
        Event::Renamed { from } => {
            w.u8(2);
            w.str(from);
        }
        Event::Field { key, old, new } => {
            w.u8(3);
            w.str(key);
            for v in [old, new] {
                match v {
                    None => w.u8(0),
                    Some(v) => {
                        w.u8(1);
                        w.value(v);
                    }
                }
            }
        }
        Event::Logged(a) => {
            w.u8(4);
            w.activity(a);
        }
    }
}

fn event(r: &mut Reader) -> Result<RecordEvent> {
    let kind = r.kind()?;
    let id = r.str()?.to_string();
    let event = match r.u8()? {
        0 => Event::Created,
        1 => Event::Deleted,
        2 => Event::Renamed {
            from: r.str()?.to_string(),
        },
        3 => Event::Field {
            key: r.str()?.to_string(),
            old: r.opt(|r| r.value(0))?,
            new: r.opt(|r| r.value(0))?,
        },
        4 => Event::Logged(r.activity()?),
        _ => return Err(Corrupt),
    };
    Ok(RecordEvent { kind, id, event })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Kind;
    use crate::record::activity::Activity;
    use crate::record::value::Value;
    use crate::util::intern::Sym;

    fn events() -> Vec<RecordEvent> {
        let e = |kind, id: &str, event| RecordEvent {
            kind,
            id: id.to_string(),
            event,
        };
        vec![
            e(Kind::Person, "ada-lovelace", Event::Created),
            e(
                Kind::Person,
                "ada-lovelace",
                Event::Field {
                    key: "lifecycle".into(),
                    old: None,
                    new: Some(Value::Str("lead".into())),
                },
            ),
            e(
                Kind::Deal,
                "acme-renewal",
                Event::Field {
                    key: "meta".into(),
                    old: Some(Value::Map(
                        vec![
                            ("n".into(), Value::Int(-7)),
                            ("x".into(), Value::Float(2.5)),
                            ("ok".into(), Value::Bool(true)),
                            ("none".into(), Value::Null),
                            (
                                "tags".into(),
                                Value::List(vec![Value::Str("é ü".into())].into_boxed_slice()),
                            ),
                        ]
                        .into_boxed_slice(),
                    )),
                    new: None,
                },
            ),
            e(Kind::Company, "acme", Event::Deleted),
            e(
                Kind::Person,
                "grace",
                Event::Renamed {
                    from: "grace-hopper".into(),
                },
            ),
            e(
                Kind::Person,
                "grace",
                Event::Logged(Activity {
                    date: jiff::civil::date(2026, 11, 24),
                    time: Some((9, 5)),
                    kind: Sym::new("call"),
                    by: Some(Sym::new("sam")),
                    deal: None,
                    text: "Called back;\nsent the quote".into(),
                    line: 12,
                    kind_col: 18,
                }),
            ),
        ]
    }

    #[test]
    fn events_round_trip_and_anything_else_reads_as_missing() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let oid = Oid::from_str("0123456789abcdef0123456789abcdef01234567").unwrap();
        assert_eq!(read(root, Path::new(""), oid), None);
        write(root, Path::new(""), oid, &events());
        assert_eq!(read(root, Path::new(""), oid), Some(events()));
        // Another workspace folder of the same repository reads other paths as records.
        assert_eq!(read(root, Path::new("crm"), oid), None);
        // Cut anywhere, or with a byte changed in its header, the file is not trusted.
        let file = path(root, oid);
        let whole = std::fs::read(&file).unwrap();
        for cut in [0, 5, 12, whole.len() / 2, whole.len() - 1] {
            std::fs::write(&file, &whole[..cut]).unwrap();
            assert_eq!(read(root, Path::new(""), oid), None, "cut at {cut}");
        }
        let mut other = whole.clone();
        other[8] ^= 1;
        std::fs::write(&file, &other).unwrap();
        assert_eq!(read(root, Path::new(""), oid), None);
        // Trailing bytes are damage too.
        let mut longer = whole.clone();
        longer.push(0);
        std::fs::write(&file, &longer).unwrap();
        assert_eq!(read(root, Path::new(""), oid), None);
        // The folder is kith's own, out of git.
        assert!(root.join(".kith/.gitignore").is_file());
    }
}
