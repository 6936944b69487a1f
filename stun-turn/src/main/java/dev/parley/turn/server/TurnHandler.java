package dev.parley.turn.server;

import dev.parley.turn.TurnConfig;
import dev.parley.turn.allocation.Allocation;
import dev.parley.turn.allocation.AllocationTable;
import dev.parley.turn.allocation.ClientLink;
import dev.parley.turn.allocation.FiveTuple;
import dev.parley.turn.allocation.RelayEndpoint;
import dev.parley.turn.allocation.RelayPorts;
import dev.parley.turn.auth.Authenticator;
import dev.parley.turn.auth.NonceManager;
import dev.parley.turn.policy.PeerPolicy;
import dev.parley.turn.policy.SourceLimiter;
import dev.parley.turn.policy.TokenBucket;
import dev.parley.turn.proto.ChannelDataFraming;
import dev.parley.turn.proto.MalformedMessageException;
import dev.parley.turn.proto.StunCodec;
import dev.parley.turn.proto.StunErrorCode;
import dev.parley.turn.proto.StunFrame;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.AttributeFactory;
import org.ice4j.attribute.ChannelNumberAttribute;
import org.ice4j.attribute.LifetimeAttribute;
import org.ice4j.attribute.RequestedTransportAttribute;
import org.ice4j.attribute.ReservationTokenAttribute;
import org.ice4j.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * STUN/TURN request handling (RFC 8489 Binding, RFC 8656 Allocate / Refresh / CreatePermission /
 * ChannelBind), each following the RFC's numbered steps. Every rejection sends its error response and
 * returns; bad input never throws out of {@link #onStun}. Confined to the I/O loop thread.
 */
public final class TurnHandler {
    private static final Logger LOG = LoggerFactory.getLogger(TurnHandler.class);
    static final int BINDING = 0x001;
    static final int ALLOCATE = 0x003;
    static final int REFRESH = 0x004;
    static final int CREATE_PERMISSION = 0x008;
    static final int CHANNEL_BIND = 0x009;
    private static final long RESERVATION_NANOS = 30_000_000_000L;

    private final TurnConfig config;
    private final AllocationTable table;
    private final RelayPorts ports;
    private final RelaySockets sockets;
    private final Authentication auth;
    private final PeerPolicy policy;
    private final TurnMetrics metrics;
    private final SourceLimiter limiter;
    private final TransactionCache cache = new TransactionCache(4096);
    private final Map<ByteBuffer, Reservation> reservations = new HashMap<>();

    private record Reservation(int port, long expiresAtNanos) {
    }

    public TurnHandler(TurnConfig config, AllocationTable table, RelayPorts ports, RelaySockets sockets,
                       Authenticator authenticator, NonceManager nonces, PeerPolicy policy, TurnMetrics metrics,
                       SourceLimiter limiter, Clock clock) {
        this.config = config;
        this.table = table;
        this.ports = ports;
        this.sockets = sockets;
        this.auth = new Authentication(config.realm(), authenticator, nonces, metrics, clock);
        this.policy = policy;
        this.metrics = metrics;
        this.limiter = limiter;
    }

    /** A datagram or stream frame that is neither STUN nor ChannelData: charge the source, drop it. */
    public void onJunk(InetSocketAddress source, long nowNanos) {
        metrics.malformed();
        limiter.allow(source.getAddress(), nowNanos);
    }

    /** Handles one complete STUN message (not a Send indication, which takes the relay path). */
    public void onStun(byte[] raw, ClientLink link, long nowNanos) {
        InetSocketAddress client = link.fiveTuple().client();
        if (!limiter.allow(client.getAddress(), nowNanos)) {
            metrics.rateLimited();
            return;
        }
        StunCodec.Decoded d;
        try {
            d = StunCodec.decode(raw);
        } catch (MalformedMessageException e) {
            metrics.malformed();
            LOG.debug("dropping malformed message from {}: {}", client, e.getMessage());
            return;
        }
        StunFrame f = d.frame();
        if (!f.isRequest()) {
            return; // indications other than Send and stray responses are ignored (RFC 8489 §6.3.2)
        }
        byte[] tid = d.transactionId();
        byte[] cached = cache.lookup(link.fiveTuple(), tid, nowNanos);
        if (cached != null) {
            link.send(ByteBuffer.wrap(cached));
            return;
        }
        Outcome out;
        try {
            out = handle(d, link, nowNanos);
        } catch (MalformedMessageException e) {
            metrics.malformed();
            out = new Outcome(Responses.encode(Responses.error(f.method(), tid, StunErrorCode.BAD_REQUEST), null), false);
        } catch (RuntimeException e) {
            LOG.warn("error handling {} from {}", Integer.toHexString(f.messageType()), client, e);
            out = new Outcome(Responses.encode(Responses.error(f.method(), tid, StunErrorCode.SERVER_ERROR), null), false);
        }
        if (out.cache()) {
            cache.store(link.fiveTuple(), tid, out.bytes(), nowNanos);
        }
        link.send(ByteBuffer.wrap(out.bytes()));
    }

    /**
     * A response, and whether a retransmission must get these same bytes: responses to authenticated
     * requests change state and are cached; Binding, challenges and other stateless answers are simply
     * recomputed, which keeps the cache small.
     */
    private record Outcome(byte[] bytes, boolean cache) {
    }

    private Outcome handle(StunCodec.Decoded d, ClientLink link, long now) throws MalformedMessageException {
        StunFrame f = d.frame();
        int method = f.method();
        byte[] tid = d.transactionId();
        // RFC 8489 §6.3.1: unknown comprehension-required attributes -> 420 with UNKNOWN-ATTRIBUTES
        if (!f.unknownRequired().isEmpty()) {
            return new Outcome(Responses.encode(Responses.unknownAttributes(method, tid, f.unknownRequired()), null), false);
        }
        if (method == BINDING) {
            return new Outcome(binding(d, link), false);
        }
        if (method != ALLOCATE && method != REFRESH && method != CREATE_PERMISSION && method != CHANNEL_BIND) {
            return new Outcome(Responses.encode(Responses.error(method, tid, StunErrorCode.BAD_REQUEST), null), false);
        }
        byte[] clientIp = link.fiveTuple().client().getAddress().getAddress();
        Authentication.Result authResult = auth.authenticate(d, method, clientIp);
        if (authResult instanceof Authentication.Rejected r) {
            if (method == ALLOCATE && f.integrityOffset() >= 0) {
                // the first, unsigned Allocate of every client is challenged by design: not a failure
                metrics.allocateFailed(errorOf(r.response()));
            }
            return new Outcome(Responses.encode(r.response(), null), false);
        }
        Authentication.Ok ok = (Authentication.Ok) authResult;
        Response response = switch (method) {
            case ALLOCATE -> allocate(d, link, ok, now);
            case REFRESH -> refresh(d, link, ok, now);
            case CREATE_PERMISSION -> createPermission(d, link, ok, now);
            case CHANNEL_BIND -> channelBind(d, link, ok, now);
            default -> throw new IllegalStateException("unreachable method " + method);
        };
        metrics.allocations(table.size());
        return new Outcome(Responses.encode(response, ok.key()), true);
    }

    private static StunErrorCode errorOf(Response r) {
        org.ice4j.attribute.ErrorCodeAttribute e =
                (org.ice4j.attribute.ErrorCodeAttribute) r.getAttribute(Attribute.ERROR_CODE);
        int code = e == null ? 500 : e.getErrorCode();
        for (StunErrorCode c : StunErrorCode.values()) {
            if (c.code() == code) {
                return c;
            }
        }
        return StunErrorCode.SERVER_ERROR;
    }

    // RFC 8489 §7.3.1: Binding is answered without authentication
    private byte[] binding(StunCodec.Decoded d, ClientLink link) {
        Response r = Responses.success(BINDING, d.transactionId());
        r.putAttribute(AttributeFactory.createXorMappedAddressAttribute(
                transportAddress(link.fiveTuple().client()), d.transactionId()));
        return Responses.encode(r, null);
    }

    // RFC 8656 §7.2
    private Response allocate(StunCodec.Decoded d, ClientLink link, Authentication.Ok ok, long now) {
        byte[] tid = d.transactionId();
        Response fail = allocateChecks(d, link, ok);
        if (fail != null) {
            metrics.allocateFailed(errorOf(fail));
            return fail;
        }
        // 7. relayed transport address: a RESERVATION-TOKEN port, an EVEN-PORT pair, or any free port
        ReservationTokenAttribute token = (ReservationTokenAttribute) d.message().getAttribute(Attribute.RESERVATION_TOKEN);
        int even = d.frame().evenPort();
        RelayEndpoint relay;
        byte[] newToken = null;
        if (token != null) {
            Reservation res = reservations.remove(ByteBuffer.wrap(token.getReservationToken()));
            if (res == null || now - res.expiresAtNanos() > 0) {
                return failAllocate(tid, StunErrorCode.INSUFFICIENT_CAPACITY);
            }
            relay = openAt(res.port());
        } else {
            relay = openAny(even >= 0);
            if (relay != null && even == 1) {
                if (ports.takeSpecific(relay.port() + 1)) {
                    newToken = new byte[8];
                    ThreadLocalRandom.current().nextBytes(newToken);
                    reservations.put(ByteBuffer.wrap(newToken), new Reservation(relay.port() + 1, now + RESERVATION_NANOS));
                } else {
                    ports.release(relay.port());
                    relay.close();
                    relay = null;
                }
            }
        }
        if (relay == null) {
            return failAllocate(tid, StunErrorCode.INSUFFICIENT_CAPACITY);
        }
        // 8. lifetime: max(default, min(requested, max))
        long lifetime = allocateLifetime(d);
        TokenBucket bw = config.maxBytesPerSecond() > 0
                ? new TokenBucket(config.maxBytesPerSecond(), config.maxBytesPerSecond(), now) : null;
        InetSocketAddress advertised = new InetSocketAddress(config.externalIp(), relay.port());
        Allocation a = new Allocation(link.fiveTuple(), link, relay, advertised, ok.username(), ok.key(), bw,
                now + lifetime * 1_000_000_000L);
        table.add(a);
        sockets.attach(relay, a);
        link.attach(a);
        metrics.allocationCreated();
        // 9. success: XOR-RELAYED-ADDRESS, LIFETIME, RESERVATION-TOKEN (if reserved), XOR-MAPPED-ADDRESS
        Response r = Responses.success(ALLOCATE, tid);
        r.putAttribute(AttributeFactory.createXorRelayedAddressAttribute(transportAddress(advertised), tid));
        r.putAttribute(AttributeFactory.createLifetimeAttribute((int) lifetime));
        if (newToken != null) {
            r.putAttribute(AttributeFactory.createReservationTokenAttribute(newToken));
        }
        r.putAttribute(AttributeFactory.createXorMappedAddressAttribute(
                transportAddress(link.fiveTuple().client()), tid));
        return r;
    }

    private Response failAllocate(byte[] tid, StunErrorCode code) {
        metrics.allocateFailed(code);
        return Responses.error(ALLOCATE, tid, code);
    }

    /** Steps 2-6 of RFC 8656 §7.2; null if the request may proceed. */
    private Response allocateChecks(StunCodec.Decoded d, ClientLink link, Authentication.Ok ok) {
        byte[] tid = d.transactionId();
        var m = d.message();
        // 2. an allocation already exists on this five-tuple (retransmissions were answered from the cache)
        if (table.get(link.fiveTuple()) != null) {
            return Responses.error(ALLOCATE, tid, StunErrorCode.ALLOCATION_MISMATCH);
        }
        // 3. REQUESTED-TRANSPORT must be present and UDP
        RequestedTransportAttribute rt = (RequestedTransportAttribute) m.getAttribute(Attribute.REQUESTED_TRANSPORT);
        if (rt == null) {
            return Responses.error(ALLOCATE, tid, StunErrorCode.BAD_REQUEST);
        }
        if (rt.getRequestedTransport() != RequestedTransportAttribute.UDP) {
            return Responses.error(ALLOCATE, tid, StunErrorCode.UNSUPPORTED_TRANSPORT_PROTOCOL);
        }
        // 4. DONT-FRAGMENT is accepted: Linux sends UDP with DF set under its default PMTU discovery
        // 5. RESERVATION-TOKEN excludes EVEN-PORT and REQUESTED-ADDRESS-FAMILY
        boolean token = m.containsAttribute(Attribute.RESERVATION_TOKEN);
        int family = d.frame().requestedFamily();
        if (token && (d.frame().evenPort() >= 0 || family >= 0)) {
            return Responses.error(ALLOCATE, tid, StunErrorCode.BAD_REQUEST);
        }
        // RFC 6156 §4.2: the relay family must be one we serve
        if (family >= 0) {
            boolean v4 = config.relayIp() instanceof Inet4Address;
            if ((family != 1 && family != 2) || (family == 1) != v4) {
                return Responses.error(ALLOCATE, tid, StunErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED);
            }
        }
        // 6. quotas: per user, then in total
        if (table.countFor(ok.username()) >= config.maxAllocationsPerUser() || table.size() >= config.maxAllocations()) {
            metrics.quotaHit();
            return Responses.error(ALLOCATE, tid, StunErrorCode.ALLOCATION_QUOTA_REACHED);
        }
        return null;
    }

    private long allocateLifetime(StunCodec.Decoded d) {
        LifetimeAttribute lt = (LifetimeAttribute) d.message().getAttribute(Attribute.LIFETIME);
        long max = config.maxLifetime().toSeconds();
        long def = config.defaultLifetime().toSeconds();
        if (lt == null) {
            return def;
        }
        return Math.max(def, Math.min(Integer.toUnsignedLong(lt.getLifetime()), max));
    }

    private RelayEndpoint openAny(boolean even) {
        for (int attempt = 0; attempt < 16; attempt++) {
            int port = ports.take(even);
            if (port < 0) {
                return null;
            }
            try {
                return sockets.open(port);
            } catch (IOException e) {
                // someone else holds this port: keep it marked used and try another
                LOG.debug("relay port {} unavailable: {}", port, e.toString());
            }
        }
        return null;
    }

    private RelayEndpoint openAt(int port) {
        try {
            return sockets.open(port);
        } catch (IOException e) {
            ports.release(port);
            return null;
        }
    }

    // RFC 8656 §7.4 (and §7.3 for the request side)
    private Response refresh(StunCodec.Decoded d, ClientLink link, Authentication.Ok ok, long now) {
        byte[] tid = d.transactionId();
        Allocation a = table.get(link.fiveTuple());
        if (a == null) {
            return Responses.error(REFRESH, tid, StunErrorCode.ALLOCATION_MISMATCH);
        }
        if (!a.username().equals(ok.username())) {
            return Responses.error(REFRESH, tid, StunErrorCode.WRONG_CREDENTIALS);
        }
        int family = d.frame().requestedFamily();
        if (family >= 0 && (family == 1) != (config.relayIp() instanceof Inet4Address)) {
            return Responses.error(REFRESH, tid, StunErrorCode.PEER_ADDRESS_FAMILY_MISMATCH);
        }
        LifetimeAttribute lt = (LifetimeAttribute) d.message().getAttribute(Attribute.LIFETIME);
        long lifetime = lt == null ? config.defaultLifetime().toSeconds()
                : Math.min(Integer.toUnsignedLong(lt.getLifetime()), config.maxLifetime().toSeconds());
        if (lifetime == 0) {
            release(a);
        } else {
            a.setExpiresAtNanos(now + lifetime * 1_000_000_000L);
        }
        Response r = Responses.success(REFRESH, tid);
        r.putAttribute(AttributeFactory.createLifetimeAttribute((int) lifetime));
        return r;
    }

    // RFC 8656 §9.2
    private Response createPermission(StunCodec.Decoded d, ClientLink link, Authentication.Ok ok, long now)
            throws MalformedMessageException {
        byte[] tid = d.transactionId();
        Allocation a = table.get(link.fiveTuple());
        if (a == null) {
            return Responses.error(CREATE_PERMISSION, tid, StunErrorCode.ALLOCATION_MISMATCH);
        }
        if (!a.username().equals(ok.username())) {
            return Responses.error(CREATE_PERMISSION, tid, StunErrorCode.WRONG_CREDENTIALS);
        }
        // 1. at least one XOR-PEER-ADDRESS; every one (not only ice4j's last) is checked
        List<InetSocketAddress> peers = StunCodec.peerAddresses(d);
        if (peers.isEmpty()) {
            return Responses.error(CREATE_PERMISSION, tid, StunErrorCode.BAD_REQUEST);
        }
        for (InetSocketAddress peer : peers) {
            // 2. peer family must match the relayed address family
            if (!sameFamily(peer)) {
                return Responses.error(CREATE_PERMISSION, tid, StunErrorCode.PEER_ADDRESS_FAMILY_MISMATCH);
            }
            // 3. the server's policy on peers: 403
            if (policy.check(peer) != PeerPolicy.Verdict.ALLOW) {
                metrics.peerDenied();
                return Responses.error(CREATE_PERMISSION, tid, StunErrorCode.FORBIDDEN);
            }
        }
        // 4. all or nothing: capacity first, then install or refresh each
        if (!a.canInstallPermissions(peers)) {
            return Responses.error(CREATE_PERMISSION, tid, StunErrorCode.INSUFFICIENT_CAPACITY);
        }
        for (InetSocketAddress peer : peers) {
            a.installPermission(peer.getAddress(), now);
        }
        return Responses.success(CREATE_PERMISSION, tid);
    }

    // RFC 8656 §11.2 (ChannelBind)
    private Response channelBind(StunCodec.Decoded d, ClientLink link, Authentication.Ok ok, long now)
            throws MalformedMessageException {
        byte[] tid = d.transactionId();
        Allocation a = table.get(link.fiveTuple());
        if (a == null) {
            return Responses.error(CHANNEL_BIND, tid, StunErrorCode.ALLOCATION_MISMATCH);
        }
        if (!a.username().equals(ok.username())) {
            return Responses.error(CHANNEL_BIND, tid, StunErrorCode.WRONG_CREDENTIALS);
        }
        // 1. CHANNEL-NUMBER present and valid (see ChannelDataFraming.isValidChannel); one XOR-PEER-ADDRESS
        ChannelNumberAttribute cn = (ChannelNumberAttribute) d.message().getAttribute(Attribute.CHANNEL_NUMBER);
        List<InetSocketAddress> peers = StunCodec.peerAddresses(d);
        if (cn == null || !ChannelDataFraming.isValidChannel(cn.getChannelNumber(), config.legacyChannelNumbers()) || peers.size() != 1) {
            LOG.debug("ChannelBind 400: channel {} peers {}", cn == null ? null : (int) cn.getChannelNumber(), peers);
            return Responses.error(CHANNEL_BIND, tid, StunErrorCode.BAD_REQUEST);
        }
        InetSocketAddress peer = peers.get(0);
        if (!sameFamily(peer)) {
            return Responses.error(CHANNEL_BIND, tid, StunErrorCode.PEER_ADDRESS_FAMILY_MISMATCH);
        }
        if (policy.check(peer) != PeerPolicy.Verdict.ALLOW) {
            metrics.peerDenied();
            return Responses.error(CHANNEL_BIND, tid, StunErrorCode.FORBIDDEN);
        }
        // 2-3. rebinding rules: a channel is bound to one peer and a peer to one channel
        if (a.permission(peer.getAddress(), now) == null && !a.canInstallPermissions(List.of(peer))) {
            return Responses.error(CHANNEL_BIND, tid, StunErrorCode.INSUFFICIENT_CAPACITY);
        }
        switch (a.bindChannel(cn.getChannelNumber(), peer, now)) {
            case CONFLICT -> {
                LOG.debug("ChannelBind 400: channel {} or peer {} already bound otherwise", (int) cn.getChannelNumber(), peer);
                return Responses.error(CHANNEL_BIND, tid, StunErrorCode.BAD_REQUEST);
            }
            case FULL -> {
                return Responses.error(CHANNEL_BIND, tid, StunErrorCode.INSUFFICIENT_CAPACITY);
            }
            default -> {
                // BOUND or REFRESHED
            }
        }
        // 4. the binding also installs or refreshes the permission for the peer's IP
        a.installPermission(peer.getAddress(), now);
        return Responses.success(CHANNEL_BIND, tid);
    }

    private boolean sameFamily(InetSocketAddress peer) {
        return (peer.getAddress() instanceof Inet4Address) == (config.relayIp() instanceof Inet4Address);
    }

    /** Deletes an allocation (Refresh 0, expiry, closed connection). */
    public void release(Allocation a) {
        if (table.remove(a)) {
            ports.release(a.relay().port());
            if (a.client().allocation() == a) {
                a.client().attach(null);
            }
            metrics.allocations(table.size());
        }
    }

    /** Expires allocations, permissions, channels and reservations; called on the loop by the scheduler. */
    public void sweep(long nowNanos) {
        AllocationTable.Sweep s = table.sweep(nowNanos);
        for (Allocation a : s.expired()) {
            release(a);
        }
        Iterator<Map.Entry<ByteBuffer, Reservation>> it = reservations.entrySet().iterator();
        while (it.hasNext()) {
            Reservation r = it.next().getValue();
            if (nowNanos - r.expiresAtNanos() > 0) {
                ports.release(r.port());
                it.remove();
            }
        }
        metrics.gauges(table.size(), table.permissionCount(), table.channelCount());
    }

    /** Releases every allocation (server shutdown). */
    public void releaseAll() {
        for (Allocation a : new ArrayList<>(table.all())) {
            release(a);
        }
    }

    static TransportAddress transportAddress(InetSocketAddress a) {
        return new TransportAddress(a.getAddress(), a.getPort(), Transport.UDP);
    }
}
