package dev.parley.signaling.handler;

import dev.parley.auth.Principal;
import dev.parley.auth.TokenException;
import dev.parley.auth.TokenVerifier;
import dev.parley.signaling.SignalingConfig;
import dev.parley.signaling.ice.IceServerProvider;
import dev.parley.signaling.ice.IceServers;
import dev.parley.signaling.metrics.SignalingMetrics;
import dev.parley.signaling.protocol.ClientMessage;
import dev.parley.signaling.protocol.ErrorCode;
import dev.parley.signaling.protocol.MessageCodec;
import dev.parley.signaling.protocol.ProtocolException;
import dev.parley.signaling.protocol.ServerMessage;
import dev.parley.signaling.cluster.ClusterRooms;
import dev.parley.signaling.cluster.SessionMover;
import dev.parley.signaling.room.Member;
import dev.parley.signaling.presence.PresenceMeta;
import dev.parley.signaling.presence.PresenceSink;
import dev.parley.signaling.room.Frame;
import dev.parley.signaling.room.Outlet;
import dev.parley.signaling.room.PeerRouter;
import dev.parley.signaling.room.RoomRegistry;
import dev.parley.signaling.room.Session;
import dev.parley.signaling.room.TokenBucket;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The native protocol ({@code signaling/PROTOCOL.md}): handles each client message of a
 * {@link NativeConnection} and keeps sessions across reconnects; {@link Liveness} runs the periodic
 * sweep (pings, dead connections, hello timeouts, token expiry, ICE credential refresh). Never
 * blocks: every send is queued on the connection's {@link Outlet}.
 */
public final class NativeHandler implements AutoCloseable, SessionMover.Holder {

    private static final Logger LOG = LoggerFactory.getLogger(NativeHandler.class);

    private final SignalingConfig config;
    private final MessageCodec codec;
    private final RoomRegistry rooms;
    private final PeerRouter router;
    private final TokenVerifier tokens;
    private final IceServerProvider ice;
    private final SignalingMetrics metrics;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final LongSupplier nanos;
    private final PresenceSink presence;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final java.util.concurrent.locks.ReentrantLock emptyLock = new java.util.concurrent.locks.ReentrantLock();
    private final java.util.concurrent.locks.Condition empty = emptyLock.newCondition();
    private final Set<NativeConnection> connections = ConcurrentHashMap.newKeySet();
    private final ServerMessage.Limits limits;
    private final Liveness liveness;
    private ScheduledFuture<?> sweeper;
    private volatile ClusterRooms cluster;
    private volatile SessionMover mover;

    public NativeHandler(SignalingConfig config, MessageCodec codec, RoomRegistry rooms, PeerRouter router,
                         TokenVerifier tokens, IceServerProvider ice, SignalingMetrics metrics,
                         ScheduledExecutorService scheduler, Clock clock, LongSupplier nanos) {
        this(config, codec, rooms, router, tokens, ice, metrics, scheduler, clock, nanos, PresenceSink.NONE);
    }

    public NativeHandler(SignalingConfig config, MessageCodec codec, RoomRegistry rooms, PeerRouter router,
                         TokenVerifier tokens, IceServerProvider ice, SignalingMetrics metrics,
                         ScheduledExecutorService scheduler, Clock clock, LongSupplier nanos, PresenceSink presence) {
        this.presence = presence;
        this.config = config;
        this.codec = codec;
        this.rooms = rooms;
        this.router = router;
        this.tokens = tokens;
        this.ice = ice;
        this.metrics = metrics;
        this.scheduler = scheduler;
        this.clock = clock;
        this.nanos = nanos;
        this.limits = new ServerMessage.Limits(config.maxFrameBytes(), config.maxRoomsPerSession(),
                config.maxPeersPerRoom(), config.ratePerSecond(), config.burst());
        this.liveness = new Liveness(this, config, metrics, clock, nanos);
    }

    /** Cluster mode: rooms are shared with the other nodes through {@code cluster}. Set before start. */
    public void cluster(ClusterRooms cluster, SessionMover mover) {
        this.cluster = cluster;
        this.mover = mover;
    }

    public void start() {
        long period = Math.max(10, config.heartbeat().toMillis() / 2);
        sweeper = scheduler.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    public int sessionCount() {
        return sessions.size();
    }

    private void forget(Session s) {
        if (sessions.remove(s.sessionId(), s) && sessions.isEmpty()) {
            emptyLock.lock();
            try {
                empty.signalAll();
            } finally {
                emptyLock.unlock();
            }
        }
    }

    /** Waits up to {@code max} until this node holds no session (they ended or moved); true if none is left. */
    public boolean awaitNoSessions(java.time.Duration max) throws InterruptedException {
        long left = max.toNanos();
        emptyLock.lock();
        try {
            while (!sessions.isEmpty()) {
                if (left <= 0) {
                    return false;
                }
                left = empty.awaitNanos(left);
            }
            return true;
        } finally {
            emptyLock.unlock();
        }
    }

    public Optional<Session> session(String peerId) {
        return router.local(peerId);
    }

    /** What a graceful shutdown tells clients: the bye action and the close code. */
    private record Drain(String action, int closeCode) {
    }

    /** Set once draining: applied to connections that open from now on. */
    private volatile Drain draining;

    // ---- connection lifecycle (called by the ws endpoint) ----

    public NativeConnection open(Outlet outlet, Principal queryPrincipal, TokenException queryError) {
        NativeConnection c = new NativeConnection(outlet, queryPrincipal, queryError,
                new TokenBucket(config.ratePerSecond(), config.burst(), nanos.getAsLong()), nanos.getAsLong());
        connections.add(c);
        Drain drain = draining;
        if (drain != null && !c.closed) {
            // opened while draining: drain() may have iterated before this connection was added
            c.closed = true;
            c.outlet.send(Frame.text(codec.encode(new ServerMessage.Bye("shutdown", drain.action())), "bye"));
            c.outlet.close(drain.closeCode(), "server shutting down");
            return c;
        }
        if (queryError != null) {
            fail(c, ErrorCode.UNAUTHORIZED, queryError.getMessage(), null);
        }
        return c;
    }

    public void onPong(NativeConnection c) {
        c.lastInboundNanos = nanos.getAsLong();
    }

    public void onText(NativeConnection c, String text) {
        c.lastInboundNanos = nanos.getAsLong();
        if (c.closed || !admit(c)) {
            return;
        }
        ClientMessage m;
        try {
            m = codec.decode(text);
        } catch (ProtocolException e) {
            metrics.in("invalid");
            fail(c, e.code(), e.getMessage(), e.ref());
            return;
        }
        handle(c, m);
    }

    public void onBinary(NativeConnection c, ByteBuffer frame) {
        c.lastInboundNanos = nanos.getAsLong();
        if (c.closed || !admit(c)) {
            return;
        }
        ClientMessage m;
        try {
            m = codec.decodeBinary(frame);
        } catch (ProtocolException e) {
            metrics.in("invalid");
            fail(c, e.code(), e.getMessage(), e.ref());
            return;
        }
        handle(c, m);
    }

    /** The socket is gone. {@code intentional}: the client closed with 1000 (no resume wanted). */
    public void onClose(NativeConnection c, boolean intentional) {
        c.closed = true;
        if (!c.ended.compareAndSet(false, true)) {
            return;
        }
        connections.remove(c);
        Session s = c.session;
        if (s == null || !s.isAttachedTo(c.outlet)) {
            return;
        }
        if (intentional || config.resumeGrace().isZero()) {
            endSession(s, "left");
            return;
        }
        ScheduledFuture<?> timer = scheduler.schedule(() -> endSession(s, "timeout"),
                config.resumeGrace().toMillis(), TimeUnit.MILLISECONDS);
        s.detach(c.outlet, timer);
    }

    /**
     * The transport dropped the connection on its own (slow consumer). Called from inside a send,
     * possibly under room and session locks: the bookkeeping is handed to the scheduler.
     */
    public void onLost(NativeConnection c) {
        c.closed = true;
        scheduler.execute(() -> onClose(c, false));
    }

    // ---- messages ----

    private boolean admit(NativeConnection c) {
        long wait = c.bucket.tryTake(nanos.getAsLong());
        if (wait == 0) {
            c.rateStrikes = 0;
            return true;
        }
        metrics.in("rate-limited");
        if (++c.rateStrikes > config.burst()) {
            fail(c, ErrorCode.RATE_LIMIT_ABUSE, "kept sending past the rate limit", null);
            return false;
        }
        metrics.error(ErrorCode.RATE_LIMITED.wire());
        reply(c, new ServerMessage.Error(ErrorCode.RATE_LIMITED.wire(),
                "rate limit: " + config.ratePerSecond() + " messages/s, burst " + config.burst(), false, wait, null));
        return false;
    }

    private void handle(NativeConnection c, ClientMessage m) {
        String ref = typeOf(m);
        metrics.in(ref);
        try {
            if (c.resuming && !(m instanceof ClientMessage.Ping)) {
                throw new ProtocolException(ErrorCode.HELLO_REQUIRED, "wait for the welcome of your resume");
            }
            if (m instanceof ClientMessage.Hello h) {
                hello(c, h);
                return;
            }
            if (m instanceof ClientMessage.Ping p) {
                Session s = c.session;
                if (s != null && p.ack() >= 0) {
                    s.ack(p.ack());
                }
                reply(c, new ServerMessage.Pong(p.id()));
                return;
            }
            Session s = c.session;
            if (s == null) {
                throw new ProtocolException(ErrorCode.HELLO_REQUIRED, "send hello first");
            }
            if (m instanceof ClientMessage.Join j) {
                join(s, j);
            } else if (m instanceof ClientMessage.Leave l) {
                String id = cluster == null ? null : cluster.nextId();
                if (!rooms.leave(l.room(), s, "left", true, id)) {
                    throw new ProtocolException(ErrorCode.NOT_IN_ROOM, "not in room " + l.room());
                }
                if (cluster != null) {
                    cluster.left(l.room(), s, "left", id);
                }
                presence.leaveRoom(l.room(), s.presenceId());
            } else if (m instanceof ClientMessage.Signal sig) {
                signal(s, sig);
            } else if (m instanceof ClientMessage.Relay r) {
                relay(s, r);
            } else if (m instanceof ClientMessage.IceServersRequest) {
                pushIceServers(c, s);
            } else if (m instanceof ClientMessage.Status st) {
                presence.setStatus(s.userId(), st.away());
            } else if (m instanceof ClientMessage.Bye) {
                endSession(s, "bye");
                c.closed = true;
                c.outlet.close(1000, "bye");
            } else {
                throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, "unexpected " + ref);
            }
        } catch (ProtocolException e) {
            fail(c, e.code(), e.getMessage(), ref);
        } catch (RuntimeException e) {
            LOG.warn("error handling {} from {}", ref, c.session == null ? "?" : c.session.peerId(), e);
            fail(c, ErrorCode.INTERNAL, "internal error", ref);
        }
    }

    private void hello(NativeConnection c, ClientMessage.Hello h) throws ProtocolException {
        if (c.session != null) {
            throw new ProtocolException(ErrorCode.ALREADY_HELLO, "hello was already sent on this connection");
        }
        Principal principal = c.queryPrincipal;
        if (principal == null || (h.token() != null && !tokens.isDevMode())) {
            try {
                principal = tokens.verify(h.token());
            } catch (TokenException e) {
                throw new ProtocolException(ErrorCode.UNAUTHORIZED, e.getMessage());
            }
        }
        if (h.resume() != null) {
            Session old = sessions.get(h.resume().sessionId());
            if (old != null && old.state() == Session.State.ARRIVING) {
                // a second resume while the first still moves the session here: leave the first alone
                metrics.resume(false);
                fail(c, ErrorCode.RESUME_FAILED, "session is being resumed on another connection", "hello");
                newSession(c, principal);
                return;
            }
            if (old != null && Ids.constantTimeEquals(old.resumeToken(), h.resume().resumeToken())
                    && (principal.anonymous() || old.userId().equals(principal.userId()))) {
                IceServers iceServers = ice.forUser(old.userId());
                // counted when the welcome is built, so a client that sees it can also see the count
                Session.Resumed r = old.resume(c.outlet, h.resume().lastSeq(), seq -> {
                    metrics.resume(true);
                    return welcomeFrame(old, iceServers, true, seq);
                });
                if (r != null) {
                    c.session = old;
                    noteIce(c, iceServers);
                    if (r.previous() != null && r.previous() != c.outlet) {
                        r.previous().send(Frame.text(codec.encode(new ServerMessage.Bye("replaced", ServerMessage.Bye.DISCONNECT)), "bye"));
                        r.previous().close(ErrorCode.REPLACED.closeCode(), "replaced by a resumed connection");
                    }
                    return;
                }
            }
            if (old == null && mover != null) {
                // not here: maybe on another node (or parked by one that stopped)
                c.resuming = true;
                Principal p = principal;
                ClientMessage.Resume res = h.resume();
                mover.request(res.sessionId(), res.resumeToken(), new SessionMover.Arrival() {
                    private Session arriving;

                    @Override
                    public java.util.concurrent.CompletionStage<Void> prepare(SessionMover.MovedOut described) {
                        arriving = prepareArrival(p, described);
                        return arriving == null ? null : arrivalReady(arriving, described);
                    }

                    @Override
                    public void done(SessionMover.MovedOut state) {
                        arrive(c, p, res, state, arriving);
                    }
                });
                return;
            }
            metrics.resume(false);
            if (old != null && Ids.constantTimeEquals(old.resumeToken(), h.resume().resumeToken())) {
                endSession(old, "resume-failed");
            }
            fail(c, ErrorCode.RESUME_FAILED, "session cannot be resumed; a new one was started", "hello");
        }
        newSession(c, principal);
    }

    /**
     * Another node holds the session a client resumes here: create it here, arriving (what is sent to
     * it waits), subscribed to its peer topic and its rooms. Null refuses the move (another user's token,
     * or the session is already here).
     */
    private Session prepareArrival(Principal principal, SessionMover.MovedOut d) {
        Session.Moved m = d.moved();
        if ((!principal.anonymous() && !m.principal().userId().equals(principal.userId()))
                || sessions.containsKey(m.sessionId()) || router.local(m.peerId()).isPresent()) {
            return null;
        }
        Session s = Session.arriving(m.sessionId(), m.peerId(), m.resumeToken(), m.principal(),
                m.sessionId() + "@" + cluster.node(), config.resumeBufferMessages(), config.resumeBufferBytes());
        sessions.put(s.sessionId(), s);
        router.register(s);
        for (SessionMover.RoomState r : d.rooms()) {
            rooms.adopt(r.room(), s, r.meta(), r.order());
        }
        return s;
    }

    /** Completes when every topic the arriving session needs is subscribed. */
    private java.util.concurrent.CompletionStage<Void> arrivalReady(Session s, SessionMover.MovedOut d) {
        java.util.List<java.util.concurrent.CompletableFuture<Void>> all = new ArrayList<>();
        all.add(router.reachable(s.peerId()).toCompletableFuture());
        for (SessionMover.RoomState r : d.rooms()) {
            all.add(cluster.subscribed(r.room()).toCompletableFuture());
        }
        return java.util.concurrent.CompletableFuture.allOf(all.toArray(java.util.concurrent.CompletableFuture[]::new));
    }

    /** Takes an arriving session out of this node without a trace (the move did not happen). */
    private void abandon(Session s) {
        if (!s.end()) {
            return;
        }
        for (String room : new ArrayList<>(s.rooms())) {
            rooms.drop(room, s);
        }
        s.rooms().clear();
        forget(s);
        router.unregister(s);
    }

    /**
     * Continues, on this node, a session another node handed over or parked (or null: nobody had it).
     * {@code arriving} is the session prepared for it here, if the holder was live.
     */
    private void arrive(NativeConnection c, Principal principal, ClientMessage.Resume res, SessionMover.MovedOut out,
                        Session arriving) {
        try {
            c.resuming = false;
            if (out != null && !principal.anonymous() && !out.moved().principal().userId().equals(principal.userId())) {
                out = null;   // resumed with another user's token: the moved session ends below
            }
            if (out == null && arriving != null) {
                abandon(arriving);
            }
            if (out != null) {
                Session s;
                if (arriving != null) {
                    s = arriving;
                    java.util.Set<String> moved = new java.util.HashSet<>();
                    for (SessionMover.RoomState r : out.rooms()) {
                        moved.add(r.room());
                        if (!s.rooms().contains(r.room())) {
                            rooms.adopt(r.room(), s, r.meta(), r.order());   // joined during the move
                        }
                    }
                    for (String r : new ArrayList<>(s.rooms())) {
                        if (!moved.contains(r)) {
                            rooms.drop(r, s);   // left during the move
                            s.rooms().remove(r);
                        }
                    }
                    if (s.land(out.moved()) < 0) {
                        abandon(s);
                        out = null;
                    }
                } else {
                    s = Session.arrive(out.moved(), out.moved().sessionId() + "@" + cluster.node(),
                            config.resumeBufferMessages(), config.resumeBufferBytes());
                    sessions.put(s.sessionId(), s);
                    router.register(s);
                    for (SessionMover.RoomState r : out.rooms()) {
                        rooms.adopt(r.room(), s, r.meta(), r.order());
                    }
                }
            }
            if (out != null) {
                Session s = sessions.get(out.moved().sessionId());
                s.graceTimer(scheduler.schedule(() -> endSession(s, "timeout"), config.resumeGrace().toMillis(),
                        TimeUnit.MILLISECONDS));
                presence.connect(s.userId(), s.presenceId());
                for (SessionMover.RoomState r : out.rooms()) {
                    rooms.landed(r.room(), s, r.known());
                    cluster.adopted(r.room(), s, r.meta(), r.order());
                    presence.joinRoom(r.room(), s.userId(), s.presenceId(), PresenceMeta.of(r.meta()));
                }
                if (c.closed) {
                    metrics.resume(false);
                    return;   // the new socket is gone too: the session waits for another resume here
                }
                IceServers iceServers = ice.forUser(s.userId());
                Session.Resumed r = s.resume(c.outlet, res.lastSeq(), seq -> {
                    metrics.resume(true);
                    return welcomeFrame(s, iceServers, true, seq);
                });
                if (r != null) {
                    c.session = s;
                    noteIce(c, iceServers);
                    return;
                }
                endSession(s, "resume-failed");
            }
            if (c.closed) {
                return;
            }
            metrics.resume(false);
            fail(c, ErrorCode.RESUME_FAILED, "session cannot be resumed; a new one was started", "hello");
            newSession(c, principal);
        } catch (RuntimeException e) {
            LOG.warn("resume from another node failed", e);
            fail(c, ErrorCode.INTERNAL, "internal error", "hello");
        }
    }

    /**
     * Another node resumes one of our sessions: stop it here without telling its rooms (it continues
     * there) and hand over its state. Null when it is not here or the token does not match.
     */
    @Override
    public SessionMover.MovedOut handOut(String sessionId, String tokenHash, String toNode) {
        Session s = held(sessionId, tokenHash);
        return s == null ? null : moveOut(s, toNode);
    }

    @Override
    public SessionMover.MovedOut describe(String sessionId, String tokenHash) {
        Session s = held(sessionId, tokenHash);
        if (s == null) {
            return null;
        }
        s.trackIds();   // a take may follow: both nodes will receive what is published meanwhile
        java.util.List<SessionMover.RoomState> rs = new ArrayList<>();
        for (String room : new ArrayList<>(s.rooms())) {
            Member member = rooms.member(room, s);
            if (member != null) {
                rs.add(new SessionMover.RoomState(room, member.meta(), member.order(), null));
            }
        }
        Session.Moved m = new Session.Moved(s.sessionId(), s.peerId(), s.resumeToken(), s.principal(), 0, 0,
                java.util.List.of(), java.util.List.of(), null);
        return new SessionMover.MovedOut(m, rs);
    }

    @Override
    public void fence(String peerId, java.util.List<String> roomNames, String fenceId) {
        router.fence(peerId, fenceId);
        for (String room : roomNames) {
            cluster.fence(room, fenceId);
        }
    }

    /** A session held here (not arriving, not ended) whose resume token hashes to {@code tokenHash}. */
    private Session held(String sessionId, String tokenHash) {
        Session s = sessions.get(sessionId);
        if (s == null || !Ids.constantTimeEquals(SessionMover.hash(s.resumeToken()), tokenHash)) {
            return null;
        }
        Session.State st = s.state();
        return st == Session.State.ATTACHED || st == Session.State.DETACHED ? s : null;
    }

    private SessionMover.MovedOut moveOut(Session s, String toNode) {
        Session.Moved m = s.moveOut();
        if (m == null) {
            return null;
        }
        java.util.List<SessionMover.RoomState> rs = new ArrayList<>();
        for (String room : new ArrayList<>(s.rooms())) {
            java.util.List<dev.parley.signaling.room.RemotePeer> known = rooms.view(room, s, cluster.node());
            Member member = rooms.drop(room, s, toNode);
            if (member != null) {
                rs.add(new SessionMover.RoomState(room, member.meta(), member.order(), known));
            }
        }
        forget(s);
        router.unregister(s);
        presence.disconnect(s.presenceId());
        if (m.previous() != null) {
            m.previous().send(Frame.text(codec.encode(new ServerMessage.Bye("replaced", ServerMessage.Bye.DISCONNECT)), "bye"));
            m.previous().close(ErrorCode.REPLACED.closeCode(), "resumed on another node");
        }
        return new SessionMover.MovedOut(m, rs);
    }

    /**
     * Graceful stop in cluster mode: every live session is stopped here and its state parked in the
     * directory for the resume grace, so its client can resume on another node. Rooms are not told.
     */
    public void parkAll() {
        if (mover == null) {
            return;
        }
        for (Session s : new ArrayList<>(sessions.values())) {
            SessionMover.MovedOut out = moveOut(s, null);
            if (out != null) {
                mover.park(out, config.resumeGrace());
            }
        }
    }

    private void newSession(NativeConnection c, Principal principal) {
        Session s = new Session(Ids.random(12), Ids.random(9), Ids.random(18), principal, c.outlet,
                config.resumeBufferMessages(), config.resumeBufferBytes());
        sessions.put(s.sessionId(), s);
        router.register(s);
        c.session = s;
        presence.connect(s.userId(), s.presenceId());
        IceServers iceServers = ice.forUser(s.userId());
        noteIce(c, iceServers);
        s.reply(welcomeFrame(s, iceServers, false, 0));
    }

    private Frame welcomeFrame(Session s, IceServers iceServers, boolean resumed, long lastSeq) {
        return Frame.text(codec.encode(new ServerMessage.Welcome(s.sessionId(), s.peerId(), s.userId(), s.resumeToken(),
                config.heartbeat().toMillis(), config.resumeGrace().toMillis(), iceServers.servers(),
                iceServers.expiresAt().toEpochMilli(), limits, resumed, resumed ? lastSeq : null)), "welcome");
    }

    private void noteIce(NativeConnection c, IceServers iceServers) {
        c.iceIssuedAt = clock.instant();
        c.iceExpiresAt = iceServers.expiresAt();
    }

    private void join(Session s, ClientMessage.Join j) throws ProtocolException {
        if (!s.principal().mayJoin(j.room())) {
            throw new ProtocolException(ErrorCode.FORBIDDEN_ROOM, "your token does not allow room " + j.room());
        }
        if (s.rooms().size() >= config.maxRoomsPerSession() && !s.rooms().contains(j.room())) {
            throw new ProtocolException(ErrorCode.TOO_MANY_ROOMS, "at most " + config.maxRoomsPerSession() + " rooms per session");
        }
        ClusterRooms cl = cluster;
        if (cl != null) {
            cl.join(s, j.room(), j.meta(), config.maxPeersPerRoom(), err -> {
                if (err == null) {
                    presence.joinRoom(j.room(), s.userId(), s.presenceId(), PresenceMeta.of(j.meta()));
                } else {
                    metrics.error(err.code().wire());
                    s.reply(Frame.text(codec.encode(ServerMessage.Error.of(err.code(), err.getMessage(), "join")), "error"));
                }
            });
            return;
        }
        rooms.join(j.room(), s, j.meta(), config.maxPeersPerRoom());
        presence.joinRoom(j.room(), s.userId(), s.presenceId(), PresenceMeta.of(j.meta()));
    }

    private void signal(Session s, ClientMessage.Signal sig) throws ProtocolException {
        Optional<Session> local = router.local(sig.to());
        if ((local.isPresent() && local.get().state() == Session.State.ENDED && !local.get().movedAway())
                || !rooms.sharesRoomWith(s, sig.to())) {
            throw new ProtocolException(ErrorCode.PEER_GONE, "peer " + sig.to() + " is not in any of your rooms");
        }
        String encoded = codec.encode(new ServerMessage.SignalOut(s.peerId(), sig.kind().wire(), sig.data()));
        if (router.deliver(sig.to(), encoded, "signal") == PeerRouter.Delivery.UNKNOWN_PEER) {
            throw new ProtocolException(ErrorCode.PEER_GONE, "peer " + sig.to() + " is gone");
        }
    }

    private void relay(Session s, ClientMessage.Relay r) throws ProtocolException {
        if (s.principal().readOnly()) {
            throw new ProtocolException(ErrorCode.READ_ONLY, "your token is read-only");
        }
        if (r.binary() != null) {
            byte[] payload = r.binary();
            String id = cluster == null ? null : cluster.nextId();
            int n = rooms.relay(r.room(), s, r.to(), id, seq -> Frame.binary(
                    codec.encodeBinaryRelay(r.room(), s.peerId(), r.to(), r.ch(), seq, payload), "relay"));
            if (cluster != null && (r.to() == null || n < 0)) {
                cluster.relayBinary(r.room(), s.peerId(), r.to(), r.ch(), payload, id);
            }
        } else {
            String encoded = codec.encode(new ServerMessage.RelayOut(r.room(), s.peerId(), r.to(), r.ch(), r.d()));
            String id = cluster == null ? null : cluster.nextId();
            int n = rooms.relay(r.room(), s, r.to(), id, seq -> Frame.text(MessageCodec.stamp(encoded, seq), "relay"));
            if (cluster != null && (r.to() == null || n < 0)) {
                cluster.relayText(r.room(), s.peerId(), r.to(), encoded, id);
            }
        }
    }

    void pushIceServers(NativeConnection c, Session s) {
        IceServers iceServers = ice.forUser(s.userId());
        noteIce(c, iceServers);
        reply(c, new ServerMessage.IceServersUpdate(iceServers.servers(), iceServers.expiresAt().toEpochMilli()));
    }

    // ---- sessions ----

    /** Ends a session: it leaves every room (others see peer-left with the reason) and cannot be resumed. */
    public void endSession(Session s, String reason) {
        if (!s.end()) {
            return;
        }
        for (String room : new ArrayList<>(s.rooms())) {
            String id = cluster == null ? null : cluster.nextId();
            if (rooms.leave(room, s, reason, false, id) && cluster != null) {
                cluster.left(room, s, reason, id);
            }
        }
        forget(s);
        router.unregister(s);
        presence.disconnect(s.presenceId());
    }

    /**
     * Admin kick of a member of {@code room} this node holds (see {@link #kick(String, String)}); false
     * when it holds no such member.
     */
    public boolean kick(String room, String peerId, String reason) {
        boolean inRoom = rooms.room(room).map(r -> r.snapshot().stream().anyMatch(m -> m.peerId().equals(peerId)))
                .orElse(false);
        return inRoom && kick(peerId, reason);
    }

    /** Admin kick: the peer gets an error and a close; its session ends at once (no resume). */
    public boolean kick(String peerId, String reason) {
        Optional<Session> s = router.local(peerId);
        if (s.isEmpty()) {
            return false;
        }
        Outlet o = s.get().outlet();
        metrics.error(ErrorCode.KICKED.wire());
        endSession(s.get(), "kicked");
        if (o != null) {
            o.send(Frame.text(codec.encode(ServerMessage.Error.of(ErrorCode.KICKED, reason, null)), "error"));
            o.send(Frame.text(codec.encode(new ServerMessage.Bye("kicked", ServerMessage.Bye.DISCONNECT)), "bye"));
            o.close(ErrorCode.KICKED.closeCode(), "kicked");
        }
        return true;
    }

    // ---- replies and errors ----

    private void reply(NativeConnection c, ServerMessage m) {
        c.outlet.send(Frame.text(codec.encode(m), m.type()));
    }

    void fail(NativeConnection c, ErrorCode code, String msg, String ref) {
        metrics.error(code.wire());
        reply(c, ServerMessage.Error.of(code, msg, ref));
        if (code.fatal()) {
            c.closed = true;
            c.outlet.close(code.closeCode(), code.wire());
        }
    }

    private static String typeOf(ClientMessage m) {
        if (m instanceof ClientMessage.Hello) {
            return "hello";
        } else if (m instanceof ClientMessage.Join) {
            return "join";
        } else if (m instanceof ClientMessage.Leave) {
            return "leave";
        } else if (m instanceof ClientMessage.Signal) {
            return "signal";
        } else if (m instanceof ClientMessage.Relay) {
            return "relay";
        } else if (m instanceof ClientMessage.Ping) {
            return "ping";
        } else if (m instanceof ClientMessage.IceServersRequest) {
            return "ice-servers";
        } else if (m instanceof ClientMessage.Status) {
            return "status";
        }
        return "bye";
    }

    // ---- timers ----

    void sweep() {
        liveness.sweep(connections);
    }

    /**
     * Graceful shutdown: every connection gets {@code bye{action}} and a close with {@code closeCode}.
     * Sessions end without peer-left fan-out delays.
     */
    public void drain(String action, int closeCode) {
        draining = new Drain(action, closeCode);
        String bye = codec.encode(new ServerMessage.Bye("shutdown", action));
        for (NativeConnection c : connections) {
            if (!c.closed) {
                c.closed = true;
                c.outlet.send(Frame.text(bye, "bye"));
                c.outlet.close(closeCode, "server shutting down");
            }
        }
    }

    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        for (Session s : sessions.values()) {
            s.end();
        }
        sessions.clear();
        connections.clear();
    }
}
