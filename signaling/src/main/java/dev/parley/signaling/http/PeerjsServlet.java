package dev.parley.signaling.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.auth.OriginPolicy;
import dev.parley.auth.TokenVerifier;
import dev.parley.signaling.compat.peerjs.PeerjsHub;
import dev.parley.signaling.compat.peerjs.PeerjsKeys;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/**
 * PeerJS's HTTP API under {@code /compat/peerjs/}: {@code GET /} (server info), {@code GET /{key}/id}
 * (a fresh id, text/html as upstream), {@code GET /{key}/peers} (the ids, only with discovery on,
 * else 401). CORS for allowed origins.
 */
public final class PeerjsServlet extends HttpServlet {

    private final transient HttpSupport http;
    private final transient PeerjsHub hub;
    private final transient PeerjsKeys keys;
    private final boolean discovery;

    public PeerjsServlet(OriginPolicy origins, TokenVerifier tokens, ObjectMapper mapper, PeerjsHub hub, PeerjsKeys keys,
                         boolean discovery) {
        this.http = new HttpSupport(origins, tokens, mapper);
        this.hub = hub;
        this.keys = keys;
        this.discovery = discovery;
    }

    @Override
    protected void doOptions(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (http.cors(req, resp, "GET, OPTIONS")) {
            resp.setStatus(204);
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!http.cors(req, resp, "GET, OPTIONS")) {
            return;
        }
        String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
        if (path.equals("/")) {
            http.json(resp, 200, Map.of("name", "PeerJS Server (Parley compat)",
                    "description", "A server side element to broker connections between PeerJS clients.",
                    "website", "https://peerjs.com/"));
            return;
        }
        String[] parts = path.substring(1).split("/");
        if (parts.length != 2 || !keys.accepts(parts[0])) {
            resp.sendError(404);
            return;
        }
        switch (parts[1]) {
            case "id" -> {
                resp.setContentType("text/html; charset=utf-8");
                resp.setHeader("Cache-Control", "no-store");
                resp.getWriter().write(hub.generateId());
            }
            case "peers" -> {
                if (discovery) {
                    http.json(resp, 200, hub.ids());
                } else {
                    resp.setStatus(401);
                    resp.setContentType("text/plain");
                    resp.getWriter().write("Unauthorized");
                }
            }
            default -> resp.sendError(404);
        }
    }
}
