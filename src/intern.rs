//! Interned strings for the words records repeat endlessly (field names, activity types,
//! teammates): a 4-byte handle instead of a 24-byte string per occurrence. The table only grows;
//! it holds each distinct word once for the life of the process.

use rustc_hash::FxHashMap;
use std::fmt;
use std::num::NonZeroU32;
use std::sync::{OnceLock, RwLock};

/// An interned string.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sym(NonZeroU32);

#[derive(Default)]
struct Table {
    ids: FxHashMap<&'static str, Sym>,
    words: Vec<&'static str>,
}

fn table() -> &'static RwLock<Table> {
    static TABLE: OnceLock<RwLock<Table>> = OnceLock::new();
    TABLE.get_or_init(Default::default)
}

impl Sym {
    pub fn new(s: &str) -> Sym {
        if let Some(sym) = table().read().unwrap_or_else(|e| e.into_inner()).ids.get(s) {
            return *sym;
        }
        let mut t = table().write().unwrap_or_else(|e| e.into_inner());
        if let Some(sym) = t.ids.get(s) {
            return *sym;
        }
        let word: &'static str = Box::leak(s.to_owned().into_boxed_str());
        t.words.push(word);
        let sym = Sym(NonZeroU32::new(t.words.len() as u32).expect("the table starts at 1"));
        t.ids.insert(word, sym);
        sym
    }

    pub fn as_str(self) -> &'static str {
        table().read().unwrap_or_else(|e| e.into_inner()).words[self.0.get() as usize - 1]
    }
}

impl std::ops::Deref for Sym {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<str> for Sym {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Sym {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl From<&str> for Sym {
    fn from(s: &str) -> Sym {
        Sym::new(s)
    }
}

impl fmt::Display for Sym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad` honours width and alignment (`{:<12}`), as `str`'s Display does.
        f.pad(self.as_str())
    }
}

impl fmt::Debug for Sym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interns_once() {
        let a = Sym::new("lifecycle");
        let b = Sym::new(&String::from("lifecycle"));
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "lifecycle");
        assert!(a == "lifecycle");
        assert_ne!(Sym::new("owner"), a);
        assert_eq!(std::mem::size_of::<Option<Sym>>(), 4);
    }
}
