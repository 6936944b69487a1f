package dev.parley.server;

import dev.parley.auth.OriginPolicy;
import dev.parley.auth.TokenVerifier;
import dev.parley.server.config.Mode;
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
    private HttpServer http;

    public ParleyNode(ParleyConfig config) {
        this.config = config;
        this.nodeId = config.nodeId() != null ? config.nodeId() : defaultNodeId();
        this.scheduler = newScheduler();
        this.metrics = new Metrics(nodeId);
        this.tokens = config.authSecret() == null ? TokenVerifier.devMode()
                : TokenVerifier.of(config.authSecret(), Clock.systemUTC());
        this.origins = OriginPolicy.of(config.allowedOrigins());
        wire();
    }

    private void wire() {
        if (config.mode() == Mode.SERVE) {
            http = new HttpServer(config.bind(), config.httpPort(), origins, metrics, lifecycle::health);
            lifecycle.add(Component.of("http", "http-port", http::start,
                    () -> http.isRunning() ? Health.UP : Health.down("not running"),
                    budget -> http.stopAccepting(), http::close));
        }
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
            LOG.info("Parley node {} ready in {} ms: http://{}:{}/", nodeId, ms, a.getHostString(), a.getPort());
        } else {
            LOG.info("Parley TURN node {} ready in {} ms", nodeId, ms);
        }
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
