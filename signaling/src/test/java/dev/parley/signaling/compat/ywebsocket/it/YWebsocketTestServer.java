package dev.parley.signaling.compat.ywebsocket.it;

import dev.parley.auth.OriginPolicy;
import dev.parley.auth.TokenVerifier;
import dev.parley.signaling.compat.ywebsocket.YWebsocketConfig;
import dev.parley.signaling.compat.ywebsocket.YWebsocketRelay;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** Test-only bootstrap: Jetty on 127.0.0.1 (port 0 or a given port) with only the y-websocket relay. */
final class YWebsocketTestServer implements AutoCloseable {

    static final String AUTH_SECRET = "ywebsocket-auth-secret-for-tests-0123456789";

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    final YWebsocketRelay relay;
    final TokenVerifier tokens;
    private final Server server;

    YWebsocketTestServer(YWebsocketConfig config, TokenVerifier tokens, int port) throws Exception {
        this.tokens = tokens;
        relay = YWebsocketRelay.create(config, meters, scheduler, tokens, OriginPolicy.of(List.of()));
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        JakartaWebSocketServletContainerInitializer.configure(context, (sc, container) -> relay.register(container));
        server.setHandler(context);
        server.start();
        relay.start();
    }

    static YWebsocketTestServer devMode(YWebsocketConfig config) throws Exception {
        return new YWebsocketTestServer(config, TokenVerifier.devMode(), 0);
    }

    static YWebsocketTestServer withAuth(YWebsocketConfig config) throws Exception {
        return new YWebsocketTestServer(config, TokenVerifier.of(AUTH_SECRET, Clock.systemUTC()), 0);
    }

    int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** The base URL y-websocket's client takes (it appends /room). */
    String baseUrl() {
        return "ws://127.0.0.1:" + port() + "/compat/y-websocket";
    }

    double counter(String name) {
        var c = meters.find(name).counter();
        return c == null ? 0 : c.count();
    }

    double counter(String name, String tag, String value) {
        var c = meters.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    @Override
    public void close() throws Exception {
        relay.close();
        server.stop();
        scheduler.shutdownNow();
    }
}
