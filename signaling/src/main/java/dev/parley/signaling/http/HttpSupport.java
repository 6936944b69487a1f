package dev.parley.signaling.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.auth.OriginPolicy;
import dev.parley.auth.Principal;
import dev.parley.auth.TokenException;
import dev.parley.auth.TokenVerifier;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

/** CORS (with preflight), bearer-token auth and JSON replies shared by the signaling servlets. */
final class HttpSupport {

    private final OriginPolicy origins;
    private final TokenVerifier tokens;
    private final ObjectMapper mapper;

    HttpSupport(OriginPolicy origins, TokenVerifier tokens, ObjectMapper mapper) {
        this.origins = origins;
        this.tokens = tokens;
        this.mapper = mapper;
    }

    /**
     * Applies CORS. Returns false (and has answered) when the request is finished: a refused origin
     * (403) or a preflight (204).
     */
    boolean cors(HttpServletRequest req, HttpServletResponse resp, String methods) throws IOException {
        String origin = req.getHeader("Origin");
        resp.addHeader("Vary", "Origin");
        if (origin == null) {
            return true;
        }
        if (!origins.allows(origin, req.getHeader("Host"))) {
            json(resp, 403, Map.of("error", "origin-forbidden", "msg", "origin " + origin + " is not allowed"));
            return false;
        }
        resp.setHeader("Access-Control-Allow-Origin", origin);
        resp.setHeader("Access-Control-Allow-Credentials", "true");
        if ("OPTIONS".equals(req.getMethod())) {
            resp.setHeader("Access-Control-Allow-Methods", methods);
            resp.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type");
            resp.setHeader("Access-Control-Max-Age", "600");
            resp.setStatus(204);
            return false;
        }
        return true;
    }

    /** The caller's principal from {@code Authorization: Bearer} or {@code ?access_token=}; answers 401 and returns null if refused. */
    Principal principal(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String token = req.getParameter("access_token");
        String auth = req.getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = auth.substring(7).trim();
        }
        try {
            return tokens.verify(token);
        } catch (TokenException e) {
            resp.setHeader("WWW-Authenticate", "Bearer");
            json(resp, 401, Map.of("error", "unauthorized", "msg", e.getMessage()));
            return null;
        }
    }

    boolean devMode() {
        return tokens.isDevMode();
    }

    static boolean isLoopback(HttpServletRequest req) {
        try {
            return InetAddress.getByName(req.getRemoteAddr()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    ObjectMapper mapper() {
        return mapper;
    }

    void json(HttpServletResponse resp, int status, Object body) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setHeader("Cache-Control", "no-store");
        mapper.writeValue(resp.getOutputStream(), body);
    }
}
