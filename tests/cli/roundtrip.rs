//! Round trips (issue 20): the example workspace through JSON lines (file for file, byte for
//! byte) and through a CSV folder (record for record, as kith parses them) into an empty
//! workspace, and back into itself without a change.

use crate::harness::*;
use std::path::{Path, PathBuf};

/// A new, empty workspace (`kith init`) in a temporary folder; with `config`, the example's
/// kith.yaml (its custom fields) instead of the default one.
fn empty_workspace(config: bool) -> (Ws, PathBuf) {
    let tmp = Ws::empty();
    kith_in(tmp.path(), &["init", "crm", "--timezone", "Europe/London"]).ok();
    let root = tmp.path().join("crm");
    if config {
        std::fs::copy(
            repo_path("example-workspace/kith.yaml"),
            root.join("kith.yaml"),
        )
        .unwrap();
    }
    (tmp, root)
}

/// Every record file of a workspace: (relative path, bytes), sorted.
fn record_files(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for dir in ["contacts", "companies", "deals"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for e in entries {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with(".md") {
                out.push((format!("{dir}/{name}"), std::fs::read(e.path()).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// A record as kith shows it, without what depends on the workspace around it.
fn parsed(root: &Path, rel: &str) -> serde_json::Value {
    let mut v = kith_in(root, &["show", rel, "--format", "json"]).json();
    let obj = v.as_object_mut().unwrap();
    obj.remove("diagnostics");
    v
}

#[test]
fn json_lines_reproduce_the_example_byte_for_byte() {
    let ws = Ws::example();
    let scratch = Ws::empty();
    let out = scratch.path().join("all.jsonl");
    let run = ws.kith(&[
        "export",
        "--format",
        "json",
        "--include-dnc",
        "-o",
        out.to_str().unwrap(),
    ]);
    run.ok();
    assert!(
        run.stderr.starts_with("wrote 104 records to "),
        "{}",
        run.stderr
    );
    let lines = std::fs::read_to_string(&out).unwrap();
    let first: serde_json::Value = serde_json::from_str(lines.lines().next().unwrap()).unwrap();
    assert_eq!(
        first["computed"],
        serde_json::json!([
            "score",
            "fit_score",
            "engagement_score",
            "grade",
            "segments"
        ])
    );
    assert!(first["body"].as_str().unwrap().contains("## Activity\n"));

    let (_tmp, root) = empty_workspace(false);
    let run = kith_in(&root, &["import", out.to_str().unwrap()]);
    assert!(
        run.ok().contains(": 104 created, 0 updated, 0 unchanged"),
        "{}",
        run.stdout
    );
    let want = record_files(ws.path());
    assert_eq!(want.len(), 104);
    let got = record_files(&root);
    assert_eq!(got.len(), want.len());
    for ((wp, wb), (gp, gb)) in want.iter().zip(&got) {
        assert_eq!(wp, gp);
        assert!(wb == gb, "{wp} differs after the round trip");
    }
    // Again: the records are there and equal, so nothing changes.
    let before = status(&root);
    let run = kith_in(&root, &["import", out.to_str().unwrap()]);
    assert!(
        run.ok().contains(": 0 created, 0 updated, 104 unchanged"),
        "{}",
        run.stdout
    );
    assert_eq!(status(&root), before);
    // And into the workspace it came from.
    ws.kith(&["import", out.to_str().unwrap()]).ok();
    ws.assert_untouched();
}

#[test]
fn unusual_yaml_survives_json_lines_byte_for_byte() {
    let ws = Ws::example();
    let text = "---\r\n# Met at the Lisbon meetup\r\nname: Odd Case   # not Od\r\n\"title\": 'Head of R&D: Engines'\r\nsummary: >\r\n  Two lines,\r\n  folded.\r\nplain: |\r\n  kept\r\n    as is.\r\ntags:\r\n  - vip    # for now\r\n  - \"yes\"\r\n---\r\nSome notes.\r\n\r\n## Activity\r\n- 2026-11-20 call @sam: first\r\n  and second line\r\n\r\n## Tasks\r\n- [ ] 2026-11-30 email @sam: follow up (from @priya)\r\n";
    ws.write("contacts/odd-case.md", text);
    let run = ws.kith(&[
        "export",
        "--kind",
        "contacts",
        "--format",
        "json",
        "--include-dnc",
        "--where",
        "name = \"Odd Case\"",
    ]);
    let line = run.ok().to_string();
    let obj: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    assert_eq!(obj["file"], text);
    assert_eq!(
        obj["yaml"]["title"],
        "\"title\": 'Head of R&D: Engines'\r\n"
    );
    assert_eq!(
        obj["yaml"]["summary"],
        "summary: >\r\n  Two lines,\r\n  folded.\r\n"
    );
    assert_eq!(obj["tags"], serde_json::json!(["vip", "yes"]));
    assert_eq!(obj["name"], "Odd Case");
    assert_eq!(obj["yaml"]["name"], "name: Odd Case   # not Od\r\n");
    // What kith would write the same way is not repeated.
    assert!(obj["yaml"].get("plain").is_none(), "{}", obj["yaml"]);

    let (tmp, root) = empty_workspace(false);
    let file = tmp.path().join("odd.jsonl");
    std::fs::write(&file, &line).unwrap();
    kith_in(&root, &["import", file.to_str().unwrap()]).ok();
    assert_eq!(
        std::fs::read(root.join("contacts/odd-case.md")).unwrap(),
        text.as_bytes()
    );
}

#[test]
fn a_dry_run_writes_nothing() {
    let ws = Ws::example();
    let scratch = Ws::empty();
    let file = scratch.path().join("all.jsonl");
    let text = ws
        .kith(&["export", "--format", "json", "--include-dnc"])
        .ok()
        .to_string();
    std::fs::write(&file, text).unwrap();
    let (_tmp, root) = empty_workspace(false);
    let before = status(&root);
    let run = kith_in(&root, &["--dry-run", "import", file.to_str().unwrap()]);
    let out = run.ok();
    assert!(
        out.contains(": 104 created, 0 updated, 0 unchanged"),
        "{out}"
    );
    assert!(out.contains("dry run: nothing was written"), "{out}");
    assert!(record_files(&root).is_empty());
    assert_eq!(status(&root), before);
}

#[test]
fn local_edits_are_kept_and_listed_unless_overwrite() {
    let ws = Ws::example();
    let scratch = Ws::empty();
    let file = scratch.path().join("all.jsonl");
    let text = ws
        .kith(&["export", "--format", "json", "--include-dnc"])
        .ok()
        .to_string();
    std::fs::write(&file, text).unwrap();
    let before = ws.read("contacts/aisha-rahman.md");
    let edited = before.replace("title: Data Engineer", "title: Lead Data Engineer");
    ws.write("contacts/aisha-rahman.md", &edited);
    let file = file.to_str().unwrap();
    let out = ws.kith(&["import", file]).ok().to_string();
    assert!(
        out.contains(": 0 created, 0 updated, 104 unchanged"),
        "{out}"
    );
    assert!(
        out.contains(
            "  contacts/aisha-rahman.md: title is `Lead Data Engineer` here, `Data Engineer` in "
        ),
        "{out}"
    );
    assert_eq!(ws.read("contacts/aisha-rahman.md"), edited);
    let out = ws.kith(&["import", file, "--overwrite"]).ok().to_string();
    assert!(
        out.contains(": 0 created, 1 updated, 103 unchanged"),
        "{out}"
    );
    assert_eq!(ws.read("contacts/aisha-rahman.md"), before);
}

#[test]
fn a_csv_folder_reproduces_every_record() {
    let ws = Ws::example();
    let scratch = Ws::empty();
    let dir = scratch.path().join("out");
    let dir_slash = format!("{}/", dir.display());
    let run = ws.kith(&[
        "export",
        "--kind",
        "all",
        "--format",
        "csv",
        "--include-dnc",
        "-o",
        &dir_slash,
    ]);
    run.ok();
    assert!(
        run.stderr
            .starts_with("wrote 72 contacts, 18 companies, 14 deals to "),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .ends_with(" (people.csv, companies.csv, deals.csv, activities.csv, tasks.csv)\n"),
        "{}",
        run.stderr
    );
    let activities = std::fs::read_to_string(dir.join("activities.csv")).unwrap();
    assert!(activities.starts_with("id,kind,date,time,type,by,deal,text\n"));
    let tasks = std::fs::read_to_string(dir.join("tasks.csv")).unwrap();
    assert!(
        tasks.starts_with("id,kind,due,time,done,type,owner,deal,text,from,workflow,done_on\n")
    );

    let files: Vec<String> = ["people", "companies", "deals", "activities", "tasks"]
        .iter()
        .map(|f| dir.join(format!("{f}.csv")).display().to_string())
        .collect();
    let dir_arg = dir.display().to_string();
    for args in [
        vec![dir_arg.as_str()],
        files.iter().map(String::as_str).collect(),
    ] {
        let (_tmp, root) = empty_workspace(true);
        let mut argv = vec!["import"];
        argv.extend(&args);
        let out = kith_in(&root, &argv);
        assert!(
            out.ok().contains(": 104 created, 0 updated, 0 unchanged"),
            "{}",
            out.stdout
        );
        let want = record_files(ws.path());
        let got = record_files(&root);
        let paths = |v: &[(String, Vec<u8>)]| v.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
        assert_eq!(paths(&got), paths(&want));
        let mut entries = 0;
        for (rel, _) in &want {
            let a = parsed(ws.path(), rel);
            let b = parsed(&root, rel);
            assert_eq!(a["fields"], b["fields"], "{rel}");
            assert_eq!(a["activities"], b["activities"], "{rel}");
            assert_eq!(a["tasks"], b["tasks"], "{rel}");
            assert_eq!(a["notes"], b["notes"], "{rel}");
            entries +=
                a["activities"].as_array().unwrap().len() + a["tasks"].as_array().unwrap().len();
        }
        assert!(entries > 100, "{entries}");
        kith_in(&root, &["check"]).ok();
    }
    // Back into the workspace they came from: nothing to add.
    let out = ws.kith(&["import", &dir_slash]).ok().to_string();
    assert!(
        out.contains(": 0 created, 0 updated, 104 unchanged"),
        "{out}"
    );
    ws.assert_untouched();
}

#[test]
fn kiths_own_people_csv_adds_no_source() {
    let ws = Ws::example();
    let scratch = Ws::empty();
    let file = scratch.path().join("people.csv");
    ws.kith(&[
        "export",
        "--format",
        "csv",
        "--kind",
        "contacts",
        "--include-dnc",
        "-o",
        file.to_str().unwrap(),
    ])
    .ok();
    let (_tmp, root) = empty_workspace(true);
    let out = kith_in(&root, &["import", file.to_str().unwrap()]);
    assert!(out.ok().contains("72 created"), "{}", out.stdout);
    let mut without = 0;
    for (rel, _) in record_files(ws.path())
        .iter()
        .filter(|(p, _)| p.starts_with("contacts/"))
    {
        let source = |root: &Path| parsed(root, rel)["fields"]["source"].clone();
        if source(ws.path()).is_null() {
            without += 1;
            assert!(source(&root).is_null(), "{rel} gained a source");
        }
    }
    assert!(without >= 11, "{without}");
    // Again: what it just exported is there.
    let out = kith_in(&root, &["import", file.to_str().unwrap()]);
    assert!(
        out.ok().contains("0 created, 0 updated, 72 unchanged"),
        "{}",
        out.stdout
    );
}

#[test]
fn several_kinds_of_csv_need_a_folder() {
    let ws = Ws::example();
    let err = ws
        .kith(&["export", "--kind", "all", "--format", "csv"])
        .fails(2)
        .to_string();
    assert!(err.contains("give a folder, as in `-o export/`"), "{err}");
    let scratch = Ws::empty();
    let other = scratch.path().join("other.csv");
    std::fs::write(&other, "Name,Email\nAda,ada@x.example\n").unwrap();
    let out = format!("{}/out/", scratch.path().display());
    ws.kith(&["export", "--kind", "all", "--format", "csv", "-o", &out])
        .ok();
    let people = format!("{out}people.csv");
    let err = ws
        .kith(&["import", &people, other.to_str().unwrap()])
        .fails(1)
        .to_string();
    assert!(
        err.contains("other.csv is not one of kith's own export files"),
        "{err}"
    );
    assert!(
        err.contains("help: import another tool's file on its own: `kith import "),
        "{err}"
    );
    ws.assert_untouched();
}

#[test]
fn kiths_own_companies_deals_and_activities_files_import_on_their_own() {
    let ws = Ws::example();
    let scratch = Ws::empty();
    let out = format!("{}/out/", scratch.path().display());
    ws.kith(&[
        "export",
        "--kind",
        "all",
        "--format",
        "csv",
        "--include-dnc",
        "-o",
        &out,
    ])
    .ok();
    // Into the workspace they came from: nothing to add.
    let activities = format!("{out}activities.csv");
    let run = ws.kith(&["import", &activities]);
    assert!(
        run.ok().contains(": 0 created, 0 updated, "),
        "{}",
        run.stdout
    );
    ws.assert_untouched();
    // Companies and deals stay companies and deals.
    let (_tmp, root) = empty_workspace(true);
    for file in ["companies.csv", "deals.csv"] {
        let run = kith_in(&root, &["import", &format!("{out}{file}")]);
        run.ok();
    }
    let files = record_files(&root);
    assert_eq!(
        files
            .iter()
            .filter(|(p, _)| p.starts_with("companies/"))
            .count(),
        18
    );
    assert_eq!(
        files
            .iter()
            .filter(|(p, _)| p.starts_with("deals/"))
            .count(),
        14
    );
    assert!(!files.iter().any(|(p, _)| p.starts_with("contacts/")));
    let a = parsed(ws.path(), "companies/calder-mutual.md");
    let b = parsed(&root, "companies/calder-mutual.md");
    assert_eq!(a["fields"], b["fields"]);
}
