//! Output paths checked before any work: a run that would fail to write its results, or write
//! over its own inputs or over something that is not a regular file, is refused at once, with
//! nothing done and nothing left behind.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// `path` may receive a new file: its folder exists, and it is either absent or a regular file
/// that is not one of `inputs`. `field` names the flag or option it came from.
pub fn check_file(path: &Path, field: &str, inputs: &[PathBuf]) -> Result<()> {
    let shown = path.display().to_string();
    let refuse = |message: String| Error::file(&shown, field, message);
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.is_dir() {
            return Err(refuse("is a directory; give a file name".into()));
        }
        if !meta.is_file() {
            return Err(refuse(
                "exists and is not a regular file (a device, a pipe or a socket); give a new file name".into(),
            ));
        }
    }
    let folder = parent(path);
    if !folder.is_dir() {
        return Err(refuse(format!("directory '{}' does not exist", folder.display())));
    }
    if let Some(input) = inputs.iter().find(|i| same_file(path, i)) {
        return Err(refuse(format!("is an input of this run ('{}'); writing there would destroy it", input.display())));
    }
    Ok(())
}

/// `path` may be a folder of outputs: it is a folder already, or its parent exists so that it
/// can be created when the results are written.
pub fn check_folder(path: &Path, field: &str) -> Result<()> {
    let shown = path.display().to_string();
    if path.exists() {
        if path.is_dir() {
            return Ok(());
        }
        return Err(Error::file(&shown, field, "exists and is not a directory"));
    }
    let folder = parent(path);
    if folder.is_dir() {
        Ok(())
    } else {
        Err(Error::file(&shown, field, format!("directory '{}' does not exist", folder.display())))
    }
}

fn parent(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Whether two paths name one file: by their canonical form (the output may not exist yet:
/// its folder is canonicalised and its name appended).
fn same_file(a: &Path, b: &Path) -> bool {
    let canonical = |p: &Path| {
        p.canonicalize().ok().or_else(|| {
            let name = p.file_name()?;
            parent(p).canonicalize().ok().map(|d| d.join(name))
        })
    };
    match (canonical(a), canonical(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_input_a_device_or_a_missing_folder_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let scenario = dir.path().join("s.toml");
        std::fs::write(&scenario, "x").expect("write");
        let inputs = vec![scenario.clone()];
        let message = |r: Result<()>| r.expect_err("refused").to_string();
        assert!(message(check_file(&scenario, "output", &inputs)).contains("is an input"));
        // The same file by another spelling.
        let dotted = dir.path().join(".").join("s.toml");
        assert!(message(check_file(&dotted, "output", &inputs)).contains("is an input"));
        assert!(message(check_file(Path::new("/dev/null"), "output", &inputs)).contains("not a regular file"));
        assert!(message(check_file(&dir.path().join("no/out.h5"), "output", &inputs)).contains("does not exist"));
        assert!(message(check_file(dir.path(), "output", &inputs)).contains("is a directory"));
        assert!(check_file(&dir.path().join("out.h5"), "output", &inputs).is_ok());
        assert!(check_folder(&dir.path().join("new"), "geotiff").is_ok());
        assert!(message(check_folder(&scenario, "geotiff")).contains("not a directory"));
        assert!(message(check_folder(&dir.path().join("a/b"), "geotiff")).contains("does not exist"));
    }
}
