//! Long lists: a week's page shows the first [`SHOWN`] rows of each list and "and 16,442
//! more", linking to a page of the whole list, so that the page of the week of a large
//! import stays small (`index.html` was 4 MB at 100,000 records after a 16,000-record import,
//! 3.8 MB of it "moved this week"). Pure: which lists are long, and what their pages are.

use super::Weekly;

/// The rows of a list a week's page shows.
pub const SHOWN: usize = 50;

/// A list longer than [`SHOWN`], with a page of its own: `weeks/2026-W48/lists/KEY.html`.
#[derive(Debug, Clone, PartialEq)]
pub struct Long {
    /// `new-contacts`, `stale`, …: the page's name.
    pub key: &'static str,
    /// `New contacts`
    pub title: &'static str,
    /// The field of `moved` it lists, for what moved.
    pub moved: Option<&'static str>,
    /// How many rows it has (all owners' together, for lists by owner).
    pub rows: usize,
}

/// What moved, by page name, title and field.
const MOVED: [(&str, &str, &str); 8] = [
    ("new-contacts", "New contacts", "new_contacts"),
    ("new-leads", "Became leads", "new_leads"),
    ("advanced", "Moved forward", "advanced"),
    ("regressed", "Moved back", "regressed"),
    ("deals-won", "Deals won", "deals_won"),
    ("deals-lost", "Deals lost", "deals_lost"),
    ("deals-moved", "Deals that changed stage", "deals_moved"),
    ("new-deals", "New deals", "new_deals"),
];

/// The lists of a week's page that are longer than [`SHOWN`] (a list by owner when any
/// owner's part is).
pub fn long(w: &Weekly) -> Vec<Long> {
    let mut out = Vec::new();
    if let Some(m) = &w.moved {
        let lists = [
            &m.new_contacts,
            &m.new_leads,
            &m.advanced,
            &m.regressed,
            &m.deals_won,
            &m.deals_lost,
            &m.deals_moved,
            &m.new_deals,
        ];
        for ((key, title, field), items) in MOVED.iter().zip(lists) {
            if items.len() > SHOWN {
                out.push(Long {
                    key,
                    title,
                    moved: Some(field),
                    rows: items.len(),
                });
            }
        }
    }
    let mut by_owner = |key, title, lens: Vec<usize>| {
        if lens.iter().any(|&n| n > SHOWN) {
            out.push(Long {
                key,
                title,
                moved: None,
                rows: lens.iter().sum(),
            });
        }
    };
    by_owner(
        "stale",
        "Stale leads and deals",
        w.stale.owners.iter().map(|o| o.items.len()).collect(),
    );
    by_owner(
        "overdue",
        "Overdue follow-ups",
        w.followups.overdue.iter().map(|o| o.items.len()).collect(),
    );
    by_owner(
        "handoffs",
        "Hand-offs this week",
        vec![w.followups.handoffs.len()],
    );
    by_owner(
        "deal-ages",
        "Open deals by days in stage",
        vec![w.deal_depth.deals.len()],
    );
    by_owner(
        "next-steps",
        "Next steps missing or past",
        vec![w.deal_depth.next_steps.len()],
    );
    by_owner(
        "closing",
        "Deals closing this month",
        vec![w.deals.closing_this_month.len()],
    );
    out
}
