//! `kith serve`: the report over HTTP on a free loopback port, with a reload script in the
//! pages it serves (not in the files), and a reload request that answers when the watcher has
//! rendered the report again after a save.

use crate::harness::{Ws, spawn_kith};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Child;
use std::sync::mpsc::Receiver;
use std::time::Duration;

struct Serve {
    child: Child,
    lines: Receiver<String>,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serve {
    fn start(ws: &Ws) -> (Serve, String) {
        let args = ["serve", "--port", "0", "--debounce-ms", "50"].map(std::ffi::OsStr::new);
        let (child, lines) = spawn_kith(ws.path(), &args);
        let mut s = Serve { child, lines };
        let serving = s.until("serving ");
        let addr = serving
            .split("http://")
            .nth(1)
            .and_then(|a| a.strip_suffix('/'))
            .unwrap_or_else(|| panic!("{serving}"))
            .to_string();
        s.until("watching ");
        (s, addr)
    }

    fn until(&mut self, start: &str) -> String {
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(30))
                .unwrap_or_else(|_| panic!("no line starting with {start:?}"));
            if line.starts_with(start) {
                return line;
            }
        }
    }
}

/// A plain HTTP/1.0 GET: the status code and the body.
fn get(addr: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(40))).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let code = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (code, body.to_string())
}

#[test]
fn serves_the_report_and_reloads_pages_after_a_save() {
    let ws = Ws::example();
    let (mut serve, addr) = Serve::start(&ws);
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");

    // The report was rendered first; served pages carry the reload script, files do not.
    let (code, page) = get(&addr, "/");
    assert_eq!(code, 200);
    assert!(page.contains("Brightwave CRM"), "{page}");
    assert!(page.contains("added by kith serve"));
    assert!(!ws.read("public/index.html").contains("kith serve"));
    let (code, css) = get(&addr, "/style.css");
    assert_eq!(code, 200);
    assert!(!css.contains("kith serve"));
    // Nothing outside the report folder.
    assert_ne!(get(&addr, "/../kith.yaml").0, 200);
    assert_ne!(get(&addr, "/%2e%2e/kith.yaml").0, 200);
    assert_eq!(get(&addr, "/no-such-page.html").0, 404);

    // A page waiting for a reload hears of the render that follows a save.
    let waiting = {
        let addr = addr.clone();
        std::thread::spawn(move || get(&addr, "/__kith/reload?since=0"))
    };
    std::thread::sleep(Duration::from_millis(300));
    let path = ws.file("contacts/ben-carver.md");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("title: Head of BI", "title: VP of BI");
    std::fs::write(&path, text).unwrap();
    serve.until("contacts/ben-carver.md: ");
    let (code, n) = waiting.join().unwrap();
    assert_eq!((code, n.as_str()), (200, "1"));
    let (_, card) = get(&addr, "/contacts/ben-carver.html");
    assert!(
        card.contains("VP of BI"),
        "the record page was rendered again"
    );
}

/// At start, on a workspace large enough that the record pages fill in after the week's
/// pages: the index page and a record page asked for at once arrive, and once every page is
/// rendered the folder holds what a fresh `kith report` writes.
#[test]
fn pages_asked_for_at_start_arrive_and_the_rest_fill_in() {
    let dir = tempfile::tempdir().unwrap();
    crate::harness::kith_in(dir.path(), &["gen", "ws", "-n", "2500"]).ok();
    let ws = dir.path().join("ws");
    let mut ids: Vec<String> = std::fs::read_dir(ws.join("contacts"))
        .unwrap()
        .flatten()
        .filter_map(|e| Some(e.file_name().to_str()?.strip_suffix(".md")?.to_string()))
        .collect();
    ids.sort();
    // The last person's page is the last to fill in.
    let last = ids.last().unwrap().clone();
    let text = std::fs::read_to_string(ws.join(format!("contacts/{last}.md"))).unwrap();
    let name = text
        .lines()
        .find_map(|l| l.strip_prefix("name: "))
        .unwrap()
        .trim_matches('"')
        .to_string();

    let args = ["serve", "--port", "0", "--debounce-ms", "50"].map(std::ffi::OsStr::new);
    let (child, lines) = spawn_kith(&ws, &args);
    let mut serve = Serve { child, lines };
    let serving = serve.until("serving ");
    let addr = serving
        .split("http://")
        .nth(1)
        .and_then(|a| a.strip_suffix('/'))
        .unwrap()
        .to_string();
    // Asked for before the watcher has rendered anything.
    let (code, page) = get(&addr, "/");
    assert_eq!(code, 200, "{page}");
    assert!(page.contains("added by kith serve"), "{page}");
    let (code, card) = get(&addr, &format!("/contacts/{last}.html"));
    assert_eq!(code, 200, "{card}");
    assert!(
        card.contains(&name),
        "{name} is not on {last}'s page: {card}"
    );
    serve.until("public: every record page rendered");

    // The pages equal a fresh report's.
    crate::harness::kith_in(&ws, &["report", "--out", "fresh"]).ok();
    for id in ids.iter().step_by(97).chain([&last]) {
        let rel = format!("contacts/{id}.html");
        let served = std::fs::read_to_string(ws.join("public").join(&rel)).unwrap();
        let fresh = std::fs::read_to_string(ws.join("fresh").join(&rel)).unwrap();
        assert_eq!(served, fresh, "{rel}");
    }
    let count = |d: &str| {
        std::fs::read_dir(ws.join(d).join("contacts"))
            .unwrap()
            .count()
    };
    assert_eq!(count("public"), count("fresh"));
}
