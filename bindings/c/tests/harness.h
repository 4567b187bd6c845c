/* Shared by the C API tests (test_api.c, test_api_more.c): includes, the
 * CHECK macros and a few helpers. */
#ifndef FERROZMQ_TEST_HARNESS_H
#define FERROZMQ_TEST_HARNESS_H

#define _GNU_SOURCE
#include <zmq.h>

#include <assert.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

extern int passed, failed;
/* Whether the library under test is ferrozmq (it exports ferrozmq_version). */
extern int on_ferrozmq;

#define CHECK(cond)                                                             \
    do {                                                                        \
        if (cond)                                                               \
            passed++;                                                           \
        else {                                                                  \
            int e_ = zmq_errno ();                                              \
            failed++;                                                           \
            fprintf (stderr, "%s:%d: CHECK failed: %s (errno %d: %s)\n",        \
                     __FILE__, __LINE__, #cond, e_, zmq_strerror (e_));         \
        }                                                                       \
    } while (0)

#define CHECK_OK(expr) CHECK ((expr) != -1)
#define CHECK_ERR(expr, err)                                                    \
    do {                                                                        \
        int rc_ = (expr);                                                       \
        CHECK (rc_ == -1 && zmq_errno () == (err));                             \
    } while (0)

/* A socket with a receive timeout (so a bug fails instead of hanging) and no linger. */

/* A socket with a receive timeout (so a bug fails instead of hanging) and no linger. */
void *sock (void *ctx, int type);
void send_str (void *s, const char *text, int flags);
/* Receives a frame and checks it equals `text`. */
void expect_str (void *s, const char *text);
/* Binds to tcp on a free port and returns the endpoint to connect to. */
void bind_tcp (void *s, char *endpoint, size_t size);

/* test_api_more.c */
void test_patterns (void *ctx);
void test_fd_event_loop (void *ctx);
void test_poll (void *ctx);
void test_monitor (void *ctx);
void test_monitor_sequences (void *ctx);
void test_reconnect_stop (void *ctx);
void test_reconnect_jitter (void *ctx);
void test_connect_closed_at_once_reaches_the_peer (void *ctx);
/* test_socket_stats.c */
void test_socket_stats (void *ctx);
/* test_spool.c */
void test_spool (void *ctx);
/* test_socket_drain.c */
void test_socket_drain (void *ctx);
/* test_large_bodies.c */
void test_large_bodies (void *ctx);
/* test_conformance.c */
void test_conformance (void *ctx);

/* test_cancel.c */
void test_cancel (void *ctx);
void test_plain (void);
void test_proxy (void);
void test_device (void);
void test_closed_handles (void);
void test_fork (void);
void test_proxy_on_one_socket (void);
void test_linger_before_the_peer_binds (void);
void test_double_term (void);
void test_z85_and_curve (void);
void test_utils (void);
void test_timers (void);
void test_term_wakes_blocked_calls (void);
void test_signals_interrupt_blocking_calls (void);

#endif
