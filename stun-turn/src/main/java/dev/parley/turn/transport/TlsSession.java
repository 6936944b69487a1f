package dev.parley.turn.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * TLS for one connection with an {@link SSLEngine} over a non-blocking channel (TURNS, RFC 8656 §3.1).
 * The handshake's expensive steps (the engine's delegated tasks: key exchange, signatures) run on a
 * worker, never on the I/O loop: while they run the connection reads nothing, and when they are done
 * the worker hands {@code resume} back to the loop, which calls {@link #resume}. The JDK's delegated
 * task holds the engine's lock while it runs, so the loop must not call the engine at all meanwhile.
 */
final class TlsSession {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    /** Writes network bytes; with {@code force} it must queue rather than drop (TLS records are sequenced). */
    interface RawWriter {
        boolean write(ByteBuffer bytes, boolean force) throws IOException;
    }

    private final SSLEngine engine;
    private final Executor worker;
    private final Runnable resumeOnLoop;
    private ByteBuffer netIn;
    private ByteBuffer netOut;
    private boolean taskRunning;

    /**
     * @param worker       runs delegated tasks; may reject (the connection is then closed)
     * @param resumeOnLoop called on the worker after the tasks; must hand over to the loop
     */
    TlsSession(SSLEngine engine, Executor worker, Runnable resumeOnLoop) throws SSLException {
        this.engine = engine;
        this.worker = worker;
        this.resumeOnLoop = resumeOnLoop;
        engine.setUseClientMode(false);
        engine.beginHandshake();
        netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    }

    int applicationBufferSize() {
        return engine.getSession().getApplicationBufferSize() + 64;
    }

    /** True while delegated tasks run on the worker: the connection must not read until {@link #resume}. */
    boolean paused() {
        return taskRunning;
    }

    /**
     * Reads network bytes and decrypts into {@code app[0]} (which may be replaced by a bigger buffer).
     * Returns -1 at end of stream or on TLS close.
     */
    int read(SocketChannel ch, ByteBuffer[] app, RawWriter w) throws IOException {
        if (taskRunning) {
            return 0;
        }
        int n = ch.read(netIn);
        if (n < 0) {
            return -1;
        }
        return unwrapAll(app, w) < 0 ? -1 : n;
    }

    /** On the loop once the worker finished the delegated tasks: continue the handshake, decrypt what is buffered. */
    int resume(ByteBuffer[] app, RawWriter w) throws IOException {
        taskRunning = false;
        handshake(w);
        return unwrapAll(app, w);
    }

    private int unwrapAll(ByteBuffer[] app, RawWriter w) throws IOException {
        netIn.flip();
        try {
            while (!taskRunning) {
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
                        return 0;
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
                if (taskRunning) {
                    // the worker's delegated task holds the engine's lock until it is done: touching the
                    // engine now (even getHandshakeStatus) would block the I/O loop behind the handshake
                    return 0;
                }
                if (!progressed || !netIn.hasRemaining()) {
                    if (engine.getHandshakeStatus() != HandshakeStatus.NEED_UNWRAP || !netIn.hasRemaining()) {
                        return 0;
                    }
                }
            }
            return 0;
        } finally {
            netIn.compact();
        }
    }

    /** Starts delegated tasks on the worker and sends handshake records; true if anything happened. */
    private boolean handshake(RawWriter w) throws IOException {
        boolean did = false;
        while (!taskRunning) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                List<Runnable> tasks = new ArrayList<>(2);
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    tasks.add(task);
                }
                taskRunning = true;
                worker.execute(() -> {
                    try {
                        tasks.forEach(Runnable::run);
                    } finally {
                        resumeOnLoop.run();
                    }
                });
                return true;
            } else if (hs == HandshakeStatus.NEED_WRAP) {
                wrap(EMPTY, w);
                did = true;
            } else {
                return did;
            }
        }
        return did;
    }

    /**
     * Encrypts and sends an application frame; false (frame dropped, stream intact) if the backlog is
     * full or a delegated task owns the engine.
     */
    boolean write(ByteBuffer app, RawWriter w, IntSupplier backlogRoom) throws IOException {
        if (taskRunning || backlogRoom.getAsInt() < app.remaining() + 2048) {
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
