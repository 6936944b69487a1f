package dev.parley.signaling.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.auth.OriginPolicy;
import dev.parley.auth.Principal;
import dev.parley.auth.TokenVerifier;
import dev.parley.signaling.handler.NativeHandler;
import dev.parley.signaling.protocol.ServerMessage;
import dev.parley.signaling.room.Member;
import dev.parley.signaling.room.Room;
import dev.parley.signaling.room.RoomRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Operator API for native-protocol rooms on this node:
 * <pre>
 * GET  /admin/rooms                                  [{"room":..,"peers":n}]
 * GET  /admin/rooms/{room}/peers                     [{"peerId","userId","meta","state"[,"node"]}]
 * POST /admin/rooms/{room}/peers/{peerId}/kick       {"kicked":true}   (the session ends, no resume)
 * POST /admin/rooms/{room}/broadcast   body: JSON    {"delivered":n}   (members get broadcast{room,d})
 * </pre>
 * Needs {@code Authorization: Bearer <token with "admin": true>}; in dev mode (no auth secret) only
 * requests from a loopback address are served.
 */
public final class AdminServlet extends HttpServlet {

    private static final int MAX_BODY = 64 * 1024;

    private final transient HttpSupport http;
    private final transient RoomRegistry rooms;
    private final transient NativeHandler handler;

    public AdminServlet(OriginPolicy origins, TokenVerifier tokens, ObjectMapper mapper, RoomRegistry rooms,
                        NativeHandler handler) {
        this.http = new HttpSupport(origins, tokens, mapper);
        this.rooms = rooms;
        this.handler = handler;
    }

    private boolean authorized(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!http.cors(req, resp, "GET, POST, OPTIONS")) {
            return false;
        }
        if (http.devMode()) {
            if (HttpSupport.isLoopback(req)) {
                return true;
            }
            http.json(resp, 403, Map.of("error", "forbidden", "msg", "dev mode: /admin is served to loopback clients only"));
            return false;
        }
        Principal p = http.principal(req, resp);
        if (p == null) {
            return false;
        }
        if (!p.admin()) {
            http.json(resp, 403, Map.of("error", "forbidden", "msg", "an admin token is required"));
            return false;
        }
        return true;
    }

    private static String[] parts(HttpServletRequest req) {
        String p = req.getPathInfo() == null ? "" : req.getPathInfo();
        return p.isEmpty() || p.equals("/") ? new String[0] : p.substring(1).split("/");
    }

    @Override
    protected void doOptions(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        http.options(req, resp, "GET, POST, OPTIONS");
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!authorized(req, resp)) {
            return;
        }
        String[] p = parts(req);
        if (p.length == 1 && p[0].equals("rooms")) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Room r : rooms.rooms()) {
                out.add(Map.of("room", r.name(), "peers", r.size()));
            }
            http.json(resp, 200, out);
        } else if (p.length == 3 && p[0].equals("rooms") && p[2].equals("peers")) {
            Optional<Room> room = rooms.room(p[1]);
            if (room.isEmpty()) {
                http.json(resp, 404, Map.of("error", "no-such-room"));
                return;
            }
            List<Map<String, Object>> out = new ArrayList<>();
            for (Member m : room.get().snapshot()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("peerId", m.peerId());
                e.put("userId", m.session().userId());
                e.put("meta", m.meta());
                e.put("state", m.session().state().name().toLowerCase(java.util.Locale.ROOT));
                out.add(e);
            }
            for (var rm : room.get().remoteSnapshot()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("peerId", rm.peerId());
                e.put("userId", rm.userId());
                e.put("meta", rm.meta());
                e.put("state", "remote");
                e.put("node", rm.node());
                out.add(e);
            }
            http.json(resp, 200, out);
        } else {
            http.json(resp, 404, Map.of("error", "not-found"));
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!authorized(req, resp)) {
            return;
        }
        String[] p = parts(req);
        if (p.length == 5 && p[0].equals("rooms") && p[2].equals("peers") && p[4].equals("kick")) {
            boolean inRoom = rooms.room(p[1]).map(r -> r.snapshot().stream().anyMatch(m -> m.peerId().equals(p[3])))
                    .orElse(false);
            if (!inRoom || !handler.kick(p[3], "kicked by an operator")) {
                http.json(resp, 404, Map.of("error", "no-such-peer"));
                return;
            }
            http.json(resp, 200, Map.of("kicked", true));
        } else if (p.length == 3 && p[0].equals("rooms") && p[2].equals("broadcast")) {
            JsonNode body;
            try (InputStream in = req.getInputStream()) {
                byte[] bytes = in.readNBytes(MAX_BODY + 1);
                if (bytes.length > MAX_BODY) {
                    http.json(resp, 413, Map.of("error", "too-large"));
                    return;
                }
                body = http.mapper().readTree(bytes);
            } catch (IOException e) {
                http.json(resp, 400, Map.of("error", "bad-json"));
                return;
            }
            if (body == null || body.isMissingNode()) {
                http.json(resp, 400, Map.of("error", "bad-json", "msg", "send a JSON body"));
                return;
            }
            int n = rooms.broadcast(p[1], new ServerMessage.Broadcast(p[1], body));
            http.json(resp, n == 0 ? 404 : 200, Map.of("delivered", n));
        } else {
            http.json(resp, 404, Map.of("error", "not-found"));
        }
    }
}
