//! Property tests of the loaders: whatever a scenario or a line file holds, loading it never
//! panics; it gives a valid scenario or a bad-input error (exit code 2) naming the file.

use linewatch::scenario::LoadedScenario;
use proptest::prelude::*;

const SMOKE: &str = include_str!("../../scenarios/ci-smoke.toml");

/// Values a hostile or careless scenario might hold where a number or a string belongs.
fn hostile_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<f64>().prop_map(|v| format!("{v:e}")),
        Just("nan".to_string()),
        Just("-inf".to_string()),
        Just("1e308".to_string()),
        Just("-0.0".to_string()),
        any::<i64>().prop_map(|v| v.to_string()),
        "[a-z_]{0,12}".prop_map(|s| format!("\"{s}\"")),
        Just("[1.0, 2.0]".to_string()),
        Just("{}".to_string()),
        Just("".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// One line of the smoke scenario has its value replaced, or the line is dropped or
    /// repeated: loading never panics, and a refusal is bad input that names the file.
    #[test]
    fn a_mutated_scenario_loads_or_is_bad_input(line in 0usize..120, value in hostile_value(), how in 0u8..3) {
        let mut lines: Vec<String> = SMOKE.lines().map(str::to_string).collect();
        let k = line % lines.len();
        match how {
            0 => {
                if let Some((key, _)) = lines[k].split_once('=') {
                    lines[k] = format!("{key}= {value}");
                }
            }
            1 => { lines.remove(k); }
            _ => { let copy = lines[k].clone(); lines.insert(k, copy); }
        }
        let text = lines.join("\n");
        if let Err(e) = LoadedScenario::from_text(text, "m.toml".into(), ".".into()) {
            prop_assert_eq!(e.exit_code(), linewatch::error::exit::BAD_INPUT);
            prop_assert!(e.to_string().starts_with("m.toml"), "{}", e);
        }
    }

    /// Arbitrary text where a scenario belongs never panics the loader.
    #[test]
    fn arbitrary_text_is_a_scenario_or_bad_input(text in "(?s).{0,400}") {
        if let Err(e) = LoadedScenario::from_text(text, "a.toml".into(), ".".into()) {
            prop_assert_eq!(e.exit_code(), linewatch::error::exit::BAD_INPUT);
        }
    }

    /// Any LineString of a few vertices anywhere on (or off) the globe: parsing, projecting,
    /// locating points and looking for self-intersections never panic.
    #[test]
    fn any_line_parses_projects_and_locates_without_panic(
        coords in prop::collection::vec((-400.0f64..400.0, -200.0f64..200.0), 0..8),
        at in (-1e7f64..1e7, -1e7f64..1e7),
    ) {
        let text = format!(
            r#"{{"type":"LineString","coordinates":[{}]}}"#,
            coords.iter().map(|(x, y)| format!("[{x},{y}]")).collect::<Vec<_>>().join(",")
        );
        let path = std::env::temp_dir().join(format!("linewatch-prop-{}.geojson", std::process::id()));
        std::fs::write(&path, &text).expect("write");
        let scenario = SMOKE.replace(
            "[line]\nchainage_km = [560.0, 620.0]\n",
            &format!("[line]\ngeojson = \"{}\"\n", path.display()),
        );
        let loaded = LoadedScenario::from_text(scenario, "p.toml".into(), ".".into());
        if let Ok(loaded) = loaded {
            match linewatch::geo::load_line(&loaded) {
                Ok((_, line)) => {
                    let p = line.locate([at.0, at.1]);
                    prop_assert!(p.chainage_km.is_finite() || line.xy.is_empty());
                    let _ = line.self_intersections();
                }
                Err(e) => prop_assert_eq!(e.exit_code(), linewatch::error::exit::BAD_INPUT),
            }
        }
        let _ = std::fs::remove_file(&path);
    }
}
