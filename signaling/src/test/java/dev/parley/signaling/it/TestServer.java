package dev.parley.signaling.it;

import dev.parley.auth.OriginPolicy;
import dev.parley.auth.TokenVerifier;
import dev.parley.presence.cluster.LocalClusterBus;
import dev.parley.signaling.SignalingConfig;
import dev.parley.signaling.SignalingService;
import dev.parley.signaling.ice.IceServerProvider;
import dev.parley.signaling.ice.TurnRestIceServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** Test-only bootstrap: one Jetty on 127.0.0.1, port 0, with the signaling service installed (as the launcher does). */
final class TestServer implements AutoCloseable {

    static final String TURN_SECRET = "turn-secret-for-tests";
    static final String AUTH_SECRET = "auth-secret-for-tests-0123456789abcdef";

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    final LocalClusterBus bus = new LocalClusterBus("test-node");
    final SignalingService service;
    final TokenVerifier tokens;
    private final Server server;

    TestServer(SignalingConfig config, TokenVerifier tokens, OriginPolicy origins, IceServerProvider ice) throws Exception {
        this.tokens = tokens;
        service = new SignalingService(config, meters, scheduler, bus, tokens, origins, ice);
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        service.install(context);
        server.setHandler(context);
        server.start();
        service.start();
    }

    static TestServer devMode(SignalingConfig config) throws Exception {
        return new TestServer(config, TokenVerifier.devMode(), OriginPolicy.of(List.of()), ice(Duration.ofHours(1)));
    }

    static TestServer withAuth(SignalingConfig config) throws Exception {
        return new TestServer(config, TokenVerifier.of(AUTH_SECRET, Clock.systemUTC()), OriginPolicy.of(List.of()),
                ice(Duration.ofHours(1)));
    }

    static String withAuthToken(String secret, String user) {
        return TokenVerifier.of(secret, Clock.systemUTC()).mint(user, null, false, false, Duration.ofMinutes(5));
    }

    static IceServerProvider ice(Duration ttl) {
        return new TurnRestIceServers(List.of("stun:127.0.0.1:3478"),
                List.of("turn:127.0.0.1:3478?transport=udp", "turn:127.0.0.1:3478?transport=tcp",
                        "turns:127.0.0.1:5349?transport=tcp"), TURN_SECRET, ttl, Clock.systemUTC());
    }

    int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    URI ws(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + port() + pathAndQuery);
    }

    URI http(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    double counter(String name, String tagKey, String tagValue) {
        var c = meters.find(name).tag(tagKey, tagValue).counter();
        return c == null ? 0 : c.count();
    }

    @Override
    public void close() throws Exception {
        service.close();
        server.stop();
        scheduler.shutdownNow();
        bus.close();
    }
}
