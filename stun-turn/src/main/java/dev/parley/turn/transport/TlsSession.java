package dev.parley.turn.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.function.IntSupplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/** TLS for one connection with an {@link SSLEngine} over a non-blocking channel (TURNS, RFC 8656 §3.1). */
final class TlsSession {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    /** Writes network bytes; with {@code force} it must queue rather than drop (TLS records are sequenced). */
    interface RawWriter {
        boolean write(ByteBuffer bytes, boolean force) throws IOException;
    }

    private final SSLEngine engine;
    private ByteBuffer netIn;
    private ByteBuffer netOut;

    TlsSession(SSLEngine engine) throws SSLException {
        this.engine = engine;
        engine.setUseClientMode(false);
        engine.beginHandshake();
        netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    }

    int applicationBufferSize() {
        return engine.getSession().getApplicationBufferSize() + 64;
    }

    /**
     * Reads network bytes and decrypts into {@code app[0]} (which may be replaced by a bigger buffer).
     * Returns -1 at end of stream or on TLS close.
     */
    int read(SocketChannel ch, ByteBuffer[] app, RawWriter w) throws IOException {
        int n = ch.read(netIn);
        if (n < 0) {
            return -1;
        }
        netIn.flip();
        try {
            while (true) {
                SSLEngineResult r = engine.unwrap(netIn, app[0]);
                switch (r.getStatus()) {
                    case BUFFER_OVERFLOW -> {
                        ByteBuffer bigger = ByteBuffer.allocate(app[0].capacity() + applicationBufferSize());
                        app[0].flip();
                        bigger.put(app[0]);
                        app[0] = bigger;
                        continue;
                    }
                    case BUFFER_UNDERFLOW -> {
                        if (netIn.limit() == netIn.capacity() && netIn.position() == 0) {
                            if (netIn.capacity() >= 4 * engine.getSession().getPacketBufferSize()) {
                                throw new SSLException("TLS record too large");
                            }
                            ByteBuffer bigger = ByteBuffer.allocate(netIn.capacity() * 2);
                            bigger.put(netIn);
                            bigger.flip();
                            netIn = bigger;
                        }
                        return n;
                    }
                    case CLOSED -> {
                        return -1;
                    }
                    default -> {
                        // OK
                    }
                }
                boolean progressed = r.bytesConsumed() > 0 || r.bytesProduced() > 0;
                progressed |= handshake(w);
                if (!progressed || !netIn.hasRemaining()) {
                    if (engine.getHandshakeStatus() != HandshakeStatus.NEED_UNWRAP || !netIn.hasRemaining()) {
                        return n;
                    }
                }
            }
        } finally {
            netIn.compact();
        }
    }

    /** Runs delegated tasks and sends handshake records; true if anything happened. */
    private boolean handshake(RawWriter w) throws IOException {
        boolean did = false;
        while (true) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    task.run();
                }
                did = true;
            } else if (hs == HandshakeStatus.NEED_WRAP) {
                wrap(EMPTY, w);
                did = true;
            } else {
                return did;
            }
        }
    }

    /** Encrypts and sends an application frame; false (frame dropped, stream intact) if the backlog is full. */
    boolean write(ByteBuffer app, RawWriter w, IntSupplier backlogRoom) throws IOException {
        if (backlogRoom.getAsInt() < app.remaining() + 2048) {
            return false;
        }
        while (app.hasRemaining()) {
            wrap(app, w);
        }
        return true;
    }

    private void wrap(ByteBuffer app, RawWriter w) throws IOException {
        while (true) {
            netOut.clear();
            SSLEngineResult r = engine.wrap(app, netOut);
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                netOut = ByteBuffer.allocate(netOut.capacity() * 2);
                continue;
            }
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new SSLException("TLS closed");
            }
            netOut.flip();
            if (netOut.hasRemaining()) {
                w.write(netOut, true);
            }
            return;
        }
    }
}
