package dev.parley.signaling.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.presence.cluster.ClusterBus;
import dev.parley.signaling.protocol.MessageCodec;
import dev.parley.signaling.room.RoomRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How a kick finds the node holding a peer, without sockets: nodes share an in-memory bus (handlers
 * on another thread, as Redis pub/sub) and an in-memory directory; each node's local side is a stub.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ClusterAdminTest {

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final MemoryRoomDirectory directory = new MemoryRoomDirectory(Duration.ofSeconds(15));
    private final Map<String, List<Consumer<byte[]>>> topics = new ConcurrentHashMap<>();
    private final MessageCodec codec = new MessageCodec();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private ClusterBus bus(String node) {
        return new ClusterBus() {
            @Override
            public String nodeId() {
                return node;
            }

            @Override
            public boolean isDistributed() {
                return true;
            }

            @Override
            public void publish(String topic, byte[] payload) {
                topics.getOrDefault(topic, List.of()).forEach(h -> scheduler.execute(() -> h.accept(payload)));
            }

            @Override
            public Subscription subscribe(String topic, Consumer<byte[]> handler) {
                topics.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>()).add(handler);
                return () -> topics.get(topic).remove(handler);
            }

            @Override
            public void close() {
            }
        };
    }

    private ClusterAdmin node(String name, ClusterAdmin.Local local, RoomDirectory dir, Duration wait) {
        ClusterBus b = bus(name);
        ClusterRooms rooms = new ClusterRooms(name, b, dir, new RoomRegistry(codec), codec, scheduler, Clock.systemUTC());
        ClusterAdmin admin = new ClusterAdmin(name, b, rooms, codec.mapper(), scheduler, wait);
        admin.start(local);
        return admin;
    }

    private static ClusterAdmin.Result await(CompletionStage<ClusterAdmin.Result> r) throws Exception {
        return r.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private void member(String room, String peer, String node) throws Exception {
        directory.put(room, new RoomDirectory.Entry(peer, "u", "{}", node, 1)).toCompletableFuture().get();
    }

    @Test
    void theOwnerKicksAndConfirms() throws Exception {
        member("r", "p", "n2");
        ClusterAdmin n1 = node("n1", (room, peer) -> false, directory, Duration.ofSeconds(2));
        List<String> kicked = new CopyOnWriteArrayList<>();
        node("n2", (room, peer) -> kicked.add(room + "/" + peer), directory, Duration.ofSeconds(2));
        assertEquals(new ClusterAdmin.Result(ClusterAdmin.Outcome.KICKED, "n2"), await(n1.kick("r", "p")));
        assertEquals(List.of("r/p"), kicked);
    }

    @Test
    void aPeerHeldHereIsKickedWithoutTheBus() throws Exception {
        ClusterAdmin n1 = node("n1", (room, peer) -> true, directory, Duration.ofSeconds(2));
        assertEquals(new ClusterAdmin.Result(ClusterAdmin.Outcome.KICKED, "n1"), await(n1.kick("r", "anyone")));
    }

    @Test
    void aKickFollowsAPeerThatMovedWhileItWasAsked() throws Exception {
        member("r", "p", "n2");
        ClusterAdmin n1 = node("n1", (room, peer) -> false, directory, Duration.ofSeconds(2));
        // n2 handed the session to n3 just before the request arrived: the directory names n3 now
        node("n2", (room, peer) -> {
            directory.put(room, new RoomDirectory.Entry(peer, "u", "{}", "n3", 1));
            return false;
        }, directory, Duration.ofSeconds(2));
        node("n3", (room, peer) -> true, directory, Duration.ofSeconds(2));
        assertEquals(new ClusterAdmin.Result(ClusterAdmin.Outcome.KICKED, "n3"), await(n1.kick("r", "p")));
    }

    @Test
    void nobodyHoldsIt() throws Exception {
        member("r", "p", "n2");
        ClusterAdmin n1 = node("n1", (room, peer) -> false, directory, Duration.ofSeconds(2));
        node("n2", (room, peer) -> false, directory, Duration.ofSeconds(2));   // listed there, but gone
        assertEquals(ClusterAdmin.Outcome.NO_SUCH_PEER, await(n1.kick("r", "p")).outcome());
        assertEquals(ClusterAdmin.Outcome.NO_SUCH_PEER, await(n1.kick("r", "unknown")).outcome());
        assertEquals(ClusterAdmin.Outcome.NO_SUCH_PEER, await(n1.kick("no-room", "p")).outcome());
    }

    @Test
    void anOwnerThatDoesNotAnswerIsATimeoutAfterTheWait() throws Exception {
        member("r", "p", "n9");   // n9 runs nothing
        ClusterAdmin n1 = node("n1", (room, peer) -> false, directory, Duration.ofMillis(300));
        long t0 = System.nanoTime();
        assertEquals(new ClusterAdmin.Result(ClusterAdmin.Outcome.TIMEOUT, "n9"), await(n1.kick("r", "p")));
        assertEquals(true, System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(290));
    }

    @Test
    void anUnreachableDirectoryIsUnavailable() throws Exception {
        // every call fails, as RedisRoomDirectory's do while Redis does not answer
        RoomDirectory down = (RoomDirectory) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RoomDirectory.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "leaseTtl" -> Duration.ofSeconds(15);
                    case "close" -> null;
                    default -> CompletableFuture.failedFuture(new IllegalStateException("redis down"));
                });
        ClusterAdmin n1 = node("n1", (room, peer) -> false, down, Duration.ofSeconds(2));
        assertEquals(ClusterAdmin.Outcome.UNAVAILABLE, await(n1.kick("r", "p")).outcome());
    }
}
