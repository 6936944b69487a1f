package dev.parley.turn.transport;

import dev.parley.turn.TurnConfig;
import dev.parley.turn.allocation.AllocationTable;
import dev.parley.turn.allocation.RelayPorts;
import dev.parley.turn.auth.Authenticator;
import dev.parley.turn.auth.NonceManager;
import dev.parley.turn.policy.PeerPolicy;
import dev.parley.turn.policy.SourceLimiter;
import dev.parley.turn.server.RelayPath;
import dev.parley.turn.server.TurnHandler;
import dev.parley.turn.server.TurnMetrics;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.time.Clock;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * Binds the UDP, TCP and TLS listeners, wires the handler and relay path to one {@link NioLoop} and
 * starts it. Everything after {@link #start} runs on that loop, except the CPU-heavy steps of TLS
 * handshakes, which run on one worker thread ({@code parley-turn-tls}) so they never delay relaying.
 */
public final class TurnRuntime implements AutoCloseable {
    /** TLS handshake steps waiting for the worker; beyond this new handshakes are refused (connection closed). */
    private static final int TLS_QUEUE = 256;

    private final NioLoop loop;
    private final ExecutorService tlsWorker;
    private final TurnHandler handler;
    private final InetSocketAddress udp;
    private final InetSocketAddress tcp;
    private final InetSocketAddress tls;

    private TurnRuntime(NioLoop loop, ExecutorService tlsWorker, TurnHandler handler, InetSocketAddress udp,
                        InetSocketAddress tcp, InetSocketAddress tls) {
        this.loop = loop;
        this.tlsWorker = tlsWorker;
        this.handler = handler;
        this.udp = udp;
        this.tcp = tcp;
        this.tls = tls;
    }

    public static TurnRuntime start(TurnConfig config, TurnMetrics metrics, Authenticator authenticator,
                                    SSLContext sslContext, Clock clock) throws IOException {
        return start(config, metrics, authenticator, sslContext, clock, ConnectedUdp.forThisHost());
    }

    /** With an explicit policy for per-client connected UDP sockets (tests). */
    static TurnRuntime start(TurnConfig config, TurnMetrics metrics, Authenticator authenticator,
                             SSLContext sslContext, Clock clock, ConnectedUdp connectedUdp) throws IOException {
        NioLoop loop = new NioLoop("parley-turn-io");
        DatagramChannel udpChannel = null;
        ServerSocketChannel tcpChannel = null;
        ServerSocketChannel tlsChannel = null;
        ExecutorService tlsWorker = null;
        try {
            for (int attempt = 0; ; attempt++) {
                udpChannel = DatagramChannel.open();
                udpChannel.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
                udpChannel.setOption(StandardSocketOptions.SO_SNDBUF, 1 << 20);
                // bound without SO_REUSEPORT, so the port is ours alone (a second server on it fails to
                // start, and an ephemeral port is never one another reuseport socket holds); set afterwards,
                // it lets the per-client connected sockets join this one's reuseport group
                udpChannel.bind(new InetSocketAddress(config.bindAddress(), config.turnPort()));
                if (connectedUdp.enabled()) {
                    udpChannel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                }
                int port = ((InetSocketAddress) udpChannel.getLocalAddress()).getPort();
                tcpChannel = ServerSocketChannel.open();
                tcpChannel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                try {
                    tcpChannel.bind(new InetSocketAddress(config.bindAddress(), port), 1024);
                    break;
                } catch (BindException e) {
                    udpChannel.close();
                    tcpChannel.close();
                    if (config.turnPort() != 0 || attempt > 20) {
                        throw e;
                    }
                }
            }
            if (config.tlsEnabled()) {
                tlsChannel = ServerSocketChannel.open();
                tlsChannel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                tlsChannel.bind(new InetSocketAddress(config.bindAddress(), config.turnsPort()), 1024);
            }
            InetSocketAddress udp = (InetSocketAddress) udpChannel.getLocalAddress();
            InetSocketAddress tcp = (InetSocketAddress) tcpChannel.getLocalAddress();
            InetSocketAddress tls = tlsChannel == null ? null : (InetSocketAddress) tlsChannel.getLocalAddress();

            AllocationTable table = new AllocationTable(new HashSet<>(java.util.List.of(config.relayIp(), config.externalIp())));
            Set<InetSocketAddress> reserved = new HashSet<>(config.reservedEndpoints());
            reserved.add(new InetSocketAddress(udp.getPort()));
            if (tls != null) {
                reserved.add(new InetSocketAddress(tls.getPort()));
            }
            Set<InetAddress> own = localAddresses();
            own.add(config.relayIp());
            own.add(config.externalIp());
            own.add(config.bindAddress());
            PeerPolicy policy = new PeerPolicy(config.allowedPeers(), config.allowLoopbackPeers(), reserved, own,
                    table::isOwnRelayed);
            LoopRelaySockets sockets = new LoopRelaySockets(loop, config.relayIp());
            RelayPath relay = new RelayPath(metrics, policy, config.legacyChannelNumbers());
            sockets.relayPath(relay);
            TurnHandler handler = new TurnHandler(config, table,
                    new RelayPorts(config.relayPortMin(), config.relayPortMax()), sockets, authenticator,
                    new NonceManager(config.nonceLifetime(), clock), policy, metrics,
                    new SourceLimiter(config.sourceRequestsPerSecond(), 2.0 * config.sourceRequestsPerSecond(), 65_536),
                    clock);

            udpChannel.configureBlocking(false);
            loop.register(udpChannel, SelectionKey.OP_READ,
                    new UdpListener(udpChannel, handler, relay, metrics, loop, connectedUdp));
            tcpChannel.configureBlocking(false);
            long idle = config.streamIdleTimeout().toNanos();
            loop.register(tcpChannel, SelectionKey.OP_ACCEPT,
                    new TcpAcceptor(tcpChannel, loop, handler, relay, null, null, idle));
            if (tlsChannel != null) {
                tlsWorker = tlsWorker();
                tlsChannel.configureBlocking(false);
                loop.register(tlsChannel, SelectionKey.OP_ACCEPT,
                        new TcpAcceptor(tlsChannel, loop, handler, relay, sslContext, tlsWorker, idle));
            }
            loop.start();
            return new TurnRuntime(loop, tlsWorker, handler, udp, tcp, tls);
        } catch (IOException | RuntimeException e) {
            closeQuietly(udpChannel);
            closeQuietly(tcpChannel);
            closeQuietly(tlsChannel);
            if (tlsWorker != null) {
                tlsWorker.shutdownNow();
            }
            loop.close();
            throw e;
        }
    }

    private static ExecutorService tlsWorker() {
        ThreadPoolExecutor ex = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(TLS_QUEUE), r -> {
                    Thread t = new Thread(r, "parley-turn-tls");
                    t.setDaemon(true);
                    return t;
                });
        return ex;
    }

    private static void closeQuietly(java.nio.channels.Channel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }

    private static Set<InetAddress> localAddresses() {
        Set<InetAddress> out = new HashSet<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                out.addAll(Collections.list(ni.getInetAddresses()));
            }
        } catch (SocketException e) {
            // best effort: loopback and configured addresses are still covered
        }
        return out;
    }

    public InetSocketAddress udpAddress() {
        return udp;
    }

    public InetSocketAddress tcpAddress() {
        return tcp;
    }

    public InetSocketAddress tlsAddress() {
        return tls;
    }

    public boolean isRunning() {
        return loop.isRunning();
    }

    /** Asks the loop to expire allocations, permissions and channels. */
    public void sweep() {
        loop.execute(() -> handler.sweep(System.nanoTime()));
    }

    /** Like {@link #sweep} as if the time were {@code nowNanos} (tests: expiry without waiting). */
    void sweepAt(long nowNanos) {
        loop.execute(() -> handler.sweep(nowNanos));
    }

    @Override
    public void close() {
        loop.shutdown(handler::releaseAll);
        if (tlsWorker != null) {
            tlsWorker.shutdownNow();
        }
    }
}
