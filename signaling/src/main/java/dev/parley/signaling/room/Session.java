package dev.parley.signaling.room;

import dev.parley.auth.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;

/**
 * One client's signaling session. It outlives its connection by the resume grace period: while
 * detached, messages for it are numbered and buffered exactly as when attached, so a resumed
 * connection replays them in order. Every sequenced frame passes through {@link #deliver} under the
 * session's lock, which fixes its {@code seq} and its place on the wire together.
 */
public final class Session {

    /**
     * Lifecycle: attached to a connection, waiting for a resume, over; or arriving: moving here from
     * another node, collecting what is sent to it until that node's state lands ({@link #land}).
     */
    public enum State { ATTACHED, DETACHED, ARRIVING, ENDED }

    /** How many cluster message ids a session remembers to drop duplicates after a move. */
    static final int SEEN_IDS = 1024;

    /** A frame sent to an arriving session, numbered when its state lands. */
    private record Pending(String id, LongFunction<Frame> encode) { }

    private final String sessionId;
    private final String peerId;
    private final String resumeToken;
    private final Principal principal;
    private final Set<String> rooms = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final ResumeBuffer buffer;
    private final String presenceId;

    private long seq;
    private Outlet outlet;
    private State state = State.ATTACHED;
    private ScheduledFuture<?> graceTimer;
    /**
     * Ids of the last cluster messages given to this session, kept once a move is in sight
     * ({@link #trackIds}, or arriving): a session that never moves never pays for them.
     */
    private SeenIds seen;
    private boolean tracking;
    /** While arriving: what was sent to it, in order. */
    private List<Pending> pending;
    /** Ended here because it continues on another node. */
    private volatile boolean movedAway;

    public Session(String sessionId, String peerId, String resumeToken, Principal principal, Outlet outlet,
                   int maxBufferedFrames, long maxBufferedBytes) {
        this.sessionId = sessionId;
        this.peerId = peerId;
        this.resumeToken = resumeToken;
        this.principal = principal;
        this.outlet = outlet;
        this.buffer = new ResumeBuffer(maxBufferedFrames, maxBufferedBytes);
        this.presenceId = sessionId;
    }

    private Session(Moved m, String presenceId, int maxBufferedFrames, long maxBufferedBytes) {
        this.sessionId = m.sessionId();
        this.peerId = m.peerId();
        this.resumeToken = m.resumeToken();
        this.principal = m.principal();
        this.outlet = null;
        this.state = State.DETACHED;
        this.buffer = new ResumeBuffer(maxBufferedFrames, maxBufferedBytes);
        this.presenceId = presenceId;
        restore(m);
    }

    private Session(String sessionId, String peerId, String resumeToken, Principal principal, String presenceId,
                    int maxBufferedFrames, long maxBufferedBytes) {
        this.sessionId = sessionId;
        this.peerId = peerId;
        this.resumeToken = resumeToken;
        this.principal = principal;
        this.presenceId = presenceId;
        this.buffer = new ResumeBuffer(maxBufferedFrames, maxBufferedBytes);
        this.state = State.ARRIVING;
        this.pending = new ArrayList<>();
        this.tracking = true;
    }

    private void restore(Moved m) {
        buffer.restore(m.lostUpTo(), m.frames().stream().map(f -> new ResumeBuffer.Entry(f.seq(), f.frame())).toList());
        seq = m.seq();
        seen = null;
        tracking = true;   // late copies of what the old node gave may still come in
        for (String id : m.seen()) {
            seen().add(id);
        }
    }

    /** A buffered frame, as moved between nodes. */
    public record SeqFrame(long seq, Frame frame) { }

    /**
     * Everything another node needs to continue a session: ids, numbering, the buffered frames and
     * the ids of the last cluster messages it was given ({@code seen}, oldest first).
     */
    public record Moved(String sessionId, String peerId, String resumeToken, Principal principal, long seq,
                        long lostUpTo, List<SeqFrame> frames, List<String> seen, Outlet previous) {
        public Moved {
            seen = seen == null ? List.of() : seen;
        }
    }

    /**
     * Recreates, detached, a session that moved here from another node; {@code presenceId} is its
     * connection id toward presence on this node (unique per node it lived on).
     */
    public static Session arrive(Moved m, String presenceId, int maxBufferedFrames, long maxBufferedBytes) {
        return new Session(m, presenceId, maxBufferedFrames, maxBufferedBytes);
    }

    /**
     * A session about to move here from another node, before its numbering is known: what is sent to
     * it is kept, unnumbered, until {@link #land} brings the old node's state.
     */
    public static Session arriving(String sessionId, String peerId, String resumeToken, Principal principal,
                                   String presenceId, int maxBufferedFrames, long maxBufferedBytes) {
        return new Session(sessionId, peerId, resumeToken, principal, presenceId, maxBufferedFrames, maxBufferedBytes);
    }

    /**
     * The old node's state arrived: continue its numbering and buffer, then number what was sent here
     * meanwhile, in order, dropping every message the old node had already given (same id). The
     * session is then detached, waiting for its client. Returns how many frames were added, or -1 if
     * it was not arriving (ended meanwhile).
     */
    public int land(Moved m) {
        lock.lock();
        try {
            if (state != State.ARRIVING) {
                return -1;
            }
            restore(m);
            state = State.DETACHED;
            List<Pending> queued = pending;
            pending = null;
            int n = 0;
            for (Pending p : queued) {
                if (p.id() != null && !seen().add(p.id())) {
                    continue;
                }
                long s = ++seq;
                buffer.add(s, p.encode().apply(s));
                n++;
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Another node asked for this session: from now on remember the ids of the cluster messages it is
     * given, so that the new node can drop its copies of them.
     */
    public void trackIds() {
        lock.lock();
        try {
            tracking = true;
        } finally {
            lock.unlock();
        }
    }

    private SeenIds seen() {
        if (seen == null) {
            seen = new SeenIds(SEEN_IDS);
        }
        return seen;
    }

    /**
     * Ends the session here because it continues on another node: no further frame is numbered or
     * sent here. Returns its state, or null if it had already ended.
     */
    public Moved moveOut() {
        lock.lock();
        try {
            if (state == State.ENDED || state == State.ARRIVING) {
                return null;
            }
            Outlet previous = outlet;
            state = State.ENDED;
            movedAway = true;
            outlet = null;
            if (graceTimer != null) {
                graceTimer.cancel(false);
                graceTimer = null;
            }
            List<SeqFrame> frames = buffer.entries().stream().map(e -> new SeqFrame(e.seq(), e.frame())).toList();
            return new Moved(sessionId, peerId, resumeToken, principal, seq, buffer.lostUpTo(), frames,
                    seen == null ? List.of() : seen.toList(), previous);
        } finally {
            lock.unlock();
        }
    }

    /** True once the session ended here because it continues on another node ({@link #moveOut}). */
    public boolean movedAway() {
        return movedAway;
    }

    /** This session's connection id toward presence: the session id, suffixed once it moved nodes. */
    public String presenceId() {
        return presenceId;
    }

    /** Arms the resume grace timer of a session that arrived detached. */
    public void graceTimer(ScheduledFuture<?> timer) {
        lock.lock();
        try {
            if (state == State.DETACHED && graceTimer == null) {
                graceTimer = timer;
            } else {
                timer.cancel(false);
            }
        } finally {
            lock.unlock();
        }
    }

    public String sessionId() { return sessionId; }
    public String peerId() { return peerId; }
    public String resumeToken() { return resumeToken; }
    public Principal principal() { return principal; }
    public String userId() { return principal.userId(); }
    public Set<String> rooms() { return rooms; }

    public State state() {
        lock.lock();
        try {
            return state;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Numbers a frame, buffers it for resume and sends it if attached.
     *
     * @param encode builds the frame for a given seq (called under the lock, keep it cheap)
     * @return false if the session has ended
     */
    public boolean deliver(LongFunction<Frame> encode) {
        return deliver(null, encode);
    }

    /**
     * Like {@link #deliver(LongFunction)} for a message with a cluster-wide {@code id} (null: none):
     * a message whose id this session was already given is dropped (returns true). While arriving,
     * the message waits, unnumbered, for {@link #land}.
     */
    public boolean deliver(String id, LongFunction<Frame> encode) {
        Outlet target;
        Frame frame;
        lock.lock();
        try {
            if (state == State.ENDED) {
                return false;
            }
            if (id != null && tracking && !seen().add(id)) {
                return true;
            }
            if (state == State.ARRIVING) {
                pending.add(new Pending(id, encode));
                return true;
            }
            long s = ++seq;
            frame = encode.apply(s);
            buffer.add(s, frame);
            target = outlet;
            if (target != null) {
                // sending under the lock keeps wire order == seq order; send never blocks
                target.send(frame);
            }
        } finally {
            lock.unlock();
        }
        return true;
    }

    /** Sends an unsequenced frame (a reply) on the current connection, if any. */
    public boolean reply(Frame frame) {
        lock.lock();
        try {
            return outlet != null && outlet.send(frame);
        } finally {
            lock.unlock();
        }
    }

    /** The client confirmed it has everything up to {@code ackSeq}. */
    public void ack(long ackSeq) {
        lock.lock();
        try {
            buffer.ack(Math.min(ackSeq, seq));
        } finally {
            lock.unlock();
        }
    }

    /** The connection is gone; keep the session for a resume. Returns false if it already ended or moved on. */
    public boolean detach(Outlet from, ScheduledFuture<?> timer) {
        lock.lock();
        try {
            if (state != State.ATTACHED || outlet != from) {
                timer.cancel(false);
                return false;
            }
            outlet = null;
            state = State.DETACHED;
            graceTimer = timer;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Outcome of {@link #resume}. */
    public record Resumed(Outlet previous, long lastSeq, List<Frame> replay) { }

    /**
     * Moves the session to a new connection and sends {@code first} then every frame after
     * {@code lastSeq}, all under the lock so no live frame can overtake the replay.
     *
     * @return null when the missed frames are no longer all buffered (or the session ended)
     */
    public Resumed resume(Outlet to, long lastSeq, LongFunction<Frame> first) {
        lock.lock();
        try {
            if (state == State.ENDED || state == State.ARRIVING || lastSeq > seq) {
                return null;
            }
            List<Frame> replay = buffer.after(lastSeq);
            if (replay == null) {
                return null;
            }
            Outlet previous = outlet;
            outlet = to;
            state = State.ATTACHED;
            if (graceTimer != null) {
                graceTimer.cancel(false);
                graceTimer = null;
            }
            to.send(first.apply(seq));
            for (Frame f : replay) {
                to.send(f);
            }
            return new Resumed(previous, seq, replay);
        } finally {
            lock.unlock();
        }
    }

    /** Ends the session; returns the outlet it was attached to (or null) and false if already ended. */
    public boolean end() {
        lock.lock();
        try {
            if (state == State.ENDED) {
                return false;
            }
            state = State.ENDED;
            outlet = null;
            pending = null;
            if (graceTimer != null) {
                graceTimer.cancel(false);
                graceTimer = null;
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The outlet currently attached, or null. */
    public Outlet outlet() {
        lock.lock();
        try {
            return outlet;
        } finally {
            lock.unlock();
        }
    }

    public boolean isAttachedTo(Outlet o) {
        lock.lock();
        try {
            return outlet == o && state == State.ATTACHED;
        } finally {
            lock.unlock();
        }
    }
}
