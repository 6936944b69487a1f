package dev.parley.turn.allocation;

import dev.parley.turn.policy.TokenBucket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * One allocation (RFC 8656 §2.2, §7): the five-tuple it belongs to, the relayed transport address,
 * the authenticated user and key, its permissions and channel bindings, and its expiry. Lookups are
 * linear scans over short lists so that the relay path allocates nothing. Confined to the I/O loop.
 */
public final class Allocation {
    public static final int MAX_PERMISSIONS = 64;
    public static final int MAX_CHANNELS = 64;

    private final FiveTuple fiveTuple;
    private final ClientLink client;
    private final RelayEndpoint relay;
    private final InetSocketAddress relayedAddress;
    private final String username;
    private final byte[] key;
    private final TokenBucket bandwidth;
    private final List<Permission> permissions = new ArrayList<>(2);
    private final List<ChannelBinding> channels = new ArrayList<>(2);
    private long expiresAtNanos;
    private boolean closed;
    private InetSocketAddress lastSendTarget;

    public Allocation(FiveTuple fiveTuple, ClientLink client, RelayEndpoint relay, InetSocketAddress relayedAddress,
                      String username, byte[] key, TokenBucket bandwidth, long expiresAtNanos) {
        this.fiveTuple = fiveTuple;
        this.client = client;
        this.relay = relay;
        this.relayedAddress = relayedAddress;
        this.username = username;
        this.key = key;
        this.bandwidth = bandwidth;
        this.expiresAtNanos = expiresAtNanos;
    }

    public FiveTuple fiveTuple() {
        return fiveTuple;
    }

    public ClientLink client() {
        return client;
    }

    public RelayEndpoint relay() {
        return relay;
    }

    public InetSocketAddress relayedAddress() {
        return relayedAddress;
    }

    public String username() {
        return username;
    }

    public byte[] key() {
        return key;
    }

    public void setExpiresAtNanos(long expiresAtNanos) {
        this.expiresAtNanos = expiresAtNanos;
    }

    public boolean isExpired(long nowNanos) {
        return closed || nowNanos - expiresAtNanos >= 0;
    }

    public boolean isClosed() {
        return closed;
    }

    void markClosed() {
        closed = true;
    }

    /** Charges relayed bytes to the per-allocation bandwidth quota; false means drop. */
    public boolean chargeBandwidth(int bytes, long nowNanos) {
        return bandwidth == null || bandwidth.tryTake(bytes, nowNanos);
    }

    /**
     * The peer socket address for a Send indication, reusing the previous one when it is the same peer
     * so that steady Send traffic allocates nothing.
     */
    public InetSocketAddress sendTarget(InetAddress peer, int port) {
        InetSocketAddress last = lastSendTarget;
        if (last == null || last.getPort() != port || last.getAddress() != peer) {
            last = new InetSocketAddress(peer, port);
            lastSendTarget = last;
        }
        return last;
    }

    // --- permissions (RFC 8656 §9) ---

    public Permission permission(InetAddress peer, long nowNanos) {
        for (int i = 0, n = permissions.size(); i < n; i++) {
            Permission p = permissions.get(i);
            if (p.peer().equals(peer)) {
                return p.isExpired(nowNanos) ? null : p;
            }
        }
        return null;
    }

    public Permission permission(byte[] raw, int length, long nowNanos) {
        for (int i = 0, n = permissions.size(); i < n; i++) {
            Permission p = permissions.get(i);
            if (p.matches(raw, length)) {
                return p.isExpired(nowNanos) ? null : p;
            }
        }
        return null;
    }

    /** Installs or refreshes; false if the per-allocation limit is reached. */
    public boolean installPermission(InetAddress peer, long nowNanos) {
        for (Permission p : permissions) {
            if (p.peer().equals(peer)) {
                p.refresh(nowNanos);
                return true;
            }
        }
        if (permissions.size() >= MAX_PERMISSIONS) {
            return false;
        }
        permissions.add(new Permission(peer, nowNanos));
        return true;
    }

    public boolean canInstallPermissions(List<InetSocketAddress> peers) {
        int added = 0;
        for (InetSocketAddress peer : peers) {
            boolean known = false;
            for (Permission p : permissions) {
                known |= p.peer().equals(peer.getAddress());
            }
            added += known ? 0 : 1;
        }
        return permissions.size() + added <= MAX_PERMISSIONS;
    }

    public int permissionCount() {
        return permissions.size();
    }

    // --- channels (RFC 8656 §12) ---

    public ChannelBinding channel(int number, long nowNanos) {
        for (int i = 0, n = channels.size(); i < n; i++) {
            ChannelBinding c = channels.get(i);
            if (c.number() == number) {
                return c.isExpired(nowNanos) ? null : c;
            }
        }
        return null;
    }

    public ChannelBinding channelFor(InetSocketAddress peer, long nowNanos) {
        for (int i = 0, n = channels.size(); i < n; i++) {
            ChannelBinding c = channels.get(i);
            if (c.peer().equals(peer)) {
                return c.isExpired(nowNanos) ? null : c;
            }
        }
        return null;
    }

    /** Outcome of a ChannelBind attempt against RFC 8656 §12.2's rebinding rules. */
    public enum BindResult { BOUND, REFRESHED, CONFLICT, FULL }

    public BindResult bindChannel(int number, InetSocketAddress peer, long nowNanos) {
        ChannelBinding byNumber = null;
        ChannelBinding byPeer = null;
        for (ChannelBinding c : channels) {
            if (c.number() == number) {
                byNumber = c;
            }
            if (c.peer().equals(peer)) {
                byPeer = c;
            }
        }
        if (byNumber != null && byNumber == byPeer) {
            byNumber.refresh(nowNanos);
            return BindResult.REFRESHED;
        }
        if (byNumber != null || byPeer != null) {
            return BindResult.CONFLICT;
        }
        if (channels.size() >= MAX_CHANNELS) {
            return BindResult.FULL;
        }
        channels.add(new ChannelBinding(number, peer, nowNanos));
        return BindResult.BOUND;
    }

    public int channelCount() {
        return channels.size();
    }

    /** Drops expired permissions and channels; returns how many of each were removed. */
    public int[] prune(long nowNanos) {
        int before = permissions.size();
        permissions.removeIf(p -> p.isExpired(nowNanos));
        int beforeCh = channels.size();
        // RFC 8656 §12: a channel binding expired is gone; its permission may live on separately
        channels.removeIf(c -> c.isExpired(nowNanos));
        return new int[] {before - permissions.size(), beforeCh - channels.size()};
    }
}
