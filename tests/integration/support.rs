//! Shared helpers: the real binary, temporary directories, a GPU, seeded random inputs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn smoke_scenario() -> PathBuf {
    repo().join("scenarios/ci-smoke.toml")
}

/// Run the `linewatch` binary with arguments, in `dir`.
pub fn linewatch(dir: &Path, args: &[&str]) -> Output {
    linewatch_with_env(dir, args, &[])
}

/// Run the `linewatch` binary with arguments and extra environment variables, in `dir`.
pub fn linewatch_with_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let xdg = std::env::temp_dir().join("linewatch-test-xdg");
    let _ = std::fs::create_dir_all(&xdg);
    Command::new(env!("CARGO_BIN_EXE_linewatch"))
        .args(args)
        .current_dir(dir)
        .env("XDG_RUNTIME_DIR", &xdg)
        .env("CI", "1")
        .envs(env.iter().copied())
        .output()
        .expect("the linewatch binary runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// One GPU device for the whole test binary (lavapipe without a GPU). Tests fail, never skip,
/// when there is none: every kernel must run.
pub fn gpu() -> &'static linewatch::gpu::Gpu {
    static GPU: OnceLock<linewatch::gpu::Gpu> = OnceLock::new();
    GPU.get_or_init(|| {
        let xdg = std::env::temp_dir().join("linewatch-test-xdg");
        let _ = std::fs::create_dir_all(&xdg);
        linewatch::gpu::Gpu::new().expect("a wgpu adapter (install mesa-vulkan-drivers for lavapipe)")
    })
}

/// The Python with the readers (h5py, xarray, xmlschema): `LINEWATCH_PYTHON` as `make test`
/// sets it, else the venv `make test` leaves in the repository.
pub fn python() -> PathBuf {
    if let Some(python) = std::env::var_os("LINEWATCH_PYTHON") {
        return PathBuf::from(python);
    }
    let venv = repo().join(".venv").join("bin").join("python");
    assert!(venv.exists(), "no Python venv with h5py: run `make test` (it creates .venv and runs these tests)");
    venv
}

/// Run `tests/SCRIPT` with the Python of the Makefile's venv (h5py, xarray, xmlschema) and the
/// given arguments; assert it succeeded and return what it printed.
pub fn python_script(script: &str, args: &[&std::ffi::OsStr]) -> String {
    let python = python();
    let o = std::process::Command::new(python)
        .arg(repo().join("tests").join(script))
        .args(args)
        .output()
        .expect("python runs");
    assert!(o.status.success(), "{script} failed:\n{}\n{}", text(&o.stdout), text(&o.stderr));
    text(&o.stdout)
}

/// Run the smoke scenario into `dir/name` and return the path.
pub fn run_smoke(dir: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let scenario = smoke_scenario();
    let mut args = vec!["run", scenario.to_str().expect("utf-8 path"), "-o", out.to_str().expect("utf-8 path")];
    args.extend_from_slice(extra);
    let o = linewatch(dir, &args);
    assert!(o.status.success(), "run failed: {}\n{}", text(&o.stdout), text(&o.stderr));
    out
}

/// An HDF5 file created in this test process without a file lock. The harness forks `linewatch`
/// children from other threads while a file is open here; a child inherits the descriptor, and
/// with it the lock, for as long as it lives, so a lock taken here could refuse another test's
/// child its read ("unable to lock file, errno = 11").
pub fn create_h5_unlocked(path: &Path) -> hdf5::File {
    hdf5::File::with_options().with_fapl(|p| p.file_locking(false)).create(path).expect("creates an HDF5 file")
}

/// An existing HDF5 file opened for writing in this test process without a file lock (see
/// `create_h5_unlocked`).
pub fn open_h5_rw_unlocked(path: &Path) -> hdf5::Result<hdf5::File> {
    hdf5::File::with_options().with_fapl(|p| p.file_locking(false)).open_rw(path)
}
