//! [`ThreadOptions`]: how a context's I/O threads are named and scheduled
//! (libzmq's `ZMQ_THREAD_*` context options).

use std::collections::BTreeSet;

use crate::sys;

/// Scheduling and naming for I/O threads, applied by each thread as it starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThreadOptions {
    /// `ZMQ_THREAD_SCHED_POLICY` (`SCHED_OTHER`, `SCHED_FIFO`, ...); `None` keeps the default.
    pub sched_policy: Option<i32>,
    /// `ZMQ_THREAD_PRIORITY`: the static priority for `SCHED_FIFO`/`SCHED_RR`;
    /// for other policies any value asks for the highest nice level. `None` keeps the default.
    pub priority: Option<i32>,
    /// `ZMQ_THREAD_AFFINITY_CPU_ADD`/`_REMOVE`: the CPUs the threads may run on (empty: any).
    pub affinity: BTreeSet<usize>,
    /// `ZMQ_THREAD_NAME_PREFIX`: put before libzmq's `ZMQbg/IO/N` thread names.
    pub name_prefix: String,
}

/// The policy of an I/O thread whose context asked for none
/// (`ZMQ_THREAD_SCHED_POLICY` unset): Linux's `SCHED_BATCH`, the same fair
/// share of the CPU as `SCHED_OTHER` at the same nice level, except that
/// the thread's wake-ups do not preempt the thread running on that CPU.
///
/// This is for the sender that wakes its I/O thread: under `SCHED_OTHER`
/// every wake-up (the eventfd write of the send that finds the thread
/// asleep) switched to the I/O thread at once, which wrote the one or few
/// messages queued, slept again, and was woken by the next send: two
/// context switches per small batch (two processes, 1 B over tcp: 11 per
/// 1,000 messages on the sender, 2 under `SCHED_BATCH`, whose CPU per
/// message drops by about a fifth; `benches/RESULTS.md`, session 7, "the
/// sender's wake-up"). Under `SCHED_BATCH` the woken thread
/// runs on an idle CPU at once, as before; on a busy one it waits for the
/// sender to block (at its high-water mark or on a receive) or for the
/// scheduler's tick, and then writes everything queued meanwhile in one
/// go, as libzmq's I/O thread does behind its faster sender.
#[cfg(target_os = "linux")]
pub(crate) const DEFAULT_POLICY: Option<i32> = Some(libc::SCHED_BATCH);
/// The policy of an I/O thread whose context asked for none: the system's.
#[cfg(not(target_os = "linux"))]
pub(crate) const DEFAULT_POLICY: Option<i32> = None;

impl ThreadOptions {
    /// The name of I/O thread `index`, as libzmq names it (at most 15 bytes, Linux's limit).
    pub fn thread_name(&self, index: usize) -> String {
        let mut name = if self.name_prefix.is_empty() {
            format!("ZMQbg/IO/{index}")
        } else {
            format!("{}/ZMQbg/IO/{index}", self.name_prefix)
        };
        let mut end = name.len().min(15);
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        name.truncate(end);
        name
    }

    /// Applies the policy, priority and CPU affinity to the calling thread.
    /// Failures (no permission to raise a priority, a CPU that does not
    /// exist) leave the thread as it was: an I/O thread never dies of them.
    ///
    /// With neither a policy nor a priority asked for, the thread runs
    /// under [`DEFAULT_POLICY`] (a priority alone keeps the system's policy:
    /// whoever raises it wants the thread to answer at once).
    pub(crate) fn apply_to_current_thread(&self) {
        let policy = match (self.sched_policy, self.priority) {
            (None, None) => DEFAULT_POLICY,
            (policy, _) => policy,
        };
        if policy.is_some() || self.priority.is_some() {
            let _ = sys::set_current_thread_scheduling(policy, self.priority);
        }
        if !self.affinity.is_empty() {
            let _ = sys::set_current_thread_affinity(&self.affinity);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_libzmq_and_fit_linux_limit() {
        let mut options = ThreadOptions::default();
        assert_eq!(options.thread_name(0), "ZMQbg/IO/0");
        options.name_prefix = "1234".into();
        assert_eq!(options.thread_name(3), "1234/ZMQbg/IO/3");
        options.name_prefix = "a-long-prefix".into();
        assert_eq!(options.thread_name(0).len(), 15);
    }

    /// The calling thread's scheduling policy (field 41 of its `stat`).
    fn current_policy() -> i32 {
        let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
        let after_name = &stat[stat.rfind(')').unwrap() + 2..];
        after_name.split(' ').nth(41 - 3).unwrap().parse().unwrap()
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn io_threads_run_as_batch_unless_a_policy_is_asked_for() {
        std::thread::spawn(|| {
            ThreadOptions::default().apply_to_current_thread();
            assert_eq!(current_policy(), libc::SCHED_BATCH);
            let asked = ThreadOptions {
                sched_policy: Some(libc::SCHED_OTHER),
                ..ThreadOptions::default()
            };
            asked.apply_to_current_thread();
            assert_eq!(current_policy(), libc::SCHED_OTHER);
        })
        .join()
        .unwrap();
    }

    #[test]
    fn applying_defaults_and_affinity_keeps_the_thread_running() {
        std::thread::spawn(|| {
            let options = ThreadOptions {
                sched_policy: Some(libc::SCHED_OTHER),
                affinity: [0].into_iter().collect(),
                ..ThreadOptions::default()
            };
            options.apply_to_current_thread();
            assert!(sys::current_thread_cpus().contains(&0));
            assert_eq!(sys::current_thread_cpus().len(), 1);
        })
        .join()
        .unwrap();
    }
}
