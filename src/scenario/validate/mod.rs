//! Semantic checks of a scenario: every number finite and in range, every reference sane.

mod rows;
mod sizing;

use super::model::*;
use super::span::FieldPath;
use rows::check_row;

/// The first problem found: the field and what is wrong with it.
pub type Problem = (FieldPath, String);

/// Hard ceiling of the simulated span: ten years is far beyond any monitoring study.
const MAX_DURATION_H: f64 = 24.0 * 3660.0;

/// The source events a class is expected to produce over `duration_h`: a launch and an impact
/// per indirect-fire violation, a track's samples per movement.
pub fn class_events(class: &ViolationClass, duration_h: f64) -> f64 {
    let per_violation = match (class.kind, &class.track) {
        (ClassKind::IndirectFire, _) => 2.0,
        (_, Some(track)) => track.mean_samples(),
        _ => 1.0,
    };
    class.rate_per_day * duration_h / 24.0 * per_violation
}

/// The limits themselves must make sense.
fn check_limits(p: &FieldPath, l: &Limits) -> Result<(), Problem> {
    range(&p.key("max_line_km"), l.max_line_km, 1.0, 40_075.0)?;
    for (key, v) in
        [("max_sensors", l.max_sensors), ("max_events", l.max_events), ("max_coverage_cells", l.max_coverage_cells)]
    {
        if v == 0 {
            return Err((p.key(key), "must be at least 1".into()));
        }
    }
    Ok(())
}

pub fn check(s: &Scenario) -> Result<(), Problem> {
    let root = FieldPath::default();
    nonempty(&root.key("name"), &s.name)?;
    range(&root.key("duration_h"), s.duration_h, f64::MIN_POSITIVE, MAX_DURATION_H)?;
    range(&root.key("utc_offset_h"), s.utc_offset_h, -14.0, 14.0)?;
    check_line(&root.key("line"), &s.line)?;
    check_environment(&root.key("environment"), &s.environment)?;
    check_truth(&root.key("truth"), &s.truth)?;
    check_terrain(&root.key("terrain"), &s.terrain)?;
    if s.rows.is_empty() {
        return Err((root.key("rows"), "the scenario deploys no sensors: add a [[rows]] table".into()));
    }
    let mut names = std::collections::HashSet::new();
    for (i, row) in s.rows.iter().enumerate() {
        let p = root.key("rows").index(i);
        check_row(&p, row)?;
        if !names.insert(row.name.as_str()) {
            return Err((p.key("name"), format!("row name '{}' is used twice", row.name)));
        }
    }
    if s.classes.is_empty() {
        return Err((root.key("classes"), "the scenario has no violation classes: add a [[classes]] table".into()));
    }
    check_coverage(&root.key("coverage"), &s.coverage, s)?;
    range(&root.key("verify").key("confidence"), s.verify.confidence, 0.5, 0.999_999)?;
    crate::expect::parse(&s.expect, s)?;
    sizing::check(&root.key("size"), &s.size, s)?;
    sizing::check_losses(&root.key("losses"), &s.losses)?;
    check_limits(&root.key("limits"), &s.limits)?;
    check_waveforms(&root.key("waveforms"), &s.waveforms, s)?;
    let mut names = std::collections::HashSet::new();
    let mut expected_events = 0.0;
    for (i, class) in s.classes.iter().enumerate() {
        let p = root.key("classes").index(i);
        check_class(&p, class)?;
        if !names.insert(class.name.as_str()) {
            return Err((p.key("name"), format!("class name '{}' is used twice", class.name)));
        }
        expected_events += class_events(class, s.duration_h);
        if expected_events > s.limits.max_events as f64 {
            return Err((
                p.key("rate_per_day"),
                format!(
                    "about {expected_events:.3e} events over {} h exceed limits.max_events = {}; lower the rate or the duration",
                    s.duration_h, s.limits.max_events
                ),
            ));
        }
    }
    Ok(())
}

fn check_coverage(p: &FieldPath, c: &CoverageSpec, s: &Scenario) -> Result<(), Problem> {
    range(&p.key("half_width_km"), c.half_width_km, 0.01, 500.0)?;
    range(&p.key("resolution_m"), c.resolution_m, 1.0, 100_000.0)?;
    if !(1..=8).contains(&c.k) {
        return Err((p.key("k"), format!("{} is outside the allowed range [1, 8]", c.k)));
    }
    range(&p.key("target"), c.target, 1e-6, 1.0)?;
    range(&p.key("reach_probability"), c.reach_probability, 1e-12, 0.01)?;
    range(&p.key("profile_bin_km"), c.profile_bin_km, 0.001, 10_000.0)?;
    if let Some(depth) = c.profile_depth_km {
        range(&p.key("profile_depth_km"), depth, 1e-3, c.half_width_km)?;
    }
    for (i, name) in c.classes.iter().enumerate() {
        if !s.classes.iter().any(|k| &k.name == name) {
            return Err((p.key("classes").index(i), format!("no violation class is named '{name}'")));
        }
    }
    Ok(())
}

fn check_waveforms(p: &FieldPath, w: &WaveformSpec, s: &Scenario) -> Result<(), Problem> {
    use clap::ValueEnum;
    let mut seen = std::collections::HashSet::new();
    for (i, name) in w.formats.iter().enumerate() {
        let format = crate::export::Format::from_str(name, false).ok().filter(|f| f.synthesises());
        if format.is_none() {
            return Err((
                p.key("formats").index(i),
                format!("'{name}' is not a waveform format: waveforms, asdf or seisbench"),
            ));
        }
        if !seen.insert(name.as_str()) {
            return Err((p.key("formats").index(i), format!("'{name}' is listed twice")));
        }
    }
    range(&p.key("rate_hz"), w.rate_hz, 1.0, 100_000.0)?;
    range(&p.key("pre_s"), w.pre_s, 0.0, 600.0)?;
    range(&p.key("post_s"), w.post_s, 0.0, 600.0)?;
    if ((w.pre_s + w.post_s) * w.rate_hz).round() < 1.0 {
        return Err((p.key("post_s"), "the window holds no sample: lengthen pre_s or post_s".into()));
    }
    for (i, name) in w.rows.iter().enumerate() {
        if !s.rows.iter().any(|r| &r.name == name) {
            return Err((p.key("rows").index(i), format!("no row is named '{name}'")));
        }
    }
    if let Some(hours) = w.continuous_h {
        interval(&p.key("continuous_h"), hours, 0.0, s.duration_h)?;
        if hours[0] == hours[1] {
            return Err((p.key("continuous_h"), "the span is empty: FROM must be below TO".into()));
        }
        if hours[1] * 3600.0 * w.rate_hz >= f64::from(u32::MAX) {
            return Err((
                p.key("continuous_h"),
                format!("{} h at {} Hz is beyond 2^32 samples: lower rate_hz", hours[1], w.rate_hz),
            ));
        }
        if let Some(i) = w.formats.iter().position(|f| f != "asdf") {
            return Err((
                p.key("formats").index(i),
                "continuous spans are written as ASDF traces: with continuous_h, formats = [\"asdf\"]".into(),
            ));
        }
    }
    let not_asdf = w.formats.iter().position(|f| f != "asdf");
    if let (true, Some(i)) = (w.array_elements, not_asdf) {
        let message = "array elements are written as ASDF channels: with array_elements, formats = [\"asdf\"]";
        return Err((p.key("formats").index(i), message.into()));
    }
    crate::export::parse_start(&w.start).map_err(|e| (p.key("start"), e.message()))?;
    Ok(())
}

fn check_line(p: &FieldPath, line: &LineSpec) -> Result<(), Problem> {
    if let Some(path) = &line.geojson {
        nonempty(&p.key("geojson"), path)?;
    }
    if let Some(window) = line.chainage_km {
        interval(&p.key("chainage_km"), window, 0.0, 1e5)?;
        if window[0] == window[1] {
            return Err((p.key("chainage_km"), "the chainage window is empty".into()));
        }
    }
    Ok(())
}

fn check_environment(p: &FieldPath, e: &Environment) -> Result<(), Problem> {
    // Plausible surface weather anywhere people live, ISO 2533 covers these pressures.
    range(&p.key("temperature_c"), e.temperature_c, -60.0, 60.0)?;
    range(&p.key("relative_humidity_pct"), e.relative_humidity_pct, 0.0, 100.0)?;
    range(&p.key("pressure_kpa"), e.pressure_kpa, 50.0, 110.0)?;
    range(&p.key("wind_speed_mps"), e.wind_speed_mps, 0.0, 60.0)?;
    range(&p.key("wind_from_deg"), e.wind_from_deg, -360.0, 360.0)?;
    range(&p.key("temperature_gradient_day_k_per_m"), e.temperature_gradient_day_k_per_m, -0.1, 0.1)?;
    range(&p.key("temperature_gradient_night_k_per_m"), e.temperature_gradient_night_k_per_m, -0.1, 0.1)?;
    range(&p.key("shadow_max_db"), e.shadow_max_db, 0.0, 60.0)?;
    // Roughness from ice (1e-5 m) to city centres (~2 m); surface layers up to the boundary
    // layer's top; lapses between the dry adiabat and a strong inversion.
    range(&p.key("roughness_m"), e.roughness_m, 1e-5, 3.0)?;
    range(&p.key("surface_layer_m"), e.surface_layer_m, 1.0, 3000.0)?;
    range(&p.key("lapse_aloft_k_per_m"), e.lapse_aloft_k_per_m, -0.0098, 0.05)?;
    range(&p.key("wind_noise_db"), e.wind_noise_db, -50.0, 200.0)?;
    range(&p.key("day_start_h"), e.day_start_h, 0.0, 24.0)?;
    range(&p.key("day_end_h"), e.day_end_h, 0.0, 24.0)?;
    if e.day_start_h >= e.day_end_h {
        return Err((p.key("day_end_h"), "day must end after it starts".into()));
    }
    for (key, v) in [
        ("acoustic_noise_day_db", e.acoustic_noise_day_db),
        ("acoustic_noise_night_db", e.acoustic_noise_night_db),
        ("seismic_noise_day_db", e.seismic_noise_day_db),
        ("seismic_noise_night_db", e.seismic_noise_night_db),
    ] {
        range(&p.key(key), v, -50.0, 200.0)?;
    }
    range(&p.key("rayleigh_speed_mps"), e.rayleigh_speed_mps, 10.0, 10_000.0)?;
    range(&p.key("seismic_q"), e.seismic_q, 1.0, 10_000.0)?;
    range(&p.key("lg_q0"), e.lg_q0, 10.0, 10_000.0)?;
    range(&p.key("lg_q_exponent"), e.lg_q_exponent, -1.0, 1.5)?;
    range(&p.key("lg_speed_mps"), e.lg_speed_mps, 1000.0, 8000.0)?;
    range(&p.key("visibility_km"), e.visibility_km, 0.01, 1000.0)?;
    range(&p.key("rf_noise_rise_db"), e.rf_noise_rise_db, 0.0, 100.0)?;
    Ok(())
}

fn check_truth(p: &FieldPath, t: &Truth) -> Result<(), Problem> {
    range(&p.key("correlation_km"), t.correlation_km, 0.1, 1e5)?;
    range(&p.key("correlation_h"), t.correlation_h, 0.01, 1e4)?;
    range(&p.key("wind_sigma_mps"), t.wind_sigma_mps, 0.0, 30.0)?;
    range(&p.key("temperature_sigma_c"), t.temperature_sigma_c, 0.0, 30.0)?;
    range(&p.key("temperature_gradient_sigma_k_per_m"), t.temperature_gradient_sigma_k_per_m, 0.0, 0.1)?;
    range(&p.key("path_speed_sigma_mps"), t.path_speed_sigma_mps, 0.0, 30.0)?;
    range(&p.key("footprint_speed_sigma_mps"), t.footprint_speed_sigma_mps, 0.0, 30.0)?;
    range(&p.key("ground_speed_sigma_fraction"), t.ground_speed_sigma_fraction, 0.0, 0.5)?;
    range(&p.key("lg_speed_sigma_fraction"), t.lg_speed_sigma_fraction, 0.0, 0.5)?;
    range(&p.key("survey_sigma_m"), t.survey_sigma_m, 0.0, 10_000.0)?;
    range(&p.key("clock_sigma_ms"), t.clock_sigma_ms, 0.0, 60_000.0)?;
    Ok(())
}

fn check_terrain(p: &FieldPath, t: &TerrainSpec) -> Result<(), Problem> {
    if let Some(path) = &t.dem {
        nonempty(&p.key("dem"), path)?;
    }
    range(&p.key("spacing_m"), t.spacing_m, 1.0, 100_000.0)?;
    range(&p.key("k_factor"), t.k_factor, 0.1, 100.0)?;
    range(&p.key("relief_base_m"), t.relief_base_m, -500.0, 9000.0)?;
    range(&p.key("relief_amplitude_m"), t.relief_amplitude_m, 0.0, 5000.0)?;
    range(&p.key("relief_wavelength_km"), t.relief_wavelength_km, 0.1, 10_000.0)?;
    if let Some(path) = &t.land_cover {
        nonempty(&p.key("land_cover"), path)?;
    }
    range(&p.key("forest_fraction"), t.forest_fraction, 0.0, 1.0)?;
    range(&p.key("settlement_fraction"), t.settlement_fraction, 0.0, 1.0)?;
    if t.forest_fraction + t.settlement_fraction > 1.0 {
        return Err((
            p.key("settlement_fraction"),
            "forest and settlement together cover more than all the land".into(),
        ));
    }
    range(&p.key("forest_height_m"), t.forest_height_m, 0.0, 200.0)?;
    range(&p.key("settlement_height_m"), t.settlement_height_m, 0.0, 500.0)?;
    range(&p.key("land_cover_patch_km"), t.land_cover_patch_km, 0.1, 1000.0)?;
    Ok(())
}

fn check_class(p: &FieldPath, c: &ViolationClass) -> Result<(), Problem> {
    nonempty(&p.key("name"), &c.name)?;
    range(&p.key("rate_per_day"), c.rate_per_day, 0.0, 1e12)?;
    for (i, w) in c.side_weights.iter().enumerate() {
        range(&p.key("side_weights").index(i), *w, 0.0, 1e12)?;
    }
    if c.side_weights.iter().sum::<f64>() <= 0.0 {
        return Err((p.key("side_weights"), "at least one side must have a positive weight".into()));
    }
    interval(&p.key("depth_km"), c.depth_km, 0.0, 500.0)?;
    if let Some(d) = &c.diurnal {
        if d.len() != 24 {
            return Err((p.key("diurnal"), format!("needs 24 hourly weights, found {}", d.len())));
        }
        for (i, w) in d.iter().enumerate() {
            range(&p.key("diurnal").index(i), *w, 0.0, 1e12)?;
        }
        if d.iter().sum::<f64>() <= 0.0 {
            return Err((p.key("diurnal"), "at least one hour must have a positive weight".into()));
        }
    }
    check_signature(&p.key("source"), &c.source)?;
    if let Some(track) = &c.track {
        let t = p.key("track");
        if c.kind != ClassKind::Movement {
            return Err((t, "only movement classes have tracks".into()));
        }
        // Walking pace to a fast drone (~100 m/s).
        interval(&t.key("speed_mps"), track.speed_mps, 0.0, 500.0)?;
        interval(&t.key("duration_s"), track.duration_s, 0.0, 86_400.0)?;
        range(&t.key("sample_s"), track.sample_s, 0.1, 3600.0)?;
        range(&t.key("crossing_fraction"), track.crossing_fraction, 0.0, 1.0)?;
        if track.duration_s[1] / track.sample_s > 1e5 {
            return Err((t.key("sample_s"), "more than 100,000 samples per track; sample less often".into()));
        }
    }
    if let Some(salvo) = &c.salvo {
        let v = p.key("salvo");
        if c.kind != ClassKind::IndirectFire {
            return Err((v, "only indirect_fire classes fire salvos".into()));
        }
        // A battery is 2–8 guns (ATP 3-09.50); 64 leaves room for massed fire of a battalion.
        let [g0, g1] = salvo.guns;
        if g0 < 1 || g1 < g0 || g1 > 64 {
            return Err((v.key("guns"), format!("needs 1 <= min <= max <= 64 guns, found [{g0}, {g1}]")));
        }
        interval(&v.key("spacing_m"), salvo.spacing_m, 0.0, 5000.0)?;
        range(&v.key("spread_s"), salvo.spread_s, 0.0, 600.0)?;
        range(&v.key("impact_dispersion_m"), salvo.impact_dispersion_m, 0.0, 5000.0)?;
    }
    if c.kind == ClassKind::IndirectFire {
        let depth = c
            .impact_depth_km
            .ok_or_else(|| (p.key("impact_depth_km"), "indirect fire needs impact_depth_km".into()))?;
        interval(&p.key("impact_depth_km"), depth, 0.0, 500.0)?;
        let flight =
            c.flight_time_s.ok_or_else(|| (p.key("flight_time_s"), "indirect fire needs flight_time_s".into()))?;
        interval(&p.key("flight_time_s"), flight, 0.0, 3600.0)?;
        let impact =
            c.impact.as_ref().ok_or_else(|| (p.key("impact"), "indirect fire needs an [impact] signature".into()))?;
        check_signature(&p.key("impact"), impact)?;
    } else {
        for (key, present) in [
            ("impact_depth_km", c.impact_depth_km.is_some()),
            ("flight_time_s", c.flight_time_s.is_some()),
            ("impact", c.impact.is_some()),
        ] {
            if present {
                return Err((p.key(key), "only indirect_fire classes have an impact".into()));
            }
        }
    }
    Ok(())
}

fn check_signature(p: &FieldPath, s: &Signature) -> Result<(), Problem> {
    if let Some(w) = s.tnt_kg {
        range(&p.key("tnt_kg"), w, 1e-6, 1e6)?;
    }
    if s.tnt_kg.is_none() && (s.acoustic_db.is_none() || s.seismic_db.is_none()) {
        return Err((p.clone(), "give tnt_kg, or both acoustic_db and seismic_db".into()));
    }
    if s.tnt_kg.is_none() && (s.acoustic_freq_hz.is_none() || s.seismic_freq_hz.is_none()) {
        return Err((p.clone(), "without tnt_kg give acoustic_freq_hz and seismic_freq_hz".into()));
    }
    for (key, v, lo, hi) in [
        ("acoustic_db", s.acoustic_db, -50.0, 300.0),
        ("acoustic_freq_hz", s.acoustic_freq_hz, 0.01, 1e5),
        ("seismic_db", s.seismic_db, -50.0, 300.0),
        ("seismic_freq_hz", s.seismic_freq_hz, 0.01, 1e4),
        ("seismic_coupling_db", s.seismic_coupling_db, -100.0, 0.0),
        ("magnitude_ml", s.magnitude_ml, -5.0, 9.0),
        ("regional_freq_hz", s.regional_freq_hz, 0.01, 100.0),
        ("height_m", s.height_m, 0.0, 1e4),
        ("rcs_m2", s.rcs_m2, 1e-6, 1e6),
        ("critical_dimension_m", s.critical_dimension_m, 1e-3, 1e3),
        ("visible_contrast", s.visible_contrast, 0.0, 1.0),
        ("thermal_contrast", s.thermal_contrast, 0.0, 1.0),
        ("rf_eirp_dbm", s.rf_eirp_dbm, -100.0, 100.0),
        ("rf_freq_hz", s.rf_freq_hz, 1e3, 1e12),
        ("rf_duty_cycle", s.rf_duty_cycle, 1e-6, 1.0),
        ("rf_link_fraction", s.rf_link_fraction, 0.0, 1.0),
        ("projectile_rcs_m2", s.projectile_rcs_m2, 1e-6, 1e3),
    ] {
        if let Some(v) = v {
            range(&p.key(key), v, lo, hi)?;
        }
    }
    let contrast = s.visible_contrast.is_some() || s.thermal_contrast.is_some();
    if contrast != s.critical_dimension_m.is_some() {
        let key = if contrast { "critical_dimension_m" } else { "visible_contrast" };
        return Err((p.key(key), "cameras need both critical_dimension_m and a band's contrast".into()));
    }
    if s.rf_eirp_dbm.is_some() != s.rf_freq_hz.is_some() {
        let key = if s.rf_eirp_dbm.is_some() { "rf_freq_hz" } else { "rf_eirp_dbm" };
        return Err((p.key(key), "an RF emitter needs both rf_eirp_dbm and rf_freq_hz".into()));
    }
    Ok(())
}

pub(crate) fn nonempty(p: &FieldPath, s: &str) -> Result<(), Problem> {
    if s.trim().is_empty() { Err((p.clone(), "must not be empty".into())) } else { Ok(()) }
}

pub(crate) fn range(p: &FieldPath, v: f64, lo: f64, hi: f64) -> Result<(), Problem> {
    if !v.is_finite() {
        return Err((p.clone(), format!("must be a finite number, found {v}")));
    }
    if v < lo || v > hi {
        let (v, hi) = (readable(v), readable(hi));
        let message = if lo == f64::MIN_POSITIVE {
            format!("{v} is outside the allowed range: above 0, at most {hi}")
        } else {
            format!("{v} is outside the allowed range [{}, {hi}]", readable(lo))
        };
        return Err((p.clone(), message));
    }
    Ok(())
}

/// A bound or value as a reader takes it in: plain decimals in the everyday range, scientific
/// notation outside it (Rust's `{}` writes 1e-15 as seventeen digits).
fn readable(v: f64) -> String {
    if v == 0.0 || (1e-4..1e7).contains(&v.abs()) { format!("{v}") } else { format!("{v:e}") }
}

pub(crate) fn interval(p: &FieldPath, v: [f64; 2], lo: f64, hi: f64) -> Result<(), Problem> {
    range(&p.index(0), v[0], lo, hi)?;
    range(&p.index(1), v[1], lo, hi)?;
    if v[0] > v[1] {
        return Err((p.clone(), format!("[{}, {}] is not an interval (min > max)", v[0], v[1])));
    }
    Ok(())
}
