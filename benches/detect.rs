//! `cargo bench`: detection throughput on the full line, GPU against the CPU f64 reference in the
//! same run (the same measurement as `linewatch bench`). Prints pairs per second.

fn main() {
    let hours = std::env::var("LINEWATCH_BENCH_HOURS").ok().and_then(|h| h.parse().ok()).unwrap_or(24.0);
    let result =
        linewatch::scenario::LoadedScenario::load(None).and_then(|loaded| linewatch::bench::detection(&loaded, hours));
    match result {
        Ok(report) => println!("{report}"),
        Err(e) => {
            eprintln!("benchmark failed: {e}");
            std::process::exit(i32::from(e.exit_code()));
        }
    }
}
