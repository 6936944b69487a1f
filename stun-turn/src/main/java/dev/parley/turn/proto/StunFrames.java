package dev.parley.turn.proto;

import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Structural validation of raw STUN messages before ice4j sees them (RFC 8489 §5, §6.3): header,
 * magic cookie, length, attribute bounds, FINGERPRINT. Enforces limits before allocating anything.
 */
public final class StunFrames {
    public static final int HEADER = 20;
    public static final int MAGIC_COOKIE = 0x2112A442;
    public static final int FINGERPRINT_XOR = 0x5354554E;
    /** Larger than any request we accept; a UDP datagram cannot exceed 65,535 anyway. */
    public static final int MAX_MESSAGE = 65535;
    private static final int MAX_ATTRIBUTES = 64;

    private StunFrames() {
    }

    /** True if the first two bits are 0b00, i.e. this could be a STUN message (RFC 8489 §5). */
    public static boolean looksLikeStun(byte first) {
        return (first & 0xC0) == 0;
    }

    public static StunFrame inspect(byte[] b, int off, int len) throws MalformedMessageException {
        if (len < HEADER) {
            throw new MalformedMessageException(Malformation.TRUNCATED_HEADER, len + " bytes");
        }
        if (!looksLikeStun(b[off])) {
            throw new MalformedMessageException(Malformation.NOT_STUN, "first bits not 00");
        }
        int messageType = u16(b, off);
        int bodyLength = u16(b, off + 2);
        if ((bodyLength & 3) != 0 || HEADER + bodyLength != len) {
            throw new MalformedMessageException(Malformation.BAD_LENGTH,
                    "header says " + bodyLength + ", have " + (len - HEADER));
        }
        if (i32(b, off + 4) != MAGIC_COOKIE) {
            throw new MalformedMessageException(Malformation.BAD_MAGIC_COOKIE, "no RFC 5389 magic cookie");
        }
        int end = off + len;
        int p = off + HEADER;
        int integrity = -1;
        int fingerprint = -1;
        int count = 0;
        List<Integer> peers = List.of();
        List<Integer> unknown = List.of();
        List<Integer> retype = new ArrayList<>(2);
        int family = -1;
        int evenPort = -1;
        while (p < end) {
            if (++count > MAX_ATTRIBUTES) {
                throw new MalformedMessageException(Malformation.TOO_MANY_ATTRIBUTES, "more than " + MAX_ATTRIBUTES);
            }
            if (p + 4 > end) {
                throw new MalformedMessageException(Malformation.ATTRIBUTE_OVERRUN, "attribute header past end");
            }
            int type = u16(b, p);
            int alen = u16(b, p + 2);
            int next = p + 4 + ((alen + 3) & ~3);
            if (next > end) {
                throw new MalformedMessageException(Malformation.ATTRIBUTE_OVERRUN,
                        "attribute 0x" + Integer.toHexString(type) + " length " + alen);
            }
            if (fingerprint >= 0) {
                throw new MalformedMessageException(Malformation.BAD_FINGERPRINT, "attribute after FINGERPRINT");
            }
            if (type == StunAttributes.FINGERPRINT) {
                if (alen != 4) {
                    throw new MalformedMessageException(Malformation.BAD_FINGERPRINT, "length " + alen);
                }
                fingerprint = p;
                retype.add(p);
            } else if (integrity >= 0) {
                // RFC 8489 §14.5: ignore everything after MESSAGE-INTEGRITY except FINGERPRINT
                p = next;
                continue;
            } else if (type == StunAttributes.MESSAGE_INTEGRITY) {
                if (alen != 20) {
                    throw new MalformedMessageException(Malformation.BAD_MESSAGE_INTEGRITY, "length " + alen);
                }
                integrity = p;
            } else if (type == StunAttributes.REQUESTED_ADDRESS_FAMILY) {
                if (alen < 1) {
                    throw new MalformedMessageException(Malformation.BAD_ATTRIBUTE_VALUE, "REQUESTED-ADDRESS-FAMILY");
                }
                family = family < 0 ? b[p + 4] & 0xFF : family;
                retype.add(p);
            } else if (type == StunAttributes.EVEN_PORT) {
                if (alen < 1) {
                    throw new MalformedMessageException(Malformation.BAD_ATTRIBUTE_VALUE, "EVEN-PORT");
                }
                evenPort = (b[p + 4] & 0x80) != 0 ? 1 : 0;
                retype.add(p);
            } else if (type == StunAttributes.XOR_PEER_ADDRESS) {
                if (peers.isEmpty()) {
                    peers = new ArrayList<>(2);
                }
                peers.add(p);
            } else if (type < 0x8000 && !StunAttributes.isKnownRequired(type)) {
                if (unknown.isEmpty()) {
                    unknown = new ArrayList<>(2);
                }
                unknown.add(type);
            }
            p = next;
        }
        if (fingerprint >= 0) {
            int expected = crc32(b, off, fingerprint - off) ^ FINGERPRINT_XOR;
            if (i32(b, fingerprint + 4) != expected) {
                throw new MalformedMessageException(Malformation.BAD_FINGERPRINT, "CRC mismatch");
            }
        }
        return new StunFrame(off, len, messageType, integrity, fingerprint, peers, unknown, family, evenPort, retype);
    }

    static int crc32(byte[] b, int off, int len) {
        CRC32 crc = new CRC32();
        crc.update(b, off, len);
        return (int) crc.getValue();
    }

    static int u16(byte[] b, int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }

    static int i32(byte[] b, int p) {
        return ((b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
    }
}
