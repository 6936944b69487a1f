package dev.parley.presence.store;

import dev.parley.presence.model.Channel;
import dev.parley.presence.model.EventId;
import dev.parley.presence.model.PresenceEvent;
import dev.parley.presence.model.UserStatus;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Cluster-wide presence state and its event logs. Every mutation is idempotent per connection id
 * (repeating it after a reconnect is harmless), atomic per room and per user, and appends the
 * events it causes to the channel's bounded log, then publishes them to subscribed nodes.
 *
 * <p>Times are epoch millis passed in by the caller, so that grace deadlines and node leases mean
 * the same in both implementations and in tests. Removing a user from a room or taking a user
 * offline is two-step: the last connection leaving records a deadline; {@link #expireDue} turns
 * due deadlines into {@code leave} / {@code offline} events unless a connection came back.
 */
public interface PresenceStore extends AutoCloseable {

    void start() throws Exception;

    @Override
    void close();

    /** False while the backing store is unreachable. */
    boolean isHealthy();

    void setListener(StoreListener listener);

    /** Starts live delivery of a channel's events to the listener (Redis: SUBSCRIBE). */
    CompletionStage<Void> subscribe(Channel channel);

    CompletionStage<Void> unsubscribe(Channel channel);

    /** Registers a connection of {@code userId} on {@code nodeId}; the first one makes the user online. */
    CompletionStage<Void> connect(String nodeId, String connectionId, String userId, long now);

    /** Removes a connection; the user's last one starts the offline grace period until {@code deadline}. */
    CompletionStage<Void> disconnect(String nodeId, String connectionId, long deadline);

    /** Adds a connection to a room; the user's first one emits {@code join}. */
    CompletionStage<Void> join(String nodeId, String connectionId, String userId, String room,
                               Map<String, String> meta, long now);

    /** Removes a connection from a room; the user's last one there starts the leave grace period. */
    CompletionStage<Void> leave(String nodeId, String connectionId, String room, long deadline);

    /** Sets a connected user's chosen status (online or away); ignored for users with no connection. */
    CompletionStage<Void> setStatus(String userId, UserStatus status, long now);

    /** Emits {@code leave} / {@code offline} for every grace deadline at or before {@code now}; returns how many. */
    CompletionStage<Integer> expireDue(long now);

    /** The state of a room, or (for {@link Channel#USERS}) of the given users, with the log position it reflects. */
    CompletionStage<PresenceEvent.Snapshot> snapshot(Channel channel, Collection<String> users);

    /** The events after {@code after}, or {@link History#LOST}. */
    CompletionStage<History> history(Channel channel, EventId after);

    /**
     * Extends a node's lease to {@code expiresAt}. Returns true when the store did not know the node
     * (first start, the store lost its data, or another node reaped it): the caller re-registers.
     */
    CompletionStage<Boolean> heartbeat(String nodeId, long expiresAt);

    /**
     * Claims nodes whose lease expired before {@code now}; each claimed node is held for the caller
     * until {@code claimUntil} (then another survivor may claim it again). Returns the claimed ids.
     */
    CompletionStage<List<String>> claimExpiredNodes(long now, long claimUntil);

    /** The connections a node registered (for reaping a dead node or reconciling after an outage). */
    CompletionStage<List<NodeConnection>> nodeConnections(String nodeId);

    /** Forgets a node, its lease and its connection index (its presence state is left to leave/disconnect). */
    CompletionStage<Void> removeNode(String nodeId);
}
