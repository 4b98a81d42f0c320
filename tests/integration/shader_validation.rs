//! Every composed kernel parses and validates with naga, on any machine, GPU or not; the
//! workgroup size the Rust side dispatches with is the one the shader declares.

#[test]
fn every_kernel_validates_with_naga() {
    for (name, source) in linewatch::shaders::all_kernels() {
        let module =
            naga::front::wgsl::parse_str(&source).unwrap_or_else(|e| panic!("{name}: {}", e.emit_to_string(&source)));
        naga::valid::Validator::new(naga::valid::ValidationFlags::all(), naga::valid::Capabilities::default())
            .validate(&module)
            .unwrap_or_else(|e| panic!("{name}: {}", e.emit_to_string(&source)));
    }
}

#[test]
fn workgroup_size_matches_the_dispatch_code() {
    let source = linewatch::shaders::detect_kernel();
    let module = naga::front::wgsl::parse_str(&source).expect("parses");
    let entry_points: Vec<_> = module.entry_points.iter().map(|e| (e.name.clone(), e.workgroup_size)).collect();
    assert_eq!(entry_points.len(), 2, "{entry_points:?}");
    for (name, size) in entry_points {
        assert_eq!(size, [linewatch::detect::gpu::WORKGROUP_SIZE, 1, 1], "{name}");
    }
}

#[test]
fn gpu_structs_have_the_sizes_the_shader_expects() {
    use linewatch::detect::*;
    // Sizes of the WGSL structs (all 4-byte scalars, no padding).
    assert_eq!(std::mem::size_of::<GpuParams>(), 28 * 4);
    assert_eq!(std::mem::size_of::<GpuEvent>(), 21 * 4);
    assert_eq!(std::mem::size_of::<GpuSensor>(), (SENSOR_WORDS + SIGHT_WORDS) * 4);
    assert_eq!(std::mem::size_of::<GpuDetection>(), 7 * 4);
    assert_eq!(std::mem::size_of::<GpuPairOut>(), 9 * 4);
    let source = linewatch::shaders::detect_kernel();
    let module = naga::front::wgsl::parse_str(&source).expect("parses");
    let mut layouter = naga::proc::Layouter::default();
    layouter.update(module.to_ctx()).expect("layout");
    for (handle, ty) in module.types.iter() {
        let expected = match ty.name.as_deref() {
            Some("Params") => std::mem::size_of::<GpuParams>(),
            Some("Event") => std::mem::size_of::<GpuEvent>(),
            Some("Sensor") => SENSOR_WORDS * 4,
            Some("Sight") => SIGHT_WORDS * 4,
            Some("Detection") => std::mem::size_of::<GpuDetection>(),
            Some("PairOut") => std::mem::size_of::<GpuPairOut>(),
            _ => continue,
        };
        assert_eq!(layouter[handle].size as usize, expected, "{:?}", ty.name);
    }
}

/// Every struct named in `expected` lays out in the composed kernel at the size the Rust side
/// uploads, and `entry` declares the workgroup size the driver dispatches with.
fn assert_layouts(source: &str, expected: &[(&str, usize)], entry: &str, workgroup_size: u32) {
    let module = naga::front::wgsl::parse_str(source).expect("parses");
    let mut layouter = naga::proc::Layouter::default();
    layouter.update(module.to_ctx()).expect("layout");
    let mut seen = 0;
    for (handle, ty) in module.types.iter() {
        let Some(&(_, size)) = expected.iter().find(|(name, _)| ty.name.as_deref() == Some(*name)) else { continue };
        seen += 1;
        assert_eq!(layouter[handle].size as usize, size, "{:?}", ty.name);
    }
    assert_eq!(seen, expected.len(), "every struct was checked");
    let found = module.entry_points.iter().find(|e| e.name == entry).expect("entry point");
    assert_eq!(found.workgroup_size, [workgroup_size, 1, 1]);
}

#[test]
fn coverage_structs_match_the_shader() {
    use linewatch::coverage::{GpuCell, GpuCellOut};
    use linewatch::detect::{GpuEvent, GpuParams};
    use std::mem::size_of;
    let expected = [
        ("Cell", size_of::<GpuCell>()),
        ("CellOut", size_of::<GpuCellOut>()),
        ("Params", size_of::<GpuParams>()),
        ("Event", size_of::<GpuEvent>()),
        ("Sensor", linewatch::detect::SENSOR_WORDS * 4),
        ("Sight", linewatch::detect::SIGHT_WORDS * 4),
    ];
    let size = linewatch::coverage::gpu::WORKGROUP_SIZE;
    assert_layouts(&linewatch::shaders::coverage_kernel(), &expected, "coverage_cells", size);
}

#[test]
fn terrain_structs_match_the_shader() {
    use linewatch::terrain::gpu::{GpuRay, GpuTerrain, WORKGROUP_SIZE};
    let expected = [("Terrain", std::mem::size_of::<GpuTerrain>()), ("Ray", std::mem::size_of::<GpuRay>())];
    assert_layouts(&linewatch::shaders::los_kernel(), &expected, "los_rays", WORKGROUP_SIZE);
}

#[test]
fn viewshed_structs_match_the_shader() {
    use linewatch::terrain::gpu::{GpuTerrain, SWEEP_WORKGROUP_SIZE};
    use linewatch::terrain::viewshed::GpuView;
    use std::mem::size_of;
    let expected = [("Terrain", size_of::<GpuTerrain>()), ("View", size_of::<GpuView>())];
    assert_layouts(&linewatch::shaders::viewshed_sweep_kernel(), &expected, "sweep_views", SWEEP_WORKGROUP_SIZE);
    let with_view = [("View", size_of::<GpuView>())];
    let size = linewatch::coverage::gpu::WORKGROUP_SIZE;
    assert_layouts(&linewatch::shaders::coverage_kernel(), &with_view, "coverage_cells", size);
}

#[test]
fn paint_structs_match_the_shader() {
    use linewatch::coverage::GpuCellOut;
    use linewatch::coverage::paint::{PaintSettings, WORKGROUP_SIZE};
    use std::mem::size_of;
    let expected = [("CellOut", size_of::<GpuCellOut>()), ("Paint", size_of::<PaintSettings>())];
    assert_layouts(&linewatch::shaders::paint_kernel(), &expected, "paint_cells", WORKGROUP_SIZE);
}
