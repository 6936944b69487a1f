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
import java.util.ArrayList;
import java.util.List;

/**
 * Creates many TURN allocations (long-term credentials, one UDP socket each, spread over source
 * addresses 127.0.0.2 and up) and keeps them open, to measure memory per allocation. A minimal
 * hand-written STUN client: the bench depends on no Parley module.
 */
final class TurnAllocationFlood implements AutoCloseable {
    private static final int BATCH = 250;
    private static final int PER_SOURCE = 200;

    private final InetSocketAddress server;
    private final String user;
    private final String password;
    private final List<DatagramSocket> sockets = new ArrayList<>();

    TurnAllocationFlood(InetSocketAddress server, String user, String password) {
        this.server = server;
        this.user = user;
        this.password = password;
    }

    /** Opens {@code n} allocations; returns how many succeeded. */
    int allocate(int n) throws IOException, GeneralSecurityException {
        int ok = 0;
        for (int start = 0; start < n; start += BATCH) {
            List<DatagramSocket> batch = new ArrayList<>();
            for (int i = start; i < Math.min(n, start + BATCH); i++) {
                InetAddress src = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (2 + i / PER_SOURCE)});
                DatagramSocket s = new DatagramSocket(new InetSocketAddress(src, 0));
                s.setSoTimeout(2000);
                batch.add(s);
                sockets.add(s);
            }
            List<String[]> challenges = new ArrayList<>();
            for (DatagramSocket s : batch) {
                send(s, allocate(null, null, null));
            }
            for (DatagramSocket s : batch) {
                challenges.add(challenge(s));
            }
            for (int i = 0; i < batch.size(); i++) {
                String[] rn = challenges.get(i);
                if (rn != null) {
                    send(batch.get(i), allocate(rn[0], rn[1], key(rn[0])));
                }
            }
            for (int i = 0; i < batch.size(); i++) {
                if (challenges.get(i) != null && successOf(batch.get(i))) {
                    ok++;
                }
            }
        }
        return ok;
    }

    private byte[] key(String realm) throws GeneralSecurityException {
        return MessageDigest.getInstance("MD5").digest((user + ":" + realm + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    private void send(DatagramSocket s, byte[] msg) throws IOException {
        s.send(new DatagramPacket(msg, msg.length, server));
    }

    private static byte[] receive(DatagramSocket s) throws IOException {
        byte[] buf = new byte[1500];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            s.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return java.util.Arrays.copyOf(buf, p.getLength());
    }

    /** REALM and NONCE of a 401, or null. */
    private static String[] challenge(DatagramSocket s) throws IOException {
        return StunRequests.realmNonce(receive(s));
    }

    private static boolean successOf(DatagramSocket s) throws IOException {
        byte[] r = receive(s);
        return r != null && r.length >= 2 && (((r[0] & 0xFF) << 8) | (r[1] & 0xFF)) == 0x0103;
    }

    /** An Allocate request (REQUESTED-TRANSPORT UDP, LIFETIME 3600), signed when {@code key} is given. */
    private byte[] allocate(String realm, String nonce, byte[] key) throws GeneralSecurityException {
        ByteBuffer b = StunRequests.header(0x0003);
        b.putShort((short) 0x0019).putShort((short) 4).putInt(0x11000000);
        b.putShort((short) 0x000D).putShort((short) 4).putInt(3600);
        return StunRequests.finish(b, user, realm, nonce, key);
    }

    @Override
    public void close() {
        sockets.forEach(DatagramSocket::close);
        sockets.clear();
    }
}
