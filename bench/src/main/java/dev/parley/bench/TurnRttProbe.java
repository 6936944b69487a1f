package dev.parley.bench;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * A lean TURN client that measures round-trip percentiles while another load runs: allocates over UDP
 * with long-term credentials, binds channel 0x4001 to a UDP echo peer, then sends one 100-byte
 * ChannelData every {@code periodMicros} carrying its send time, and records the time until the echo
 * comes back through the relay. Hand-written STUN, like {@link TurnAllocationFlood}: no Parley code.
 */
final class TurnRttProbe implements AutoCloseable {
    private static final int CHANNEL = 0x4001;
    private static final int PAYLOAD = 100;
    private static final long MAGIC = 0x5061726C6579L; // "Parley": marks our probe payloads

    /** Round-trip percentiles in milliseconds, and how many probes never came back. */
    record Result(double p50Ms, double p99Ms, int sent, int lost) {
    }

    private final DatagramSocket socket;
    private final InetSocketAddress server;
    private final String user;
    private final String password;
    private final long periodNanos;
    private final long[] rtts = new long[1 << 20];
    private volatile int received;
    private volatile boolean running = true;
    private int sent;
    private Thread sender;
    private Thread receiver;
    private String[] realmNonce;
    private byte[] key;

    /** Allocates and binds the channel; throws if the server refuses. */
    TurnRttProbe(InetSocketAddress server, InetSocketAddress echoPeer, String user, String password, long periodMicros)
            throws IOException, GeneralSecurityException {
        this.server = server;
        this.user = user;
        this.password = password;
        this.periodNanos = periodMicros * 1000;
        this.socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        socket.setSoTimeout(2000);
        try {
            byte[] r = request(0x0003, null, null, null, null);
            String[] rn = StunRequests.realmNonce(r);
            if (rn == null) {
                throw new IOException("no 401 challenge from " + server + ": " + describe(r));
            }
            key = MessageDigest.getInstance("MD5")
                    .digest((user + ":" + rn[0] + ":" + password).getBytes(StandardCharsets.UTF_8));
            expect(request(0x0003, rn[0], rn[1], key, null), 0x0103, "Allocate");
            realmNonce = rn;
            expect(request(0x0009, rn[0], rn[1], key, echoPeer), 0x0109, "ChannelBind");
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** A probe, or null (with the reason printed) if the server would not give one: the row is then NaN. */
    static TurnRttProbe tryOpen(InetSocketAddress server, InetSocketAddress echoPeer, String user, String password,
                                long periodMicros) {
        for (int attempt = 1; ; attempt++) {
            try {
                return new TurnRttProbe(server, echoPeer, user, password, periodMicros);
            } catch (IOException | GeneralSecurityException e) {
                System.out.println("  RTT probe attempt " + attempt + " failed: " + e.getMessage());
                if (attempt == 3) {
                    return null;
                }
            }
        }
    }

    private static String describe(byte[] r) {
        if (r == null) {
            return "no response";
        }
        String type = "type 0x" + Integer.toHexString(((r[0] & 0xFF) << 8) | (r[1] & 0xFF));
        for (int at = 20; at + 4 <= r.length; ) {
            int attr = ((r[at] & 0xFF) << 8) | (r[at + 1] & 0xFF);
            int len = ((r[at + 2] & 0xFF) << 8) | (r[at + 3] & 0xFF);
            if (attr == 0x0009 && len >= 4 && at + 8 <= r.length) { // ERROR-CODE: class, number
                return type + ", error " + ((r[at + 6] & 0x07) * 100 + (r[at + 7] & 0xFF));
            }
            at += 4 + ((len + 3) & ~3);
        }
        return type;
    }

    /** Starts sending and receiving in the background. */
    void start() {
        receiver = new Thread(this::receiveLoop, "rtt-probe-rx");
        sender = new Thread(this::sendLoop, "rtt-probe-tx");
        receiver.setDaemon(true);
        sender.setDaemon(true);
        receiver.start();
        sender.start();
    }

    /** Stops sending, waits up to 1 s for the last echoes, and returns the percentiles. */
    Result stop() throws InterruptedException {
        running = false;
        sender.join();
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (received < sent && System.nanoTime() < deadline) {
            LockSupport.parkNanos(10_000_000L);
        }
        close();
        receiver.join(3000);
        int n = Math.min(received, rtts.length);
        long[] got = Arrays.copyOf(rtts, n);
        return new Result(Stats.percentile(got, 50) / 1e6, Stats.percentile(got, 99) / 1e6, sent, sent - n);
    }

    private void sendLoop() {
        byte[] frame = new byte[4 + PAYLOAD];
        ByteBuffer b = ByteBuffer.wrap(frame);
        b.putShort(0, (short) CHANNEL).putShort(2, (short) PAYLOAD).putLong(4, MAGIC);
        DatagramPacket p = new DatagramPacket(frame, frame.length, server);
        long next = System.nanoTime();
        while (running && sent < rtts.length) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                continue;
            }
            b.putLong(12, System.nanoTime());
            try {
                socket.send(p);
                sent++;
            } catch (IOException e) {
                return;
            }
            next += periodNanos;
        }
    }

    private void receiveLoop() {
        byte[] buf = new byte[1500];
        ByteBuffer b = ByteBuffer.wrap(buf);
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        int n = 0;
        while (!socket.isClosed()) {
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return;
            }
            long now = System.nanoTime();
            if (p.getLength() >= 4 + 16 && (b.getShort(0) & 0xFFFF) == CHANNEL && b.getLong(4) == MAGIC
                    && n < rtts.length) {
                rtts[n++] = now - b.getLong(12);
                received = n;
            }
        }
    }

    private static void expect(byte[] response, int type, String what) throws IOException {
        if (response == null || response.length < 2 || (((response[0] & 0xFF) << 8) | (response[1] & 0xFF)) != type) {
            throw new IOException(what + " failed: " + describe(response));
        }
    }

    /** Sends a request (signed when key is given) and returns the response with its transaction id. */
    private byte[] request(int method, String realm, String nonce, byte[] key, InetSocketAddress peer)
            throws IOException, GeneralSecurityException {
        byte[] msg = message(method, realm, nonce, key, peer);
        byte[] tid = Arrays.copyOfRange(msg, 8, 20);
        for (int attempt = 0; attempt < 3; attempt++) {
            socket.send(new DatagramPacket(msg, msg.length, server));
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (System.nanoTime() < deadline) {
                byte[] buf = new byte[1500];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                } catch (SocketTimeoutException e) {
                    break;
                }
                if (p.getLength() >= 20 && Arrays.equals(tid, Arrays.copyOfRange(buf, 8, 20))) {
                    return Arrays.copyOf(buf, p.getLength());
                }
            }
        }
        return null;
    }

    /** Allocate (0x0003), Refresh with LIFETIME 0 (0x0004) or ChannelBind (0x0009), signed when key is given. */
    private byte[] message(int method, String realm, String nonce, byte[] key, InetSocketAddress peer)
            throws GeneralSecurityException {
        ByteBuffer b = StunRequests.header(method);
        if (method == 0x0003) {
            b.putShort((short) 0x0019).putShort((short) 4).putInt(0x11000000); // REQUESTED-TRANSPORT UDP
        } else if (method == 0x0004) {
            b.putShort((short) 0x000D).putShort((short) 4).putInt(0); // LIFETIME 0: delete
        } else {
            b.putShort((short) 0x000C).putShort((short) 4).putShort((short) CHANNEL).putShort((short) 0);
            byte[] ip = peer.getAddress().getAddress();
            b.putShort((short) 0x0012).putShort((short) 8).put((byte) 0).put((byte) 1)
                    .putShort((short) (peer.getPort() ^ 0x2112));
            byte[] cookie = {0x21, 0x12, (byte) 0xA4, 0x42};
            for (int i = 0; i < 4; i++) {
                b.put((byte) (ip[i] ^ cookie[i]));
            }
        }
        return StunRequests.finish(b, user, realm, nonce, key);
    }

    /** Deletes the allocation (Refresh with LIFETIME 0, fire and forget) and closes the socket. */
    @Override
    public void close() {
        running = false;
        if (socket.isClosed()) {
            return;
        }
        if (realmNonce != null) {
            try {
                byte[] msg = message(0x0004, realmNonce[0], realmNonce[1], key, null);
                socket.send(new DatagramPacket(msg, msg.length, server));
            } catch (IOException | GeneralSecurityException e) {
                // the allocation expires on its own
            }
        }
        socket.close();
    }
}
