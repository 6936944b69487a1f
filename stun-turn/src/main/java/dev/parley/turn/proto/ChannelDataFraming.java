package dev.parley.turn.proto;

import java.nio.ByteBuffer;

/**
 * ChannelData framing (RFC 8656 §12.4): a 4-byte header (channel number, length) then the data,
 * padded to a multiple of 4 over TCP/TLS. Works in place on a buffer so the relay path allocates nothing.
 */
public final class ChannelDataFraming {
    public static final int HEADER = 4;
    public static final int MIN_CHANNEL = 0x4000;
    /**
     * RFC 8656 §12 narrowed channel numbers to 0x4000-0x4FFF, but RFC 5766 allowed up to 0x7FFF and
     * coturn (server and its turnutils_uclient) still use that range; like coturn we accept it, since
     * 0x5000-0x7FFF cannot collide with STUN (first bits 01) and browsers stay below 0x5000 anyway.
     */
    public static final int MAX_CHANNEL = 0x7FFF;

    private ChannelDataFraming() {
    }

    /** True if the first two bits are 0b01 (channel numbers 0x4000-0x7FFF). */
    public static boolean looksLikeChannelData(byte first) {
        return (first & 0xC0) == 0x40;
    }

    public static boolean isValidChannel(int channel) {
        return channel >= MIN_CHANNEL && channel <= MAX_CHANNEL;
    }

    public static int channel(ByteBuffer b, int at) {
        return b.getShort(at) & 0xFFFF;
    }

    public static int length(ByteBuffer b, int at) {
        return b.getShort(at + 2) & 0xFFFF;
    }

    public static void writeHeader(ByteBuffer b, int at, int channel, int length) {
        b.putShort(at, (short) channel);
        b.putShort(at + 2, (short) length);
    }

    /** Bytes of padding needed after {@code length} bytes to reach a 4-byte boundary. */
    public static int padding(int length) {
        return (4 - (length & 3)) & 3;
    }
}
