package dev.parley.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The few STUN request bytes the benchmark's lean TURN clients need ({@link TurnAllocationFlood},
 * {@link TurnRttProbe}): a header, long-term-credential signing, and REALM/NONCE from a 401. Kept
 * apart from the server's codec on purpose, so the load is not built by the code under test.
 */
final class StunRequests {
    private StunRequests() {
    }

    /** A 512-byte buffer holding a request header of {@code method} with a random transaction id. */
    static ByteBuffer header(int method) {
        ByteBuffer b = ByteBuffer.allocate(512);
        b.putShort((short) method).putShort((short) 0).putInt(0x2112A442);
        byte[] tid = new byte[12];
        ThreadLocalRandom.current().nextBytes(tid);
        b.put(tid);
        return b;
    }

    /** Adds USERNAME, REALM, NONCE and MESSAGE-INTEGRITY when {@code key} is given; returns the message. */
    static byte[] finish(ByteBuffer b, String user, String realm, String nonce, byte[] key)
            throws GeneralSecurityException {
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
        return Arrays.copyOf(b.array(), b.position());
    }

    /** REALM and NONCE of a response (a 401), or null if either is missing or the bytes are not STUN. */
    static String[] realmNonce(byte[] r) {
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

    private static void attr(ByteBuffer b, int type, byte[] value) {
        b.putShort((short) type).putShort((short) value.length).put(value);
        for (int i = value.length; (i & 3) != 0; i++) {
            b.put((byte) 0);
        }
    }
}
