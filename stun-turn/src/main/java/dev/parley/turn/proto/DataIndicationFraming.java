package dev.parley.turn.proto;

import java.nio.ByteBuffer;

/**
 * Hand-written Send / Data indication framing (RFC 8656 §11): reads XOR-PEER-ADDRESS and DATA out of a
 * Send indication in place, and writes a Data indication header in front of already-received data.
 * Nothing here allocates; callers keep one {@link PeerView} per loop.
 */
public final class DataIndicationFraming {
    public static final int SEND_INDICATION = 0x0016;
    public static final int DATA_INDICATION = 0x0017;
    /** Largest Data indication header: 20 header + 24 XOR-PEER-ADDRESS (IPv6) + 4 DATA header. */
    public static final int MAX_HEADER = 48;

    private DataIndicationFraming() {
    }

    /** The peer and data location of one Send indication; reused across packets. */
    public static final class PeerView {
        public int family;
        public int port;
        public final byte[] address = new byte[16];
        public int dataOffset;
        public int dataLength;

        public int addressLength() {
            return family == 1 ? 4 : 16;
        }
    }

    /**
     * Parses a Send indication occupying {@code [at, at+len)} of {@code b}. Returns false (and the caller
     * drops it silently, RFC 8656 §11.2) if it lacks XOR-PEER-ADDRESS or DATA or is malformed.
     */
    public static boolean parseSend(ByteBuffer b, int at, int len, PeerView out) {
        if (len < StunFrames.HEADER || b.getInt(at + 4) != StunFrames.MAGIC_COOKIE) {
            return false;
        }
        int bodyLength = b.getShort(at + 2) & 0xFFFF;
        if (StunFrames.HEADER + bodyLength > len) {
            return false;
        }
        int end = at + StunFrames.HEADER + bodyLength;
        int p = at + StunFrames.HEADER;
        boolean havePeer = false;
        boolean haveData = false;
        while (p + 4 <= end) {
            int type = b.getShort(p) & 0xFFFF;
            int alen = b.getShort(p + 2) & 0xFFFF;
            int v = p + 4;
            if (v + alen > end) {
                return false;
            }
            if (type == StunAttributes.XOR_PEER_ADDRESS && !havePeer) {
                if (alen < 8) {
                    return false;
                }
                out.family = b.get(v + 1);
                out.port = (b.getShort(v + 2) & 0xFFFF) ^ (StunFrames.MAGIC_COOKIE >>> 16);
                if (out.family == 1 && alen == 8) {
                    out.address[0] = (byte) (b.get(v + 4) ^ 0x21);
                    out.address[1] = (byte) (b.get(v + 5) ^ 0x12);
                    out.address[2] = (byte) (b.get(v + 6) ^ 0xA4);
                    out.address[3] = (byte) (b.get(v + 7) ^ 0x42);
                } else if (out.family == 2 && alen == 20) {
                    for (int i = 0; i < 16; i++) {
                        out.address[i] = (byte) (b.get(v + 4 + i) ^ b.get(at + 4 + i));
                    }
                } else {
                    return false;
                }
                havePeer = true;
            } else if (type == StunAttributes.DATA && !haveData) {
                out.dataOffset = v;
                out.dataLength = alen;
                haveData = true;
            }
            p = v + ((alen + 3) & ~3);
        }
        return havePeer && haveData;
    }

    /** Header length for a Data indication to a peer of the given address length (4 or 16). */
    public static int headerLength(int addressLength) {
        return StunFrames.HEADER + 4 + 4 + addressLength + 4;
    }

    /**
     * Writes a Data indication header at {@code at} for {@code dataLength} bytes that already follow it,
     * and zero padding after the data. Returns the total frame length.
     */
    public static int writeDataIndication(ByteBuffer b, int at, byte[] peerAddress, int addressLength, int peerPort,
                                          int dataLength, long transactionCounter) {
        int hdr = headerLength(addressLength);
        int pad = ChannelDataFraming.padding(dataLength);
        int bodyLength = hdr - StunFrames.HEADER + dataLength + pad;
        b.putShort(at, (short) DATA_INDICATION);
        b.putShort(at + 2, (short) bodyLength);
        b.putInt(at + 4, StunFrames.MAGIC_COOKIE);
        b.putLong(at + 8, transactionCounter);
        b.putInt(at + 16, (int) (transactionCounter >>> 17) ^ 0x5A5A5A5A);
        int p = at + StunFrames.HEADER;
        b.putShort(p, (short) StunAttributes.XOR_PEER_ADDRESS);
        b.putShort(p + 2, (short) (4 + addressLength));
        b.put(p + 4, (byte) 0);
        b.put(p + 5, (byte) (addressLength == 4 ? 1 : 2));
        b.putShort(p + 6, (short) (peerPort ^ (StunFrames.MAGIC_COOKIE >>> 16)));
        for (int i = 0; i < addressLength; i++) {
            // IPv4 XORs with the cookie; IPv6 with cookie || transaction id, which sits at at+4..at+19
            b.put(p + 8 + i, (byte) (peerAddress[i] ^ b.get(at + 4 + i)));
        }
        p += 8 + addressLength;
        b.putShort(p, (short) StunAttributes.DATA);
        b.putShort(p + 2, (short) dataLength);
        int end = p + 4 + dataLength;
        for (int i = 0; i < pad; i++) {
            b.put(end + i, (byte) 0);
        }
        return hdr + dataLength + pad;
    }
}
