//! Finding the workspace (like git: the current folder or the nearest parent with kith.yaml, or
//! `-C DIR`), and what `kith init` creates: kith.yaml, folders, .gitignore and a git repository
//! on `main`, or none when the folder is already inside a repository.

use crate::harness::*;
use std::path::Path;

/// A git repository with one commit, for workspaces that live inside a larger project.
fn outer_repo() -> Ws {
    let repo = Ws::empty();
    git(repo.path(), &["init", "-q", "-b", "main"]);
    repo.write("README.md", "# Brightwave\n");
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-q", "-m", "readme"]);
    repo
}

/// Asserts that `root` holds a fresh workspace: kith.yaml, the three folders, .gitignore.
#[track_caller]
fn assert_workspace_files(root: &Path) {
    assert!(
        root.join("kith.yaml").is_file(),
        "no kith.yaml in {}",
        root.display()
    );
    for dir in ["contacts", "companies", "deals"] {
        assert!(
            root.join(dir).join(".gitkeep").is_file(),
            "no {dir}/.gitkeep in {}",
            root.display()
        );
    }
    assert_eq!(
        std::fs::read_to_string(root.join(".gitignore")).unwrap(),
        "/public/\n/.kith/\n*.kith-tmp\n"
    );
}

// ---------------------------------------------------------------------------------------------
// discovery

#[test]
fn finds_the_workspace_from_a_subfolder() {
    let ws = Ws::example();
    let deep = ws.file("notes/2026/q4");
    std::fs::create_dir_all(&deep).unwrap();
    for cwd in [ws.file("contacts"), ws.file("deals"), deep] {
        let out = kith_in(&cwd, &["list"]);
        assert_eq!(
            count_line(out.ok()),
            "72 contacts",
            "from {}",
            cwd.display()
        );
        let out = kith_in(&cwd, &["check"]);
        out.ok();
        assert_eq!(out.stderr, "0 errors, 0 warnings in 104 records\n");
    }
}

#[test]
fn writes_from_a_subfolder_go_to_the_workspace_root() {
    let ws = Ws::example();
    let out = kith_in(&ws.file("contacts"), &["new", "contact", "Zoë Müller"]);
    // The path is relative to where the user is.
    assert_eq!(out.ok(), "zoe-muller.md\n");
    assert!(ws.file("contacts/zoe-muller.md").is_file());
    assert!(!ws.file("contacts/contacts").exists());
    let out = kith_in(&ws.file("deals"), &["set", "zoe-muller", "title=CTO"]);
    assert_eq!(out.ok(), "contacts/zoe-muller.md: title = CTO\n");
    assert_eq!(status(ws.path()), "?? contacts/zoe-muller.md\n");
}

#[test]
fn dash_c_points_at_a_workspace_or_a_folder_inside_it() {
    let ws = Ws::example();
    let elsewhere = Ws::empty();
    let root = ws.path().display().to_string();
    let out = kith_in(elsewhere.path(), &["-C", &root, "list", "deals"]);
    assert_eq!(count_line(out.ok()), "14 deals");
    // -C is global: it may follow the subcommand.
    let out = kith_in(elsewhere.path(), &["list", "companies", "-C", &root]);
    assert_eq!(count_line(out.ok()), "18 companies");
    // A folder inside the workspace works like running there.
    let contacts = ws.file("contacts").display().to_string();
    let out = kith_in(elsewhere.path(), &["-C", &contacts, "show", "ben-carver"]);
    assert!(
        out.ok()
            .starts_with("Ben Carver  contact · sql · working\n"),
        "{}",
        out.stdout
    );
    // A relative -C is relative to the current folder.
    let out = kith_in(
        ws.path().parent().unwrap(),
        &[
            "-C",
            &ws.path().file_name().unwrap().to_string_lossy(),
            "list",
        ],
    );
    assert_eq!(count_line(out.ok()), "72 contacts");
    // Writes through -C land in the workspace, not in the current folder.
    let out = kith_in(
        elsewhere.path(),
        &["-C", &root, "tag", "ben-carver", "+vip"],
    );
    assert_eq!(out.ok(), "contacts/ben-carver.md: tags +vip\n");
    assert_eq!(status(ws.path()), " M contacts/ben-carver.md\n");
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
}

#[test]
fn outside_any_workspace_the_error_says_what_to_do() {
    let empty = Ws::empty();
    for args in [
        vec!["list"],
        vec!["check"],
        vec!["show", "ben-carver"],
        vec!["new", "contact", "Ada"],
    ] {
        let out = kith_in(empty.path(), &args);
        let err = out.fails(1);
        assert_eq!(
            err,
            format!(
                "error: not in a kith workspace: no kith.yaml in {} or any parent folder\n  \
                 help: create one with `kith init`, or point at one with `kith -C DIR ...`\n",
                empty.path().display()
            ),
            "{args:?}"
        );
        assert_eq!(out.stdout, "");
    }
    assert_eq!(
        std::fs::read_dir(empty.path()).unwrap().count(),
        0,
        "nothing may be created"
    );
    // The same through -C.
    let elsewhere = Ws::empty();
    let dir = empty.path().display().to_string();
    let err = kith_in(elsewhere.path(), &["-C", &dir, "list"])
        .fails(1)
        .to_string();
    assert!(
        err.starts_with("error: not in a kith workspace: no kith.yaml in "),
        "{err}"
    );
    // A folder that does not exist.
    let missing = empty.file("missing").display().to_string();
    let err = kith_in(elsewhere.path(), &["-C", &missing, "list"])
        .fails(1)
        .to_string();
    assert!(err.contains(&missing), "{err}");
}

#[test]
fn the_nearest_workspace_wins() {
    let ws = Ws::example();
    let inner = ws.file("projects/side-crm");
    let inner_s = inner.display().to_string();
    let out = ws.kith(&["init", &inner_s]);
    assert!(
        out.ok().contains("inside the existing git repository"),
        "{}",
        out.stdout
    );
    assert!(!inner.join(".git").exists());
    let out = kith_in(&inner.join("contacts"), &["list"]);
    assert_eq!(out.ok(), "0 contacts\n");
    let out = kith_in(&inner, &["new", "contact", "Ada Lovelace"]);
    assert_eq!(out.ok(), "contacts/ada-lovelace.md\n");
    assert!(inner.join("contacts/ada-lovelace.md").is_file());
    // The outer workspace does not see the inner one's records.
    assert_eq!(count_line(ws.kith(&["list"]).ok()), "72 contacts");
    let err = ws.kith(&["show", "ada-lovelace"]).fails(1).to_string();
    assert!(err.contains("no record matches `ada-lovelace`"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// a workspace inside a larger git repository

#[test]
fn init_inside_a_git_repository_does_not_nest_a_repository() {
    let repo = outer_repo();
    let sub = repo.file("crm");
    std::fs::create_dir_all(&sub).unwrap();
    let out = kith_in(&sub, &["init", "--timezone", "Europe/London"]);
    assert!(
        out.ok().contains(
            "new kith workspace `crm` (time zone Europe/London), inside the existing git repository"
        ),
        "{}",
        out.stdout
    );
    assert_workspace_files(&sub);
    assert!(
        !sub.join(".git").exists(),
        "a nested repository was created"
    );
    assert_eq!(
        status(repo.path()),
        "?? crm/.gitattributes\n?? crm/.gitignore\n?? crm/companies/.gitkeep\n?? crm/contacts/.gitkeep\n?? crm/deals/.gitkeep\n?? crm/kith.yaml\n"
    );
}

#[test]
fn a_workspace_in_a_subfolder_of_a_repository_uses_that_repositorys_git_identity() {
    let repo = outer_repo();
    let sub = repo.file("crm");
    std::fs::create_dir_all(&sub).unwrap();
    kith_in(&sub, &["init"]).ok();
    let cfg = std::fs::read_to_string(sub.join("kith.yaml")).unwrap();
    let cfg = cfg.replacen(
        "teammates: {}",
        "teammates:\n  priya: { name: Priya Raman, emails: [priya@brightwave.example] }",
        1,
    );
    std::fs::write(sub.join("kith.yaml"), cfg).unwrap();
    git(
        repo.path(),
        &["config", "user.email", "priya@brightwave.example"],
    );
    kith_in(
        &sub,
        &[
            "new",
            "contact",
            "Ada Lovelace",
            "--set",
            "lifecycle=subscriber",
        ],
    )
    .ok();
    // From a folder inside the workspace, inside the repository.
    let out = kith_in(&sub.join("contacts"), &["promote", "ada-lovelace"]);
    assert_eq!(
        out.ok(),
        "contacts/ada-lovelace.md: lifecycle subscriber → lead\n"
    );
    let text = std::fs::read_to_string(sub.join("contacts/ada-lovelace.md")).unwrap();
    assert!(
        text.ends_with("## Activity\n- 2026-11-25 stage @priya: subscriber → lead\n"),
        "{text}"
    );
    let out = kith_in(&sub, &["check"]);
    out.ok();
    assert_eq!(out.stderr, "0 errors, 0 warnings in 1 record\n");
}

#[test]
fn init_with_a_relative_folder_creates_the_workspace_there() {
    let repo = outer_repo();
    let out = kith_in(repo.path(), &["init", "crm"]);
    out.ok();
    assert_workspace_files(&repo.file("crm"));
    assert!(!repo.file("crm/crm").exists(), "created crm/crm");
    assert!(
        !repo.file("crm/.git").exists(),
        "a nested repository was created"
    );
}

#[test]
fn init_honours_dash_c() {
    let tmp = Ws::empty();
    std::fs::create_dir_all(tmp.file("crm")).unwrap();
    kith_in(tmp.path(), &["-C", "crm", "init"]).ok();
    assert_workspace_files(&tmp.file("crm"));
    assert!(!tmp.file("crm/crm").exists(), "created crm/crm");
}

#[test]
fn init_dot_with_dash_c_initialises_that_folder() {
    let tmp = Ws::empty();
    std::fs::create_dir_all(tmp.file("crm")).unwrap();
    kith_in(tmp.path(), &["-C", "crm", "init", "."]).ok();
    assert!(
        !tmp.file("kith.yaml").exists(),
        "the workspace went into the current folder"
    );
    assert_workspace_files(&tmp.file("crm"));
}

// ---------------------------------------------------------------------------------------------
// what `kith init` creates

#[test]
fn init_creates_a_workspace_with_a_git_repository_on_main() {
    let tmp = Ws::empty();
    let root = tmp.file("brightwave-crm");
    let root_s = root.display().to_string();
    let out = kith_in(
        tmp.path(),
        &["init", &root_s, "--timezone", "America/New_York"],
    );
    let stdout = out.ok();
    assert!(
        stdout.starts_with(
            "brightwave-crm: new kith workspace `brightwave-crm` (time zone America/New_York), with a new git repository\n"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("new contact \"Ada Lovelace\" --set email=ada@example.com"),
        "{stdout}"
    );
    assert_eq!(out.stderr, "");
    assert_workspace_files(&root);
    let cfg = std::fs::read_to_string(root.join("kith.yaml")).unwrap();
    assert!(cfg.contains("\nname: brightwave-crm\n"), "{cfg}");
    assert!(cfg.contains("\ntimezone: America/New_York "), "{cfg}");
    assert!(cfg.contains("\ncurrency: EUR "), "{cfg}");
    // kith.yaml parses without a single diagnostic, and every command accepts it.
    let out = kith_in(&root, &["check", "--format", "json"]);
    assert_eq!(out.json(), serde_json::json!([]));
    let out = kith_in(&root, &["list"]);
    assert_eq!(out.ok(), "0 contacts\n");
    assert_eq!(out.stderr, "");
    // A git repository of its own, on an unborn `main`.
    assert!(root.join(".git").is_dir());
    assert_eq!(git(&root, &["symbolic-ref", "HEAD"]), "refs/heads/main\n");
    assert_eq!(
        status(&root),
        "?? .gitattributes\n?? .gitignore\n?? companies/.gitkeep\n?? contacts/.gitkeep\n?? deals/.gitkeep\n?? kith.yaml\n"
    );
    // The ignored folders really are ignored.
    std::fs::create_dir_all(root.join("public")).unwrap();
    std::fs::write(root.join("public/index.html"), "<html>").unwrap();
    std::fs::create_dir_all(root.join(".kith")).unwrap();
    std::fs::write(root.join(".kith/history-cache.jsonl"), "x").unwrap();
    assert!(!status(&root).contains("public"), "{}", status(&root));
    assert!(!status(&root).contains(".kith/"), "{}", status(&root));
}

#[test]
fn init_quotes_a_name_yaml_would_misread() {
    let tmp = Ws::empty();
    let root = tmp.file("crm");
    let root_s = root.display().to_string();
    let out = kith_in(
        tmp.path(),
        &[
            "init",
            &root_s,
            "--name",
            "Brightwave: Sales #1",
            "--timezone",
            "UTC",
        ],
    );
    assert!(
        out.ok()
            .contains("new kith workspace `Brightwave: Sales #1`"),
        "{}",
        out.stdout
    );
    let cfg = std::fs::read_to_string(root.join("kith.yaml")).unwrap();
    assert!(cfg.contains("\nname: \"Brightwave: Sales #1\"\n"), "{cfg}");
    let out = kith_in(&root, &["check"]);
    out.ok();
    assert_eq!(out.stderr, "0 errors, 0 warnings in 0 records\n");
}

#[test]
fn init_keeps_an_existing_gitignore() {
    let repo = outer_repo();
    let sub = repo.file("crm");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::write(sub.join(".gitignore"), "*.bak\n/public/").unwrap();
    kith_in(&sub, &["init"]).ok();
    assert_eq!(
        std::fs::read_to_string(sub.join(".gitignore")).unwrap(),
        "*.bak\n/public/\n/.kith/\n*.kith-tmp\n"
    );
}

#[test]
fn init_refuses_to_run_twice() {
    let tmp = Ws::empty();
    let root = tmp.file("crm");
    let root_s = root.display().to_string();
    kith_in(tmp.path(), &["init", &root_s]).ok();
    // Make the settings the user's own, to see that nothing is overwritten.
    let mine = "# mine\nname: Mine\n";
    std::fs::write(root.join("kith.yaml"), mine).unwrap();
    std::fs::write(root.join(".gitignore"), "/public/\n").unwrap();
    let out = kith_in(tmp.path(), &["init", &root_s]);
    let err = out.fails(1);
    assert!(
        err.contains("kith.yaml already exists: this is a kith workspace already"),
        "{err}"
    );
    assert_eq!(out.stdout, "");
    assert_eq!(
        std::fs::read_to_string(root.join("kith.yaml")).unwrap(),
        mine
    );
    assert_eq!(
        std::fs::read_to_string(root.join(".gitignore")).unwrap(),
        "/public/\n"
    );
    // Also from inside the workspace, without an argument.
    let err = kith_in(&root, &["init"]).fails(1).to_string();
    assert!(err.contains("kith.yaml already exists"), "{err}");
}

#[test]
fn init_refuses_an_unknown_time_zone() {
    let tmp = Ws::empty();
    let root = tmp.file("crm");
    let root_s = root.display().to_string();
    let err = kith_in(
        tmp.path(),
        &["init", &root_s, "--timezone", "Mars/Olympus_Mons"],
    )
    .fails(1)
    .to_string();
    assert!(
        err.contains(
            "unknown time zone `Mars/Olympus_Mons`; use an IANA name such as Europe/London"
        ),
        "{err}"
    );
    assert!(!root.join("kith.yaml").exists());
    assert!(!root.join(".git").exists());
}

#[test]
fn init_prints_next_steps_that_work_as_printed() {
    // In the current folder: no -C at all.
    let tmp = Ws::empty();
    let out = kith_in(tmp.path(), &["init", "--timezone", "UTC"]);
    let stdout = out.ok();
    assert!(!stdout.starts_with(':'), "the path is missing:\n{stdout}");
    assert!(
        stdout.ends_with(
            "\nNext:\n  kith new contact \"Ada Lovelace\" --set email=ada@example.com\n  kith list\n"
        ),
        "{stdout}"
    );
    kith_in(
        tmp.path(),
        &[
            "new",
            "contact",
            "Ada Lovelace",
            "--set",
            "email=ada@example.com",
        ],
    )
    .ok();
    assert_eq!(count_line(kith_in(tmp.path(), &["list"]).ok()), "1 contact");

    // A folder with a space: quoted for the shell.
    let tmp = Ws::empty();
    let out = kith_in(tmp.path(), &["init", "my crm", "--timezone", "UTC"]);
    let stdout = out.ok();
    assert!(
        stdout.starts_with("my crm: new kith workspace `my crm`"),
        "{stdout}"
    );
    assert!(stdout.ends_with("  kith -C 'my crm' list\n"), "{stdout}");
    assert_eq!(
        kith_in(tmp.path(), &["-C", "my crm", "list"]).ok(),
        "0 contacts\n"
    );
}
