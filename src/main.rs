use std::process::ExitCode;

fn main() -> ExitCode {
    // `linewatch info f.h5 | head` closes the pipe early: end quietly, as Unix tools do,
    // instead of a panic in println!.
    sigpipe::reset();
    give_the_loader_a_runtime_dir();
    // Without the handler an interrupted run would leave its temporary file; it is not fatal.
    if let Err(e) = linewatch::interrupt::install() {
        eprintln!("warning: no handler for SIGINT and SIGTERM: {e}");
    }
    ExitCode::from(linewatch::cli::main())
}

/// Without an absolute `XDG_RUNTIME_DIR`, the window-system code the Vulkan loader brings in
/// with lavapipe prints "XDG_RUNTIME_DIR is invalid or not set in the environment" twice per
/// instance (docs/design.md §12). A run started outside a login session (cron, CI, a container)
/// has none: give it a private one, as a login session would, before any thread exists.
fn give_the_loader_a_runtime_dir() {
    let set = std::env::var_os("XDG_RUNTIME_DIR").is_some_and(|d| std::path::Path::new(&d).is_absolute());
    if set {
        return;
    }
    let user = std::env::var("USER").unwrap_or_else(|_| "linewatch".to_string());
    let dir = std::env::temp_dir().join(format!("linewatch-xdg-{user}"));
    let private = {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        let _ = std::fs::DirBuilder::new().mode(0o700).create(&dir);
        std::fs::metadata(&dir).is_ok_and(|m| m.is_dir() && m.permissions().mode() & 0o077 == 0)
    };
    if private {
        // SAFETY: called first thing in `main`, before any other thread is started, so nothing
        // reads the environment concurrently.
        #[allow(unsafe_code)]
        unsafe {
            std::env::set_var("XDG_RUNTIME_DIR", dir);
        }
    }
}
