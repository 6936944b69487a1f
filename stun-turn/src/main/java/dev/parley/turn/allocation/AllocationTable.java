package dev.parley.turn.allocation;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * All allocations, by five-tuple and by relay port, with per-user counts for quotas. Confined to the
 * I/O loop thread (the scheduler only asks the loop to sweep), so it needs no locks.
 */
public final class AllocationTable {
    private final Map<FiveTuple, Allocation> byFiveTuple = new HashMap<>();
    private final Map<Integer, Allocation> byRelayPort = new HashMap<>();
    private final Map<String, Integer> perUser = new HashMap<>();
    private final Set<InetAddress> relayAddresses;

    /** @param relayAddresses the relay IP and the advertised external IP */
    public AllocationTable(Set<InetAddress> relayAddresses) {
        this.relayAddresses = Set.copyOf(relayAddresses);
    }

    public Allocation get(FiveTuple t) {
        return byFiveTuple.get(t);
    }

    public int size() {
        return byFiveTuple.size();
    }

    public int countFor(String user) {
        return perUser.getOrDefault(user, 0);
    }

    public void add(Allocation a) {
        byFiveTuple.put(a.fiveTuple(), a);
        byRelayPort.put(a.relay().port(), a);
        perUser.merge(a.username(), 1, Integer::sum);
    }

    /** Removes and closes; idempotent. Returns true if it was present. */
    public boolean remove(Allocation a) {
        if (byFiveTuple.remove(a.fiveTuple(), a)) {
            byRelayPort.remove(a.relay().port(), a);
            perUser.computeIfPresent(a.username(), (u, n) -> n > 1 ? n - 1 : null);
            a.markClosed();
            a.relay().close();
            return true;
        }
        return false;
    }

    /** True if {@code peer} is a relayed transport address this server currently hands out. */
    public boolean isOwnRelayed(InetSocketAddress peer) {
        return relayAddresses.contains(peer.getAddress()) && byRelayPort.containsKey(peer.getPort());
    }

    /** Expired allocations (not yet removed) and the permission/channel counts pruned from the rest. */
    public record Sweep(List<Allocation> expired, int permissionsPruned, int channelsPruned) {
    }

    public Sweep sweep(long nowNanos) {
        List<Allocation> expired = new ArrayList<>();
        int perms = 0;
        int chans = 0;
        for (Allocation a : byFiveTuple.values()) {
            if (a.isExpired(nowNanos)) {
                expired.add(a);
            } else {
                int[] pruned = a.prune(nowNanos);
                perms += pruned[0];
                chans += pruned[1];
            }
        }
        return new Sweep(expired, perms, chans);
    }

    public List<Allocation> all() {
        return new ArrayList<>(byFiveTuple.values());
    }

    public int permissionCount() {
        int n = 0;
        for (Allocation a : byFiveTuple.values()) {
            n += a.permissionCount();
        }
        return n;
    }

    public int channelCount() {
        int n = 0;
        for (Allocation a : byFiveTuple.values()) {
            n += a.channelCount();
        }
        return n;
    }
}
