package dev.parley.signaling.room;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A named room: its local members in join order and, when rooms are cluster-wide, the members on
 * other nodes as last heard. Everything that fans out to the room (join and leave events, relays)
 * runs under {@link #lock()}, so every local member sees the room's events in one order.
 */
public final class Room {

    private final String name;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final Map<String, RemotePeer> remote = new LinkedHashMap<>();
    /** Peers that left while a member was arriving from another node (reason, message id), if any. */
    private Map<String, String[]> departed;
    private int pending;
    private long nextOrder;
    private boolean closed;

    Room(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    ReentrantLock lock() {
        return lock;
    }

    /** Members, guarded by {@link #lock()}. */
    Map<String, Member> members() {
        return members;
    }

    /** Members on other nodes, guarded by {@link #lock()}. */
    Map<String, RemotePeer> remote() {
        return remote;
    }

    /** Joins in flight (cluster mode), guarded by {@link #lock()}: the room stays open for them. */
    int pending() {
        return pending;
    }

    void pending(int delta) {
        pending += delta;
    }

    /** Departures seen while a member was arriving, guarded by {@link #lock()}; made on first use. */
    Map<String, String[]> departed() {
        if (departed == null) {
            departed = new LinkedHashMap<>();
        }
        return departed;
    }

    boolean hasDeparted() {
        return departed != null && !departed.isEmpty();
    }

    long nextOrder() {
        return ++nextOrder;
    }

    boolean idle() {
        return members.isEmpty() && pending == 0;
    }

    /** True once the room emptied and left the registry; a joiner must look it up again. */
    boolean closed() {
        return closed;
    }

    void markClosed() {
        closed = true;
    }

    /** A copy of the members, for admin listings. */
    public List<Member> snapshot() {
        lock.lock();
        try {
            return new ArrayList<>(members.values());
        } finally {
            lock.unlock();
        }
    }

    /** A copy of the members on other nodes. */
    public List<RemotePeer> remoteSnapshot() {
        lock.lock();
        try {
            return new ArrayList<>(remote.values());
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return members.size();
        } finally {
            lock.unlock();
        }
    }
}
