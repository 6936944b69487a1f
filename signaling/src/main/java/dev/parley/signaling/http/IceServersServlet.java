package dev.parley.signaling.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.auth.OriginPolicy;
import dev.parley.auth.Principal;
import dev.parley.auth.TokenVerifier;
import dev.parley.signaling.ice.IceServerProvider;
import dev.parley.signaling.ice.IceServers;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/**
 * {@code GET /v1/ice-servers}: the same ICE servers a welcome carries, for clients with their own
 * signaling. {@code {"iceServers":[...],"iceExpiresAt":<epoch ms>}}; token as for the WebSocket.
 */
public final class IceServersServlet extends HttpServlet {

    private final transient HttpSupport http;
    private final transient IceServerProvider ice;

    public IceServersServlet(OriginPolicy origins, TokenVerifier tokens, ObjectMapper mapper, IceServerProvider ice) {
        this.http = new HttpSupport(origins, tokens, mapper);
        this.ice = ice;
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
        Principal p = http.principal(req, resp);
        if (p == null) {
            return;
        }
        IceServers servers = ice.forUser(p.userId());
        http.json(resp, 200, Map.of("iceServers", servers.servers(), "iceExpiresAt", servers.expiresAt().toEpochMilli()));
    }
}
