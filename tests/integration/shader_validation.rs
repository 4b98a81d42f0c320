//! Every composed kernel parses and validates with naga, on any machine, GPU or not; the
//! workgroup size the Rust side dispatches with is the one the shader declares; the constants
//! the kernels share with Rust are the Rust values.

#[test]
fn every_kernel_validates_with_naga() {
    let kernels = linewatch::shaders::all_kernels();
    assert_eq!(kernels.len(), 7);
    for kernel in kernels {
        // The error, if any, names the original file and line (shaders/x.wgsl:L:C).
        assert_eq!(kernel.diagnose(), None, "{}", kernel.name);
        let module = naga::front::wgsl::parse_str(&kernel.source).expect("parses");
        naga::valid::Validator::new(naga::valid::ValidationFlags::all(), naga::valid::Capabilities::default())
            .validate(&module)
            .unwrap_or_else(|e| panic!("{}: {}", kernel.name, e.emit_to_string(&kernel.source)));
    }
}

/// The value of a `const` of a module, as f64.
fn constant(module: &naga::Module, name: &str) -> f64 {
    let (_, c) = module.constants.iter().find(|(_, c)| c.name.as_deref() == Some(name)).expect(name);
    match module.global_expressions[c.init] {
        naga::Expression::Literal(naga::Literal::F32(v)) => f64::from(v),
        naga::Expression::Literal(naga::Literal::U32(v)) => f64::from(v),
        ref other => panic!("{name}: {other:?}"),
    }
}

#[test]
fn shared_constants_are_the_rust_values() {
    use linewatch::coverage::reference as coverage;
    use linewatch::detect::{self, reference};
    let kernel = linewatch::shaders::coverage_kernel();
    let module = naga::front::wgsl::parse_str(&kernel.source).expect("parses");
    let f32_of = |v: f64| f64::from(v as f32);
    for (name, value) in [
        ("MODALITY_ACOUSTIC", f64::from(detect::MODALITY_ACOUSTIC)),
        ("MODALITY_SEISMIC", f64::from(detect::MODALITY_SEISMIC)),
        ("MODALITY_RADAR", f64::from(detect::MODALITY_RADAR)),
        ("MODALITY_EO_IR", f64::from(detect::MODALITY_EO_IR)),
        ("MODALITY_RF", f64::from(detect::MODALITY_RF)),
        ("MAX_K", coverage::MAX_K as f64),
        ("MIN_TIMING_SIGMA_S", f32_of(coverage::MIN_TIMING_SIGMA_S)),
        ("SINGULAR_DET", f32_of(coverage::SINGULAR_DET)),
        ("LOCATION_PD_FLOOR", f32_of(coverage::LOCATION_PD_FLOOR)),
        ("BEARING_EXPONENT_MAX", f32_of(reference::BEARING_EXPONENT_MAX)),
        ("UNSEEN_DB", f32_of(detect::UNSEEN_DB)),
        ("WIND_REFERENCE_HEIGHT_M", f32_of(linewatch::physics::acoustic::WIND_REFERENCE_HEIGHT_M)),
        ("MIN_ROUGHNESS_M", f32_of(linewatch::physics::acoustic::MIN_ROUGHNESS_M)),
        ("PICK_FLOOR_FRACTION", f32_of(linewatch::physics::PICK_FLOOR_FRACTION)),
        ("STREAM_EVENT", f64::from(linewatch::rng::stream::EVENT)),
        ("EVENT_WIDE", f64::from(linewatch::rng::stream::EVENT_WIDE)),
        ("SPEED_OF_LIGHT_MPS", f32_of(linewatch::physics::rf::SPEED_OF_LIGHT_MPS)),
    ] {
        assert_eq!(constant(&module, name), value, "{name}");
    }
    // The modality codes are the HDF5 enum's: one encoding.
    for m in linewatch::scenario::Modality::ALL {
        assert_eq!(m as u8 as u32, m.code());
    }
}

#[test]
fn a_composed_line_maps_back_to_its_file() {
    let kernel = linewatch::shaders::coverage_kernel();
    let line = kernel.source.lines().position(|l| l.starts_with("fn coverage_cells")).expect("entry point") + 1;
    let file = include_str!("../../shaders/coverage.wgsl");
    let in_file = file.lines().position(|l| l.starts_with("fn coverage_cells")).expect("in the file") + 1;
    assert_eq!(kernel.origin(line), Some(("shaders/coverage.wgsl", in_file)));
    // Each file comes once, imports before importers.
    let pair = kernel.source.matches("struct Params {").count();
    assert_eq!(pair, 1);
}

#[test]
fn workgroup_size_matches_the_dispatch_code() {
    use linewatch::detect::gpu::{EVENT_LANES_OVERRIDE, WORKGROUP_SIZE};
    let source = linewatch::shaders::detect_kernel().source;
    let module = naga::front::wgsl::parse_str(&source).expect("parses");
    let entry = |name: &str| module.entry_points.iter().find(|e| e.name == name).expect(name);
    assert_eq!(module.entry_points.len(), 2);
    // One thread per listed pair, dispatched in groups of WORKGROUP_SIZE.
    assert_eq!(entry("evaluate_pairs").workgroup_size, [WORKGROUP_SIZE, 1, 1]);
    // One workgroup per event, its width the override the host sets per adapter.
    let detect_events = entry("detect_events");
    let overrides = detect_events.workgroup_size_overrides.expect("detect_events sizes by an override");
    let width = overrides[0].expect("x is overridden");
    let naga::Expression::Override(handle) = module.global_expressions[width] else {
        panic!("workgroup width is not an override: {:?}", module.global_expressions[width]);
    };
    assert_eq!(module.overrides[handle].name.as_deref(), Some(EVENT_LANES_OVERRIDE));
    assert_eq!(overrides[1..], [None, None]);
}

#[test]
fn gpu_structs_have_the_sizes_the_shader_expects() {
    use linewatch::detect::*;
    // Sizes of the WGSL structs (all 4-byte scalars, no padding).
    assert_eq!(std::mem::size_of::<GpuParams>(), 32 * 4);
    assert_eq!(std::mem::size_of::<GpuEvent>(), 38 * 4);
    assert_eq!(std::mem::size_of::<GpuSensor>(), (SENSOR_WORDS + SIGHT_WORDS) * 4);
    assert_eq!(std::mem::size_of::<GpuDetection>(), 8 * 4);
    assert_eq!(std::mem::size_of::<GpuPairOut>(), 10 * 4);
    let source = linewatch::shaders::detect_kernel().source;
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
    assert_layouts(&linewatch::shaders::coverage_kernel().source, &expected, "coverage_cells", size);
}

#[test]
fn terrain_structs_match_the_shader() {
    use linewatch::terrain::gpu::{GpuRay, GpuTerrain, WORKGROUP_SIZE};
    let expected = [("Terrain", std::mem::size_of::<GpuTerrain>()), ("Ray", std::mem::size_of::<GpuRay>())];
    assert_layouts(&linewatch::shaders::los_kernel().source, &expected, "los_rays", WORKGROUP_SIZE);
}

#[test]
fn viewshed_structs_match_the_shader() {
    use linewatch::terrain::gpu::{GpuTerrain, SWEEP_WORKGROUP_SIZE};
    use linewatch::terrain::viewshed::GpuView;
    use std::mem::size_of;
    let expected = [("Terrain", size_of::<GpuTerrain>()), ("View", size_of::<GpuView>())];
    assert_layouts(&linewatch::shaders::viewshed_sweep_kernel().source, &expected, "sweep_views", SWEEP_WORKGROUP_SIZE);
    let with_view = [("View", size_of::<GpuView>())];
    let size = linewatch::coverage::gpu::WORKGROUP_SIZE;
    assert_layouts(&linewatch::shaders::coverage_kernel().source, &with_view, "coverage_cells", size);
}

#[test]
fn paint_structs_match_the_shader() {
    use linewatch::coverage::GpuCellOut;
    use linewatch::coverage::paint::{PaintSettings, WORKGROUP_SIZE};
    use std::mem::size_of;
    let expected = [("CellOut", size_of::<GpuCellOut>()), ("Paint", size_of::<PaintSettings>())];
    assert_layouts(&linewatch::shaders::paint_kernel().source, &expected, "paint_cells", WORKGROUP_SIZE);
}

#[test]
fn association_structs_match_the_shader() {
    use linewatch::verify::search::{SearchArrival, SearchJob};
    use linewatch::verify::search_gpu::{SearchLevel, WORKGROUP_SIZE};
    use std::mem::size_of;
    let expected =
        [("Arrival", size_of::<SearchArrival>()), ("Job", size_of::<SearchJob>()), ("Level", size_of::<SearchLevel>())];
    assert_layouts(&linewatch::shaders::associate_kernel().source, &expected, "score_points", WORKGROUP_SIZE);
}

#[test]
fn waveform_structs_match_the_shader() {
    use linewatch::export::waveform::gpu::WORKGROUP_SIZE;
    use linewatch::export::waveform::{WaveParams, WavePulse, WaveWindow};
    use std::mem::size_of;
    let expected = [
        ("WaveParams", size_of::<WaveParams>()),
        ("WaveWindow", size_of::<WaveWindow>()),
        ("WavePulse", size_of::<WavePulse>()),
    ];
    assert_layouts(&linewatch::shaders::waveform_kernel().source, &expected, "synthesise", WORKGROUP_SIZE);
}
