//! `kith lsp`: the real binary driven over stdio with JSON-RPC messages, as an editor does.

use crate::harness::*;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// How long a test waits for an answer before it fails.
const PATIENCE: Duration = Duration::from_secs(20);

/// A language client: sends requests and notifications, and keeps the server's messages.
pub struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    /// Notifications received while waiting for something else.
    pub seen: Vec<Value>,
    next_id: i64,
    pub root: std::path::PathBuf,
}

/// Frames one message as the protocol does: a `Content-Length` header, a blank line, the JSON.
pub fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

fn read_frame(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            len = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; len?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    /// Starts `kith lsp` in the workspace, without initializing it.
    pub fn spawn(root: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kith"))
            .arg("lsp")
            .current_dir(root)
            .envs(pinned_clock())
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start kith lsp");
        let stdout = child.stdout.take().unwrap();
        let (tx, messages) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(v) = read_frame(&mut r) {
                if tx.send(v).is_err() {
                    break;
                }
            }
        });
        Client {
            stdin: child.stdin.take(),
            child,
            messages,
            seen: Vec::new(),
            next_id: 1,
            root: root.to_path_buf(),
        }
    }

    /// Starts `kith lsp` and initializes it with the workspace as its root.
    pub fn start(root: &Path) -> Client {
        let mut c = Client::spawn(root);
        let uri = format!("file://{}", root.display());
        let init = c.request(
            "initialize",
            json!({ "processId": null, "rootUri": uri, "capabilities": {} }),
        );
        assert!(
            init["result"]["capabilities"]["hoverProvider"]
                .as_bool()
                .unwrap(),
            "{init}"
        );
        c.notify("initialized", json!({}));
        c
    }

    pub fn uri(&self, rel: &str) -> String {
        format!("file://{}/{rel}", self.root.display())
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        let msg = json!({ "jsonrpc": "2.0", "method": method, "params": params });
        self.send_raw(&frame(&msg.to_string()));
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    #[track_caller]
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let msg = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params });
        self.send_raw(&frame(&msg.to_string()));
        self.wait(|m| m["id"] == json!(id) && m.get("method").is_none())
    }

    /// The result of a request that must succeed.
    #[track_caller]
    pub fn result(&mut self, method: &str, params: Value) -> Value {
        let r = self.request(method, params);
        assert!(r.get("error").is_none(), "{method} failed: {r}");
        r["result"].clone()
    }

    /// Waits for a message the predicate accepts; the others are kept in `seen`.
    #[track_caller]
    pub fn wait(&mut self, want: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.seen.iter().position(&want) {
            return self.seen.remove(i);
        }
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(m) if want(&m) => return m,
                Ok(m) => self.seen.push(m),
                Err(RecvTimeoutError::Timeout) => panic!("no such message; got {:#?}", self.seen),
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the server stopped; got {:#?}", self.seen)
                }
            }
        }
    }

    /// Waits for the diagnostics of `rel` that the predicate accepts (earlier ones for the same
    /// file are dropped).
    #[track_caller]
    pub fn diagnostics(&mut self, rel: &str, want: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let uri = self.uri(rel);
        let m = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == json!(uri)
                && want(m["params"]["diagnostics"].as_array().unwrap())
        });
        m["params"]["diagnostics"].as_array().unwrap().clone()
    }

    pub fn open(&mut self, rel: &str, text: &str) {
        let uri = self.uri(rel);
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "markdown", "version": 1, "text": text } }),
        );
    }

    pub fn change(&mut self, rel: &str, version: i32, text: &str) {
        let uri = self.uri(rel);
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
        );
    }

    /// `{textDocument, position}` at the first `needle` in `text`, `plus` characters into it.
    pub fn at(&self, rel: &str, text: &str, needle: &str, plus: usize) -> Value {
        let i = text.find(needle).unwrap_or_else(|| panic!("no `{needle}`")) + plus;
        let line = text[..i].matches('\n').count();
        let col = text[..i].rsplit('\n').next().unwrap().chars().count();
        json!({ "textDocument": { "uri": self.uri(rel) }, "position": { "line": line, "character": col } })
    }

    /// Shuts the server down as an editor does, and checks that it exits with 0.
    pub fn shutdown(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null, "{r}");
        self.notify("exit", Value::Null);
        drop(self.stdin.take());
        self.exits_with(0);
    }

    #[track_caller]
    pub fn exits_with(mut self, code: i32) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert_eq!(status.code(), Some(code));
                return;
            }
            assert!(Instant::now() < deadline, "kith lsp did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn close_stdin(&mut self) {
        drop(self.stdin.take());
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn codes(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

const NADIA: &str = "contacts/nadia-haddad.md";

#[test]
fn diagnostics_follow_the_unsaved_buffer() {
    let ws = Ws::example();
    let mut c = Client::start(ws.path());
    let text = ws.read(NADIA);
    c.open(NADIA, &text);
    assert!(c.diagnostics(NADIA, |_| true).is_empty());
    // A mistyped company and an unknown stage, as typed and not saved.
    let typo = text
        .replace("company: calder-mutual", "company: calder-mutul")
        .replace("lifecycle: evangelist", "lifecycle: evangelst");
    c.change(NADIA, 2, &typo);
    let diags = c.diagnostics(NADIA, |d| !d.is_empty());
    assert_eq!(
        codes(&diags),
        ["missing-reference", "unknown-stage"],
        "{diags:#?}"
    );
    let missing = &diags[0];
    assert_eq!(
        missing["message"],
        "`company` refers to company `calder-mutul`, but companies/calder-mutual.md does not exist\nhelp: did you mean `calder-mutual`?"
            .replace("calder-mutual.md", "calder-mutul.md")
    );
    assert_eq!(missing["severity"], 1);
    assert_eq!(missing["source"], "kith");
    assert_eq!(
        missing["range"]["start"],
        json!({ "line": 3, "character": 9 })
    );
    assert_eq!(
        missing["range"]["end"],
        json!({ "line": 3, "character": 21 })
    );
    // Fixed in the buffer: the diagnostics go away, though nothing was saved.
    c.change(NADIA, 3, &text);
    assert!(c.diagnostics(NADIA, |d| d.is_empty()).is_empty());
    ws.assert_untouched();
    c.shutdown();
}

#[test]
fn a_change_updates_the_records_it_affects() {
    let ws = Ws::example();
    let mut c = Client::start(ws.path());
    let text = ws.read(NADIA);
    c.open(NADIA, &text);
    c.diagnostics(NADIA, |_| true);
    // Nadia now has Dana's address: a likely duplicate, said on one of the two files.
    let dup = text.replace(
        "nadia.haddad@caldermutual.example",
        "dana.whitfield@kestrelhealth.example",
    );
    c.change(NADIA, 2, &dup);
    let m = c.wait(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["code"] == "likely-duplicate")
    });
    let flagged = m["params"]["uri"].as_str().unwrap().to_string();
    assert!(
        flagged.ends_with("contacts/dana-whitfield.md") || flagged.ends_with(NADIA),
        "{flagged}"
    );
    // Undone: the warning goes from that file too.
    c.change(NADIA, 3, &text);
    c.wait(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == json!(flagged)
            && m["params"]["diagnostics"].as_array().unwrap().is_empty()
    });
    c.shutdown();
}

#[test]
fn a_deleted_company_is_reported_where_it_is_referred_to() {
    let ws = Ws::example();
    let mut c = Client::start(ws.path());
    let text = ws.read(NADIA);
    c.open(NADIA, &text);
    c.diagnostics(NADIA, |_| true);
    // Removed on disk (a `git pull`, another editor): the watcher brings it in.
    std::fs::remove_file(ws.file("companies/calder-mutual.md")).unwrap();
    let diags = c.diagnostics(NADIA, |d| !d.is_empty());
    assert_eq!(codes(&diags), ["missing-reference"]);
    // Files that are not open hear of it too.
    c.diagnostics("contacts/eleanor-whitcombe.md", |d| !d.is_empty());
    c.shutdown();
}

#[test]
fn kith_yaml_is_checked_as_typed() {
    let ws = Ws::example();
    let mut c = Client::start(ws.path());
    let text = ws.read("kith.yaml");
    c.open("kith.yaml", &text);
    assert!(c.diagnostics("kith.yaml", |_| true).is_empty());
    let bad = text.replace("currency: EUR ", "currency: [EUR]");
    c.change("kith.yaml", 2, &bad);
    let diags = c.diagnostics("kith.yaml", |d| !d.is_empty());
    assert!(
        diags[0]["message"].as_str().unwrap().contains("currency"),
        "{diags:#?}"
    );
    c.shutdown();
}

#[test]
fn bad_input_never_stops_the_server() {
    let ws = Ws::example();
    let mut c = Client::spawn(ws.path());
    // Before `initialize`: refused, not ignored.
    let early = c.request("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002, "{early}");
    let uri = format!("file://{}", ws.path().display());
    c.result(
        "initialize",
        json!({ "processId": null, "rootUri": uri, "capabilities": {} }),
    );
    // Not JSON, not a message, a header without a length, a body far too long to be real.
    c.send_raw(&frame("{this is not json"));
    c.send_raw(&frame(r#"{"jsonrpc":"2.0","what":"ever"}"#));
    c.send_raw(b"X-Header: 1\r\n\r\n");
    // Unknown methods.
    let r = c.request("kith/unknown", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    // Parameters of the wrong shape.
    let r = c.request("textDocument/hover", json!({ "textDocument": 3 }));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    // A document nobody opened and no file holds; a URI that is not a file.
    for uri in [c.uri("contacts/nobody.md"), "untitled:Untitled-1".into()] {
        let at =
            json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": 0 } });
        assert_eq!(c.result("textDocument/hover", at.clone()), Value::Null);
        assert_eq!(c.result("textDocument/definition", at.clone()), Value::Null);
        assert_eq!(c.result("textDocument/completion", at.clone()), Value::Null);
    }
    // A change to a document that was never opened, a close of one, positions past the end.
    c.change(
        "contacts/ghost.md",
        7,
        "---\nname: Ghost\ncompany: nowhere\n---\n",
    );
    c.diagnostics("contacts/ghost.md", |d| codes(d) == ["missing-reference"]);
    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": c.uri("contacts/other.md") } }),
    );
    let far = json!({ "textDocument": { "uri": c.uri(NADIA) }, "position": { "line": 999, "character": 999 } });
    c.result("textDocument/hover", far.clone());
    c.result("textDocument/completion", far);
    // Binary junk in a buffer.
    c.open(
        "contacts/junk.md",
        "\u{0}\u{feff}---\n: : :\n[[[\n---\n\u{1}",
    );
    c.diagnostics("contacts/junk.md", |d| !d.is_empty());
    // Still answering.
    let r = c.request("kith/unknown", json!({}));
    assert_eq!(r["error"]["code"], -32601);
    ws.assert_untouched();
    c.shutdown();
}

#[test]
fn a_client_that_vanishes_ends_the_server_quietly() {
    let ws = Ws::example();
    let mut c = Client::start(ws.path());
    c.open(NADIA, &ws.read(NADIA));
    c.close_stdin();
    c.exits_with(0);
}

#[test]
fn after_shutdown_requests_are_refused() {
    let ws = Ws::example();
    let mut c = Client::start(ws.path());
    c.result("shutdown", Value::Null);
    let r = c.request("textDocument/hover", json!({}));
    assert_eq!(r["error"]["code"], -32600, "{r}");
    c.notify("exit", Value::Null);
    c.exits_with(0);
}

#[test]
fn outside_a_workspace_initialize_says_why() {
    let ws = Ws::empty();
    let mut c = Client::spawn(ws.path());
    let uri = format!("file://{}", ws.path().display());
    let r = c.request(
        "initialize",
        json!({ "processId": null, "rootUri": uri, "capabilities": {} }),
    );
    let message = r["error"]["message"].as_str().unwrap();
    assert!(message.contains("not in a kith workspace"), "{message}");
    assert!(message.contains("kith init"), "{message}");
    c.notify("exit", Value::Null);
    c.exits_with(0);
}

fn labels(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn completion_knows_keys_values_records_and_teammates() {
    let ws = Ws::example();
    let mut c = Client::start(ws.path());
    let text = ws
        .read(NADIA)
        .replace("company: calder-mutual", "company: mutu")
        .replace("lifecycle: evangelist", "lifecycle: ev")
        .replace("title: BI Manager", "sea")
        .replace("in June and", "in June with @ and")
        + "\n";
    c.open(NADIA, &text);
    // Keys: built-in and kith.yaml's custom fields, with their types.
    let keys = c.result("textDocument/completion", c.at(NADIA, &text, "sea\n", 3));
    let items = keys["items"].as_array().unwrap();
    let seats = items
        .iter()
        .find(|i| i["label"] == "seats")
        .expect("custom field");
    assert_eq!(seats["detail"], "integer (kith.yaml)");
    assert_eq!(seats["textEdit"]["newText"], "seats: ");
    assert!(labels(&keys).contains(&"lead_status".to_string()));
    // Values of a stage, from kith.yaml's lifecycle.
    let stages = labels(&c.result("textDocument/completion", c.at(NADIA, &text, "ev\n", 2)));
    assert!(
        stages.contains(&"evangelist".into()) && stages.contains(&"mql".into()),
        "{stages:?}"
    );
    // Companies matched on their name, shown with it.
    let companies = c.result(
        "textDocument/completion",
        c.at(NADIA, &text, "company: mutu", 13),
    );
    assert_eq!(companies["isIncomplete"], true);
    let first = &companies["items"][0];
    assert_eq!(first["label"], "calder-mutual", "{companies:#}");
    assert_eq!(first["detail"], "Calder Mutual · caldermutual.example");
    assert_eq!(first["textEdit"]["newText"], "calder-mutual");
    // `@` in the notes: teammates from kith.yaml.
    let mates = c.result("textDocument/completion", c.at(NADIA, &text, "@ and", 1));
    let sam = mates["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "sam")
        .unwrap()
        .clone();
    assert_eq!(sam["detail"], "Sam Okafor");
    // A new line under `## Activity`: an entry dated today.
    let line = c.result(
        "textDocument/completion",
        c.at(NADIA, &text, "permissions\n\n", 13),
    );
    assert_eq!(labels(&line), ["- 2026-11-25 "]);
    // The type of an activity.
    let t2 = text.replace("- 2026-11-16 visit:", "- 2026-11-16 vi");
    c.change(NADIA, 2, &t2);
    let types = labels(&c.result("textDocument/completion", c.at(NADIA, &t2, "16 vi", 5)));
    assert!(
        types.contains(&"visit".into()) && types.contains(&"call".into()),
        "{types:?}"
    );
    c.shutdown();
}

#[test]
fn deal_completion_offers_its_pipeline_stages_and_contacts() {
    let ws = Ws::example();
    let mut c = Client::start(ws.path());
    let rel = "deals/calder-mutual-renewal-2027.md";
    let text = ws
        .read(rel)
        .replace("stage: closed-won", "stage: ")
        .replace("contacts: [gareth-llewellyn,", "contacts: [nadia,");
    c.open(rel, &text);
    let stages = labels(&c.result("textDocument/completion", c.at(rel, &text, "stage: \n", 7)));
    assert!(
        stages.contains(&"closed-won".into()) && stages.contains(&"appointment-scheduled".into()),
        "{stages:?}"
    );
    let people = labels(&c.result("textDocument/completion", c.at(rel, &text, "nadia,", 5)));
    assert_eq!(people[0], "nadia-haddad", "{people:?}");
    let currency = labels(&c.result("textDocument/completion", c.at(rel, &text, "GBP", 0)));
    assert!(
        currency.contains(&"EUR".into()) && currency.contains(&"GBP".into()),
        "{currency:?}"
    );
    c.shutdown();
}

#[test]
fn hover_shows_cards_and_scores() {
    let ws = Ws::example();
    let mut c = Client::start(ws.path());
    let text = ws.read(NADIA);
    c.open(NADIA, &text);
    let h = c.result("textDocument/hover", c.at(NADIA, &text, "calder-mutual", 3));
    let card = h["contents"]["value"].as_str().unwrap();
    assert!(
        card.starts_with("**Calder Mutual** (company `calder-mutual`)"),
        "{card}"
    );
    assert!(card.contains("owner: Mei Tanaka"), "{card}");
    assert!(card.contains("last activity: "), "{card}");
    // On the person's own file: the score, rule by rule, as `kith score` explains it.
    let h = c.result("textDocument/hover", c.at(NADIA, &text, "Runs BI", 0));
    let score = h["contents"]["value"].as_str().unwrap();
    let cli = ws.kith(&["score", "nadia-haddad"]).ok().to_string();
    let total = cli
        .split("score ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap();
    assert!(
        score.contains(&format!("**score {total}**")),
        "{score}\n{cli}"
    );
    assert!(score.contains("| points | group | why |"), "{score}");
    // `@teammate`.
    let t = ws.read("contacts/dana-whitfield.md");
    c.open("contacts/dana-whitfield.md", &t);
    let h = c.result(
        "textDocument/hover",
        c.at("contacts/dana-whitfield.md", &t, "@sam", 2),
    );
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap()
            .starts_with("**Sam Okafor**"),
        "{h}"
    );
    c.shutdown();
}

#[test]
fn definition_and_references() {
    let ws = Ws::example();
    let mut c = Client::start(ws.path());
    let rel = "contacts/dana-whitfield.md";
    let text = ws.read(rel);
    c.open(rel, &text);
    let d = c.result(
        "textDocument/definition",
        c.at(rel, &text, "kestrel-health\"", 2),
    );
    assert_eq!(d["uri"], json!(c.uri("companies/kestrel-health.md")), "{d}");
    let d = c.result(
        "textDocument/definition",
        c.at(rel, &text, "#kestrel-health-data", 3),
    );
    assert_eq!(
        d["uri"],
        json!(c.uri("deals/kestrel-health-data-platform.md")),
        "{d}"
    );
    // `@sam` leads to the teammate's line in kith.yaml.
    let d = c.result("textDocument/definition", c.at(rel, &text, "@sam", 1));
    assert_eq!(d["uri"], json!(c.uri("kith.yaml")), "{d}");
    let yaml = ws.read("kith.yaml");
    let line = yaml
        .lines()
        .position(|l| l.trim_start().starts_with("sam:"))
        .unwrap();
    assert_eq!(d["range"]["start"], json!({ "line": line, "character": 2 }));
    // Every record that points at the company.
    let company = "companies/kestrel-health.md";
    let ctext = ws.read(company);
    let refs = c.result(
        "textDocument/references",
        json!({ "textDocument": { "uri": c.uri(company) }, "position": { "line": 1, "character": 2 },
                "context": { "includeDeclaration": false } }),
    );
    let mut files: Vec<String> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            l["uri"]
                .as_str()
                .unwrap()
                .rsplit_once("/")
                .unwrap()
                .1
                .to_string()
        })
        .collect();
    files.dedup();
    assert!(
        files.contains(&"dana-whitfield.md".to_string()),
        "{files:?}"
    );
    assert!(
        files.contains(&"kestrel-health-data-platform.md".to_string()),
        "{files:?}"
    );
    let _ = ctext;
    // A deal's references include activity mentions.
    let deal = c.result(
        "textDocument/references",
        json!({ "textDocument": { "uri": c.uri(rel) }, "position": c.at(rel, &text, "#kestrel-health-data", 3)["position"],
                "context": { "includeDeclaration": true } }),
    );
    let deal = deal.as_array().unwrap();
    assert!(
        deal[0]["uri"]
            .as_str()
            .unwrap()
            .ends_with("deals/kestrel-health-data-platform.md")
    );
    let mention = deal
        .iter()
        .find(|l| l["uri"] == json!(c.uri(rel)))
        .expect("the mention");
    let line = text
        .lines()
        .position(|l| l.contains("#kestrel-health-data-platform"))
        .unwrap();
    assert_eq!(mention["range"]["start"]["line"], line);
    c.shutdown();
}

/// The Neovim configuration of the editor test: start `kith lsp` for the record, wait for its
/// diagnostics, ask for a completion, write both to `$OUT` and quit. `vim.lsp.start` where
/// there is one (Neovim 0.8 and later), `vim.lsp.start_client` before.
const INIT_LUA: &str = r#"
local env = function(k) return os.getenv(k) end
vim.cmd('edit ' .. vim.fn.fnameescape(env('RECORD')))
local buf = vim.api.nvim_get_current_buf()
local config = { name = 'kith', cmd = { env('KITH'), 'lsp' }, root_dir = env('ROOT') }
if vim.lsp.start then
  vim.lsp.start(config)
else
  vim.lsp.buf_attach_client(buf, vim.lsp.start_client(config))
end
local lines = {}
local got = vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
table.insert(lines, 'waited ' .. tostring(got))
for _, d in ipairs(vim.diagnostic.get(buf)) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
  local msg = d.message:gsub('\n', ' | ')
  table.insert(lines, string.format('diagnostic %d:%d %s %s', d.lnum, d.col, tostring(code), msg))
end
local params = {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  position = { line = tonumber(env('LINE')), character = tonumber(env('COL')) },
}
local res = vim.lsp.buf_request_sync(buf, 'textDocument/completion', params, 20000)
for _, r in pairs(res or {}) do
  local items = r.result and (r.result.items or r.result) or {}
  for _, item in ipairs(items) do
    table.insert(lines, 'completion ' .. item.label .. ' (' .. tostring(item.detail) .. ')')
  end
end
vim.fn.writefile(lines, env('OUT'))
vim.cmd('qa!')
"#;

#[test]
fn neovim_shows_the_diagnostic_and_completes_a_company() {
    if Command::new("nvim").arg("--version").output().is_err() {
        eprintln!("SKIPPED: nvim is not installed (.ci/run installs it: apt-get install neovim)");
        return;
    }
    let ws = Ws::example();
    // A record saved with a mistyped company: the editor opens the file as it is.
    let text = ws
        .read(NADIA)
        .replace("company: calder-mutual", "company: calder-mutul");
    ws.write(NADIA, &text);
    let home = tempfile::tempdir().unwrap();
    let init = home.path().join("init.lua");
    std::fs::write(&init, INIT_LUA).unwrap();
    let out = home.path().join("out.txt");
    let mut child = Command::new("nvim")
        .args(["--headless", "-n", "-i", "NONE", "-u"])
        .arg(&init)
        .current_dir(ws.path())
        .envs(pinned_clock())
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("KITH", env!("CARGO_BIN_EXE_kith"))
        .env("ROOT", ws.path())
        .env("RECORD", ws.file(NADIA))
        .env("OUT", &out)
        // After `company: calder-mu`.
        .env("LINE", "3")
        .env("COL", "18")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start nvim");
    let deadline = Instant::now() + Duration::from_secs(90);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("nvim did not finish");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let got = std::fs::read_to_string(&out).expect("nvim wrote its results");
    let lines: Vec<&str> = got.lines().collect();
    assert_eq!(lines[0], "waited true", "{got}");
    assert_eq!(
        lines[1],
        "diagnostic 3:9 missing-reference `company` refers to company `calder-mutul`, but companies/calder-mutul.md does not exist | help: did you mean `calder-mutual`?",
        "{got}"
    );
    assert_eq!(
        lines[2], "completion calder-mutual (Calder Mutual · caldermutual.example)",
        "{got}"
    );
}

/// Applies a workspace edit as an editor does: text edits, then file renames.
fn apply_edit(root: &Path, edit: &Value) {
    let path = |uri: &Value| {
        let s = uri.as_str().unwrap().strip_prefix("file://").unwrap();
        assert!(s.starts_with(root.to_str().unwrap()), "{s}");
        std::path::PathBuf::from(s)
    };
    let mut ops: Vec<Value> = edit["documentChanges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if let Some(changes) = edit["changes"].as_object() {
        for (uri, edits) in changes {
            ops.push(json!({ "textDocument": { "uri": uri }, "edits": edits }));
        }
    }
    for op in ops {
        if op["kind"] == "rename" {
            std::fs::rename(path(&op["oldUri"]), path(&op["newUri"])).unwrap();
            continue;
        }
        let file = path(&op["textDocument"]["uri"]);
        let mut text = std::fs::read_to_string(&file).unwrap();
        let mut edits = op["edits"].as_array().unwrap().clone();
        edits.sort_by_key(|e| {
            std::cmp::Reverse((
                e["range"]["start"]["line"].as_u64(),
                e["range"]["start"]["character"].as_u64(),
            ))
        });
        for e in edits {
            let off = |p: &Value| {
                let line = p["line"].as_u64().unwrap() as usize;
                let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
                let l = &text[start..];
                let units = p["character"].as_u64().unwrap() as usize;
                let mut n = 0;
                start
                    + l.char_indices()
                        .find(|(_, c)| {
                            let stop = n >= units;
                            n += c.len_utf16();
                            stop
                        })
                        .map_or(l.len(), |(i, _)| i)
            };
            let (a, b) = (off(&e["range"]["start"]), off(&e["range"]["end"]));
            text.replace_range(a..b, e["newText"].as_str().unwrap());
        }
        std::fs::write(&file, text).unwrap();
    }
}

#[test]
fn rename_a_company_renames_the_file_and_every_reference() {
    let ws = Ws::example();
    let mut c = Client::start(ws.path());
    let company = "companies/calder-mutual.md";
    let text = ws.read(company);
    c.open(company, &text);
    let at = json!({ "textDocument": { "uri": c.uri(company) }, "position": { "line": 1, "character": 8 } });
    let prep = c.result("textDocument/prepareRename", at.clone());
    assert_eq!(prep["placeholder"], "calder-mutual");
    // Refused, with the reason: not an id; taken.
    let mut bad = at.clone();
    bad["newName"] = json!("Calder Mutual Group");
    let r = c.request("textDocument/rename", bad);
    let why = r["error"]["message"].as_str().unwrap();
    assert!(
        why.contains("not a valid id") && why.contains("`calder-mutual-group`"),
        "{why}"
    );
    let mut taken = at.clone();
    taken["newName"] = json!("brightwave");
    let r = c.request("textDocument/rename", taken);
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("companies/brightwave.md already exists"),
        "{r}"
    );
    ws.assert_untouched();
    let mut p = at;
    p["newName"] = json!("calder-group");
    let edit = c.result("textDocument/rename", p);
    // The server proposes; only the client writes.
    ws.assert_untouched();
    apply_edit(ws.path(), &edit);
    assert!(ws.file("companies/calder-group.md").exists());
    let check = ws.kith(&["check"]);
    assert_eq!(check.code, 0, "{}", check.stdout);
    let deal = ws.read("deals/calder-mutual-renewal-2027.md");
    assert!(deal.contains("\ncompany: calder-group\n"), "{deal}");
    // Only the reference changed: the diff is one line per file.
    let diff = ws.diff();
    assert_eq!(
        diff.matches("\n+company: calder-group").count(),
        4,
        "{diff}"
    );
    c.shutdown();
}

#[test]
fn rename_a_deal_from_a_mention() {
    let ws = Ws::example();
    let mut c = Client::start(ws.path());
    let rel = "contacts/dana-whitfield.md";
    let text = ws.read(rel);
    c.open(rel, &text);
    let mut p = c.at(rel, &text, "#kestrel-health-data", 4);
    p["newName"] = json!("kestrel-platform");
    let edit = c.result("textDocument/rename", p);
    apply_edit(ws.path(), &edit);
    let after = ws.read(rel);
    assert!(
        after.contains("@sam #kestrel-platform: sent the order form"),
        "{after}"
    );
    assert!(!after.contains("#kestrel-health-data-platform"));
    assert_eq!(ws.kith(&["check"]).code, 0);
    c.shutdown();
}

#[test]
fn code_actions_fix_promote_log_and_tick() {
    let ws = Ws::example();
    let mut c = Client::start(ws.path());
    let text = ws
        .read(NADIA)
        .replace("company: calder-mutual", "company: calder-mutul");
    c.open(NADIA, &text);
    let diags = c.diagnostics(NADIA, |d| !d.is_empty());
    let range = diags[0]["range"].clone();
    let actions = c.result(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": c.uri(NADIA) }, "range": range, "context": { "diagnostics": diags } }),
    );
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        ["Change to `calder-mutual`", "Log an activity today"],
        "{actions:#}"
    );
    ws.write(NADIA, &text);
    apply_edit(ws.path(), &actions[0]["edit"]);
    assert!(!ws.read(NADIA).contains("calder-mutul"));
    assert!(ws.read(NADIA).contains("company: calder-mutual\n"));
    apply_edit(ws.path(), &actions[1]["edit"]);
    assert!(
        ws.read(NADIA)
            .ends_with("- 2026-11-16 visit: /docs/permissions\n- 2026-11-25 note: ...\n"),
        "{}",
        ws.read(NADIA)
    );
    // A lead: promote; a task: tick.
    let rob = "contacts/rob-pennington.md";
    let t = ws.read(rob);
    c.open(rob, &t);
    let at = c.at(rob, &t, "- [ ] 2026-11-19", 3)["position"].clone();
    let actions = c.result(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": c.uri(rob) }, "range": { "start": at, "end": at }, "context": { "diagnostics": [] } }),
    );
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(
        titles
            .iter()
            .any(|t| t.starts_with("Tick the task: ask how")),
        "{titles:?}"
    );
    let tick = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Tick"))
        .unwrap();
    apply_edit(ws.path(), &tick["edit"]);
    assert!(ws.read(rob).contains("- [x] 2026-11-19 call @mei: ask how the six new analysts are getting on (from @priya) (done 2026-11-25)"), "{}", ws.read(rob));
    let lead = "contacts/ahmed-el-sayed.md";
    let t = ws.read(lead);
    c.open(lead, &t);
    let actions = c.result(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": c.uri(lead) }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }, "context": { "diagnostics": [] } }),
    );
    let promote = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Promote to `mql`")
        .expect("promote");
    apply_edit(ws.path(), &promote["edit"]);
    let after = ws.read(lead);
    assert!(
        after.contains("lifecycle: mql\n") && after.contains("- 2026-11-25 stage: lead → mql"),
        "{after}"
    );
    assert_eq!(ws.kith(&["check"]).code, 0);
    c.shutdown();
}

#[test]
fn document_and_workspace_symbols() {
    let ws = Ws::example();
    let mut c = Client::start(ws.path());
    let rob = "contacts/rob-pennington.md";
    let syms = c.result(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": c.uri(rob) } }),
    );
    let names: Vec<&str> = syms
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["frontmatter", "notes", "Tasks", "Activity"],
        "{syms:#}"
    );
    assert_eq!(syms[0]["children"][0]["name"], "name");
    assert!(
        syms[2]["children"][0]["name"]
            .as_str()
            .unwrap()
            .starts_with("[ ] 2026-11-19 call @mei")
    );
    let found = c.result("workspace/symbol", json!({ "query": "calder" }));
    let first = &found[0];
    assert_eq!(first["name"], "Calder Mutual", "{found:#}");
    assert_eq!(
        first["location"]["uri"],
        json!(c.uri("companies/calder-mutual.md"))
    );
    assert_eq!(first["containerName"], "company `calder-mutual`");
    c.shutdown();
}

#[test]
fn wiki_links_are_references_too() {
    let ws = Ws::example();
    // An Obsidian vault: the company written as a wiki link, with a label.
    let text = ws.read(NADIA).replace(
        "company: calder-mutual",
        "company: \"[[calder-mutual|Calder]]\"",
    );
    ws.write(NADIA, &text);
    let check = ws.kith(&["check"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
    let mut c = Client::start(ws.path());
    c.open(NADIA, &text);
    assert!(c.diagnostics(NADIA, |_| true).is_empty());
    let d = c.result("textDocument/definition", c.at(NADIA, &text, "[[calder", 4));
    assert_eq!(d["uri"], json!(c.uri("companies/calder-mutual.md")), "{d}");
    let refs = c.result(
        "textDocument/references",
        json!({ "textDocument": { "uri": c.uri("companies/calder-mutual.md") },
                "position": { "line": 1, "character": 2 }, "context": { "includeDeclaration": false } }),
    );
    let nadia = refs
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["uri"] == json!(c.uri(NADIA)))
        .expect("nadia");
    assert_eq!(
        nadia["range"]["start"],
        json!({ "line": 3, "character": 9 })
    );
    let wrong = text.replace("[[calder-mutual|", "[[calder-mutul|");
    c.change(NADIA, 2, &wrong);
    let diags = c.diagnostics(NADIA, |d| !d.is_empty());
    assert_eq!(codes(&diags), ["missing-reference"]);
    c.shutdown();
}

#[test]
fn wiki_links_in_the_text_lead_to_records_complete_and_rename() {
    let ws = Ws::example();
    // Links in the notes and in an activity entry, one with a label, one with a folder.
    let text = ws
        .read(NADIA)
        .replace(
            "Recorded a customer video with Jonas",
            "Recorded a customer video with Jonas (see [[calder-mutual-renewal-2027|the renewal]])",
        )
        .replace(
            "- 2026-11-16 visit: /docs/permissions",
            "- 2026-11-16 visit: /docs/permissions, for [[companies/calder-mutual]]",
        );
    ws.write(NADIA, &text);
    let check = ws.kith(&["check"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
    let mut c = Client::start(ws.path());
    c.open(NADIA, &text);
    let d = c.result(
        "textDocument/definition",
        c.at(NADIA, &text, "[[calder-mutual-renewal", 5),
    );
    assert_eq!(
        d["uri"],
        json!(c.uri("deals/calder-mutual-renewal-2027.md")),
        "{d}"
    );
    let d = c.result(
        "textDocument/definition",
        c.at(NADIA, &text, "companies/calder-mutual]]", 12),
    );
    assert_eq!(d["uri"], json!(c.uri("companies/calder-mutual.md")), "{d}");
    // References of the company include the link in the activity entry.
    let refs = c.result(
        "textDocument/references",
        json!({ "textDocument": { "uri": c.uri("companies/calder-mutual.md") },
                "position": { "line": 1, "character": 2 }, "context": { "includeDeclaration": false } }),
    );
    let at_link: Vec<&Value> = refs
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["uri"] == json!(c.uri(NADIA)) && l["range"]["start"]["line"] != 3)
        .collect();
    assert_eq!(at_link.len(), 1, "{refs:#}");
    // Completion after `[[`: records of every kind.
    let typing = text.replace(
        "(see [[calder-mutual-renewal-2027|the renewal]])",
        "(see [[kestrel",
    );
    c.change(NADIA, 2, &typing);
    let found = labels(&c.result(
        "textDocument/completion",
        c.at(NADIA, &typing, "[[kestrel", 9),
    ));
    assert!(
        found.contains(&"kestrel-health".into())
            && found.contains(&"kestrel-health-data-platform".into()),
        "{found:?}"
    );
    // A link that leads nowhere is a warning where it is.
    let wrong = text.replace("[[companies/calder-mutual]]", "[[calder-mutal]]");
    c.change(NADIA, 3, &wrong);
    let diags = c.diagnostics(NADIA, |d| !d.is_empty());
    assert_eq!(codes(&diags), ["missing-reference"]);
    assert!(
        diags[0]["message"]
            .as_str()
            .unwrap()
            .contains("[[calder-mutal]] leads nowhere"),
        "{diags:?}"
    );
    c.change(NADIA, 4, &text);
    // Renaming the deal rewrites the link's id and keeps its label.
    let deal = "deals/calder-mutual-renewal-2027.md";
    let dtext = ws.read(deal);
    c.open(deal, &dtext);
    let edit = c.result(
        "textDocument/rename",
        json!({ "textDocument": { "uri": c.uri(deal) }, "position": { "line": 1, "character": 8 },
                "newName": "calder-renewal-2027" }),
    );
    apply_edit(ws.path(), &edit);
    let nadia = ws.read(NADIA);
    assert!(
        nadia.contains("(see [[calder-renewal-2027|the renewal]])"),
        "{nadia}"
    );
    c.shutdown();
}

/// While an editor runs the language server, other kith commands in the workspace take its
/// monitor's word that no record file changed, and still see a file saved a moment before.
#[test]
fn commands_take_the_language_servers_word_and_still_see_a_save() {
    let ws = Ws::example();
    let c = Client::start(ws.path());
    let traced = |args: &[&str]| kith_env(ws.path(), &[("KITH_TRACE", "1")], args);
    ws.kith(&["check"]);
    let again = traced(&["check"]);
    assert!(
        again.stderr.contains("the monitor vouches"),
        "{}",
        again.stderr
    );
    let text = ws.read(NADIA);
    ws.write(NADIA, &text.replace("Nadia", "Nadine"));
    let shown = traced(&["show", "nadia-haddad"]);
    assert!(shown.stdout.contains("Nadine"), "{}", shown.stdout);
    assert!(
        !shown.stderr.contains("the monitor vouches"),
        "{}",
        shown.stderr
    );
    let status = ws.kith(&["cache", "status"]);
    assert!(
        status.ok().contains("a watcher (kith watch, serve or lsp)"),
        "{}",
        status.stdout
    );
    c.shutdown();
}
