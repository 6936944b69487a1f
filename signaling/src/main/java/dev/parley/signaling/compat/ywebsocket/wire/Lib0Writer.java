package dev.parley.signaling.compat.ywebsocket.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Writes lib0's binary encoding: unsigned varints, length-prefixed byte arrays and UTF-8 strings. */
public final class Lib0Writer {

    private byte[] buf;
    private int len;

    public Lib0Writer(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    public Lib0Writer writeUint8(int b) {
        ensure(1);
        buf[len++] = (byte) b;
        return this;
    }

    public Lib0Writer writeVarUint(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative varuint " + n);
        }
        while (n > 0x7f) {
            writeUint8((int) (0x80 | (n & 0x7f)));
            n >>>= 7;
        }
        return writeUint8((int) n);
    }

    public Lib0Writer writeVarBytes(byte[] bytes) {
        writeVarUint(bytes.length);
        return writeRaw(bytes);
    }

    public Lib0Writer writeVarString(String s) {
        return writeVarBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    public Lib0Writer writeRaw(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, len, bytes.length);
        len += bytes.length;
        return this;
    }

    public int length() {
        return len;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }
}
