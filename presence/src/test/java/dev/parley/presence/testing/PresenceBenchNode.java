package dev.parley.presence.testing;

import dev.parley.presence.PresenceConfig;
import dev.parley.presence.PresenceService;
import dev.parley.presence.model.UserStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A presence-only Parley node for the benchmark (bench module, {@code presence-sse}): the real
 * PresenceService with its SSE stream on Jetty, plus {@code POST /bench/join|leave|status} so the
 * load generator can cause presence changes the way signaling does. Run with the shaded jar and
 * the test classes on the class path:
 * {@code java -cp server/target/parley.jar:presence/target/test-classes dev.parley.presence.testing.PresenceBenchNode --port P [--redis URI] [--node-id N]}
 */
public final class PresenceBenchNode {

    private PresenceBenchNode() {
    }

    public static void main(String[] args) throws Exception {
        int port = 0;
        String redis = null;
        String nodeId = "bench-" + ProcessHandle.current().pid();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--redis" -> redis = args[++i];
                case "--node-id" -> nodeId = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        PresenceConfig config = PresenceConfig.defaults(nodeId);
        if (redis != null) {
            config = config.withRedis(redis);
        }
        PresenceService presence = new PresenceService(config, new SimpleMeterRegistry(), scheduler);
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        connector.setAcceptQueueSize(4096);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        presence.install(context);
        ServletHolder control = new ServletHolder("bench", new HttpServlet() {
            @Override
            protected void doPost(HttpServletRequest req, HttpServletResponse resp) {
                String op = req.getPathInfo();
                CompletionStage<Void> s = switch (op == null ? "" : op) {
                    case "/join" -> presence.joinRoom(req.getParameter("room"), req.getParameter("user"), req.getParameter("conn"), Map.of());
                    case "/leave" -> presence.leaveRoom(req.getParameter("room"), req.getParameter("conn"));
                    case "/status" -> presence.setStatus(req.getParameter("user"), UserStatus.parse(req.getParameter("status")));
                    default -> null;
                };
                if (s == null) {
                    resp.setStatus(404);
                    return;
                }
                AsyncContext async = req.startAsync();
                s.whenCompleteAsync((v, err) -> {
                    ((HttpServletResponse) async.getResponse()).setStatus(err == null ? 204 : 500);
                    async.complete();
                }, scheduler);
            }
        });
        control.setAsyncSupported(true);
        context.addServlet(control, "/bench/*");
        server.setHandler(context);
        server.start();
        presence.start();
        System.out.println("listening " + connector.getLocalPort());
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            presence.close();
            try {
                server.stop();
            } catch (Exception e) {
                // exiting anyway
            }
            scheduler.shutdownNow();
            stop.countDown();
        }));
        stop.await();
    }
}
