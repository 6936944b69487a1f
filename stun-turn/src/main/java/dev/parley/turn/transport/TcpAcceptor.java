package dev.parley.turn.transport;

import dev.parley.turn.allocation.FiveTuple;
import dev.parley.turn.server.RelayPath;
import dev.parley.turn.server.TurnHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/** Accepts TCP (or, with an {@link SSLContext}, TLS) client connections, up to a fixed limit. */
final class TcpAcceptor implements IoHandler {
    private static final int MAX_CONNECTIONS = 20_000;
    private static final int BATCH = 32;
    private int open;

    private final ServerSocketChannel server;
    private final InetSocketAddress local;
    private final NioLoop loop;
    private final TurnHandler handler;
    private final RelayPath relay;
    private final SSLContext tls;
    private final Executor tlsWorker;
    private final long idleNanos;

    TcpAcceptor(ServerSocketChannel server, NioLoop loop, TurnHandler handler, RelayPath relay, SSLContext tls,
                Executor tlsWorker, long idleNanos) throws IOException {
        this.server = server;
        this.local = (InetSocketAddress) server.getLocalAddress();
        this.loop = loop;
        this.handler = handler;
        this.relay = relay;
        this.tls = tls;
        this.tlsWorker = tlsWorker;
        this.idleNanos = idleNanos;
    }

    InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public void onReady(SelectionKey key, long now) throws IOException {
        for (int i = 0; i < BATCH; i++) {
            SocketChannel ch = server.accept();
            if (ch == null) {
                return;
            }
            if (open >= MAX_CONNECTIONS) {
                ch.close();
                continue;
            }
            try {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                SSLEngine engine = tls == null ? null : tls.createSSLEngine();
                InetSocketAddress remote = StreamConnection.remote(ch);
                FiveTuple tuple = new FiveTuple(remote, local, StreamConnection.transportOf(engine));
                StreamConnection c = new StreamConnection(ch, tuple, handler, relay, engine, tlsWorker, loop,
                        idleNanos, () -> open--);
                open++;
                c.registered(loop.register(ch, SelectionKey.OP_READ, c));
            } catch (IOException | RuntimeException e) {
                ch.close();
            }
        }
    }

    @Override
    public void onFailure(Exception e) {
        // accept failures (e.g. EMFILE) are transient; keep listening
    }
}
