//! The crate's modules import one another without circles (docs/design.md §1): every file's
//! `crate::` and `super::` paths are read, resolved to the module file they name, and the
//! resulting graph must have no cycle. A child naming its own ancestor (`super::Item`, an
//! item of the parent module) is not an edge: it is how a module and its parts share names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Module = Vec<String>;

/// Every module file under `src/`, by its path in the crate.
fn modules(src: &Path) -> BTreeMap<Module, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src is readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(src).expect("under src").with_extension("");
            let mut name: Module = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
            if name.last().is_some_and(|n| n == "mod") {
                name.pop();
            }
            if name == ["lib"] || name == ["main"] {
                name.clear();
            }
            let text = std::fs::read_to_string(&path).expect("readable");
            // Unit tests may reach anywhere; the structure is the code's.
            let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or_default().to_string();
            out.insert(name, code);
        }
    }
    out
}

/// The longest prefix of `path` that is a module.
fn resolve<'m>(path: &[String], modules: &'m BTreeMap<Module, String>) -> Option<&'m Module> {
    (0..=path.len()).rev().find_map(|n| modules.get_key_value(&path[..n]).map(|(k, _)| k))
}

/// The module paths a file names: `crate::a::b`, `super::c`, and each item of a `{…}` group.
fn named_paths(module: &Module, code: &str) -> Vec<Module> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    for root in ["crate", "super"] {
        let mut from = 0;
        while let Some(at) = code[from..].find(root).map(|k| k + from) {
            from = at + root.len();
            let boundary = at == 0 || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_');
            if !boundary || !code[from..].starts_with("::") {
                continue;
            }
            let mut base: Module =
                if root == "super" { module[..module.len().saturating_sub(1)].to_vec() } else { Vec::new() };
            let mut rest = &code[from..];
            while let Some(tail) = rest.strip_prefix("::") {
                if let Some(group) = tail.strip_prefix('{') {
                    let inner = group.split('}').next().unwrap_or_default();
                    for item in inner.split(',') {
                        let first = item.trim().split("::").next().unwrap_or_default().split(' ').next().unwrap_or("");
                        if !first.is_empty() && first != "self" {
                            out.push([base.clone(), vec![first.to_string()]].concat());
                        }
                    }
                    break;
                }
                let word: String = tail.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if word.is_empty() {
                    break;
                }
                rest = &tail[word.len()..];
                base.push(word);
            }
            out.push(base);
        }
    }
    out
}

#[test]
fn modules_import_one_another_without_circles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules = modules(&src);
    assert!(modules.len() > 50, "found {} modules", modules.len());
    let mut edges: BTreeMap<&Module, BTreeSet<&Module>> = BTreeMap::new();
    for (module, code) in &modules {
        for path in named_paths(module, code) {
            let Some(target) = resolve(&path, &modules) else { continue };
            let ancestor = target.len() < module.len() && module.starts_with(target);
            if target != module && !target.is_empty() && !ancestor {
                edges.entry(module).or_default().insert(target);
            }
        }
    }
    // Depth-first search for a back edge, reporting the circle it closes.
    fn visit<'m>(
        m: &'m Module,
        edges: &BTreeMap<&'m Module, BTreeSet<&'m Module>>,
        done: &mut BTreeSet<&'m Module>,
        path: &mut Vec<&'m Module>,
    ) -> Option<String> {
        if let Some(k) = path.iter().position(|p| *p == m) {
            let circle: Vec<String> = path[k..].iter().chain([&m]).map(|p| p.join("::")).collect();
            return Some(circle.join(" → "));
        }
        if !done.insert(m) {
            return None;
        }
        path.push(m);
        for next in edges.get(m).into_iter().flatten() {
            if let Some(c) = visit(next, edges, done, path) {
                return Some(c);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    for m in modules.keys() {
        if let Some(circle) = visit(m, &edges, &mut done, &mut Vec::new()) {
            panic!("an import circle: {circle}");
        }
    }
    // The check sees edges at all: the run orchestration uses the world.
    let run = vec!["run".to_string()];
    let world = vec!["world".to_string()];
    assert!(edges.get(&run).is_some_and(|e| e.contains(&world)), "the parser missed run → world");
}
