//! A fixture workspace of malformed records (`tests/fixtures/malformed/`): each bad file yields
//! its precise diagnostic (file:line:column, a plain-language message and a fix), and the good
//! records still load.

use crate::harness::*;

/// The fixture, plus what git cannot store: a FIFO, a symlink leading outside the workspace
/// and one staying inside it.
fn fixture() -> (Ws, tempfile::TempDir) {
    let ws = Ws::empty();
    copy_dir(&repo_path("tests/fixtures/malformed"), ws.path());
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.md"),
        "---\nname: Outside\n---\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            outside.path().join("secret.md"),
            ws.file("contacts/outside-link.md"),
        )
        .unwrap();
        ws.write(
            "archive/linked.md",
            "---\nname: Linked Inside\nemail: linked@acme.example\n---\n",
        );
        std::os::unix::fs::symlink(
            ws.file("archive/linked.md"),
            ws.file("contacts/inside-link.md"),
        )
        .unwrap();
        let status = std::process::Command::new("mkfifo")
            .arg(ws.file("contacts/pipe.md"))
            .status()
            .unwrap();
        assert!(status.success());
    }
    (ws, outside)
}

#[test]
fn every_malformed_record_gets_its_precise_diagnostic() {
    let (ws, outside) = fixture();
    let run = ws.kith(&["check"]);
    let outside_path = outside.path().canonicalize().unwrap();
    let got = run
        .stdout
        .replace(&outside_path.display().to_string(), "<outside>");
    let expected =
        std::fs::read_to_string(repo_path("tests/fixtures/malformed/expected.txt")).unwrap();
    assert_eq!(got, expected, "kith check output differs from expected.txt");
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr, "23 errors, 8 warnings in 32 records\n");
}

#[test]
fn the_good_records_still_load() {
    let (ws, _outside) = fixture();
    let people = ws.kith(&["list", "--format", "json"]).json();
    let find = |id: &str| {
        people
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .cloned()
    };
    let ada = find("good-ada").expect("good-ada is listed");
    assert_eq!(ada["email"], "ada@acme.example");
    assert_eq!(ada["lifecycle"], "lead");
    assert_eq!(find("inside-link").unwrap()["name"], "Linked Inside");
    // A record that cannot be read is still listed (so it can be found and fixed), without fields.
    assert!(find("at-sign").unwrap().get("name").is_none());
    let show = ws.kith(&["show", "good-ada"]);
    assert!(
        show.ok().contains("Acme Analytics (acme)"),
        "{}",
        show.stdout
    );
    let deals = ws.kith(&["list", "deals", "--format", "json"]).json();
    assert_eq!(deals.as_array().unwrap().len(), 4);
}

#[test]
fn json_diagnostics_carry_positions_and_codes() {
    let (ws, _outside) = fixture();
    let run = ws.kith(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let diags = run.json();
    let d = diags
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == "contacts/bad-date.md")
        .unwrap();
    assert_eq!(d["line"], 3);
    assert_eq!(d["column"], 10);
    assert_eq!(d["severity"], "error");
    assert_eq!(d["code"], "invalid-date");
    assert_eq!(d["message"], "`created` is not a valid date: `2026-02-30`");
    assert!(d["help"].as_str().unwrap().contains("YYYY-MM-DD"));
}
