package dev.parley.server.http;

import dev.parley.auth.OriginPolicy;
import dev.parley.server.lifecycle.Health;
import dev.parley.server.observability.Metrics;
import jakarta.servlet.DispatcherType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.jetty.ee11.servlet.DefaultServlet;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The one Jetty server of a node: HTTP/1.1 and cleartext HTTP/2 (h2c) on {@code --http-port}, one
 * servlet context at "/" into which the modules install their endpoints.
 *
 * <pre>{@code
 * HttpServer http = new HttpServer(bind, port, origins, metrics, lifecycle::health);
 * signaling.install(http.context());   // modules add their servlets and WebSocket endpoints
 * http.start();
 * }</pre>
 */
public final class HttpServer implements AutoCloseable {

    /** Where the web-demo module keeps its static files on the classpath. */
    public static final String DEMO_RESOURCES = "parley-demo/";

    private final Server server;
    private final ServerConnector connector;
    private final ServletContextHandler context;

    public HttpServer(InetAddress bind, int port, OriginPolicy origins, Metrics metrics,
                      Supplier<Map<String, Health>> health) {
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("http");
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        connector = new ServerConnector(server, new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http));
        connector.setHost(bind.getHostAddress());
        connector.setPort(port);
        connector.setIdleTimeout(Duration.ofMinutes(5).toMillis());
        server.addConnector(connector);
        server.setStopTimeout(Duration.ofSeconds(5).toMillis());

        context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath("/");
        FilterHolder cors = new FilterHolder(new CorsFilter(origins));
        cors.setAsyncSupported(true); // the SSE stream and WebSocket upgrades pass through it
        context.addFilter(cors, "/*", EnumSet.of(DispatcherType.REQUEST));
        ServletHolder healthHolder = new ServletHolder("health", new HealthServlet(health));
        context.addServlet(healthHolder, "/healthz");
        context.addServlet(healthHolder, "/readyz");
        context.addServlet(new ServletHolder("metrics", new MetricsServlet(metrics)), "/metrics");

        Resource demo = ResourceFactory.of(context).newClassLoaderResource(DEMO_RESOURCES);
        if (demo != null) {
            context.setBaseResource(demo);
        }
        ServletHolder statics = new ServletHolder("demo", DefaultServlet.class);
        statics.setInitParameter("dirAllowed", "false");
        statics.setInitParameter("etags", "true");
        statics.setInitParameter("cacheControl", "no-cache");
        context.addServlet(statics, "/");
        server.setHandler(context);
        metrics.bindJetty(server);
    }

    /** The servlet context modules install into. */
    public ServletContextHandler context() {
        return context;
    }

    public void start() throws Exception {
        server.start();
    }

    /** The bound address (the real port when configured with 0). */
    public InetSocketAddress address() {
        return new InetSocketAddress(connector.getHost(), connector.getLocalPort());
    }

    public boolean isRunning() {
        return server.isRunning();
    }

    /** Stops accepting new connections; the open ones (WebSockets, SSE streams) carry on. */
    public void stopAccepting() {
        connector.close();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("stopping Jetty failed", e);
        }
    }
}
