//! Follow-up tasks and workflows: `kith task/done/snooze/due` and `kith workflows/advance`.
//!
//! A small workspace with fixed dates walks people through each kind of workflow week by week
//! (`--as-of`), committing after each run so that every write is checked as its own diff.

use crate::harness::*;

const CONFIG: &str = "\
name: Test CRM
timezone: Europe/London
teammates:
  sam:   { name: Sam,   emails: [sam@t.example] }
  priya: { name: Priya, emails: [priya@t.example] }
  jonas: { name: Jonas, emails: [jonas@t.example], away: true }
  mei:   { name: Mei,   emails: [mei@t.example] }
internal_domains: [t.example]
scoring:
  engagement:
    half_life: 30d
    activities:
      visit: { points: 5 }
      reply: { points: 10 }
workflows:
  new-lead-nurture:
    when: \"lifecycle = lead and lead_status = new\"
    exit_on: [reply, demo-request]
    steps:
      - { day: 0, task: send the welcome pack, type: email }
      - { day: 7, task: send the case study, type: email }
      - { day: 14, task: call to qualify, type: call }
  sql-handoff:
    lifecycle: sql
    steps:
      - day: 0
        assign: { territories: { DE: jonas, FR: mei }, team: [sam, priya] }
        set: { lead_status: working }
        task: first call
        type: call
        due: 2
      - { day: 7, set: { lead_status: working }, task: second call, type: call }
  stay-in-touch:
    when: \"lifecycle = customer and not last_activity within 60d\"
    reenroll: 60d
    steps:
      - { day: 0, task: check in, type: call }
  re-engage:
    when: \"lifecycle = lead and lead_status = working and score < 5\"
    steps:
      - { day: 0, set: { lead_status: nurturing } }
";

fn person(fm: &str, log: &str) -> String {
    let mut out = format!("---\n{fm}created: 2026-01-05\n---\n");
    if !log.is_empty() {
        out.push_str("## Activity\n");
        out.push_str(log);
    }
    out
}

/// The fixture: people for every workflow, committed.
fn workspace() -> Ws {
    let ws = Ws::with_config(CONFIG);
    ws.write(
        "contacts/nina.md",
        &person(
            "name: Nina Berg\nemail: nina@a.example\nlifecycle: lead\nlead_status: new\nowner: mei\n",
            "- 2026-10-30 visit: /pricing\n",
        ),
    );
    ws.write(
        "contacts/omar.md",
        &person(
            "name: Omar Haddad\nemail: omar@b.example\nlifecycle: lead\nlead_status: new\nowner: sam\n",
            "",
        ),
    );
    ws.write(
        "contacts/vic.md",
        &person(
            "name: Vic Dane\nemail: vic@c.example\nlifecycle: lead\nlead_status: new\ndo_not_contact: true\n",
            "",
        ),
    );
    ws.write(
        "contacts/tess.md",
        &person(
            "name: Tess Lund\nemail: tess@d.example\nlifecycle: customer\nowner: priya\n",
            "- 2026-08-01 meeting @priya: renewal\n",
        ),
    );
    ws.write(
        "contacts/uma.md",
        &person(
            "name: Uma Roy\nemail: uma@e.example\nlifecycle: lead\nlead_status: working\nowner: sam\n",
            "- 2026-03-01 visit: /blog\n",
        ),
    );
    ws.write(
        "contacts/staff.md",
        &person(
            "name: Stan Staff\nemail: stan@t.example\nlifecycle: lead\nlead_status: new\n",
            "",
        ),
    );
    init_and_commit(ws.path(), "records");
    ws
}

/// Four new sales-qualified leads without an owner, in four countries.
fn add_sqls(ws: &Ws) {
    for (id, country) in [
        ("pia", "DE"),
        ("quinn", "GB"),
        ("ravi", "US"),
        ("sol", "FR"),
    ] {
        ws.write(
            &format!("contacts/{id}.md"),
            &person(
                &format!("name: {id}\nemail: {id}@x.example\nlifecycle: sql\nlead_status: new\ncountry: {country}\n"),
                "",
            ),
        );
    }
}

const SAM: Author = Author {
    name: "Sam",
    email: "sam@t.example",
};

fn advance(ws: &Ws, day: &str) -> String {
    let out = ws.kith(&["advance", "--apply", "--as-of", day]);
    out.ok().to_string()
}

/// The added and removed lines of one file since the last commit.
fn changes_of(ws: &Ws, rel: &str) -> Vec<String> {
    git(ws.path(), &["diff", "-U0", "--no-color", rel])
        .lines()
        .filter(|l| !l.starts_with("+++ ") && !l.starts_with("--- "))
        .filter(|l| l.starts_with('+') || l.starts_with('-'))
        .map(str::to_string)
        .collect()
}

/// Commits the run's changes so that the next diff holds only the next run's.
fn commit(ws: &Ws, day: &str) {
    commit_all(ws.path(), SAM, &format!("{day}T18:00:00Z"), day);
}

#[test]
fn a_new_lead_is_nurtured_until_they_reply() {
    let ws = workspace();
    let dry = ws.kith(&["advance", "--as-of", "2026-11-02"]);
    assert!(dry.ok().contains("nothing written"), "{}", dry.stdout);
    ws.assert_untouched();

    advance(&ws, "2026-11-02");
    assert_eq!(
        changes_of(&ws, "contacts/nina.md"),
        [
            "+## Tasks",
            "+- [ ] 2026-11-02 email @mei: send the welcome pack (workflow new-lead-nurture)",
            "+",
            "+- 2026-11-02 workflow: new-lead-nurture entered (lifecycle=lead)",
            "+- 2026-11-02 workflow: new-lead-nurture step 1/3: task email \"send the welcome pack\" for @mei due 2026-11-02",
        ]
    );
    // Do-not-contact and staff never enter.
    assert!(!ws.diff().contains("contacts/vic.md"));
    assert!(!ws.diff().contains("contacts/staff.md"));
    commit(&ws, "2026-11-02");

    // Idempotent: the same day again writes nothing.
    let again = ws.kith(&["advance", "--apply", "--as-of", "2026-11-02"]);
    again.ok();
    assert!(
        again.stderr.starts_with("0 steps written"),
        "{}",
        again.stderr
    );
    ws.assert_untouched();
    // Nothing falls due mid-week.
    advance(&ws, "2026-11-06");
    ws.assert_untouched();

    advance(&ws, "2026-11-09");
    let diff = git(
        ws.path(),
        &["diff", "-U0", "--no-color", "contacts/nina.md"],
    );
    assert!(diff.contains(
        "+- [ ] 2026-11-09 email @mei: send the case study (workflow new-lead-nurture)\n"
    ));
    assert!(diff.contains("+- 2026-11-09 workflow: new-lead-nurture step 2/3: task email \"send the case study\" for @mei due 2026-11-09\n"));
    commit(&ws, "2026-11-09");

    // She replies; the next run takes her out instead of calling her.
    ws.kith(&[
        "log",
        "nina",
        "reply",
        "sounds good",
        "--date",
        "2026-11-12",
    ])
    .ok();
    commit(&ws, "2026-11-12");
    let out = advance(&ws, "2026-11-16");
    assert!(
        out.contains(
            "contacts/nina.md: new-lead-nurture leaves (reply on 2026-11-12) (2026-11-16)"
        ),
        "{out}"
    );
    let nina = ws.read("contacts/nina.md");
    assert!(!nina.contains("call to qualify"), "{nina}");
    assert!(nina.contains("- 2026-11-16 workflow: new-lead-nurture left: reply on 2026-11-12\n"));
    // Omar, who never replied, got all three steps.
    let omar = ws.read("contacts/omar.md");
    assert!(
        omar.contains("- [ ] 2026-11-16 call @sam: call to qualify (workflow new-lead-nurture)\n"),
        "{omar}"
    );

    let list = ws
        .kith(&["workflows", "--as-of", "2026-11-16", "--format", "json"])
        .json();
    let nurture = &list[0];
    assert_eq!(nurture["name"], "new-lead-nurture");
    assert_eq!(
        (
            nurture["entered"].as_u64(),
            nurture["completed"].as_u64(),
            nurture["left"].as_u64()
        ),
        (Some(2), Some(1), Some(1))
    );
}

#[test]
fn catching_up_writes_what_weekly_runs_write() {
    let weekly = workspace();
    let late = workspace();
    for day in ["2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"] {
        advance(&weekly, day);
    }
    for day in ["2026-11-02", "2026-11-23"] {
        advance(&late, day);
    }
    for rel in [
        "contacts/nina.md",
        "contacts/omar.md",
        "contacts/tess.md",
        "contacts/uma.md",
    ] {
        assert_eq!(weekly.read(rel), late.read(rel), "{rel}");
    }
}

#[test]
fn sql_handoff_assigns_by_territory_and_round_robin_never_to_someone_away() {
    let ws = workspace();
    add_sqls(&ws);
    ws.write(
        "contacts/owned.md",
        &person(
            "name: Owned\nemail: o@x.example\nlifecycle: sql\nlead_status: new\nowner: priya\n",
            "",
        ),
    );
    commit(&ws, "2026-11-01");
    advance(&ws, "2026-11-02");
    let owner = |id: &str| {
        ws.read(&format!("contacts/{id}.md"))
            .lines()
            .find_map(|l| l.strip_prefix("owner: ").map(str::to_string))
    };
    // pia's territory (DE) is jonas's, who is away: the team's round robin takes her. The
    // round robin goes by id: pia → sam, quinn → priya, ravi → sam (one each, first listed).
    assert_eq!(owner("pia").as_deref(), Some("sam"));
    assert_eq!(owner("quinn").as_deref(), Some("priya"));
    assert_eq!(owner("ravi").as_deref(), Some("sam"));
    assert_eq!(owner("sol").as_deref(), Some("mei"));
    // An owner who is not away is kept.
    assert_eq!(owner("owned").as_deref(), Some("priya"));
    let sol = ws.read("contacts/sol.md");
    assert!(sol.contains("lead_status: working\n"));
    assert!(
        sol.contains("- [ ] 2026-11-04 call @mei: first call (workflow sql-handoff)\n"),
        "{sol}"
    );
    assert!(sol.contains("- 2026-11-02 workflow: sql-handoff step 1/2: set owner=mei (territory FR), lead_status=working; task call \"first call\" for @mei due 2026-11-04\n"), "{sol}");
    assert_eq!(
        changes_of(&ws, "contacts/sol.md"),
        [
            "-lead_status: new",
            "+lead_status: working",
            "+owner: mei",
            "+## Tasks",
            "+- [ ] 2026-11-04 call @mei: first call (workflow sql-handoff)",
            "+",
            "+## Activity",
            "+- 2026-11-02 workflow: sql-handoff entered (lifecycle=sql, owner=none, lead_status=new)",
            "+- 2026-11-02 workflow: sql-handoff step 1/2: set owner=mei (territory FR), lead_status=working; task call \"first call\" for @mei due 2026-11-04",
        ]
    );
    commit(&ws, "2026-11-02");

    // Mei puts Sol on hold by hand; the day-7 step does not undo it, and says so.
    ws.kith(&["set", "sol", "lead_status=nurturing"]).ok();
    commit(&ws, "2026-11-03");
    advance(&ws, "2026-11-09");
    let sol = ws.read("contacts/sol.md");
    assert!(sol.contains("lead_status: nurturing\n"), "{sol}");
    assert!(sol.contains("- 2026-11-09 workflow: sql-handoff step 2/2: task call \"second call\" for @mei due 2026-11-09; lead_status kept: set by hand to nurturing after the workflow last touched it\n"), "{sol}");
    // Where nobody touched it, the same step writes.
    assert!(
        ws.read("contacts/quinn.md")
            .contains("- 2026-11-09 workflow: sql-handoff step 2/2: task call")
    );
    commit(&ws, "2026-11-09");
    ws.kith(&["advance", "--apply", "--as-of", "2026-11-09"])
        .ok();
    ws.assert_untouched();
}

#[test]
fn quiet_customers_get_a_check_in_again_after_the_cool_down() {
    let ws = workspace();
    advance(&ws, "2026-11-02");
    assert!(
        ws.read("contacts/tess.md")
            .contains("- [ ] 2026-11-02 call @priya: check in (workflow stay-in-touch)\n")
    );
    commit(&ws, "2026-11-02");
    // Still quiet three weeks later: one check-in is enough.
    advance(&ws, "2026-11-23");
    assert!(!ws.diff().contains("contacts/tess.md"));
    // Priya calls and ticks the task, logging the call.
    let out = ws.kith(&["done", "tess", "--on", "2026-11-03", "--log"]);
    assert_eq!(
        out.ok(),
        "contacts/tess.md: done: call check in (due 2026-11-02)\n"
    );
    let tess = ws.read("contacts/tess.md");
    assert!(
        tess.contains(
            "- [x] 2026-11-02 call @priya: check in (workflow stay-in-touch) (done 2026-11-03)\n"
        ),
        "{tess}"
    );
    assert!(
        tess.contains("- 2026-11-03 call @priya: check in\n"),
        "{tess}"
    );
    commit(&ws, "2026-11-23");
    // 60 quiet days after that call, and 60 days after she last entered: in again.
    advance(&ws, "2027-01-01");
    assert!(!ws.diff().contains("contacts/tess.md"));
    advance(&ws, "2027-01-03");
    assert!(
        ws.read("contacts/tess.md")
            .contains("- [ ] 2027-01-03 call @priya: check in (workflow stay-in-touch)\n")
    );
}

#[test]
fn faded_leads_go_back_to_nurturing_and_the_report_counts_workflows() {
    let ws = workspace();
    advance(&ws, "2026-11-02");
    let diff = git(ws.path(), &["diff", "-U0", "--no-color", "contacts/uma.md"]);
    assert!(
        diff.contains("-lead_status: working\n+lead_status: nurturing\n"),
        "{diff}"
    );
    assert!(
        diff.contains("+- 2026-11-02 workflow: re-engage step 1/1: set lead_status=nurturing\n"),
        "{diff}"
    );
    commit(&ws, "2026-11-02");
    let out = ws.kith(&["workflows", "--as-of", "2026-11-02"]);
    let table = out.ok();
    assert!(table.contains("re-engage"), "{table}");
    let json = ws
        .kith(&["workflows", "--as-of", "2026-11-02", "--format", "json"])
        .json();
    let re = json
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == "re-engage")
        .unwrap();
    assert_eq!(re["completed"], 1);
    assert_eq!(re["due_now"], 0);
}

#[test]
fn tasks_are_added_ticked_snoozed_and_listed() {
    let ws = workspace();
    git(ws.path(), &["config", "user.email", "priya@t.example"]);
    let out = ws.kith(&[
        "task",
        "omar",
        "confirm pilot scope",
        "--due",
        "2026-11-27",
        "--type",
        "call",
    ]);
    assert_eq!(
        out.ok(),
        "contacts/omar.md: added - [ ] 2026-11-27 call @sam: confirm pilot scope (from @priya)\n"
    );
    assert_eq!(
        ws.changes(),
        [
            "+## Tasks",
            "+- [ ] 2026-11-27 call @sam: confirm pilot scope (from @priya)",
        ]
    );
    ws.kith(&[
        "task",
        "omar",
        "send the contract",
        "--due",
        "2026-11-20",
        "--owner",
        "priya",
    ])
    .ok();
    // Tasks stay in due-date order.
    let omar = ws.read("contacts/omar.md");
    assert!(omar.ends_with(
        "## Tasks\n- [ ] 2026-11-20 follow-up @priya: send the contract\n- [ ] 2026-11-27 call @sam: confirm pilot scope (from @priya)\n"
    ), "{omar}");

    // The agenda: due or overdue, oldest first, with the reason.
    let due = ws.kith(&["due"]);
    assert_eq!(
        due.ok(),
        "DUE                   OWNER  RECORD  #  TASK                         WHY\n\
         2026-11-20 (5d late)  priya  omar    1  follow-up send the contract\n\
         1 open task due by 2026-11-25; `kith done ID N` ticks one\n"
    );
    let json = ws.kith(&["due", "--days", "7", "--format", "json"]).json();
    assert_eq!(json.as_array().unwrap().len(), 2);
    assert_eq!(json[1]["reason"], "asked by @priya");
    assert_eq!(json[0]["overdue_days"], 5);
    assert_eq!(
        ws.kith(&["due", "--owner", "sam", "--days", "7", "--format", "json"])
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Which task? Several are open, so kith asks.
    let err = ws.kith(&["done", "omar"]).fails(1).to_string();
    assert!(
        err.contains("has 2 open tasks; say which: `kith done omar N`"),
        "{err}"
    );
    assert!(
        err.contains("  1. 2026-11-20 follow-up send the contract"),
        "{err}"
    );
    ws.kith(&["snooze", "omar", "1", "--to", "2026-12-01"]).ok();
    let omar = ws.read("contacts/omar.md");
    assert!(
        omar.contains("- [ ] 2026-12-01 follow-up @priya: send the contract\n"),
        "{omar}"
    );
    // Snoozed past the other, it is now number 2.
    ws.kith(&["done", "omar", "1"]).ok();
    let omar = ws.read("contacts/omar.md");
    assert!(
        omar.contains(
            "- [x] 2026-11-27 call @sam: confirm pilot scope (from @priya) (done 2026-11-25)\n"
        ),
        "{omar}"
    );
    ws.kith(&["done", "omar", "3"]).fails(1);
    let check = ws.kith(&["check"]);
    check.ok();
    assert!(
        check.stderr.contains("0 errors, 0 warnings"),
        "{}",
        check.stderr
    );
}

#[test]
fn a_malformed_task_is_reported_with_its_position() {
    let ws = workspace();
    let mut omar = ws.read("contacts/omar.md");
    omar.push_str("## Tasks\n- [ ] tomorrow call: ring\n- [ ] 2026-11-27 call @sam: fine\n");
    ws.write("contacts/omar.md", &omar);
    let check = ws.kith(&["check"]);
    assert!(
        check.stdout.contains("contacts/omar.md:10:7: warning: task not understood: the checkbox must be followed by the due date (YYYY-MM-DD) [bad-task]"),
        "{}",
        check.stdout
    );
    // The good task still counts.
    let json = ws.kith(&["due", "--days", "7", "--format", "json"]).json();
    assert_eq!(json.as_array().unwrap().len(), 1);
}

#[test]
fn the_calendar_feed_parses_with_a_real_icalendar_parser() {
    use icalendar::{Component, DatePerhapsTime};
    let ws = workspace();
    ws.kith(&[
        "task",
        "omar",
        "pilot call, scope; pricing",
        "--due",
        "2026-11-27",
        "--time",
        "14:30",
        "--type",
        "call",
    ])
    .ok();
    advance(&ws, "2026-11-02");
    let ics = ws.kith(&["due", "--format", "ics", "--owner", "sam"]);
    let text = ics.ok();
    assert!(text.contains("\r\n"));
    let cal: icalendar::Calendar = text.parse().expect("a valid calendar");
    let events: Vec<&icalendar::Event> = cal.events().collect();
    let summaries: Vec<&str> = events.iter().filter_map(|e| e.get_summary()).collect();
    assert_eq!(
        summaries,
        [
            "email Omar Haddad: send the welcome pack",
            "call Omar Haddad: pilot call, scope; pricing"
        ]
    );
    match events[0].get_start() {
        Some(DatePerhapsTime::Date(d)) => assert_eq!(d.to_string(), "2026-11-02"),
        other => panic!("{other:?}"),
    }
    match events[1].get_start() {
        Some(DatePerhapsTime::DateTime(dt)) => {
            assert!(format!("{dt:?}").contains("2026-11-27T14:30:00"), "{dt:?}")
        }
        other => panic!("{other:?}"),
    }
    let uid = events[1].get_uid().unwrap().to_string();
    // Snoozing moves the event: same UID, new day.
    ws.kith(&["snooze", "omar", "2", "--to", "2026-11-30"]).ok();
    let moved: icalendar::Calendar = ws
        .kith(&["due", "--format", "ics", "--owner", "sam"])
        .ok()
        .parse()
        .unwrap();
    let e = moved
        .events()
        .find(|e| e.get_uid() == Some(uid.as_str()))
        .expect("same UID");
    assert!(format!("{:?}", e.get_start()).contains("2026-11-30"));
}

/// The text of an HTML page's element with this id, tags removed and spaces collapsed.
fn section_text(html: &str, id: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(&format!("#{id}")).unwrap();
    let el = doc
        .select(&sel)
        .next()
        .unwrap_or_else(|| panic!("no #{id}"));
    el.text()
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_weekly_report_shows_hand_offs_overdue_follow_ups_and_workflow_funnels() {
    let ws = workspace();
    add_sqls(&ws);
    commit(&ws, "2026-11-01");
    advance(&ws, "2026-11-02");
    commit(&ws, "2026-11-02");
    ws.kith(&[
        "log",
        "sol",
        "call",
        "intro",
        "--date",
        "2026-11-03",
        "--by",
        "mei",
    ])
    .ok();
    commit(&ws, "2026-11-03");
    ws.kith(&["report", "--week", "2026-W45", "--no-records"])
        .ok();
    let page = ws.read("public/weeks/2026-W45/index.html");
    let text = section_text(&page, "follow-ups");
    assert!(
        text.contains("Hand-offs this week 4 hand-offs; median time to the new owner's first touch 1 day; 3 still waiting."),
        "{text}"
    );
    // Each hand-off: who, from, to, when, how, first touch.
    assert!(
        text.contains("pia nobody Sam 2026-11-02 workflow sql-handoff waiting"),
        "{text}"
    );
    assert!(
        text.contains("sol nobody Mei 2026-11-02 workflow sql-handoff 1 day"),
        "{text}"
    );
    // Overdue at the end of the week (Sunday 8 November), by owner, most first.
    assert!(
        text.contains("Sam: 3 overdue, the oldest 6 days late"),
        "{text}"
    );
    assert!(
        text.contains("Mei: 2 overdue, the oldest 6 days late"),
        "{text}"
    );
    assert!(
        text.contains("Priya: 2 overdue, the oldest 6 days late"),
        "{text}"
    );
    assert!(
        text.contains(
            "Omar Haddad email send the welcome pack workflow new-lead-nurture 6 days late"
        ),
        "{text}"
    );
    // Funnels: entered this week, in now, completed, left early, converted.
    assert!(
        text.contains("new-lead-nurture 2 2 0 0 0 of 2 (0 %)"),
        "{text}"
    );
    assert!(text.contains("sql-handoff 4 4 0 0 0 of 4 (0 %)"), "{text}");
    assert!(
        text.contains("stay-in-touch 1 0 1 0 0 of 1 (0 %)"),
        "{text}"
    );
    assert!(text.contains("re-engage 1 0 1 0 0 of 1 (0 %)"), "{text}");
}

#[test]
fn one_run_settles_workflows_that_start_or_end_each_other() {
    // Re-engage also takes new leads: a faded new lead enters the nurture and is moved to
    // nurturing in the same run, which ends the nurture. A second run finds nothing to do.
    let config = CONFIG.replace(
        "lifecycle = lead and lead_status = working and score < 5",
        "lifecycle = lead and lead_status in [new, working] and score < 5",
    );
    let ws = Ws::with_config(&config);
    ws.write(
        "contacts/wes.md",
        &person(
            "name: Wes Long\nemail: wes@w.example\nlifecycle: lead\nlead_status: new\nowner: sam\n",
            "- 2025-12-01 visit: /blog\n",
        ),
    );
    init_and_commit(ws.path(), "records");
    let out = advance(&ws, "2026-11-02");
    assert_eq!(
        out,
        "contacts/wes.md: new-lead-nurture enters (2026-11-02)\n\
         contacts/wes.md: new-lead-nurture step 1/3 (2026-11-02): task email \"send the welcome pack\" for @sam due 2026-11-02\n\
         contacts/wes.md: re-engage enters (2026-11-02)\n\
         contacts/wes.md: re-engage step 1/1 (2026-11-02): lead_status = nurturing\n\
         contacts/wes.md: new-lead-nurture leaves (no longer matches the trigger) (2026-11-02)\n"
    );
    commit(&ws, "2026-11-02");
    let again = ws.kith(&["advance", "--as-of", "2026-11-02"]);
    assert_eq!(again.ok(), "0 changes due as of 2026-11-02\n");
}
