// The coverage kernel's result for one cell: written by coverage.wgsl, read by paint.wgsl.
// Rust side: coverage::GpuCellOut (a test checks the layouts agree).

struct CellOut {
    p_detect: f32,
    p_k: f32,
    sigma_n_m: f32,
    p_attrib: f32,
    verifiable: f32,
    sensors: u32,
    loop_iterations: u32,
    // 1 where llvmpipe cut a loop short: the host recomputes the cell.
    loop_cut: u32,
}
