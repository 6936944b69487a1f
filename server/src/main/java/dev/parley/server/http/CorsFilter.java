package dev.parley.server.http;

import dev.parley.auth.OriginPolicy;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * CORS for every HTTP endpoint, following the same {@link OriginPolicy} as WebSocket origin checks.
 * A preflight ({@code OPTIONS} with {@code Access-Control-Request-Method}) from an allowed origin
 * gets 204 with the allowed methods and headers; from another origin 403. A simple request from a
 * disallowed origin is served without CORS headers, so the browser hides the response.
 */
public final class CorsFilter extends HttpFilter {

    static final String ALLOWED_METHODS = "GET, POST, PUT, DELETE, OPTIONS";
    static final String ALLOWED_HEADERS = "Authorization, Content-Type, Last-Event-ID";

    private final OriginPolicy origins;

    public CorsFilter(OriginPolicy origins) {
        this.origins = origins;
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        String origin = req.getHeader("Origin");
        boolean allowed = origin != null && origins.allows(origin, req.getHeader("Host"));
        if (origin != null) {
            res.addHeader("Vary", "Origin");
        }
        if (allowed) {
            res.setHeader("Access-Control-Allow-Origin", origin);
            res.setHeader("Access-Control-Allow-Credentials", "true");
            res.setHeader("Access-Control-Expose-Headers", "Content-Type");
        }
        boolean preflight = "OPTIONS".equals(req.getMethod()) && req.getHeader("Access-Control-Request-Method") != null;
        if (preflight) {
            if (!allowed) {
                res.sendError(HttpServletResponse.SC_FORBIDDEN, "origin not allowed");
                return;
            }
            res.setHeader("Access-Control-Allow-Methods", ALLOWED_METHODS);
            res.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
            res.setHeader("Access-Control-Max-Age", "600");
            res.setStatus(HttpServletResponse.SC_NO_CONTENT);
            return;
        }
        chain.doFilter(req, res);
    }
}
