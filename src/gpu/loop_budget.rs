//! llvmpipe's loop limit. Mesa's JIT (gallivm) gives each SIMD group of shader invocations
//! (4–16 lanes) one budget of 65,535 loop iterations shared by every loop it runs, a loop
//! running as long as any lane of the group needs it; when the budget runs out it leaves every
//! loop early without a word. A coverage cell that weighs hundreds of sensors, each with a
//! long terrain march, would come back with some of them silently left out.
//!
//! Every loop of the kernels checks on leaving that it ran to its end, and the kernels report
//! the invocations that were cut; the host recomputes exactly those with the f64 reference, so
//! a result is never quietly cut short. GPUs have no such limit and report nothing cut.
//!
//! A lane's own iteration count is no safe proxy: on the full line's drone map, cells whose
//! lanes ran 27,000–30,000 iterations came back cut (their SIMD group ran more than twice
//! that), so the check is on the loops' exits, not on a count. The count is still reported,
//! and a budget on it can be set by hand to force the recomputation in tests.

use super::Gpu;

/// LP_MAX_TGSI_LOOP_ITERATIONS in Mesa (src/gallium/auxiliary/gallivm/lp_bld_limits.h).
pub const LLVMPIPE_LOOP_LIMIT: u32 = 65_535;

impl Gpu {
    /// Loop iterations beyond which an invocation is recomputed even when nothing was cut:
    /// `None` (the default) on every adapter.
    pub fn loop_budget(&self) -> Option<u32> {
        self.loop_budget
    }

    /// Whether an invocation that ran `iterations` loop iterations goes over the budget.
    pub fn over_loop_budget(&self, iterations: u32) -> bool {
        self.loop_budget.is_some_and(|budget| iterations > budget)
    }

    /// Set the budget by hand: the tests use a small one to drive the recomputation on inputs
    /// that fit in a test.
    pub fn set_loop_budget(&mut self, budget: Option<u32>) {
        self.loop_budget = budget;
    }

    /// Whether this adapter is a CPU one (lavapipe), where loops can be cut.
    pub fn cuts_long_loops(&self) -> bool {
        self.info.device_type == wgpu::DeviceType::Cpu
    }
}
