//! SIGINT and SIGTERM during a run: the partial outputs registered here (the result file's
//! temporary name) are removed, and the process exits 130 or 143 (128 + the signal number, as
//! shells report a process killed by it). Nothing is left under the requested name either:
//! a result file appears there only when complete.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

static PARTIAL: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A file being written that an interruption must remove.
pub fn register(path: &Path) {
    if let Ok(mut partial) = PARTIAL.lock() {
        partial.push(path.to_path_buf());
    }
}

/// The file is complete (or already removed): an interruption leaves it.
pub fn unregister(path: &Path) {
    if let Ok(mut partial) = PARTIAL.lock() {
        partial.retain(|p| p != path);
    }
}

/// Listen for SIGINT and SIGTERM on a thread of their own (`signal-hook`); on either, remove
/// the partial outputs and exit.
pub fn install() -> std::io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            if let Ok(partial) = PARTIAL.lock() {
                for path in partial.iter() {
                    let _ = std::fs::remove_file(path);
                }
            }
            // `_exit`, not `exit`: the main thread may be inside HDF5 or the GPU driver, and
            // their exit handlers (`atexit`) would run under it and crash the process, which then
            // dies by a signal instead of exiting 130 or 143.
            signal_hook::low_level::exit(128 + signal);
        }
    });
    Ok(())
}
