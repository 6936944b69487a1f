package dev.parley.turn.proto;

import java.nio.ByteBuffer;

/**
 * ChannelData framing (RFC 8656 §12.4): a 4-byte header (channel number, length) then the data,
 * padded to a multiple of 4 over TCP/TLS. Works in place on a buffer so the relay path allocates nothing.
 */
public final class ChannelDataFraming {
    public static final int HEADER = 4;
    public static final int MIN_CHANNEL = 0x4000;
    /** Highest channel number of RFC 8656 §12: 0x5000-0x7FFF are reserved; ChannelBind gets 400 for them. */
    public static final int MAX_CHANNEL = 0x4FFF;
    /**
     * Highest channel number of RFC 5766, which coturn and its {@code turnutils_uclient} still use (the
     * client picks 0x4000-0x7FFF at random); accepted only with {@code --turn-legacy-channels}.
     */
    public static final int LEGACY_MAX_CHANNEL = 0x7FFF;

    private ChannelDataFraming() {
    }

    /** True if the first two bits are 0b01 (0x4000-0x7FFF): ChannelData, valid number or not (RFC 8656 §12.5). */
    public static boolean looksLikeChannelData(byte first) {
        return (first & 0xC0) == 0x40;
    }

    /** True for 0x4000-0x4FFF (RFC 8656), or up to 0x7FFF with {@code legacy} (RFC 5766). */
    public static boolean isValidChannel(int channel, boolean legacy) {
        return channel >= MIN_CHANNEL && channel <= (legacy ? LEGACY_MAX_CHANNEL : MAX_CHANNEL);
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
