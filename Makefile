# linewatch — the two commands: `make run` and `make test`. Both install what they need.
SHELL := /bin/bash
.DEFAULT_GOAL := run

# Debian/Ubuntu packages: lavapipe (a real Vulkan device without a GPU), HDF5 (library and
# h5dump), pkg-config for hdf5-sys, python3-venv for the h5py/xarray readers in the tests, gdal-bin
# (gdalinfo) to check the GeoTIFFs as GIS users will read them, xvfb (xvfb-run, and xauth) to
# open the viewer's real window without a display in the tests and for its screenshot, slurm-wlm
# and munge for the single-node Slurm the sweep tests start and submit job arrays to.
APT_PACKAGES := mesa-vulkan-drivers libvulkan1 libhdf5-dev hdf5-tools pkg-config python3-venv python3-pip gdal-bin xvfb xauth slurm-wlm munge
VENV := .venv
PYTHON := $(VENV)/bin/python
OUT := out
# The Vulkan loader complains without a runtime dir; give it a private one.
export XDG_RUNTIME_DIR ?= /tmp/linewatch-xdg-$(shell id -u)

.PHONY: run test deps venv lint bench smoke size view screenshot clean

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo"; else \
	    echo "linewatch needs these system packages:$$missing"; \
	    echo "install them with:  sudo apt-get update && sudo apt-get install -y$$missing"; exit 1; fi; \
	  echo "installing:$$missing"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
	@command -v cargo >/dev/null || { echo "cargo not found: install Rust (https://rustup.rs) and retry"; exit 1; }
	@mkdir -p -m 700 $(XDG_RUNTIME_DIR)

$(VENV)/.ready: tests/python-requirements.txt | deps
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r tests/python-requirements.txt
	touch $@

venv: $(VENV)/.ready

## The main job: the embedded full-line scenario, headless, to out/full-line.h5 with its
## coverage maps, a map of the run, a coverage picture and the along-line profiles.
## Built without the viewer (the `viewer` feature): eframe would add ~12 min to a cold
## release build on 2 cores, for a job that opens no window.
run: deps
	cargo build --release --no-default-features
	@mkdir -p $(OUT)
	./target/release/linewatch run -o $(OUT)/full-line.h5 --png $(OUT)/full-line.png \
		--coverage-png $(OUT)/full-line-coverage.png --profile-png $(OUT)/full-line-profile.png
	./target/release/linewatch info $(OUT)/full-line.h5

## The whole test suite: formatting, lints, unit and integration tests on lavapipe.
test: deps venv
	cargo fmt --check
	@if cargo clippy --version >/dev/null 2>&1; then cargo clippy --all-targets --quiet -- -D warnings; else echo "clippy not installed: lint skipped"; fi
	LINEWATCH_PYTHON=$(CURDIR)/$(PYTHON) cargo test

## Detection throughput on the full line, GPU against the CPU reference.
bench: deps
	cargo build --release --no-default-features
	./target/release/linewatch bench

## Sizing of the embedded line: cheapest layout, Pareto front, resilience (out/size/).
size: deps
	cargo build --release --no-default-features
	./target/release/linewatch size -o $(OUT)/size --resilience

## The viewer on the embedded full line (a display is needed; see `screenshot` for none).
view: deps
	cargo build --release
	./target/release/linewatch view

## The viewer's real window under Xvfb on the full line, captured to docs/viewer.png once the
## coverage layer and the summary are computed.
screenshot: deps
	cargo build
	xvfb-run -a -s "-screen 0 1600x1000x24" ./target/debug/linewatch view --screenshot docs/viewer.png

smoke: deps
	cargo run --release --no-default-features -- run scenarios/ci-smoke.toml -o $(OUT)/ci-smoke.h5

clean:
	rm -rf $(OUT) $(VENV)
