//! `kith lsp`: a language server over stdio that puts the workspace's index in the editor:
//! diagnostics as you type (those of `kith check`), completion, hover, go to definition,
//! references, rename, code actions and symbols.
//!
//! Synchronous, like rust-analyzer's `lsp-server` crate it is built on: one thread handles
//! every message in order, over the same live index `kith watch` keeps ([`crate::watch`]).
//! Open documents stand in for their files; the watcher's batches bring in what changes on
//! disk. The server never writes a file: every change it proposes is an edit the client
//! applies.

pub mod actions;
pub mod complete;
pub mod context;
pub mod diagnostics;
pub mod hover;
pub mod navigate;
pub mod rename;
pub mod server;
pub mod symbols;
pub mod text;
pub mod transport;
pub mod uri;

use crate::watch::batch::Batch;
use crate::workspace::Workspace;
use anyhow::Result;
use crossbeam_channel::{Receiver, select};
use lsp_server::{ErrorCode, Message, Request, Response};
use server::Server;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long the client must be quiet before the likely duplicates are found again.
const SETTLE: Duration = Duration::from_millis(300);

/// Options of `kith lsp`.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Poll the files instead of native notification.
    pub poll: bool,
}

/// Serves one client over stdin and stdout until it sends `exit` or closes stdin.
pub fn run(start: &Path, options: Options) -> Result<()> {
    // The server reads; only the client writes (through the edits it applies).
    crate::load::cache::read_only();
    let (out, input, threads) = transport::stdio()?;
    let outcome = serve(start, &options, &out, &input);
    drop(out);
    threads.join();
    outcome
}

fn serve(
    start: &Path,
    options: &Options,
    out: &crossbeam_channel::Sender<Message>,
    input: &Receiver<Message>,
) -> Result<()> {
    let Some((id, params)) = initialize_request(out, input) else {
        return Ok(());
    };
    let root = root_of(&params).unwrap_or_else(|| start.to_path_buf());
    let opened = Workspace::discover(&root).and_then(|ws| {
        let today = ws.today()?;
        Ok((ws, today))
    });
    let (ws, today) = match opened {
        Ok(found) => found,
        Err(e) => {
            let _ = out.send(
                Response::new_err(
                    id,
                    ErrorCode::RequestFailed as i32,
                    crate::util::hint::as_lines(&e),
                )
                .into(),
            );
            return wait_for_exit(input);
        }
    };
    let mut batches = watch(&ws.root, options.poll);
    let mut server = Server::new(ws, today, out.clone());
    let _ = out.send(Response::new_ok(id, server::capabilities()).into());
    loop {
        // Likely duplicates are found again once the client has been quiet for a moment: it
        // takes long enough at 100,000 records to be felt between keystrokes.
        let pause = if server.unsettled() {
            crossbeam_channel::after(SETTLE)
        } else {
            crossbeam_channel::never()
        };
        select! {
            recv(pause) -> _ => server.settle(),
            recv(input) -> msg => match msg {
                // The client went away without `exit`.
                Err(_) => return Ok(()),
                Ok(msg) => {
                    if server.handle(msg) == server::Flow::Exit {
                        return Ok(());
                    }
                }
            },
            recv(batches) -> batch => match batch {
                Ok(batch) => server.disk_changed(batch),
                // The watcher stopped (or never started): stop asking it.
                Err(_) => batches = crossbeam_channel::never(),
            },
        }
        // Diagnostics wait until every message that has arrived is handled: a burst of
        // keystrokes is checked once.
        if input.is_empty() {
            server.publish_pending();
        }
    }
}

/// Waits for `initialize`, answering any other request with "not initialized"; `None` when
/// the client leaves first.
fn initialize_request(
    out: &crossbeam_channel::Sender<Message>,
    input: &Receiver<Message>,
) -> Option<(lsp_server::RequestId, serde_json::Value)> {
    for msg in input {
        match msg {
            Message::Request(Request { id, method, params }) if method == "initialize" => {
                return Some((id, params));
            }
            Message::Request(r) => {
                let _ = out.send(
                    Response::new_err(
                        r.id,
                        ErrorCode::ServerNotInitialized as i32,
                        "the server is not initialized yet: send `initialize` first".into(),
                    )
                    .into(),
                );
            }
            Message::Notification(n) if n.method == "exit" => return None,
            _ => {}
        }
    }
    None
}

fn wait_for_exit(input: &Receiver<Message>) -> Result<()> {
    for msg in input {
        if matches!(&msg, Message::Notification(n) if n.method == "exit") {
            break;
        }
    }
    Ok(())
}

/// The folder the client opened: `rootUri`, else the first workspace folder, else `rootPath`.
fn root_of(params: &serde_json::Value) -> Option<PathBuf> {
    let uri = |v: &serde_json::Value| {
        let s = v.as_str()?;
        uri::to_path(&s.parse().ok()?)
    };
    uri(&params["rootUri"])
        .or_else(|| uri(&params["workspaceFolders"][0]["uri"]))
        .or_else(|| params["rootPath"].as_str().map(PathBuf::from))
}

/// Follows the workspace's files on a thread of its own; batches arrive on the receiver. The
/// watch is in place when this returns, so a change made after `initialize` is answered is
/// seen. A watcher that cannot start says so on stderr, and the server goes on without it.
fn watch(root: &Path, poll: bool) -> Receiver<Batch> {
    let (tx, rx) = crossbeam_channel::unbounded();
    let debounce = Duration::from_millis(50);
    let started = Workspace::open(root).and_then(|ws| {
        Ok((
            crate::watch::source::Source::start(root, poll, debounce)?,
            ws,
        ))
    });
    let (mut source, ws) = match started {
        Ok(s) => s,
        Err(e) => {
            eprintln!("kith lsp: files changed on disk will not be seen: {e:#}");
            return rx;
        }
    };
    let monitor = (!poll).then(|| crate::watch::monitor::start(&ws)).flatten();
    let spawned = std::thread::Builder::new()
        .name("kith-lsp-watch".into())
        .spawn(move || {
            // Kept as long as the server follows the files.
            let mut monitor = monitor;
            while let Some((batch, errors)) = source.next_batch(&ws, debounce) {
                for e in errors {
                    eprintln!("kith lsp: {e}");
                }
                if !poll {
                    crate::watch::monitor::keep(&mut monitor, &ws);
                }
                for kind in &batch.folders {
                    source.follow(&ws.dir(*kind));
                }
                if batch.rescan {
                    for dir in crate::watch::source::FOLDERS {
                        source.follow(&ws.root.join(dir));
                    }
                }
                if !batch.is_empty() && tx.send(batch).is_err() {
                    return;
                }
            }
        });
    if let Err(e) = spawned {
        eprintln!("kith lsp: files changed on disk will not be seen: {e}");
    }
    rx
}
