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
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

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
        byte[] r = receive(s);
        if (r == null || r.length < 20) {
            return null;
        }
        String realm = null;
        String nonce = null;
        ByteBuffer b = ByteBuffer.wrap(r);
        int end = Math.min(r.length, 20 + (b.getShort(2) & 0xFFFF));
        for (int p = 20; p + 4 <= end; ) {
            int type = b.getShort(p) & 0xFFFF;
            int len = b.getShort(p + 2) & 0xFFFF;
            if (p + 4 + len > end) {
                break;
            }
            if (type == 0x0014) {
                realm = new String(r, p + 4, len, StandardCharsets.UTF_8);
            } else if (type == 0x0015) {
                nonce = new String(r, p + 4, len, StandardCharsets.US_ASCII);
            }
            p += 4 + ((len + 3) & ~3);
        }
        return realm == null || nonce == null ? null : new String[] {realm, nonce};
    }

    private static boolean successOf(DatagramSocket s) throws IOException {
        byte[] r = receive(s);
        return r != null && r.length >= 2 && (((r[0] & 0xFF) << 8) | (r[1] & 0xFF)) == 0x0103;
    }

    /** An Allocate request (REQUESTED-TRANSPORT UDP, LIFETIME 3600), signed when {@code key} is given. */
    private byte[] allocate(String realm, String nonce, byte[] key) throws GeneralSecurityException {
        ByteBuffer b = ByteBuffer.allocate(512);
        b.putShort((short) 0x0003).putShort((short) 0).putInt(0x2112A442);
        byte[] tid = new byte[12];
        ThreadLocalRandom.current().nextBytes(tid);
        b.put(tid);
        b.putShort((short) 0x0019).putShort((short) 4).putInt(0x11000000);
        b.putShort((short) 0x000D).putShort((short) 4).putInt(3600);
        if (key != null) {
            attr(b, 0x0006, user.getBytes(StandardCharsets.UTF_8));
            attr(b, 0x0014, realm.getBytes(StandardCharsets.UTF_8));
            attr(b, 0x0015, nonce.getBytes(StandardCharsets.US_ASCII));
            int miAt = b.position();
            b.putShort(2, (short) (miAt - 20 + 24));
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            mac.update(b.array(), 0, miAt);
            b.putShort((short) 0x0008).putShort((short) 20).put(mac.doFinal());
        }
        b.putShort(2, (short) (b.position() - 20));
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    private static void attr(ByteBuffer b, int type, byte[] value) {
        b.putShort((short) type).putShort((short) value.length).put(value);
        for (int i = value.length; (i & 3) != 0; i++) {
            b.put((byte) 0);
        }
    }

    @Override
    public void close() {
        sockets.forEach(DatagramSocket::close);
        sockets.clear();
    }
}
