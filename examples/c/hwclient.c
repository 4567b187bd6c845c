/* Hello World client: sends "Hello" on a REQ socket and waits for "World".
 *
 * Build against an installed ferrozmq (bindings/c/install.sh PREFIX):
 *   cc hwclient.c -o hwclient $(PKG_CONFIG_PATH=PREFIX/lib/pkgconfig pkg-config --cflags --libs libzmq)
 * Usage: hwclient [ENDPOINT [REQUESTS]]   (default tcp://localhost:5555, 10)
 */
#include <zmq.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main (int argc, char **argv)
{
    const char *endpoint = argc > 1 ? argv[1] : "tcp://localhost:5555";
    long requests = argc > 2 ? atol (argv[2]) : 10;

    int major, minor, patch;
    zmq_version (&major, &minor, &patch);
    printf ("hwclient: zmq %d.%d.%d, connecting to %s\n", major, minor, patch, endpoint);

    void *context = zmq_ctx_new ();
    void *requester = zmq_socket (context, ZMQ_REQ);
    int timeout = 5000;
    zmq_setsockopt (requester, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    zmq_connect (requester, endpoint);

    for (long n = 0; n < requests; n++) {
        char buffer[16];
        zmq_send (requester, "Hello", 5, 0);
        int size = zmq_recv (requester, buffer, sizeof buffer - 1, 0);
        if (size != 5 || memcmp (buffer, "World", 5) != 0) {
            fprintf (stderr, "hwclient: no World (%s)\n", zmq_strerror (zmq_errno ()));
            return 1;
        }
        printf ("hwclient: Hello %ld -> World\n", n);
    }
    zmq_close (requester);
    zmq_ctx_term (context);
    return 0;
}
