package dev.parley.turn.it;

import dev.parley.turn.TurnConfig;
import dev.parley.turn.TurnServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** A started TurnServer on 127.0.0.1 with its own registry and scheduler. */
final class TurnFixture implements AutoCloseable {
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    final TurnServer server;
    final TurnConfig config;

    TurnFixture(TurnConfig config) throws Exception {
        this(config, null);
    }

    TurnFixture(TurnConfig config, java.time.Clock clock) throws Exception {
        this.config = config;
        this.server = clock == null ? new TurnServer(config, registry, scheduler)
                : new TurnServer(config, registry, scheduler, null, clock);
        server.start();
    }

    InetSocketAddress udp() {
        return server.udpAddress();
    }

    int port() {
        return server.udpAddress().getPort();
    }

    int tlsPort() {
        return server.tlsAddress().getPort();
    }

    double counter(String name) {
        return registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Override
    public void close() {
        server.close();
        scheduler.shutdownNow();
    }
}
