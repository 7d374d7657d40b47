//! The wire: LSP messages over stdin and stdout, framed by `Content-Length` headers.
//!
//! lsp-server's own stdio transport stops reading at the first message it cannot parse; an
//! editor plugin with a bug would then leave the user without diagnostics until a restart. This
//! reader skips such a message (the frame says where the next one starts), says so on stderr,
//! and goes on. It stops only when the client closes stdin.

use crossbeam_channel::{Receiver, Sender, bounded, unbounded};
use lsp_server::Message;
use std::io::{self, BufRead, Write};
use std::thread;

/// Bodies larger than this are refused (and skipped): no record or `kith.yaml` comes near it,
/// and a bogus `Content-Length` must not make the server allocate gigabytes.
pub const MAX_MESSAGE_BYTES: usize = 64 << 20;

/// The two threads that move messages between the pipes and the channels.
pub struct Threads {
    reader: thread::JoinHandle<()>,
    writer: thread::JoinHandle<()>,
}

impl Threads {
    /// Waits for the writer to flush what was sent before the channel closed. The reader is
    /// not waited for: it may be blocked on a stdin nobody will close.
    pub fn join(self) {
        let _ = self.writer.join();
        drop(self.reader);
    }
}

/// Starts reading stdin and writing stdout: messages read arrive on the receiver; messages
/// sent are written in order. The receiver closes when stdin does.
pub fn stdio() -> io::Result<(Sender<Message>, Receiver<Message>, Threads)> {
    let (in_tx, in_rx) = unbounded::<Message>();
    let (out_tx, out_rx) = bounded::<Message>(64);
    let reader = thread::Builder::new()
        .name("kith-lsp-reader".into())
        .spawn(move || {
            let stdin = io::stdin();
            let mut input = stdin.lock();
            read_all(&mut input, &in_tx);
        })?;
    let writer = thread::Builder::new()
        .name("kith-lsp-writer".into())
        .spawn(move || {
            let stdout = io::stdout();
            let mut out = stdout.lock();
            for msg in out_rx {
                // A client that stopped reading: nothing more can be said to it.
                if msg.write(&mut out).and_then(|()| out.flush()).is_err() {
                    break;
                }
            }
        })?;
    Ok((out_tx, in_rx, Threads { reader, writer }))
}

/// Reads messages until end of input (or until the server stops listening).
pub fn read_all(input: &mut impl BufRead, to: &Sender<Message>) {
    loop {
        match read_one(input) {
            Ok(None) => return,
            Ok(Some(Frame::Message(msg))) => {
                let is_exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
                if to.send(msg).is_err() || is_exit {
                    return;
                }
            }
            Ok(Some(Frame::Skipped(why))) => eprintln!("kith lsp: skipped a message: {why}"),
            Err(e) => {
                eprintln!("kith lsp: cannot read from the client: {e}");
                return;
            }
        }
    }
}

/// One frame from the client.
#[derive(Debug)]
pub enum Frame {
    Message(Message),
    /// A frame that is not an LSP message, and why.
    Skipped(String),
}

/// Reads one frame: `None` at the end of input.
pub fn read_one<R: BufRead>(input: &mut R) -> io::Result<Option<Frame>> {
    let mut length: Option<usize> = None;
    let mut bad_header = None;
    let mut line = String::new();
    let mut saw_header = false;
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            if saw_header {
                break;
            }
            // Blank lines between frames are tolerated.
            continue;
        }
        saw_header = true;
        match header.split_once(':') {
            Some((name, value)) if name.eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<usize>() {
                    Ok(n) => length = Some(n),
                    Err(_) => bad_header = Some(format!("bad Content-Length `{}`", value.trim())),
                }
            }
            Some(_) => {}
            None => bad_header = Some(format!("not a header: `{}`", truncate(header))),
        }
    }
    let Some(length) = length else {
        return Ok(Some(Frame::Skipped(
            bad_header.unwrap_or_else(|| "no Content-Length header".into()),
        )));
    };
    if length > MAX_MESSAGE_BYTES {
        io::copy(
            &mut io::Read::take(&mut *input, length as u64),
            &mut io::sink(),
        )?;
        return Ok(Some(Frame::Skipped(format!(
            "{length} bytes is more than the {MAX_MESSAGE_BYTES} a message may have"
        ))));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    Ok(Some(match serde_json::from_slice::<Message>(&body) {
        Ok(msg) => Frame::Message(msg),
        Err(e) => Frame::Skipped(format!(
            "not a JSON-RPC message ({e}): {}",
            truncate(&String::from_utf8_lossy(&body))
        )),
    }))
}

fn truncate(s: &str) -> String {
    match s.char_indices().nth(80) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &str) -> Vec<String> {
        let mut r = io::BufReader::new(input.as_bytes());
        let mut out = Vec::new();
        while let Some(f) = read_one(&mut r).unwrap() {
            out.push(match f {
                Frame::Message(Message::Request(r)) => format!("request {}", r.method),
                Frame::Message(Message::Notification(n)) => format!("notification {}", n.method),
                Frame::Message(Message::Response(r)) => format!("response {}", r.id),
                Frame::Skipped(why) => format!("skipped: {why}"),
            });
        }
        out
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn a_bad_message_is_skipped_and_the_next_one_read() {
        let input = [
            frame(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#),
            frame("{not json"),
            frame(r#"{"jsonrpc":"2.0","what":1}"#),
            "Content-Type: x\r\n\r\n".into(),
            "Content-Length: nine\r\n\r\n".into(),
            frame(r#"{"jsonrpc":"2.0","method":"exit"}"#),
        ]
        .concat();
        let got = frames(&input);
        assert_eq!(got[0], "request initialize");
        assert!(
            got[1].starts_with("skipped: not a JSON-RPC message"),
            "{got:?}"
        );
        assert!(
            got[2].starts_with("skipped: not a JSON-RPC message"),
            "{got:?}"
        );
        assert_eq!(got[3], "skipped: no Content-Length header");
        assert_eq!(got[4], "skipped: bad Content-Length `nine`");
        assert_eq!(got[5], "notification exit");
        assert_eq!(got.len(), 6);
    }

    #[test]
    fn a_truncated_body_ends_the_input() {
        let mut r = io::BufReader::new("Content-Length: 100\r\n\r\n{}".as_bytes());
        assert!(read_one(&mut r).is_err());
    }
}
