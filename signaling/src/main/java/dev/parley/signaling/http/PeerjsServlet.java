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
import java.time.Duration;
import java.util.Map;

/**
 * PeerJS's HTTP API under {@code /compat/peerjs/}: {@code GET /} (server info), {@code GET /{key}/id}
 * (a fresh id no node holds, text/html as upstream), {@code GET /{key}/peers} (the ids connected on
 * any node, at most {@value PeerjsHub#MAX_LISTED_IDS}, only with discovery on, else 401). The
 * {@code key} only authorizes: every accepted key sees the one realm (with auth each client's key is
 * its own token). CORS for allowed origins.
 */
public final class PeerjsServlet extends HttpServlet {

    private final transient HttpSupport http;
    private final transient PeerjsHub hub;
    private final transient PeerjsKeys keys;
    private final boolean discovery;
    /** Longest the cluster directory may take before the node answers from what it knows itself. */
    private static final Duration DIRECTORY_WAIT = Duration.ofSeconds(1);

    public PeerjsServlet(OriginPolicy origins, TokenVerifier tokens, ObjectMapper mapper, PeerjsHub hub, PeerjsKeys keys,
                         boolean discovery) {
        this.http = new HttpSupport(origins, tokens, mapper);
        this.hub = hub;
        this.keys = keys;
        this.discovery = discovery;
    }

    @Override
    protected void doOptions(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        http.options(req, resp, "GET, OPTIONS");
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
            case "id" -> http.later(req, resp, hub.freshId(), DIRECTORY_WAIT, (r, id, err) -> {
                r.setContentType("text/html; charset=utf-8");
                r.setHeader("Cache-Control", "no-store");
                r.getWriter().write(err == null ? id : hub.generateId());   // a slow directory: unique here
            });
            case "peers" -> {
                if (discovery) {
                    http.later(req, resp, hub.listIds(), DIRECTORY_WAIT,
                            (r, ids, err) -> http.json(r, 200, err == null ? ids : hub.ids()));
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
