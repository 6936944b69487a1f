package dev.parley.signaling.compat.ywebsocket.it;

import dev.parley.auth.OriginPolicy;
import dev.parley.auth.TokenVerifier;
import dev.parley.signaling.compat.ywebsocket.YWebsocketConfig;
import dev.parley.signaling.compat.ywebsocket.YWebsocketRelay;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import org.eclipse.jetty.ee11.servlet.DefaultServlet;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.ee11.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * Test-only server for the browser e2e: the web-demo's files, the y-websocket relay and a plain-text
 * {@code /metrics} (one {@code name{tags} value} per line), in one process that the IT starts inside
 * a network namespace with the failsafe JVM's classpath. Prints {@code READY <port>} when listening.
 * Usage: {@code DocDemoServer <bind-address> <port> <static-dir>}.
 */
public final class DocDemoServer {

    private DocDemoServer() {
    }

    public static void main(String[] args) throws Exception {
        String bind = args[0];
        int port = Integer.parseInt(args[1]);
        Path statics = Path.of(args[2]);
        if (!Files.isRegularFile(statics.resolve("doc.bundle.js"))) {
            throw new IllegalStateException(statics + "/doc.bundle.js is missing: build web-demo first (mvn -pl web-demo process-resources)");
        }
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        YWebsocketRelay relay = YWebsocketRelay.create(YWebsocketConfig.defaults(), meters, scheduler,
                TokenVerifier.devMode(), OriginPolicy.of(List.of()));
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(bind);
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.setBaseResource(ResourceFactory.of(context).newResource(statics));
        context.addServlet(new ServletHolder("metrics", new MetricsText(meters)), "/metrics");
        ServletHolder files = new ServletHolder("default", DefaultServlet.class);
        files.setInitParameter("dirAllowed", "false");
        context.addServlet(files, "/");
        JakartaWebSocketServletContainerInitializer.configure(context, (sc, container) -> relay.register(container));
        server.setHandler(context);
        server.start();
        relay.start();
        System.out.println("READY " + connector.getLocalPort());
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                relay.close();
                server.stop();
            } catch (Exception ignored) {
                // exiting anyway
            }
            scheduler.shutdownNow();
        }));
        server.join();
    }

    /** Every counter and gauge as {@code name{k="v"} value}. */
    static final class MetricsText extends HttpServlet {
        private final SimpleMeterRegistry meters;

        MetricsText(SimpleMeterRegistry meters) {
            this.meters = meters;
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            StringBuilder b = new StringBuilder();
            for (Meter m : meters.getMeters()) {
                double v;
                if (m instanceof Counter c) {
                    v = c.count();
                } else if (m instanceof Gauge g) {
                    v = g.value();
                } else {
                    continue;
                }
                String tags = m.getId().getTags().stream().map(t -> t.getKey() + "=\"" + t.getValue() + "\"")
                        .collect(Collectors.joining(","));
                b.append(m.getId().getName()).append(tags.isEmpty() ? "" : "{" + tags + "}").append(' ').append(v).append('\n');
            }
            resp.setContentType("text/plain;charset=utf-8");
            resp.getWriter().write(b.toString());
        }
    }

}
