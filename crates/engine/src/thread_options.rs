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
    pub(crate) fn apply_to_current_thread(&self) {
        if self.sched_policy.is_some() || self.priority.is_some() {
            let _ = sys::set_current_thread_scheduling(self.sched_policy, self.priority);
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
