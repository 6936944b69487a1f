package dev.parley.signaling;

import dev.parley.auth.OriginPolicy;
import dev.parley.auth.TokenVerifier;
import dev.parley.presence.cluster.ClusterBus;
import dev.parley.signaling.handler.NativeHandler;
import dev.parley.signaling.http.AdminServlet;
import dev.parley.signaling.http.IceServersServlet;
import dev.parley.signaling.http.PeerjsServlet;
import dev.parley.signaling.compat.peerjs.PeerjsHub;
import dev.parley.signaling.compat.peerjs.PeerjsKeys;
import dev.parley.signaling.ice.IceServerProvider;
import dev.parley.signaling.metrics.SignalingMetrics;
import dev.parley.signaling.protocol.MessageCodec;
import dev.parley.signaling.protocol.ServerMessage;
import dev.parley.signaling.cluster.ClusterAdmin;
import dev.parley.signaling.cluster.ClusterRooms;
import dev.parley.signaling.cluster.RoomDirectory;
import dev.parley.signaling.cluster.SessionMover;
import dev.parley.signaling.presence.PresenceSink;
import dev.parley.signaling.room.BusPeerRouter;
import dev.parley.signaling.room.PeerRouter;
import dev.parley.signaling.room.RoomRegistry;
import dev.parley.signaling.ws.WebSocketInstaller;
import dev.parley.signaling.ws.WriteCoalescer;
import dev.parley.signaling.compat.ywebrtc.YWebrtcHub;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebRTC signaling: the native protocol on {@code /v1/signal}, y-webrtc and PeerJS compatible
 * endpoints, {@code /v1/ice-servers} and {@code /admin/...}.
 *
 * <pre>{@code
 * var signaling = new SignalingService(SignalingConfig.defaults(), meters, scheduler, bus, tokens, origins, ice);
 * signaling.install(context);      // before the Jetty server starts
 * signaling.start();
 * ...
 * signaling.shutdownGracefully(Duration.ofSeconds(5));   // on SIGTERM: bye{action: reconnect} to everyone
 * signaling.close();
 * }</pre>
 */
public final class SignalingService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SignalingService.class);
    /** How long an admin kick waits for the node holding the peer to confirm it. */
    static final Duration KICK_WAIT = Duration.ofSeconds(2);

    private final SignalingConfig config;
    private final TokenVerifier tokens;
    private final OriginPolicy origins;
    private final IceServerProvider ice;
    private final MessageCodec codec = new MessageCodec();
    private final SignalingMetrics metrics;
    private final RoomRegistry rooms;
    private final BusPeerRouter router;
    private final NativeHandler nativeHandler;
    private final ClusterRooms cluster;
    private final SessionMover mover;
    private final ClusterAdmin clusterAdmin;
    private final YWebrtcHub ywebrtc;
    private final PeerjsHub peerjs;
    private final PeerjsKeys peerjsKeys;
    private final WriteCoalescer writers = new WriteCoalescer(WriteCoalescer.defaultThreads());
    private volatile boolean ready;
    private volatile boolean draining;

    public SignalingService(SignalingConfig config, MeterRegistry meters, ScheduledExecutorService scheduler,
                            ClusterBus bus, TokenVerifier tokens, OriginPolicy origins, IceServerProvider ice) {
        this(config, meters, scheduler, bus, tokens, origins, ice, PresenceSink.NONE);
    }

    /** As above, telling {@code presence} about every session, room join/leave, chosen status and end. */
    public SignalingService(SignalingConfig config, MeterRegistry meters, ScheduledExecutorService scheduler,
                            ClusterBus bus, TokenVerifier tokens, OriginPolicy origins, IceServerProvider ice,
                            PresenceSink presence) {
        this(config, meters, scheduler, bus, tokens, origins, ice, presence, null);
    }

    /**
     * As above; with a {@code directory} (Redis) rooms are cluster-wide: rosters, peer-joined/left and
     * room relays span every node sharing it, and sessions can resume on another node.
     */
    public SignalingService(SignalingConfig config, MeterRegistry meters, ScheduledExecutorService scheduler,
                            ClusterBus bus, TokenVerifier tokens, OriginPolicy origins, IceServerProvider ice,
                            PresenceSink presence, RoomDirectory directory) {
        this.config = config;
        this.tokens = tokens;
        this.origins = origins;
        this.ice = ice;
        this.metrics = new SignalingMetrics(meters);
        this.rooms = new RoomRegistry(codec);
        this.router = new BusPeerRouter(bus);
        this.nativeHandler = new NativeHandler(config, codec, rooms, router, tokens, ice, metrics, scheduler,
                Clock.systemUTC(), System::nanoTime, presence);
        if (directory != null) {
            this.cluster = new ClusterRooms(bus.nodeId(), bus, directory, rooms, codec, scheduler, Clock.systemUTC());
            cluster.binaryCodec(codec);
            this.mover = new SessionMover(bus.nodeId(), bus, directory, codec.mapper(), scheduler, Duration.ofMillis(1500));
            nativeHandler.cluster(cluster, mover);
            router.onFence(mover::fenceSeen);
            cluster.onFence(mover::fenceSeen);
            this.clusterAdmin = new ClusterAdmin(bus.nodeId(), bus, cluster, codec.mapper(), scheduler,
                    KICK_WAIT);
        } else {
            this.cluster = null;
            this.mover = null;
            this.clusterAdmin = null;
        }
        this.ywebrtc = new YWebrtcHub(codec.mapper(), metrics, scheduler, config.ywebrtcPing(),
                config.maxRoomsPerSession(), System::nanoTime, bus, config.maxFrameBytes());
        this.peerjs = new PeerjsHub(codec.mapper(), metrics, scheduler, config.peerjsExpire(), config.peerjsAlive(),
                config.maxConnections(), System::nanoTime);
        this.peerjsKeys = new PeerjsKeys(config.peerjsKey(), tokens);
        if (directory != null && directory.peerjsIds() != null && bus.isDistributed()) {
            peerjs.cluster(bus, directory.peerjsIds(), config.maxFrameBytes());
        }
        metrics.gauge("rooms", rooms::roomCount);
        metrics.gauge("ywebrtc.topics", ywebrtc::topicCount);
        metrics.gauge("sessions", nativeHandler::sessionCount);
    }

    /** Adds the WebSocket endpoints and servlets to the server's one context. Call once, before Jetty starts. */
    public void install(ServletContextHandler context) {
        new WebSocketInstaller(origins, writers)
                .nativeEndpoint("/v1/signal", nativeHandler, config, metrics, tokens, codec)
                .yWebrtcEndpoint("/compat/y-webrtc", ywebrtc, config, metrics, tokens)
                .peerjsEndpoint("/compat/peerjs/peerjs", peerjs, peerjsKeys, config, metrics)
                .install(context);
        ServletHolder peerjsHttp = new ServletHolder(new PeerjsServlet(origins, tokens, codec.mapper(), peerjs, peerjsKeys,
                config.peerjsDiscovery()));
        peerjsHttp.setAsyncSupported(true);   // id lookups in the cluster directory answer without holding a thread
        context.addServlet(peerjsHttp, "/compat/peerjs/*");
        ServletHolder admin = new ServletHolder(new AdminServlet(origins, tokens, codec.mapper(), rooms, nativeHandler,
                cluster, clusterAdmin));
        admin.setAsyncSupported(true);   // cluster reads and kicks on other nodes answer without holding a thread
        context.addServlet(admin, "/admin/*");
        context.addServlet(new ServletHolder(new IceServersServlet(origins, tokens, codec.mapper(), ice)), "/v1/ice-servers");
    }

    public void start() {
        if (tokens.isDevMode()) {
            LOG.warn("*** signaling runs in DEV MODE: no --auth-secret, every client is an anonymous user "
                    + "who may join any room. Never expose this to the internet. ***");
        }
        if (cluster != null) {
            cluster.start();
            mover.start(nativeHandler);
            clusterAdmin.start((room, peer) -> nativeHandler.kick(room, peer, "kicked by an operator"));
        }
        writers.start();
        nativeHandler.start();
        ywebrtc.start();
        peerjs.start();
        ready = true;
    }

    public boolean isReady() {
        return ready && !draining;
    }

    /** Tells every client to reconnect elsewhere ({@code bye{action: reconnect}}, close 1012). */
    public void drain() {
        draining = true;
        nativeHandler.drain(ServerMessage.Bye.RECONNECT, 1012);
        ywebrtc.drain(1012);
        peerjs.drain(1012);
    }

    /**
     * {@link #drain()}, then waits up to {@code timeout} for the connections to go; true if they all
     * went. In cluster mode it then waits, within the same {@code timeout}, for the sessions to be
     * resumed on other nodes (moved losslessly while this node still answers take-overs).
     */
    public boolean shutdownGracefully(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        drain();
        try {
            boolean closed = metrics.awaitNoConnections(timeout);
            if (cluster != null) {
                // clients resume on other nodes: while this node still answers, their sessions move
                // there without loss; only what is left at the deadline gets parked by close()
                boolean moved = nativeHandler.awaitNoSessions(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                if (!moved) {
                    LOG.info("signaling: {} sessions not resumed elsewhere during the drain; parking them",
                            nativeHandler.sessionCount());
                }
            }
            return closed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The native protocol handler (admin and tests). */
    public NativeHandler nativeHandler() {
        return nativeHandler;
    }

    public RoomRegistry rooms() {
        return rooms;
    }

    @Override
    public void close() {
        ready = false;
        if (cluster != null) {
            // sessions continue on other nodes: park them, stop answering takeovers
            nativeHandler.parkAll();
            mover.close();
            clusterAdmin.close();
        }
        nativeHandler.close();
        ywebrtc.close();
        peerjs.close();
        router.close();
        if (cluster != null) {
            cluster.retire(config.resumeGrace());
            cluster.close();
        }
        writers.close();
    }
}
