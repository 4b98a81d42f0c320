//! llvmpipe's loop limit. Mesa's JIT (gallivm) gives each shader invocation one budget of loop
//! iterations shared by every loop in it, and when that runs out it leaves every loop early
//! without a word: a coverage cell that weighs more sensors than the budget allows would come
//! back with some of them silently left out. The kernels count the iterations each invocation
//! ran; the host compares the count with this budget on CPU adapters and recomputes whatever
//! went over with the f64 reference, so a result is never quietly cut short. GPUs have no such
//! limit.

use super::Gpu;

/// LP_MAX_TGSI_LOOP_ITERATIONS in Mesa (src/gallium/auxiliary/gallivm/lp_bld_limits.h).
pub const LLVMPIPE_LOOP_LIMIT: u32 = 65_535;

/// The kernels count per lane; llvmpipe counts per SIMD group of 4–16 lanes, where a loop runs
/// as long as any of its lanes does. Lanes that diverge can therefore spend the budget faster
/// than any one lane's count shows: half the limit leaves them that room.
pub const LLVMPIPE_LANE_BUDGET: u32 = LLVMPIPE_LOOP_LIMIT / 2;

impl Gpu {
    /// The most loop iterations one invocation may run and still be trusted: `None` where the
    /// adapter has no limit.
    pub fn loop_budget(&self) -> Option<u32> {
        self.loop_budget
    }

    /// Whether an invocation that ran `iterations` loop iterations may have been cut short.
    pub fn over_loop_budget(&self, iterations: u32) -> bool {
        self.loop_budget.is_some_and(|budget| iterations > budget)
    }

    /// Set the budget by hand: the tests use a small one to drive the recomputation on inputs
    /// that fit in a test.
    pub fn set_loop_budget(&mut self, budget: Option<u32>) {
        self.loop_budget = budget;
    }
}

/// The budget of an adapter: CPU adapters (lavapipe) have one.
pub fn budget_of(info: &wgpu::AdapterInfo) -> Option<u32> {
    (info.device_type == wgpu::DeviceType::Cpu).then_some(LLVMPIPE_LANE_BUDGET)
}
