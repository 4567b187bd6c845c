/* stream_check: a randomized check that a stream of messages arrives
 * exactly as sent, every byte, size and MORE flag, in order.
 *
 *   stream_check <endpoint> <messages> recv|send [push|dealer]
 *
 * Both sides draw the same sequence of message shapes from one seed, in
 * runs of 1,000 messages: either mixed (sizes from 0 to 100 kB, one to
 * three frames, each side pausing at random with a seed of its own) or a
 * steady stream of one size (as libzmq's perf tools send), where the
 * sender's batches cut frames at every possible point: a header alone, a
 * body in pieces, many messages in one read. The receiver (PULL or ROUTER) binds; the
 * sender (PUSH or DEALER) connects. Run on any mix of libzmq and ferrozmq
 * (by LD_LIBRARY_PATH); exits 1 with the first difference. */
#define _DEFAULT_SOURCE /* usleep */
#include <zmq.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_FRAME 100000

static uint32_t next (uint32_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    return *state;
}

/* The shape of the current run of messages: 0 for mixed, else the one
 * size every frame has. */
static size_t steady_size;

static void start_run (int message, uint32_t *shape)
{
    if (message % 1000 == 0)
        steady_size = next (shape) % 2 ? 0 : 1 + next (shape) % 3000;
}

static size_t frame_size (uint32_t *shape)
{
    if (steady_size)
        return steady_size;
    uint32_t r = next (shape) % 100;
    if (r < 40)
        return next (shape) % 300;
    if (r < 80)
        return next (shape) % 2000;
    if (r < 95)
        return next (shape) % 12000;
    return next (shape) % MAX_FRAME;
}

static int frame_count (uint32_t *shape)
{
    if (steady_size)
        return 1;
    return next (shape) % 4 == 0 ? 1 + (int) (next (shape) % 3) : 1;
}

/* Frame `f` of message `i` holds the bytes (i * 31 + f * 7 + k) mod 256:
 * a window into this repeating pattern, so both sides copy and compare
 * whole frames at memory speed (a slow check would hide races that need a
 * receiver waiting on an empty queue). */
static unsigned char pattern[MAX_FRAME + 256];

static const unsigned char *bytes_of (int message, int frame)
{
    return pattern + (((unsigned) message * 31u + (unsigned) frame * 7u) & 255u);
}

static void pause_sometimes (uint32_t *pace, uint32_t one_in, uint32_t max_us)
{
    if (!steady_size && next (pace) % one_in == 0)
        usleep (next (pace) % max_us);
}

static int send_all (void *s, int messages)
{
    uint32_t shape = 12345, pace = (uint32_t) getpid () | 1;
    for (int i = 0; i < messages; i++) {
        start_run (i, &shape);
        int frames = frame_count (&shape);
        for (int f = 0; f < frames; f++) {
            size_t len = frame_size (&shape);
            if (zmq_send (s, bytes_of (i, f), len, f + 1 < frames ? ZMQ_SNDMORE : 0) < 0) {
                fprintf (stderr, "send %d: %s\n", i, zmq_strerror (zmq_errno ()));
                return 1;
            }
        }
        pause_sometimes (&pace, 64, 2000);
    }
    return 0;
}

static int receive_all (void *s, int messages, int routed, char *buf)
{
    uint32_t shape = 12345, pace = (uint32_t) getpid () | 1;
    for (int i = 0; i < messages; i++) {
        start_run (i, &shape);
        int frames = frame_count (&shape);
        if (routed && zmq_recv (s, buf, MAX_FRAME, 0) < 0) {
            printf ("message %d: no routing id: %s\n", i, zmq_strerror (zmq_errno ()));
            return 1;
        }
        for (int f = 0; f < frames; f++) {
            size_t len = frame_size (&shape);
            zmq_msg_t msg;
            zmq_msg_init (&msg);
            int got = zmq_msg_recv (&msg, s, 0);
            if (got < 0) {
                printf ("message %d frame %d: %s\n", i, f, zmq_strerror (zmq_errno ()));
                return 1;
            }
            if ((size_t) got != len) {
                printf ("message %d frame %d: %d bytes, sent %zu\n", i, f, got, len);
                return 1;
            }
            if (len && memcmp (zmq_msg_data (&msg), bytes_of (i, f), len) != 0) {
                printf ("message %d frame %d: the bytes differ\n", i, f);
                return 1;
            }
            if (zmq_msg_more (&msg) != (f + 1 < frames)) {
                printf ("message %d frame %d: wrong MORE flag\n", i, f);
                return 1;
            }
            zmq_msg_close (&msg);
        }
        pause_sometimes (&pace, 50, 3000);
    }
    printf ("stream_check: %d messages arrived intact\n", messages);
    return 0;
}

int main (int argc, char **argv)
{
    if (argc < 4) {
        fprintf (stderr, "usage: stream_check <endpoint> <messages> recv|send [push|dealer]\n");
        return 2;
    }
    const char *endpoint = argv[1];
    int messages = atoi (argv[2]);
    int sending = strcmp (argv[3], "send") == 0;
    int routed = argc > 4 && strcmp (argv[4], "dealer") == 0;
    int type = sending ? (routed ? ZMQ_DEALER : ZMQ_PUSH) : (routed ? ZMQ_ROUTER : ZMQ_PULL);
    void *ctx = zmq_ctx_new ();
    void *s = zmq_socket (ctx, type);
    int hwm = 50, timeout = 20000;
    zmq_setsockopt (s, ZMQ_SNDHWM, &hwm, sizeof hwm);
    zmq_setsockopt (s, ZMQ_RCVHWM, &hwm, sizeof hwm);
    zmq_setsockopt (s, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    for (size_t k = 0; k < sizeof pattern; k++)
        pattern[k] = (unsigned char) k;
    char *buf = malloc (MAX_FRAME);
    int rc;
    if (sending) {
        rc = zmq_connect (s, endpoint) ? 1 : send_all (s, messages);
    } else {
        rc = zmq_bind (s, endpoint) ? 1 : receive_all (s, messages, routed, buf);
    }
    free (buf);
    zmq_close (s); /* the default linger delivers what is queued */
    zmq_ctx_term (ctx);
    return rc;
}
