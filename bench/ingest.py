#!/usr/bin/env python3
"""Writes an mbox of N messages for bench/ingest.sh with Python's `mailbox` and `email`
modules, addressed to and from the people of a generated workspace (`kith gen`).

    python3 bench/ingest.py WORKSPACE OUT.mbox [N]

The mix, with a fixed seed: 70 % received from a known person (a third of them with a Cc),
15 % sent by a teammate to one or two known people, 5 % from unknown senders, 4 % mailing
lists, 3 % auto-replies and 3 % between teammates. Bodies are a few lines of plain text, every
tenth quoted-printable UTF-8 and every twentieth multipart with a small attachment. Dates
spread over October and November 2026.
"""

import mailbox
import os
import random
import sys
from email.message import EmailMessage

TEAM = ["sam", "priya", "jonas", "mei", "alex"]
WORDS = (
    "pricing seats rollout pilot contract renewal dashboard export report onboarding "
    "security review invoice meeting schedule timeline budget approval question update"
).split()


def addresses(ws):
    out = []
    folder = os.path.join(ws, "contacts")
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            lines = f.read(4096).split("\n")
        for line in lines[1:]:
            if line.startswith("---"):
                break
            if line.startswith("email:"):
                out.append(line.split(":", 1)[1].split("#")[0].strip().strip("\"'"))
                break
    return [a for a in out if "@brightwave.example" not in a]


def text(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def main():
    ws, out = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 100_000
    rng = random.Random(42)
    people = addresses(ws)
    if os.path.exists(out):
        os.remove(out)
    box = mailbox.mbox(out, create=True)
    box.lock()
    for i in range(n):
        r = rng.random()
        team = rng.choice(TEAM) + "@brightwave.example"
        m = EmailMessage()
        if r < 0.70:
            m["From"] = rng.choice(people)
            m["To"] = team
            if rng.random() < 0.33:
                m["Cc"] = rng.choice(people)
        elif r < 0.85:
            m["From"] = team
            m["To"] = ", ".join(rng.sample(people, rng.choice([1, 2])))
        elif r < 0.90:
            m["From"] = "visitor%d@unknown-%d.example" % (i, i % 997)
            m["To"] = "sales@brightwave.example"
        elif r < 0.94:
            m["From"] = "news@lists.example"
            m["To"] = team
            m["List-Id"] = "<news.lists.example>"
        elif r < 0.97:
            m["From"] = rng.choice(people)
            m["To"] = team
            m["Auto-Submitted"] = "auto-replied"
        else:
            m["From"] = team
            m["To"] = rng.choice(TEAM) + "@brightwave.example"
        day = rng.randint(1, 61)
        month, day = (10, day) if day <= 31 else (11, day - 31)
        m["Subject"] = "Re: " + text(rng, 4)
        m["Date"] = "%02d %s 2026 %02d:%02d:00 +0000" % (
            day,
            "Oct" if month == 10 else "Nov",
            rng.randint(7, 19),
            rng.randint(0, 59),
        )
        m["Message-ID"] = "<bench-%d@mail.example>" % i
        body = "Hi,\n\n%s.\n\n%s.\n\nBest\n" % (text(rng, 12), text(rng, 20))
        if i % 10 == 0:
            m.set_content(body + "Grüße — ünïcödé\n", cte="quoted-printable")
        else:
            m.set_content(body)
        if i % 20 == 0:
            m.add_attachment(os.urandom(2048), maintype="application", subtype="pdf", filename="a.pdf")
        box.add(m)
    box.flush()
    box.unlock()
    box.close()


if __name__ == "__main__":
    main()
