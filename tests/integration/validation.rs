//! The validation cases (docs/validation.md): every scenario under scenarios/validation/ passes
//! `linewatch check`, and the document lists each of them.

use super::support::{linewatch, repo, text};

fn cases() -> Vec<std::path::PathBuf> {
    let mut found: Vec<_> = std::fs::read_dir(repo().join("scenarios/validation"))
        .expect("scenarios/validation")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    found.sort();
    found
}

#[test]
fn every_validation_case_holds_its_published_bounds() {
    let cases = cases();
    assert!(cases.len() >= 5, "{} validation scenarios", cases.len());
    let dir = tempfile::tempdir().expect("tempdir");
    let mut failed = Vec::new();
    for case in &cases {
        let o = linewatch(dir.path(), &["check", case.to_str().expect("utf-8"), "-o", "case.h5", "--quiet"]);
        if o.status.code() != Some(0) {
            failed.push(format!("{}:\n{}{}", case.display(), text(&o.stdout), text(&o.stderr)));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn the_validation_table_lists_every_case() {
    let doc = std::fs::read_to_string(repo().join("docs/validation.md")).expect("docs/validation.md");
    for case in cases() {
        let name = case.file_name().and_then(|n| n.to_str()).expect("name");
        assert!(doc.contains(&format!("scenarios/validation/{name}")), "docs/validation.md does not list {name}");
    }
}
