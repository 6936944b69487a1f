package dev.parley.signaling.compat.ywebsocket.wire;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/**
 * Reads lib0's binary encoding (the framing y-protocols and Yjs use): unsigned varints of up to
 * 53 bits, length-prefixed byte arrays and UTF-8 strings. Every length is checked against what is
 * left before anything is allocated.
 */
public final class Lib0Reader {

    private final byte[] buf;
    private final int end;
    private int pos;

    public Lib0Reader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public Lib0Reader(byte[] buf, int offset, int length) {
        this.buf = buf;
        this.pos = offset;
        this.end = offset + length;
    }

    public int position() {
        return pos;
    }

    public boolean hasRemaining() {
        return pos < end;
    }

    public int remaining() {
        return end - pos;
    }

    public int readUint8() throws MalformedMessageException {
        if (pos >= end) {
            throw new MalformedMessageException("unexpected end of message");
        }
        return buf[pos++] & 0xff;
    }

    /** lib0 {@code readVarUint}: 7 bits per byte, little-endian, at most 2^53 - 1. */
    public long readVarUint() throws MalformedMessageException {
        long num = 0;
        int shift = 0;
        while (true) {
            int r = readUint8();
            num |= (long) (r & 0x7f) << shift;
            if (r < 0x80) {
                return num;
            }
            shift += 7;
            if (shift > 49) {
                throw new MalformedMessageException("varint out of range");
            }
        }
    }

    /** A varuint that must fit a non-negative int (lengths, counts). */
    public int readLength() throws MalformedMessageException {
        long n = readVarUint();
        if (n > Integer.MAX_VALUE) {
            throw new MalformedMessageException("length out of range");
        }
        return (int) n;
    }

    /** lib0 {@code readVarInt}: sign in bit 6 of the first byte. */
    public long readVarInt() throws MalformedMessageException {
        int r = readUint8();
        long num = r & 0x3f;
        boolean negative = (r & 0x40) != 0;
        int shift = 6;
        while ((r & 0x80) != 0) {
            r = readUint8();
            num |= (long) (r & 0x7f) << shift;
            shift += 7;
            if (shift > 55) {
                throw new MalformedMessageException("varint out of range");
            }
        }
        return negative ? -num : num;
    }

    /** Skips {@code n} raw bytes. */
    public void skip(long n) throws MalformedMessageException {
        if (n < 0 || n > remaining()) {
            throw new MalformedMessageException("length " + n + " exceeds the message");
        }
        pos += (int) n;
    }

    /** lib0 {@code readVarUint8Array}: a varuint length and that many bytes. */
    public byte[] readVarBytes() throws MalformedMessageException {
        long n = readVarUint();
        if (n > remaining()) {
            throw new MalformedMessageException("length " + n + " exceeds the message");
        }
        byte[] out = new byte[(int) n];
        System.arraycopy(buf, pos, out, 0, (int) n);
        pos += (int) n;
        return out;
    }

    /** Skips a varUint8Array without copying it. */
    public void skipVarBytes() throws MalformedMessageException {
        skip(readVarUint());
    }

    /** lib0 {@code readVarString}: a varuint byte length and UTF-8. */
    public String readVarString() throws MalformedMessageException {
        long n = readVarUint();
        if (n > remaining()) {
            throw new MalformedMessageException("length " + n + " exceeds the message");
        }
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(buf, pos, (int) n)).toString();
            pos += (int) n;
            return s;
        } catch (CharacterCodingException e) {
            throw new MalformedMessageException("string is not UTF-8");
        }
    }

    /** The bytes from {@code from} to the current position. */
    public byte[] slice(int from) {
        byte[] out = new byte[pos - from];
        System.arraycopy(buf, from, out, 0, out.length);
        return out;
    }
}
