//! The scenario file's data model (TOML, `deny_unknown_fields` everywhere).
//!
//! Defaults cite their source; everything a user may want to change is a field here. Long on
//! purpose: the whole schema in one file, each key beside its default and that default's source.

use serde::{Deserialize, Serialize};

/// A whole scenario: one simulated deployment and the violations it must catch.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Seed of every random draw in the run.
    pub seed: u64,
    /// Simulated time span in hours.
    pub duration_h: f64,
    /// Local solar offset from UTC used for day and night (Ukraine: UTC+2 in winter).
    #[serde(default = "default_utc_offset_h")]
    pub utc_offset_h: f64,
    #[serde(default)]
    pub line: LineSpec,
    #[serde(default)]
    pub environment: Environment,
    /// How the simulated world departs from the nominal `[environment]` and the surveyed
    /// deployment: what the verifier does not know (docs/design.md §3).
    #[serde(default)]
    pub truth: Truth,
    #[serde(default)]
    pub terrain: TerrainSpec,
    #[serde(default)]
    pub rows: Vec<SensorRow>,
    #[serde(default)]
    pub classes: Vec<ViolationClass>,
    #[serde(default)]
    pub coverage: CoverageSpec,
    #[serde(default)]
    pub limits: Limits,
    #[serde(default)]
    pub verify: VerifySpec,
    /// Targets and design space of `linewatch size`.
    #[serde(default)]
    pub size: super::sizing::SizeSpec,
    /// Sensors lost to failures, jamming and fire during the run.
    #[serde(default)]
    pub losses: super::sizing::LossSpec,
    /// Expectations for `linewatch check`: `<class>.<metric> = "<op> <value>"` and
    /// `coverage.<class>.verifiable_fraction = "<op> <value>"`.
    #[serde(default)]
    pub expect: toml::Table,
    /// Replicas and axes of `linewatch sweep` (docs/design.md §13).
    #[serde(default)]
    pub sweep: Option<super::sweep::SweepSpec>,
    /// Waveform datasets `linewatch run` writes beside its result (docs/design.md §14).
    #[serde(default)]
    pub waveforms: WaveformSpec,
}

/// `[waveforms]`: the sensor waveform datasets a run writes beside its result, each into the
/// folder `<result stem>-<format>` (docs/design.md §14).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct WaveformSpec {
    /// Any of "waveforms", "asdf", "seisbench"; empty (the default): none.
    pub formats: Vec<String>,
    /// Samples per second: 1 kHz resolves the acoustic pulses of artillery and mortars (tens of
    /// Hz) and the geophones' band; a stated default, as `linewatch export`'s.
    pub rate_hz: f64,
    /// Seconds of signal before and after each pick.
    pub pre_s: f64,
    pub post_s: f64,
    /// Only the acoustic and seismic sensors of these rows, and these sensor ids; both empty:
    /// every acoustic and seismic sensor.
    pub rows: Vec<String>,
    pub sensors: Vec<u32>,
    /// Continuous traces of every chosen sensor over these scenario hours instead of windows
    /// around detections (ASDF only).
    pub continuous_h: Option<[f64; 2]>,
    /// Acoustic sensors as 4-element arrays, a channel per element (ASDF only).
    pub array_elements: bool,
    /// Local civil date of scenario time 0 (YYYY-MM-DD): the exports' absolute times.
    pub start: String,
}

impl Default for WaveformSpec {
    fn default() -> Self {
        Self {
            formats: Vec::new(),
            rate_hz: 1000.0,
            pre_s: 1.0,
            post_s: 3.0,
            rows: Vec::new(),
            sensors: Vec::new(),
            continuous_h: None,
            array_elements: false,
            start: crate::export::DEFAULT_START.to_string(),
        }
    }
}

/// How detections are associated into candidate events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Association {
    /// From arrival times and sensor positions alone, as a deployed system must. Seconds per
    /// thousand events on a CPU; not yet fast enough for the full line.
    Blind,
    /// From the ground-truth event ids: the upper bound blind association is measured
    /// against, and the default while blind association is too slow for the full line.
    Oracle,
}

/// The baseline verifier (docs/design.md §6).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VerifySpec {
    pub association: Association,
    /// Attribute to a side when Φ(|d|/σn) reaches this; else indeterminate. 0.95 is the
    /// conventional two-sided 2σ level the issue names.
    pub confidence: f64,
    /// What becomes of an estimate that neither its microphones' calls nor its pair settle as a
    /// launch or an impact (docs/design.md §6).
    pub unsettled: Unsettled,
}

impl Default for VerifySpec {
    fn default() -> Self {
        Self { association: Association::Oracle, confidence: 0.95, unsettled: Unsettled::Claim }
    }
}

/// The verifier's rule for an estimate neither kind of evidence settles as a launch or an
/// impact (ambiguous by its pair, or unpaired with a middling P(launch)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unsettled {
    /// It keeps the side its position gives: an over-claim where it is an impact, but the one
    /// the coverage maps predict (the default).
    Claim,
    /// It keeps a side only while its position's confidence times P(launch) reaches the
    /// confidence; ambiguous, none. No impact is claimed as a launch unless the sound was
    /// sure of it, but the maps do not yet predict the attributions this withholds.
    Withhold,
}

/// Conditions a coverage map is computed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeOfDay {
    /// Daytime noise and lapse refraction (the harder case for acoustics).
    Day,
    Night,
}

/// How the coverage maps settle the sight lines of radars, cameras and RF detectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SightLines {
    /// Each sensor's horizon swept once, looked up by every cell (`terrain::viewshed`).
    Viewshed,
    /// The terrain marched for every (cell, sensor) pair, as the detection kernel does.
    March,
}

/// Verification-capability maps (docs/design.md §5): the corridor raster and what counts as covered.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CoverageSpec {
    /// Half width of the corridor around the line, km.
    pub half_width_km: f64,
    /// Raster cell size, m.
    pub resolution_m: f64,
    /// Detections needed to verify: three arrivals fix position and origin time in 2-D.
    pub k: u32,
    /// Verifiable probability a cell must reach to count as covered.
    pub target: f64,
    /// Chainage bin of the along-line profile, km.
    pub profile_bin_km: f64,
    /// The profile, the covered fraction and the gaps count the cells within this distance of
    /// the line on either side, km; absent: the whole band.
    pub profile_depth_km: Option<f64>,
    pub time_of_day: TimeOfDay,
    /// Classes to map (by name); empty: every class.
    pub classes: Vec<String>,
    pub sight_lines: SightLines,
    /// A sensor whose P(detect) at a cell stays below this in the most favourable conditions
    /// is left out of that cell's sum: the maps' reach bound (docs/design.md §5).
    pub reach_probability: f64,
}

impl Default for CoverageSpec {
    fn default() -> Self {
        // docs/design.md §5 and the coverage issue: ±30 km at 100 m, profile in 1 km bins.
        Self {
            half_width_km: 30.0,
            resolution_m: 100.0,
            k: 3,
            target: 0.9,
            profile_bin_km: 1.0,
            profile_depth_km: None,
            time_of_day: TimeOfDay::Day,
            classes: Vec::new(),
            sight_lines: SightLines::Viewshed,
            // A stated tolerance: each sensor left out could have raised a cell's P(≥ k) by less
            // than 1e-4, far below the 0.01 the maps are drawn and summarised to; the detection
            // kernel keeps 1e-6 (`abi::reach::REACH_TAIL_SIGMAS`).
            reach_probability: 1e-4,
        }
    }
}

impl CoverageSpec {
    /// Depth behind each side that the profile counts, km.
    pub fn profile_depth_km(&self) -> f64 {
        self.profile_depth_km.unwrap_or(self.half_width_km).min(self.half_width_km)
    }

    /// The standard normal upper tail, in σ, whose probability is `reach_probability`: how far
    /// a fluctuation may lift a wave or RF sensor's level at the maps' reach bound.
    pub fn reach_tail_sigmas(&self) -> f64 {
        crate::physics::upper_tail_sigmas(self.reach_probability)
    }
}

fn default_utc_offset_h() -> f64 {
    2.0
}

/// Where the contact line comes from.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineSpec {
    /// GeoJSON file (LineString, MultiLineString or a Feature/FeatureCollection of them),
    /// relative to the scenario file. Absent: the embedded default line.
    pub geojson: Option<String>,
    /// Keep only the stretch between these chainages (km) of the line.
    pub chainage_km: Option<[f64; 2]>,
    /// PROJ string of the working plane. Absent: transverse Mercator on the line's central meridian.
    pub projection: Option<String>,
    /// GeoJSON Points with a `name` property, relative to the scenario file, to say where gaps
    /// are. Absent: the towns shipped with the embedded line, when the scenario uses it.
    pub places: Option<String>,
}

/// Ground under the line of sight of radars, cameras and RF detectors. Acoustic and seismic
/// propagation ignore it (no diffraction model).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TerrainSpec {
    /// DEM file, GeoTIFF (EPSG:4326) or ESRI ASCII grid, relative to the scenario file. Absent:
    /// a seeded procedural relief (`relief_*`).
    pub dem: Option<String>,
    /// Spacing of the DEM resampled into the working plane, and the step of the line-of-sight
    /// march, m.
    pub spacing_m: f64,
    /// Effective-earth-radius factor for refraction (ITU-R P.453: 4/3 in the standard atmosphere).
    pub k_factor: f64,
    /// Procedural relief: mean ground height, amplitude and wavelength of its longest octave.
    pub relief_base_m: f64,
    pub relief_amplitude_m: f64,
    pub relief_wavelength_km: f64,
    /// Land cover: a grid of the height of what stands on the ground (trees, houses), m, in the
    /// DEM's formats, relative to the scenario file. Absent: procedural patches of forest and
    /// settlement covering the fractions below.
    pub land_cover: Option<String>,
    pub forest_fraction: f64,
    pub forest_height_m: f64,
    pub settlement_fraction: f64,
    pub settlement_height_m: f64,
    /// Typical size of a procedural patch (a grove, a ravine forest, a village), km.
    pub land_cover_patch_km: f64,
}

impl Default for TerrainSpec {
    fn default() -> Self {
        let relief = crate::terrain::procedural::Relief::default();
        Self {
            dem: None,
            // SRTM is 30 m; 250 m keeps the full line's DEM at ~6 M samples (24 MB) while
            // resolving the balky (ravines of a few hundred metres) that hide a vehicle.
            spacing_m: 250.0,
            k_factor: crate::terrain::STANDARD_K_FACTOR,
            relief_base_m: relief.base_m,
            relief_amplitude_m: relief.amplitude_m,
            relief_wavelength_km: relief.wavelength_m / 1000.0,
            land_cover: None,
            // Forest cover of Donetsk oblast, 7.5 % (Donetsk regional administration, 2016, as
            // reported by cxid.info; Zaporizhzhia 4.4 %, Ukrstat "Regions of Ukraine 2014"), in
            // trees ~20 m tall (oak belts of 19.6–23.4 m: Maliuha, Sovakov & Dudarets, Ukrainian
            // Journal of Forest and Wood Science, 2023). Field shelterbelts (1.3–1.5 % of the
            // land, 15 m wide) are narrower than the DEM spacing and are not represented.
            forest_fraction: 0.075,
            forest_height_m: 20.0,
            // Stated assumption: villages and towns on 5 % of the land (no figure found), at the
            // 10 m local clutter height ITU-R P.1546-4 takes for rural and suburban areas.
            settlement_fraction: 0.05,
            settlement_height_m: 10.0,
            // Stated assumption: groves, ravine (balka) forests and villages of 1–3 km.
            land_cover_patch_km: 2.0,
        }
    }
}

/// Weather and background noise, constant over the run except day and night.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Environment {
    pub temperature_c: f64,
    pub relative_humidity_pct: f64,
    pub pressure_kpa: f64,
    pub wind_speed_mps: f64,
    /// Direction the wind blows from, degrees clockwise from grid north (meteorological).
    pub wind_from_deg: f64,
    /// Vertical temperature gradient by day and by night, K/m.
    pub temperature_gradient_day_k_per_m: f64,
    pub temperature_gradient_night_k_per_m: f64,
    /// Cap of the refraction shadow-zone attenuation, dB.
    pub shadow_max_db: f64,
    /// Aerodynamic roughness length of the ground, m (log wind profile).
    pub roughness_m: f64,
    /// Depth of the surface layer whose temperature gradient is the day or night one, m; above
    /// it the air cools at `lapse_aloft_k_per_m`.
    pub surface_layer_m: f64,
    pub lapse_aloft_k_per_m: f64,
    /// Wind noise on a windscreened microphone at a 10 m wind of 5 m/s, dB in the detection band;
    /// it scales as 40·log10(wind) and adds to the ambient by power.
    pub wind_noise_db: f64,
    /// Local solar hours at which day begins and ends.
    pub day_start_h: f64,
    pub day_end_h: f64,
    /// Acoustic background in the detection band without wind noise, Leq over 1 s, dB re 20 µPa.
    pub acoustic_noise_day_db: f64,
    pub acoustic_noise_night_db: f64,
    /// Ground-velocity background, dB re 1 nm/s.
    pub seismic_noise_day_db: f64,
    pub seismic_noise_night_db: f64,
    /// Rayleigh-wave speed of the near surface, m/s.
    pub rayleigh_speed_mps: f64,
    /// Seismic quality factor Q of the near surface.
    pub seismic_q: f64,
    /// The crust's regional shear phase Lg: Q(f) = lg_q0·f^lg_q_exponent and its group speed.
    pub lg_q0: f64,
    pub lg_q_exponent: f64,
    pub lg_speed_mps: f64,
    /// Rise of the noise floor over the drone-link bands from jamming along the line, dB: an RF
    /// detector's sensitivity is that much worse.
    pub rf_noise_rise_db: f64,
    /// Meteorological visibility, km: the contrast loss of cameras, visible (Koschmieder) and
    /// thermal (Kruse–Kim, `physics::electro_optical::extinction_per_m`).
    pub visibility_km: f64,
}

impl Environment {
    /// The ground seismic waves cross.
    pub fn ground(&self) -> crate::physics::seismic::Ground {
        crate::physics::seismic::Ground {
            rayleigh_speed_mps: self.rayleigh_speed_mps,
            surface_q: self.seismic_q,
            lg_q0: self.lg_q0,
            lg_q_exponent: self.lg_q_exponent,
            lg_speed_mps: self.lg_speed_mps,
        }
    }
}

impl Default for Environment {
    fn default() -> Self {
        Self {
            // A winter day on the steppe: ISO 2533 standard pressure; ~5 °C and 80 % RH are the
            // November climate normals of Zaporizhzhia (Ukrainian Hydrometeorological Center).
            temperature_c: 5.0,
            relative_humidity_pct: 80.0,
            pressure_kpa: 101.325,
            wind_speed_mps: 4.0,
            wind_from_deg: 270.0,
            // Daytime lapse of the ICAO standard atmosphere (ISO 2533: −6.5 K/km); a mild
            // nocturnal inversion of +2 K per 100 m (Stull, An Introduction to Boundary Layer
            // Meteorology, 1988, §1.6: nocturnal inversions of a few K over ~100 m).
            temperature_gradient_day_k_per_m: -0.0065,
            temperature_gradient_night_k_per_m: 0.02,
            // Embleton 1996 §V: shadow-zone excess attenuation of 20–30 dB, where turbulent
            // scattering into the shadow caps it.
            shadow_max_db: 20.0,
            // Davenport–Wieringa roughness classification (WMO-No. 8 (2018) Vol. I Annex 5.C):
            // 0.03 m open flat terrain, 0.10 m low crops; 0.05 m for winter fields and steppe.
            roughness_m: 0.05,
            // The nocturnal inversion's depth, ~100 m (Stull 1988 §1.6, as above); by day the
            // lapse simply continues aloft.
            surface_layer_m: 100.0,
            // ISO 2533 standard atmosphere, −6.5 K/km.
            lapse_aloft_k_per_m: -0.0065,
            // Wind noise pressure scales with the dynamic pressure ρu², hence 40·log10 u
            // (Strasberg, "Dimensional analysis of windscreen noise", JASA 83(2), 1988). Its level
            // at 5 m/s is a stated assumption: ~10 dB above the quiet-rural ambient below,
            // the excess of wind-exposed band levels over it that Walker & Hedlin (2010) review.
            wind_noise_db: 55.0,
            day_start_h: 7.0,
            day_end_h: 17.0,
            // Unweighted background in the blast band (20–100 Hz) at a quiet rural site; wind
            // noise adds to it (`wind_noise_db`; Walker & Hedlin, "A review of wind-noise
            // reduction methodologies", in Infrasound Monitoring for Atmospheric Studies,
            // Springer 2010). A-weighting removes 20–40 dB at these frequencies, so an A-weighted
            // ambient is a floor, not the band level. Day: the quiet-rural 45 dBA of ANSI/ASA
            // S12.9-2013/Part 3 Table 1, about the 100 Hz third-octave alone of Wright's quieter
            // sites (below). Night: 42 dB, the 100 Hz third-octave alone at a 35 dBA rural site
            // (C. P. Wright, "A Review of Outdoor Environmental Acoustic Background Noise", Boeing
            // D6-38671, 1991, as tabulated in AFSIM's acoustic sensor; not read in the original)
            // and within the 40.0–43.9 dBC measured on stable rural nights of 26 dBA
            // ("Measuring background noise with an attended, mobile survey during nights with
            // stable atmospheric conditions", Inter-Noise 2009, abstract). Both bands would add
            // more below 100 Hz: still an optimistic floor, stated as such in docs/validation.md.
            acoustic_noise_day_db: 45.0,
            acoustic_noise_night_db: 42.0,
            // Peterson (1993) high-noise model, 1–10 Hz: ~1 µm/s (60 dB re 1 nm/s) with cultural
            // noise by day, ~10 dB quieter at night (McNamara & Buland 2004).
            seismic_noise_day_db: 60.0,
            seismic_noise_night_db: 50.0,
            // Unconsolidated sediments: Rayleigh speed 200–500 m/s (docs/design.md §3), Q ≈ 20
            // (Rix, Lai & Spang 2000, near-surface Q of soils 10–50).
            rayleigh_speed_mps: 300.0,
            seismic_q: 20.0,
            // Lg in a craton: Q(f) = 440·f^0.7 in Fennoscandia (Kvamme, Hansen & Bungum, GJI 120,
            // 1995), the analogue taken for the East European craton, where Lg Q is among the
            // highest of Eurasia (Xie et al., GRL 33, 2006); group speed 3.47 km/s, the mean of
            // 91 Lg arrivals (The velocity of Lg in the southwestern United States, BSSA 50(1),
            // 1960), rounded to the customary 3.5 km/s.
            lg_q0: 440.0,
            lg_q_exponent: 0.7,
            lg_speed_mps: 3500.0,
            // Stated assumption: electronic warfare is pervasive along the line (the OSCE SMM
            // reported GNSS jamming on about two-thirds of its long-range UAV flights in 2021,
            // SMM thematic reports), so the 2.4/5.8 GHz floor is taken 10 dB above thermal.
            rf_noise_rise_db: 10.0,
            // WMO-No. 8 (2018) §9.1 visibility scale: 10 km is the edge of "good"; winter haze
            // and mist on the steppe often bring it lower.
            visibility_km: 10.0,
        }
    }
}

/// The simulated world's departures from what the verifier knows: the weather at each event
/// (a smooth random field about the nominal `[environment]`, the forecast's error), where each
/// sensor really is and how its clock runs (docs/design.md §3). The verifier and the coverage
/// maps know these σ, never the draws.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Truth {
    /// Correlation length of the weather's departure along the line, km, and its time scale, h.
    pub correlation_km: f64,
    pub correlation_h: f64,
    /// σ of the 10 m wind's departure, per horizontal component, m/s.
    pub wind_sigma_mps: f64,
    /// σ of the air temperature's departure, °C.
    pub temperature_sigma_c: f64,
    /// σ of the surface layer's temperature gradient's departure, K/m.
    pub temperature_gradient_sigma_k_per_m: f64,
    /// σ of a path's effective sound speed about the layered model (turbulence), m/s, drawn for
    /// each pair.
    pub path_speed_sigma_mps: f64,
    /// σ of the sound speed's variation over one event's footprint, m/s: a wind and temperature
    /// that change across the tens of km its sound crosses, so that paths in neighbouring
    /// directions err alike (the second and third azimuthal harmonics; the first is a wind error).
    pub footprint_speed_sigma_mps: f64,
    /// σ of the Rayleigh-wave speed along a path about the nominal, fraction.
    pub ground_speed_sigma_fraction: f64,
    /// σ of Lg's group speed along a path about the nominal, fraction.
    pub lg_speed_sigma_fraction: f64,
    /// σ of each surveyed sensor coordinate, m (GNSS; tens of metres without it).
    pub survey_sigma_m: f64,
    /// σ of each sensor clock's offset, ms (GNSS-disciplined: microseconds).
    pub clock_sigma_ms: f64,
}

impl Default for Truth {
    fn default() -> Self {
        Self {
            // Stated assumptions: synoptic weather varies over hundreds of km and hours; the
            // departures of a day-ahead forecast from what happens decorrelate faster, here
            // over 100 km and 3 h.
            correlation_km: 100.0,
            correlation_h: 3.0,
            // Stated assumption: ~1.5 m/s per component is the usual size of the 10 m wind error
            // of a global forecast over land (no source checked; change it to your forecast's).
            wind_sigma_mps: 1.5,
            // ECMWF Forecast User Guide: 2 m temperature errors over land of 1–2 °C, larger at
            // night; 1.5 °C.
            temperature_sigma_c: 1.5,
            // Stated assumption: about the difference between the standard lapse and a
            // neutral-to-weakly-unstable surface layer, 5 K/km.
            temperature_gradient_sigma_k_per_m: 0.005,
            // Stated assumption: turbulent wind and temperature fluctuations averaged along a
            // path of kilometres, 0.5 m/s (the profile's own departure from the 10 m wind is
            // modelled: `physics::acoustic::path_wind_factor`).
            path_speed_sigma_mps: 0.5,
            // Stated assumption: mesoscale variation of the near-surface wind across ~20 km,
            // 1 m/s.
            footprint_speed_sigma_mps: 1.0,
            // Stated assumption: lateral variation of near-surface shear-wave speed of ~10 %.
            ground_speed_sigma_fraction: 0.1,
            // The scatter of single Lg arrivals about their mean group speed: the mean's standard
            // error 0.010 km/s over 91 arrivals (BSSA 50(1), 1960, as above) is a single-path σ of
            // 0.010·√91 = 0.095 km/s, 2.7 % of 3.47 km/s.
            lg_speed_sigma_fraction: 0.027,
            // Stated assumption: ~3 m per axis, single-frequency GNSS positioning (a 95 %
            // horizontal error of several metres).
            survey_sigma_m: 3.0,
            // Stated assumption: a GNSS-disciplined clock holds ~1 µs.
            clock_sigma_ms: 0.001,
        }
    }
}

/// Kind of sensor. The discriminants are the codes everywhere: the HDF5 enum of the result
/// file, and `modality` in the kernels' sensor records (`shaders::constants`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, hdf5::H5Type)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum Modality {
    Acoustic = 0,
    Seismic = 1,
    Radar = 2,
    EoIr = 3,
    Rf = 4,
}

impl Modality {
    pub const ALL: [Modality; 5] = [Self::Acoustic, Self::Seismic, Self::Radar, Self::EoIr, Self::Rf];

    /// The code the kernels read in a sensor's `modality`.
    pub const fn code(self) -> u32 {
        self as u32
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Acoustic => "acoustic",
            Self::Seismic => "seismic",
            Self::Radar => "radar",
            Self::EoIr => "eo_ir",
            Self::Rf => "rf",
        }
    }

    /// Radars, cameras and RF detectors need (or, for RF, prefer) a line of sight over the terrain.
    pub fn needs_terrain(self) -> bool {
        matches!(self, Self::Radar | Self::EoIr | Self::Rf)
    }

    /// Whether a detection's arrival time carries position information (a wave at the speed
    /// of sound or of the ground, not of light).
    pub fn times_arrivals(self) -> bool {
        matches!(self, Self::Acoustic | Self::Seismic)
    }
}

/// What a radar looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RadarRole {
    /// Ground surveillance: moving vehicles and people, by their radar cross-section.
    #[default]
    Surveillance,
    /// Weapon locating: projectiles in flight above the terrain mask, back-traced to the
    /// launch point, which it reports directly (range and bearing).
    CounterBattery,
}

/// Spectral band of a camera.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// Daylight only.
    #[default]
    Visible,
    /// Day and night.
    Thermal,
}

/// A row of sensors parallel to the line.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SensorRow {
    pub name: String,
    pub modality: Modality,
    /// Signed offset from the line, km: negative on side A, positive on side B.
    pub offset_km: Option<f64>,
    /// Spacing along the line, km.
    pub spacing_km: Option<f64>,
    /// Instead of offset and spacing: sensors at listed places, from a CSV file with a header
    /// naming `lon` and `lat` (and optionally `height_m`), or a GeoJSON file of Points, in
    /// WGS84, relative to the scenario file.
    pub positions: Option<String>,
    /// Standard deviation of the random placement error in each direction, m.
    #[serde(default)]
    pub jitter_m: f64,
    /// Height of the sensor above ground, m.
    #[serde(default = "default_height_m")]
    pub height_m: f64,
    /// Detection threshold on the signal-to-noise ratio, dB (acoustic, seismic; RF: above the
    /// sensitivity, default 0). Radars detect by `pfa`, cameras by the TTP curve.
    pub threshold_db: Option<f64>,
    /// Standard deviation of the level fluctuation (turbulence, site effects), dB.
    pub fluctuation_db: Option<f64>,
    /// Standard deviation of the arrival-time error, ms (GNSS time base plus picking).
    pub timing_sigma_ms: f64,
    /// Bearing error at threshold SNR, degrees; absent: the sensor gives no bearing.
    pub bearing_sigma_deg: Option<f64>,
    /// Floor of the bearing error at high SNR, degrees.
    pub bearing_floor_deg: Option<f64>,
    /// False alarms per sensor per day.
    #[serde(default)]
    pub false_alarms_per_day: f64,
    /// Acoustic, seismic: after an onset the sensor picks no other for this long, s (the
    /// arrival's signal and its coda hold the picker); default `dead_time_or_default`.
    pub dead_time_s: Option<f64>,
    /// Acoustic: the share of the launch-or-detonation calls wrong far above threshold
    /// (`detect::signature`); default 0.05, a stated assumption.
    pub call_error: Option<f64>,
    /// Acoustic: dB above threshold over which the calls' separation grows to 1 − 1/e of its
    /// far value; default 10 dB, a stated assumption.
    pub call_scale_db: Option<f64>,
    /// Unit cost, EUR.
    #[serde(default)]
    pub unit_cost_eur: f64,
    /// Keep this row only within these chainages (km).
    pub chainage_km: Option<[f64; 2]>,
    /// Radar, camera, RF: centre of the field of view, degrees clockwise from grid north;
    /// absent: facing the line (towards the other side).
    pub azimuth_deg: Option<f64>,
    /// Radar, camera, RF: width of the field of view (sector), degrees; absent: 360.
    pub sector_deg: Option<f64>,
    /// Radar, camera, RF: instrumented range, km.
    pub min_range_km: Option<f64>,
    pub max_range_km: Option<f64>,
    /// Radar: SNR on a target of `rcs_ref_m2` at `range_ref_km`, dB (from the datasheet's
    /// stated detection range and Pd).
    pub snr_ref_db: Option<f64>,
    pub range_ref_km: Option<f64>,
    pub rcs_ref_m2: Option<f64>,
    /// Radar: false-alarm probability per resolution cell and look.
    pub pfa: Option<f64>,
    /// Radar: range error, m (1σ); gives location a range as well as a bearing.
    pub range_sigma_m: Option<f64>,
    /// Surveillance radar: minimum detectable radial velocity, m/s: slower movers fall in the
    /// Doppler notch that rejects the ground clutter.
    pub mdv_mps: Option<f64>,
    /// Camera: band, detector pitch and focal length (IFOV = pitch / focal length).
    pub band: Option<Band>,
    pub pixel_pitch_um: Option<f64>,
    pub focal_length_mm: Option<f64>,
    /// Camera: pixels across the detector; its field of view is pixels × IFOV, and a sector
    /// wider than that is scanned (default 640, the common thermal-core width).
    pub pixels: Option<u32>,
    /// Camera: cycles across the critical dimension for P = 0.5 of the task (detection).
    pub n50: Option<f64>,
    /// Camera: least apparent contrast the sensor and observer resolve.
    pub min_contrast: Option<f64>,
    /// RF: receiver sensitivity, dBm.
    pub sensitivity_dbm: Option<f64>,
    /// RF: path-loss exponents with and without line of sight.
    pub los_exponent: Option<f64>,
    pub nlos_exponent: Option<f64>,
    /// Radar: surveillance (default) or counter-battery.
    pub role: Option<RadarRole>,
    /// Counter-battery radar: CEP of the back-traced launch point as a percentage of range.
    pub location_error_pct: Option<f64>,
    /// Counter-battery radar: height above the launcher at which a round must be in view for
    /// the radar to acquire it, m.
    pub fence_height_m: Option<f64>,
}

fn default_height_m() -> f64 {
    2.0
}

impl SensorRow {
    /// Fluctuation σ: docs/design.md §3 takes ≈5 dB for acoustic turbulence (Daigle, Piercy & Embleton,
    /// JASA 74, 1983: 4–6 dB at a few hundred metres); 3 dB for seismic site variability; RF
    /// shadowing 6 dB (Rappaport 2002 §4.9.2: log-normal shadowing of 4–12 dB outdoors). Radar
    /// (Swerling 1) and camera (TTP) detection laws carry their own randomness: 0.
    pub fn fluctuation_or_default(&self) -> f64 {
        self.fluctuation_db.unwrap_or(match self.modality {
            Modality::Seismic => 3.0,
            Modality::Rf => 6.0,
            Modality::Radar | Modality::EoIr => 0.0,
            Modality::Acoustic => 5.0,
        })
    }

    /// Dead time of the onset picker, s. A stated assumption, no published figure checked: a
    /// blast's received signal with its multipath and reverberation lasts up to about half a
    /// second (as firearm-discharge location systems describe a gunshot's), 0.5 s for a
    /// microphone; a ground wave's train at a few km lasts longer, 1 s for a geophone. Radars,
    /// cameras and RF detectors resolve simultaneous sources by range, angle or channel: 0.
    pub fn dead_time_or_default(&self) -> f64 {
        self.dead_time_s.unwrap_or(match self.modality {
            Modality::Acoustic => 0.5,
            Modality::Seismic => 1.0,
            Modality::Radar | Modality::EoIr | Modality::Rf => 0.0,
        })
    }

    /// The row's launch-or-detonation classifier (acoustic rows; the others make no call).
    pub fn call_law(&self) -> crate::detect::signature::CallLaw {
        let default = crate::detect::signature::CallLaw::default();
        crate::detect::signature::CallLaw::new(
            self.call_error.unwrap_or(default.error_far()),
            self.call_scale_db.unwrap_or(default.scale_db),
        )
    }

    /// Threshold: as given; RF defaults to the sensitivity itself (0 dB above it).
    pub fn threshold_or_default(&self) -> f64 {
        self.threshold_db.unwrap_or(0.0)
    }

    /// Bearing floor: a tenth of the threshold error unless stated.
    pub fn bearing_floor_or_default(&self) -> Option<f64> {
        self.bearing_sigma_deg.map(|s| self.bearing_floor_deg.unwrap_or(0.1 * s))
    }
}

/// How a violation class shows up in the ground truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClassKind {
    /// Artillery, mortar, MLRS: a launch on the firing side and an impact on the other.
    IndirectFire,
    /// Small arms and other fire near the line: one event on the firing side.
    DirectFire,
    /// Vehicle or infantry movement: a source on the moving side.
    Movement,
    /// Glide bombs, missiles, one-way attack drones: released or launched beyond every sensor,
    /// seen only where they land, `depth_km` into the other side; attributed to the side that
    /// did not receive them.
    Strike,
}

/// What a source emits, per modality.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// TNT-equivalent mass; levels and frequency derive from it unless given.
    pub tnt_kg: Option<f64>,
    /// Acoustic source level, dB re (20 µPa)²·s at 1 m.
    pub acoustic_db: Option<f64>,
    pub acoustic_freq_hz: Option<f64>,
    /// Seismic source level at 10 m, dB re 1 nm/s.
    pub seismic_db: Option<f64>,
    pub seismic_freq_hz: Option<f64>,
    /// Correction of the USBM law for a surface or shallow burst, dB.
    pub seismic_coupling_db: Option<f64>,
    /// Local magnitude ML of the source's regional seismic phase (Lg); from `tnt_kg` unless
    /// given; absent with neither: no regional phase.
    pub magnitude_ml: Option<f64>,
    /// Frequency the regional phase is picked at, Hz.
    pub regional_freq_hz: Option<f64>,
    /// Source height above ground, m.
    pub height_m: Option<f64>,
    /// Radar cross-section, m²; absent: radars do not see it (a blast is not a moving target).
    pub rcs_m2: Option<f64>,
    /// Critical dimension for cameras, m, and the inherent contrast against the background in
    /// each band; a band without a contrast does not see the source.
    pub critical_dimension_m: Option<f64>,
    pub visible_contrast: Option<f64>,
    pub thermal_contrast: Option<f64>,
    /// Radio link the source emits (drone control or video): EIRP, carrier and duty cycle, and
    /// the fraction of sources that have one (the rest fly on fibre-optic cable; default 1).
    pub rf_eirp_dbm: Option<f64>,
    pub rf_link_fraction: Option<f64>,
    pub rf_freq_hz: Option<f64>,
    pub rf_duty_cycle: Option<f64>,
    /// Radar cross-section of the projectile in flight, m² (launches a counter-battery radar
    /// can track).
    pub projectile_rcs_m2: Option<f64>,
}

/// A class of violation and how often it happens.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViolationClass {
    pub name: String,
    pub kind: ClassKind,
    /// Violations per day along the whole (selected) line.
    pub rate_per_day: f64,
    /// Relative weight of side A and side B as the responsible side.
    #[serde(default = "default_side_weights")]
    pub side_weights: [f64; 2],
    /// Depth of the source behind the line on the responsible side, km (uniform).
    pub depth_km: [f64; 2],
    /// Depth of the impact behind the line on the other side, km (indirect fire).
    pub impact_depth_km: Option<[f64; 2]>,
    /// Time of flight from launch to impact, s (uniform; indirect fire).
    pub flight_time_s: Option<[f64; 2]>,
    /// Relative rate in each local hour 0–23; absent: uniform.
    pub diurnal: Option<Vec<f64>>,
    pub source: Signature,
    pub impact: Option<Signature>,
    /// Movement only: each violation is a track sampled in time instead of one event.
    pub track: Option<TrackSpec>,
    /// Indirect fire only: rounds come in salvos of a battery's guns instead of one by one.
    pub salvo: Option<SalvoSpec>,
}

/// A battery's salvo: `guns` rounds fired within `spread_s` of each other from guns standing
/// `spacing_m` apart along the line (a battery front facing it), landing as a parallel sheaf
/// (each round at the aim point plus its gun's offset) scattered by `impact_dispersion_m`.
/// `rate_per_day` still counts rounds: a class fires rate / mean(guns) salvos a day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SalvoSpec {
    /// Guns firing in each salvo (uniform integer in the interval).
    pub guns: [u32; 2],
    /// Distance between neighbouring guns, m (uniform per salvo); each gun also stands up to
    /// half of it in front of or behind the battery's centre.
    pub spacing_m: [f64; 2],
    /// Each gun fires at a uniform time within this many seconds of the salvo's start.
    pub spread_s: f64,
    /// Standard deviation of each round's impact about its aim in each horizontal axis, m.
    pub impact_dispersion_m: f64,
}

impl SalvoSpec {
    /// Mean number of rounds per salvo.
    pub fn mean_guns(&self) -> f64 {
        0.5 * f64::from(self.guns[0] + self.guns[1])
    }
}

/// A moving source: a straight track from its start (placed like any source of the class) at
/// a constant speed, an event every `sample_s` along it. A `crossing_fraction` of the tracks
/// head across the line (the violation a monitor must catch); the rest wander at a random
/// heading on their side or beyond.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackSpec {
    /// Ground speed, m/s (uniform in the interval).
    pub speed_mps: [f64; 2],
    /// How long each track lasts, s (uniform).
    pub duration_s: [f64; 2],
    /// Time between samples, s: each is an event with the track's id.
    pub sample_s: f64,
    /// Fraction of tracks that head straight for the line and across it.
    #[serde(default)]
    pub crossing_fraction: f64,
}

impl TrackSpec {
    /// Mean number of samples per track.
    pub fn mean_samples(&self) -> f64 {
        (0.5 * (self.duration_s[0] + self.duration_s[1]) / self.sample_s).floor() + 1.0
    }
}

fn default_side_weights() -> [f64; 2] {
    [0.5, 0.5]
}

/// Guards against requests that would not fit in memory or on disk, or not finish: each is
/// checked against an estimate before any work, and the message names the key to raise.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Sensors deployed. 100,000 is ~30× the embedded full line's 3,168.
    pub max_sensors: u64,
    /// Source events plus false alarms over the run (the rows of `/events` and most of
    /// `/detections` grow with them).
    pub max_events: u64,
    /// Cells of one class's coverage raster (the corridor's bounding box). 1e8 is ~20× the
    /// embedded full line at 100 m (4.9 M), whose artillery map took 246 s on a 2-core CPU
    /// (lavapipe): ~1.4 h per class at this limit.
    pub max_coverage_cells: u64,
    /// Length of the contact line, km. The working plane is transverse Mercator on the line's
    /// centre, whose scale error grows as x²/(2R²) with the distance x from the central
    /// meridian (Snyder, Map Projections — A Working Manual, USGS PP 1395, 1987, ch. 8): ~1 %
    /// at 900 km, ~3 % at 1,500 km, the ends of a 3,000 km line. The embedded line is 948 km.
    pub max_line_km: f64,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_sensors: 100_000, max_events: 100_000_000, max_coverage_cells: 100_000_000, max_line_km: 3_000.0 }
    }
}
