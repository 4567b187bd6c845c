//! Scheduling of the calling thread (policy, priority, CPU affinity).

use std::collections::BTreeSet;
use std::io;

/// Sets the calling thread's scheduling `policy` (or keeps the current one)
/// and `priority` as libzmq does: the static priority for `SCHED_FIFO` and
/// `SCHED_RR`; for the other policies priority 0 and the lowest nice value.
pub(crate) fn set_current_thread_scheduling(
    policy: Option<i32>,
    priority: Option<i32>,
) -> io::Result<()> {
    let mut current_policy: libc::c_int = 0;
    // SAFETY: an all-zero sched_param is a valid value of this plain C struct.
    let mut param: libc::sched_param = unsafe { std::mem::zeroed() };
    // SAFETY: both out-pointers are live locals; pthread_self() is always valid.
    let rc = unsafe {
        libc::pthread_getschedparam(libc::pthread_self(), &mut current_policy, &mut param)
    };
    if rc != 0 {
        return Err(io::Error::from_raw_os_error(rc));
    }
    let policy = policy.unwrap_or(current_policy);
    let realtime = policy == libc::SCHED_FIFO || policy == libc::SCHED_RR;
    if let Some(priority) = priority {
        param.sched_priority = if realtime { priority } else { 0 };
    }
    // SAFETY: `param` is a live, initialised local; pthread_self() is valid.
    let rc = unsafe { libc::pthread_setschedparam(libc::pthread_self(), policy, &param) };
    if rc != 0 {
        return Err(io::Error::from_raw_os_error(rc));
    }
    if priority.is_some() && !realtime {
        // SAFETY: nice has no memory arguments.
        let rc = unsafe { libc::nice(-20) };
        if rc == -1 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Blocks every signal but those reporting faults in the calling thread, so
/// the process's signals go to the other threads. This matters for SIGPIPE
/// too: a C host keeps its default action (terminate), and a write to a
/// peer that has gone away must fail with EPIPE here, not kill the process.
pub(crate) fn block_signals_in_current_thread() {
    // SAFETY: an all-zero sigset_t is a valid value for sigfillset to fill.
    let mut block: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: `block` is a live local that sigfillset initialises; a null
    // old-set pointer is allowed.
    unsafe {
        libc::sigfillset(&mut block);
        for fault in [
            libc::SIGSEGV,
            libc::SIGBUS,
            libc::SIGFPE,
            libc::SIGILL,
            libc::SIGABRT,
        ] {
            libc::sigdelset(&mut block, fault);
        }
        libc::pthread_sigmask(libc::SIG_BLOCK, &block, std::ptr::null_mut());
    }
}

/// Lets the calling thread run only on `cpus`.
pub(crate) fn set_current_thread_affinity(cpus: &BTreeSet<usize>) -> io::Result<()> {
    // SAFETY: an all-zero cpu_set_t is the empty set.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    for &cpu in cpus {
        if cpu >= libc::CPU_SETSIZE as usize {
            return Err(io::Error::from_raw_os_error(libc::EINVAL));
        }
        // SAFETY: `cpu` is below CPU_SETSIZE (checked), so the bit is inside `set`.
        unsafe { libc::CPU_SET(cpu, &mut set) };
    }
    // SAFETY: `set` is a live local of the size passed; pthread_self() is valid.
    let rc = unsafe {
        libc::pthread_setaffinity_np(libc::pthread_self(), std::mem::size_of_val(&set), &set)
    };
    if rc != 0 {
        return Err(io::Error::from_raw_os_error(rc));
    }
    Ok(())
}

/// The CPUs the calling thread may run on.
#[cfg(test)]
pub(crate) fn current_thread_cpus() -> BTreeSet<usize> {
    // SAFETY: an all-zero cpu_set_t is the empty set.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: `set` is a live local of the size passed; pthread_self() is valid.
    let rc = unsafe {
        libc::pthread_getaffinity_np(libc::pthread_self(), std::mem::size_of_val(&set), &mut set)
    };
    assert_eq!(rc, 0);
    (0..libc::CPU_SETSIZE as usize)
        // SAFETY: every `cpu` is below CPU_SETSIZE, so the bit is inside `set`.
        .filter(|&cpu| unsafe { libc::CPU_ISSET(cpu, &set) })
        .collect()
}
