//! The example workspace (`example-workspace/`: Brightwave, a small analytics start-up),
//! embedded in the binary by `build.rs` so that an installed kith can materialize it
//! ([`crate::demo`], `kith demo`).

use jiff::civil::Date;

include!(concat!(env!("OUT_DIR"), "/example_files.rs"));

/// The example's "today": its records are written as of this day, and the tests pin it.
pub const TODAY: Date = Date::constant(2026, 11, 25);

/// The text of one file of the example (`kith.yaml`, `contacts/ben-carver.md`).
pub fn get(path: &str) -> Option<&'static str> {
    FILES
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_every_file_of_the_folder() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example-workspace");
        let mut on_disk = 0;
        for kind in crate::record::Kind::ALL {
            for entry in std::fs::read_dir(dir.join(kind.dir())).unwrap() {
                let path = entry.unwrap().path();
                let rel = format!(
                    "{}/{}",
                    kind.dir(),
                    path.file_name().unwrap().to_str().unwrap()
                );
                assert_eq!(
                    get(&rel),
                    Some(std::fs::read_to_string(&path).unwrap().as_str()),
                    "{rel}"
                );
                on_disk += 1;
            }
        }
        assert_eq!(FILES.len(), on_disk + 1, "the records and kith.yaml");
        assert!(get("kith.yaml").is_some_and(|t| t.contains("Brightwave")));
        assert!(FILES.windows(2).all(|w| w[0].0 < w[1].0), "sorted by path");
    }
}
