//! The record events of large commits, cached: an import of a million records is a million
//! files to read back from git and parse (30 s and 5 GB at 1,000,000 records) in every report
//! whose trend window holds it, for twelve weeks. Their events never change (a commit is
//! immutable, and events depend on nothing but the two texts of each file), so a commit of at
//! least [`LARGE`] changed files has them written once to `.kith/history-events/<commit>`, in
//! a compact binary form, and read back from there.
//!
//! A file is trusted only for the kith that wrote it (its format, version, this very build
//! and the workspace's folder in the repository are in its header) and only whole; anything
//! else is read as missing and computed again. Like the history cache, the files hold field values and notes:
//! `kith forget` removes them.

use crate::git::history::{Event, RecordEvent};
use crate::record::Kind;
use crate::record::activity::Activity;
use crate::record::value::Value;
use crate::util::intern::Sym;
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
    let mut r = Reader { bytes: &bytes };
    if r.take(8)? != MAGIC
        || r.u32()? != FORMAT
        || r.str()? != env!("CARGO_PKG_VERSION")
        || r.take(16)? != crate::util::stamp::this_build().to_le_bytes()
        || r.str()?.as_bytes() != prefix.as_os_str().as_encoded_bytes()
    {
        return None;
    }
    let n = r.len()?;
    // Each event takes at least three bytes: a count larger than that is damage.
    if n > r.bytes.len() / 3 {
        return None;
    }
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(r.event()?);
    }
    r.bytes.is_empty().then_some(out)
}

/// Stores the events of `commit`; a file that cannot be written is only traced (the next
/// report computes the events again).
pub fn write(root: &Path, prefix: &Path, commit: Oid, events: &[RecordEvent]) {
    let mut w = Writer::default();
    w.out.extend_from_slice(MAGIC);
    w.u32(FORMAT);
    w.str(env!("CARGO_PKG_VERSION"));
    w.out
        .extend_from_slice(&crate::util::stamp::this_build().to_le_bytes());
    w.str(&prefix.to_string_lossy());
    w.len(events.len());
    for e in events {
        w.event(e);
    }
    let stored = crate::util::files::state_dir(root)
        .and_then(|_| std::fs::create_dir_all(root.join(DIR)))
        .map_err(anyhow::Error::from)
        .and_then(|()| crate::util::files::replace(&path(root, commit), &w.out));
    if let Err(e) = stored {
        crate::util::output::trace(&format!("history events of {commit} not cached: {e:#}"));
    }
}

fn path(root: &Path, commit: Oid) -> PathBuf {
    root.join(DIR).join(commit.to_string())
}

#[derive(Default)]
struct Writer {
    out: Vec<u8>,
}

impl Writer {
    fn u32(&mut self, v: u32) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }

    /// A length or small number: seven bits a byte, lowest first.
    fn len(&mut self, mut v: usize) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.out.push(byte);
                return;
            }
            self.out.push(byte | 0x80);
        }
    }

    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.out.extend_from_slice(s.as_bytes());
    }

    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            None => self.out.push(0),
            Some(s) => {
                self.out.push(1);
                self.str(s);
            }
        }
    }

    fn event(&mut self, e: &RecordEvent) {
        self.out.push(e.kind as u8);
        self.str(&e.id);
        match &e.event {
            Event::Created => self.out.push(0),
            Event::Deleted => self.out.push(1),
            Event::Renamed { from } => {
                self.out.push(2);
                self.str(from);
            }
            Event::Field { key, old, new } => {
                self.out.push(3);
                self.str(key);
                for v in [old, new] {
                    match v {
                        None => self.out.push(0),
                        Some(v) => {
                            self.out.push(1);
                            self.value(v);
                        }
                    }
                }
            }
            Event::Logged(a) => {
                self.out.push(4);
                self.activity(a);
            }
        }
    }

    fn value(&mut self, v: &Value) {
        match v {
            Value::Null => self.out.push(0),
            Value::Bool(b) => self.out.extend_from_slice(&[1, u8::from(*b)]),
            Value::Int(i) => {
                self.out.push(2);
                self.out.extend_from_slice(&i.to_le_bytes());
            }
            Value::Float(f) => {
                self.out.push(3);
                self.out.extend_from_slice(&f.to_bits().to_le_bytes());
            }
            Value::Str(s) => {
                self.out.push(4);
                self.str(s);
            }
            Value::List(items) => {
                self.out.push(5);
                self.len(items.len());
                for item in items {
                    self.value(item);
                }
            }
            Value::Map(entries) => {
                self.out.push(6);
                self.len(entries.len());
                for (k, v) in entries {
                    self.str(k);
                    self.value(v);
                }
            }
        }
    }

    fn activity(&mut self, a: &Activity) {
        self.out.extend_from_slice(&a.date.year().to_le_bytes());
        self.out
            .extend_from_slice(&[a.date.month() as u8, a.date.day() as u8]);
        match a.time {
            None => self.out.push(0),
            Some((h, m)) => self.out.extend_from_slice(&[1, h, m]),
        }
        self.str(a.kind.as_str());
        self.opt_str(a.by.map(Sym::as_str));
        self.opt_str(a.deal.map(Sym::as_str));
        self.str(&a.text);
        self.u32(a.line);
        self.out.extend_from_slice(&a.kind_col.to_le_bytes());
    }
}

/// Reads what [`Writer`] wrote; `None` at the first thing out of place.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.bytes.len() {
            return None;
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Some(head)
    }

    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn len(&mut self) -> Option<usize> {
        let mut v = 0usize;
        for shift in (0..64).step_by(7) {
            let byte = self.u8()?;
            v |= usize::from(byte & 0x7f).checked_shl(shift)?;
            if byte & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    fn str(&mut self) -> Option<&'a str> {
        let n = self.len()?;
        std::str::from_utf8(self.take(n)?).ok()
    }

    fn opt_str(&mut self) -> Option<Option<&'a str>> {
        match self.u8()? {
            0 => Some(None),
            1 => Some(Some(self.str()?)),
            _ => None,
        }
    }

    fn event(&mut self) -> Option<RecordEvent> {
        let kind = *Kind::ALL.get(usize::from(self.u8()?))?;
        let id = self.str()?.to_string();
        let event = match self.u8()? {
            0 => Event::Created,
            1 => Event::Deleted,
            2 => Event::Renamed {
                from: self.str()?.to_string(),
            },
            3 => {
                let key = self.str()?.to_string();
                let mut side = || -> Option<Option<Value>> {
                    match self.u8()? {
                        0 => Some(None),
                        1 => Some(Some(self.value(0)?)),
                        _ => None,
                    }
                };
                let old = side()?;
                let new = side()?;
                Event::Field { key, old, new }
            }
            4 => Event::Logged(self.activity()?),
            _ => return None,
        };
        Some(RecordEvent { kind, id, event })
    }

    fn value(&mut self, depth: u32) -> Option<Value> {
        // As deep as YAML nests in a frontmatter, and no deeper than a stack can take.
        if depth > 64 {
            return None;
        }
        Some(match self.u8()? {
            0 => Value::Null,
            1 => Value::Bool(self.u8()? != 0),
            2 => Value::Int(i64::from_le_bytes(self.take(8)?.try_into().ok()?)),
            3 => Value::Float(f64::from_bits(u64::from_le_bytes(
                self.take(8)?.try_into().ok()?,
            ))),
            4 => Value::Str(self.str()?.into()),
            5 => {
                let n = self.len()?;
                if n > self.bytes.len() {
                    return None;
                }
                (0..n)
                    .map(|_| self.value(depth + 1))
                    .collect::<Option<Vec<_>>>()
                    .map(|v| Value::List(v.into_boxed_slice()))?
            }
            6 => {
                let n = self.len()?;
                if n > self.bytes.len() {
                    return None;
                }
                (0..n)
                    .map(|_| Some((self.str()?.into(), self.value(depth + 1)?)))
                    .collect::<Option<Vec<_>>>()
                    .map(|v| Value::Map(v.into_boxed_slice()))?
            }
            _ => return None,
        })
    }

    fn activity(&mut self) -> Option<Activity> {
        let year = i16::from_le_bytes(self.take(2)?.try_into().ok()?);
        let (month, day) = (self.u8()? as i8, self.u8()? as i8);
        let date = jiff::civil::Date::new(year, month, day).ok()?;
        let time = match self.u8()? {
            0 => None,
            1 => Some((self.u8()?, self.u8()?)),
            _ => return None,
        };
        Some(Activity {
            date,
            time,
            kind: Sym::new(self.str()?),
            by: self.opt_str()?.map(Sym::new),
            deal: self.opt_str()?.map(Sym::new),
            text: self.str()?.into(),
            line: self.u32()?,
            kind_col: u16::from_le_bytes(self.take(2)?.try_into().ok()?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
