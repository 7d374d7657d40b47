//! A running watcher's word that no record file changed, so that a warm command need not stamp
//! every file: what git's fsmonitor does for `git status`.
//!
//! `kith watch`, `kith serve` and `kith lsp` (each unless it polls, and not on a network file
//! system) run a monitor (`crate::watch::monitor`): native notification on the record folders,
//! and a Unix socket at `.kith/monitor/socket`. It counts the changes it sees; the count, with the monitor's
//! instance, is a [`Token`].
//!
//! - When a command has stamped every file and found the cache current, it writes a
//!   [`Vouch`]: the token it was given *before* it looked, the records cache it checked (by its
//!   stamp) and the key of that state.
//! - The next command asks the monitor whether anything changed since that token. Before it
//!   answers, the monitor waits until it has seen the creation of a file the command made
//!   (a cookie, in `.kith/monitor/`): every change made before the question is then counted.
//!   No change: the vouched state still holds, without a look at any record file. A change, a
//!   lost event, another monitor, no answer within [`WAIT`]: the command stamps every file as
//!   it would with no monitor.
//!
//! So a monitor can only spare work, never make kith believe a stale cache. Dry runs never ask
//! (asking writes the cookie). `KITH_NO_MONITOR=1` turns it off for a command.

use crate::util::stamp::Stamp;
use crate::workspace::Workspace;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a command waits for the monitor's answer before it stamps every file instead.
pub const WAIT: Duration = Duration::from_millis(500);

/// The monitor's folder: its socket and the cookies.
pub fn dir(root: &Path) -> PathBuf {
    root.join(".kith").join("monitor")
}

/// The monitor's socket.
pub fn socket(root: &Path) -> PathBuf {
    dir(root).join("socket")
}

/// A point in a monitor's count of changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Which run of a monitor: a count means nothing to another.
    pub instance: u128,
    pub changes: u64,
}

impl Token {
    pub fn render(&self) -> String {
        format!("{:032x}:{}", self.instance, self.changes)
    }

    pub fn parse(s: &str) -> Option<Token> {
        let (instance, changes) = s.split_once(':')?;
        Some(Token {
            instance: u128::from_str_radix(instance, 16).ok()?,
            changes: changes.parse().ok()?,
        })
    }
}

/// What the monitor answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Nothing changed since the token asked about; here is the current one.
    Unchanged(Token),
    /// Something changed (or the token was another monitor's); here is the current one.
    Changed(Token),
}

impl Answer {
    /// The monitor's current count, whatever the answer.
    pub fn token(self) -> Token {
        match self {
            Answer::Unchanged(t) | Answer::Changed(t) => t,
        }
    }
}

/// Asks the workspace's monitor what changed since `since` (or only for the current token).
/// `None` when no monitor answers in time: the caller looks at the files itself.
pub fn ask(ws: &Workspace, since: Option<Token>) -> Option<Answer> {
    if super::READ_ONLY.load(std::sync::atomic::Ordering::Relaxed)
        || std::env::var_os("KITH_NO_MONITOR").is_some()
    {
        return None;
    }
    let mut stream = std::os::unix::net::UnixStream::connect(socket(&ws.root)).ok()?;
    stream.set_read_timeout(Some(WAIT)).ok()?;
    stream.set_write_timeout(Some(WAIT)).ok()?;
    let cookie = Cookie::new(&ws.root)?;
    let since = since.map_or_else(|| "-".to_string(), |t| t.render());
    writeln!(stream, "since {since} {}", cookie.name).ok()?;
    let mut line = String::new();
    BufReader::new(&stream).read_line(&mut line).ok()?;
    drop(cookie);
    let answer = parse_answer(line.trim_end());
    super::trace(&format!("the monitor answered {answer:?}"));
    answer
}

fn parse_answer(line: &str) -> Option<Answer> {
    let (token, word) = line.split_once(' ')?;
    let token = Token::parse(token)?;
    match word {
        "unchanged" => Some(Answer::Unchanged(token)),
        "changed" => Some(Answer::Changed(token)),
        _ => None,
    }
}

/// The file a question makes in the monitor's folder, deleted once answered.
struct Cookie {
    path: PathBuf,
    name: String,
}

impl Cookie {
    fn new(root: &Path) -> Option<Cookie> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let name = format!(
            "cookie-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let path = dir(root).join(&name);
        std::fs::File::create(&path).ok()?;
        Some(Cookie { path, name })
    }
}

impl Drop for Cookie {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// What a command that stamped every file leaves for the next one: as of `token`, the records
/// cache with stamp `records` was current, and the workspace's key was `key`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vouch {
    pub config: u128,
    pub records: Stamp,
    pub token: Token,
    pub key: u128,
}

const VOUCH_FORMAT: &str = "kith-vouch-1";

impl Vouch {
    fn path(ws: &Workspace) -> PathBuf {
        super::dir(ws).join("vouched")
    }

    /// The stored vouch, if it was written for `config` (this kith and this kith.yaml).
    pub fn read(ws: &Workspace, config: u128) -> Option<Vouch> {
        let text = std::fs::read_to_string(Self::path(ws)).ok()?;
        let v = Self::parse(text.trim_end())?;
        (v.config == config).then_some(v)
    }

    fn parse(line: &str) -> Option<Vouch> {
        let f: Vec<&str> = line.split(' ').collect();
        let [format, config, size, mtime, ctime, ino, token, key] = f[..] else {
            return None;
        };
        if format != VOUCH_FORMAT {
            return None;
        }
        Some(Vouch {
            config: u128::from_str_radix(config, 16).ok()?,
            records: Stamp {
                size: size.parse().ok()?,
                mtime: mtime.parse().ok()?,
                ctime: ctime.parse().ok()?,
                ino: ino.parse().ok()?,
            },
            token: Token::parse(token)?,
            key: u128::from_str_radix(key, 16).ok()?,
        })
    }

    fn render(&self) -> String {
        let s = &self.records;
        format!(
            "{VOUCH_FORMAT} {:032x} {} {} {} {} {} {:032x}\n",
            self.config,
            s.size,
            s.mtime,
            s.ctime,
            s.ino,
            self.token.render(),
            self.key
        )
    }

    pub fn write(&self, ws: &Workspace) {
        if Self::read(ws, self.config) == Some(*self) {
            return;
        }
        if let Err(e) = super::write_atomic(&Self::path(ws), &[self.render().as_bytes()]) {
            super::trace(&format!("vouch not written: {e}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_answers_and_vouches_read_back_as_written() {
        let t = Token {
            instance: 0xfeed_0000_0000_0000_0000_0000_0000_beef,
            changes: 42,
        };
        assert_eq!(Token::parse(&t.render()), Some(t));
        assert_eq!(
            parse_answer(&format!("{} unchanged", t.render())),
            Some(Answer::Unchanged(t))
        );
        assert_eq!(
            parse_answer(&format!("{} changed", t.render())),
            Some(Answer::Changed(t))
        );
        assert_eq!(parse_answer("- unknown"), None);
        let v = Vouch {
            config: 7,
            records: Stamp {
                size: 1,
                mtime: -2,
                ctime: 3,
                ino: 4,
            },
            token: t,
            key: u128::MAX,
        };
        assert_eq!(Vouch::parse(v.render().trim_end()), Some(v));
        assert_eq!(Vouch::parse("kith-vouch-0 1 2 3 4 5 0:1 6"), None);
    }
}
