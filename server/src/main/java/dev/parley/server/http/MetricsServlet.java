package dev.parley.server.http;

import dev.parley.server.observability.Metrics;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** {@code /metrics}: the Prometheus text exposition of every meter in the process. */
public final class MetricsServlet extends HttpServlet {

    private final Metrics metrics;

    public MetricsServlet(Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        res.setContentType("text/plain; version=0.0.4; charset=utf-8");
        res.setHeader("Cache-Control", "no-store");
        res.getOutputStream().write(metrics.scrape().getBytes(StandardCharsets.UTF_8));
    }
}
