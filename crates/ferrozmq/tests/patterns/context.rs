//! Context options as libzmq 4.3's `zmq_ctx_set`/`zmq_ctx_get` treat them.

use ferrozmq::{Context, ContextOption, ErrorKind, OptionValue, SocketOption, SocketType};

#[test]
fn new_sockets_take_ipv6_and_blocky_from_the_context() {
    let ctx = Context::new();
    let mut before = ctx.socket(SocketType::Router).unwrap();
    assert_eq!(
        before.option(SocketOption::Ipv6).unwrap(),
        OptionValue::Int(0)
    );
    assert_eq!(
        before.option(SocketOption::Linger).unwrap(),
        OptionValue::Int(-1)
    );

    ctx.set(ContextOption::Ipv6, 1).unwrap();
    ctx.set(ContextOption::Blocky, 0).unwrap();
    assert_eq!(ctx.get(ContextOption::Blocky).unwrap(), 0);
    let mut after = ctx.socket(SocketType::Router).unwrap();
    assert_eq!(
        after.option(SocketOption::Ipv6).unwrap(),
        OptionValue::Int(1)
    );
    assert_eq!(
        after.option(SocketOption::Linger).unwrap(),
        OptionValue::Int(0)
    );
    // Sockets made before keep what they had.
    assert_eq!(
        before.option(SocketOption::Linger).unwrap(),
        OptionValue::Int(-1)
    );
}

#[test]
fn thread_options_are_checked_stored_and_read_back() {
    let ctx = Context::new();
    for option in [
        ContextOption::ThreadSchedPolicy,
        ContextOption::ThreadPriority,
        ContextOption::ThreadAffinityCpuAdd,
    ] {
        assert!(
            ctx.set(option, -1).is_err_and(|e| e == ErrorKind::Invalid),
            "{option:?}"
        );
    }
    // The name prefix is any number, as libzmq prints it (bindings/c's
    // test_conformance.c shows it on Debian's libzmq).
    ctx.set(ContextOption::ThreadNamePrefix, -1).unwrap();
    assert_eq!(ctx.get(ContextOption::ThreadNamePrefix).unwrap(), -1);
    assert_eq!(ctx.get(ContextOption::ThreadSchedPolicy).unwrap(), -1);
    ctx.set(ContextOption::ThreadSchedPolicy, 0).unwrap();
    assert_eq!(ctx.get(ContextOption::ThreadSchedPolicy).unwrap(), 0);
    ctx.set(ContextOption::ThreadNamePrefix, 1234).unwrap();
    assert_eq!(ctx.get(ContextOption::ThreadNamePrefix).unwrap(), 1234);

    ctx.set(ContextOption::ThreadAffinityCpuAdd, 0).unwrap();
    ctx.set(ContextOption::ThreadAffinityCpuAdd, 1).unwrap();
    ctx.set(ContextOption::ThreadAffinityCpuRemove, 1).unwrap();
    // Removing a CPU that is not on the list is an error, as in libzmq.
    assert!(matches!(
        ctx.set(ContextOption::ThreadAffinityCpuRemove, 1)
            .map_err(|e| e.kind()),
        Err(ErrorKind::Invalid)
    ));
}

#[test]
fn io_threads_carry_the_name_prefix_and_run_on_the_chosen_cpu() {
    let ctx = Context::new();
    ctx.set(ContextOption::ThreadNamePrefix, 77).unwrap();
    ctx.set(ContextOption::ThreadAffinityCpuAdd, 0).unwrap();
    // A socket starts the I/O thread. The thread has its name from its
    // start, and sets its own affinity just after: look until both show, or
    // give the last thing seen.
    let _socket = ctx.socket(SocketType::Pair).unwrap();
    let mut seen = None;
    for _ in 0..200 {
        seen = io_thread_cpus("77/ZMQbg/IO/0");
        if seen.as_deref() == Some("0") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(
        seen.as_deref(),
        Some("0"),
        "the CPUs allowed to the thread named 77/ZMQbg/IO/0 (None: no such thread)"
    );
}

/// `Cpus_allowed_list` of this process's thread called `name`, if there is one.
fn io_thread_cpus(name: &str) -> Option<String> {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .find_map(|task| {
            let dir = task.ok()?.path();
            let comm = std::fs::read_to_string(dir.join("comm")).ok()?;
            if comm.trim_end() != name {
                return None;
            }
            let status = std::fs::read_to_string(dir.join("status")).ok()?;
            status
                .lines()
                .find_map(|l| l.strip_prefix("Cpus_allowed_list:"))
                .map(|cpus| cpus.trim().to_owned())
        })
}
