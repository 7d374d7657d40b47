//! Loss-free editing: kith changes only the bytes a change needs. Comments, key order, quoting,
//! blank lines, multi-line values, the body and CRLF line endings stay as the user wrote them.

use crate::harness::*;

/// A record written the way people write by hand: comments, odd key order, both quote styles,
/// a block scalar, a block list, blank lines and CRLF line endings.
const HAND_WRITTEN_LF: &str = "---
# Met at the Lisbon meetup; ask Sam before changing the owner.
title: 'Head of Data'   # since March
name: \"Ines Duarte\"

email: ines@faro.example
phone: \"+351 21 000 0000\"
about: |
  Runs the data team at Faro Foods.
  Prefers e-mail to calls.
tags:
  - retail   # segment
  - portugal
lifecycle: mql
zip: '0123'
---
Notes stay exactly as they are.

## Activity
- 2026-11-02 visit: /pricing
- 2026-11-09 call @sam: intro call
  follow-up in two weeks
";

/// The same record with CRLF line endings, as saved by many Windows editors.
fn hand_written() -> String {
    HAND_WRITTEN_LF.replace('\n', "\r\n")
}

fn workspace() -> Ws {
    let ws = Ws::with_config("name: Loss-free\nteammates:\n  sam: {name: Sam}\n");
    ws.write("contacts/ines-duarte.md", &hand_written());
    init_and_commit(ws.path(), "hand-written");
    ws
}

/// (removed lines, added lines) of the working tree against HEAD, line endings kept.
fn changed(ws: &Ws) -> (Vec<String>, Vec<String>) {
    let diff = ws.diff();
    let removed = diff
        .split('\n')
        .filter(|l| l.starts_with('-') && !l.starts_with("---"))
        .map(|l| l[1..].to_string())
        .collect();
    let added = diff
        .split('\n')
        .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
        .map(|l| l[1..].to_string())
        .collect();
    (removed, added)
}

#[test]
fn setting_one_scalar_is_a_one_line_diff() {
    let ws = workspace();
    ws.kith(&["set", "ines-duarte", "title=VP Data"]).ok();
    assert_eq!(
        changed(&ws),
        (
            vec!["title: 'Head of Data'   # since March\r".into()],
            vec!["title: 'VP Data'   # since March\r".into()]
        )
    );
    // Everything else is byte-identical.
    let after = ws.read("contacts/ines-duarte.md");
    assert_eq!(after, hand_written().replace("'Head of Data'", "'VP Data'"));
}

#[test]
fn values_are_quoted_when_yaml_would_misread_them() {
    let ws = workspace();
    ws.kith(&[
        "set",
        "ines-duarte",
        "lifecycle=sql",
        "phone=+351 21 999 9999",
        "zip=0456",
    ])
    .ok();
    let after = ws.read("contacts/ines-duarte.md");
    assert!(after.contains("phone: \"+351 21 999 9999\"\r\n"));
    assert!(after.contains("zip: '0456'\r\n"));
    assert!(after.contains("lifecycle: sql\r\nzip"));
    // The lifecycle move also records its date, a lead status for a lead without one, and a log
    // entry, with CRLF like the rest of the file.
    assert!(
        after.contains(
            "zip: '0456'\r\nlifecycle_changed: 2026-11-25\r\nlead_status: new\r\n---\r\n"
        ),
        "{after}"
    );
    assert!(after.ends_with("  follow-up in two weeks\r\n- 2026-11-25 stage: mql → sql\r\n"));
    ws.kith(&["check"]).ok();
}

#[test]
fn new_keys_go_at_the_end_and_removed_keys_take_their_lines_with_them() {
    let ws = workspace();
    ws.kith(&["set", "ines-duarte", "owner=sam"]).ok();
    assert_eq!(changed(&ws), (vec![], vec!["owner: sam\r".into()]));
    ws.kith(&["unset", "ines-duarte", "about", "owner"]).ok();
    let after = ws.read("contacts/ines-duarte.md");
    assert_eq!(
        after,
        hand_written().replace(
            "about: |\r\n  Runs the data team at Faro Foods.\r\n  Prefers e-mail to calls.\r\n",
            ""
        )
    );
}

#[test]
fn tags_keep_the_block_list_style() {
    let ws = workspace();
    ws.kith(&["tag", "ines-duarte", "+vip", "-portugal"]).ok();
    let after = ws.read("contacts/ines-duarte.md");
    assert!(
        after.contains("tags:\r\n  - retail   # segment\r\n  - vip\r\nlifecycle"),
        "{after}"
    );
    assert_eq!(
        changed(&ws),
        (vec!["  - portugal\r".into()], vec!["  - vip\r".into()])
    );
}

#[test]
fn logging_touches_the_body_only() {
    let ws = workspace();
    ws.kith(&[
        "log",
        "ines-duarte",
        "email",
        "sent the case study",
        "--date",
        "2026-11-05",
        "--by",
        "sam",
    ])
    .ok();
    assert_eq!(
        changed(&ws),
        (
            vec![],
            vec!["- 2026-11-05 email @sam: sent the case study\r".into()]
        )
    );
    let after = ws.read("contacts/ines-duarte.md");
    assert!(
        after.contains("/pricing\r\n- 2026-11-05 email @sam: sent the case study\r\n- 2026-11-09")
    );
}

#[test]
fn a_block_scalar_is_rewritten_as_one_value() {
    let ws = workspace();
    ws.kith(&["set", "ines-duarte", "about=Moved to Lisbon"])
        .ok();
    let after = ws.read("contacts/ines-duarte.md");
    assert!(
        after.contains("phone: \"+351 21 000 0000\"\r\nabout: Moved to Lisbon\r\ntags:\r\n"),
        "{after}"
    );
}

#[test]
fn refuses_to_write_through_a_symlink_leading_outside() {
    let ws = workspace();
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("elsewhere.md");
    std::fs::write(&target, "---\nname: Elsewhere\n---\n").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&target, ws.file("contacts/elsewhere.md")).unwrap();
    let err = ws
        .kith(&["set", "contacts/elsewhere", "title=x"])
        .fails(1)
        .to_string();
    assert!(
        err.contains("no contact with the id `elsewhere`") || err.contains("outside the workspace"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "---\nname: Elsewhere\n---\n"
    );
}

#[test]
fn an_edit_that_would_break_the_record_is_refused() {
    let ws = workspace();
    let err = ws
        .kith(&["set", "ines-duarte", "lifecycle=champion"])
        .fails(1)
        .to_string();
    assert!(err.contains("unknown lifecycle stage `champion`"), "{err}");
    let err = ws
        .kith(&["set", "ines-duarte", "email=not-an-address"])
        .fails(1)
        .to_string();
    assert!(err.contains("not a valid e-mail address"), "{err}");
    assert_eq!(ws.read("contacts/ines-duarte.md"), hand_written());
}
