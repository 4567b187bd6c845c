//! A hint that this thread is about to write a cache line.

/// Asks the CPU to fetch the line holding `p` for writing (x86-64's
/// `prefetchw`; nothing elsewhere), so that a coming store to it need not
/// wait for the line to leave another core's cache. A writer about to
/// store into many queues in a row (a publisher's fan-out) issues these
/// ahead, and the lines travel in parallel instead of one per store.
#[inline(always)]
pub(crate) fn prefetch_write<T>(p: *const T) {
    #[cfg(all(target_arch = "x86_64", not(loom)))]
    // SAFETY: a prefetch is a hint: it never faults, whatever the address
    // (null, freed or unmapped), and changes no memory the program can see.
    // CPUs without PREFETCHW run it as a no-op (it lies in the 0F 0D
    // opcode space that x86-64 CPUs decode as prefetches or NOPs).
    unsafe {
        std::arch::asm!(
            "prefetchw byte ptr [{0}]",
            in(reg) p,
            options(nostack, preserves_flags, readonly)
        );
    }
    #[cfg(not(all(target_arch = "x86_64", not(loom))))]
    let _ = p;
}
