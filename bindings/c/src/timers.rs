//! `zmq_timers_*`: periodic timers an application runs from its own loop
//! (`zmq_timers_timeout` to know how long to poll, `zmq_timers_execute` after).

use std::cell::RefCell;
use std::os::raw::{c_int, c_long, c_void};
use std::time::{Duration, Instant};

use ferrozmq::{Error, ErrorKind};

use crate::guard::{self, Result};

/// The function a timer calls: `handler(timer_id, arg)` (`zmq_timer_fn` in zmq.h).
type TimerFn = unsafe extern "C" fn(timer_id: c_int, arg: *mut c_void);

/// A new, empty set of timers (not thread-safe, like libzmq's).
#[no_mangle]
pub extern "C" fn zmq_timers_new() -> *mut c_void {
    guard::ptr(|| {
        Ok(Box::into_raw(Box::new(Timers {
            tag: TIMERS_TAG,
            inner: RefCell::new(Inner::default()),
        }))
        .cast())
    })
}

/// Frees the timers and sets `*timers_p` to NULL.
///
/// # Safety
/// `timers_p` valid, pointing to a live timers handle.
#[no_mangle]
pub unsafe extern "C" fn zmq_timers_destroy(timers_p: *mut *mut c_void) -> c_int {
    guard::int(|| {
        // SAFETY: per this function's contract.
        let slot = unsafe { timers_p.as_mut() }.ok_or(ErrorKind::Fault)?;
        // SAFETY: per this function's contract; checks the tag.
        unsafe { timers(*slot)? };
        // SAFETY: created by Box::into_raw in zmq_timers_new, live per the tag.
        let mut boxed = unsafe { Box::from_raw(slot.cast::<Timers>()) };
        boxed.tag = 0;
        *slot = std::ptr::null_mut();
        Ok(0)
    })
}

/// Adds a timer calling `handler(id, arg)` every `interval` ms; returns its id.
///
/// # Safety
/// `timers` a live handle; `handler` callable with `arg`.
#[no_mangle]
pub unsafe extern "C" fn zmq_timers_add(
    timers: *mut c_void,
    interval: usize,
    handler: Option<unsafe extern "C" fn(timer_id: c_int, arg: *mut c_void)>,
    arg: *mut c_void,
) -> c_int {
    guard::int(|| {
        // SAFETY: per this function's contract.
        let t = unsafe { self::timers(timers)? };
        let handler = handler.ok_or(ErrorKind::Fault)?;
        let mut inner = t.inner.borrow_mut();
        inner.next_id += 1;
        let id = inner.next_id;
        let interval = Duration::from_millis(interval as u64);
        inner.timers.push(Timer {
            id,
            interval,
            due: Instant::now() + interval,
            handler,
            arg,
        });
        Ok(id)
    })
}

/// Cancels a timer; EINVAL if there is no such timer.
///
/// # Safety
/// `timers` a live handle.
#[no_mangle]
pub unsafe extern "C" fn zmq_timers_cancel(timers: *mut c_void, timer_id: c_int) -> c_int {
    guard::int(|| {
        // SAFETY: per this function's contract.
        let mut inner = unsafe { self::timers(timers)? }.inner.borrow_mut();
        let before = inner.timers.len();
        inner.timers.retain(|t| t.id != timer_id);
        if inner.timers.len() == before {
            return Err(ErrorKind::Invalid.into());
        }
        Ok(0)
    })
}

/// Changes a timer's interval (and restarts it).
///
/// # Safety
/// `timers` a live handle.
#[no_mangle]
pub unsafe extern "C" fn zmq_timers_set_interval(
    timers: *mut c_void,
    timer_id: c_int,
    interval: usize,
) -> c_int {
    guard::int(|| {
        // SAFETY: per this function's contract.
        let mut inner = unsafe { self::timers(timers)? }.inner.borrow_mut();
        let timer = inner.find(timer_id)?;
        timer.interval = Duration::from_millis(interval as u64);
        timer.due = Instant::now() + timer.interval;
        Ok(0)
    })
}

/// Restarts a timer's interval from now.
///
/// # Safety
/// `timers` a live handle.
#[no_mangle]
pub unsafe extern "C" fn zmq_timers_reset(timers: *mut c_void, timer_id: c_int) -> c_int {
    guard::int(|| {
        // SAFETY: per this function's contract.
        let mut inner = unsafe { self::timers(timers)? }.inner.borrow_mut();
        let timer = inner.find(timer_id)?;
        timer.due = Instant::now() + timer.interval;
        Ok(0)
    })
}

/// Milliseconds until the next timer is due (0 if one is), -1 if none.
///
/// # Safety
/// `timers` a live handle.
#[no_mangle]
pub unsafe extern "C" fn zmq_timers_timeout(timers: *mut c_void) -> c_long {
    guard::plain(-1, || {
        // SAFETY: per this function's contract.
        let Ok(t) = (unsafe { self::timers(timers) }) else {
            crate::errno::set(libc::EFAULT);
            return -1;
        };
        let inner = t.inner.borrow();
        let now = Instant::now();
        inner.timers.iter().map(|t| t.due).min().map_or(-1, |due| {
            let left = due.saturating_duration_since(now);
            // Round up, so polling for this long finds the timer due.
            c_long::try_from(left.as_micros().div_ceil(1000)).unwrap_or(c_long::MAX)
        })
    })
}

/// Runs the handlers of the timers that are due, and schedules their next run.
///
/// # Safety
/// `timers` a live handle; handlers may call the other `zmq_timers_*`
/// functions on the same timers.
#[no_mangle]
pub unsafe extern "C" fn zmq_timers_execute(timers: *mut c_void) -> c_int {
    guard::int(|| {
        // SAFETY: per this function's contract.
        let t = unsafe { self::timers(timers)? };
        let now = Instant::now();
        let due: Vec<c_int> = t
            .inner
            .borrow()
            .timers
            .iter()
            .filter(|t| t.due <= now)
            .map(|t| t.id)
            .collect();
        for id in due {
            // Re-check: an earlier handler may have cancelled this timer.
            let call = {
                let mut inner = t.inner.borrow_mut();
                inner.find(id).ok().map(|timer| {
                    timer.due = now + timer.interval;
                    (timer.handler, timer.arg)
                })
            };
            if let Some((handler, arg)) = call {
                // SAFETY: the caller's handler with its own arg; no borrow of
                // the timers is held, so it may use them.
                unsafe { handler(id, arg) };
            }
        }
        Ok(0)
    })
}

struct Timers {
    tag: u32,
    inner: RefCell<Inner>,
}

#[derive(Default)]
struct Inner {
    next_id: c_int,
    timers: Vec<Timer>,
}

struct Timer {
    id: c_int,
    interval: Duration,
    due: Instant,
    handler: TimerFn,
    arg: *mut c_void,
}

impl Inner {
    fn find(&mut self, id: c_int) -> Result<&mut Timer> {
        self.timers
            .iter_mut()
            .find(|t| t.id == id)
            .ok_or(Error::new(ErrorKind::Invalid))
    }
}

/// # Safety
/// `handle` NULL or readable; if its tag matches, a live `Timers`.
unsafe fn timers<'a>(handle: *mut c_void) -> Result<&'a Timers> {
    if handle.is_null() {
        return Err(ErrorKind::Fault.into());
    }
    let t = handle.cast::<Timers>();
    // SAFETY: readable per the contract; only the tag is read first.
    if unsafe { std::ptr::addr_of!((*t).tag).read() } != TIMERS_TAG {
        return Err(ErrorKind::Fault.into());
    }
    // SAFETY: the tag says it is a live Timers.
    Ok(unsafe { &*t })
}

const TIMERS_TAG: u32 = 0xcafe_f00d;
