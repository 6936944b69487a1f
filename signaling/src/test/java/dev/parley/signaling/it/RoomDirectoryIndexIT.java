package dev.parley.signaling.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.signaling.cluster.MemoryRoomDirectory;
import dev.parley.signaling.cluster.RoomDirectory;
import dev.parley.signaling.cluster.redis.RedisRoomDirectory;
import dev.parley.signaling.compat.peerjs.PeerjsDirectory;
import dev.parley.signaling.compat.ywebsocket.it.RedisFixture;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The room index behind {@code GET /admin/rooms} follows joins, moves, leaves and reaps, the same on
 * the Redis directory (a real redis-server) and the in-memory one; and the PeerJS id listing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RoomDirectoryIndexIT {

    private static <T> T get(CompletionStage<T> s) throws Exception {
        return s.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static Map<String, Map<String, Integer>> all(RoomDirectory d) throws Exception {
        Map<String, Map<String, Integer>> out = new java.util.LinkedHashMap<>();
        String after = null;
        for (int page = 0; page < 20; page++) {
            RoomDirectory.RoomPage p = get(d.rooms(after, 2));
            p.rooms().forEach(rc -> out.put(rc.room(), rc.nodes()));
            if (p.next() == null) {
                return out;
            }
            after = p.next();
        }
        throw new AssertionError("paging did not end");
    }

    private static void indexFollowsMembership(RoomDirectory d) throws Exception {
        assertEquals(RoomDirectory.JoinStatus.JOINED, get(d.join("r1", "a", "u", "{}", "n1", 10)).status());
        get(d.join("r1", "b", "u", "{}", "n2", 10));
        get(d.join("r1", "c", "u", "{}", "n2", 10));
        get(d.join("r2", "d", "u", "{}", "n2", 10));
        get(d.join("r3", "e", "u", "{}", "n1", 10));
        get(d.join("r0", "f", "u", "{}", "n1", 10));
        assertEquals(List.of("r0", "r1", "r2", "r3"), List.copyOf(all(d).keySet()), "name order, across pages");
        assertEquals(Map.of("n1", 1, "n2", 2), all(d).get("r1"));
        assertEquals(3, get(d.rooms(null, 10)).rooms().get(1).peers());
        assertEquals("r1", get(d.rooms("r0", 1)).rooms().get(0).room());
        assertEquals(List.of(), get(d.rooms("r3", 10)).rooms());
        assertEquals("n2", get(d.member("r1", "b")).node());
        assertNull(get(d.member("r1", "zz")));

        // a member that moved to another node counts there
        get(d.put("r1", new RoomDirectory.Entry("b", "u", "{}", "n1", 2)));
        assertEquals(Map.of("n1", 2, "n2", 1), all(d).get("r1"));

        // the last member leaving takes the room out of the index; a leave by a node that does not own it changes nothing
        get(d.leave("r0", "f", "n2"));
        assertTrue(all(d).containsKey("r0"));
        get(d.leave("r0", "f", "n1"));
        assertEquals(Set.of("r1", "r2", "r3"), all(d).keySet());
        // a room emptied by a reaped node goes too; its rooms shared with others stay, with the others' counts
        get(d.renew("n2", 1));
        get(d.renew("n1", Long.MAX_VALUE / 2));
        List<RoomDirectory.RoomPeer> reaped = get(d.reap("n2", 2));
        assertEquals(Set.of(new RoomDirectory.RoomPeer("r1", "c"), new RoomDirectory.RoomPeer("r2", "d")),
                new HashSet<>(reaped));
        Map<String, Map<String, Integer>> after = all(d);
        assertEquals(Set.of("r1", "r3"), after.keySet());
        assertEquals(Map.of("n1", 2), after.get("r1"));
        // and a room that comes back is listed again
        get(d.join("r2", "g", "u", "{}", "n1", 10));
        assertEquals(Map.of("n1", 1), all(d).get("r2"));
    }

    @Test
    void memoryDirectory() throws Exception {
        indexFollowsMembership(new MemoryRoomDirectory(Duration.ofSeconds(15)));
    }

    @Test
    void redisDirectory() throws Exception {
        try (RedisFixture redis = new RedisFixture();
             RedisRoomDirectory d = new RedisRoomDirectory(redis.uri(), Duration.ofSeconds(15))) {
            d.start();
            indexFollowsMembership(d);
        }
    }

    @Test
    void peerjsIdsAreListedFromTheIndexAndBounded() throws Exception {
        try (RedisFixture redis = new RedisFixture();
             RedisRoomDirectory d = new RedisRoomDirectory(redis.uri(), Duration.ofSeconds(15))) {
            d.start();
            PeerjsDirectory ids = d.peerjsIds();
            assertTrue(get(ids.claim("x", "h1", "n1")).granted());
            assertTrue(get(ids.claim("y", "h2", "n2")).granted());
            assertTrue(get(ids.claim("z", "h3", "n2")).granted());
            assertEquals(false, get(ids.claim("z", "other", "n1")).granted());
            assertEquals(Set.of("x", "y", "z"), new HashSet<>(get(ids.ids(10))));
            assertEquals(2, get(ids.ids(2)).size());
            get(ids.release("y", "n1"));   // not n1's: stays
            assertEquals(3, get(ids.ids(10)).size());
            get(ids.release("y", "n2"));
            assertEquals(Set.of("x", "z"), new HashSet<>(get(ids.ids(10))));
            get(ids.refresh(Map.of("x", "h1"), "n1"));
            assertEquals(Set.of("x", "z"), new HashSet<>(get(ids.ids(10))));
        }
    }
}
