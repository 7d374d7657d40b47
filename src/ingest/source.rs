//! The files `kith ingest` reads: mbox files, Maildir folders, single messages (`.eml`) and
//! calendars (`.ics`), found from the paths given. Mailboxes are read as a stream, a batch of
//! messages at a time, and each batch is parsed in parallel; a message that cannot be read is
//! a [`Problem`] with its position, and reading goes on.

use super::{Item, Position, Problem, Settings, calendar, mail, mbox};
use anyhow::{Context, Result};
use rayon::prelude::*;
use std::io::{BufRead, BufReader, Read as _};
use std::path::{Path, PathBuf};

/// A batch holds at most this many messages, or about this many bytes.
const BATCH: usize = 2048;
const BATCH_BYTES: usize = 64 * 1024 * 1024;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Mbox,
    /// One message.
    Eml,
    Ics,
}

/// A file to read: its path, its name for messages, what it holds and its size.
#[derive(Debug, Clone)]
pub struct File {
    pub path: PathBuf,
    pub shown: String,
    pub format: Format,
    pub size: u64,
}

/// Everything read from the files.
#[derive(Debug, Default)]
pub struct Read {
    pub items: Vec<Item>,
    pub problems: Vec<Problem>,
}

/// The files below the given paths, in a stable order: a Maildir's messages (`cur/`, `new/`,
/// and its `.Folder`s), a folder's `.eml`, `.ics` and mbox files, or the file itself. `shown`
/// names a path for messages. Fails, before anything is read, on a path that does not exist.
pub fn files(paths: &[PathBuf], shown: impl Fn(&Path) -> String) -> Result<Vec<File>> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).with_context(|| format!("cannot read {}", shown(p)))?;
        if meta.is_dir() {
            let before = out.len();
            if is_maildir(p) {
                maildir(p, &shown, &mut out)?;
            } else {
                folder(p, &shown, &mut out)?;
            }
            if out.len() == before {
                return Err(crate::util::hint::hint(
                    format!("{} holds no mail or calendar kith can read", shown(p)),
                    "give mbox files, a \
                     Maildir (with cur/ and new/), .eml files or .ics files",
                ));
            }
        } else {
            let format = sniff(p).with_context(|| format!("cannot read {}", shown(p)))?;
            out.push(File {
                path: p.clone(),
                shown: shown(p),
                format,
                size: meta.len(),
            });
        }
    }
    Ok(out)
}

fn is_maildir(p: &Path) -> bool {
    p.join("cur").is_dir() || p.join("new").is_dir()
}

fn sorted_entries(dir: &Path) -> Result<Vec<std::fs::DirEntry>> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .filter_map(std::result::Result::ok)
        .collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    Ok(entries)
}

fn maildir(dir: &Path, shown: &impl Fn(&Path) -> String, out: &mut Vec<File>) -> Result<()> {
    for sub in ["cur", "new"] {
        let d = dir.join(sub);
        if !d.is_dir() {
            continue;
        }
        for e in sorted_entries(&d)? {
            let Ok(meta) = e.metadata() else { continue };
            let name = e.file_name();
            if meta.is_file() && !name.to_string_lossy().starts_with('.') {
                out.push(File {
                    path: e.path(),
                    shown: shown(&e.path()),
                    format: Format::Eml,
                    size: meta.len(),
                });
            }
        }
    }
    // Maildir++ folders (`.Sent`, `.Archive`) inside the Maildir.
    for e in sorted_entries(dir)? {
        let path = e.path();
        if e.file_name().to_string_lossy().starts_with('.') && path.is_dir() && is_maildir(&path) {
            maildir(&path, shown, out)?;
        }
    }
    Ok(())
}

fn folder(dir: &Path, shown: &impl Fn(&Path) -> String, out: &mut Vec<File>) -> Result<()> {
    for e in sorted_entries(dir)? {
        let path = e.path();
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if e.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if meta.is_dir() {
            if is_maildir(&path) {
                maildir(&path, shown, out)?;
            } else {
                folder(&path, shown, out)?;
            }
            continue;
        }
        let ext = extension(&path);
        let format = match ext.as_str() {
            "eml" => Some(Format::Eml),
            "ics" => Some(Format::Ics),
            "mbox" => Some(Format::Mbox),
            // Thunderbird's mailboxes have no extension (and an `.msf` index beside them).
            "" => (sniff(&path).ok() == Some(Format::Mbox)).then_some(Format::Mbox),
            _ => None,
        };
        if let Some(format) = format {
            out.push(File {
                shown: shown(&path),
                path,
                format,
                size: meta.len(),
            });
        }
    }
    Ok(())
}

fn extension(p: &Path) -> String {
    p.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// What a file holds, from its extension, else its first bytes.
fn sniff(p: &Path) -> std::io::Result<Format> {
    match extension(p).as_str() {
        "ics" => return Ok(Format::Ics),
        "eml" => return Ok(Format::Eml),
        _ => {}
    }
    let mut head = [0u8; 16];
    let n = std::fs::File::open(p)?.read(&mut head)?;
    let head = &head[..n];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    Ok(if head.starts_with(b"From ") {
        Format::Mbox
    } else if head.starts_with(b"BEGIN:VCALENDAR") {
        Format::Ics
    } else {
        Format::Eml
    })
}

/// Reads every file: messages and events, and the problems of those that could not be read.
/// `tz` reads floating calendar times; `progress` is told the bytes read as reading goes.
pub fn read(
    files: &[File],
    settings: &Settings,
    tz: &jiff::tz::TimeZone,
    progress: &(dyn Fn(u64) + Sync),
) -> Read {
    let mut out = Read::default();
    // Single messages (a Maildir's files) are parsed in batches too.
    let mut singles: Vec<(Position, Vec<u8>)> = Vec::new();
    let mut single_bytes = 0;
    for f in files {
        if f.format != Format::Eml && !singles.is_empty() {
            push(&mut out, std::mem::take(&mut singles), settings);
            single_bytes = 0;
        }
        let problem = |message: String| Problem {
            at: Position {
                file: f.shown.clone(),
                line: 0,
                number: 0,
                what: "message",
            },
            message,
        };
        let result = match f.format {
            Format::Mbox => read_mbox(f, settings, progress, &mut out),
            Format::Eml => std::fs::read(&f.path).map(|bytes| {
                let at = Position {
                    file: f.shown.clone(),
                    line: 0,
                    number: 0,
                    what: "message",
                };
                single_bytes += bytes.len();
                singles.push((at, bytes));
                if singles.len() >= BATCH || single_bytes >= BATCH_BYTES {
                    push(&mut out, std::mem::take(&mut singles), settings);
                    single_bytes = 0;
                }
                progress(f.size);
            }),
            Format::Ics => std::fs::read(&f.path).map(|bytes| {
                let text = String::from_utf8_lossy(&bytes);
                match calendar::read(&text, &f.shown, tz) {
                    Ok(events) => {
                        for e in events {
                            match e {
                                Ok(m) => out.items.push(Item::Meeting(Box::new(m))),
                                Err(problem) => out.problems.push(problem),
                            }
                        }
                    }
                    Err(message) => out.problems.push(problem(message)),
                }
                progress(f.size);
            }),
        };
        if let Err(e) = result {
            out.problems.push(problem(format!(
                "cannot be read ({e}); what was read before is kept"
            )));
        }
    }
    push(&mut out, singles, settings);
    out
}

fn read_mbox(
    f: &File,
    settings: &Settings,
    progress: &(dyn Fn(u64) + Sync),
    out: &mut Read,
) -> std::io::Result<()> {
    let file = std::fs::File::open(&f.path)?;
    let reader: Box<dyn BufRead> = Box::new(BufReader::with_capacity(1 << 20, file));
    let mut batch: Vec<(Position, Vec<u8>)> = Vec::new();
    let mut bytes = 0;
    for (i, raw) in mbox::Mbox::new(reader).enumerate() {
        let raw = raw?;
        bytes += raw.bytes.len();
        let at = Position {
            file: f.shown.clone(),
            line: raw.line,
            number: i + 1,
            what: "message",
        };
        batch.push((at, raw.bytes));
        if batch.len() >= BATCH || bytes >= BATCH_BYTES {
            progress(bytes as u64);
            push(out, std::mem::take(&mut batch), settings);
            bytes = 0;
        }
    }
    progress(bytes as u64);
    push(out, batch, settings);
    Ok(())
}

/// Parses a batch of messages in parallel, keeping their order.
fn push(out: &mut Read, batch: Vec<(Position, Vec<u8>)>, settings: &Settings) {
    let parsed: Vec<Result<super::Mail, Problem>> = batch
        .into_par_iter()
        .map(|(at, bytes)| {
            mail::read(&bytes, at.clone(), settings).map_err(|message| Problem { at, message })
        })
        .collect();
    for p in parsed {
        match p {
            Ok(m) => out.items.push(Item::Mail(Box::new(m))),
            Err(problem) => out.problems.push(problem),
        }
    }
}
