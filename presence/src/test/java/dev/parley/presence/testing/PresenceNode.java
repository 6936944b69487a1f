package dev.parley.presence.testing;

import dev.parley.presence.PresenceConfig;
import dev.parley.presence.PresenceService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** A real Jetty on 127.0.0.1, port 0, with one PresenceService installed: one Parley node for tests. */
public final class PresenceNode implements AutoCloseable {

    public final PresenceService service;
    public final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final Server server = new Server();
    private final ServerConnector connector;

    public PresenceNode(PresenceConfig config) throws Exception {
        this(config, 0);
    }

    /** @param sendBuffer if positive, the accepted sockets' SO_SNDBUF (small makes slow clients visible quickly) */
    public PresenceNode(PresenceConfig config, int sendBuffer) throws Exception {
        this(config, sendBuffer, false);
    }

    /** @param h2c also speak cleartext HTTP/2 (upgrade from HTTP/1.1) */
    public PresenceNode(PresenceConfig config, int sendBuffer, boolean h2c) throws Exception {
        service = new PresenceService(config, meters, scheduler);
        if (h2c) {
            org.eclipse.jetty.server.HttpConfiguration http = new org.eclipse.jetty.server.HttpConfiguration();
            connector = new ServerConnector(server, new org.eclipse.jetty.server.HttpConnectionFactory(http),
                    new org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory(http));
        } else {
            connector = new ServerConnector(server);
        }
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        if (sendBuffer > 0) {
            connector.setAcceptedSendBufferSize(sendBuffer);
        }
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        service.install(context);
        server.setHandler(context);
        server.start();
        service.start();
    }

    public String url(String pathAndQuery) {
        return "http://127.0.0.1:" + connector.getLocalPort() + pathAndQuery;
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** Graceful stop of the whole node. */
    @Override
    public void close() throws Exception {
        service.close();
        server.stop();
        scheduler.shutdownNow();
    }

    /** A crash: presence stops without deregistering, then the HTTP server goes away. */
    public void crash() throws Exception {
        service.halt();
        server.stop();
        scheduler.shutdownNow();
    }
}
