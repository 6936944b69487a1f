package dev.parley.signaling.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.auth.OriginPolicy;
import dev.parley.auth.Principal;
import dev.parley.auth.TokenVerifier;
import dev.parley.signaling.cluster.ClusterAdmin;
import dev.parley.signaling.cluster.ClusterRooms;
import dev.parley.signaling.cluster.RoomDirectory;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Operator API for native-protocol rooms. With a room directory ({@code --redis}) every call sees
 * the whole cluster, whichever node is asked:
 * <pre>
 * GET  /admin/rooms[?after=&amp;limit=]                   [{"room","peers":n[,"nodes":{node:n}]}]  name order
 * GET  /admin/rooms/{room}/peers                     [{"peerId","userId","meta","state"[,"node"]}]
 * POST /admin/rooms/{room}/peers/{peerId}/kick       {"kicked":true[,"node"]}   (the session ends, no resume)
 * POST /admin/rooms/{room}/broadcast   body: JSON    {"delivered":n}   (members get broadcast{room,d})
 * </pre>
 * <ul>
 *   <li>{@code /admin/rooms}: alone, this node's rooms with its members; in a cluster, every room in
 *       the directory's room index, {@code peers} over every live node and {@code nodes} per node.
 *       Pages of {@code limit} (default {@value #DEFAULT_LIMIT}, at most {@value #MAX_LIMIT}) after
 *       room {@code after}; when more may follow, the header {@value #NEXT_HEADER} names the
 *       {@code after} for the next page.</li>
 *   <li>{@code peers}: members here with their state ({@code attached}/{@code detached}) and
 *       those on other nodes ({@code "state":"remote"}, {@code node}); a room with no member on
 *       this node is read from the directory.</li>
 *   <li>kick: a member held by another node is kicked there (its node answers on the bus); the
 *       answer is 200 only once that node confirmed it, 404 when no node holds it, 504
 *       ({@code node-timeout}) when its node did not answer within the wait (2 s), 503 while the
 *       directory is unreachable.</li>
 *   <li>broadcast reaches the room on every node; {@code delivered} counts this node's members.</li>
 * </ul>
 * Needs {@code Authorization: Bearer <token with "admin": true>}; in dev mode (no auth secret) only
 * requests from a loopback address are served.
 */
public final class AdminServlet extends HttpServlet {

    private static final int MAX_BODY = 64 * 1024;
    private static final String KICK_REASON = "kicked by an operator";
    static final int DEFAULT_LIMIT = 1000;
    static final int MAX_LIMIT = 10_000;
    static final String NEXT_HEADER = "Parley-Next-After";
    /** Longest a directory read may take before the request is answered 503. */
    private static final Duration DIRECTORY_WAIT = Duration.ofSeconds(2);

    private final transient HttpSupport http;
    private final transient RoomRegistry rooms;
    private final transient NativeHandler handler;
    private final transient ClusterRooms cluster;
    private final transient ClusterAdmin admin;

    /** A single node: rooms and kicks of this node. */
    public AdminServlet(OriginPolicy origins, TokenVerifier tokens, ObjectMapper mapper, RoomRegistry rooms,
                        NativeHandler handler) {
        this(origins, tokens, mapper, rooms, handler, null, null);
    }

    /** With {@code cluster} and {@code admin} (both or neither), listings and kicks span the cluster. */
    public AdminServlet(OriginPolicy origins, TokenVerifier tokens, ObjectMapper mapper, RoomRegistry rooms,
                        NativeHandler handler, ClusterRooms cluster, ClusterAdmin admin) {
        this.http = new HttpSupport(origins, tokens, mapper);
        this.rooms = rooms;
        this.handler = handler;
        this.cluster = cluster;
        this.admin = admin;
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
            listRooms(req, resp);
        } else if (p.length == 3 && p[0].equals("rooms") && p[2].equals("peers")) {
            Optional<Room> room = rooms.room(p[1]);
            if (room.isEmpty() && cluster != null) {
                http.later(req, resp, cluster.members(p[1]), DIRECTORY_WAIT, (r, entries, err) -> {
                    if (err != null) {
                        unavailable(r);
                    } else if (entries.isEmpty()) {
                        http.json(r, 404, Map.of("error", "no-such-room"));
                    } else {
                        List<Map<String, Object>> out = new ArrayList<>();
                        for (RoomDirectory.Entry e : entries) {
                            out.add(remote(e.peerId(), e.userId(), meta(e.metaJson()), e.node()));
                        }
                        http.json(r, 200, out);
                    }
                });
                return;
            }
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
                out.add(remote(rm.peerId(), rm.userId(), rm.meta(), rm.node()));
            }
            http.json(resp, 200, out);
        } else {
            http.json(resp, 404, Map.of("error", "not-found"));
        }
    }

    private static Map<String, Object> remote(String peerId, String userId, JsonNode meta, String node) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("peerId", peerId);
        e.put("userId", userId);
        e.put("meta", meta);
        e.put("state", "remote");
        e.put("node", node);
        return e;
    }

    private JsonNode meta(String metaJson) {
        try {
            JsonNode n = http.mapper().readTree(metaJson);
            return n == null || n.isNull() || n.isMissingNode() ? null : n;
        } catch (IOException e) {
            return null;
        }
    }

    private void unavailable(HttpServletResponse resp) throws IOException {
        http.json(resp, 503, Map.of("error", "directory-unreachable",
                "msg", "the cluster's room directory (Redis) did not answer; try again"));
    }

    private void listRooms(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String after = req.getParameter("after");
        int limit = DEFAULT_LIMIT;
        String l = req.getParameter("limit");
        if (l != null) {
            try {
                limit = Integer.parseInt(l);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                http.json(resp, 400, Map.of("error", "bad-limit", "msg", "limit must be 1.." + MAX_LIMIT));
                return;
            }
        }
        if (cluster == null) {
            TreeMap<String, Integer> sorted = new TreeMap<>();
            for (Room r : rooms.rooms()) {
                int n = r.size();
                if (n > 0 && (after == null || r.name().compareTo(after) > 0)) {
                    sorted.put(r.name(), n);
                }
            }
            List<Map<String, Object>> out = new ArrayList<>();
            String last = null;
            for (var e : sorted.entrySet()) {
                if (out.size() == limit) {
                    resp.setHeader(NEXT_HEADER, last);
                    break;
                }
                out.add(Map.of("room", e.getKey(), "peers", e.getValue()));
                last = e.getKey();
            }
            http.json(resp, 200, out);
            return;
        }
        http.later(req, resp, cluster.listRooms(after, limit), DIRECTORY_WAIT, (r, page, err) -> {
            if (err != null) {
                unavailable(r);
                return;
            }
            List<Map<String, Object>> out = new ArrayList<>();
            for (RoomDirectory.RoomCount rc : page.rooms()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("room", rc.room());
                e.put("peers", rc.peers());
                e.put("nodes", rc.nodes());
                out.add(e);
            }
            if (page.next() != null) {
                r.setHeader(NEXT_HEADER, page.next());
            }
            http.json(r, 200, out);
        });
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!authorized(req, resp)) {
            return;
        }
        String[] p = parts(req);
        if (p.length == 5 && p[0].equals("rooms") && p[2].equals("peers") && p[4].equals("kick")) {
            if (admin == null) {
                if (!handler.kick(p[1], p[3], KICK_REASON)) {
                    http.json(resp, 404, Map.of("error", "no-such-peer"));
                    return;
                }
                http.json(resp, 200, Map.of("kicked", true));
                return;
            }
            // the wait for the owner is bounded by ClusterAdmin; the extra second only backs it up
            http.later(req, resp, admin.kick(p[1], p[3]), admin.waitLimit().plus(DIRECTORY_WAIT), (r, out, err) -> {
                if (err != null) {
                    unavailable(r);
                    return;
                }
                switch (out.outcome()) {
                    case KICKED -> http.json(r, 200, Map.of("kicked", true, "node", out.node()));
                    case NO_SUCH_PEER -> http.json(r, 404, Map.of("error", "no-such-peer"));
                    case TIMEOUT -> http.json(r, 504, Map.of("error", "node-timeout", "node", out.node(),
                            "msg", "node " + out.node() + " holds the peer but did not confirm the kick within "
                                    + admin.waitLimit().toMillis() + " ms; it may or may not have happened"));
                    case UNAVAILABLE -> unavailable(r);
                }
            });
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
