//! `kith serve`'s web server: the report folder over HTTP on one address (loopback unless the
//! user binds another), with a small script added to the HTML pages it serves (never to the
//! files `kith report` writes) that reloads the page when the watcher renders the report
//! again. tiny_http does the HTTP; this module maps paths to files and waits for renders.

use anyhow::{Context, Result};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// The path the reload script asks.
pub const RELOAD: &str = "/__kith/reload";

/// How long a reload request waits for a render before it answers anyway.
const LONG_POLL: Duration = Duration::from_secs(25);

/// How long a request for a page not rendered yet waits for it before it is answered with
/// what the folder holds.
const PAGE_WAIT: Duration = Duration::from_secs(20);

/// How many renders there have been: pages ask for a number greater than the one they were
/// served with. And which pages the watcher has still to render (at start, at 100,000
/// records, the record pages fill in after the week's pages): a request for one of those
/// asks the watcher for it and waits until it is written.
#[derive(Default)]
pub struct Renders {
    count: Mutex<u64>,
    changed: Condvar,
    pages: Mutex<Pages>,
    pages_changed: Condvar,
}

/// The pages still to render.
#[derive(Default)]
struct Pages {
    /// The watcher has rendered the week's pages once.
    started: bool,
    /// Paths in the report folder (`contacts/ada.html`) still to render.
    pending: rustc_hash::FxHashSet<String>,
    /// Pending pages a request waits for, to render first.
    wanted: Vec<String>,
}

impl Renders {
    /// Notes a new render and wakes the pages waiting for one.
    pub fn bump(&self) {
        let mut n = self.count.lock().unwrap_or_else(|p| p.into_inner());
        *n += 1;
        self.changed.notify_all();
    }

    fn pages(&self) -> std::sync::MutexGuard<'_, Pages> {
        self.pages.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Notes that the week's pages are written, and which pages are still to render when a
    /// render left them to fill in (`None`: those noted before).
    pub fn started(&self, pending: Option<Vec<String>>) {
        let mut p = self.pages();
        p.started = true;
        if let Some(pending) = pending {
            p.pending = pending.into_iter().collect();
        }
        self.pages_changed.notify_all();
    }

    /// Notes that these pages are written (or removed).
    pub fn rendered<'a>(&self, done: impl IntoIterator<Item = &'a str>) {
        let mut p = self.pages();
        for rel in done {
            p.pending.remove(rel);
        }
        self.pages_changed.notify_all();
    }

    /// The pending pages requests wait for, taken.
    pub fn take_wanted(&self) -> Vec<String> {
        std::mem::take(&mut self.pages().wanted)
    }

    /// Waits until the page at `rel` can be read: the week's pages written, and `rel` not
    /// pending (asking the watcher for it first), or `timeout`.
    fn wait_for(&self, rel: &str, exists: bool, timeout: Duration) {
        let p = self.pages();
        if p.started && !p.pending.contains(rel) {
            return;
        }
        if !p.started && exists {
            // A page of the last report, until the watcher has rendered again.
            return;
        }
        let mut p = p;
        if p.pending.contains(rel) {
            p.wanted.push(rel.to_string());
        }
        let _ = self
            .pages_changed
            .wait_timeout_while(p, timeout, |p| !p.started || p.pending.contains(rel))
            .unwrap_or_else(|p| p.into_inner());
    }

    pub fn current(&self) -> u64 {
        *self.count.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits until there has been a render after `since`, or `timeout`; returns the count.
    pub fn wait_after(&self, since: u64, timeout: Duration) -> u64 {
        let n = self.count.lock().unwrap_or_else(|p| p.into_inner());
        let (n, _) = self
            .changed
            .wait_timeout_while(n, timeout, |n| *n <= since)
            .unwrap_or_else(|p| p.into_inner());
        *n
    }
}

/// The file a URL path names under `root`: `/` and folders are their `index.html`. `None` for
/// anything that would leave `root` (`..`, absolute parts) or holds a NUL.
pub fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let path = url_path.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path)?;
    let mut out = root.to_path_buf();
    for part in Path::new(decoded.trim_start_matches('/')).components() {
        match part {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if decoded.ends_with('/') || out.is_dir() {
        out.push("index.html");
    }
    Some(out)
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    let text = String::from_utf8(out).ok()?;
    (!text.contains('\0')).then_some(text)
}

/// The content type for a file name.
pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json") => "application/json",
        Some("ics") => "text/calendar; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// An HTML page with the reload script added before `</body>` (or at the end). `served` is
/// the render count the page was served at.
pub fn inject(html: &str, served: u64) -> String {
    let script = format!(
        "<script>/* added by kith serve: reloads the page when the report is rendered again */\n\
         (function(){{var n={served};function wait(){{fetch('{RELOAD}?since='+n).then(function(r){{return r.text()}})\
         .then(function(t){{if(parseInt(t,10)>n){{location.reload()}}else{{wait()}}}})\
         .catch(function(){{setTimeout(wait,2000)}})}}wait()}})();</script>\n"
    );
    match html.rfind("</body>") {
        Some(at) => format!("{}{script}{}", &html[..at], &html[at..]),
        None => format!("{html}{script}"),
    }
}

/// Serves `root` on `addr` from a thread of its own; returns the address it listens on (the
/// port chosen when `addr` asks for port 0).
pub fn start(root: PathBuf, addr: &str, renders: Arc<Renders>) -> Result<std::net::SocketAddr> {
    let server = tiny_http::Server::http(addr)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .with_context(|| format!("cannot listen on {addr}"))?;
    let local = server
        .server_addr()
        .to_ip()
        .context("the server has no IP address")?;
    let server = Arc::new(server);
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let root = root.clone();
            let renders = renders.clone();
            // Reload requests wait for a render: each request gets a thread of its own.
            std::thread::spawn(move || answer(request, &root, &renders));
        }
    });
    Ok(local)
}

fn answer(request: tiny_http::Request, root: &Path, renders: &Renders) {
    let header = |k: &str, v: &str| {
        tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).expect("valid header")
    };
    if !matches!(
        request.method(),
        tiny_http::Method::Get | tiny_http::Method::Head
    ) {
        let _ = request.respond(tiny_http::Response::from_string("only GET").with_status_code(405));
        return;
    }
    let url = request.url().to_string();
    if let Some(query) = url.strip_prefix(RELOAD) {
        let since = query
            .trim_start_matches('?')
            .split('&')
            .find_map(|p| p.strip_prefix("since="))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let n = renders.wait_after(since, LONG_POLL);
        let _ = request.respond(
            tiny_http::Response::from_string(n.to_string())
                .with_header(header("Content-Type", "text/plain"))
                .with_header(header("Cache-Control", "no-store")),
        );
        return;
    }
    let Some(path) = resolve(root, &url) else {
        let _ = request.respond(tiny_http::Response::from_string("bad path").with_status_code(400));
        return;
    };
    if let Ok(rel) = path.strip_prefix(root) {
        let rel = rel.to_string_lossy().replace('\\', "/");
        renders.wait_for(&rel, path.is_file(), PAGE_WAIT);
    }
    match std::fs::read(&path) {
        Ok(bytes) => {
            let ty = content_type(&path);
            let body = if ty.starts_with("text/html") {
                inject(&String::from_utf8_lossy(&bytes), renders.current()).into_bytes()
            } else {
                bytes
            };
            let _ = request.respond(
                tiny_http::Response::from_data(body)
                    .with_header(header("Content-Type", ty))
                    .with_header(header("Cache-Control", "no-store")),
            );
        }
        Err(_) => {
            let _ = request
                .respond(tiny_http::Response::from_string("not found").with_status_code(404));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_folder() {
        let root = Path::new("/srv/site");
        assert_eq!(
            resolve(root, "/weeks/2026-W48/index.html?x=1"),
            Some(root.join("weeks/2026-W48/index.html"))
        );
        assert_eq!(
            resolve(root, "/weeks/"),
            Some(root.join("weeks/index.html"))
        );
        assert_eq!(resolve(root, "/a%20b.html"), Some(root.join("a b.html")));
        assert_eq!(resolve(root, "/../kith.yaml"), None);
        assert_eq!(resolve(root, "/weeks/%2e%2e/%2e%2e/kith.yaml"), None);
        assert_eq!(resolve(root, "/%00"), None);
    }

    #[test]
    fn the_script_goes_before_the_end_of_the_body() {
        let page = inject("<html><body><p>x</p></body></html>", 3);
        assert!(page.contains("var n=3;"));
        assert!(page.ends_with("</script>\n</body></html>"));
        assert!(inject("<p>no body</p>", 0).ends_with("</script>\n"));
    }

    #[test]
    fn a_wait_ends_at_the_next_render() {
        let r = Arc::new(Renders::default());
        assert_eq!(r.wait_after(0, Duration::from_millis(10)), 0);
        let r2 = r.clone();
        let t = std::thread::spawn(move || r2.wait_after(0, Duration::from_secs(5)));
        std::thread::sleep(Duration::from_millis(50));
        r.bump();
        assert_eq!(t.join().unwrap(), 1);
    }
}
