//! Frontmatter split and parse: any bytes give a record and diagnostics, never a panic.
#![no_main]
use kith::record::config::Config;
use kith::record::Kind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let cfg = Config::default();
    let parsed = kith::record::parse::parse(Kind::Person, "fuzz", "contacts/fuzz.md", data, &cfg);
    // The diagnostics render, with their positions inside the file.
    for d in &parsed.diags {
        let _ = d.render(false);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = kith::record::task::read(text, 1);
        let _ = kith::record::body::read(text, 1);
    }
});
