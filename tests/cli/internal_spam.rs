//! Staff (`internal`) and spam people stay out of every segment, its report page, `list
//! --segment` and `export --segment`, unless the segment says `include: [internal]` or `[spam]`;
//! a raw `--where` filter returns what it says.

use crate::harness::*;

const SAM: Author = Author {
    name: "Sam Okafor",
    email: "sam@brightwave.example",
};

const UNASSIGNED: &str = "  unassigned-leads:\n    description: Leads nobody owns\n    filter: \"lifecycle in [lead, mql, sql] and not exists owner\"\n";

/// The example with an unowned staff lead and an unowned spam lead.
fn ws() -> Ws {
    let ws = Ws::example();
    ws.write(
        "contacts/nina-staff.md",
        "---\nname: Nina Staff\nemail: nina@brightwave.example\nlifecycle: lead\nlead_status: new\n---\n",
    );
    ws.write(
        "contacts/spammy-bot.md",
        "---\nname: Spammy Bot\nemail: bot@spam.example\nlifecycle: lead\nlead_status: new\ntags: [spam]\n---\n",
    );
    commit_all(ws.path(), SAM, NOW, "two unowned leads");
    ws
}

/// kith.yaml with `unassigned-leads` given `extra` lines (such as an `include:`).
fn with_unassigned(ws: &Ws, extra: &str) {
    let yaml = ws.read("kith.yaml");
    assert!(
        yaml.contains(UNASSIGNED),
        "the example's unassigned-leads changed"
    );
    ws.write(
        "kith.yaml",
        &yaml.replace(UNASSIGNED, &format!("{UNASSIGNED}{extra}")),
    );
}

fn ids(table: &str) -> Vec<&str> {
    table
        .lines()
        .skip(1)
        .filter(|l| !l.ends_with(" contacts") && !l.ends_with(" contact"))
        .filter_map(|l| l.split_whitespace().next())
        .collect()
}

#[test]
fn staff_and_spam_leads_are_left_out_of_a_segment() {
    let ws = ws();
    let out = ws.kith(&["list", "--segment", "unassigned-leads"]);
    assert_eq!(out.ok(), "0 contacts\n");
    // A raw filter is raw: it returns what it says, staff and spam too.
    let out = ws.kith(&[
        "list",
        "--where",
        "lifecycle in [lead, mql, sql] and not exists owner",
    ]);
    assert_eq!(ids(out.ok()), ["nina-staff", "spammy-bot"]);
    // A segment and a filter: the segment's curation still holds.
    let out = ws.kith(&[
        "list",
        "--segment",
        "unassigned-leads",
        "--where",
        "lifecycle = lead",
    ]);
    assert_eq!(out.ok(), "0 contacts\n");
    // Export by segment leaves them out too.
    let out = ws.kith(&[
        "export",
        "--segment",
        "unassigned-leads",
        "--format",
        "csv",
        "--fields",
        "name,email",
    ]);
    assert_eq!(out.ok(), "name,email\n");
    ws.assert_untouched();
}

#[test]
fn include_internal_takes_staff_back_and_include_spam_spam() {
    let ws = ws();
    with_unassigned(&ws, "    include: [internal]\n");
    ws.kith(&["check"]).ok();
    let out = ws.kith(&["list", "--segment", "unassigned-leads"]);
    assert_eq!(ids(out.ok()), ["nina-staff"]);
    let out = ws.kith(&[
        "export",
        "--segment",
        "unassigned-leads",
        "--format",
        "csv",
        "--fields",
        "name,email",
    ]);
    assert_eq!(out.ok(), "name,email\nNina Staff,nina@brightwave.example\n");

    let ws = self::ws();
    with_unassigned(&ws, "    include: [spam]\n");
    let out = ws.kith(&["list", "--segment", "unassigned-leads"]);
    assert_eq!(ids(out.ok()), ["spammy-bot"]);

    let ws = self::ws();
    with_unassigned(&ws, "    include: [internal, spam]\n");
    let out = ws.kith(&["list", "--segment", "unassigned-leads"]);
    assert_eq!(ids(out.ok()), ["nina-staff", "spammy-bot"]);
}

#[test]
fn the_report_segment_page_lists_staff_only_when_included() {
    let ws = ws();
    ws.kith(&["report"]).ok();
    let page = ws.read("public/segments/unassigned-leads.html");
    assert!(!page.contains("Nina Staff"), "{page}");
    assert!(!page.contains("Spammy Bot"), "{page}");
    // The built-in segments' own pages still hold them.
    assert!(
        ws.read("public/segments/internal.html")
            .contains("Nina Staff")
    );
    assert!(ws.read("public/segments/spam.html").contains("Spammy Bot"));

    with_unassigned(&ws, "    include: [internal]\n");
    ws.kith(&["report"]).ok();
    let page = ws.read("public/segments/unassigned-leads.html");
    assert!(page.contains("Nina Staff"), "{page}");
    assert!(!page.contains("Spammy Bot"), "{page}");
}

#[test]
fn a_mistake_in_include_is_a_check_error_with_help() {
    let ws = ws();
    with_unassigned(&ws, "    includes: [internal]\n");
    let yaml = ws.read("kith.yaml");
    let line = yaml
        .lines()
        .position(|l| l.starts_with("  unassigned-leads:"))
        .unwrap()
        + 1;
    let out = ws.kith(&["check"]);
    assert_eq!(
        out.stdout,
        format!(
            "kith.yaml:{line}:3: error: segment `unassigned-leads`: unknown key `includes` [config]\n  \
             help: did you mean `include`? a segment takes `filter`, `description`, `of`, `include`\n"
        )
    );
    out.fails(1);
    // A command that needs the segment refuses rather than list a wider set.
    let err = ws
        .kith(&["list", "--segment", "unassigned-leads"])
        .fails(1)
        .to_string();
    assert!(err.contains("unknown key `includes`"), "{err}");

    let ws = self::ws();
    with_unassigned(&ws, "    include: [staff]\n");
    let out = ws.kith(&["check"]);
    assert!(
        out.stdout
            .contains("segment `unassigned-leads`: cannot include `staff`"),
        "{}",
        out.stdout
    );
}
