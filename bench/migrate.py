"""Writes a HubSpot export for bench/migrate.sh: companies, contacts, deals and engagements
(notes, calls, meetings, e-mails, tasks) with their association columns, from a fixed seed.

    python3 bench/migrate.py DIR CONTACTS COMPANIES DEALS ACTIVITIES
"""
import csv, os, random, sys

out, contacts, companies, deals, activities = sys.argv[1], *map(int, sys.argv[2:6])
rng = random.Random(42)
os.makedirs(out, exist_ok=True)
FIRST = "Ada Ben Cleo Dan Eva Finn Gia Hugo Ines Jon Kai Lena Mo Nia Otto Pia Raf Sara Tom Uma".split()
LAST = "Weiss Fox Haddad Novak Rossi Berg Kaya Silva Moreau Jansen Ito Okafor Lind Park Costa".split()
STAGES = ["appointmentscheduled", "qualifiedtobuy", "presentationscheduled",
          "decisionmakerboughtin", "contractsent", "closedwon", "closedlost"]
LIFECYCLE = ["subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead",
             "opportunity", "customer"]


def day(i):
    return f"2026-{1 + i % 11:02d}-{1 + i % 28:02d}"


with open(f"{out}/companies.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["Record ID", "Company name", "Company Domain Name", "Industry",
                "Number of Employees", "Country/Region", "Create Date"])
    for c in range(companies):
        w.writerow([10_000_000 + c, f"Company {c} {rng.choice(LAST)}", f"company{c}.example",
                    rng.choice(["Retail", "Finance", "Logistics", "Healthcare"]),
                    rng.randint(5, 5000), rng.choice(["Germany", "United Kingdom", "France"]),
                    day(c)])
company_of = []
with open(f"{out}/contacts.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Job Title",
                "Lifecycle Stage", "Associated Company IDs", "Create Date"])
    for p in range(contacts):
        c = rng.randrange(companies)
        company_of.append(c)
        w.writerow([20_000_000 + p, rng.choice(FIRST), f"{rng.choice(LAST)} {p}",
                    f"p{p}@company{c}.example", f"+44 20 7946 {p % 10000:04d}",
                    rng.choice(["CTO", "Head of Ops", "CFO", "Engineer"]),
                    rng.choice(LIFECYCLE), 10_000_000 + c, day(p)])
with open(f"{out}/deals.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["Record ID", "Deal Name", "Deal Stage", "Amount", "Close Date",
                "Associated Company IDs", "Associated Contact IDs"])
    for d in range(deals):
        p = rng.randrange(contacts)
        q = rng.randrange(contacts)
        w.writerow([30_000_000 + d, f"Deal {d}", rng.choice(STAGES), rng.randint(1, 200) * 500,
                    day(d), 10_000_000 + company_of[p], f"{20_000_000 + p};{20_000_000 + q}"])
with open(f"{out}/engagements.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["Record ID", "Activity type", "Activity date", "Subject", "Body", "Task status",
                "Associated Contact IDs", "Associated Company IDs", "Associated Deal IDs"])
    for a in range(activities):
        kind = rng.choice(["NOTE", "CALL", "MEETING", "EMAIL", "NOTE", "CALL", "TASK"])
        p = rng.randrange(contacts)
        deal = 30_000_000 + rng.randrange(deals) if rng.random() < 0.3 else ""
        w.writerow([40_000_000 + a, kind, f"{day(a)} {9 + a % 9:02d}:{a % 60:02d}",
                    f"{kind.title()} {a}", f"<p>Talked about item {a}.</p><p>Next step {a % 7}.</p>",
                    "NOT_STARTED" if kind == "TASK" and a % 3 else "COMPLETED",
                    20_000_000 + p, "", deal])
