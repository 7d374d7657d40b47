//! The sharded layout (`layout: sharded`, `contacts/3f/a/ada.md`) and `kith migrate --layout`:
//! the example workspace migrated answers every command as the flat one does, sync and the
//! merge driver work across clones, and a migration is one commit of renames that a round
//! trip undoes to the same trees.

use crate::harness::*;
use std::path::Path;

/// The shard of an id, computed here independently of kith: the top byte of the 32-bit
/// FNV-1a hash of its bytes as two hex digits, then its next four bits as one (`3f/a`).
fn shard(id: &str) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in id.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    format!("{:02x}/{:x}", h >> 24, (h >> 20) & 0xf)
}

fn sharded_path(kind: &str, id: &str) -> String {
    format!("{kind}/{}/{id}.md", shard(id))
}

/// Output with every sharded record path (`contacts/3f/a/ada.md`) written flat
/// (`contacts/ada.md`).
fn unshard(text: &str) -> String {
    let mut out = text.to_string();
    for kind in ["contacts", "companies", "deals"] {
        let mut done = String::new();
        let mut rest = out.as_str();
        let marker = format!("{kind}/");
        while let Some(at) = rest.find(&marker) {
            let after = &rest[at + marker.len()..];
            let b = after.as_bytes();
            let hex = |c: &u8| c.is_ascii_hexdigit() && !c.is_ascii_uppercase();
            let sharded =
                b.len() > 5 && b[2] == b'/' && b[4] == b'/' && b[..2].iter().all(hex) && hex(&b[3]);
            done.push_str(&rest[..at + marker.len()]);
            rest = if sharded { &after[5..] } else { after };
        }
        done.push_str(rest);
        out = done;
    }
    out
}

fn tree(dir: &Path, rev: &str) -> String {
    git(dir, &["rev-parse", &format!("{rev}^{{tree}}")])
        .trim()
        .to_string()
}

/// The example workspace, migrated to the sharded layout (and committed).
fn sharded() -> Ws {
    let ws = Ws::example();
    let out = ws
        .kith(&["migrate", "--layout", "sharded"])
        .ok()
        .to_string();
    assert!(out.contains("to the sharded layout in one commit"), "{out}");
    ws
}

const SAM: Author = Author {
    name: "Sam Okafor",
    email: "sam@brightwave.example",
};
const PRIYA: Author = Author {
    name: "Priya Raman",
    email: "priya@brightwave.example",
};

#[test]
fn migrate_moves_every_record_in_one_commit_of_renames_and_back_to_the_same_trees() {
    let ws = Ws::example();
    let flat_tree = tree(ws.path(), "HEAD");
    let ada = sharded_path("contacts", "ahmed-el-sayed");

    // A dry run lists the moves and writes nothing.
    let out = ws
        .kith(&["--dry-run", "migrate", "--layout", "sharded"])
        .ok()
        .to_string();
    assert!(
        out.contains("contacts/ahmed-el-sayed.md: would move to contacts/"),
        "{out}"
    );
    assert!(
        out.contains("kith.yaml: would set layout: sharded"),
        "{out}"
    );
    assert!(out.contains("run it without --dry-run"), "{out}");
    ws.assert_untouched();
    assert_eq!(tree(ws.path(), "HEAD"), flat_tree);

    let out = ws
        .kith(&["migrate", "--layout", "sharded"])
        .ok()
        .to_string();
    assert!(out.contains("kith.yaml: set layout: sharded"), "{out}");
    ws.assert_untouched();
    assert!(!ws.file("contacts/ahmed-el-sayed.md").exists());
    assert!(ws.file(&ada).is_file());
    assert!(ws.read("kith.yaml").ends_with("layout: sharded\n"));
    // git's index as the migration left it (before a `git` command refreshes it): its
    // cache-tree says it holds the commit's tree, so that the next sync and report know at
    // once that nothing is staged; every moved file's details are fresh.
    assert_eq!(
        kith::git::indexfile::tree_of(&ws.path().join(".git/index")).map(|t| t.to_string()),
        Some(tree(ws.path(), "HEAD")),
    );
    assert_eq!(git(ws.path(), &["diff-files", "--name-only"]), "");
    // One commit; every record keeps its blob.
    assert_eq!(git(ws.path(), &["rev-list", "--count", "HEAD"]).trim(), "2");
    assert_eq!(
        git(ws.path(), &["rev-parse", &format!("HEAD:{ada}")]),
        git(
            ws.path(),
            &["rev-parse", "HEAD~1:contacts/ahmed-el-sayed.md"]
        )
    );
    let status = git(
        ws.path(),
        &["show", "--format=", "--name-status", "-M100%", "HEAD"],
    );
    assert!(
        status
            .lines()
            .all(|l| l.starts_with("R100") || l.starts_with("M\tkith.yaml")),
        "{status}"
    );
    // git follows the record across the migration.
    let log = git(ws.path(), &["log", "--follow", "--format=%s", "--", &ada]);
    assert_eq!(log.lines().last(), Some("example"), "{log}");
    // kith does too.
    let history = ws.kith(&["history", "ahmed-el-sayed"]).ok().to_string();
    assert!(history.contains("created"), "{history}");

    // Nothing left to move.
    let out = ws
        .kith(&["migrate", "--layout", "sharded"])
        .ok()
        .to_string();
    assert!(out.contains("nothing to do"), "{out}");

    // And back: the same tree as before, byte for byte.
    let out = ws.kith(&["migrate", "--layout", "flat"]).ok().to_string();
    assert!(out.contains("to the flat layout in one commit"), "{out}");
    ws.assert_untouched();
    assert_eq!(tree(ws.path(), "HEAD"), flat_tree);
    assert!(ws.file("contacts/ahmed-el-sayed.md").is_file());
    let top = &shard("ahmed-el-sayed")[..2];
    assert!(!ws.file(&format!("contacts/{top}")).exists());
}

#[test]
fn migrate_refuses_uncommitted_changes_and_says_what_to_do() {
    let ws = Ws::example();
    let text = ws.read("contacts/ahmed-el-sayed.md");
    ws.write(
        "contacts/ahmed-el-sayed.md",
        &format!("{text}- 2026-11-24 note: typed\n"),
    );
    let err = ws
        .kith(&["migrate", "--layout", "sharded"])
        .fails(1)
        .to_string();
    assert!(
        err.contains("uncommitted changes (contacts/ahmed-el-sayed.md)"),
        "{err}"
    );
    assert!(err.contains("commit them first"), "{err}");
    assert!(ws.file("contacts/ahmed-el-sayed.md").is_file());
    assert!(!ws.read("kith.yaml").contains("layout:"));
    assert_eq!(git(ws.path(), &["rev-list", "--count", "HEAD"]).trim(), "1");
}

#[test]
fn a_record_outside_its_shard_is_reported_not_lost() {
    let ws = sharded();
    ws.write("contacts/zed-new.md", "---\nname: Zed New\n---\n");
    let run = ws.kith(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let out = format!("{}{}", run.stdout, run.stderr);
    assert!(out.contains("contacts/zed-new.md"), "{out}");
    assert!(out.contains("kith migrate --layout sharded"), "{out}");
    commit_all(ws.path(), SAM, NOW, "a file by hand");
    ws.kith(&["migrate", "--layout", "sharded"]).ok();
    assert!(ws.file(&sharded_path("contacts", "zed-new")).is_file());
    ws.kith(&["check"]).ok();
}

/// A file one level short (`contacts/3f/ada.md`, where one-level sharding kept it) or in
/// another shard is reported by `kith check`, not read, and put in place by `kith migrate`
/// whichever way it goes: never ignored, never lost.
#[test]
fn a_record_one_level_short_or_in_another_shard_is_reported_and_migrated() {
    let ws = sharded();
    let short = format!("contacts/{}/zed-short.md", &shard("zed-short")[..2]);
    let other = if shard("zed-other") == "00/0" {
        "00/1"
    } else {
        "00/0"
    };
    let wrong = format!("contacts/{other}/zed-other.md");
    let short_text = "---\nname: Zed Short\n---\n";
    let wrong_text = "---\nname: Zed Other\n---\n";
    ws.write(&short, short_text);
    ws.write(&wrong, wrong_text);
    let run = ws.kith(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let out = format!("{}{}", run.stdout, run.stderr);
    for (path, id) in [(&short, "zed-short"), (&wrong, "zed-other")] {
        assert!(out.contains(path.as_str()), "{path}: {out}");
        assert!(
            out.contains(&format!("({})", sharded_path("contacts", id))),
            "{id}: {out}"
        );
    }
    assert!(out.contains("kith migrate --layout sharded"), "{out}");
    // Not read where they are: no such records yet.
    ws.kith(&["show", "zed-short"]).fails(1);
    commit_all(ws.path(), SAM, NOW, "files by hand");

    // To flat: both land at their flat paths, bytes unchanged, and the folders they left go.
    let out = ws.kith(&["migrate", "--layout", "flat"]).ok().to_string();
    assert!(out.contains("to the flat layout in one commit"), "{out}");
    assert_eq!(ws.read("contacts/zed-short.md"), short_text);
    assert_eq!(ws.read("contacts/zed-other.md"), wrong_text);
    assert!(!ws.file(&wrong).exists() && !ws.file(&short).exists());
    let dirs: Vec<String> = std::fs::read_dir(ws.file("contacts"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(dirs, Vec::<String>::new());
    ws.kith(&["check"]).ok();
    ws.kith(&["show", "zed-short"]).ok();
    assert_eq!(status(ws.path()), "");
}

#[test]
fn a_record_outside_its_shard_goes_into_place_with_migrate() {
    let ws = sharded();
    let short = format!("contacts/{}/zed-short.md", &shard("zed-short")[..2]);
    ws.write(&short, "---\nname: Zed Short\n---\n");
    commit_all(ws.path(), SAM, NOW, "a file by hand");
    let out = ws
        .kith(&["migrate", "--layout", "sharded"])
        .ok()
        .to_string();
    assert!(out.contains("to the sharded layout in one commit"), "{out}");
    assert!(ws.file(&sharded_path("contacts", "zed-short")).is_file());
    assert!(!ws.file(&short).exists());
    ws.kith(&["check"]).ok();
}

/// What kith says about a record names its file where it is: a likely duplicate, found by
/// comparing records, not by reading one file.
#[test]
fn diagnostics_name_records_by_their_sharded_paths() {
    let ws = sharded();
    let twin = sharded_path("contacts", "ahmed-twin");
    ws.write(
        &twin,
        "---\nname: Ahmed Twin\nemail: ahmed.elsayed@rheintal-versicherung.example\n---\n",
    );
    let run = ws.kith(&["check"]);
    let out = format!("{}{}", run.stdout, run.stderr);
    assert!(out.contains("[likely-duplicate]"), "{out}");
    assert!(out.contains(&twin), "{out}");
    assert!(
        out.contains(&sharded_path("contacts", "ahmed-el-sayed")),
        "{out}"
    );
    assert!(!out.contains("contacts/ahmed-el-sayed.md"), "{out}");
    assert!(!out.contains("contacts/ahmed-twin.md"), "{out}");
}

#[test]
fn reading_commands_answer_as_in_the_flat_layout() {
    let flat = Ws::example();
    let sharded = sharded();
    for args in [
        &["check"][..],
        &["list"],
        &["list", "--format", "json"],
        &["list", "--where", "lifecycle = customer"],
        &["show", "ahmed-el-sayed"],
        &["show", "ahmed-el-sayed", "--format", "json"],
        &["score", "ahmed-el-sayed"],
        &["segments"],
        &["duplicates"],
        &["due"],
        &["find", "ahmed"],
        &["export", "contacts"],
    ] {
        let (a, b) = (flat.kith(args), sharded.kith(args));
        assert_eq!(a.code, b.code, "kith {args:?}");
        assert_eq!(a.stdout, unshard(&b.stdout), "kith {args:?}");
        assert_eq!(a.stderr, unshard(&b.stderr), "kith {args:?}");
    }
    // With too few open files to hold every shard folder open, kith reads each record from
    // its first-level folder instead: the same answers, from a cold cache and a warm one.
    std::fs::remove_dir_all(sharded.path().join(".kith")).unwrap();
    for args in [
        "check",
        "check",
        "--no-cache list --format json",
        "duplicates",
    ] {
        let few = few_open_files(&sharded, args);
        let many = sharded.kith(&args.split(' ').collect::<Vec<_>>());
        assert_eq!(few.code, many.code, "kith {args}");
        assert_eq!(few.stdout, many.stdout, "kith {args}");
        assert_eq!(few.stderr, many.stderr, "kith {args}");
    }
}

/// A sharded workspace large enough that kith holds each shard folder open while it reads
/// its records (from 32,768 files, when enough files may be open): the same answers as with
/// too few open files to do so, where it reads each from its first-level folder.
#[test]
fn a_large_sharded_workspace_reads_the_same_through_either_folder() {
    let ws = Ws::with_config("name: large\nlayout: sharded\n");
    for i in 0..33_000 {
        let id = format!("person-{i:05}");
        let company = if i % 1000 == 7 {
            "\ncompany: nowhere-inc"
        } else {
            ""
        };
        ws.write(
            &sharded_path("contacts", &id),
            &format!("---\nname: Person {i:05}\nemail: p{i}@x.example{company}\n---\n"),
        );
    }
    // Twins by e-mail, and a record filed in another shard's folder.
    ws.write(
        &sharded_path("contacts", "twin-person-00042"),
        "---\nname: Person 00042\nemail: p42@x.example\n---\n",
    );
    let stray = if shard("stray").starts_with("00/") {
        "01/0"
    } else {
        "00/0"
    };
    ws.write(
        &format!("contacts/{stray}/stray.md"),
        "---\nname: Stray\n---\n",
    );
    // Cold (no cache), then writing the cache, then from it (stamps only).
    let mut cold = None;
    for args in ["--no-cache check", "check", "check"] {
        let many = ws.kith(&args.split(' ').collect::<Vec<_>>());
        let few = few_open_files(&ws, args);
        assert_eq!(few.code, many.code, "kith {args}");
        assert_eq!(few.stdout, many.stdout, "kith {args}");
        assert_eq!(few.stderr, many.stderr, "kith {args}");
        cold.get_or_insert(many);
    }
    let cold = cold.unwrap();
    assert!(cold.stderr.contains("33001 records"), "{}", cold.stderr);
    let missing = (cold.stdout.lines())
        .filter(|l| l.contains("refers to company `nowhere-inc`"))
        .count();
    assert_eq!(missing, 33, "{}", cold.stdout);
    assert!(cold.stdout.contains("stray.md"), "{}", cold.stdout);
    assert!(cold.stdout.contains("twin-person-00042"), "{}", cold.stdout);
}

/// Runs kith in `ws` under `ulimit -n 256`.
fn few_open_files(ws: &Ws, args: &str) -> Run {
    let script = format!("ulimit -n 256 && exec \"$0\" {args}");
    let out = std::process::Command::new("sh")
        .args(["-c", &script, env!("CARGO_BIN_EXE_kith")])
        .current_dir(ws.path())
        .envs(pinned_clock())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", ws.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    Run::from(out)
}

#[test]
fn writing_commands_write_in_the_records_shard() {
    let flat = Ws::example();
    let sharded = sharded();
    for args in [
        &["set", "ahmed-el-sayed", "phone=+44 20 7946 0999"][..],
        &["log", "ahmed-el-sayed", "call", "talked about the pilot"],
        &[
            "new",
            "person",
            "Grace Hopper",
            "--set",
            "email=grace@navy.example",
        ],
        &[
            "task",
            "ahmed-el-sayed",
            "send the contract",
            "--due",
            "2026-11-30",
        ],
    ] {
        let (a, b) = (flat.kith(args), sharded.kith(args));
        assert_eq!(a.code, 0, "kith {args:?}: {}", a.stderr);
        assert_eq!(b.code, 0, "kith {args:?}: {}", b.stderr);
        assert_eq!(a.stdout, unshard(&b.stdout), "kith {args:?}");
    }
    for id in ["ahmed-el-sayed", "grace-hopper"] {
        assert_eq!(
            flat.read(&format!("contacts/{id}.md")),
            sharded.read(&sharded_path("contacts", id)),
            "{id}"
        );
        assert!(!sharded.file(&format!("contacts/{id}.md")).exists());
    }
    // History reads the commits of either layout alike.
    for ws in [&flat, &sharded] {
        commit_all(ws.path(), SAM, NOW, "edits");
    }
    let (a, b) = (
        flat.kith(&["history", "ahmed-el-sayed"]),
        sharded.kith(&["history", "ahmed-el-sayed"]),
    );
    assert_eq!(a.code, 0, "{}", a.stderr);
    let strip = |s: &str| -> Vec<String> {
        s.lines()
            .filter(|l| !l.contains("kith: move"))
            .map(|l| {
                l.split_whitespace()
                    .filter(|w| !w.chars().all(|c| c.is_ascii_hexdigit()) || w.len() < 7)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    };
    assert_eq!(strip(&a.stdout), strip(&b.stdout));
    // The weekly report: the same pages.
    let (out_a, out_b) = (flat.file("public"), sharded.file("public"));
    flat.kith(&["report", "--no-records"]).ok();
    sharded.kith(&["report", "--no-records"]).ok();
    {
        let page = "index.html";
        assert_eq!(
            std::fs::read_to_string(out_a.join(page)).unwrap(),
            std::fs::read_to_string(out_b.join(page)).unwrap(),
            "{page}"
        );
    }
}

/// A bare remote with the sharded example, and two teammates' clones made by `kith clone`.
fn team() -> (Ws, std::path::PathBuf, std::path::PathBuf) {
    let base = Ws::empty();
    let origin = base.path().join("crm.git");
    git(
        base.path(),
        &["init", "-q", "--bare", "-b", "main", "crm.git"],
    );
    let first = sharded();
    let origin_s = origin.to_str().unwrap().to_string();
    git(first.path(), &["remote", "add", "origin", &origin_s]);
    git(first.path(), &["push", "-q", "-u", "origin", "main"]);
    for who in ["sam", "priya"] {
        let out = kith_in(base.path(), &["clone", &origin_s, who]);
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let (sam, priya) = (base.path().join("sam"), base.path().join("priya"));
    assert!(
        std::fs::read_to_string(sam.join(".gitattributes"))
            .unwrap()
            .contains("contacts/*/*/*.md merge=kith")
    );
    (base, sam, priya)
}

fn sync_as(dir: &Path, who: Author) -> Run {
    kith_env(
        dir,
        &[
            ("NO_COLOR", "1"),
            ("GIT_AUTHOR_NAME", who.name),
            ("GIT_AUTHOR_EMAIL", who.email),
            ("GIT_COMMITTER_NAME", who.name),
            ("GIT_COMMITTER_EMAIL", who.email),
        ],
        &["sync"],
    )
}

#[test]
fn sync_merges_field_by_field_between_sharded_clones() {
    let (_base, sam, priya) = team();
    let ada = sharded_path("contacts", "ahmed-el-sayed");
    kith_in(&sam, &["set", "ahmed-el-sayed", "phone=+44 20 7946 0999"]).ok();
    let out = sync_as(&sam, SAM);
    assert_eq!(out.code, 0, "{}", out.stderr);
    kith_in(&priya, &["set", "ahmed-el-sayed", "title=CFO"]).ok();
    kith_in(&priya, &["new", "person", "Grace Hopper"]).ok();
    let out = sync_as(&priya, PRIYA);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = std::fs::read_to_string(priya.join(&ada)).unwrap();
    assert!(text.contains("phone: \"+44 20 7946 0999\""), "{text}");
    assert!(text.contains("title: CFO"), "{text}");
    let out = sync_as(&sam, SAM);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(sam.join(&ada)).unwrap(), text);
    assert!(sam.join(sharded_path("contacts", "grace-hopper")).is_file());
    assert_eq!(status(&sam), "");
    kith_in(&sam, &["check"]).ok();
}

#[test]
fn the_merge_driver_records_a_conflict_in_a_sharded_record() {
    let (_base, sam, priya) = team();
    let ada = sharded_path("contacts", "ahmed-el-sayed");
    let edit = |dir: &Path, title: &str| {
        let path = dir.join(&ada);
        let text = std::fs::read_to_string(&path).unwrap();
        let text = text.replace("title: Head of Reporting", &format!("title: {title}"));
        std::fs::write(&path, text).unwrap();
    };
    edit(&priya, "CFO");
    commit_all(&priya, PRIYA, "2026-11-24T10:00:00Z", "priya's title");
    git_ok(&priya, PRIYA, "2026-11-24T10:00:00Z", &["push", "-q"]);
    edit(&sam, "CTO");
    commit_all(&sam, SAM, "2026-11-24T11:00:00Z", "sam's title");
    let run = git_as(
        &sam,
        SAM,
        "2026-11-24T12:00:00Z",
        &["pull", "-q", "--no-rebase"],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let text = std::fs::read_to_string(sam.join(&ada)).unwrap();
    assert!(text.contains("conflicts:"), "{text}");
    assert!(!text.contains("<<<<<<<"), "{text}");
    let out = kith_in(&sam, &["conflicts"]).ok().to_string();
    assert!(out.contains("ahmed-el-sayed"), "{out}");
}

/// Every `.md` file under the workspace's `contacts/`, relative to the workspace, sorted.
fn contact_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.join("contacts")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let path = e.path();
            if e.file_type().unwrap().is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "md") {
                let rel = path.strip_prefix(dir).unwrap();
                out.push(rel.to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

/// One random change to the workspace at `dir`, described for the failure message: the
/// changes a report counts (an edit, a new, a deleted, a renamed record), those it must not
/// (a mode, the same bytes again, a file that is no record, an ignored one), and those that
/// only a comparison with git's index sees (a misplaced file, a record made a link).
fn random_change(dir: &Path, sharded: bool, rng: &mut Rng, n: usize) -> String {
    let files = contact_files(dir);
    let rel = files[rng.below(files.len())].clone();
    let path = dir.join(&rel);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let write = |rel: &str, text: &str| {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    let placed = |id: &str| {
        if sharded {
            sharded_path("contacts", id)
        } else {
            format!("contacts/{id}.md")
        }
    };
    let person = |id: &str| format!("---\nname: Person {id}\nlifecycle: lead\n---\n");
    match rng.below(10) {
        0 => {
            write(&rel, &text.replacen("---\n", "---\ntags: [vip]\n", 1));
            format!("tagged {rel}")
        }
        1 => {
            write(
                &rel,
                &format!("{text}\n- 2026-11-2{} call: round {n}\n", rng.below(5)),
            );
            format!("logged a call on {rel}")
        }
        2 => {
            std::fs::remove_file(&path).unwrap();
            format!("deleted {rel}")
        }
        3 => {
            let new = placed(&format!("new-person-{n}"));
            write(&new, &person(&format!("new-{n}")));
            format!("created {new}")
        }
        4 => {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::symlink_metadata(&path)
                .unwrap()
                .permissions()
                .mode();
            if std::fs::symlink_metadata(&path).unwrap().is_file() {
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode ^ 0o111))
                    .unwrap();
            }
            format!("flipped the executable bits of {rel}")
        }
        5 => {
            let target = dir.join(&files[rng.below(files.len())]);
            if target != path {
                std::fs::remove_file(&path).unwrap();
                std::os::unix::fs::symlink(&target, &path).unwrap();
            }
            format!("made {rel} a link to {}", target.display())
        }
        6 => {
            // Where the other layout keeps it: not loaded, but a record's path to git.
            let id = format!("stray-{n}");
            let stray = if sharded {
                format!("contacts/{id}.md")
            } else {
                sharded_path("contacts", &id)
            };
            write(&stray, &person(&id));
            format!("wrote {stray}, where the layout does not keep records")
        }
        7 => {
            write(&format!("contacts/notes-{n}.txt"), "not a record\n");
            write(&placed(&format!("ignored-{n}")), &person("ignored"));
            format!("wrote a note and an ignored record ({n})")
        }
        8 => {
            write(&rel, &text);
            format!("wrote {rel} again, the same bytes")
        }
        _ => {
            let id = rel.rsplit('/').next().unwrap().trim_end_matches(".md");
            let to = placed(&format!("{id}-moved-{n}"));
            std::fs::create_dir_all(dir.join(&to).parent().unwrap()).unwrap();
            std::fs::rename(&path, dir.join(&to)).unwrap();
            format!("renamed {rel} to {to}")
        }
    }
}

/// What is not yet committed, by path, from the load's listing, from a walk and from libgit2's
/// diff (with every change staged, so that git's index no longer holds HEAD's tree).
type ByPath = std::collections::BTreeMap<String, Vec<kith::git::history::RecordEvent>>;

fn uncommitted_three_ways(top: &Path, dir: &Path) -> [ByPath; 3] {
    let ws = kith::workspace::Workspace::open(dir).unwrap();
    let repo = kith::git::history::Repo::open(&ws.root).unwrap().unwrap();
    // The quick ways are taken only when the index holds HEAD's tree, as git leaves it.
    assert_eq!(
        kith::git::indexfile::tree_of(&top.join(".git/index")).map(|t| t.to_string()),
        Some(tree(top, "HEAD"))
    );
    let by_path = |listing| {
        let mut all = kith::report::write::uncommitted_by_path(&ws, &repo, listing).unwrap();
        // A path whose change is no record change (a mode) has no events either way.
        all.retain(|_, events| !events.is_empty());
        all
    };
    let (_index, listing) = kith::load::load_looked(&ws);
    let listed = by_path(Some(&listing));
    let walked = by_path(None);
    git(top, &["add", "-A"]);
    let diffed = by_path(None);
    git(top, &["reset", "-q"]);
    [listed, walked, diffed]
}

/// What the report counts as not yet committed reads the same from the load's listing (each
/// record file looked at as its folder is read: no second walk of every folder), from a walk
/// of the working tree (as `kith serve` reads it) and from libgit2's diff: after rounds of
/// random changes, in the flat and the sharded layout and in a workspace that is a folder of
/// its repository.
#[test]
fn uncommitted_changes_read_the_same_from_the_listing_a_walk_and_libgit2() {
    let flat = Ws::example();
    let sharded = sharded();
    let nested = Ws::empty();
    copy_dir(&repo_path("example-workspace"), &nested.file("crm"));
    nested.write("README.md", "The team's CRM is in crm/.\n");
    init_and_commit(nested.path(), "the example in a folder");
    let cases = [
        (&flat, flat.path().to_path_buf(), false),
        (&sharded, sharded.path().to_path_buf(), true),
        (&nested, nested.file("crm"), false),
    ];
    for (ws, dir, is_sharded) in cases {
        std::fs::write(dir.join(".gitignore"), "ignored-*.md\n").unwrap();
        commit_all(ws.path(), SAM, NOW, "ignore some records");
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut seen = 0;
        for round in 0..4 {
            let done: Vec<String> = (0..8)
                .map(|i| random_change(&dir, is_sharded, &mut rng, round * 8 + i))
                .collect();
            let [listed, walked, diffed] = uncommitted_three_ways(ws.path(), &dir);
            assert_eq!(listed, diffed, "{} after {done:#?}", dir.display());
            assert_eq!(walked, diffed, "{} after {done:#?}", dir.display());
            // New records count, in their place or not (by their path in the repository).
            let prefix = dir
                .strip_prefix(ws.path())
                .unwrap()
                .to_string_lossy()
                .into_owned();
            for new in done.iter().filter_map(|d| {
                d.strip_prefix("created ")
                    .or_else(|| d.strip_prefix("wrote ")?.split(',').next())
                    .filter(|p| p.ends_with(".md"))
            }) {
                let path = if prefix.is_empty() {
                    new.to_string()
                } else {
                    format!("{prefix}/{new}")
                };
                assert!(
                    listed.contains_key(&path),
                    "{path} not counted: {listed:#?}"
                );
            }
            seen += listed.len();
            commit_all(ws.path(), SAM, NOW, &format!("round {round}"));
        }
        assert!(
            seen >= 12,
            "only {seen} changes counted in {}",
            dir.display()
        );
    }
}
