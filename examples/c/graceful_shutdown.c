/* Graceful shutdown that loses nothing: a producer PUSHes numbered jobs to
 * workers; asked to stop, it gives its queues a grace period to empty, then
 * drains the socket (no new messages in, the undelivered ones handed back)
 * and writes what is left to a spool file. Started again, it sends the
 * spooled messages first.
 *
 * zmq_socket_drain and zmq_socket_stats are ferrozmq extensions (libzmq
 * has neither); this program needs ferrozmq's zmq.h.
 *
 * Build against an installed ferrozmq (bindings/c/install.sh PREFIX):
 *   cc graceful_shutdown.c -o graceful_shutdown $(PKG_CONFIG_PATH=PREFIX/lib/pkgconfig pkg-config --cflags --libs libzmq)
 * Usage:
 *   graceful_shutdown ENDPOINT SPOOL FIRST COUNT [GRACE_MS]
 *       connects to ENDPOINT (the workers bind), resends what SPOOL holds,
 *       sends job-FIRST .. job-(FIRST+COUNT-1), then stops (SIGINT or
 *       SIGTERM stop it sooner). Spool format (as the Rust and Python
 *       versions): per message its frame count, then each frame's length
 *       and bytes, all u32 little-endian.
 *   graceful_shutdown --worker ENDPOINT COUNT
 *       a worker: binds a PULL at ENDPOINT and prints COUNT jobs.
 * Delivery is at least once: a crash between resending the spool and
 * removing it sends those messages again on the next start.
 */
#define _POSIX_C_SOURCE 200809L
#include <zmq.h>

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Frames per message this program spools. */
#define MAX_FRAMES 64

static volatile sig_atomic_t stop_requested = 0;

static void on_signal (int sig)
{
    (void) sig;
    stop_requested = 1;
}

static int fail (const char *what)
{
    fprintf (stderr, "graceful_shutdown: %s: %s\n", what, zmq_strerror (zmq_errno ()));
    return 1;
}

static int put_u32 (FILE *f, uint32_t v)
{
    unsigned char b[4] = {(unsigned char) v, (unsigned char) (v >> 8), (unsigned char) (v >> 16),
                          (unsigned char) (v >> 24)};
    return fwrite (b, 1, 4, f) == 4 ? 0 : -1;
}

static int get_u32 (FILE *f, uint32_t *v)
{
    unsigned char b[4];
    if (fread (b, 1, 4, f) != 4)
        return -1;
    *v = (uint32_t) b[0] | (uint32_t) b[1] << 8 | (uint32_t) b[2] << 16 | (uint32_t) b[3] << 24;
    return 0;
}

/* Sends every message in the spool file; returns how many, or -1. */
static long resend_spool (void *push, const char *path)
{
    FILE *f = fopen (path, "rb");
    if (!f)
        return 0;
    long sent = 0;
    uint32_t frames;
    while (get_u32 (f, &frames) == 0) {
        for (uint32_t i = 0; i < frames; i++) {
            uint32_t size;
            if (get_u32 (f, &size) != 0)
                goto bad;
            zmq_msg_t frame;
            zmq_msg_init_size (&frame, size);
            if (fread (zmq_msg_data (&frame), 1, size, f) != size) {
                zmq_msg_close (&frame);
                goto bad;
            }
            if (zmq_msg_send (&frame, push, i + 1 < frames ? ZMQ_SNDMORE : 0) < 0) {
                zmq_msg_close (&frame);
                goto bad;
            }
        }
        sent++;
    }
    fclose (f);
    return sent;
bad:
    fclose (f);
    return -1;
}

/* Writes what drain handed back to `path` (beside it, then renamed: a
 * crash leaves the old spool or the new one, never half of one). */
static long write_spool (zmq_drained_t *drained, const char *path)
{
    size_t messages = zmq_drained_size (drained);
    if (messages == 0)
        return 0;
    char tmp[4096];
    snprintf (tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen (tmp, "wb");
    if (!f)
        return -1;
    /* A message's frames are counted before they are written. */
    zmq_msg_t frame, parts[MAX_FRAMES];
    zmq_msg_init (&frame);
    size_t n = 0;
    long written = 0;
    while (zmq_drained_next (drained, &frame, NULL) >= 0) {
        int more = zmq_msg_more (&frame);
        if (n == MAX_FRAMES)
            break;
        zmq_msg_init (&parts[n]);
        zmq_msg_move (&parts[n++], &frame);
        if (more)
            continue;
        put_u32 (f, (uint32_t) n);
        for (size_t i = 0; i < n; i++) {
            put_u32 (f, (uint32_t) zmq_msg_size (&parts[i]));
            fwrite (zmq_msg_data (&parts[i]), 1, zmq_msg_size (&parts[i]), f);
            zmq_msg_close (&parts[i]);
        }
        n = 0;
        written++;
    }
    if (zmq_drained_size (drained) != 0) {
        fclose (f);
        return -1; /* a message of more than MAX_FRAMES frames */
    }
    zmq_msg_close (&frame);
    if (fflush (f) != 0 || fsync (fileno (f)) != 0 || fclose (f) != 0)
        return -1;
    return rename (tmp, path) == 0 ? written : -1;
}

static int worker (const char *endpoint, long count)
{
    void *ctx = zmq_ctx_new ();
    void *pull = zmq_socket (ctx, ZMQ_PULL);
    int timeout = 20000;
    zmq_setsockopt (pull, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    if (zmq_bind (pull, endpoint) != 0)
        return fail ("bind");
    for (long i = 0; i < count; i++) {
        char buf[256];
        int n = zmq_recv (pull, buf, sizeof buf - 1, 0);
        if (n < 0)
            return fail ("recv");
        buf[n < (int) sizeof buf - 1 ? n : (int) sizeof buf - 1] = 0;
        printf ("%s\n", buf);
    }
    zmq_close (pull);
    zmq_ctx_term (ctx);
    return 0;
}

int main (int argc, char **argv)
{
    if (argc == 4 && strcmp (argv[1], "--worker") == 0)
        return worker (argv[2], atol (argv[3]));
    if (argc < 5) {
        fprintf (stderr, "usage: graceful_shutdown ENDPOINT SPOOL FIRST COUNT [GRACE_MS]\n"
                         "       graceful_shutdown --worker ENDPOINT COUNT\n");
        return 2;
    }
    const char *endpoint = argv[1], *spool = argv[2];
    long first = atol (argv[3]), count = atol (argv[4]);
    long grace_ms = argc > 5 ? atol (argv[5]) : 1000;
    signal (SIGINT, on_signal);
    signal (SIGTERM, on_signal);

    void *ctx = zmq_ctx_new ();
    void *push = zmq_socket (ctx, ZMQ_PUSH);
    int unlimited = 0; /* queue while no worker is there */
    zmq_setsockopt (push, ZMQ_SNDHWM, &unlimited, sizeof unlimited);
    if (zmq_connect (push, endpoint) != 0)
        return fail ("connect");

    long resent = resend_spool (push, spool);
    if (resent < 0)
        return fail ("resending the spool");
    printf ("resent %ld spooled messages\n", resent);
    remove (spool);

    for (long i = first; i < first + count && !stop_requested; i++) {
        char job[32];
        int n = snprintf (job, sizeof job, "job-%ld", i);
        if (zmq_send (push, job, (size_t) n, 0) < 0)
            return fail ("send");
    }

    /* Asked to stop: a grace period for the workers to take what is queued. */
    zmq_socket_stats_t stats;
    for (long waited = 0; waited < grace_ms; waited += 10) {
        if (zmq_socket_stats (push, &stats, NULL, NULL) != 0)
            return fail ("stats");
        if (stats.outbound == 0)
            break;
        struct timespec ten_ms = {0, 10 * 1000 * 1000};
        nanosleep (&ten_ms, NULL);
    }
    zmq_drained_t *drained = zmq_socket_drain (push, &stats, NULL, NULL);
    if (!drained)
        return fail ("drain");
    long spooled = write_spool (drained, spool);
    zmq_drained_close (drained);
    if (spooled < 0)
        return fail ("writing the spool");
    printf ("stopped: %llu messages were queued, %ld spooled to %s\n",
            (unsigned long long) stats.outbound, spooled, spool);
    zmq_close (push);
    zmq_ctx_term (ctx);
    return 0;
}
