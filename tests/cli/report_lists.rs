//! Long lists: a week's page shows the first 50 rows of each list and "and N more", linking to
//! a page of the whole list, so that the week of a large import keeps a small page.

use crate::harness::*;
use crate::report::{fixture, page, sel, text, texts};

const SAM: Author = Author {
    name: "Sam O.",
    email: "sam@team.example",
};

/// The fixture with `n` more people, committed this week as leads by one commit (an import of
/// people known since September), each stale (never active) with an overdue task for Sam.
fn with_import(n: usize) -> Ws {
    let ws = fixture();
    for i in 0..n {
        ws.write(
            &format!("contacts/imported-{i:04}.md"),
            &format!(
                "---\nname: Imported {i:04}\nemail: imported.{i:04}@customer.example\nlifecycle: lead\nsource: import\nowner: sam\ncreated: 2026-09-01\n---\n\n## Tasks\n- [ ] 2026-11-20 call @sam: first call\n"
            ),
        );
    }
    commit_all(ws.path(), SAM, "2026-11-24T18:00:00+00:00", "Import");
    ws
}

#[test]
fn a_list_longer_than_fifty_shows_fifty_and_links_the_rest() {
    let ws = with_import(130);
    ws.kith(&["report"]).ok();
    let doc = page(&ws.file("public/index.html"));
    // 131 new contacts this week (Alan and the 130), 50 of them on the page.
    let group = doc
        .select(&sel("#moved .moves-group"))
        .find(|g| g.select(&sel("h3")).next().map(text).as_deref() == Some("New contacts (131)"))
        .expect("the new contacts");
    assert_eq!(group.select(&sel("li")).count(), 50);
    assert_eq!(
        group
            .select(&sel("details summary"))
            .next()
            .map(text)
            .as_deref(),
        Some("44 more")
    );
    let more = group
        .select(&sel("p.more a"))
        .next()
        .expect("the link to the rest");
    assert_eq!(text(more), "and 81 more");
    assert_eq!(
        more.value().attr("href"),
        Some("./weeks/2026-W48/lists/new-contacts.html")
    );
    // The whole list on its own page, linked back to the week.
    let list = page(&ws.file("public/weeks/2026-W48/lists/new-contacts.html"));
    assert_eq!(texts(&list, "h1"), ["New contacts, week 2026-W48"]);
    assert_eq!(list.select(&sel("#list li")).count(), 131);
    assert!(texts(&list, "p.subtitle")[0].starts_with("131 in all · "));

    // Stale, by owner: Sam's 131 (the 130 and the Umbrella deal), Priya's 2 (Edsger, Grace);
    // overdue follow-ups: Sam's 130. Both are cut the same way.
    let stale_more: Vec<String> = texts(&doc, "#stale p.more");
    assert_eq!(stale_more, ["and 81 more"]);
    assert_eq!(texts(&doc, "#follow-ups p.more"), ["and 80 more"]);
    assert_eq!(doc.select(&sel("#stale tr")).count(), 50 + 2);
    let overdue = page(&ws.file("public/weeks/2026-W48/lists/overdue.html"));
    assert_eq!(overdue.select(&sel("#list tr")).count(), 130);
    // The week's page links only to list pages that exist.
    let mut lists: Vec<String> = std::fs::read_dir(ws.file("public/weeks/2026-W48/lists"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    lists.sort();
    assert_eq!(
        lists,
        [
            "new-contacts.html",
            "new-leads.html",
            "overdue.html",
            "stale.html"
        ]
    );

    // The page of a list that is short again goes (say, one written before a commit was
    // amended): here `advanced`, with 2 rows this week.
    ws.write("public/weeks/2026-W48/lists/advanced.html", "<p>old</p>");
    ws.kith(&["report"]).ok();
    assert!(
        !ws.file("public/weeks/2026-W48/lists/advanced.html")
            .exists()
    );
    assert!(ws.file("public/weeks/2026-W48/lists/stale.html").is_file());
}
