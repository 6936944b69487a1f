package dev.parley.server.http;

import dev.parley.server.lifecycle.Health;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /healthz}: 200 while the process runs (liveness). {@code /readyz}: 200 when every component
 * is UP; 503 while starting, draining, or when a component is DOWN or DEGRADED (e.g. Redis
 * unreachable). Both answer a small JSON body naming each component's state.
 */
public final class HealthServlet extends HttpServlet {

    private final Supplier<Map<String, Health>> components;

    public HealthServlet(Supplier<Map<String, Health>> components) {
        this.components = components;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        res.setContentType("application/json");
        res.setCharacterEncoding("UTF-8");
        res.setHeader("Cache-Control", "no-store");
        if (req.getServletPath().equals("/healthz")) {
            res.getOutputStream().write("{\"status\":\"alive\"}\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        Map<String, Health> health = components.get();
        Health.State worst = Health.State.UP;
        StringBuilder body = new StringBuilder("{\"components\":{");
        boolean first = true;
        for (Map.Entry<String, Health> e : health.entrySet()) {
            Health h = e.getValue();
            if (h.state().ordinal() > worst.ordinal()) {
                worst = h.state();
            }
            body.append(first ? "" : ",").append('"').append(Json.escape(e.getKey())).append("\":{\"state\":\"")
                    .append(h.state().name().toLowerCase()).append('"');
            if (!h.detail().isEmpty()) {
                body.append(",\"detail\":\"").append(Json.escape(h.detail())).append('"');
            }
            body.append('}');
            first = false;
        }
        String status = switch (worst) {
            case UP -> "ready";
            case DEGRADED -> "degraded";
            case DOWN -> "not-ready";
        };
        body.append("},\"status\":\"").append(status).append("\"}\n");
        res.setStatus(worst == Health.State.UP ? 200 : 503);
        res.getOutputStream().write(body.toString().getBytes(StandardCharsets.UTF_8));
    }
}
