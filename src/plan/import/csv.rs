//! CSV files with a header row: the delimiter (comma, semicolon or tab, from the header line),
//! each column's kith field (`--map` first, then the names [`super::vocab`] knows, else a custom
//! field named after the header), and one [`Row`] per line with its line number.

use super::{Row, kinds, vocab};
use crate::record::Kind;
use crate::record::schema::RESERVED;
use anyhow::{Context, Result, bail};

/// What one column fills: a field (kith's, a part of the name, or a custom one), or nothing.
#[derive(Debug, Clone, PartialEq)]
enum Column {
    Field(String),
    Skip,
}

/// Reads CSV text (already decoded) into rows. `map` holds `--map` pairs: a header as written
/// (case-insensitive) and the field it fills (`-` or `skip` to leave the column out).
pub fn read(text: &str, map: &[(String, String)]) -> Result<Vec<Row>> {
    read_as(text, map, Kind::Person)
}

/// The header row's cells as written (empty for an empty file).
pub fn headers(text: &str) -> Result<Vec<String>> {
    let delimiter = delimiter(text.lines().next().unwrap_or_default());
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    match reader.records().next() {
        Some(h) => Ok(h
            .context("cannot read the header row")?
            .iter()
            .map(str::to_string)
            .collect()),
        None => Ok(Vec::new()),
    }
}

/// [`read`] for a file of `kind`: its columns are named in that kind's words (a companies
/// file's `Name` is the company's, its `Website` the company's own).
pub fn read_as(text: &str, map: &[(String, String)], kind: Kind) -> Result<Vec<Row>> {
    if text.trim().is_empty() {
        return Err(crate::util::hint::hint(
            "the file is empty",
            "a CSV file starts with a header row, e.g. `First Name,Last Name,Email`",
        ));
    }
    let delimiter = delimiter(text.lines().next().unwrap_or_default());
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(h) => h.context("cannot read the header row")?,
        None => bail!("the file is empty"),
    };
    let columns: Vec<Column> = header.iter().map(|h| column(h, map, kind)).collect();
    for (given, _) in map {
        if !header.iter().any(|h| same_header(h, given)) {
            return Err(crate::util::hint::hint(
                format!("--map names a column `{given}` that the file does not have"),
                format!(
                    "its columns are {}",
                    header
                        .iter()
                        .map(|h| format!("`{h}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    let mut rows = Vec::new();
    for record in records {
        let record = record.context("cannot read the CSV file")?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let width = record.len();
        let extra_filled = record
            .iter()
            .skip(columns.len())
            .any(|c| !c.trim().is_empty());
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut row = Row::new(line);
        if width < columns.len() || extra_filled {
            row.error = Some(format!(
                "row has {width} fields, the header has {} (a missing or extra delimiter `{}`, or an unclosed quote?)",
                columns.len(),
                char::from(delimiter).escape_default()
            ));
        }
        for (cell, col) in record.iter().zip(&columns) {
            if let Column::Field(f) = col
                && !cell.trim().is_empty()
            {
                row.values.push((f.clone(), cell.to_string()));
            }
        }
        rows.push(row);
    }
    Ok(rows)
}

/// The delimiter of a header line: the most frequent of `,`, `;` and tab outside quotes (a
/// comma when there is none).
pub fn delimiter(header: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for b in header.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    [b',', b';', b'\t'][best]
}

fn same_header(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

fn column(header: &str, map: &[(String, String)], kind: Kind) -> Column {
    if let Some((_, field)) = map.iter().find(|(h, _)| same_header(h, header)) {
        return match field.trim() {
            "" | "-" | "skip" => Column::Skip,
            f => Column::Field(f.to_string()),
        };
    }
    let header = header.trim();
    // kith's own exports: computed columns are not fields; `field.X` is the field X.
    if let Some(own) = header.strip_prefix("field.") {
        return Column::Field(own.to_string());
    }
    if RESERVED.contains(&header) && header != "id" {
        return Column::Skip;
    }
    let key = vocab::header_key(header);
    // Google's `E-mail 1 - Label`, `Phone 1 - Type`: what kind of address, not data.
    if key.contains(|c: char| c.is_ascii_digit())
        && (key.ends_with("label") || key.ends_with("type"))
    {
        return Column::Skip;
    }
    let field = match kind {
        Kind::Person => vocab::field_for(&key),
        Kind::Company => kinds::company_field(&key),
        Kind::Deal => kinds::deal_field(&key),
    };
    if let Some(field) = field {
        return Column::Field(field.to_string());
    }
    match vocab::custom_key(header) {
        Some(key) => Column::Field(key),
        None => Column::Skip,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(row: &Row) -> Vec<(&str, &str)> {
        row.values
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    #[test]
    fn hubspot_headers_without_a_map() {
        let rows = read(
            "First Name,Last Name,Email,Lifecycle Stage,Favourite Colour\nAda,Lovelace,ada@x.example,Marketing Qualified Lead,\n",
            &[],
        )
        .unwrap();
        assert_eq!(
            values(&rows[0]),
            [
                ("first_name", "Ada"),
                ("last_name", "Lovelace"),
                ("email", "ada@x.example"),
                ("lifecycle", "Marketing Qualified Lead"),
            ]
        );
        assert_eq!(rows[0].line, 2);
    }

    #[test]
    fn delimiters_maps_and_ragged_rows() {
        let rows = read(
            "Name;Mail;Colour\nAda;ada@x.example;red\nBob;x\n",
            &[("mail".into(), "email".into())],
        )
        .unwrap();
        assert_eq!(
            values(&rows[0]),
            [
                ("name", "Ada"),
                ("email", "ada@x.example"),
                ("colour", "red")
            ]
        );
        assert_eq!(
            rows[1].error.as_deref(),
            Some(
                "row has 2 fields, the header has 3 (a missing or extra delimiter `;`, or an unclosed quote?)"
            )
        );
        assert_eq!(rows[1].line, 3);
        let rows = read("Name\tEmail\n\"Smith, Jon\"\tjon@x.example\n", &[]).unwrap();
        assert_eq!(values(&rows[0])[0], ("name", "Smith, Jon"));
        assert!(read("Name\n", &[("Nope".into(), "email".into())]).is_err());
        assert!(
            read("\n  \n", &[])
                .unwrap_err()
                .to_string()
                .contains("empty")
        );
    }

    #[test]
    fn kiths_own_export_reads_back() {
        let rows = read(
            "id,kind,name,field.score,score,segments\nada,contact,Ada,7,55,hot-leads\n",
            &[],
        )
        .unwrap();
        assert_eq!(
            values(&rows[0]),
            [("id", "ada"), ("name", "Ada"), ("score", "7")]
        );
    }

    #[test]
    fn multiline_cells_keep_their_first_line_number() {
        let rows = read("Name,Notes\nAda,\"one\ntwo\"\nBob,x\n", &[]).unwrap();
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[1].line, 4);
    }
}
