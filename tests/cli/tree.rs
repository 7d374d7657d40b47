//! The source tree reads as the architecture: `src/` holds only `main.rs`, `lib.rs` and one
//! folder per layer, and each layer imports only the layers below it (ARCHITECTURE.md). Read
//! from the `crate::` paths of the code itself, test code left out (a test may use anything).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, lowest first: each may import only those before it.
const LAYERS: &[&str] = &[
    "util",
    "record",
    "workspace",
    "index",
    "analysis",
    "git",
    "load",
    "edit",
    "plan",
    "ingest",
    "sync",
    "report",
    "watch",
    "lsp",
    "demo",
    "devtools",
    "cli",
    "cmd",
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// `text` with comments, string and character literals blanked out (newlines kept), so that
/// braces and paths are only the code's.
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let blank = |out: &mut Vec<u8>, s: &[u8]| {
        out.extend(s.iter().map(|&c| if c == b'\n' { c } else { b' ' }))
    };
    while i < b.len() {
        let rest = &b[i..];
        let end = if rest.starts_with(b"//") {
            i + rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len())
        } else if rest.starts_with(b"/*") {
            let mut depth = 0;
            let mut j = i;
            loop {
                if b[j..].starts_with(b"/*") {
                    depth += 1;
                    j += 2;
                } else if b[j..].starts_with(b"*/") {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break j;
                    }
                } else if j + 1 >= b.len() {
                    break b.len();
                } else {
                    j += 1;
                }
            }
        } else if (rest.starts_with(b"r#") || rest.starts_with(b"r\""))
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
        {
            let hashes = rest[1..].iter().take_while(|&&c| c == b'#').count();
            let close: Vec<u8> = std::iter::once(b'"')
                .chain(std::iter::repeat_n(b'#', hashes))
                .collect();
            let start = i + 1 + hashes + 1;
            match b[start..].windows(close.len()).position(|w| w == close) {
                Some(p) => start + p + close.len(),
                None => b.len(),
            }
        } else if rest[0] == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            (j + 1).min(b.len())
        } else if rest[0] == b'\'' {
            // A character literal ('x', '\n', '{'), not a lifetime ('a).
            if rest.len() > 2 && rest[1] == b'\\' {
                i + 2
                    + rest[2..]
                        .iter()
                        .position(|&c| c == b'\'')
                        .map_or(rest.len() - 2, |p| p + 1)
            } else {
                let ch = std::str::from_utf8(&rest[1..rest.len().min(5)])
                    .ok()
                    .or_else(|| std::str::from_utf8(&rest[1..rest.len().min(4)]).ok())
                    .or_else(|| std::str::from_utf8(&rest[1..rest.len().min(3)]).ok())
                    .or_else(|| std::str::from_utf8(&rest[1..rest.len().min(2)]).ok())
                    .and_then(|s| s.chars().next());
                match ch {
                    Some(c) if rest.get(1 + c.len_utf8()) == Some(&b'\'') => i + 2 + c.len_utf8(),
                    _ => i + 1,
                }
            }
        } else {
            out.push(rest[0]);
            i += 1;
            continue;
        };
        if rest[0] == b'\'' && end == i + 1 {
            out.push(b'\'');
        } else {
            blank(&mut out, &b[i..end]);
        }
        i = end;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The code of a file outside its `#[cfg(test)]` modules, and the files those modules name.
fn without_tests(code: &str) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut test_files = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "#[cfg(test)]".len()..];
        let trimmed = after.trim_start();
        let Some(decl) = trimmed
            .strip_prefix("mod ")
            .or_else(|| trimmed.strip_prefix("pub mod "))
        else {
            rest = after;
            continue;
        };
        let name: String = decl
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let decl = decl[name.len()..].trim_start();
        if let Some(after) = decl.strip_prefix(';') {
            test_files.push(name);
            rest = after;
            continue;
        }
        // Skip to the brace that closes the module.
        let open = decl.find('{').expect("a test module has a body");
        let mut depth = 0;
        let mut close = decl.len();
        for (i, c) in decl[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        close = open + i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &decl[close..];
    }
    out.push_str(rest);
    (out, test_files)
}

/// The top-level modules `code` names through `crate::` paths (`crate::a::b`, `crate::{a, b}`).
fn imports(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        if code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let path = &code[at + "crate::".len()..];
        if let Some(group) = path.strip_prefix('{') {
            let mut depth = 0;
            let mut word = String::new();
            let mut at_start = true;
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => at_start = true,
                    c if c.is_alphanumeric() || c == '_' => {
                        if at_start {
                            word.push(c);
                        }
                    }
                    _ => {
                        if !word.is_empty() {
                            out.insert(std::mem::take(&mut word));
                        }
                        if !c.is_whitespace() {
                            at_start = false;
                        }
                    }
                }
            }
            if !word.is_empty() {
                out.insert(word);
            }
        } else {
            let name: String = path
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.insert(name);
        }
    }
    out
}

/// For each top-level module, the modules it imports and, for each, one file that does.
fn graph() -> BTreeMap<String, BTreeMap<String, String>> {
    let root = src();
    let mut files = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut test_only: BTreeSet<PathBuf> = BTreeSet::new();
    let mut parsed = Vec::new();
    for f in &files {
        let (code, tests) = without_tests(&code_only(&std::fs::read_to_string(f).unwrap()));
        let dir = if f
            .file_name()
            .is_some_and(|n| n == "mod.rs" || n == "lib.rs")
        {
            f.parent().unwrap().to_path_buf()
        } else {
            f.with_extension("")
        };
        for t in tests {
            test_only.insert(dir.join(format!("{t}.rs")));
            test_only.insert(dir.join(&t).join("mod.rs"));
        }
        parsed.push((f.clone(), code));
    }
    let mut graph: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (f, code) in parsed {
        if test_only.contains(&f) {
            continue;
        }
        let rel = f.strip_prefix(&root).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let top = top.trim_end_matches(".rs").to_string();
        if top == "lib" || top == "main" {
            continue;
        }
        let edges = graph.entry(top.clone()).or_default();
        for m in imports(&code) {
            if m != top && LAYERS.contains(&m.as_str()) {
                edges.entry(m).or_insert_with(|| rel.display().to_string());
            }
        }
    }
    graph
}

#[test]
fn the_source_root_holds_only_main_lib_and_the_layers() {
    let mut odd = Vec::new();
    for e in std::fs::read_dir(src()).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let fine = if e.path().is_dir() {
            LAYERS.contains(&name.as_str())
        } else {
            name == "main.rs" || name == "lib.rs"
        };
        if !fine {
            odd.push(name);
        }
    }
    odd.sort();
    assert!(
        odd.is_empty(),
        "src/ holds {odd:?}: put each file in the folder of its layer, and a new layer in \
         LAYERS (tests/cli/tree.rs), lib.rs and ARCHITECTURE.md"
    );
}

#[test]
fn every_layer_imports_only_the_layers_below_it() {
    let graph = graph();
    let mut wrong = Vec::new();
    for (from, edges) in &graph {
        let Some(level) = LAYERS.iter().position(|l| l == from) else {
            continue;
        };
        for (to, file) in edges {
            let to_level = LAYERS.iter().position(|l| l == to).unwrap();
            if to_level > level {
                wrong.push(format!("{from} imports {to}, a layer above it ({file})"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "the layers are {LAYERS:?}, lowest first; these imports point up:\n  {}",
        wrong.join("\n  ")
    );
}

#[test]
fn no_two_top_level_modules_import_each_other_through_others() {
    // Implied by the layering; kept on its own so that a change of LAYERS cannot hide a cycle.
    let graph = graph();
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_string()];
        while let Some(m) = todo.pop() {
            for to in graph.get(&m).into_iter().flat_map(|e| e.keys()) {
                if seen.insert(to.clone()) {
                    todo.push(to.clone());
                }
            }
        }
        seen
    };
    let mut cycles = BTreeSet::new();
    for m in graph.keys() {
        if reach(m).contains(m) {
            let mut members: Vec<&String> = graph
                .keys()
                .filter(|o| reach(m).contains(*o) && reach(o).contains(m))
                .collect();
            members.sort();
            cycles.insert(format!("{members:?}"));
        }
    }
    assert!(cycles.is_empty(), "module cycles: {cycles:?}");
}

#[test]
fn the_reader_of_imports_sees_through_comments_strings_and_test_modules() {
    let code = code_only(
        "use crate::record::Kind; // crate::sync\nlet s = \"crate::report\"; let c = '{';\n\
         use crate::{edit::Doc, index::{Index, resolve}};\n\
         #[cfg(test)]\nmod tests { use crate::cmd; fn f() { let _ = '}'; } }\n\
         #[cfg(test)]\nmod properties;\nfn g<'a>(x: &'a str) -> &'a str { crate::util::free(x) }\n",
    );
    let (code, tests) = without_tests(&code);
    assert_eq!(tests, vec!["properties".to_string()]);
    let found: Vec<String> = imports(&code).into_iter().collect();
    assert_eq!(found, ["edit", "index", "record", "util"]);
    // And the real tree is read: the commands import the clap types, everything imports util.
    let graph = graph();
    assert!(graph["cmd"].contains_key("cli") && graph["record"].contains_key("util"));
}
