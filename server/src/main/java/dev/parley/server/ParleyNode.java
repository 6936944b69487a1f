package dev.parley.server;

import dev.parley.auth.OriginPolicy;
import dev.parley.auth.TokenVerifier;
import dev.parley.presence.ClusterBuses;
import dev.parley.presence.PresenceConfig;
import dev.parley.presence.PresenceService;
import dev.parley.presence.cluster.ClusterBus;
import dev.parley.server.config.ConfigException;
import dev.parley.server.config.Mode;
import dev.parley.signaling.SignalingService;
import dev.parley.signaling.cluster.redis.RedisRoomDirectory;
import dev.parley.signaling.compat.ywebsocket.YWebsocketConfig;
import dev.parley.signaling.compat.ywebsocket.YWebsocketRelay;
import org.eclipse.jetty.ee11.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import dev.parley.turn.TurnConfig;
import dev.parley.turn.TurnServer;
import dev.parley.turn.policy.Cidr;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import dev.parley.server.config.ParleyConfig;
import dev.parley.server.http.HttpServer;
import dev.parley.server.lifecycle.Component;
import dev.parley.server.lifecycle.Health;
import dev.parley.server.lifecycle.Lifecycle;
import dev.parley.server.observability.Metrics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Parley process, wired from its configuration: the modules as components in dependency order,
 * the HTTP server last. Tests start nodes in-process with port 0.
 *
 * <pre>{@code
 * try (ParleyNode node = new ParleyNode(ParleyConfig.parse(List.of("serve", "--http-port", "0"), Map.of()))) {
 *     node.start();
 *     URI base = URI.create("http://" + node.httpAddress().getHostString() + ":" + node.httpAddress().getPort());
 * }
 * }</pre>
 */
public final class ParleyNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ParleyNode.class);

    private final ParleyConfig config;
    private final String nodeId;
    private final ScheduledExecutorService scheduler;
    private final Metrics metrics;
    private final Lifecycle lifecycle = new Lifecycle();
    private final TokenVerifier tokens;
    private final OriginPolicy origins;
    private final List<String> turnSecrets;
    private TurnServer turn;
    private InetAddress turnExternalIp;
    private InetAddress turnRelayIp;
    private ClusterBus bus;
    private PresenceService presence;
    private SignalingService signaling;
    private YWebsocketRelay ywebsocket;
    private HttpServer http;

    public ParleyNode(ParleyConfig config) {
        this.config = config;
        this.nodeId = config.nodeId() != null ? config.nodeId() : defaultNodeId();
        this.scheduler = newScheduler();
        this.metrics = new Metrics(nodeId);
        this.tokens = config.authSecret() == null ? TokenVerifier.devMode()
                : TokenVerifier.of(config.authSecret(), Clock.systemUTC());
        this.origins = OriginPolicy.of(config.allowedOrigins());
        this.turnSecrets = orRandomSecret(config.turnSecrets());
        try {
            wire();
        } catch (RuntimeException e) {
            scheduler.shutdownNow();
            metrics.close();
            throw e;
        }
    }

    private void wire() {
        turn = new TurnServer(turnConfig(), metrics.registry(), scheduler);
        lifecycle.add(Component.of("turn", "turn-port or --turns-port", turn::start,
                () -> turn.isReady() ? Health.UP : Health.down("relay not listening"), null, turn::close));
        if (config.mode() != Mode.SERVE) {
            return;
        }
        String redis = config.redis() == null ? null : config.redis().toString();
        try {
            bus = ClusterBuses.create(redis, nodeId, scheduler);
        } catch (RuntimeException e) {
            throw new ConfigException("redis", "cannot connect to " + redis + ": " + rootMessage(e));
        }
        presence = new PresenceService(presenceConfig(redis), metrics.registry(), scheduler);
        lifecycle.add(Component.of("presence", null, presence::start, this::presenceHealth, null, presence::close));

        String secret = turnSecrets.get(0);
        String host = config.publicHost() != null ? config.publicHost() : LocalIceServers.hostOf(turnExternalIp);
        LocalIceServers ice = new LocalIceServers(host, secret, config.iceTtl(), config.iceUrls());
        RedisRoomDirectory directory = null;
        if (redis != null) {
            directory = new RedisRoomDirectory(redis, config.nodeLeaseTtl());
            try {
                directory.start();
            } catch (RuntimeException e) {
                bus.close();
                throw new ConfigException("redis", "cannot connect to " + redis + ": " + rootMessage(e));
            }
        }
        signaling = new SignalingService(config.signaling(), metrics.registry(), scheduler, bus, tokens, origins, ice,
                new PresenceAdapter(presence), directory);
        lifecycle.add(Component.of("signaling", null, () -> {
            ice.bind(turn);
            signaling.start();
        }, this::signalingHealth,
                signaling::shutdownGracefully, () -> {
                    signaling.close();
                    bus.close();
                }));

        try {
            ywebsocket = YWebsocketRelay.create(YWebsocketConfig.defaults().withRedis(redis)
                            .withCompactAfterUpdates(config.ywebsocketCompactAfter()), metrics.registry(),
                    scheduler, tokens, origins);
        } catch (RuntimeException e) {
            throw new ConfigException("redis", "cannot connect to " + redis + ": " + rootMessage(e));
        }
        lifecycle.add(Component.of("ywebsocket", null, ywebsocket::start,
                () -> ywebsocket.isReady() ? Health.UP : Health.down("stopped"), null, ywebsocket::close));

        http = new HttpServer(config.bind(), config.httpPort(), origins, metrics, lifecycle::health);
        presence.install(http.context());
        signaling.install(http.context());
        JakartaWebSocketServletContainerInitializer.configure(http.context(),
                (servletContext, container) -> ywebsocket.register(container));
        lifecycle.add(Component.of("http", "http-port", http::start,
                () -> http.isRunning() ? Health.UP : Health.down("not running"),
                budget -> http.stopAccepting(), http::close));
    }

    /** Degraded while the cluster bus is away: messages from other nodes would be lost meanwhile. */
    private Health signalingHealth() {
        if (!signaling.isReady()) {
            return Health.down("draining");
        }
        return bus.isConnected() ? Health.UP
                : Health.degraded("cluster bus (Redis pub/sub) reconnecting: messages from other nodes are lost until it is back");
    }

    private Health presenceHealth() {
        dev.parley.presence.Health h = presence.health();
        if (h.ready()) {
            return Health.UP;
        }
        return h.degraded() ? Health.degraded(h.detail()) : Health.down(h.detail());
    }

    private TurnConfig turnConfig() {
        TurnConfig.Builder b = TurnConfig.builder()
                .bindAddress(config.bind())
                .turnPort(config.turnPort())
                .turnsPort(config.turnsPort())
                .relayPorts(config.relayPortMin(), config.relayPortMax())
                .realm(config.realm())
                .restSecrets(turnSecrets)
                .allowedPeers(config.allowPeers().stream().map(Cidr::parse).toList())
                .allowLoopbackPeers(config.allowLoopbackPeers())
                .tls(config.tlsCert(), config.tlsKey())
                .maxAllocationsPerUser(config.userQuota())
                .maxAllocations(config.totalQuota())
                .maxBytesPerSecond(config.maxBytesPerSecond())
                .defaultLifetime(config.turnDefaultLifetime())
                .maxLifetime(config.turnMaxLifetime())
                .nonceLifetime(config.turnNonceLifetime())
                .sourceRequestsPerSecond(config.turnSourceRps())
                .legacyChannelNumbers(config.turnLegacyChannels())
                .streamIdleTimeout(config.turnIdleTimeout());
        if (config.relayIp() != null) {
            b.relayIp(config.relayIp());
        }
        if (config.externalIp() != null) {
            b.externalIp(config.externalIp());
        }
        config.turnUsers().forEach(b::staticUser);
        if (config.mode() == Mode.SERVE && config.httpPort() != 0) {
            // The HTTP port is never a valid peer: a relayed client must not reach our own API through us.
            b.reservedEndpoint(new InetSocketAddress(config.bind(), config.httpPort()));
        }
        try {
            TurnConfig tc = b.build();
            turnExternalIp = tc.externalIp();
            turnRelayIp = tc.relayIp();
            return tc;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(config.relayIp() == null && e.getMessage().contains("relayIp") ? "relay-ip" : null,
                    "TURN: " + e.getMessage());
        }
    }

    private PresenceConfig presenceConfig(String redis) {
        return PresenceConfig.defaults(nodeId)
                .withRedis(redis)
                .withTimes(config.presenceGrace(), config.nodeLeaseTtl(), config.sseKeepAlive())
                .withLimits(config.presenceHistory(), config.sseBuffer())
                .withAuth(tokens, origins);
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }

    private static List<String> orRandomSecret(List<String> secrets) {
        if (!secrets.isEmpty()) {
            return secrets;
        }
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return List.of(Base64.getUrlEncoder().withoutPadding().encodeToString(b));
    }

    /** Starts every component; a port in use surfaces as a ConfigException naming its flag. */
    public void start() throws Exception {
        long t0 = System.nanoTime();
        if (config.mode() == Mode.SERVE && tokens.isDevMode()) {
            LOG.warn("*****************************************************************************");
            LOG.warn("* DEV MODE: no --auth-secret, so anyone can join any room and read presence. *");
            LOG.warn("* Set --auth-secret (>= 32 bytes) before exposing this node to a network.   *");
            LOG.warn("*****************************************************************************");
        }
        lifecycle.start();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        if (http != null) {
            InetSocketAddress a = http.address();
            String host = config.bind().isAnyLocalAddress() ? "localhost" : LocalIceServers.hostOf(config.bind());
            LOG.info("Parley node {} ready in {} ms: http://{}:{}/", nodeId, ms, host, a.getPort());
        } else {
            LOG.info("Parley TURN node {} ready in {} ms", nodeId, ms);
        }
        LOG.info("STUN/TURN on udp+tcp {}{}, relaying from {} (advertised {}), ports {}-{}",
                turn.udpAddress(), turn.tlsAddress() == null ? "" : ", tls " + turn.tlsAddress(),
                turnRelayIp.getHostAddress(), turnExternalIp.getHostAddress(),
                config.relayPortMin(), config.relayPortMax());
    }

    /** Graceful stop: drain within the configured budget, then close everything. */
    public void shutdown() {
        shutdown(config.drainTimeout());
    }

    public void shutdown(Duration budget) {
        lifecycle.shutdown(budget);
        stopShared();
    }

    /** Hard stop, no drain. */
    public void halt() {
        lifecycle.halt();
        stopShared();
    }

    private void stopShared() {
        scheduler.shutdownNow();
        metrics.close();
    }

    @Override
    public void close() {
        if (lifecycle.phase() != Lifecycle.Phase.STOPPED) {
            halt();
        }
    }

    public String nodeId() {
        return nodeId;
    }

    public ParleyConfig config() {
        return config;
    }

    public Map<String, Health> health() {
        return lifecycle.health();
    }

    /** The TURN relay (both modes). */
    public TurnServer turn() {
        return turn;
    }

    /** The signaling service (serve mode), for tests and admin wiring. */
    public SignalingService signaling() {
        return signaling;
    }

    public PresenceService presence() {
        return presence;
    }

    /** The HTTP listener's bound address (serve mode). */
    public InetSocketAddress httpAddress() {
        if (http == null) {
            throw new IllegalStateException("no HTTP server in turn mode");
        }
        return http.address();
    }

    private static ScheduledExecutorService newScheduler() {
        AtomicInteger n = new AtomicInteger();
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "parley-scheduler-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        s.setRemoveOnCancelPolicy(true);
        return s;
    }

    private static String defaultNodeId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "");
        } catch (UnknownHostException e) {
            host = "node";
        }
        if (host.isEmpty() || host.length() > 48) {
            host = "node";
        }
        return host + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    }
}
