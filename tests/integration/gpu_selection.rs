//! Which device runs the kernels, and what happens when there is none.

use super::support::{linewatch, linewatch_with_env, smoke_scenario, text};

#[test]
fn adapters_lists_the_device_linewatch_uses() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = linewatch(dir.path(), &["adapters"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let listing = text(&o.stdout);
    assert!(listing.contains("linewatch uses: "), "{listing}");
}

#[test]
fn no_usable_adapter_exits_3_and_writes_nothing() {
    // The Metal backend does not exist on Linux: wgpu finds no adapter.
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = smoke_scenario();
    let args = ["run", scenario.to_str().expect("utf-8"), "-o", "out.h5"];
    let o = linewatch_with_env(dir.path(), &args, &[("WGPU_BACKEND", "metal")]);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("GPU") && stderr.contains("adapter"), "{stderr}");
    assert!(std::fs::read_dir(dir.path()).expect("list").next().is_none(), "nothing is left behind");
}
