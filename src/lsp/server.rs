//! The server's state (the workspace, the live index, the open documents) and the dispatch of
//! each message to its handler.

use super::{diagnostics, text, uri};
use crate::record::Kind;
use crate::record::config;
use crate::record::parse::{self, Parsed};
use crate::watch::apply::Live;
use crate::watch::batch::Batch;
use crate::workspace::Workspace;
use crossbeam_channel::Sender;
use lsp_server::{ErrorCode, Message, Notification, Request, Response};
use lsp_types::Uri;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// What an open document is.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Record(Kind, String),
    Config,
    /// Any other file: the server answers its requests with nothing.
    Other,
}

/// A document the client has open: its text stands in for the file.
#[derive(Debug)]
pub struct Doc {
    pub uri: Uri,
    /// Workspace-relative, `/`-separated.
    pub rel: String,
    pub text: String,
    pub version: i32,
    pub target: Target,
    /// The text parsed as the record it is (records only).
    pub parsed: Option<Parsed>,
}

/// Whether the loop goes on.
#[derive(Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Exit,
}

/// A handler's failure: a JSON-RPC error code and a message for the person reading the log.
pub type Failure = (ErrorCode, String);

pub struct Server {
    pub ws: Workspace,
    pub live: Live,
    /// Open documents by URI (as the client spells it).
    pub docs: HashMap<String, Doc>,
    out: Sender<Message>,
    /// Paths whose diagnostics are to be published again.
    pending: BTreeSet<String>,
    /// Paths whose last published diagnostics were not empty.
    shown: BTreeSet<String>,
    shutting_down: bool,
}

/// What the server can do, for `initialize`'s answer.
pub fn capabilities() -> Value {
    use lsp_types::*;
    let caps = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(
                [":", " ", "@", "#", ",", "[", "-"]
                    .map(String::from)
                    .to_vec(),
            ),
            ..Default::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        ..Default::default()
    };
    serde_json::json!({
        "capabilities": caps,
        "serverInfo": { "name": "kith", "version": env!("CARGO_PKG_VERSION") },
    })
}

impl Server {
    pub fn new(ws: Workspace, today: jiff::civil::Date, out: Sender<Message>) -> Server {
        let mut live = Live::new(crate::load::load(&ws), today);
        live.defer = true;
        Server {
            ws,
            live,
            docs: HashMap::new(),
            out,
            pending: BTreeSet::new(),
            shown: BTreeSet::new(),
            shutting_down: false,
        }
    }

    /// Handles one message. A handler that panics answers with an internal error and leaves
    /// the server running.
    pub fn handle(&mut self, msg: Message) -> Flow {
        match msg {
            Message::Request(req) => {
                let id = req.id.clone();
                let method = req.method.clone();
                let result = catch_unwind(AssertUnwindSafe(|| self.request(req)));
                let response = match result {
                    Ok(Ok(value)) => Response::new_ok(id, value),
                    Ok(Err((code, message))) => Response::new_err(id, code as i32, message),
                    Err(_) => Response::new_err(
                        id,
                        ErrorCode::InternalError as i32,
                        format!("kith lsp failed on `{method}`; please report this as a bug"),
                    ),
                };
                self.send(response.into());
                Flow::Continue
            }
            Message::Notification(n) => {
                if n.method == "exit" {
                    return Flow::Exit;
                }
                let method = n.method.clone();
                if catch_unwind(AssertUnwindSafe(|| self.notification(n))).is_err() {
                    eprintln!("kith lsp: failed on `{method}`; please report this as a bug");
                }
                Flow::Continue
            }
            // The server sends no requests, so it expects no responses.
            Message::Response(_) => Flow::Continue,
        }
    }

    fn request(&mut self, req: Request) -> Result<Value, Failure> {
        if self.shutting_down {
            return Err((
                ErrorCode::InvalidRequest,
                "the server is shutting down: send `exit`".into(),
            ));
        }
        let p = req.params;
        match req.method.as_str() {
            "shutdown" => {
                self.shutting_down = true;
                Ok(Value::Null)
            }
            "initialize" => Err((
                ErrorCode::InvalidRequest,
                "the server is already initialized".into(),
            )),
            "textDocument/completion" => reply(super::complete::complete(self, params(p)?)),
            "textDocument/hover" => reply(super::hover::hover(self, params(p)?)),
            "textDocument/definition" => reply(super::navigate::definition(self, params(p)?)),
            "textDocument/references" => reply(super::navigate::references(self, params(p)?)),
            "textDocument/prepareRename" => reply(super::rename::prepare(self, params(p)?)),
            "textDocument/rename" => super::rename::rename(self, params(p)?).and_then(reply),
            "textDocument/codeAction" => reply(super::actions::actions(self, params(p)?)),
            "textDocument/documentSymbol" => reply(super::symbols::document(self, params(p)?)),
            "workspace/symbol" => reply(super::symbols::workspace(self, params(p)?)),
            other => Err((
                ErrorCode::MethodNotFound,
                format!("kith lsp does not handle `{other}`"),
            )),
        }
    }

    fn notification(&mut self, n: Notification) {
        use lsp_types::*;
        let p = n.params;
        match n.method.as_str() {
            "textDocument/didOpen" => {
                if let Ok(p) = params::<DidOpenTextDocumentParams>(p) {
                    let d = p.text_document;
                    self.open(d.uri, d.text, d.version);
                }
            }
            "textDocument/didChange" => {
                if let Ok(p) = params::<DidChangeTextDocumentParams>(p) {
                    self.change(p);
                }
            }
            "textDocument/didSave" => {
                if let Ok(p) = params::<DidSaveTextDocumentParams>(p) {
                    self.saved(&p.text_document.uri);
                }
            }
            "textDocument/didClose" => {
                if let Ok(p) = params::<DidCloseTextDocumentParams>(p) {
                    self.close(&p.text_document.uri);
                }
            }
            // `initialized`, `$/cancelRequest`, settings: nothing to do.
            _ => {}
        }
    }

    pub fn send(&self, msg: Message) {
        // A client that is gone: the reader sees its stdin close and the loop ends.
        let _ = self.out.send(msg);
    }

    /// The target of a path: a record of the workspace, kith.yaml, or anything else.
    pub fn target_of(&self, uri: &Uri) -> (String, Target) {
        let Some(path) = uri::to_path(uri) else {
            return (uri.as_str().to_string(), Target::Other);
        };
        let rel = path
            .strip_prefix(&self.ws.root)
            .or_else(|_| path.strip_prefix(&self.ws.canonical_root))
            .ok()
            .map(|p| p.to_string_lossy().replace('\\', "/"));
        let Some(rel) = rel else {
            return (path.to_string_lossy().into_owned(), Target::Other);
        };
        let target = if rel == config::FILE {
            Target::Config
        } else if let Some((kind, id)) = Kind::of_path(&rel) {
            Target::Record(kind, id.to_string())
        } else {
            Target::Other
        };
        (rel, target)
    }

    fn open(&mut self, uri: Uri, text: String, version: i32) {
        let (rel, target) = self.target_of(&uri);
        let key = uri.as_str().to_string();
        self.docs.insert(
            key.clone(),
            Doc {
                uri,
                rel,
                text,
                version,
                target,
                parsed: None,
            },
        );
        self.reparse(&key);
    }

    fn change(&mut self, p: lsp_types::DidChangeTextDocumentParams) {
        let key = p.text_document.uri.as_str().to_string();
        let Some(doc) = self.docs.get_mut(&key) else {
            // A change to a document that was never opened: open it with what is known.
            if let Some(last) = p.content_changes.into_iter().rfind(|c| c.range.is_none()) {
                self.open(p.text_document.uri, last.text, p.text_document.version);
            }
            return;
        };
        for c in p.content_changes {
            text::apply_change(&mut doc.text, c.range, &c.text);
        }
        doc.version = p.text_document.version;
        self.reparse(&key);
    }

    fn saved(&mut self, uri: &Uri) {
        // kith.yaml's new settings apply once saved (the watcher would see it a moment later).
        if let Some(doc) = self.docs.get(uri.as_str())
            && doc.target == Target::Config
        {
            self.disk_changed(Batch {
                config: true,
                ..Batch::default()
            });
        }
    }

    fn close(&mut self, uri: &Uri) {
        let Some(doc) = self.docs.remove(uri.as_str()) else {
            return;
        };
        // The file on disk is what counts again.
        if let Target::Record(kind, id) = &doc.target {
            let mut batch = Batch::default();
            batch.records.insert((*kind, id.clone()));
            self.disk_changed(batch);
        }
        self.pending.insert(doc.rel);
    }

    /// Parses a document again and puts it in the index in place of its file.
    fn reparse(&mut self, key: &str) {
        let Some(doc) = self.docs.get_mut(key) else {
            return;
        };
        self.pending.insert(doc.rel.clone());
        let Target::Record(kind, id) = doc.target.clone() else {
            return;
        };
        let parsed = parse::parse(
            kind,
            &id,
            &doc.rel,
            doc.text.as_bytes(),
            &self.live.index.config,
        );
        doc.parsed = Some(parsed.clone());
        let before = self.live.diagnostics().to_vec();
        self.live.as_of = self.ws.today().unwrap_or(self.live.as_of);
        self.live.apply(vec![(kind, id, Some(parsed))]);
        self.pending
            .extend(diagnostics::changed_paths(&before, self.live.diagnostics()));
    }

    /// Applies a batch of files changed on disk; open documents keep their text.
    pub fn disk_changed(&mut self, mut batch: Batch) {
        let open: Vec<(Kind, String)> = self
            .docs
            .values()
            .filter_map(|d| match &d.target {
                Target::Record(k, id) => Some((*k, id.clone())),
                _ => None,
            })
            .collect();
        for key in &open {
            batch.records.remove(key);
        }
        if batch.is_empty() {
            return;
        }
        let before = self.live.diagnostics().to_vec();
        let relisted = batch.config || batch.rescan || !batch.folders.is_empty();
        let _ = crate::watch::step(&mut self.ws, &mut self.live, batch);
        // A folder listed again, or every file read again, read the open ones from disk too.
        if relisted {
            let keys: Vec<String> = self
                .docs
                .iter()
                .filter(|(_, d)| matches!(d.target, Target::Record(..)))
                .map(|(k, _)| k.clone())
                .collect();
            for k in keys {
                self.reparse(&k);
            }
        }
        self.pending
            .extend(diagnostics::changed_paths(&before, self.live.diagnostics()));
        if let Some(doc) = self.docs.values().find(|d| d.target == Target::Config) {
            self.pending.insert(doc.rel.clone());
        }
    }

    /// Whether the checks across records wait to be made again ([`Server::settle`]).
    pub fn unsettled(&self) -> bool {
        self.live.unsettled()
    }

    /// Finds the likely duplicates and the missing references of every record again after
    /// changes that may have changed them; the files whose diagnostics changed are published
    /// next. (An open document's own references are checked as it is typed.)
    pub fn settle(&mut self) {
        let before = self.live.diagnostics().to_vec();
        if self.live.settle() {
            self.pending
                .extend(diagnostics::changed_paths(&before, self.live.diagnostics()));
        }
    }

    /// Publishes the diagnostics of every path that may have changed since the last time.
    pub fn publish_pending(&mut self) {
        for rel in std::mem::take(&mut self.pending) {
            let (uri, text, version) = match self.docs.values().find(|d| d.rel == rel) {
                Some(d) => (d.uri.clone(), d.text.clone(), Some(d.version)),
                None => {
                    let path = self.ws.root.join(&rel);
                    let Some(uri) = uri::from_path(&path) else {
                        continue;
                    };
                    let text = std::fs::read_to_string(&path).unwrap_or_default();
                    (uri, text, None)
                }
            };
            let diags = diagnostics::of(self, &rel);
            // Nothing to say about a file that had nothing to show.
            if diags.is_empty() && version.is_none() && !self.shown.contains(&rel) {
                continue;
            }
            if diags.is_empty() {
                self.shown.remove(&rel);
            } else {
                self.shown.insert(rel.clone());
            }
            let params = lsp_types::PublishDiagnosticsParams {
                uri,
                diagnostics: diags
                    .iter()
                    .map(|d| diagnostics::to_lsp(d, &text))
                    .collect(),
                version,
            };
            self.send(Notification::new("textDocument/publishDiagnostics".into(), params).into());
        }
    }

    /// The open document, else the file on disk, of a URI: `None` for a file that is neither.
    pub fn document(&self, uri: &Uri) -> Option<Snapshot> {
        if let Some(d) = self.docs.get(uri.as_str()) {
            return Some(Snapshot {
                rel: d.rel.clone(),
                text: d.text.clone(),
                target: d.target.clone(),
            });
        }
        let (rel, target) = self.target_of(uri);
        if target == Target::Other {
            return None;
        }
        let text = std::fs::read_to_string(uri::to_path(uri)?).ok()?;
        Some(Snapshot { rel, text, target })
    }

    /// A record's text: its open document, else its file.
    pub fn record_text(&self, kind: Kind, id: &str) -> Option<String> {
        let rel = crate::record::layout::rel(kind, id);
        if let Some(d) = self.docs.values().find(|d| d.rel == rel) {
            return Some(d.text.clone());
        }
        std::fs::read_to_string(self.ws.root.join(rel)).ok()
    }

    /// The URI of a workspace-relative path: the open document's, else the file's.
    pub fn uri_of(&self, rel: &str) -> Option<Uri> {
        match self.docs.values().find(|d| d.rel == rel) {
            Some(d) => Some(d.uri.clone()),
            None => uri::from_path(&self.ws.root.join(rel)),
        }
    }
}

/// A document's text at the time of a request.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub rel: String,
    pub text: String,
    pub target: Target,
}

fn params<T: DeserializeOwned>(p: Value) -> Result<T, Failure> {
    serde_json::from_value(p).map_err(|e| (ErrorCode::InvalidParams, format!("{e}")))
}

fn reply<T: serde::Serialize>(value: T) -> Result<Value, Failure> {
    serde_json::to_value(value).map_err(|e| (ErrorCode::InternalError, format!("{e}")))
}
