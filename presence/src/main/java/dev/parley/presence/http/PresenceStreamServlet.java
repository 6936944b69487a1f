package dev.parley.presence.http;

import dev.parley.auth.Principal;
import dev.parley.auth.TokenException;
import dev.parley.presence.PresenceConfig;
import dev.parley.presence.PresenceService;
import dev.parley.presence.fanout.PresenceHub;
import dev.parley.presence.fanout.Subscriber;
import dev.parley.presence.model.Channel;
import dev.parley.presence.model.EventId;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code GET /v1/presence/stream?room=R} or {@code ?user=U,V}: Server-Sent Events. The first event
 * is a {@code snapshot} (or, with {@code Last-Event-ID} / {@code ?lastEventId=}, the missed events;
 * a {@code snapshot} with {@code "fresh":true} when they cannot be replayed), then {@code join},
 * {@code leave} and {@code status}; ids are {@code epoch:offset}.
 */
public final class PresenceStreamServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    /** An epoch no log ever has: a malformed Last-Event-ID becomes a fresh snapshot. */
    private static final EventId UNREADABLE = new EventId("-", 0);

    private final transient PresenceService service;
    private final transient PresenceHub hub;
    private final transient SseConnections connections;
    private final transient PresenceConfig config;

    public PresenceStreamServlet(PresenceService service, PresenceHub hub, SseConnections connections, PresenceConfig config) {
        this.service = service;
        this.hub = hub;
        this.connections = connections;
        this.config = config;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
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
        String room = req.getParameter("room");
        String userList = req.getParameter("user");
        if (userList == null) {
            userList = req.getParameter("users");
        }
        Channel channel;
        Set<String> users = Set.of();
        try {
            if ((room == null) == (userList == null)) {
                throw new IllegalArgumentException("give exactly one of ?room=R or ?user=U,V");
            }
            if (room != null) {
                channel = Channel.room(Channel.checkName(room, "room"));
            } else {
                users = parseUsers(userList, config.maxWatchedUsers());
                channel = Channel.USERS;
            }
        } catch (IllegalArgumentException e) {
            Problem.BAD_REQUEST.send(resp, e.getMessage());
            return;
        }
        if (room != null && !principal.mayJoin(room)) {
            Problem.FORBIDDEN.send(resp, "the token does not allow room " + room);
            return;
        }
        if (!service.isReady() && !service.health().degraded()) {
            Problem.UNAVAILABLE.send(resp, "presence is not running");
            return;
        }
        EventId last = lastEventId(req);

        resp.setStatus(200);
        resp.setContentType("text/event-stream");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Accel-Buffering", "no");
        AsyncContext async = req.startAsync();
        async.setTimeout(0);
        AtomicReference<Subscriber> sub = new AtomicReference<>();
        AtomicReference<java.util.concurrent.ScheduledFuture<?>> expiry = new AtomicReference<>();
        SseConnection conn = new SseConnection(async, connections.bufferFrames(), c -> {
            connections.remove(c);
            java.util.concurrent.ScheduledFuture<?> f = expiry.get();
            if (f != null) {
                f.cancel(false);
            }
            Subscriber s = sub.get();
            if (s != null) {
                hub.unsubscribe(s);
            }
        });
        async.addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                conn.closeQuietly();
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                conn.closeQuietly();
            }

            @Override
            public void onError(AsyncEvent event) {
                conn.closeQuietly();
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
            }
        });
        connections.add(conn);
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        first.writeBytes(dev.parley.presence.wire.SseFrame.retry(connections.retry().toMillis()));
        conn.begin(first.toByteArray());
        sub.set(hub.subscribe(channel, users, last, conn));
        if (!principal.expiresAt().equals(java.time.Instant.MAX)) {
            // the stream lives no longer than its token; the client reconnects with a fresh one
            long ms = Math.max(0, principal.expiresAt().toEpochMilli() - System.currentTimeMillis());
            expiry.set(service.scheduler().schedule(() -> conn.close("token expired"), ms, java.util.concurrent.TimeUnit.MILLISECONDS));
        }
    }

    private static EventId lastEventId(HttpServletRequest req) {
        String raw = req.getHeader("Last-Event-ID");
        if (raw == null || raw.isBlank()) {
            raw = req.getParameter("lastEventId");
        }
        if (raw == null || raw.isBlank()) {
            return null;
        }
        EventId id = EventId.parseOrNull(raw.trim());
        return id == null ? UNREADABLE : id;
    }

    static Set<String> parseUsers(String list, int max) {
        Set<String> users = new LinkedHashSet<>();
        for (String u : list.split(",")) {
            String t = u.trim();
            if (!t.isEmpty()) {
                users.add(Channel.checkName(t, "user"));
            }
        }
        if (users.isEmpty()) {
            throw new IllegalArgumentException("?user= needs at least one user id");
        }
        if (users.size() > max) {
            throw new IllegalArgumentException("at most " + max + " users per stream");
        }
        return users;
    }
}
