use std::process::ExitCode;

/// mimalloc: kith allocates many small values from every core at once (parsing 100,000
/// records, rendering 100,000 pages), where glibc's allocator spends a sixth of the time.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc 3's `mimalloc.h` (libmimalloc-sys binds the setter only
/// behind a feature that needs another crate, and names no constant for this option).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

unsafe extern "C" {
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

fn main() -> ExitCode {
    // No transparent huge pages: mimalloc asks for them on its arenas, and a huge page is
    // counted whole however little of it is used. At 100,000 records that was 40 MB more
    // resident memory and a third more kernel time zeroing pages, for no gain in speed.
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_THP_DISABLE takes integer arguments and touches no memory.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    // Memory freed goes back to the system after 10 ms instead of mimalloc's default second:
    // a load frees about as much as it keeps (read buffers, parse scratch), and a cold report
    // at 100,000 records peaked 12 MB lower (256 -> 244 MB) for no measurable time.
    // `MIMALLOC_PURGE_DELAY` still wins.
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: mimalloc's own option setter (in the library the allocator links), given an
        // option it knows and a value in range.
        unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, 10) };
    }
    // A command that holds what it loads to the end (a report) keeps what it frees for a
    // second, mimalloc's default: at 1,000,000 records, handing it back at once cost 2 s of
    // kernel time faulting the same pages in again (a tenth of the report).
    let _ = kith::util::free::ON_HOLDING.set(|| {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            // SAFETY: as above.
            unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, 1000) };
        }
    });
    kith::cmd::main()
}
