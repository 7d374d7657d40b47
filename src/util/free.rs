//! Freeing a large value off the critical path.
//!
//! Dropping a loaded workspace frees every record's fields, activities and strings one by
//! one: about a tenth of a second at 100,000 records. A command that is about to exit does not
//! need to wait for it. [`Later`] hands the value to a thread of its own when it is dropped;
//! the process does not wait for that thread when it exits, and a long-running process
//! (`kith watch`) simply gets the memory back a moment later.

use std::ops::Deref;

/// Keeps `value` until the process exits, for a command that is about to: freeing 100,000
/// records one by one at exit would only cost time. Not for code a long-running process
/// (`kith watch`, `kith serve`) runs more than once; [`Later`] is for that.
pub fn until_exit<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

/// What the executable's allocator does when a command will hold most of what it allocates to
/// the end and free little ([`holding`]); set once by `main`, before any command runs.
pub static ON_HOLDING: std::sync::OnceLock<fn()> = std::sync::OnceLock::new();

/// Tells the allocator that this command holds what it loads until it exits (a report): the
/// memory it frees along the way (read buffers, a listing, scratch) is soon needed again, and
/// handing it back to the system at once only costs a page fault a page to get it back.
pub fn holding() {
    if let Some(hook) = ON_HOLDING.get() {
        hook();
    }
}

/// A value that is dropped on another thread.
pub struct Later<T: Send + 'static>(Option<T>);

impl<T: Send + 'static> Later<T> {
    pub fn new(value: T) -> Later<T> {
        Later(Some(value))
    }
}

impl<T: Send + 'static> Deref for Later<T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.0.as_ref().expect("only taken when dropped")
    }
}

impl<T: Send + 'static> Drop for Later<T> {
    fn drop(&mut self) {
        let Some(value) = self.0.take() else { return };
        // Should no thread be available, the closure, and the value with it, is dropped here.
        let _ = std::thread::Builder::new()
            .name("kith-free".into())
            .spawn(move || drop(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    struct Flag(Arc<AtomicBool>);
    impl Drop for Flag {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    #[test]
    fn the_value_is_dropped_eventually_and_readable_until_then() {
        let dropped = Arc::new(AtomicBool::new(false));
        let later = Later::new((Flag(dropped.clone()), 7));
        assert_eq!(later.1, 7);
        drop(later);
        let start = std::time::Instant::now();
        while !dropped.load(Ordering::SeqCst) {
            assert!(start.elapsed().as_secs() < 10, "never dropped");
            std::thread::yield_now();
        }
    }
}
