/* Hello World server: binds a REP socket, answers each "Hello" with "World".
 *
 * Build against an installed ferrozmq (bindings/c/install.sh PREFIX):
 *   cc hwserver.c -o hwserver $(PKG_CONFIG_PATH=PREFIX/lib/pkgconfig pkg-config --cflags --libs libzmq)
 * Usage: hwserver [ENDPOINT [REQUESTS]]   (default: tcp port 5555 on every
 *        interface, serving forever)
 */
#include <zmq.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main (int argc, char **argv)
{
    const char *endpoint = argc > 1 ? argv[1] : "tcp://*:5555";
    long requests = argc > 2 ? atol (argv[2]) : -1;

    void *context = zmq_ctx_new ();
    void *responder = zmq_socket (context, ZMQ_REP);
    if (zmq_bind (responder, endpoint) != 0) {
        fprintf (stderr, "bind %s: %s\n", endpoint, zmq_strerror (zmq_errno ()));
        return 1;
    }
    printf ("hwserver: listening on %s\n", endpoint);
    fflush (stdout);

    for (long n = 0; requests < 0 || n < requests; n++) {
        char buffer[16];
        int size = zmq_recv (responder, buffer, sizeof buffer - 1, 0);
        if (size < 0) {
            fprintf (stderr, "recv: %s\n", zmq_strerror (zmq_errno ()));
            return 1;
        }
        buffer[size < (int) sizeof buffer ? size : (int) sizeof buffer - 1] = 0;
        printf ("hwserver: received %s\n", buffer);
        zmq_send (responder, "World", 5, 0);
    }
    zmq_close (responder);
    zmq_ctx_term (context);
    return 0;
}
