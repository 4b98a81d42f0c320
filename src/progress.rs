//! Progress bars on a terminal, silence in CI and pipes.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// A bar on stderr when `wanted`, stderr is a terminal and CI is not set; hidden otherwise.
pub fn bar(len: u64, what: &str, wanted: bool) -> ProgressBar {
    let show = wanted && std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
    let bar = ProgressBar::with_draw_target(
        Some(len),
        if show { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() },
    );
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} {msg} [{elapsed_precise}, eta {eta}]") {
        bar.set_style(style);
    }
    bar.set_message(what.to_string());
    bar
}
