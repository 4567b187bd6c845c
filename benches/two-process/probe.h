/*
 * Helpers shared by the two-process probes (thr_peer.c, fanout.c, idle.c):
 * fail loudly, a monotonic clock, this process's resident memory, socket
 * types by name. The probes are built against zmq.h only, so the same binary
 * runs on Debian's libzmq and on ferrozmq's libzmq.so.5 (LD_LIBRARY_PATH).
 */
#ifndef TWO_PROCESS_PROBE_H
#define TWO_PROCESS_PROBE_H

#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

/* Every blocking call gives up after this long, so a lost message is a
 * failure (exit 1) and never a hang. */
#define PROBE_TIMEOUT_MS 30000

static inline void die (const char *what)
{
    fprintf (stderr, "%s: %s\n", what, zmq_strerror (zmq_errno ()));
    exit (1);
}

static inline void check (int rc, const char *what)
{
    if (rc < 0)
        die (what);
}

static inline double now_s (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* VmRSS of this process in KiB, or -1. */
static inline long rss_kb (void)
{
    FILE *f = fopen ("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    if (!f)
        return -1;
    while (fgets (line, sizeof line, f))
        if (strncmp (line, "VmRSS:", 6) == 0)
            kb = atol (line + 6);
    fclose (f);
    return kb;
}

static inline int socket_type (const char *name)
{
    static const struct { const char *name; int type; } types[] = {
        {"PUSH", ZMQ_PUSH},     {"PULL", ZMQ_PULL}, {"DEALER", ZMQ_DEALER},
        {"ROUTER", ZMQ_ROUTER}, {"PAIR", ZMQ_PAIR}, {"REQ", ZMQ_REQ},
        {"REP", ZMQ_REP},
    };
    for (size_t i = 0; i < sizeof types / sizeof *types; i++)
        if (strcmp (types[i].name, name) == 0)
            return types[i].type;
    fprintf (stderr, "unknown socket type %s\n", name);
    exit (2);
}

static inline void set_int (void *s, int option, int value)
{
    check (zmq_setsockopt (s, option, &value, sizeof value), "zmq_setsockopt");
}

/* A socket with the probes' timeouts set, and heartbeats if the
 * environment asks for them: PROBE_HEARTBEAT_IVL (ms) sets
 * ZMQ_HEARTBEAT_IVL, PROBE_HEARTBEAT_TIMEOUT and PROBE_HEARTBEAT_TTL (ms)
 * ZMQ_HEARTBEAT_TIMEOUT and _TTL, on every socket of the probe (the same
 * binary, so the same settings, on either library). */
static inline void *open_socket (void *ctx, int type)
{
    static const struct { const char *var; int option; } beats[] = {
        {"PROBE_HEARTBEAT_IVL", ZMQ_HEARTBEAT_IVL},
        {"PROBE_HEARTBEAT_TIMEOUT", ZMQ_HEARTBEAT_TIMEOUT},
        {"PROBE_HEARTBEAT_TTL", ZMQ_HEARTBEAT_TTL},
    };
    void *s = zmq_socket (ctx, type);
    if (!s)
        die ("zmq_socket");
    set_int (s, ZMQ_RCVTIMEO, PROBE_TIMEOUT_MS);
    set_int (s, ZMQ_SNDTIMEO, PROBE_TIMEOUT_MS);
    for (size_t i = 0; i < sizeof beats / sizeof *beats; i++) {
        const char *ms = getenv (beats[i].var);
        if (ms && *ms)
            set_int (s, beats[i].option, atoi (ms));
    }
    return s;
}

#endif
