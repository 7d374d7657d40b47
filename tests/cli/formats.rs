//! Output for tools and for people: `--format json` and `csv`, `check --format json`,
//! `show --format json`, aligned tables and cards, colour only when asked for (or on a terminal),
//! and exit codes: 0 ok, 1 for errors kith reports, 2 for command-line usage errors.

use crate::harness::*;

const ESC: char = '\u{1b}';

/// Removes ANSI escape sequences (`ESC [ ... letter`).
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == ESC {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A small RFC 4180 reader: quoted fields may hold commas, quotes (doubled) and line breaks.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            _ => field.push(c),
        }
    }
    assert!(!quoted, "unterminated quoted field");
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// The top-level keys of a record's frontmatter, read plainly from the file.
fn frontmatter_keys(text: &str) -> Vec<String> {
    let rest = text.strip_prefix("---\n").expect("frontmatter");
    let end = rest.find("\n---\n").expect("closing ---");
    rest[..end]
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
        .filter_map(|l| l.split_once(':').map(|(k, _)| k.trim().to_string()))
        .collect()
}

/// The display column (0-based, one per char: the example has no wide characters) where each
/// header word of a table starts.
fn header_columns(header: &str) -> Vec<usize> {
    let chars: Vec<char> = header.chars().collect();
    (0..chars.len())
        .filter(|&i| chars[i] != ' ' && (i == 0 || chars[i - 1] == ' '))
        .collect()
}

/// Asserts that every cell of a left-aligned table starts exactly under its header.
#[track_caller]
fn assert_left_aligned(table: &str, skip_columns: &[usize]) {
    let mut lines = table.lines();
    let header = lines.next().unwrap();
    let starts = header_columns(header);
    for line in lines.filter(|l| l.contains("  ")) {
        let chars: Vec<char> = line.chars().collect();
        for (col, &s) in starts.iter().enumerate().skip(1) {
            if skip_columns.contains(&col) || s >= chars.len() {
                continue;
            }
            assert!(
                chars[s - 2] == ' ' && chars[s - 1] == ' ',
                "column {col} of {line:?} does not start under its header {header:?}"
            );
            let next = starts
                .get(col + 1)
                .copied()
                .unwrap_or(chars.len())
                .min(chars.len());
            let empty = chars[s..next].iter().all(|c| *c == ' ');
            assert!(
                empty || chars[s] != ' ',
                "column {col} of {line:?} starts after its header {header:?}"
            );
        }
    }
}

fn example_records(ws: &Ws, dir: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(ws.file(dir))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .map(|n| {
            (
                n.trim_end_matches(".md").to_string(),
                ws.read(&format!("{dir}/{n}")),
            )
        })
        .collect();
    out.sort();
    out
}

// ---------------------------------------------------------------------------------------------
// list --format json

#[test]
fn list_json_has_id_kind_path_and_every_frontmatter_field() {
    let ws = Ws::example();
    for (kind, dir, noun, count) in [
        ("contacts", "contacts", "contact", 72),
        ("companies", "companies", "company", 18),
        ("deals", "deals", "deal", 14),
    ] {
        let out = ws.kith(&["list", kind, "--format", "json"]);
        assert_eq!(out.stderr, "");
        let json = out.json();
        let array = json.as_array().expect("one JSON array");
        assert_eq!(array.len(), count, "{kind}");
        let records = example_records(&ws, dir);
        assert_eq!(records.len(), count);
        for obj in array {
            let id = obj["id"].as_str().expect("id");
            assert_eq!(obj["kind"], noun, "{id}");
            assert_eq!(obj["path"], format!("{dir}/{id}.md"));
            let (_, text) = records
                .iter()
                .find(|(r, _)| r == id)
                .expect("a file for each id");
            for key in frontmatter_keys(text) {
                assert!(
                    obj.get(&key).is_some(),
                    "{dir}/{id}.md: `{key}` missing from {obj}"
                );
            }
        }
    }
}

#[test]
fn list_json_keeps_value_types() {
    let ws = Ws::example();
    let people = ws.kith(&["list", "--format", "json"]).json();
    let ben = people
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "ben-carver")
        .unwrap();
    assert_eq!(ben["phone"], "+1 617 555 0126");
    assert_eq!(ben["tags"], serde_json::json!(["retail", "north-america"]));
    assert_eq!(ben["created"], "2026-10-15");
    assert_eq!(ben["lifecycle"], "sql");
    let companies = ws.kith(&["list", "companies", "--format", "json"]).json();
    let calder = companies
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "calder-mutual")
        .unwrap();
    assert_eq!(calder["size"], 800);
    assert_eq!(calder["renewal_date"], "2027-11-30");
    let deals = ws
        .kith(&["list", "deals", "--stage", "won", "--format", "json"])
        .json();
    let renewal = deals
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "calder-mutual-renewal-2027")
        .unwrap();
    assert_eq!(renewal["amount"], 42000);
    assert_eq!(renewal["currency"], "GBP");
    assert_eq!(renewal["company"], "calder-mutual");
    assert!(renewal["contacts"].is_array(), "{renewal}");
    // Filters apply; an empty result is still an array.
    let sql = ws
        .kith(&["list", "--lifecycle", "sql", "--format", "json"])
        .json();
    assert_eq!(sql.as_array().unwrap().len(), 4);
    let none = ws.kith(&["list", "--owner", "nobody", "--format", "json"]);
    assert_eq!(none.json(), serde_json::json!([]));
}

// ---------------------------------------------------------------------------------------------
// list --format csv

#[test]
fn list_csv_has_a_header_and_one_row_per_record() {
    let ws = Ws::example();
    let out = ws.kith(&["list", "--format", "csv"]);
    let rows = parse_csv(out.ok());
    let header = &rows[0];
    assert_eq!(&header[..4], ["id", "kind", "path", "name"]);
    assert_eq!(rows.len(), 1 + 72);
    let mut unique = header.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), header.len(), "duplicate columns: {header:?}");
    for row in &rows[1..] {
        assert_eq!(row.len(), header.len(), "{row:?}");
        assert_eq!(row[1], "contact");
        assert_eq!(row[2], format!("contacts/{}.md", row[0]));
    }
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let ben = rows.iter().find(|r| r[0] == "ben-carver").unwrap();
    assert_eq!(ben[col("phone")], "+1 617 555 0126");
    assert_eq!(ben[col("tags")], "retail; north-america");
    assert_eq!(ben[col("company")], "");
    // A value with a comma and one with line breaks survive quoting.
    let dana = rows.iter().find(|r| r[0] == "dana-whitfield").unwrap();
    assert_eq!(dana[col("title")], "VP, Data & Analytics");
    let felix = rows.iter().find(|r| r[0] == "felix-hoffmann").unwrap();
    assert!(
        felix[col("unqualified_reason")].contains("setup.\nRevisit only if"),
        "{felix:?}"
    );
}

#[test]
fn list_csv_with_fields_has_exactly_those_columns() {
    let ws = Ws::example();
    let out = ws.kith(&[
        "list",
        "deals",
        "--stage",
        "open",
        "--sort",
        "amount",
        "-r",
        "--format",
        "csv",
        "--fields",
        "name,amount,currency",
    ]);
    assert_eq!(
        out.ok(),
        "id,kind,path,name,amount,currency\n\
         kestrel-health-data-platform,deal,deals/kestrel-health-data-platform.md,Kestrel Health data platform,89000,USD\n\
         alpenrose-finanz-reporting-hub,deal,deals/alpenrose-finanz-reporting-hub.md,Alpenrose Finanz reporting hub,64000,EUR\n\
         oakridge-plant-telemetry,deal,deals/oakridge-plant-telemetry.md,Oakridge plant telemetry,52000,USD\n\
         van-dijk-logistics-route-insights,deal,deals/van-dijk-logistics-route-insights.md,Van Dijk Logistics route insights,33000,EUR\n\
         larkspur-media-audience-analytics,deal,deals/larkspur-media-audience-analytics.md,Larkspur Media audience analytics,21000,EUR\n\
         brunner-feinmechanik-pilot,deal,deals/brunner-feinmechanik-pilot.md,Brunner Feinmechanik pilot,9000,EUR\n"
    );
}

#[test]
fn list_csv_names_computed_columns_as_json_does_and_keeps_a_field_of_that_name() {
    let ws = Ws::example();
    // Computed values are `score`, `grade`, ...; only a frontmatter field of one of those names
    // is `field.NAME`, with its own value.
    let rows = parse_csv(
        ws.kith(&["list", "--format", "csv", "--fields", "name,score,grade"])
            .ok(),
    );
    assert_eq!(rows[0], ["id", "kind", "path", "name", "score", "grade"]);
    let ben = rows.iter().find(|r| r[0] == "ben-carver").unwrap();
    assert_eq!(ben[4..], ["57.5", "A2"]);

    ws.kith(&["set", "ben-carver", "score=high"]).ok();
    let rows = parse_csv(ws.kith(&["list", "--format", "csv"]).ok());
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let ben = rows.iter().find(|r| r[0] == "ben-carver").unwrap();
    assert_eq!(ben[col("field.score")], "high");
    assert_eq!(ben[col("score")], "57.5");
    assert_eq!(ben[col("grade")], "A2");
    let rows = parse_csv(
        ws.kith(&["list", "--format", "csv", "--fields", "field.score,score"])
            .ok(),
    );
    assert_eq!(rows[0][3..], ["field.score", "score"]);
    let ben = rows.iter().find(|r| r[0] == "ben-carver").unwrap();
    assert_eq!(ben[3..], ["high", "57.5"]);
}

#[test]
fn list_csv_and_json_keep_a_field_named_kind() {
    let ws = Ws::example();
    ws.kith(&["set", "ben-carver", "kind=partner"]).ok();
    let rows = parse_csv(
        ws.kith(&["list", "--format", "csv", "--fields", "name,kind"])
            .ok(),
    );
    let mut unique = rows[0].clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        rows[0].len(),
        "duplicate columns: {:?}",
        rows[0]
    );
    let json = ws.kith(&["list", "--format", "json"]).json();
    let ben = json
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "ben-carver")
        .unwrap();
    assert!(
        ben.to_string().contains("\"partner\""),
        "the field's value is lost: {ben}"
    );
}

// ---------------------------------------------------------------------------------------------
// check --format json

#[test]
fn check_json_lists_every_problem_with_its_position() {
    let ws = Ws::example();
    let out = ws.kith(&["check", "--format", "json"]);
    assert_eq!(out.json(), serde_json::json!([]));
    assert_eq!(out.code, 0);

    let ben = ws
        .read("contacts/ben-carver.md")
        .replace("created: 2026-10-15", "created: 2026-13-01");
    ws.write("contacts/ben-carver.md", &ben);
    ws.kith(&["set", "elodie-garnier", "owner=bob", "--force"])
        .ok();
    let out = ws.kith(&["check", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let diags = out.json();
    let diags = diags.as_array().expect("one JSON array");
    assert_eq!(diags.len(), 2, "{diags:?}");
    for d in diags {
        let obj = d.as_object().unwrap();
        for key in ["path", "line", "column", "severity", "code", "message"] {
            assert!(obj.contains_key(key), "`{key}` missing from {d}");
        }
        let extra: Vec<&String> = obj
            .keys()
            .filter(|k| {
                ![
                    "path", "line", "column", "severity", "code", "message", "help",
                ]
                .contains(&k.as_str())
            })
            .collect();
        assert!(extra.is_empty(), "unexpected keys {extra:?}");
    }
    assert_eq!(diags[0]["path"], "contacts/ben-carver.md");
    assert_eq!(diags[0]["line"], 14);
    assert_eq!(diags[0]["column"], 10);
    assert_eq!(diags[0]["severity"], "error");
    assert_eq!(diags[0]["code"], "invalid-date");
    assert_eq!(
        diags[0]["message"],
        "`created` is not a valid date: `2026-13-01`"
    );
    assert_eq!(diags[1]["path"], "contacts/elodie-garnier.md");
    assert_eq!(diags[1]["severity"], "warning");
    assert_eq!(diags[1]["code"], "unknown-owner");
    // No summary line in JSON mode: stderr stays empty for tools.
    assert_eq!(out.stderr, "");
}

// ---------------------------------------------------------------------------------------------
// show --format json

#[test]
fn show_json_has_fields_relations_activities_and_notes() {
    let ws = Ws::example();
    let out = ws.kith(&["show", "ben-carver", "--format", "json"]);
    let rec = out.json();
    let mut keys: Vec<&String> = rec.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "activities",
            "deals",
            "diagnostics",
            "fields",
            "id",
            "kind",
            "notes",
            "path",
            "people",
            "score",
            "segments",
            "tasks"
        ]
    );
    assert_eq!(rec["score"]["grade"], "A2");
    assert_eq!(rec["tasks"].as_array().unwrap().len(), 2);
    assert_eq!(rec["tasks"][1]["reason"], "asked by @priya");
    assert_eq!(rec["tasks"][1]["due"], "2026-11-30");
    assert_eq!(rec["tasks"][1]["done"], false);
    assert_eq!(
        rec["segments"],
        serde_json::json!(["hot-leads", "decision-makers"])
    );
    assert_eq!(rec["id"], "ben-carver");
    assert_eq!(rec["kind"], "contact");
    assert_eq!(rec["path"], "contacts/ben-carver.md");
    assert_eq!(rec["fields"]["name"], "Ben Carver");
    assert_eq!(
        rec["fields"]["tags"],
        serde_json::json!(["retail", "north-america"])
    );
    let keys_in_file = frontmatter_keys(&ws.read("contacts/ben-carver.md"));
    assert_eq!(rec["fields"].as_object().unwrap().len(), keys_in_file.len());
    assert_eq!(rec["deals"], serde_json::json!([]));
    assert_eq!(rec["diagnostics"], serde_json::json!([]));
    let acts = rec["activities"].as_array().unwrap();
    assert_eq!(acts.len(), 9);
    assert_eq!(
        acts[3],
        serde_json::json!({
            "date": "2026-10-28",
            "time": "16:00",
            "type": "call",
            "by": "sam",
            "deal": null,
            "text": "discovery; 40 stores, two analysts, go-live of new stack in April"
        })
    );
    assert_eq!(
        acts[8]["text"],
        "yes, but after Thanksgiving; suggested 1 or 2 December"
    );
    assert!(
        rec["notes"]
            .as_str()
            .unwrap()
            .starts_with("Head of BI at Tidewater Retail (Boston"),
        "{}",
        rec["notes"]
    );
    assert!(!rec["notes"].as_str().unwrap().contains("## Activity"));

    let company = ws
        .kith(&["show", "calder-mutual", "--format", "json"])
        .json();
    assert_eq!(company["kind"], "company");
    assert_eq!(
        company["people"],
        serde_json::json!(["eleanor-whitcombe", "gareth-llewellyn", "nadia-haddad"])
    );
    assert_eq!(
        company["deals"],
        serde_json::json!(["calder-mutual-renewal-2027"])
    );
    assert_eq!(company["fields"]["size"], 800);
}

#[test]
fn show_json_includes_the_records_problems() {
    let ws = Ws::example();
    ws.kith(&["set", "ben-carver", "owner=bob", "--force"]).ok();
    let rec = ws.kith(&["show", "ben-carver", "--format", "json"]).json();
    let diags = rec["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0]["code"], "unknown-owner");
    assert_eq!(diags[0]["path"], "contacts/ben-carver.md");
}

// ---------------------------------------------------------------------------------------------
// tables and cards

#[test]
fn list_table_columns_line_up_under_their_headers() {
    let ws = Ws::example();
    let out = ws.kith(&["list"]);
    let table = out.ok();
    let first = table.lines().next().unwrap();
    assert_eq!(
        first.split_whitespace().collect::<Vec<_>>(),
        [
            "ID",
            "NAME",
            "EMAIL",
            "COMPANY",
            "LIFECYCLE",
            "STATUS",
            "OWNER"
        ]
    );
    // Accented names (Élodie, José Álvarez, Björn Åkesson) take one column per letter.
    assert!(table.contains("elodie-garnier"), "{table}");
    assert_left_aligned(table, &[]);
    let companies = ws.kith(&["list", "companies"]);
    // SIZE is a number column: right-aligned, checked below.
    assert_left_aligned(companies.ok(), &[4]);
    // No trailing spaces on any line.
    for line in table.lines().chain(companies.stdout.lines()) {
        assert_eq!(line, line.trim_end(), "trailing spaces");
    }
}

#[test]
fn list_table_right_aligns_amounts_and_sizes() {
    let ws = Ws::example();
    for (args, header) in [
        (vec!["list", "deals"], "AMOUNT"),
        (vec!["list", "companies"], "SIZE"),
    ] {
        let out = ws.kith(&args);
        let table = out.ok();
        let mut lines = table.lines();
        let head = lines.next().unwrap();
        let end = head.find(header).unwrap() + header.len();
        let rows: Vec<&str> = lines.filter(|l| l.contains("  ")).collect();
        assert!(!rows.is_empty());
        for line in rows {
            // The header is ASCII; rows may hold accents before the column, so count chars.
            let chars: Vec<char> = line.chars().collect();
            assert!(
                chars[end - 1] != ' ' && chars[end] == ' ',
                "{header} not right-aligned in {line:?}"
            );
        }
    }
    let deals = ws
        .kith(&["list", "deals", "--stage", "open"])
        .ok()
        .to_string();
    assert!(deals.contains("USD 89,000"), "{deals}");
    assert!(deals.contains(" EUR 9,000"), "{deals}");
}

#[test]
fn list_table_clips_long_values() {
    let ws = Ws::example();
    let table = ws.kith(&["list"]).ok().to_string();
    assert!(
        table.contains("ahmed.elsayed@rheintal-versicherung.exa… "),
        "{table}"
    );
}

#[test]
fn show_card_aligns_field_values() {
    let ws = Ws::example();
    let card = ws.kith(&["show", "elodie-garnier"]).ok().to_string();
    let fields: Vec<&str> = card.lines().skip(2).take_while(|l| !l.is_empty()).collect();
    // Twelve frontmatter fields, then the computed score and segments in the same columns.
    assert_eq!(fields.len(), 14, "{card}");
    assert!(
        fields[12].starts_with("  score ") && fields[13].starts_with("  segments "),
        "{card}"
    );
    let value_column = |line: &str| {
        let key_end = 2 + line[2..].find(' ').unwrap();
        key_end + line[key_end..].len() - line[key_end..].trim_start().len()
    };
    let col = value_column(fields[0]);
    for line in &fields {
        assert_eq!(
            value_column(line),
            col,
            "values do not line up:\n{}",
            fields.join("\n")
        );
    }
}

#[test]
fn show_card_keeps_multi_line_values_indented() {
    let ws = Ws::example();
    let card = ws.kith(&["show", "felix-hoffmann"]).ok().to_string();
    let fields: Vec<&str> = card.lines().skip(2).take_while(|l| !l.is_empty()).collect();
    assert!(
        fields.iter().any(|l| l.trim_start().starts_with("source")),
        "the field list stops early:\n{card}"
    );
    for line in &fields {
        assert!(line.starts_with("  "), "{line:?} is not indented:\n{card}");
    }
}

// ---------------------------------------------------------------------------------------------
// colour

#[test]
fn output_is_plain_when_piped_or_no_color_is_set() {
    let ws = Ws::example();
    let broken = ws
        .read("contacts/ben-carver.md")
        .replace("created: 2026-10-15", "created: 2026-13-01");
    ws.write("contacts/ben-carver.md", &broken);
    let runs = [
        vec!["list"],
        vec!["list", "deals"],
        vec!["show", "calder-mutual"],
        vec!["show", "ben-carver"],
        vec!["check"],
        vec!["show", "daniel"],
        vec!["tag", "elodie-garnier", "+vip"],
    ];
    for args in &runs {
        // The harness: NO_COLOR=1.
        let out = ws.kith(args);
        assert!(
            !out.stdout.contains(ESC) && !out.stderr.contains(ESC),
            "{args:?} with NO_COLOR: {out:?}"
        );
        // No NO_COLOR, but a pipe is not a terminal.
        let out = kith_env(ws.path(), &[], args);
        assert!(
            !out.stdout.contains(ESC) && !out.stderr.contains(ESC),
            "{args:?} piped: {out:?}"
        );
        // --color never, even when a tool forces colour.
        let mut never = vec!["--color", "never"];
        never.extend(args.iter());
        let out = kith_env(ws.path(), &[("CLICOLOR_FORCE", "1")], &never);
        assert!(
            !out.stdout.contains(ESC) && !out.stderr.contains(ESC),
            "{args:?} --color never: {out:?}"
        );
    }
}

#[test]
fn color_always_emits_ansi_escapes_that_strip_to_the_plain_output() {
    let ws = Ws::example();
    for args in [
        vec!["list"],
        vec!["list", "deals"],
        vec!["show", "elodie-garnier"],
        vec!["show", "calder-mutual"],
    ] {
        let plain = ws.kith(&args);
        let mut always = args.clone();
        always.extend(["--color", "always"]);
        // The harness sets NO_COLOR=1: an explicit --color always still wins.
        let colored = ws.kith(&always);
        assert!(colored.ok().contains("\u{1b}["), "{args:?}: no escapes");
        assert_eq!(strip_ansi(&colored.stdout), plain.ok(), "{args:?}");
    }
    // Errors and the check summary on stderr too.
    let out = ws.kith(&["--color", "always", "show", "nobody-at-all"]);
    assert!(out.fails(1).starts_with("\u{1b}["), "{:?}", out.stderr);
    assert!(strip_ansi(&out.stderr).starts_with("error: no record matches `nobody-at-all`"));
    let out = ws.kith(&["--color", "always", "check"]);
    assert!(out.stderr.contains("\u{1b}["), "{:?}", out.stderr);
    assert_eq!(
        strip_ansi(&out.stderr),
        "0 errors, 0 warnings in 104 records\n"
    );
}

#[test]
fn data_formats_are_never_coloured() {
    let ws = Ws::example();
    for args in [
        vec!["list", "--format", "json"],
        vec!["list", "deals", "--format", "csv"],
        vec!["show", "ben-carver", "--format", "json"],
        vec!["check", "--format", "json"],
    ] {
        let plain = ws.kith(&args);
        let mut always = args.clone();
        always.extend(["--color", "always"]);
        let colored = ws.kith(&always);
        assert_eq!(colored.ok(), plain.ok(), "{args:?}");
        assert!(!colored.stdout.contains(ESC), "{args:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// exit codes

#[test]
fn exit_code_0_on_success() {
    let ws = Ws::example();
    for args in [
        vec!["list"],
        vec!["show", "ben-carver"],
        vec!["check"],
        vec!["--version"],
        vec!["help", "list"],
        vec!["set", "ben-carver", "title=Head of BI"], // unchanged is fine
    ] {
        let out = ws.kith(&args);
        assert_eq!(out.code, 0, "{args:?}: {out:?}");
    }
    // The commit follows when built from a checkout (tests/cli/install.rs checks it).
    let version = ws.kith(&["--version"]).stdout;
    assert!(
        version == "kith 0.1.0\n" || version.starts_with("kith 0.1.0 (commit "),
        "{version}"
    );
}

#[test]
fn exit_code_1_for_errors_kith_reports() {
    let ws = Ws::example();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["show", "nobody-at-all"],
            "error: no record matches `nobody-at-all`",
        ),
        (vec!["show", "daniel"], "error: `daniel` matches 2 records:"),
        (
            vec!["set", "ben-carver", "seats=lots"],
            "error: `seats` must be a whole number, not `lots`",
        ),
        (
            vec!["set", "ben-carver", "lifecycle=prospect"],
            "error: unknown lifecycle stage `prospect`",
        ),
        (
            vec!["list", "--lifecycle", "prospect"],
            "error: unknown lifecycle stage `prospect`",
        ),
        (
            vec!["promote", "fiona-gallagher"],
            "error: Fiona Gallagher is already at the last stage, `evangelist`",
        ),
    ];
    for (args, start) in cases {
        let out = ws.kith(&args);
        let err = out.fails(1);
        assert!(err.starts_with(start), "{args:?}: {err}");
        assert_eq!(out.stdout, "", "{args:?}");
    }
    // check with an error in a record.
    let broken = ws
        .read("contacts/ben-carver.md")
        .replace("owner: sam", "owner: [sam");
    ws.write("contacts/ben-carver.md", &broken);
    ws.kith(&["check"]).fails(1);
    ws.kith(&["check", "--format", "json"]).fails(1);
}

#[test]
fn exit_code_2_for_usage_errors() {
    let ws = Ws::example();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec![], "Usage: kith [OPTIONS] <COMMAND>"),
        (
            vec!["frobnicate"],
            "error: unrecognized subcommand 'frobnicate'",
        ),
        (
            vec!["list", "--format", "xml"],
            "error: invalid value 'xml' for '--format <FORMAT>'",
        ),
        (
            vec!["list", "people", "--colour", "always"],
            "error: unexpected argument '--colour' found",
        ),
        (
            vec!["--color", "sometimes", "list"],
            "error: invalid value 'sometimes' for '--color <WHEN>'",
        ),
        (
            vec!["show"],
            "error: the following required arguments were not provided",
        ),
        (
            vec!["set", "ben-carver"],
            "error: nothing to set: give KEY=VALUE pairs after the record",
        ),
        (vec!["tag", "ben-carver"], "error: no tags given"),
        (
            vec!["set", "ben-carver", "no-equals-sign"],
            "error: `no-equals-sign` is not KEY=VALUE",
        ),
        (
            vec!["log", "ben-carver", "call", "x", "--date", "someday"],
            "error: `someday` is not a valid date",
        ),
        (
            vec!["log", "ben-carver", "call"],
            "error: the following required arguments were not provided",
        ),
        (vec!["list", "widgets"], "error: invalid value 'widgets'"),
        (
            vec!["new", "person"],
            "error: the following required arguments were not provided",
        ),
        (
            vec!["convert", "ben-carver", "--amount", "lots"],
            "error: invalid value 'lots' for '--amount <AMOUNT>'",
        ),
        (
            vec!["show", "ben-carver", "--activities", "many"],
            "error: invalid value 'many'",
        ),
    ];
    for (args, needle) in cases {
        let out = ws.kith(&args);
        let err = out.fails(2);
        assert!(err.contains(needle), "{args:?}: {err}");
        assert_eq!(out.stdout, "", "{args:?}");
    }
    assert_eq!(git(ws.path(), &["status", "--porcelain"]), "");
}
