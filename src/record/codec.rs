//! kith's binary encoding of parsed records, values, activities and diagnostics, for its
//! caches (the records cache, the history's events): little-endian integers, LEB128 lengths,
//! UTF-8 strings. Decoding never trusts its input: a truncated or malformed encoding is an
//! error (the cache is then rebuilt), never a panic. A layer above adds its own types with an
//! `impl` block of its own (the cache's scores, the history's events).

use crate::record::activity::Activity;
use crate::record::diag::{Diagnostic, Pos, Severity};
use crate::record::parse::{Parsed, Ref};
use crate::record::task::{Origin, Task};
use crate::record::value::Value;
use crate::record::{Kind, Record};
use crate::util::intern::Sym;
use compact_str::CompactString;
use jiff::civil::Date;

/// Deepest value nesting decoded (frontmatter YAML nests far less; see `yaml::MAX_NODES`).
const MAX_DEPTH: u32 = 128;

/// The encoding is not what this version of kith writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Corrupt;

pub type Result<T> = std::result::Result<T, Corrupt>;

/// Appends encoded values to a byte buffer.
#[derive(Default)]
pub struct Writer {
    pub buf: Vec<u8>,
}

impl Writer {
    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    pub fn bool(&mut self, v: bool) {
        self.u8(v as u8);
    }

    pub fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub fn i64(&mut self, v: i64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub fn u128(&mut self, v: u128) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub fn f64(&mut self, v: f64) {
        self.u64(v.to_bits());
    }

    /// A length or small count (LEB128).
    pub fn len(&mut self, mut v: usize) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.buf.push(byte);
                return;
            }
            self.buf.push(byte | 0x80);
        }
    }

    pub fn str(&mut self, s: &str) {
        self.len(s.len());
        self.buf.extend_from_slice(s.as_bytes());
    }

    pub fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
            None => self.u8(0),
        }
    }

    fn date(&mut self, d: Date) {
        self.buf.extend_from_slice(&d.year().to_le_bytes());
        self.u8(d.month() as u8);
        self.u8(d.day() as u8);
    }

    fn opt_date(&mut self, d: Option<Date>) {
        match d {
            Some(d) => {
                self.u8(1);
                self.date(d);
            }
            None => self.u8(0),
        }
    }

    fn time(&mut self, t: Option<(u8, u8)>) {
        match t {
            Some((h, m)) => {
                self.u8(1);
                self.u8(h);
                self.u8(m);
            }
            None => self.u8(0),
        }
    }

    fn pos(&mut self, p: Pos) {
        self.u32(p.line);
        self.u32(p.column);
    }

    pub fn kind(&mut self, k: Kind) {
        self.u8(k as u8);
    }

    pub fn value(&mut self, v: &Value) {
        match v {
            Value::Null => self.u8(0),
            Value::Bool(b) => {
                self.u8(1);
                self.bool(*b);
            }
            Value::Int(i) => {
                self.u8(2);
                self.i64(*i);
            }
            Value::Float(f) => {
                self.u8(3);
                self.f64(*f);
            }
            Value::Str(s) => {
                self.u8(4);
                self.str(s);
            }
            Value::List(items) => {
                self.u8(5);
                self.len(items.len());
                for item in items {
                    self.value(item);
                }
            }
            Value::Map(entries) => {
                self.u8(6);
                self.len(entries.len());
                for (k, v) in entries {
                    self.str(k);
                    self.value(v);
                }
            }
        }
    }

    pub fn activity(&mut self, a: &Activity) {
        self.date(a.date);
        self.time(a.time);
        self.str(a.kind.as_str());
        self.opt_str(a.by.map(Sym::as_str));
        self.opt_str(a.deal.map(Sym::as_str));
        self.str(&a.text);
        self.u32(a.line);
        self.buf.extend_from_slice(&a.kind_col.to_le_bytes());
    }

    pub fn diagnostic(&mut self, d: &Diagnostic) {
        self.str(&d.path);
        self.u32(d.line);
        self.u32(d.column);
        self.bool(d.severity == Severity::Error);
        self.str(d.code);
        self.str(&d.message);
        self.opt_str(d.help.as_deref());
    }

    /// A parsed record file, whole.
    pub fn parsed(&mut self, p: &Parsed) {
        let r = &p.record;
        self.kind(r.kind);
        self.str(&r.id);
        self.bool(r.broken);
        self.len(r.fields.len());
        for (k, v) in &r.fields {
            self.str(k.as_str());
            self.value(v);
        }
        self.len(r.activities.len());
        for a in &r.activities {
            self.activity(a);
        }
        self.len(r.tasks.len());
        for t in &r.tasks {
            self.bool(t.done);
            self.date(t.due);
            self.time(t.time);
            self.str(t.kind.as_str());
            self.opt_str(t.owner.map(Sym::as_str));
            self.opt_str(t.deal.map(Sym::as_str));
            self.str(&t.text);
            match t.origin {
                Origin::Unknown => self.u8(0),
                Origin::Teammate(s) => {
                    self.u8(1);
                    self.str(s.as_str());
                }
                Origin::Workflow(s) => {
                    self.u8(2);
                    self.str(s.as_str());
                }
            }
            self.opt_date(t.done_on);
            self.u32(t.line);
        }
        self.str(&r.notes);
        self.len(p.refs.len());
        for rf in &p.refs {
            self.str(rf.field.as_str());
            self.kind(rf.kind);
            self.str(&rf.id);
            self.pos(rf.pos);
        }
        self.len(p.mentions.len());
        for m in &p.mentions {
            match m.kind {
                Some(k) => {
                    self.u8(1);
                    self.kind(k);
                }
                None => self.u8(0),
            }
            self.str(&m.id);
            self.pos(m.pos);
        }
        self.pos(p.email_pos);
        self.len(p.diags.len());
        for d in &p.diags {
            self.diagnostic(d);
        }
    }
}

/// Reads values back from a byte slice.
pub struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes }
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    pub fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.bytes.len() {
            return Err(Corrupt);
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        Ok(self.take(N)?.try_into().expect("N bytes"))
    }

    pub fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    pub fn bool(&mut self) -> Result<bool> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(Corrupt),
        }
    }

    pub fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    pub fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    pub fn i64(&mut self) -> Result<i64> {
        Ok(i64::from_le_bytes(self.array()?))
    }

    pub fn u128(&mut self) -> Result<u128> {
        Ok(u128::from_le_bytes(self.array()?))
    }

    pub fn f64(&mut self) -> Result<f64> {
        Ok(f64::from_bits(self.u64()?))
    }

    /// A length, which can never exceed the bytes left (each item takes at least one).
    pub fn len(&mut self) -> Result<usize> {
        let mut v: usize = 0;
        for shift in (0..64).step_by(7) {
            let byte = self.u8()?;
            v |= ((byte & 0x7f) as usize) << shift;
            if byte & 0x80 == 0 {
                return if v <= self.bytes.len() {
                    Ok(v)
                } else {
                    Err(Corrupt)
                };
            }
        }
        Err(Corrupt)
    }

    pub fn str(&mut self) -> Result<&'a str> {
        std::str::from_utf8(self.bytes()?).map_err(|_| Corrupt)
    }

    /// A string's bytes, not checked to be UTF-8: for skipping, and for comparing with a
    /// string that is.
    fn bytes(&mut self) -> Result<&'a [u8]> {
        let n = self.len()?;
        self.take(n)
    }

    /// A value written after a 1 (a 0 for none).
    pub fn opt<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<Option<T>> {
        match self.u8()? {
            0 => Ok(None),
            1 => f(self).map(Some),
            _ => Err(Corrupt),
        }
    }

    fn sym(&mut self) -> Result<Sym> {
        self.str().map(Sym::new)
    }

    fn date(&mut self) -> Result<Date> {
        let year = i16::from_le_bytes(self.array()?);
        let month = self.u8()? as i8;
        let day = self.u8()? as i8;
        Date::new(year, month, day).map_err(|_| Corrupt)
    }

    fn time(&mut self) -> Result<Option<(u8, u8)>> {
        self.opt(|r| Ok((r.u8()?, r.u8()?)))
    }

    fn pos(&mut self) -> Result<Pos> {
        Ok(Pos::new(self.u32()?, self.u32()?))
    }

    pub fn kind(&mut self) -> Result<Kind> {
        match self.u8()? {
            0 => Ok(Kind::Person),
            1 => Ok(Kind::Company),
            2 => Ok(Kind::Deal),
            _ => Err(Corrupt),
        }
    }

    pub fn value(&mut self, depth: u32) -> Result<Value> {
        if depth > MAX_DEPTH {
            return Err(Corrupt);
        }
        Ok(match self.u8()? {
            0 => Value::Null,
            1 => Value::Bool(self.bool()?),
            2 => Value::Int(self.i64()?),
            3 => Value::Float(self.f64()?),
            4 => Value::Str(self.str()?.into()),
            5 => {
                let n = self.len()?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.value(depth + 1)?);
                }
                Value::List(items.into())
            }
            6 => {
                let n = self.len()?;
                let mut entries = Vec::with_capacity(n);
                for _ in 0..n {
                    let k = CompactString::from(self.str()?);
                    entries.push((k, self.value(depth + 1)?));
                }
                Value::Map(entries.into())
            }
            _ => return Err(Corrupt),
        })
    }

    pub fn activity(&mut self) -> Result<Activity> {
        Ok(Activity {
            date: self.date()?,
            time: self.time()?,
            kind: self.sym()?,
            by: self.opt(Self::sym)?,
            deal: self.opt(Self::sym)?,
            text: self.str()?.into(),
            line: self.u32()?,
            kind_col: u16::from_le_bytes(self.array()?),
        })
    }

    pub fn diagnostic(&mut self) -> Result<Diagnostic> {
        let path = self.str()?.to_string();
        let line = self.u32()?;
        let column = self.u32()?;
        let error = self.bool()?;
        // Codes are a fixed vocabulary of kith's; interning gives back a `'static` one.
        let code = self.sym()?.as_str();
        let message = self.str()?.to_string();
        let help = self.opt(|r| r.str().map(str::to_string))?;
        let d = if error {
            Diagnostic::error(code, message)
        } else {
            Diagnostic::warning(code, message)
        };
        let mut d = d.in_file(path).pos(Pos::new(line, column));
        d.help = help;
        Ok(d)
    }

    /// Skips one value without building it (the lazy path reads only the fields it needs).
    fn skip_value(&mut self, depth: u32) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(Corrupt);
        }
        match self.u8()? {
            0 => {}
            1 => {
                self.bool()?;
            }
            2 | 3 => {
                self.take(8)?;
            }
            4 => {
                self.bytes()?;
            }
            5 => {
                for _ in 0..self.len()? {
                    self.skip_value(depth + 1)?;
                }
            }
            6 => {
                for _ in 0..self.len()? {
                    self.bytes()?;
                    self.skip_value(depth + 1)?;
                }
            }
            _ => return Err(Corrupt),
        }
        Ok(())
    }

    /// The start of an encoded record: its kind, id and the frontmatter fields `keep` wants,
    /// in their order; the rest (other fields, activities, tasks, notes) is not decoded. What
    /// a filter on frontmatter fields needs, at a fraction of [`Reader::parsed`]'s cost.
    /// `keep` is given a key's bytes: a key is checked to be UTF-8 only when kept (the keys a
    /// filter names are), since skipping one needs no more than its length.
    pub fn head(&mut self, keep: &dyn Fn(&[u8]) -> bool) -> Result<Record> {
        let kind = self.kind()?;
        let mut record = Record::new(kind, self.str()?);
        record.broken = self.bool()?;
        for _ in 0..self.len()? {
            let k = self.bytes()?;
            if keep(k) {
                let k = std::str::from_utf8(k).map_err(|_| Corrupt)?;
                record.fields.push((Sym::new(k), self.value(0)?));
            } else {
                self.skip_value(0)?;
            }
        }
        Ok(record)
    }

    pub fn parsed(&mut self) -> Result<Parsed> {
        let kind = self.kind()?;
        let mut record = Record::new(kind, self.str()?);
        record.broken = self.bool()?;
        let n = self.len()?;
        record.fields.reserve_exact(n);
        for _ in 0..n {
            let k = self.sym()?;
            record.fields.push((k, self.value(0)?));
        }
        let n = self.len()?;
        record.activities.reserve_exact(n);
        for _ in 0..n {
            record.activities.push(self.activity()?);
        }
        let n = self.len()?;
        record.tasks.reserve_exact(n);
        for _ in 0..n {
            record.tasks.push(Task {
                done: self.bool()?,
                due: self.date()?,
                time: self.time()?,
                kind: self.sym()?,
                owner: self.opt(Self::sym)?,
                deal: self.opt(Self::sym)?,
                text: self.str()?.into(),
                origin: match self.u8()? {
                    0 => Origin::Unknown,
                    1 => Origin::Teammate(self.sym()?),
                    2 => Origin::Workflow(self.sym()?),
                    _ => return Err(Corrupt),
                },
                done_on: self.opt(Self::date)?,
                line: self.u32()?,
            });
        }
        record.notes = self.str()?.into();
        let n = self.len()?;
        let mut refs = Vec::with_capacity(n);
        for _ in 0..n {
            refs.push(Ref {
                field: self.sym()?,
                kind: self.kind()?,
                id: self.str()?.into(),
                pos: self.pos()?,
            });
        }
        let n = self.len()?;
        let mut mentions = Vec::with_capacity(n);
        for _ in 0..n {
            mentions.push(crate::record::mention::Mention {
                kind: match self.u8()? {
                    0 => None,
                    1 => Some(self.kind()?),
                    _ => return Err(Corrupt),
                },
                id: self.str()?.into(),
                pos: self.pos()?,
            });
        }
        let email_pos = self.pos()?;
        let n = self.len()?;
        let mut diags = Vec::with_capacity(n);
        for _ in 0..n {
            diags.push(self.diagnostic()?);
        }
        Ok(Parsed {
            record,
            refs,
            mentions,
            email_pos,
            diags,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::config::Config;

    fn round_trip(p: &Parsed) -> Parsed {
        let mut w = Writer::default();
        w.parsed(p);
        let mut r = Reader::new(&w.buf);
        let back = r.parsed().expect("decodes");
        assert!(r.is_empty(), "every byte is read");
        back
    }

    fn assert_same(a: &Parsed, b: &Parsed) {
        // Float NaN aside, the Debug form shows every field.
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }

    #[test]
    fn every_example_record_comes_back_as_it_was_parsed() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example-workspace");
        let ws = crate::workspace::Workspace::open(&root).unwrap();
        let (found, _) = crate::load::list(&ws);
        assert!(found.len() > 20);
        for f in &found {
            let p = crate::load::load_one(&ws, f);
            assert_same(&p, &round_trip(&p));
        }
    }

    #[test]
    fn values_diagnostics_and_tasks_round_trip() {
        let text = "---\nname: Ada\nage: 37\nratio: 0.5\nvip: true\nnone: ~\n\
                    tags: [a, [b, {c: 1}]]\nmap: {x: y, n: [1, 2]}\nlifecycle: bogus\n\
                    company: missing-co\n---\nNotes.\n\n## Tasks\n\n\
                    - [ ] 2026-11-27 09:30 call @sam #big-deal: confirm (from @priya)\n\
                    - [x] 2026-11-20 email: sent (workflow nurture) (done 2026-11-21)\n\n\
                    ## Activity\n\n- 2026-11-02 10:15 call @sam #big-deal: Talked\n  more\n\
                    - 2026-13-40 visit: bad date\n";
        let p = crate::record::parse::parse(
            Kind::Person,
            "ada",
            "contacts/ada.md",
            text.as_bytes(),
            &Config::default(),
        );
        assert!(!p.diags.is_empty() && !p.record.tasks.is_empty() && !p.refs.is_empty());
        assert_same(&p, &round_trip(&p));
    }

    #[test]
    fn truncated_or_altered_encodings_are_corrupt_not_a_panic() {
        let text = "---\nname: Ada\ntags: [a, b]\n---\n## Activity\n\n- 2026-11-02 call: x\n";
        let p = crate::record::parse::parse(
            Kind::Person,
            "ada",
            "contacts/ada.md",
            text.as_bytes(),
            &Config::default(),
        );
        let mut w = Writer::default();
        w.parsed(&p);
        for n in 0..w.buf.len() {
            assert_eq!(
                Reader::new(&w.buf[..n]).parsed().err(),
                Some(Corrupt),
                "cut at {n}"
            );
        }
        for i in 0..w.buf.len() {
            for flip in [0x01u8, 0x80, 0xff] {
                let mut bytes = w.buf.clone();
                bytes[i] ^= flip;
                let _ = Reader::new(&bytes).parsed(); // must not panic
            }
        }
    }
}
