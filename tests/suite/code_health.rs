//! Rules about the code itself, checked on the source tree: domain modules
//! never import each other in a cycle, and fixed vocabularies are compared
//! as enums, never as string literals.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source of `src/`, by top-level module (`src/threads/views.rs` and
/// `src/threads/mod.rs` are both `threads`), without unit tests and comments.
fn modules() -> BTreeMap<String, String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut by_module: BTreeMap<String, String> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        let top =
            relative.components().next().unwrap().as_os_str().to_string_lossy().trim_end_matches(".rs").to_owned();
        if top == "lib" || top == "main" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let code: String = code.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
        by_module.entry(top).or_default().push_str(&code);
    }
    by_module
}

/// Which top-level modules each module uses (`crate::x` anywhere in it).
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let pattern = regex::Regex::new(r"crate::([a-z_0-9]+)").unwrap();
    let mut graph = BTreeMap::new();
    for (module, code) in modules() {
        let used: BTreeSet<String> =
            pattern.captures_iter(&code).map(|c| c[1].to_owned()).filter(|m| *m != module).collect();
        graph.insert(module, used);
    }
    graph
}

/// A cycle through `start`, if there is one: the modules in order.
fn cycle_from(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    let mut stack = vec![(start.to_owned(), vec![start.to_owned()])];
    let mut seen = BTreeSet::new();
    while let Some((node, path)) = stack.pop() {
        for next in graph.get(&node).into_iter().flatten() {
            if next == start {
                return Some([path.clone(), vec![start.to_owned()]].concat());
            }
            if seen.insert(next.clone()) {
                stack.push((next.clone(), [path.clone(), vec![next.clone()]].concat()));
            }
        }
    }
    None
}

#[test]
fn no_two_modules_import_each_other_in_a_cycle() {
    let graph = imports();
    assert!(graph.contains_key("threads") && graph["threads"].contains("communities"), "the scan sees imports");
    let cycles: Vec<String> = graph.keys().filter_map(|m| cycle_from(&graph, m)).map(|c| c.join(" → ")).collect();
    assert!(cycles.is_empty(), "import cycles between modules of src/:\n{}", cycles.join("\n"));
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a".to_owned(), BTreeSet::from(["b".to_owned()])),
        ("b".to_owned(), BTreeSet::from(["c".to_owned()])),
        ("c".to_owned(), BTreeSet::from(["a".to_owned()])),
    ]
    .into();
    assert_eq!(cycle_from(&graph, "a"), Some(vec!["a".into(), "b".into(), "c".into(), "a".into()]));
}

/// The words of every vocabulary that is an enum (`src/vocab.rs`).
fn vocabulary_words() -> Vec<String> {
    let vocab = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/vocab.rs")).unwrap();
    let mut words = Vec::new();
    let enum_start = regex::Regex::new(r"^    [A-Z][A-Za-z]* \{$").unwrap();
    let variant = regex::Regex::new(r#"^        [A-Z][A-Za-z]* = "([^"]+)",$"#).unwrap();
    let mut inside = false;
    for line in vocab.lines() {
        if enum_start.is_match(line) {
            inside = true;
        } else if line == "    }" {
            inside = false;
        } else if let Some(c) = variant.captures(line).filter(|_| inside) {
            words.push(c[1].to_owned());
        }
    }
    words
}

#[test]
fn vocabulary_columns_are_never_compared_with_string_literals() {
    let words = vocabulary_words();
    for expected in ["question", "facilitator", "pending", "queued"] {
        assert!(words.contains(&expected.to_owned()), "{expected} missing from {words:?}");
    }
    let mut offences = Vec::new();
    for (module, code) in modules() {
        if module == "vocab" {
            continue;
        }
        for word in &words {
            let quoted = regex::escape(&format!("\"{word}\""));
            let comparison = regex::Regex::new(&format!(
                r"(==|!=)\s*{quoted}|{quoted}\s*(==|!=)|\.(eq|ne)\({quoted}\)|=>\s*{quoted}"
            ))
            .unwrap();
            for m in comparison.find_iter(&code) {
                offences.push(format!("{module}: {}", m.as_str()));
            }
        }
    }
    assert!(offences.is_empty(), "compare the enum variants instead:\n{}", offences.join("\n"));
}

/// The API answers with named types (so the OpenAPI document can describe
/// them), never with ad-hoc `json!` values.
#[test]
fn api_handlers_answer_with_named_types() {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web/api"), &mut files);
    assert!(files.len() >= 5, "{files:?}");
    let offences: Vec<String> = files
        .iter()
        .filter(|file| std::fs::read_to_string(file).unwrap().contains("json!("))
        .map(|file| file.display().to_string())
        .collect();
    assert!(offences.is_empty(), "use a named Serialize type instead of json! in {offences:?}");
}
