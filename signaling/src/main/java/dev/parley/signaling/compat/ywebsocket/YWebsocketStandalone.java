package dev.parley.signaling.compat.ywebsocket;

import dev.parley.auth.OriginPolicy;
import dev.parley.auth.TokenVerifier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The relay alone on one Jetty, for the benchmark and for trying y-websocket clients against it
 * without the rest of Parley (the product launcher is the server module):
 * {@code java -cp parley.jar dev.parley.signaling.compat.ywebsocket.YWebsocketStandalone 127.0.0.1 1234 [redis://...]}.
 * Dev mode (no auth). Prints {@code READY <port>} once listening.
 */
public final class YWebsocketStandalone {

    private YWebsocketStandalone() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: YWebsocketStandalone <bind-address> <port> [redis-uri]");
            System.exit(2);
        }
        YWebsocketConfig config = YWebsocketConfig.defaults();
        if (args.length > 2) {
            config = config.withRedis(args[2]);
        }
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        YWebsocketRelay relay = YWebsocketRelay.create(config, new SimpleMeterRegistry(), scheduler,
                TokenVerifier.devMode(), OriginPolicy.of(List.of()));
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(args[0]);
        connector.setPort(Integer.parseInt(args[1]));
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        JakartaWebSocketServletContainerInitializer.configure(context, (sc, container) -> relay.register(container));
        server.setHandler(context);
        server.start();
        relay.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            relay.close();
            try {
                server.stop();
            } catch (Exception ignored) {
                // exiting anyway
            }
            scheduler.shutdownNow();
        }, "ywebsocket-shutdown"));
        System.out.println("READY " + connector.getLocalPort());
        server.join();
    }
}
