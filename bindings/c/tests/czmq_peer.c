/* A CZMQ program (Debian's libczmq, which links libzmq.so.5) talking to a
 * pyzmq peer. Run with LD_LIBRARY_PATH pointing at ferrozmq's libzmq.so.5,
 * it shows a binding built for libzmq working on ferrozmq unchanged.
 *
 * Usage: czmq_peer req ENDPOINT COUNT    (zsock REQ to a pyzmq REP)
 *        czmq_peer pull ENDPOINT COUNT   (zsock PULL from a pyzmq PUSH)
 */
#define _GNU_SOURCE
#include <czmq.h>
#include <dlfcn.h>

int main (int argc, char **argv)
{
    if (argc != 4) {
        fprintf (stderr, "usage: czmq_peer req|pull ENDPOINT COUNT\n");
        return 2;
    }
    const char *mode = argv[1], *endpoint = argv[2];
    int count = atoi (argv[3]);
    const char *(*ours) (void) =
      (const char *(*) (void)) dlsym (RTLD_DEFAULT, "ferrozmq_version");
    int major, minor, patch;
    zmq_version (&major, &minor, &patch);
    printf ("czmq %d.%d.%d on %s (zmq_version %d.%d.%d)\n", CZMQ_VERSION_MAJOR,
            CZMQ_VERSION_MINOR, CZMQ_VERSION_PATCH, ours ? ours () : "libzmq", major,
            minor, patch);

    int ok = 0;
    if (streq (mode, "req")) {
        zsock_t *req = zsock_new_req (endpoint);
        assert (req);
        zsock_set_rcvtimeo (req, 10000);
        for (int i = 0; i < count; i++) {
            zstr_sendf (req, "hello %d", i);
            char *reply = zstr_recv (req);
            char want[64];
            snprintf (want, sizeof want, "reply:hello %d", i);
            if (reply && streq (reply, want))
                ok++;
            else
                printf ("bad reply: %s\n", reply ? reply : "(none)");
            zstr_free (&reply);
        }
        zsock_destroy (&req);
    } else if (streq (mode, "pull")) {
        char connect_to[256];
        snprintf (connect_to, sizeof connect_to, ">%s", endpoint);
        zsock_t *pull = zsock_new_pull (connect_to); /* '>': connect, not bind */
        assert (pull);
        zsock_set_rcvtimeo (pull, 10000);
        zpoller_t *poller = zpoller_new (pull, NULL);
        for (int i = 0; i <= count; i++) {
            if (zpoller_wait (poller, 10000) != pull)
                break;
            zmsg_t *msg = zmsg_recv (pull);
            char *text = zmsg_popstr (msg);
            char want[64];
            snprintf (want, sizeof want, i < count ? "item %d" : "END", i);
            if (text && streq (text, want))
                ok++;
            zstr_free (&text);
            zmsg_destroy (&msg);
        }
        zpoller_destroy (&poller);
        zsock_destroy (&pull);
        count++;
    }
    printf ("czmq_peer: %d of %d %s messages ok\n", ok, count, mode);
    printf ("%d passed, %d failed\n", ok, count - ok);
    return ok == count ? 0 : 1;
}
