//! WGSL sources, composed from shared pieces (vello-style): each kernel is the concatenation
//! of the modules it uses. A naga test validates every composed kernel on any machine.

pub const RNG: &str = include_str!("../shaders/rng.wgsl");
pub const PROPAGATION: &str = include_str!("../shaders/propagation.wgsl");
pub const PAIR: &str = include_str!("../shaders/pair.wgsl");
pub const DETECT: &str = include_str!("../shaders/detect.wgsl");
pub const COVERAGE: &str = include_str!("../shaders/coverage.wgsl");
pub const TERRAIN: &str = include_str!("../shaders/terrain.wgsl");
pub const LOS: &str = include_str!("../shaders/los.wgsl");
pub const VIEWSHED: &str = include_str!("../shaders/viewshed.wgsl");
pub const VIEWSHED_SWEEP: &str = include_str!("../shaders/viewshed_sweep.wgsl");
pub const CELL_OUT: &str = include_str!("../shaders/cell_out.wgsl");
pub const PAINT: &str = include_str!("../shaders/paint.wgsl");

/// The detection kernel with its dependencies, in order.
pub fn detect_kernel() -> String {
    [RNG, PROPAGATION, TERRAIN, PAIR, DETECT].join("\n")
}

/// The coverage kernel with its dependencies, in order.
pub fn coverage_kernel() -> String {
    [PROPAGATION, TERRAIN, VIEWSHED, PAIR, CELL_OUT, COVERAGE].join("\n")
}

/// The paint kernel: coverage results into the viewer's texture.
pub fn paint_kernel() -> String {
    [CELL_OUT, PAINT].join("\n")
}

/// Line of sight over terrain for a list of rays.
pub fn los_kernel() -> String {
    [TERRAIN, LOS].join("\n")
}

/// The viewshed sweep of the coverage kernel's sight-line cache.
pub fn viewshed_sweep_kernel() -> String {
    [TERRAIN, VIEWSHED, VIEWSHED_SWEEP].join("\n")
}

/// Every composed kernel by name, for validation.
pub fn all_kernels() -> Vec<(&'static str, String)> {
    vec![
        ("detect", detect_kernel()),
        ("coverage", coverage_kernel()),
        ("los", los_kernel()),
        ("viewshed_sweep", viewshed_sweep_kernel()),
        ("paint", paint_kernel()),
    ]
}
