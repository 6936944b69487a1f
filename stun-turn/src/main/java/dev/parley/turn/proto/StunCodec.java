package dev.parley.turn.proto;

import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ice4j.StunException;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.AttributeDecoder;
import org.ice4j.attribute.AttributeFactory;
import org.ice4j.attribute.MessageIntegrityAttribute;
import org.ice4j.attribute.XorMappedAddressAttribute;
import org.ice4j.message.Message;

/**
 * ice4j's codec with the gaps closed: decode never throws unchecked exceptions, repeated
 * XOR-PEER-ADDRESS attributes are all returned, MESSAGE-INTEGRITY (RFC 8489 §14.5) and FINGERPRINT
 * (§14.7) are computed here over the exact bytes, and SOFTWARE is ours rather than ice4j's default.
 */
public final class StunCodec {
    private static final byte[] SOFTWARE = "Parley".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private StunCodec() {
    }

    /** A decoded message plus the structural facts about its bytes. */
    public record Decoded(Message message, StunFrame frame, byte[] raw) {
        public byte[] transactionId() {
            return message.getTransactionID();
        }
    }

    public static Decoded decode(byte[] raw) throws MalformedMessageException {
        StunFrame frame = StunFrames.inspect(raw, 0, raw.length);
        try {
            byte[] forIce4j = raw;
            if (!frame.retypeOffsets().isEmpty()) {
                forIce4j = raw.clone();
                for (int at : frame.retypeOffsets()) {
                    forIce4j[at] = (byte) 0xBF; // an optional type ice4j keeps as opaque
                    forIce4j[at + 1] = (byte) 0xFF;
                }
            }
            Message m = Message.decode(forIce4j, 0, forIce4j.length);
            return new Decoded(m, frame, raw);
        } catch (StunException | RuntimeException e) {
            throw new MalformedMessageException(Malformation.BAD_ATTRIBUTE_VALUE, String.valueOf(e.getMessage()));
        }
    }

    /**
     * Runs one encode/decode round trip so ice4j loads its configuration (jitsi-utils' config, several
     * seconds on a busy machine) at start-up rather than inside the first client's request on the I/O loop.
     */
    public static void warmUp() {
        try {
            Message m = org.ice4j.message.MessageFactory.createBindingRequest();
            m.setTransactionID(new byte[12]);
            decode(encode(m, new byte[16]));
        } catch (StunException | MalformedMessageException e) {
            throw new IllegalStateException("STUN codec self-check failed", e);
        }
    }

    /** Every XOR-PEER-ADDRESS in order (ice4j's decoder keeps only the last). */
    public static List<InetSocketAddress> peerAddresses(Decoded d) throws MalformedMessageException {
        List<InetSocketAddress> out = new ArrayList<>(d.frame().peerAddressOffsets().size());
        for (int at : d.frame().peerAddressOffsets()) {
            try {
                Attribute a = AttributeDecoder.decode(d.raw(), at, d.raw().length - at);
                out.add(((XorMappedAddressAttribute) a).getAddress(d.transactionId()));
            } catch (StunException | RuntimeException e) {
                throw new MalformedMessageException(Malformation.BAD_ATTRIBUTE_VALUE, "XOR-PEER-ADDRESS: " + e);
            }
        }
        return out;
    }

    /** Checks MESSAGE-INTEGRITY with the long-term key; false if absent or wrong. */
    public static boolean verifyIntegrity(Decoded d, byte[] key) {
        int mi = d.frame().integrityOffset();
        if (mi < 0 || key == null) {
            return false;
        }
        byte[] raw = d.raw();
        byte[] covered = Arrays.copyOf(raw, mi);
        int adjusted = mi - StunFrames.HEADER + 24;
        covered[2] = (byte) (adjusted >> 8);
        covered[3] = (byte) adjusted;
        byte[] expected = MessageIntegrityAttribute.calculateHmacSha1(covered, 0, covered.length, key);
        byte[] actual = Arrays.copyOfRange(raw, mi + 4, mi + 24);
        return MessageDigest.isEqual(expected, actual);
    }

    /**
     * Encodes with ice4j, then appends MESSAGE-INTEGRITY (if {@code key} is non-null) and FINGERPRINT.
     */
    public static byte[] encode(Message m, byte[] key) {
        m.removeAttribute(Attribute.MESSAGE_INTEGRITY);
        m.removeAttribute(Attribute.FINGERPRINT);
        if (!m.containsAttribute(Attribute.SOFTWARE)) {
            m.putAttribute(AttributeFactory.createSoftwareAttribute(SOFTWARE));
        }
        byte[] body = stripFingerprint(m.encode(null));
        int len = body.length + (key != null ? 24 : 0) + 8;
        byte[] out = Arrays.copyOf(body, len);
        int p = body.length;
        if (key != null) {
            setLength(out, p + 24);
            byte[] hmac = MessageIntegrityAttribute.calculateHmacSha1(out, 0, p, key);
            out[p] = 0x00;
            out[p + 1] = 0x08;
            out[p + 2] = 0x00;
            out[p + 3] = 20;
            System.arraycopy(hmac, 0, out, p + 4, 20);
            p += 24;
        }
        setLength(out, p + 8);
        int crc = StunFrames.crc32(out, 0, p) ^ StunFrames.FINGERPRINT_XOR;
        out[p] = (byte) 0x80;
        out[p + 1] = 0x28;
        out[p + 2] = 0x00;
        out[p + 3] = 0x04;
        out[p + 4] = (byte) (crc >>> 24);
        out[p + 5] = (byte) (crc >>> 16);
        out[p + 6] = (byte) (crc >>> 8);
        out[p + 7] = (byte) crc;
        return out;
    }

    /** ice4j adds FINGERPRINT itself when an Agent set its "always sign" property; we add our own last. */
    private static byte[] stripFingerprint(byte[] encoded) {
        int p = StunFrames.HEADER;
        while (p + 4 <= encoded.length) {
            int type = StunFrames.u16(encoded, p);
            int next = p + 4 + ((StunFrames.u16(encoded, p + 2) + 3) & ~3);
            if (type == StunAttributes.FINGERPRINT) {
                byte[] cut = Arrays.copyOf(encoded, p);
                setLength(cut, p);
                return cut;
            }
            p = next;
        }
        return encoded;
    }

    private static void setLength(byte[] msg, int totalLength) {
        int body = totalLength - StunFrames.HEADER;
        msg[2] = (byte) (body >> 8);
        msg[3] = (byte) body;
    }
}
