package dev.parley.signaling.compat.ywebsocket.room;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The rooms this node holds. A room is created (and its stored updates loaded) on its first join
 * and dropped {@code idleRetention} after its last connection left; with a persistent store the
 * next join loads it again.
 */
public final class RoomRegistry {

    private final RoomLimits limits;
    private final int maxRooms;
    private final Duration idleRetention;
    private final UpdateStore store;
    private final RoomBus bus;
    private final ScheduledExecutorService scheduler;
    private final RelayMetrics metrics;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, DocRoom> rooms = new HashMap<>();

    public RoomRegistry(RoomLimits limits, int maxRooms, Duration idleRetention, UpdateStore store, RoomBus bus,
                        ScheduledExecutorService scheduler, RelayMetrics metrics) {
        this.bus = bus;
        this.limits = limits;
        this.maxRooms = maxRooms;
        this.idleRetention = idleRetention;
        this.store = store;
        this.scheduler = scheduler;
        this.metrics = metrics;
        metrics.roomsGauge(this::size);
    }

    /** Joins a connection to a room, creating and loading the room if needed; null if a limit is reached. */
    public DocRoom join(String name, Connection c) {
        DocRoom room;
        boolean created = false;
        lock.lock();
        try {
            room = rooms.get(name);
            if (room != null && room.failed()) {
                rooms.remove(name);
                bus.unsubscribe(name);
                room = null;
            }
            if (room == null) {
                if (rooms.size() >= maxRooms) {
                    return null;
                }
                room = new DocRoom(name, limits, store, bus, metrics);
                rooms.put(name, room);
                created = true;
            }
            if (!room.join(c)) {
                return null;
            }
        } finally {
            lock.unlock();
        }
        if (created) {
            // subscribe first: what arrives while loading waits, and duplicates are recognised
            DocRoom r = room;
            bus.subscribe(name, r::remote);
            store.load(name).whenCompleteAsync(r::loaded, scheduler);
        }
        return room;
    }

    /** Leaves the room; an empty room is dropped after the idle retention. */
    public void leave(DocRoom room, Connection c) {
        room.leave(c);
        if (room.isEmpty()) {
            long gen = room.generation();
            scheduler.schedule(() -> evict(room, gen), idleRetention.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void evict(DocRoom room, long generation) {
        lock.lock();
        try {
            if (rooms.get(room.name()) == room && room.isEmpty() && room.generation() == generation) {
                rooms.remove(room.name());
                bus.unsubscribe(room.name());
            }
        } finally {
            lock.unlock();
        }
    }

    public DocRoom get(String name) {
        lock.lock();
        try {
            return rooms.get(name);
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return rooms.size();
        } finally {
            lock.unlock();
        }
    }

    /** Closes every connection (going away) and forgets every room. */
    public void closeAll() {
        List<DocRoom> all;
        lock.lock();
        try {
            all = List.copyOf(rooms.values());
            rooms.clear();
        } finally {
            lock.unlock();
        }
        for (DocRoom r : all) {
            for (Connection c : r.members()) {
                c.close(CloseCode.GOING_AWAY, "server shutting down");
            }
        }
    }
}
