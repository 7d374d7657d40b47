//! Interned strings for the words records repeat endlessly (field names, activity types,
//! teammates): an 8-byte handle instead of a 24-byte string per occurrence, compared by pointer.
//!
//! Each distinct word is leaked once and lives for the process. Reading a symbol's text takes
//! no lock; interning looks in a per-thread cache first, so parallel loaders rarely touch the
//! shared table.

use rustc_hash::FxHashMap;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::{OnceLock, RwLock};

/// An interned string.
#[derive(Clone, Copy)]
pub struct Sym(&'static &'static str);

fn table() -> &'static RwLock<FxHashMap<&'static str, Sym>> {
    static TABLE: OnceLock<RwLock<FxHashMap<&'static str, Sym>>> = OnceLock::new();
    TABLE.get_or_init(Default::default)
}

/// Places in each thread's cache of recent words: a power of two.
const RECENT: usize = 256;

thread_local! {
    static LOCAL: RefCell<FxHashMap<&'static str, Sym>> = RefCell::new(FxHashMap::default());
    /// The words this thread interned last, each at a place its length and first, middle and
    /// last bytes choose: a record's field names and activity types are found here with one
    /// comparison, without hashing them (they were 4 % of a million records' load).
    static RECENT_WORDS: Cell<[Option<Sym>; RECENT]> = const { Cell::new([None; RECENT]) };
}

/// The place of `s` in the cache of recent words.
fn place(s: &str) -> usize {
    let b = s.as_bytes();
    let first = usize::from(b.first().copied().unwrap_or(0));
    let middle = usize::from(b.get(b.len() / 2).copied().unwrap_or(0));
    let last = usize::from(b.last().copied().unwrap_or(0));
    let mixed = b.len() ^ (first << 5) ^ (middle << 12) ^ (last << 19);
    (mixed.wrapping_mul(0x9e37_79b9) >> 8) & (RECENT - 1)
}

impl Sym {
    pub fn new(s: &str) -> Sym {
        let at = place(s);
        let recent = RECENT_WORDS.with(|r| r.as_array_of_cells()[at].get());
        if let Some(sym) = recent
            && *sym.0 == s
        {
            return sym;
        }
        let sym = match LOCAL.with_borrow(|local| local.get(s).copied()) {
            Some(sym) => sym,
            None => {
                let sym = Sym::global(s);
                LOCAL.with_borrow_mut(|local| local.insert(sym.as_str(), sym));
                sym
            }
        };
        RECENT_WORDS.with(|r| r.as_array_of_cells()[at].set(Some(sym)));
        sym
    }

    fn global(s: &str) -> Sym {
        if let Some(sym) = table().read().unwrap_or_else(|e| e.into_inner()).get(s) {
            return *sym;
        }
        let mut t = table().write().unwrap_or_else(|e| e.into_inner());
        if let Some(sym) = t.get(s) {
            return *sym;
        }
        let word: &'static str = Box::leak(s.to_owned().into_boxed_str());
        let sym = Sym(Box::leak(Box::new(word)));
        t.insert(word, sym);
        sym
    }

    pub fn as_str(self) -> &'static str {
        self.0
    }
}

impl PartialEq for Sym {
    fn eq(&self, other: &Sym) -> bool {
        // One leaked cell per distinct word: equal words have equal addresses.
        std::ptr::eq(self.0, other.0)
    }
}

impl Eq for Sym {}

impl Hash for Sym {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.0 as *const &str as usize).hash(state);
    }
}

impl std::ops::Deref for Sym {
    type Target = str;
    fn deref(&self) -> &str {
        self.0
    }
}

impl PartialEq<str> for Sym {
    fn eq(&self, other: &str) -> bool {
        *self.0 == other
    }
}

impl PartialEq<&str> for Sym {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == *other
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
        f.pad(self.0)
    }
}

impl fmt::Debug for Sym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
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
        assert_eq!(std::mem::size_of::<Option<Sym>>(), 8);
        let other_thread = std::thread::spawn(|| Sym::new("lifecycle")).join().unwrap();
        assert_eq!(other_thread, a);
        assert_eq!(format!("[{:<6}]", Sym::new("ab")), "[ab    ]");
    }
}
