//! mbox files split into messages while they are read, one message in memory at a time.
//!
//! A message starts at a `From ` line that follows a blank line (or starts the file) and looks
//! like a separator: `From SENDER DATE`, with a time of day and a year in the date, as Gmail
//! Takeout, Thunderbird and Python's `mailbox` write them. A `From ` line inside a body that a
//! writer forgot to quote stays in its message, since prose rarely carries a time and a year.
//! Quoted lines are unquoted the mboxrd way (`>From ` → `From `, `>>From ` → `>From `), which is
//! also right for the mboxo files of most writers.

use std::io::BufRead;

/// One message of an mbox: the line its separator is on, and its bytes (separator left out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raw {
    pub line: u64,
    pub bytes: Vec<u8>,
}

/// The messages of an mbox, in order, read as they are needed.
pub struct Mbox<R> {
    reader: R,
    /// Lines read so far.
    line: u64,
    /// The message being read: its separator's line and its bytes.
    current: Option<Raw>,
    /// Whether the last line read was blank (or nothing was read yet).
    after_blank: bool,
    buf: Vec<u8>,
    done: bool,
}

impl<R: BufRead> Mbox<R> {
    pub fn new(reader: R) -> Mbox<R> {
        Mbox {
            reader,
            line: 0,
            current: None,
            after_blank: true,
            buf: Vec::with_capacity(256),
            done: false,
        }
    }
}

impl<R: BufRead> Iterator for Mbox<R> {
    type Item = std::io::Result<Raw>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        loop {
            self.buf.clear();
            match self.reader.read_until(b'\n', &mut self.buf) {
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
                Ok(0) => {
                    self.done = true;
                    return self.current.take().map(|m| Ok(finish(m)));
                }
                Ok(_) => {}
            }
            self.line += 1;
            let line = self.buf.as_slice();
            let blank = line.iter().all(|b| b.is_ascii_whitespace());
            if self.after_blank && is_separator(line) {
                self.after_blank = false;
                let next = Raw {
                    line: self.line,
                    bytes: Vec::new(),
                };
                if let Some(done) = self.current.replace(next) {
                    return Some(Ok(finish(done)));
                }
                continue;
            }
            self.after_blank = blank;
            let current = self.current.get_or_insert_with(|| Raw {
                line: 1,
                bytes: Vec::new(),
            });
            let quoted = line.iter().position(|&b| b != b'>').unwrap_or(line.len());
            if quoted > 0 && line[quoted..].starts_with(b"From ") {
                current.bytes.extend_from_slice(&line[1..]);
            } else {
                current.bytes.extend_from_slice(line);
            }
        }
    }
}

/// A message without the blank line an mbox writer puts before the next separator.
fn finish(mut m: Raw) -> Raw {
    if m.bytes.ends_with(b"\n\n") {
        m.bytes.pop();
    } else if m.bytes.ends_with(b"\r\n\r\n") {
        m.bytes.truncate(m.bytes.len() - 2);
    }
    m
}

/// Whether a line is an mbox separator: `From `, a sender word, then a date with a time of
/// day (`10:00`) and a four-digit year.
pub fn is_separator(line: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(b"From ") else {
        return false;
    };
    let mut words = rest
        .split(|b| b.is_ascii_whitespace())
        .filter(|w| !w.is_empty());
    if words.next().is_none() {
        return false;
    }
    let (mut time, mut year) = (false, false);
    for w in words {
        let digits = |w: &[u8]| w.iter().all(u8::is_ascii_digit);
        time |= w.len() >= 5 && w[2] == b':' && digits(&w[..2]) && digits(&w[3..5]);
        year |= w.len() == 4 && digits(w);
    }
    time && year
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<(u64, String)> {
        Mbox::new(text.as_bytes())
            .map(|r| {
                let r = r.unwrap();
                (r.line, String::from_utf8(r.bytes).unwrap())
            })
            .collect()
    }

    #[test]
    fn splits_at_separators_and_unquotes() {
        let text = "From MAILER-DAEMON Thu Nov 20 10:00:00 2026\nSubject: a\n\nhi\n>From here\n\
                    >>From there\n\nFrom - Fri Nov 21 09:30:00 2026\nSubject: b\n\nyo\n";
        assert_eq!(
            split(text),
            vec![
                (1, "Subject: a\n\nhi\nFrom here\n>From there\n".to_string()),
                (8, "Subject: b\n\nyo\n".to_string()),
            ]
        );
    }

    #[test]
    fn unquoted_from_lines_in_bodies_stay() {
        let text = "From a@b.example Thu Nov 20 10:00:00 2026\nSubject: a\n\nhi\n\n\
                    From my point of view, this is fine.\n\nbye\n";
        let got = split(text);
        assert_eq!(got.len(), 1);
        assert!(got[0].1.contains("From my point of view"));
    }

    #[test]
    fn a_truncated_file_ends_its_last_message() {
        let got = split("From a Thu Nov 20 10:00:00 2026\nSubject: cut\n\nhalf a li");
        assert_eq!(got, vec![(1, "Subject: cut\n\nhalf a li".to_string())]);
        assert!(split("").is_empty());
    }

    #[test]
    fn separators_need_a_time_and_a_year() {
        assert!(is_separator(
            b"From 1781@xxx Tue Nov 20 10:00:00 +0000 2026\n"
        ));
        assert!(is_separator(b"From - Mon Nov 20 10:00:00 2026\r\n"));
        assert!(!is_separator(b"From the desk of Ada, 2026\n"));
        assert!(!is_separator(b"From: a@b\n"));
    }
}
