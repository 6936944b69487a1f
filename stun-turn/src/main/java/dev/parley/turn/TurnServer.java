package dev.parley.turn;

import dev.parley.turn.auth.Authenticator;
import dev.parley.turn.auth.RestSecrets;
import dev.parley.turn.auth.StaticUsers;
import dev.parley.turn.proto.StunCodec;
import dev.parley.turn.server.TurnMetrics;
import dev.parley.turn.transport.TlsContexts;
import dev.parley.turn.transport.TurnRuntime;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The STUN/TURN relay (RFC 8489, RFC 8656, RFC 6156) over UDP, TCP and TLS.
 *
 * <pre>{@code
 * try (TurnServer turn = new TurnServer(TurnConfig.loopback().build(), registry, scheduler)) {
 *     turn.start();
 *     InetSocketAddress udp = turn.udpAddress();
 * }
 * }</pre>
 *
 * One I/O thread owns every socket and all allocation state; the injected scheduler only asks it to
 * expire allocations, permissions and channels once a second.
 */
public final class TurnServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TurnServer.class);

    private final TurnConfig config;
    private final TurnMetrics metrics;
    private final ScheduledExecutorService scheduler;
    private final Authenticator authenticator;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private TurnRuntime runtime;
    private ScheduledFuture<?> sweeper;

    public TurnServer(TurnConfig config, MeterRegistry registry, ScheduledExecutorService scheduler) {
        this(config, registry, scheduler, null);
    }

    /** With an extra {@link Authenticator} consulted after static users and REST secrets. */
    public TurnServer(TurnConfig config, MeterRegistry registry, ScheduledExecutorService scheduler,
                      Authenticator extra) {
        this(config, registry, scheduler, extra, Clock.systemUTC());
    }

    /** With a clock for credential and nonce expiry (tests). */
    public TurnServer(TurnConfig config, MeterRegistry registry, ScheduledExecutorService scheduler,
                      Authenticator extra, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.metrics = new TurnMetrics(registry);
        this.scheduler = scheduler;
        List<Authenticator> chain = new ArrayList<>();
        if (!config.staticUsers().isEmpty()) {
            chain.add(new StaticUsers(config.staticUsers()));
        }
        if (!config.restSecrets().isEmpty()) {
            chain.add(new RestSecrets(config.restSecrets()));
        }
        if (extra != null) {
            chain.add(extra);
        }
        this.authenticator = Authenticator.firstOf(chain);
    }

    public void start() throws Exception {
        lock.lock();
        try {
            if (runtime != null) {
                throw new IllegalStateException("already started");
            }
            SSLContext ssl = null;
            if (config.tlsEnabled()) {
                ssl = config.tlsCert() != null ? TlsContexts.fromPem(config.tlsCert(), config.tlsKey())
                        : TlsContexts.selfSigned(config.externalIp().getHostAddress());
            }
            StunCodec.warmUp();
            runtime = TurnRuntime.start(config, metrics, authenticator, ssl, clock);
            TurnRuntime r = runtime;
            sweeper = scheduler.scheduleWithFixedDelay(r::sweep, 1, 1, TimeUnit.SECONDS);
            LOG.info("TURN listening on udp {} tcp {} tls {}; relaying from {} ports {}-{}, advertising {}",
                    r.udpAddress(), r.tcpAddress(), r.tlsAddress(), config.relayIp().getHostAddress(),
                    config.relayPortMin(), config.relayPortMax(), config.externalIp().getHostAddress());
        } finally {
            lock.unlock();
        }
    }

    public boolean isReady() {
        lock.lock();
        try {
            return runtime != null && runtime.isRunning();
        } finally {
            lock.unlock();
        }
    }

    /** The bound UDP listener (STUN and TURN over UDP). */
    public InetSocketAddress udpAddress() {
        return started().udpAddress();
    }

    /** The bound TCP listener (same port as UDP). */
    public InetSocketAddress tcpAddress() {
        return started().tcpAddress();
    }

    /** The bound TLS listener, or null when TLS is disabled. */
    public InetSocketAddress tlsAddress() {
        return started().tlsAddress();
    }

    private TurnRuntime started() {
        lock.lock();
        try {
            if (runtime == null) {
                throw new IllegalStateException("not started");
            }
            return runtime;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (sweeper != null) {
                sweeper.cancel(false);
            }
            if (runtime != null) {
                runtime.close();
            }
        } finally {
            lock.unlock();
        }
    }
}
