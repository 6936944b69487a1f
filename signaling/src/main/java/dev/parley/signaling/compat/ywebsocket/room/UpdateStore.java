package dev.parley.signaling.compat.ywebsocket.room;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * Where a room's update blobs outlive the node: {@link #NONE} keeps them in memory only;
 * {@code dev.parley.signaling.compat.ywebsocket.redis.RedisUpdateStore} keeps them in Redis.
 * Appends for one room complete in the order they were made.
 */
public interface UpdateStore extends AutoCloseable {

    /** Every stored update of the room, oldest first (empty for a new room). */
    CompletionStage<List<byte[]>> load(String room);

    /** Appends one update to the room. */
    CompletionStage<Void> append(String room, byte[] update);

    /**
     * Replaces every stored update of the room that {@code snapshot} holds ({@code heldBySnapshot}
     * says so per update) by the snapshot, put first, atomically with respect to appends and to other
     * nodes compacting the same room; completes with how many were removed (0: not worth it, or
     * another node compacted them first). The other updates stay, in order, after it.
     */
    default CompletionStage<Integer> compact(String room, byte[] snapshot, Predicate<byte[]> heldBySnapshot) {
        return CompletableFuture.completedFuture(0);
    }

    boolean isPersistent();

    @Override
    void close();

    /** No persistence: a room lives in memory only. */
    UpdateStore NONE = new UpdateStore() {
        @Override
        public CompletionStage<List<byte[]>> load(String room) {
            return CompletableFuture.completedFuture(List.of());
        }

        @Override
        public CompletionStage<Void> append(String room, byte[] update) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean isPersistent() {
            return false;
        }

        @Override
        public void close() {
        }
    };
}
