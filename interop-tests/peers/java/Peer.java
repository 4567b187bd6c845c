// A JeroMQ 0.3.6 (ZMTP/2.0) peer for the ferrozmq interop tests.
//
// usage: java -cp jeromq.jar:CLASSES Peer TYPE OTHER_TYPE (bind|connect) ENDPOINT COUNT [ROUTING_ID]
//
// Same protocol as peers/python/peer.py: TYPE is this peer's socket type,
// OTHER_TYPE ours; the role follows from the types; messages are the ones
// described in interop-tests/src/payload.rs and every byte is checked. To
// bind, ENDPOINT is "tcp://127.0.0.1:*" (0.3.6 has no LAST_ENDPOINT, so the
// port comes from bindToRandomPort). Prints "endpoint <ep>" once bound (or
// "connected"), then "done sent=<n> received=<m>" and exits 0; on any
// mismatch or timeout it prints the reason to stderr and exits 1. It kills
// itself after 120 s. ZMTP/2.0 carries no metadata, so Socket-Type is not
// checked here. ROUTING_ID, if given, is set as this socket's identity,
// except for a ROUTER, which instead checks that every request comes from it.

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.zeromq.ZMQ;

public final class Peer {
    private static final int PERIOD = 251;
    private static final int LARGE = 100_000;
    private static final int WINDOW = 64;
    private static final int TIMEOUT_MS = 20_000;
    private static final byte[] PATTERN = new byte[PERIOD + LARGE + 1];

    private static ZMQ.Socket sock;

    public static void main(String[] args) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(120_000);
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("FAIL: watchdog expired");
            Runtime.getRuntime().halt(3);
        });
        watchdog.setDaemon(true);
        watchdog.start();
        for (int x = 0; x < PATTERN.length; x++) {
            PATTERN[x] = (byte) (x % PERIOD);
        }
        String kind = args[0];
        String other = args[1];
        boolean bind = args[2].equals("bind");
        String endpoint = args[3];
        int count = Integer.parseInt(args[4]);

        ZMQ.Context ctx = ZMQ.context(1);
        sock = ctx.socket(socketType(kind));
        sock.setReceiveTimeOut(TIMEOUT_MS);
        sock.setSendTimeOut(TIMEOUT_MS);
        sock.setLinger(5000);
        byte[] routingId = args.length > 5
                ? args[5].getBytes(java.nio.charset.StandardCharsets.UTF_8) : null;
        if (routingId != null && !kind.equals("ROUTER")) {
            sock.setIdentity(routingId);
        }
        if (bind) {
            String host = endpoint.substring(0, endpoint.lastIndexOf(':'));
            int port = sock.bindToRandomPort(host);
            System.out.println("endpoint " + host + ":" + port);
        } else {
            sock.connect(endpoint);
            System.out.println("connected");
        }
        System.out.flush();

        int sent = 0;
        int received = 0;
        List<byte[]> empty = new ArrayList<>();
        switch (kind) {
            case "PUSH":
                for (; sent < count; sent++) {
                    send(empty, sent, 0);
                }
                break;
            case "PULL":
                for (; received < count; received++) {
                    expect(received, 0, recv(), 0);
                }
                break;
            case "REQ":
                for (int i = 0; i < count; i++) {
                    send(empty, i, 0);
                    sent++;
                    expect(i, 1, recv(), 0);
                    received++;
                }
                break;
            case "DEALER": {
                List<byte[]> env = new ArrayList<>();
                if (other.equals("REP")) {
                    env.add(new byte[0]);
                }
                while (received < count) {
                    for (; sent < count && sent < received + WINDOW; sent++) {
                        send(env, sent, 0);
                    }
                    List<byte[]> m = recv();
                    if (!env.isEmpty() && (m.isEmpty() || m.get(0).length != 0)) {
                        fail("reply " + received + " lacks the empty delimiter");
                    }
                    expect(received, 1, m, env.size());
                    received++;
                }
                break;
            }
            case "REP":
                for (int i = 0; i < count; i++) {
                    expect(i, 0, recv(), 0);
                    received++;
                    send(empty, i, 1);
                    sent++;
                }
                break;
            case "ROUTER": {
                int env = other.equals("REQ") ? 2 : 1;
                for (int i = 0; i < count; i++) {
                    List<byte[]> m = recv();
                    if (m.size() < env || (env == 2 && m.get(1).length != 0)) {
                        fail("request " + i + " has a bad envelope");
                    }
                    if (routingId != null && !Arrays.equals(m.get(0), routingId)) {
                        fail("request " + i + " from the wrong routing id");
                    }
                    expect(i, 0, m, env);
                    received++;
                    send(m.subList(0, env), i, 1);
                    sent++;
                }
                break;
            }
            case "PAIR": {
                int mine = bind ? 0 : 1;
                while (received < count) {
                    for (; sent < count && sent < received + WINDOW; sent++) {
                        send(empty, sent, mine);
                    }
                    expect(received, 1 - mine, recv(), 0);
                    received++;
                }
                break;
            }
            default:
                fail("unknown socket type " + kind);
        }
        System.out.println("done sent=" + sent + " received=" + received);
        System.out.flush();
        sock.close();
        ctx.term();
        System.exit(0);
    }

    private static int frameCount(int i, int tag) {
        return 1 + (3 * i + tag) % 4;
    }

    private static int frameSize(int i, int tag, int j) {
        if (j == 0 && i % 1000 == 500) {
            return LARGE + tag;
        }
        if ((7 * i + 13 * j + 5 * tag) % 23 == 0) {
            return 0;
        }
        return (37 * i + 101 * j + 11 * tag) % 700;
    }

    private static int frameStart(int i, int tag, int j) {
        return (31 * i + 7 * j + 3 * tag) % PERIOD;
    }

    private static List<byte[]> recv() {
        List<byte[]> frames = new ArrayList<>();
        do {
            byte[] frame = sock.recv(0);
            if (frame == null) {
                fail("timed out receiving");
            }
            frames.add(frame);
        } while (sock.hasReceiveMore());
        return frames;
    }

    private static void sendFrame(byte[] data, int offset, int size, boolean more) {
        byte[] frame = Arrays.copyOfRange(data, offset, offset + size);
        if (!sock.send(frame, more ? ZMQ.SNDMORE : 0)) {
            fail("timed out sending");
        }
    }

    private static void send(List<byte[]> prefix, int i, int tag) {
        for (byte[] p : prefix) {
            sendFrame(p, 0, p.length, true);
        }
        int n = frameCount(i, tag);
        for (int j = 0; j < n; j++) {
            sendFrame(PATTERN, frameStart(i, tag, j), frameSize(i, tag, j), j + 1 < n);
        }
    }

    private static void expect(int i, int tag, List<byte[]> frames, int first) {
        int n = frameCount(i, tag);
        if (frames.size() - first != n) {
            fail("message " + i + ": " + (frames.size() - first) + " frames, expected " + n);
        }
        for (int j = 0; j < n; j++) {
            byte[] got = frames.get(first + j);
            int size = frameSize(i, tag, j);
            int start = frameStart(i, tag, j);
            if (got.length != size) {
                fail("message " + i + " frame " + j + ": " + got.length + " bytes, expected " + size);
            }
            if (!Arrays.equals(got, 0, size, PATTERN, start, start + size)) {
                fail("message " + i + " frame " + j + ": wrong bytes");
            }
        }
    }

    private static int socketType(String name) {
        switch (name) {
            case "PAIR": return ZMQ.PAIR;
            case "REQ": return ZMQ.REQ;
            case "REP": return ZMQ.REP;
            case "DEALER": return ZMQ.DEALER;
            case "ROUTER": return ZMQ.ROUTER;
            case "PULL": return ZMQ.PULL;
            case "PUSH": return ZMQ.PUSH;
            default:
                fail("unknown socket type " + name);
                return -1;
        }
    }

    private static void fail(String why) {
        System.err.println("FAIL: " + why);
        System.err.flush();
        Runtime.getRuntime().halt(1);
    }
}
