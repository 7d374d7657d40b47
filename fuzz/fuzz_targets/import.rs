//! The importers: any bytes read as CSV or vCards give rows or a clear error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = kith::plan::import::read(data, &[]);
    let _ = kith::plan::import::read(data, &[("Email Address".into(), "email".into())]);
});
