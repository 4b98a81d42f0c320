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
    assert_eq!(std::mem::size_of::<GpuParams>(), 24 * 4);
    assert_eq!(std::mem::size_of::<GpuEvent>(), 12 * 4);
    assert_eq!(std::mem::size_of::<GpuSensor>(), 12 * 4);
    assert_eq!(std::mem::size_of::<GpuDetection>(), 6 * 4);
    assert_eq!(std::mem::size_of::<GpuPairOut>(), 8 * 4);
    let source = linewatch::shaders::detect_kernel();
    let module = naga::front::wgsl::parse_str(&source).expect("parses");
    let mut layouter = naga::proc::Layouter::default();
    layouter.update(module.to_ctx()).expect("layout");
    for (handle, ty) in module.types.iter() {
        let expected = match ty.name.as_deref() {
            Some("Params") => std::mem::size_of::<GpuParams>(),
            Some("Event") => std::mem::size_of::<GpuEvent>(),
            Some("Sensor") => std::mem::size_of::<GpuSensor>(),
            Some("Detection") => std::mem::size_of::<GpuDetection>(),
            Some("PairOut") => std::mem::size_of::<GpuPairOut>(),
            _ => continue,
        };
        assert_eq!(layouter[handle].size as usize, expected, "{:?}", ty.name);
    }
}

#[test]
fn coverage_structs_match_the_shader() {
    use linewatch::coverage::{GpuCell, GpuCellOut};
    let source = linewatch::shaders::coverage_kernel();
    let module = naga::front::wgsl::parse_str(&source).expect("parses");
    let mut layouter = naga::proc::Layouter::default();
    layouter.update(module.to_ctx()).expect("layout");
    let mut seen = 0;
    for (handle, ty) in module.types.iter() {
        let expected = match ty.name.as_deref() {
            Some("Cell") => std::mem::size_of::<GpuCell>(),
            Some("CellOut") => std::mem::size_of::<GpuCellOut>(),
            Some("Params") => std::mem::size_of::<linewatch::detect::GpuParams>(),
            Some("Event") => std::mem::size_of::<linewatch::detect::GpuEvent>(),
            Some("Sensor") => std::mem::size_of::<linewatch::detect::GpuSensor>(),
            _ => continue,
        };
        seen += 1;
        assert_eq!(layouter[handle].size as usize, expected, "{:?}", ty.name);
    }
    assert_eq!(seen, 5, "every shared struct was checked");
    let entry = module.entry_points.iter().find(|e| e.name == "coverage_cells").expect("entry point");
    assert_eq!(entry.workgroup_size, [linewatch::coverage::gpu::WORKGROUP_SIZE, 1, 1]);
}

#[test]
fn terrain_structs_match_the_shader() {
    use linewatch::terrain::gpu::{GpuRay, GpuTerrain, WORKGROUP_SIZE};
    let source = linewatch::shaders::los_kernel();
    let module = naga::front::wgsl::parse_str(&source).expect("parses");
    let mut layouter = naga::proc::Layouter::default();
    layouter.update(module.to_ctx()).expect("layout");
    let mut seen = 0;
    for (handle, ty) in module.types.iter() {
        let expected = match ty.name.as_deref() {
            Some("Terrain") => std::mem::size_of::<GpuTerrain>(),
            Some("Ray") => std::mem::size_of::<GpuRay>(),
            _ => continue,
        };
        seen += 1;
        assert_eq!(layouter[handle].size as usize, expected, "{:?}", ty.name);
    }
    assert_eq!(seen, 2, "both structs were checked");
    let entry = module.entry_points.iter().find(|e| e.name == "los_rays").expect("entry point");
    assert_eq!(entry.workgroup_size, [WORKGROUP_SIZE, 1, 1]);
}
