package dev.parley.signaling.room;

import dev.parley.auth.Principal;
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

    /** Lifecycle: attached to a connection, waiting for a resume, or over. */
    public enum State { ATTACHED, DETACHED, ENDED }

    private final String sessionId;
    private final String peerId;
    private final String resumeToken;
    private final Principal principal;
    private final Set<String> rooms = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final ResumeBuffer buffer;

    private long seq;
    private Outlet outlet;
    private State state = State.ATTACHED;
    private ScheduledFuture<?> graceTimer;

    public Session(String sessionId, String peerId, String resumeToken, Principal principal, Outlet outlet,
                   int maxBufferedFrames, long maxBufferedBytes) {
        this.sessionId = sessionId;
        this.peerId = peerId;
        this.resumeToken = resumeToken;
        this.principal = principal;
        this.outlet = outlet;
        this.buffer = new ResumeBuffer(maxBufferedFrames, maxBufferedBytes);
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
        Outlet target;
        Frame frame;
        lock.lock();
        try {
            if (state == State.ENDED) {
                return false;
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
            if (state == State.ENDED || lastSeq > seq) {
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
