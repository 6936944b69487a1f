package dev.parley.turn.transport;

import dev.parley.turn.allocation.Allocation;
import dev.parley.turn.allocation.ClientLink;
import dev.parley.turn.allocation.ClientTransport;
import dev.parley.turn.allocation.FiveTuple;
import dev.parley.turn.proto.ChannelDataFraming;
import dev.parley.turn.proto.DataIndicationFraming;
import dev.parley.turn.proto.StunFrames;
import dev.parley.turn.server.RelayPath;
import dev.parley.turn.server.TurnHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLEngine;

/**
 * One TCP or TLS client connection (RFC 8656 §3.1): a byte stream of STUN messages and ChannelData
 * frames padded to 4 bytes. Reassembles frames in place, bounds every buffer, and closes the
 * connection on anything that is neither STUN nor ChannelData (a stream cannot be resynchronised).
 * A connection without an allocation for {@code idleNanos} (never allocated, or since its allocation
 * ended) is closed, as coturn does after 30 s.
 */
final class StreamConnection implements IoHandler, ClientLink {
    private static final int MAX_FRAME = 4 + 65535 + 3;
    private static final int MAX_BACKLOG = 512 * 1024;

    private final SocketChannel channel;
    private final FiveTuple tuple;
    private final TurnHandler handler;
    private final RelayPath relay;
    private final TlsSession tls;
    private final Runnable onClose;
    private final NioLoop loop;
    private final long idleNanos;
    private long idleDeadline;
    private ByteBuffer in;
    private ByteBuffer out = ByteBuffer.allocate(0);
    private SelectionKey key;
    private Allocation allocation;
    private boolean closed;

    StreamConnection(SocketChannel channel, FiveTuple tuple, TurnHandler handler, RelayPath relay, SSLEngine engine,
                     Executor tlsWorker, NioLoop loop, long idleNanos, Runnable onClose) throws IOException {
        this.channel = channel;
        this.tuple = tuple;
        this.handler = handler;
        this.relay = relay;
        this.onClose = onClose;
        this.loop = loop;
        this.idleNanos = idleNanos;
        this.tls = engine == null ? null : new TlsSession(engine, tlsWorker, () -> loop.execute(this::resumeTls));
        // a stalled TLS reader that keeps the backlog full gets closed rather than growing it
        this.in = ByteBuffer.allocate(tls == null ? 4096 : tls.applicationBufferSize());
    }

    void registered(SelectionKey k) {
        key = k;
        armIdleTimer();
    }

    private void armIdleTimer() {
        idleDeadline = System.nanoTime() + idleNanos;
        loop.schedule(idleNanos, this::closeIfIdle);
    }

    private void closeIfIdle() {
        if (!closed && allocation == null && System.nanoTime() - idleDeadline >= 0) {
            close();
        }
    }

    @Override
    public void onReady(SelectionKey k, long now) throws IOException {
        if (k.isValid() && k.isWritable()) {
            flush();
        }
        if (k.isValid() && k.isReadable()) {
            int n;
            if (tls == null) {
                n = channel.read(in);
            } else {
                ByteBuffer[] holder = {in};
                n = tls.read(channel, holder, this::writeRaw);
                in = holder[0];
            }
            if (n < 0) {
                close();
                return;
            }
            parseFrames(now);
            updateInterest();
        }
    }

    /** On the loop after the TLS worker finished a handshake step. */
    private void resumeTls() {
        if (closed) {
            return;
        }
        try {
            ByteBuffer[] holder = {in};
            int n = tls.resume(holder, this::writeRaw);
            in = holder[0];
            if (n < 0) {
                close();
                return;
            }
            parseFrames(System.nanoTime());
            updateInterest();
        } catch (IOException | RuntimeException e) {
            close();
        }
    }

    /** Read unless a TLS handshake step runs on the worker; write while bytes are queued. */
    private void updateInterest() {
        if (closed || !key.isValid()) {
            return;
        }
        int ops = (tls != null && tls.paused() ? 0 : SelectionKey.OP_READ)
                | (out.position() > 0 ? SelectionKey.OP_WRITE : 0);
        if (key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    private ByteBuffer growIn(ByteBuffer current, int atLeast) {
        int size = Math.max(current.capacity() * 2, current.position() + atLeast);
        ByteBuffer bigger = ByteBuffer.allocate(Math.min(size, MAX_FRAME + 65536));
        current.flip();
        bigger.put(current);
        in = bigger;
        return bigger;
    }

    private void parseFrames(long now) throws IOException {
        in.flip();
        while (!closed && in.remaining() >= 4) {
            int at = in.position();
            byte first = in.get(at);
            int frame;
            if (ChannelDataFraming.looksLikeChannelData(first)) {
                int len = ChannelDataFraming.length(in, at);
                frame = ChannelDataFraming.HEADER + len + ChannelDataFraming.padding(len);
            } else if (StunFrames.looksLikeStun(first)) {
                frame = StunFrames.HEADER + (in.getShort(at + 2) & 0xFFFF);
            } else {
                handler.onJunk(tuple.client(), now);
                close();
                return;
            }
            if (in.remaining() < frame) {
                if (at + frame > in.capacity()) {
                    in.compact();
                    growIn(in, frame);
                    in.flip();
                }
                break;
            }
            int limit = in.limit();
            dispatch(first, at, frame, now);
            in.limit(limit).position(at + frame);
        }
        if (!closed) {
            in.compact();
        }
    }

    private void dispatch(byte first, int at, int frame, long now) {
        if (ChannelDataFraming.looksLikeChannelData(first)) {
            relay.fromClientChannelData(allocation, in, at, frame, now);
        } else if (allocation != null && (in.getShort(at) & 0x3FFF) == DataIndicationFraming.SEND_INDICATION) {
            relay.fromClientSend(allocation, in, at, frame, now);
        } else {
            byte[] raw = new byte[frame];
            in.get(at, raw);
            handler.onStun(raw, this, now);
        }
    }

    @Override
    public boolean send(ByteBuffer frame) {
        if (closed) {
            return false;
        }
        try {
            return tls == null ? writeRaw(frame, false)
                    : tls.write(frame, this::writeRaw, () -> MAX_BACKLOG - out.position());
        } catch (IOException e) {
            close();
            return false;
        }
    }

    /** Writes network bytes, queueing what the socket will not take now; false if the backlog is full. */
    private boolean writeRaw(ByteBuffer bytes, boolean force) throws IOException {
        if (out.position() == 0) {
            channel.write(bytes);
            if (!bytes.hasRemaining()) {
                return true;
            }
        }
        if (!force && out.position() + bytes.remaining() > MAX_BACKLOG) {
            return false;
        }
        if (out.remaining() < bytes.remaining()) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(Math.min(MAX_BACKLOG, out.capacity() * 2),
                    out.position() + bytes.remaining()));
            out.flip();
            bigger.put(out);
            out = bigger;
        }
        out.put(bytes);
        updateInterest();
        return true;
    }

    private void flush() throws IOException {
        out.flip();
        channel.write(out);
        out.compact();
        updateInterest();
    }

    @Override
    public FiveTuple fiveTuple() {
        return tuple;
    }

    @Override
    public Allocation allocation() {
        return allocation;
    }

    @Override
    public void attach(Allocation a) {
        boolean ended = allocation != null && a == null;
        allocation = a;
        if (ended && !closed) {
            armIdleTimer();
        }
    }

    @Override
    public void onFailure(Exception e) {
        close();
    }

    /** Closing the connection deletes its allocation (RFC 8656 §3.1). */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (allocation != null) {
            handler.release(allocation);
        }
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException e) {
            // nothing to do
        }
        onClose.run();
    }

    static InetSocketAddress remote(SocketChannel ch) throws IOException {
        return (InetSocketAddress) ch.getRemoteAddress();
    }

    static ClientTransport transportOf(SSLEngine engine) {
        return engine == null ? ClientTransport.TCP : ClientTransport.TLS;
    }
}
