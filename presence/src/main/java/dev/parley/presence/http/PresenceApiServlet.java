package dev.parley.presence.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.auth.Principal;
import dev.parley.auth.TokenException;
import dev.parley.presence.PresenceConfig;
import dev.parley.presence.PresenceService;
import dev.parley.presence.model.Channel;
import dev.parley.presence.model.PresenceEvent;
import dev.parley.presence.model.UserStatus;
import dev.parley.presence.wire.EventJson;
import dev.parley.presence.wire.Json;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * {@code POST /v1/presence/status} {"status":"away"} · {@code GET /v1/presence/rooms/{room}} ·
 * {@code GET /v1/presence/users?ids=a,b}. Store calls are asynchronous; the response is written on
 * the service's executor, never on a Redis I/O thread.
 */
public final class PresenceApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final int MAX_BODY = 4096;

    private final transient PresenceService service;
    private final transient PresenceConfig config;
    private final transient Executor executor;

    public PresenceApiServlet(PresenceService service, PresenceConfig config, Executor executor) {
        this.service = service;
        this.config = config;
        this.executor = executor;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!RequestAuth.originAllowed(req, config.origins())) {
            Problem.FORBIDDEN.send(resp, "origin not allowed");
            return;
        }
        Principal principal;
        try {
            principal = RequestAuth.principal(req, config.tokens());
        } catch (TokenException e) {
            Problem.UNAUTHORIZED.send(resp, e.getMessage());
            return;
        }
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        try {
            if (path.equals("/status")) {
                if (!req.getMethod().equals("POST")) {
                    Problem.METHOD_NOT_ALLOWED.send(resp, "use POST");
                    return;
                }
                postStatus(req, resp, principal);
            } else if (path.startsWith("/rooms/") && path.length() > 7) {
                if (!req.getMethod().equals("GET")) {
                    Problem.METHOD_NOT_ALLOWED.send(resp, "use GET");
                    return;
                }
                String room = URLDecoder.decode(path.substring(7), StandardCharsets.UTF_8);
                if (!principal.mayJoin(room)) {
                    Problem.FORBIDDEN.send(resp, "the token does not allow room " + room);
                    return;
                }
                respond(req, resp, service.room(room));
            } else if (path.equals("/users")) {
                if (!req.getMethod().equals("GET")) {
                    Problem.METHOD_NOT_ALLOWED.send(resp, "use GET");
                    return;
                }
                String ids = req.getParameter("ids");
                if (ids == null) {
                    throw new IllegalArgumentException("?ids=a,b is required");
                }
                respond(req, resp, service.users(PresenceStreamServlet.parseUsers(ids, config.maxWatchedUsers())));
            } else {
                Problem.NOT_FOUND.send(resp, "no such presence endpoint");
            }
        } catch (IllegalArgumentException e) {
            Problem.BAD_REQUEST.send(resp, e.getMessage());
        }
    }

    private void postStatus(HttpServletRequest req, HttpServletResponse resp, Principal principal) throws IOException {
        if (principal.readOnly()) {
            Problem.FORBIDDEN.send(resp, "a read-only token cannot set a status");
            return;
        }
        JsonNode body;
        try (InputStream in = req.getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw new IllegalArgumentException("body larger than " + MAX_BODY + " bytes");
            }
            body = Json.MAPPER.readTree(bytes);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("body must be JSON like {\"status\":\"away\"}");
        }
        if (body == null || !body.isObject() || !body.path("status").isTextual()) {
            throw new IllegalArgumentException("body must be JSON like {\"status\":\"away\"}");
        }
        UserStatus status = UserStatus.parse(body.get("status").asText());
        if (status == UserStatus.OFFLINE) {
            throw new IllegalArgumentException("status must be online or away");
        }
        String user = principal.userId();
        if (principal.anonymous() && body.path("user").isTextual()) {
            user = Channel.checkName(body.get("user").asText(), "user");   // dev mode only: no token names the user
        }
        AsyncContext async = req.startAsync();
        service.setStatus(user, status).whenCompleteAsync((v, err) -> {
            try {
                HttpServletResponse r = (HttpServletResponse) async.getResponse();
                if (err != null) {
                    Problem.UNAVAILABLE.send(r, "presence store unavailable; try again");
                } else {
                    r.setStatus(204);
                }
            } catch (IOException e) {
                // the client went away
            } finally {
                async.complete();
            }
        }, executor);
    }

    private void respond(HttpServletRequest req, HttpServletResponse resp, CompletionStage<PresenceEvent.Snapshot> stage) {
        AsyncContext async = req.startAsync();
        stage.whenCompleteAsync((snap, err) -> {
            try {
                HttpServletResponse r = (HttpServletResponse) async.getResponse();
                if (err != null) {
                    Problem.UNAVAILABLE.send(r, "presence store unavailable; try again");
                } else {
                    Map<String, Object> body = new LinkedHashMap<>(EventJson.toMap(snap));
                    body.remove("fresh");
                    body.put("id", snap.id().toString());
                    r.setStatus(200);
                    r.setContentType("application/json");
                    r.setCharacterEncoding("UTF-8");
                    r.getWriter().write(Json.write(body));
                }
            } catch (IOException e) {
                // the client went away
            } finally {
                async.complete();
            }
        }, executor);
    }
}
