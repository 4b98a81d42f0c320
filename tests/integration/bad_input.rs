//! Bad input of every kind: exit code 2, a message naming the file, line and field, and no
//! output file (nor a temporary one) left behind.

use super::support::{create_h5_unlocked, linewatch, smoke_scenario, text};
use std::path::Path;

const SELF_TOUCHING: &str = r#"{"type":"LineString","coordinates":[[37.0,48.0],[37.5,48.0],[37.5,48.4],[37.2,47.8]]}"#;
/// A radar row, so that the run loads terrain (the smoke scenario's sensors need none).
macro_rules! with_radar {
    ($terrain:literal) => {
        concat!(
            "\n[terrain]\n",
            $terrain,
            "\n\n[[rows]]\nname = \"A-radar\"\nmodality = \"radar\"\noffset_km = -5.0\nspacing_km = 10.0\n",
            "height_m = 8.0\ntiming_sigma_ms = 1.0\nsnr_ref_db = 13.0\nrange_ref_km = 10.0\nmax_range_km = 20.0\n"
        )
    };
}
const ONE_POINT: &str = r#"{"type":"LineString","coordinates":[[37.0,48.0]]}"#;
/// 4,100 km from the Gulf of Genoa to the Urals: over `limits.max_line_km`.
const TOO_LONG: &str = r#"{"type":"LineString","coordinates":[[10.0,40.0],[60.0,60.0]]}"#;
/// East, then back west along the same parallel: adjacent segments lying on each other.
const DOUBLING_BACK: &str = r#"{"type":"LineString","coordinates":[[37.0,48.0],[37.5,48.0],[37.2,48.0]]}"#;

/// One bad input: how to make it, and what the message must contain.
struct Case {
    name: &'static str,
    /// Edits of the smoke scenario text: (find, replace); an empty find appends.
    edits: &'static [(&'static str, &'static str)],
    /// Extra files to write beside the scenario: (name, content).
    files: &'static [(&'static str, &'static str)],
    /// Output path relative to the work directory (default out.h5).
    output: &'static str,
    /// Arguments after `run SCENARIO -o OUTPUT`.
    extra: &'static [&'static str],
    /// The whole scenario file instead of the edited smoke scenario.
    whole: Option<&'static [u8]>,
    /// The message must contain each of these.
    expect: &'static [&'static str],
    /// Whether the message must carry `file:line:column` of the scenario.
    located: bool,
}

const BASE: Case =
    Case { name: "", edits: &[], files: &[], output: "out.h5", extra: &[], whole: None, expect: &[], located: true };

/// A `#[test]` per case, named after it, and the list of all of them.
macro_rules! bad_inputs {
    ($($test:ident => $case:expr,)*) => {
        $(
            #[test]
            fn $test() {
                exits_2_names_the_field_and_writes_nothing(&$case);
            }
        )*
        const CASES: &[Case] = &[$($case),*];
    };
}

// One named test per bad input (a failure does not hide the others), and `CASES` for the
// tests that need one of them.
bad_inputs! {
    unknown_key => Case {
        name: "unknown key",
        edits: &[("", "\n[environment]\ntemperature = 3.0\n")],
        expect: &["environment.temperature", "unknown field"],
        ..BASE
    },
    nan => Case {
        name: "NaN",
        edits: &[("jitter_m = 100.0", "jitter_m = nan")],
        expect: &["rows[0].jitter_m", "finite"],
        ..BASE
    },
    negative_spacing => Case {
        name: "negative spacing",
        edits: &[("spacing_km = 2.0", "spacing_km = -2.0")],
        expect: &["rows[0].spacing_km"],
        ..BASE
    },
    infinite_offset => Case {
        name: "infinite offset",
        edits: &[("offset_km = 3.0", "offset_km = inf")],
        expect: &["rows[1].offset_km", "finite"],
        ..BASE
    },
    peak_level_of_a_seismic_row => Case {
        name: "peak level of a seismic row",
        edits: &[("", "\n[expect.detection.artillery.A-seismic]\npeak_db_median = \">= 140\"\n")],
        expect: &["expect.detection.artillery.A-seismic.peak_db_median", "acoustic row"],
        ..BASE
    },
    peak_level_of_a_source_without_a_pulse => Case {
        name: "peak level of a source given by its level",
        edits: &[("", "\n[expect.detection.vehicle.A-acoustic]\npeak_db_median = \">= 140\"\n")],
        expect: &["expect.detection.vehicle.A-acoustic.peak_db_median", "tnt_kg"],
        ..BASE
    },
    wrong_type => Case { name: "wrong type", edits: &[("seed = 7", "seed = \"seven\"")], expect: &["seed"], ..BASE },
    unknown_modality => Case {
        name: "unknown modality",
        edits: &[("modality = \"seismic\"", "modality = \"sonar\"")],
        expect: &["rows[2].modality", "sonar"],
        ..BASE
    },
    radar_row_with_an_acoustic_threshold => Case {
        name: "radar row with an acoustic threshold",
        edits: &[("modality = \"acoustic\"", "modality = \"radar\"")],
        expect: &["rows[0].threshold_db", "pfa"],
        ..BASE
    },
    missing_field => Case {
        name: "missing field",
        edits: &[("threshold_db = 10.0\ntiming_sigma_ms = 1.0\nbearing", "timing_sigma_ms = 1.0\nbearing")],
        expect: &["rows[0].threshold_db", "missing field"],
        ..BASE
    },
    inverted_interval => Case {
        name: "inverted interval",
        edits: &[("depth_km = [5.0, 20.0]", "depth_km = [20.0, 5.0]")],
        expect: &["classes[0].depth_km", "interval"],
        ..BASE
    },
    short_diurnal_profile => Case {
        name: "short diurnal profile",
        edits: &[(
            "rate_per_day = 1200.0\ndepth_km = [5.0",
            "rate_per_day = 1200.0\ndiurnal = [1.0, 2.0]\ndepth_km = [5.0",
        )],
        expect: &["classes[0].diurnal", "24"],
        ..BASE
    },
    indirect_fire_without_impact => Case {
        name: "indirect fire without impact",
        edits: &[("impact = { tnt_kg = 6.0 }\n", "")],
        expect: &["classes[0].impact"],
        ..BASE
    },
    duplicate_row_name => Case {
        name: "duplicate row name",
        edits: &[("name = \"B-acoustic\"", "name = \"A-acoustic\"")],
        expect: &["rows[1].name", "twice"],
        ..BASE
    },
    absurd_event_count => Case {
        name: "absurd event count",
        edits: &[("rate_per_day = 1200.0", "rate_per_day = 1e12")],
        expect: &["classes[0].rate_per_day", "max_events"],
        ..BASE
    },
    absurd_sensor_count => Case {
        name: "absurd sensor count",
        edits: &[
            ("chainage_km = [560.0, 620.0]\n", ""),
            ("spacing_km = 2.0", "spacing_km = 0.001"),
            ("spacing_km = 2.0", "spacing_km = 0.001"),
        ],
        // At the default limit (100,000) the first row alone crosses it: 948,135 sensors.
        expect: &["rows[0].spacing_km", "948135 sensors", "limits.max_sensors"],
        ..BASE
    },
    absurd_duration => Case {
        name: "absurd duration",
        edits: &[("duration_h = 2.0", "duration_h = 1e9")],
        expect: &["duration_h", "range"],
        ..BASE
    },
    missing_geojson => Case {
        name: "missing GeoJSON",
        edits: &[("[line]\n", "[line]\ngeojson = \"missing.geojson\"\n")],
        expect: &["line.geojson", "cannot read", "missing.geojson"],
        ..BASE
    },
    corrupt_geojson => Case {
        name: "corrupt GeoJSON",
        edits: &[("[line]\n", "[line]\ngeojson = \"corrupt.geojson\"\n")],
        files: &[("corrupt.geojson", "{\"type\": \"LineString\",\n \"coordinates\": [[1, 2],, ]}")],
        expect: &["line.geojson", "corrupt.geojson:2:", "not valid JSON"],
        ..BASE
    },
    empty_line => Case {
        name: "empty line",
        edits: &[("[line]\nchainage_km = [560.0, 620.0]\n", "[line]\ngeojson = \"one.geojson\"\n")],
        files: &[("one.geojson", ONE_POINT)],
        expect: &["line.geojson", "empty"],
        ..BASE
    },
    self_touching_line => Case {
        name: "self-touching line",
        edits: &[("[line]\nchainage_km = [560.0, 620.0]\n", "[line]\ngeojson = \"loop.geojson\"\n")],
        files: &[("loop.geojson", SELF_TOUCHING)],
        expect: &["line.geojson", "touches itself"],
        ..BASE
    },
    coverage_raster_too_large => Case {
        name: "coverage raster too large",
        edits: &[("resolution_m = 500.0", "resolution_m = 2.0")],
        expect: &["coverage.resolution_m", "1.152e9 cells", "limits.max_coverage_cells"],
        ..BASE
    },
    line_too_long => Case {
        name: "line too long",
        edits: &[("[line]\nchainage_km = [560.0, 620.0]\n", "[line]\ngeojson = \"long.geojson\"\n")],
        files: &[("long.geojson", TOO_LONG)],
        expect: &["line.geojson", "4137 km", "limits.max_line_km"],
        ..BASE
    },
    false_alarms_over_the_event_limit => Case {
        name: "false alarms over the event limit",
        edits: &[("false_alarms_per_day = 12.0", "false_alarms_per_day = 1e6"), ("", "\n[limits]\nmax_events = 1000000\n")],
        expect: &["rows[0].false_alarms_per_day", "false alarms", "limits.max_events"],
        ..BASE
    },
    duplicated_key => Case {
        name: "duplicated key",
        edits: &[("jitter_m = 100.0", "jitter_m = 100.0\njitter_m = 5.0")],
        expect: &["rows[0].jitter_m", "duplicate key"],
        ..BASE
    },
    a_table_header_after_an_array_of_the_same_name => Case {
        name: "a table header after an array of the same name",
        edits: &[("", "\n[rows]\nname = \"x\"\n")],
        expect: &[": rows:", "duplicate key"],
        ..BASE
    },
    a_nul_byte_in_a_string => Case {
        name: "a NUL byte in a string",
        edits: &[("name = \"A-acoustic\"", "name = \"A-ac\0oustic\"")],
        expect: &["rows[0].name"],
        ..BASE
    },
    line_doubling_back_on_itself => Case {
        name: "line doubling back on itself",
        edits: &[("[line]\nchainage_km = [560.0, 620.0]\n", "[line]\ngeojson = \"back.geojson\"\n")],
        files: &[("back.geojson", DOUBLING_BACK)],
        expect: &["line.geojson", "touches itself"],
        ..BASE
    },
    output_over_the_scenario_itself => Case {
        name: "output over the scenario itself",
        output: "bad.toml",
        expect: &["bad.toml", "output", "is an input"],
        located: false,
        ..BASE
    },
    output_on_a_device_node => Case {
        name: "output on a device node",
        output: "/dev/null",
        expect: &["/dev/null", "output", "not a regular file"],
        located: false,
        ..BASE
    },
    picture_in_a_missing_folder => Case {
        name: "picture in a missing folder",
        extra: &["--png", "no-such-dir/map.png"],
        expect: &["no-such-dir", "--png", "does not exist"],
        located: false,
        ..BASE
    },
    two_outputs_in_one_place => Case {
        name: "two outputs in one place",
        extra: &["--png", "out.h5"],
        expect: &["out.h5", "two outputs"],
        located: false,
        ..BASE
    },
    bad_projection => Case {
        name: "bad projection",
        edits: &[("[line]\n", "[line]\nprojection = \"+proj=nonsense\"\n")],
        expect: &["line.projection"],
        ..BASE
    },
    chainage_beyond_the_line => Case {
        name: "chainage beyond the line",
        edits: &[("chainage_km = [560.0, 620.0]", "chainage_km = [5000.0, 5100.0]")],
        expect: &["line.chainage_km", "long"],
        ..BASE
    },
    missing_places_file => Case {
        name: "missing places file",
        edits: &[("[line]\n", "[line]\nplaces = \"towns.geojson\"\n")],
        expect: &["line.places", "cannot read", "towns.geojson"],
        ..BASE
    },
    places_without_names => Case {
        name: "places without names",
        edits: &[("[line]\n", "[line]\nplaces = \"towns.geojson\"\n")],
        files: &[(
            "towns.geojson",
            r#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[37.5,48.3]}}"#,
        )],
        expect: &["line.places", "name"],
        ..BASE
    },
    row_with_positions_and_spacing => Case {
        name: "row with positions and spacing",
        edits: &[(
            "modality = \"seismic\"\noffset_km = -1.0",
            "modality = \"seismic\"\npositions = \"s.csv\"\noffset_km = -1.0",
        )],
        expect: &["rows[2].offset_km", "either positions"],
        ..BASE
    },
    row_with_neither_positions_nor_offset => Case {
        name: "row with neither positions nor offset",
        edits: &[("offset_km = -1.0\n", "")],
        expect: &["rows[2].offset_km", "missing"],
        ..BASE
    },
    unwritable_output_path => Case {
        name: "unwritable output path",
        output: "no-such-dir/out.h5",
        expect: &["no-such-dir", "output", "does not exist"],
        located: false,
        ..BASE
    },
    coverage_k_out_of_range => Case {
        name: "coverage k out of range",
        edits: &[("resolution_m = 500.0", "resolution_m = 500.0\nk = 12")],
        expect: &["coverage.k", "range"],
        ..BASE
    },
    coverage_of_an_unknown_class => Case {
        name: "coverage of an unknown class",
        edits: &[("resolution_m = 500.0", "resolution_m = 500.0\nclasses = [\"tanks\"]")],
        expect: &["coverage.classes[0]", "tanks"],
        ..BASE
    },
    missing_dem => Case {
        name: "missing DEM",
        edits: &[("", with_radar!("dem = \"missing.tif\""))],
        expect: &["terrain.dem", "missing.tif", "cannot open"],
        ..BASE
    },
    corrupt_dem => Case {
        name: "corrupt DEM",
        edits: &[("", with_radar!("dem = \"corrupt.tif\""))],
        files: &[("corrupt.tif", "II*\0 this is not a TIFF")],
        expect: &["terrain.dem", "corrupt.tif", "TIFF"],
        ..BASE
    },
    negative_terrain_spacing => Case {
        name: "negative terrain spacing",
        edits: &[("", with_radar!("spacing_m = -250.0"))],
        expect: &["terrain.spacing_m", "range"],
        ..BASE
    },
    nan_refraction_factor => Case {
        name: "NaN refraction factor",
        edits: &[("", with_radar!("k_factor = nan"))],
        expect: &["terrain.k_factor", "finite"],
        ..BASE
    },
    counter_battery_field_on_a_surveillance_radar => Case {
        name: "counter-battery field on a surveillance radar",
        edits: &[("", with_radar!("spacing_m = 250.0")), ("", "location_error_pct = 0.4\n")],
        expect: &["rows[4].location_error_pct", "counter_battery"],
        ..BASE
    },
    missing_land_cover => Case {
        name: "missing land cover",
        edits: &[("", with_radar!("land_cover = \"woods.tif\""))],
        expect: &["terrain.land_cover", "woods.tif", "cannot open"],
        ..BASE
    },
    land_cover_below_the_ground => Case {
        name: "land cover below the ground",
        edits: &[("", with_radar!("land_cover = \"woods.asc\""))],
        files: &[(
            "woods.asc",
            "ncols 4\nnrows 4\nxllcorner 34.0\nyllcorner 45.0\ncellsize 2.0\n-5 -5 -5 -5\n-5 -5 -5 -5\n-5 -5 -5 -5\n-5 -5 -5 -5\n",
        )],
        expect: &["terrain.land_cover", "woods.asc", "below the ground"],
        ..BASE
    },
    more_land_covered_than_there_is => Case {
        name: "more land covered than there is",
        edits: &[("", with_radar!("forest_fraction = 0.7\nsettlement_fraction = 0.5"))],
        expect: &["terrain.settlement_fraction", "more than all the land"],
        ..BASE
    },
    minimum_detectable_velocity_on_a_counter_battery_radar => Case {
        name: "minimum detectable velocity on a counter-battery radar",
        edits: &[
            ("", with_radar!("spacing_m = 250.0")),
            ("", "role = \"counter_battery\"\nlocation_error_pct = 0.4\nmdv_mps = 0.5\n"),
        ],
        expect: &["rows[4].mdv_mps", "counter-battery"],
        ..BASE
    },
    negative_minimum_detectable_velocity => Case {
        name: "negative minimum detectable velocity",
        edits: &[("", with_radar!("spacing_m = 250.0")), ("", "mdv_mps = -1.0\n")],
        expect: &["rows[4].mdv_mps", "range"],
        ..BASE
    },
    magnitude_out_of_range => Case {
        name: "magnitude out of range",
        edits: &[("source = { tnt_kg = 4.0, height_m = 2.0 }", "source = { tnt_kg = 4.0, height_m = 2.0, magnitude_ml = 12.0 }")],
        expect: &["classes[0].source.magnitude_ml", "range"],
        ..BASE
    },
    strike_with_a_flight_time => Case {
        name: "strike with a flight time",
        edits: &[("kind = \"indirect_fire\"\nrate_per_day = 1200.0", "kind = \"strike\"\nrate_per_day = 1200.0")],
        expect: &["classes[0].impact_depth_km"],
        ..BASE
    },
    nan_reach_probability => Case {
        name: "NaN reach probability of the maps",
        edits: &[("resolution_m = 500.0", "resolution_m = 500.0\nreach_probability = nan")],
        expect: &["coverage.reach_probability", "finite"],
        ..BASE
    },
    negative_reach_probability => Case {
        name: "negative reach probability of the maps",
        edits: &[("resolution_m = 500.0", "resolution_m = 500.0\nreach_probability = -1e-4")],
        expect: &["coverage.reach_probability"],
        ..BASE
    },
    coarse_reach_probability => Case {
        name: "a reach probability that would drop sensors that matter",
        edits: &[("resolution_m = 500.0", "resolution_m = 500.0\nreach_probability = 0.2")],
        expect: &["coverage.reach_probability"],
        ..BASE
    },
    nan_lg_quality => Case {
        name: "NaN Lg quality factor",
        edits: &[("", "\n[environment]\nlg_q0 = nan\n")],
        expect: &["environment.lg_q0", "finite"],
        ..BASE
    },
    counter_battery_radar_without_its_location_error => Case {
        name: "counter-battery radar without its location error",
        edits: &[("", with_radar!("spacing_m = 250.0")), ("", "role = \"counter_battery\"\n")],
        expect: &["rows[4].location_error_pct", "missing field"],
        ..BASE
    },
    dem_too_large_for_memory => Case {
        name: "DEM too large for memory",
        edits: &[("", with_radar!("spacing_m = 1.0"))],
        expect: &["terrain.spacing_m", "samples", "coarsen"],
        ..BASE
    },
    output_is_a_directory => Case { name: "output is a directory", output: ".", expect: &["output", "directory"], located: false, ..BASE },
    seed_not_a_number => Case { name: "seed not a number", extra: &["--seed", "abc"], expect: &["--seed"], located: false, ..BASE },
    sizing_a_row_that_does_not_exist => Case {
        name: "sizing a row that does not exist",
        edits: &[("", "\n[[size.rows]]\nrow = \"C-acoustic\"\nspacing_km = [1.0, 4.0]\n")],
        expect: &["size.rows[0].row", "no row of [[rows]] is named 'C-acoustic'"],
        ..BASE
    },
    a_sizing_target_beyond_1 => Case {
        name: "a sizing target beyond 1",
        edits: &[("", "\n[[size.targets]]\nclass = \"artillery\"\nfraction = 1.5\n")],
        expect: &["size.targets[0].fraction", "outside the allowed range"],
        ..BASE
    },
    an_availability_beyond_1 => Case {
        name: "an availability beyond 1",
        edits: &[("", "\n[losses]\navailability = 1.5\n")],
        expect: &["losses.availability", "outside the allowed range"],
        ..BASE
    },
    a_sensor_out_of_service_that_the_rows_do_not_deploy => Case {
        name: "a sensor out of service that the rows do not deploy",
        edits: &[("", "\n[losses]\nout_of_service = [5, 100000]\n")],
        expect: &["losses.out_of_service", "no sensor 100000"],
        ..BASE
    },
    a_sensor_out_of_service_twice => Case {
        name: "a sensor out of service twice",
        edits: &[("", "\n[losses]\nout_of_service = [5, 5]\n")],
        expect: &["losses.out_of_service", "listed twice"],
        ..BASE
    },

    // Side files whose headers lie about their size or hold something else than numbers.
    ascii_grid_declaring_1e16_cells => Case {
        name: "ASCII grid declaring 1e16 cells",
        edits: &[("", with_radar!("dem = \"huge.asc\""))],
        files: &[("huge.asc", "ncols 100000000\nnrows 100000000\nxllcorner 34.0\nyllcorner 45.0\ncellsize 0.0001\n1 2 3\n")],
        expect: &["terrain.dem", "huge.asc", "100000000 × 100000000 cells", "can hold"],
        ..BASE
    },
    land_cover_grid_declaring_u64_max_cells => Case {
        name: "land-cover grid declaring u64::MAX × u64::MAX cells",
        edits: &[("", with_radar!("land_cover = \"huge.asc\""))],
        files: &[(
            "huge.asc",
            "ncols 18446744073709551615\nnrows 18446744073709551615\nxllcorner 34.0\nyllcorner 45.0\ncellsize 2.0\n1\n",
        )],
        expect: &["terrain.land_cover", "huge.asc", "can hold"],
        ..BASE
    },
    ascii_grid_short_of_values => Case {
        name: "ASCII grid short of values",
        edits: &[("", with_radar!("dem = \"short.asc\""))],
        files: &[("short.asc", "ncols 4\nnrows 4\nxllcorner 34.0\nyllcorner 45.0\ncellsize 2.0\n1 2 3 4\n5 6 7\n")],
        expect: &["terrain.dem", "short.asc", "7 heights for a 4 × 4 grid"],
        ..BASE
    },
    ascii_grid_with_a_nan_cell_size => Case {
        name: "ASCII grid with a NaN cell size",
        edits: &[("", with_radar!("dem = \"nan.asc\""))],
        files: &[("nan.asc", "ncols 2\nnrows 2\nxllcorner 34.0\nyllcorner 45.0\ncellsize nan\n1 2\n3 4\n")],
        expect: &["terrain.dem", "nan.asc", "cell size"],
        ..BASE
    },
    ascii_grid_with_a_word_for_a_height => Case {
        name: "ASCII grid with a word for a height",
        edits: &[("", with_radar!("dem = \"word.asc\""))],
        files: &[("word.asc", "ncols 2\nnrows 2\nxllcorner 34.0\nyllcorner 45.0\ncellsize 2.0\n1 two\n3 4\n")],
        expect: &["terrain.dem", "word.asc:6", "'two' is not a number"],
        ..BASE
    },
    positions_with_a_word_for_a_longitude => Case {
        name: "positions with a word for a longitude",
        edits: &[("offset_km = -1.0\nspacing_km = 1.5\n", "positions = \"s.csv\"\n")],
        files: &[("s.csv", "lon,lat\n37.1,48.1\nabc,48.2\n")],
        expect: &["rows[2].positions", "s.csv:3", "'abc' is not a number"],
        ..BASE
    },
    positions_with_a_nan => Case {
        name: "positions with a NaN",
        edits: &[("offset_km = -1.0\nspacing_km = 1.5\n", "positions = \"s.csv\"\n")],
        files: &[("s.csv", "lon,lat\n37.1,48.1\nnan,48.2\n")],
        expect: &["rows[2].positions", "s.csv:3", "not a WGS84 lon/lat"],
        ..BASE
    },
    positions_off_the_globe => Case {
        name: "positions off the globe",
        edits: &[("offset_km = -1.0\nspacing_km = 1.5\n", "positions = \"s.csv\"\n")],
        files: &[("s.csv", "lon,lat\n37.1,48.1\n37.2,95.0\n")],
        expect: &["rows[2].positions", "s.csv:3", "(37.2, 95)"],
        ..BASE
    },
    missing_positions_file => Case {
        name: "missing positions file",
        edits: &[("offset_km = -1.0\nspacing_km = 1.5\n", "positions = \"missing.csv\"\n")],
        expect: &["rows[2].positions", "missing.csv", "cannot read"],
        ..BASE
    },
    line_that_is_a_polygon => Case {
        name: "line that is a polygon",
        edits: &[("[line]\nchainage_km = [560.0, 620.0]\n", "[line]\ngeojson = \"p.geojson\"\n")],
        files: &[("p.geojson", r#"{"type":"Polygon","coordinates":[[[37,48],[38,48],[38,49],[37,48]]]}"#)],
        expect: &["line.geojson", "LineString", "Polygon"],
        ..BASE
    },
    line_past_the_pole => Case {
        name: "line past the pole",
        edits: &[("[line]\nchainage_km = [560.0, 620.0]\n", "[line]\ngeojson = \"p.geojson\"\n")],
        files: &[("p.geojson", r#"{"type":"LineString","coordinates":[[37,48],[37.5,95]]}"#)],
        expect: &["line.geojson", "vertex 1", "not a WGS84 lon/lat"],
        ..BASE
    },
    line_with_a_number_beyond_f64 => Case {
        name: "line with a number beyond f64",
        edits: &[("[line]\nchainage_km = [560.0, 620.0]\n", "[line]\ngeojson = \"p.geojson\"\n")],
        files: &[("p.geojson", r#"{"type":"LineString","coordinates":[[37,48],[1e400,48]]}"#)],
        expect: &["line.geojson", "p.geojson:1:", "out of range"],
        ..BASE
    },
    line_read_from_a_device => Case {
        name: "line read from a device",
        edits: &[("[line]\nchainage_km = [560.0, 620.0]\n", "[line]\ngeojson = \"/dev/zero\"\n")],
        expect: &["line.geojson", "/dev/zero", "not a regular file"],
        ..BASE
    },
    positions_read_from_a_device => Case {
        name: "positions read from a device",
        edits: &[("offset_km = -1.0\nspacing_km = 1.5\n", "positions = \"/dev/zero\"\n")],
        expect: &["rows[2].positions", "/dev/zero", "not a regular file"],
        ..BASE
    },
    dem_read_from_a_device => Case {
        name: "DEM read from a device",
        edits: &[("", with_radar!("dem = \"/dev/zero\""))],
        expect: &["terrain.dem", "/dev/zero", "not a regular file"],
        ..BASE
    },
    // Sensor rows.
    negative_jitter => Case {
        name: "negative jitter",
        edits: &[("jitter_m = 100.0", "jitter_m = -100.0")],
        expect: &["rows[0].jitter_m", "outside the allowed range [0, "],
        ..BASE
    },
    nan_threshold => Case {
        name: "NaN threshold",
        edits: &[("threshold_db = 10.0", "threshold_db = nan")],
        expect: &["rows[0].threshold_db", "finite"],
        ..BASE
    },
    negative_timing_sigma => Case {
        name: "negative timing sigma",
        edits: &[("timing_sigma_ms = 1.0", "timing_sigma_ms = -1.0")],
        expect: &["rows[0].timing_sigma_ms", "range"],
        ..BASE
    },
    bearing_sigma_beyond_180_degrees => Case {
        name: "bearing sigma beyond 180 degrees",
        edits: &[("bearing_sigma_deg = 3.0", "bearing_sigma_deg = 400.0")],
        expect: &["rows[0].bearing_sigma_deg", "180]"],
        ..BASE
    },
    negative_unit_cost => Case {
        name: "negative unit cost",
        edits: &[("unit_cost_eur = 15000.0", "unit_cost_eur = -15000.0")],
        expect: &["rows[0].unit_cost_eur", "range"],
        ..BASE
    },
    negative_false_alarm_rate => Case {
        name: "negative false-alarm rate",
        edits: &[("false_alarms_per_day = 12.0", "false_alarms_per_day = -1.0")],
        expect: &["rows[0].false_alarms_per_day", "range"],
        ..BASE
    },
    radar_sector_beyond_360_degrees => Case {
        name: "radar sector beyond 360 degrees",
        edits: &[("", with_radar!("spacing_m = 250.0")), ("", "sector_deg = 400.0\n")],
        expect: &["rows[4].sector_deg", "360]"],
        ..BASE
    },
    radar_false_alarm_probability_beyond_1 => Case {
        name: "radar false-alarm probability beyond 1",
        edits: &[("", with_radar!("spacing_m = 250.0")), ("", "pfa = 2.0\n")],
        // Bounds written so that a reader can take them in: 1e-15, not seventeen digits.
        expect: &["rows[4].pfa", "[1e-15, 0.1]"],
        ..BASE
    },
    // Violation classes.
    unknown_class_kind => Case {
        name: "unknown class kind",
        edits: &[("kind = \"movement\"", "kind = \"teleport\"")],
        expect: &["classes[3].kind", "teleport"],
        ..BASE
    },
    negative_event_rate => Case {
        name: "negative event rate",
        edits: &[("rate_per_day = 240.0", "rate_per_day = -240.0")],
        expect: &["classes[3].rate_per_day", "range"],
        ..BASE
    },
    negative_diurnal_weight => Case {
        name: "negative diurnal weight",
        edits: &[(
            "rate_per_day = 1200.0\ndepth_km = [5.0",
            "rate_per_day = 1200.0\ndiurnal = [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,-1.0]\ndepth_km = [5.0",
        )],
        expect: &["classes[0].diurnal[23]", "range"],
        ..BASE
    },
    negative_charge => Case {
        name: "negative charge",
        edits: &[("source = { tnt_kg = 4.0", "source = { tnt_kg = -4.0")],
        expect: &["classes[0].source.tnt_kg", "range"],
        ..BASE
    },
    inverted_flight_time => Case {
        name: "inverted flight time",
        edits: &[("flight_time_s = [20.0, 60.0]", "flight_time_s = [60.0, 20.0]")],
        expect: &["classes[0].flight_time_s", "interval"],
        ..BASE
    },
    negative_track_speed => Case {
        name: "negative track speed",
        edits: &[("speed_mps = [3.0, 12.0]", "speed_mps = [-3.0, 12.0]")],
        expect: &["classes[3].track.speed_mps[0]", "range"],
        ..BASE
    },
    crossing_fraction_beyond_1 => Case {
        name: "crossing fraction beyond 1",
        edits: &[("crossing_fraction = 0.3", "crossing_fraction = 1.3")],
        expect: &["classes[3].track.crossing_fraction", "[0, 1]"],
        ..BASE
    },
    zero_track_sample_interval => Case {
        name: "zero track sample interval",
        edits: &[("sample_s = 60.0", "sample_s = 0.0")],
        expect: &["classes[3].track.sample_s", "range"],
        ..BASE
    },
    salvo_of_fewer_guns_than_its_least => Case {
        name: "salvo of fewer guns than its least",
        edits: &[(
            "impact = { tnt_kg = 6.0 }",
            "impact = { tnt_kg = 6.0 }\nsalvo = { guns = [3, 2], spacing_m = [50.0, 100.0], spread_s = 5.0, impact_dispersion_m = 30.0 }",
        )],
        expect: &["classes[0].salvo.guns", "[3, 2]"],
        ..BASE
    },
    call_error_beyond_a_coin => Case {
        name: "call error beyond a coin",
        edits: &[("false_alarms_per_day = 12.0", "false_alarms_per_day = 12.0\ncall_error = 0.7")],
        expect: &["rows[0].call_error", "range"],
        ..BASE
    },
    call_error_on_a_geophone => Case {
        name: "call error on a geophone",
        edits: &[("false_alarms_per_day = 6.0", "false_alarms_per_day = 6.0\ncall_error = 0.05")],
        expect: &["rows[2].call_error", "acoustic"],
        ..BASE
    },
    salvo_of_direct_fire => Case {
        name: "salvo of direct fire",
        edits: &[(
            "rate_per_day = 600.0",
            "rate_per_day = 600.0\nsalvo = { guns = [2, 4], spacing_m = [50.0, 100.0], spread_s = 5.0, impact_dispersion_m = 30.0 }",
        )],
        expect: &["classes[2].salvo", "only indirect_fire"],
        ..BASE
    },
    no_side_fires => Case {
        name: "no side fires",
        edits: &[("rate_per_day = 240.0", "rate_per_day = 240.0\nside_weights = [0.0, 0.0]")],
        expect: &["classes[3].side_weights", "positive weight"],
        ..BASE
    },
    class_without_a_source => Case {
        name: "class without a source",
        edits: &[(
            "source = { acoustic_db = 99.0, acoustic_freq_hz = 63.0, seismic_db = 110.0, seismic_freq_hz = 15.0, height_m = 1.5 }\n",
            "",
        )],
        expect: &["classes[3].source", "missing field"],
        ..BASE
    },
    class_named_twice => Case {
        name: "class named twice",
        edits: &[("name = \"small_arms\"", "name = \"vehicle\"")],
        expect: &["classes[3].name", "used twice"],
        ..BASE
    },
    // Top level, environment, truth, coverage, verifier, expectations, limits, sizing.
    zero_duration => Case {
        name: "zero duration",
        edits: &[("duration_h = 2.0", "duration_h = 0.0")],
        expect: &["duration_h", "above 0"],
        ..BASE
    },
    negative_duration => Case {
        name: "negative duration",
        edits: &[("duration_h = 2.0", "duration_h = -2.0")],
        expect: &["duration_h", "above 0"],
        ..BASE
    },
    missing_top_level_key => Case {
        name: "missing top-level key",
        edits: &[("duration_h = 2.0\n", "")],
        expect: &[": duration_h: missing field"],
        ..BASE
    },
    negative_seed_in_the_file => Case {
        name: "negative seed in the file",
        edits: &[("seed = 7", "seed = -7")],
        expect: &["seed", "-7"],
        ..BASE
    },
    utc_offset_beyond_14_hours => Case {
        name: "UTC offset beyond 14 hours",
        edits: &[("duration_h = 2.0", "duration_h = 2.0\nutc_offset_h = 40.0")],
        expect: &["utc_offset_h", "[-14, 14]"],
        ..BASE
    },
    negative_wind_speed => Case {
        name: "negative wind speed",
        edits: &[("", "\n[environment]\nwind_speed_mps = -3.0\n")],
        expect: &["environment.wind_speed_mps", "range"],
        ..BASE
    },
    humidity_beyond_100_percent => Case {
        name: "humidity beyond 100 percent",
        edits: &[("", "\n[environment]\nrelative_humidity_pct = 140.0\n")],
        expect: &["environment.relative_humidity_pct", "100]"],
        ..BASE
    },
    negative_clock_error_of_the_world => Case {
        name: "negative clock error of the world",
        edits: &[("", "\n[truth]\nclock_sigma_ms = -1.0\n")],
        expect: &["truth.clock_sigma_ms", "range"],
        ..BASE
    },
    inverted_chainage => Case {
        name: "inverted chainage",
        edits: &[("chainage_km = [560.0, 620.0]", "chainage_km = [620.0, 560.0]")],
        expect: &["line.chainage_km", "interval"],
        ..BASE
    },
    negative_coverage_resolution => Case {
        name: "negative coverage resolution",
        edits: &[("resolution_m = 500.0", "resolution_m = -500.0")],
        expect: &["coverage.resolution_m", "range"],
        ..BASE
    },
    a_wide_corridor_at_a_fine_resolution => Case {
        name: "a wide corridor at a fine resolution",
        edits: &[("half_width_km = 20.0", "half_width_km = 500.0"), ("resolution_m = 500.0", "resolution_m = 30.0")],
        expect: &["coverage.resolution_m", "1.175e9 cells", "limits.max_coverage_cells"],
        ..BASE
    },
    unknown_time_of_day => Case {
        name: "unknown time of day",
        edits: &[("resolution_m = 500.0", "resolution_m = 500.0\ntime_of_day = \"dusk\"")],
        expect: &["coverage.time_of_day", "dusk"],
        ..BASE
    },
    confidence_beyond_1 => Case {
        name: "confidence beyond 1",
        edits: &[("confidence = 0.95", "confidence = 1.5")],
        expect: &["verify.confidence", "range"],
        ..BASE
    },
    unknown_unsettled_rule => Case {
        name: "unknown unsettled rule",
        edits: &[("association = \"blind\"", "association = \"blind\"\nunsettled = \"maybe\"")],
        expect: &["verify.unsettled", "maybe"],
        ..BASE
    },
    unknown_association => Case {
        name: "unknown association",
        edits: &[("association = \"blind\"", "association = \"psychic\"")],
        expect: &["verify.association", "psychic"],
        ..BASE
    },
    expectation_that_is_not_a_number => Case {
        name: "expectation that is not a number",
        edits: &[("artillery.cep90_m = \"<= 600\"", "artillery.cep90_m = \"<= six hundred\"")],
        expect: &["expect.artillery.cep90_m", "not a number"],
        ..BASE
    },
    expectation_of_an_unknown_metric => Case {
        name: "expectation of an unknown metric",
        edits: &[("artillery.cep90_m = \"<= 600\"", "artillery.cep99_m = \"<= 600\"")],
        expect: &["expect.artillery.cep99_m", "unknown metric", "cep90_m"],
        ..BASE
    },
    unknown_limit => Case {
        name: "unknown limit",
        edits: &[("", "\n[limits]\nmax_patience = 3\n")],
        expect: &["limits.max_patience", "unknown field"],
        ..BASE
    },
    a_sensor_limit_of_zero => Case {
        name: "a sensor limit of zero",
        edits: &[("", "\n[limits]\nmax_sensors = 0\n")],
        expect: &["limits.max_sensors", "at least 1"],
        ..BASE
    },
    negative_availability => Case {
        name: "negative availability",
        edits: &[("", "\n[losses]\navailability = -0.5\n")],
        expect: &["losses.availability", "range"],
        ..BASE
    },
    inverted_sizing_spacing => Case {
        name: "inverted sizing spacing",
        edits: &[("", "\n[[size.rows]]\nrow = \"A-acoustic\"\nspacing_km = [4.0, 1.0]\n")],
        expect: &["size.rows[0].spacing_km", "interval"],
        ..BASE
    },
    // Whole files that are not scenarios.
    empty_scenario_file => Case {
        name: "empty scenario file",
        whole: Some(b""),
        expect: &["name", "missing field"],
        ..BASE
    },
    scenario_that_is_not_utf8 => Case {
        name: "scenario that is not UTF-8",
        whole: Some(b"name = \"\xff\xfe\"\n"),
        expect: &["bad.toml", "UTF-8"],
        located: false,
        ..BASE
    },
    scenario_without_sensors => Case {
        name: "scenario without sensors",
        whole: Some(b"name = \"empty\"\nseed = 1\nduration_h = 1.0\n[line]\nchainage_km = [560.0, 620.0]\n"),
        expect: &["rows", "no sensors"],
        located: false,
        ..BASE
    },
}

fn prepare(dir: &Path, case: &Case) -> std::path::PathBuf {
    let mut scenario = std::fs::read_to_string(smoke_scenario()).expect("smoke scenario");
    for (find, replace) in case.edits {
        if find.is_empty() {
            scenario.push_str(replace);
        } else {
            assert!(scenario.contains(find), "{}: edit target {find:?} not in the smoke scenario", case.name);
            scenario = scenario.replacen(find, replace, 1);
        }
    }
    for (name, content) in case.files {
        std::fs::write(dir.join(name), content).expect("write fixture");
    }
    let path = dir.join("bad.toml");
    std::fs::write(&path, case.whole.unwrap_or(scenario.as_bytes())).expect("write scenario");
    path
}

/// Run a bad input: exit 2, the message's needles, the scenario's file:line:column when located,
/// no panic, no output left.
fn exits_2_names_the_field_and_writes_nothing(case: &Case) {
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = prepare(dir.path(), case);
    let mut args = vec!["run", "bad.toml", "-o", case.output];
    args.extend_from_slice(case.extra);
    let o = linewatch(dir.path(), &args);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{}: exit code, stderr:\n{stderr}", case.name);
    for needle in case.expect {
        assert!(stderr.contains(needle), "{}: message lacks {needle:?}:\n{stderr}", case.name);
    }
    if case.located {
        let prefix = format!("error: {}:", scenario.file_name().and_then(|n| n.to_str()).unwrap_or_default());
        let rest = stderr.strip_prefix(&prefix).unwrap_or_else(|| panic!("{}: no file name:\n{stderr}", case.name));
        let mut parts = rest.splitn(3, ':');
        let line: usize = parts.next().and_then(|l| l.parse().ok()).unwrap_or(0);
        let column: usize = parts.next().and_then(|c| c.parse().ok()).unwrap_or(0);
        assert!(line > 0 && column > 0, "{}: no line and column:\n{stderr}", case.name);
    }
    assert!(!stderr.contains("panicked"), "{}: {stderr}", case.name);
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.contains(".h5"))
        .collect();
    assert!(left.is_empty(), "{}: output left behind: {left:?}", case.name);
}

#[test]
fn validate_reports_the_same_errors_with_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let negative_spacing = CASES.iter().find(|c| c.name == "negative spacing").expect("the case");
    let scenario = prepare(dir.path(), negative_spacing);
    let o = linewatch(dir.path(), &["validate", scenario.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("rows[0].spacing_km"), "{}", text(&o.stderr));
}

#[test]
fn missing_scenario_and_corrupt_result_files_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = linewatch(dir.path(), &["run", "nope.toml"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("nope.toml"));
    // A device given as the scenario is refused, not read for ever.
    let o = linewatch(dir.path(), &["validate", "/dev/zero"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("not a regular file"), "{}", text(&o.stderr));
    std::fs::write(dir.path().join("junk.h5"), b"not hdf5 at all").expect("write");
    let o = linewatch(dir.path(), &["info", "junk.h5"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("junk.h5"), "{}", text(&o.stderr));
    // The viewer refuses a missing file or a bad scenario before any window opens (a result
    // file that cannot be read is shown in the window: tests/integration/viewer.rs).
    for missing in ["nope.toml", "nope.h5"] {
        let o = linewatch(dir.path(), &["view", missing]);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
        assert!(text(&o.stderr).contains(missing), "{}", text(&o.stderr));
    }
    std::fs::write(dir.path().join("bad.toml"), "name = 3\n").expect("write");
    let o = linewatch(dir.path(), &["view", "bad.toml"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("bad.toml:1"), "{}", text(&o.stderr));
}

/// An output refused before any work leaves every input as it was, and nothing else behind:
/// the scenario given as `-o`, `check --junit` in a missing folder (once found only after the
/// whole run, with the result file left), `coverage --geotiff` and `size -o` under a missing
/// folder.
#[test]
fn refused_outputs_touch_nothing_and_leave_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = prepare(dir.path(), &BASE);
    let before = std::fs::read(&scenario).expect("scenario");
    let listing = || -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .expect("list")
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect();
        names.sort();
        names
    };
    let files = listing();
    for args in [
        &["run", "bad.toml", "-o", "bad.toml"][..],
        &["check", "bad.toml", "-o", "c.h5", "--junit", "missing/dir/j.xml"],
        &["coverage", "bad.toml", "-o", "c.h5", "--geotiff", "missing/tifs"],
        &["size", "bad.toml", "-o", "missing/size"],
        &["run", "bad.toml", "--seed", "-5"],
    ] {
        let o = linewatch(dir.path(), args);
        let stderr = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(!stderr.contains("unexpected argument"), "{args:?}: a negative seed is a bad value: {stderr}");
        assert_eq!(listing(), files, "{args:?} left something behind");
    }
    assert_eq!(std::fs::read(&scenario).expect("scenario"), before, "the scenario is intact");
}

/// `validate` reads the side files `run` would: a missing sensor-positions file fails it.
#[test]
fn validate_reads_the_side_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let case = Case { edits: &[("offset_km = -1.0\nspacing_km = 1.5\n", "positions = \"missing.csv\"\n")], ..BASE };
    let scenario = prepare(dir.path(), &case);
    let o = linewatch(dir.path(), &["validate", scenario.to_str().expect("utf-8")]);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("missing.csv") && stderr.contains("positions"), "{stderr}");
}

/// `info` (and the replay, through the same reader) refuses a file of another schema version,
/// or whose tables are not this schema's, instead of summarising it.
#[test]
fn info_refuses_unknown_versions_and_foreign_tables() {
    use hdf5::types::VarLenUnicode;
    let dir = tempfile::tempdir().expect("tempdir");
    let make = |name: &str, version: u32, floats_as_detections: bool| {
        let file = create_h5_unlocked(&dir.path().join(name));
        let format: VarLenUnicode = "linewatch".parse().expect("text");
        file.new_attr::<VarLenUnicode>().create("format").and_then(|a| a.write_scalar(&format)).expect("format");
        file.new_attr::<u32>().create("schema_version").and_then(|a| a.write_scalar(&version)).expect("version");
        if floats_as_detections {
            file.new_dataset_builder().with_data(&[1.0f64, 2.0, 3.0]).create("detections").expect("dataset");
        }
        // Closed (and its lock released) before another process opens it.
        file.close().expect("close");
    };
    make("future.h5", 99, false);
    make("foreign.h5", 1, true);
    for (name, needles) in
        [("future.h5", ["schema version 99", "schema_version"]), ("foreign.h5", ["detections", "not this schema"])]
    {
        let o = linewatch(dir.path(), &["info", name]);
        let stderr = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{name}: {stderr}");
        for needle in needles {
            assert!(stderr.contains(needle), "{name}: lacks {needle:?}: {stderr}");
        }
    }
}

/// A global heap whose free-space object claims no size sends libhdf5 1.10 into an endless loop
/// when a text attribute is read (found by the `result_file` fuzz target). `info` gives up at
/// its deadline with exit 2 instead of hanging.
#[test]
fn info_gives_up_on_a_file_libhdf5_loops_on() {
    use hdf5::types::VarLenUnicode;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("looping.h5");
    let file = create_h5_unlocked(&path);
    let format: VarLenUnicode = "linewatch".parse().expect("text");
    file.new_attr::<VarLenUnicode>().create("format").and_then(|a| a.write_scalar(&format)).expect("format");
    file.close().expect("close");
    let mut bytes = std::fs::read(&path).expect("read back");
    zero_free_space_size(&mut bytes);
    std::fs::write(&path, &bytes).expect("write");
    let o = linewatch(dir.path(), &["info", "--timeout", "2", "looping.h5"]);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("did not finish reading the file in 2 s"), "{stderr}");
}

/// Walks the first global heap collection (HDF5 file format specification, "Global Heap":
/// "GCOL", version, 3 reserved bytes, an 8-byte collection size, then objects of a 2-byte index,
/// 2-byte reference count, 4 reserved bytes, an 8-byte size and data padded to 8 bytes; index 0
/// is the free space) and sets the free space's size to zero.
fn zero_free_space_size(bytes: &mut [u8]) {
    let start = bytes.windows(4).position(|w| w == b"GCOL").expect("a global heap collection");
    let u64_at = |b: &[u8], at: usize| u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"));
    let end = start + usize::try_from(u64_at(bytes, start + 8)).expect("collection size");
    let mut at = start + 16;
    while at + 16 <= end {
        let index = u16::from_le_bytes([bytes[at], bytes[at + 1]]);
        let size = usize::try_from(u64_at(bytes, at + 8)).expect("object size");
        if index == 0 {
            bytes[at + 8..at + 16].fill(0);
            return;
        }
        at += 16 + size.div_ceil(8) * 8;
    }
    panic!("no free-space object in the collection at {start}");
}
