//! One export file as a table: decoded as `kith import` decodes files
//! ([`crate::plan::import::text`]: BOM, UTF-16, Windows-1252), split with the delimiter of its
//! header line ([`crate::plan::import::csv::delimiter`]: `,`, `;` or tab; quoted newlines kept),
//! and its columns found by name the way import compares headers
//! ([`crate::plan::import::vocab::header_key`]: `Record ID`, `record_id` and `RecordId` are one).

use crate::plan::import::{MAX_FIELD, csv, text, vocab};
use crate::util::hint::Hint;
use anyhow::{Context, Result};

/// A file's header and rows.
#[derive(Debug)]
pub struct Table {
    /// The headers as written.
    pub header: Vec<String>,
    /// Their [`vocab::header_key`]s, Pipedrive's `Deal - ` prefixes left on.
    pub keys: Vec<String>,
    pub rows: Vec<Line>,
    /// Set when the file was not UTF-8.
    pub note: Option<Hint>,
}

/// One row: the 1-based line where it starts and its cells.
#[derive(Debug)]
pub struct Line {
    pub line: usize,
    pub cells: Vec<String>,
    /// Why the row cannot be read (a ragged row).
    pub error: Option<String>,
}

/// Reads only a file's header row (what recognising it needs): a table without rows.
pub fn header(bytes: &[u8]) -> Result<Table> {
    read_rows(start(bytes), false)
}

/// How much of a file's start recognising it needs: its header row, however wide.
pub const HEAD: usize = 64 * 1024;

/// The first [`HEAD`] bytes of `bytes`, cut after their last whole line (all of it when
/// shorter), so that recognising a 50 MB export does not decode all of it.
pub fn start(bytes: &[u8]) -> &[u8] {
    if bytes.len() <= HEAD {
        return bytes;
    }
    let head = &bytes[..HEAD];
    // A line ends with `\n`, which UTF-16 writes in two bytes (the BOM says in which order).
    let newline: &[u8] = match head {
        [0xFF, 0xFE, ..] => b"\n\0",
        [0xFE, 0xFF, ..] => b"\0\n",
        _ => b"\n",
    };
    let step = newline.len();
    (0..=HEAD - step)
        .rev()
        .filter(|i| i % step == 0)
        .find(|&i| &head[i..i + step] == newline)
        .map_or(bytes, |i| &head[..i + step])
}

/// Reads a file's bytes into a table.
pub fn read(bytes: &[u8]) -> Result<Table> {
    read_rows(bytes, true)
}

fn read_rows(bytes: &[u8], all: bool) -> Result<Table> {
    let decoded = text::decode(bytes)?;
    let text = decoded.text;
    let first = text.lines().next().unwrap_or_default();
    let delimiter = csv::delimiter(first);
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header: Vec<String> = match records.next() {
        Some(h) => h
            .context("cannot read the header row")?
            .iter()
            .map(|h| h.trim().to_string())
            .collect(),
        None => Vec::new(),
    };
    let keys = header.iter().map(|h| vocab::header_key(h)).collect();
    let mut rows = Vec::new();
    for record in records.take_while(|_| all) {
        let record = record.context("cannot read the CSV file")?;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let line = record.position().map_or(0, |p| p.line() as usize);
        let error = if record.len() < header.len()
            || record
                .iter()
                .skip(header.len())
                .any(|c| !c.trim().is_empty())
        {
            Some(format!(
                "row has {} fields, the header has {} (a missing or extra delimiter `{}`, or an unclosed quote?)",
                record.len(),
                header.len(),
                char::from(delimiter).escape_default()
            ))
        } else if record.iter().any(|c| c.len() > MAX_FIELD) {
            Some(format!(
                "a value is longer than {} KiB (an unclosed quote?)",
                MAX_FIELD / 1024
            ))
        } else {
            None
        };
        rows.push(Line {
            line,
            cells: record.iter().map(str::to_string).collect(),
            error,
        });
    }
    Ok(Table {
        header,
        keys,
        rows,
        note: decoded.note,
    })
}

impl Table {
    /// The first column whose key is one of `names` (given as headers; compared as keys),
    /// trying the names in order.
    pub fn col(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|n| {
            let key = vocab::header_key(n);
            self.keys.iter().position(|k| *k == key)
        })
    }

    /// Whether the file has a column with one of these names.
    pub fn has(&self, names: &[&str]) -> bool {
        self.col(names).is_some()
    }
}

/// A row's trimmed, non-empty cell in a column.
pub fn cell(row: &Line, col: Option<usize>) -> Option<&str> {
    let v = row.cells.get(col?)?.trim();
    (!v.is_empty()).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_file_is_recognised_from_its_start() {
        let mut big = b"Record ID,Company name\n".to_vec();
        while big.len() < 3 * HEAD {
            big.extend_from_slice(b"1,Acme\n");
        }
        let cut = start(&big);
        assert!(cut.len() <= HEAD && cut.ends_with(b"\n"));
        assert_eq!(header(&big).unwrap().header, ["Record ID", "Company name"]);
        // UTF-16 keeps whole characters.
        let mut wide = vec![0xFF, 0xFE];
        for _ in 0..HEAD {
            wide.extend_from_slice(b"a\0\n\0");
        }
        assert_eq!(start(&wide).len() % 2, 0);
        assert!(start(&wide).ends_with(b"\n\0"));
    }

    #[test]
    fn bom_semicolons_and_quoted_newlines() {
        let t = read(b"\xEF\xBB\xBFRecord ID;Note body\n1;\"one\ntwo\"\n2;x\n").unwrap();
        assert_eq!(t.header, ["Record ID", "Note body"]);
        assert_eq!(t.col(&["record_id"]), Some(0));
        assert_eq!(t.rows[0].cells[1], "one\ntwo");
        assert_eq!(t.rows[1].line, 4);
        assert_eq!(cell(&t.rows[1], t.col(&["Note Body"])), Some("x"));
    }
}
