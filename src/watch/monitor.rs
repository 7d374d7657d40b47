//! The monitor that `kith watch`, `kith serve` and `kith lsp` run beside their watcher, so
//! that other kith commands in the same workspace need not stamp every record file to trust
//! the cache (the protocol and the rules are in [`crate::load::cache::monitor`]).
//!
//! Its own native watcher, not debounced (a question waits for its cookie, and a debounce
//! would make every question wait): the root, not recursively (record folders made, removed
//! or renamed; kith.yaml), `.kith/monitor/` (the cookies) and every record folder,
//! recursively. Any event in a record folder or at the root but for `.git` and `.kith` counts
//! as a change; so does a lost event (the kernel's queue overflowed). A folder that cannot be
//! watched, or any error of the watcher, makes the monitor blind: from then on it answers
//! "changed" to every question, and commands stamp every file as they would without it. No
//! monitor runs on a network or FUSE file system, where changes made elsewhere raise no
//! event.

use crate::load::cache::monitor::{self as protocol, Token, WAIT};
use crate::record::Kind;
use crate::workspace::Workspace;
use notify_debouncer_full::notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind};
use notify_debouncer_full::notify::{
    self, Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher,
};
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

/// Cookies seen and never asked about (their command died between making the cookie and
/// asking) are forgotten past this many.
const MAX_COOKIES: usize = 10_000;

/// A running monitor. Dropping it removes its socket; its threads end with the process.
pub struct Monitor {
    socket: PathBuf,
    ino: u64,
}

impl Drop for Monitor {
    fn drop(&mut self) {
        // Only our own socket: another monitor may have replaced it since.
        use std::os::unix::fs::MetadataExt;
        if std::fs::symlink_metadata(&self.socket).is_ok_and(|m| m.ino() == self.ino) {
            let _ = std::fs::remove_file(&self.socket);
        }
    }
}

struct State {
    changes: u64,
    /// The monitor may have missed a change: every answer is "changed".
    blind: bool,
    cookies: HashSet<String>,
}

struct Shared {
    instance: u128,
    state: Mutex<State>,
    seen: Condvar,
}

impl Shared {
    fn update(&self, f: impl FnOnce(&mut State)) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut state);
        drop(state);
        self.seen.notify_all();
    }
}

/// Starts the workspace's monitor, unless another kith process runs one (or it cannot start:
/// then commands stamp every file, as without it). Says why on `KITH_TRACE`.
pub fn start(ws: &Workspace) -> Option<Monitor> {
    match try_start(ws) {
        Ok(m) => m,
        Err(e) => {
            trace(&format!("not started: {e}"));
            None
        }
    }
}

/// Starts the monitor when this process has none and no other kith process answers: called
/// after each batch, so that when the process that ran it stops (an editor closed), a
/// watcher still running takes over.
pub fn keep(monitor: &mut Option<Monitor>, ws: &Workspace) {
    if monitor.is_none() {
        *monitor = start(ws);
    }
}

fn try_start(ws: &Workspace) -> std::io::Result<Option<Monitor>> {
    let root = ws.root.clone();
    // Another machine's change to a network drive raises no event here: as git's fsmonitor,
    // no monitor there (the watcher itself wants `--poll` there).
    if Kind::ALL
        .iter()
        .map(|k| ws.dir(*k))
        .chain([root.clone()])
        .filter(|d| d.exists())
        .any(|d| crate::util::files::is_remote_fs(&d))
    {
        trace("not started: the workspace is on a network or FUSE file system");
        return Ok(None);
    }
    crate::util::files::state_dir(&root)?;
    let dir = protocol::dir(&root);
    std::fs::create_dir_all(&dir)?;
    let socket = protocol::socket(&root);
    if UnixStream::connect(&socket).is_ok() {
        trace("another kith process runs the monitor");
        return Ok(None);
    }
    let _ = std::fs::remove_file(&socket);
    let listener = UnixListener::bind(&socket)?;
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&socket, std::fs::Permissions::from_mode(0o600))?;
    }
    let ino = {
        use std::os::unix::fs::MetadataExt;
        std::fs::symlink_metadata(&socket)?.ino()
    };
    let monitor = Monitor { socket, ino };
    let shared = Arc::new(Shared {
        instance: instance(&root),
        state: Mutex::new(State {
            changes: 0,
            blind: false,
            cookies: HashSet::new(),
        }),
        seen: Condvar::new(),
    });
    // Every watch is in place before the first question is answered.
    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx).map_err(std::io::Error::other)?;
    let watch = |w: &mut RecommendedWatcher, p: &Path, mode| {
        w.watch(p, mode)
            .map_err(|e| std::io::Error::other(format!("cannot watch {}: {e}", p.display())))
    };
    watch(&mut watcher, &root, RecursiveMode::NonRecursive)?;
    watch(&mut watcher, &dir, RecursiveMode::NonRecursive)?;
    for kind in Kind::ALL {
        let folder = ws.dir(kind);
        if folder.is_dir() {
            watch(&mut watcher, &folder, RecursiveMode::Recursive)?;
        }
    }
    let events = Arc::clone(&shared);
    std::thread::Builder::new()
        .name("kith-monitor-events".into())
        .spawn(move || follow(&root, watcher, &rx, &events))?;
    std::thread::Builder::new()
        .name("kith-monitor".into())
        .spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = Arc::clone(&shared);
                let _ = std::thread::Builder::new()
                    .name("kith-monitor-answer".into())
                    .spawn(move || answer(stream, &shared));
            }
        })?;
    trace("started");
    Ok(Some(monitor))
}

/// This run of the monitor, unlike any other.
fn instance(root: &Path) -> u128 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let text = format!("{}:{now}:{}", std::process::id(), root.display());
    xxhash_rust::xxh3::xxh3_128(text.as_bytes())
}

/// Counts the changes the watcher reports, and the cookies, until the watcher stops.
fn follow(
    root: &Path,
    mut watcher: RecommendedWatcher,
    rx: &Receiver<notify::Result<Event>>,
    shared: &Shared,
) {
    for result in rx {
        let event = match result {
            Ok(event) => event,
            Err(e) => {
                trace(&format!("blind from now on: {e}"));
                shared.update(|s| s.blind = true);
                continue;
            }
        };
        if event.need_rescan() {
            shared.update(|s| s.changes += 1);
            continue;
        }
        if matches!(event.kind, EventKind::Access(a) if a != AccessKind::Close(AccessMode::Write)) {
            continue;
        }
        for path in &event.paths {
            match what(root, path) {
                Seen::Nothing => {}
                Seen::Cookie(name) => {
                    if matches!(event.kind, EventKind::Create(_)) {
                        shared.update(|s| {
                            if s.cookies.len() >= MAX_COOKIES {
                                s.cookies.clear();
                            }
                            s.cookies.insert(name);
                        });
                    }
                }
                Seen::Change => {
                    // A folder made or moved in is watched before any later question is
                    // answered: its files may change from now on. (The watcher adds such
                    // watches itself, but only after the events it is reading.)
                    let arrived = matches!(
                        event.kind,
                        EventKind::Create(CreateKind::Folder | CreateKind::Any)
                            | EventKind::Modify(ModifyKind::Name(_))
                    );
                    let mut blind = false;
                    if arrived
                        && in_record_folder(root, path)
                        && path.is_dir()
                        && let Err(e) = watcher.watch(path, RecursiveMode::Recursive)
                    {
                        trace(&format!(
                            "blind from now on: cannot watch {}: {e}",
                            path.display()
                        ));
                        blind = true;
                    }
                    shared.update(|s| {
                        s.changes += 1;
                        s.blind |= blind;
                    });
                }
            }
        }
    }
}

/// What an event on a path means to the monitor.
#[derive(Debug, PartialEq)]
enum Seen {
    Nothing,
    Cookie(String),
    Change,
}

fn what(root: &Path, path: &Path) -> Seen {
    let Ok(rel) = path.strip_prefix(root) else {
        return Seen::Change;
    };
    let mut parts = rel.components();
    match parts.next() {
        Some(Component::Normal(first)) if first == ".git" => Seen::Nothing,
        Some(Component::Normal(first)) if first == ".kith" => {
            let (Some(Component::Normal(sub)), Some(Component::Normal(name)), None) =
                (parts.next(), parts.next(), parts.next())
            else {
                return Seen::Nothing;
            };
            match name.to_str() {
                Some(name) if sub == "monitor" && name.starts_with("cookie-") => {
                    Seen::Cookie(name.to_string())
                }
                _ => Seen::Nothing,
            }
        }
        _ => Seen::Change,
    }
}

/// Whether `path` is a record folder or in one.
fn in_record_folder(root: &Path, path: &Path) -> bool {
    let first = path
        .strip_prefix(root)
        .ok()
        .and_then(|r| r.components().next());
    Kind::ALL
        .iter()
        .any(|k| first == Some(Component::Normal(k.dir().as_ref())))
}

/// Answers one question: `since TOKEN COOKIE`, once the cookie was seen.
fn answer(stream: UnixStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(WAIT));
    let _ = stream.set_write_timeout(Some(WAIT));
    let mut line = String::new();
    if BufReader::new(&stream).read_line(&mut line).is_err() {
        return;
    }
    let mut words = line.split_whitespace();
    let (Some("since"), Some(since), Some(cookie)) = (words.next(), words.next(), words.next())
    else {
        return;
    };
    let since = Token::parse(since);
    let deadline = Instant::now() + WAIT;
    let mut state = shared.state.lock().unwrap_or_else(|e| e.into_inner());
    while !state.cookies.remove(cookie) {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return;
        }
        state = shared
            .seen
            .wait_timeout(state, left)
            .unwrap_or_else(|e| e.into_inner())
            .0;
    }
    let now = Token {
        instance: shared.instance,
        changes: state.changes,
    };
    let unchanged = !state.blind && since == Some(now);
    drop(state);
    let word = if unchanged { "unchanged" } else { "changed" };
    let _ = writeln!(&stream, "{} {word}", now.render());
}

fn trace(msg: &str) {
    crate::load::cache::trace(&format!("monitor: {msg}"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_record_files_and_the_root_count_and_cookies_are_told_apart() {
        let root = Path::new("/ws");
        let at = |p: &str| what(root, &root.join(p));
        assert_eq!(at("contacts/ada.md"), Seen::Change);
        assert_eq!(at("contacts/3f/a/ada.md"), Seen::Change);
        assert_eq!(at("kith.yaml"), Seen::Change);
        assert_eq!(at("deals"), Seen::Change);
        assert_eq!(at(".git"), Seen::Nothing);
        assert_eq!(at(".kith"), Seen::Nothing);
        assert_eq!(at(".kith/cache/records.bin"), Seen::Nothing);
        assert_eq!(at(".kith/monitor/socket"), Seen::Nothing);
        assert_eq!(
            at(".kith/monitor/cookie-12-0"),
            Seen::Cookie("cookie-12-0".into())
        );
        assert_eq!(what(root, Path::new("/elsewhere/x.md")), Seen::Change);
    }
}
