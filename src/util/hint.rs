//! Errors that say what to do next: a message and a help line kept apart, so that the one place
//! that prints errors ([`crate::cmd::render_error`]) puts the help after the whole chain of
//! causes, the same way for every command, and a caller that shows a message in a table or a
//! list (an import's rows) can put the help where it fits.

use std::fmt;

/// An error's message and, when there is one, what to do about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Hint {
    pub message: String,
    pub help: Option<String>,
}

impl fmt::Display for Hint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Hint {}

/// A message alone, as the parsers below the commands write them.
impl From<String> for Hint {
    fn from(message: String) -> Hint {
        Hint::plain(message)
    }
}

impl Hint {
    pub fn new(message: impl Into<String>, help: impl Into<String>) -> Hint {
        Hint {
            message: message.into(),
            help: Some(help.into()),
        }
    }

    /// A message with no help to give.
    pub fn plain(message: impl Into<String>) -> Hint {
        Hint {
            message: message.into(),
            help: None,
        }
    }

    /// The message with its help in parentheses, for one line of a list.
    pub fn inline(&self) -> String {
        join_inline(&self.message, self.help.as_deref())
    }
}

/// An error with a help line: `error: MESSAGE`, then `  help: HELP`.
pub fn hint(message: impl Into<String>, help: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Hint::new(message, help))
}

/// `err`'s whole chain as one message (`{err:#}`, causes joined by `: `), its help kept.
pub fn flatten(err: &anyhow::Error, message: impl FnOnce(String) -> String) -> anyhow::Error {
    let text = message(format!("{err:#}"));
    match help_of(err) {
        Some(help) => hint(text, help),
        None => anyhow::Error::msg(text),
    }
}

/// `err` among other output (a watcher's message, a warning): its whole chain on one line,
/// then its help on the next, as [`crate::cmd::render_error`] writes it.
pub fn as_lines(err: &anyhow::Error) -> String {
    match help_of(err) {
        Some(help) => format!("{err:#}\n  help: {help}"),
        None => format!("{err:#}"),
    }
}

/// `err` as one line of a list (a bulk edit's refusals): its whole chain, then its help in
/// parentheses, as [`Hint::inline`] writes a hint.
pub fn inline(err: &anyhow::Error) -> String {
    join_inline(&format!("{err:#}"), help_of(err))
}

fn join_inline(message: &str, help: Option<&str>) -> String {
    match help {
        Some(h) => format!("{message} ({h})"),
        None => message.to_string(),
    }
}

/// The help of the first [`Hint`] in `err`'s chain, context included.
pub fn help_of(err: &anyhow::Error) -> Option<&str> {
    err.downcast_ref::<Hint>().and_then(|h| h.help.as_deref())
}
