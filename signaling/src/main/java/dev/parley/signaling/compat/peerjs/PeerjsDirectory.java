package dev.parley.signaling.compat.peerjs;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The cluster-wide PeerJS realm: which node holds each id, for which token (SHA-256, never the raw
 * token). Entries expire after {@link #ttl()} unless their node refreshes them, so a dead node's
 * ids free themselves. Redis: {@code dev.parley.signaling.cluster.redis.RedisPeerjsDirectory}.
 */
public interface PeerjsDirectory {

    /** How long an entry lives without a refresh. */
    Duration ttl();

    /**
     * Outcome of {@link #claim}: {@code granted} false when another token holds the id;
     * {@code previousNode} the node that held it before (same token re-attaching), else null.
     */
    record Claim(boolean granted, String previousNode) { }

    /** Takes {@code id} for {@code node} unless a different token holds it. */
    CompletionStage<Claim> claim(String id, String tokenHash, String node);

    /** The node that holds {@code id}, or null when it is connected nowhere. */
    CompletionStage<String> locate(String id);

    /** Frees {@code id} if {@code node} still holds it. */
    CompletionStage<Void> release(String id, String node);

    /**
     * Ids connected on any node, at most {@code limit} of them (in no particular order), from an
     * index kept with every claim, refresh and release, never from a scan of the store.
     */
    CompletionStage<List<String>> ids(int limit);

    /** Extends the lifetime of this node's ids (id → token hash), writing back any that vanished (Redis restart). */
    CompletionStage<Void> refresh(Map<String, String> ids, String node);
}
