package dev.parley.turn.policy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Decides whether a peer address may be relayed to (RFC 8656 §21.3, coturn CVE-2020-26262).
 * Order: this server's own relayed addresses are always allowed (two browsers relayed through the same
 * server); the server's own non-relay ports never are; explicitly allowed CIDRs are; then loopback,
 * RFC 1918, CGNAT, link-local, multicast, unspecified, reserved and IPv6 ULA / link-local ranges are
 * refused — also when embedded in IPv6 (IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo, ISATAP).
 */
public final class PeerPolicy {
    public enum Verdict { ALLOW, DENY_RANGE, DENY_SERVER_PORT }

    private static final List<Cidr> DENIED_V4 = List.of(
            Cidr.parse("0.0.0.0/8"), Cidr.parse("10.0.0.0/8"), Cidr.parse("100.64.0.0/10"),
            Cidr.parse("127.0.0.0/8"), Cidr.parse("169.254.0.0/16"), Cidr.parse("172.16.0.0/12"),
            Cidr.parse("192.0.0.0/24"), Cidr.parse("192.0.2.0/24"), Cidr.parse("192.168.0.0/16"),
            Cidr.parse("198.18.0.0/15"), Cidr.parse("198.51.100.0/24"), Cidr.parse("203.0.113.0/24"),
            Cidr.parse("224.0.0.0/4"), Cidr.parse("240.0.0.0/4"));
    private static final List<Cidr> DENIED_V6 = List.of(
            Cidr.parse("::/128"), Cidr.parse("::1/128"), Cidr.parse("fc00::/7"), Cidr.parse("fe80::/10"),
            Cidr.parse("fec0::/10"), Cidr.parse("ff00::/8"), Cidr.parse("100::/64"), Cidr.parse("2001:db8::/32"));
    private static final Cidr LOOPBACK_V4 = Cidr.parse("127.0.0.0/8");
    private static final Cidr LOOPBACK_V6 = Cidr.parse("::1/128");

    private final List<Cidr> allowed;
    private final boolean allowLoopback;
    private final Set<InetSocketAddress> serverEndpoints;
    private final Set<InetAddress> serverAddresses;
    private final Predicate<InetSocketAddress> ownRelayed;
    private final java.util.BitSet serverPorts = new java.util.BitSet(65536);

    /**
     * @param serverEndpoints the server's own non-relay listeners; a wildcard address matches any of
     *                        {@code serverAddresses} and loopback
     * @param serverAddresses addresses of this host
     * @param ownRelayed      true for a relayed transport address this server currently hands out
     */
    public PeerPolicy(List<Cidr> allowed, boolean allowLoopback, Set<InetSocketAddress> serverEndpoints,
                      Set<InetAddress> serverAddresses, Predicate<InetSocketAddress> ownRelayed) {
        this.allowed = List.copyOf(allowed);
        this.allowLoopback = allowLoopback;
        this.serverEndpoints = Set.copyOf(serverEndpoints);
        this.serverAddresses = Set.copyOf(serverAddresses);
        this.ownRelayed = ownRelayed;
        for (InetSocketAddress e : this.serverEndpoints) {
            serverPorts.set(e.getPort());
        }
    }

    /**
     * The per-packet check for Send indications (permissions carry no port): true if this peer is one of
     * the server's own non-relay listeners. Allocation-free for the common case of a non-server port.
     */
    public boolean isServerEndpoint(InetSocketAddress peer) {
        return serverPorts.get(peer.getPort()) && isServerEndpoint(peer.getAddress(), peer.getPort());
    }

    public Verdict check(InetSocketAddress peer) {
        InetAddress addr = peer.getAddress();
        if (addr == null) {
            return Verdict.DENY_RANGE;
        }
        if (ownRelayed.test(peer)) {
            return Verdict.ALLOW;
        }
        if (isServerEndpoint(addr, peer.getPort())) {
            return Verdict.DENY_SERVER_PORT;
        }
        return checkAddress(addr.getAddress()) ? Verdict.ALLOW : Verdict.DENY_RANGE;
    }

    /** Range check only (no port rules). */
    public boolean checkAddress(byte[] raw) {
        byte[] embedded = raw.length == 16 ? embeddedIpv4(raw) : null;
        for (Cidr c : allowed) {
            if (c.contains(raw) || (embedded != null && c.contains(embedded))) {
                return true;
            }
        }
        if (allowLoopback && (LOOPBACK_V4.contains(raw) || LOOPBACK_V6.contains(raw)
                || (embedded != null && LOOPBACK_V4.contains(embedded)))) {
            return true;
        }
        if (raw.length == 4) {
            return !inAny(DENIED_V4, raw);
        }
        if (inAny(DENIED_V6, raw)) {
            return false;
        }
        return embedded == null || !inAny(DENIED_V4, embedded);
    }

    private boolean isServerEndpoint(InetAddress addr, int port) {
        for (InetSocketAddress e : serverEndpoints) {
            if (e.getPort() != port) {
                continue;
            }
            InetAddress ea = e.getAddress();
            if (ea == null || ea.isAnyLocalAddress()) {
                if (addr.isLoopbackAddress() || addr.isAnyLocalAddress() || serverAddresses.contains(addr)
                        || isEmbeddedLoopback(addr)) {
                    return true;
                }
            } else if (ea.equals(addr)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isEmbeddedLoopback(InetAddress addr) {
        byte[] raw = addr.getAddress();
        byte[] v4 = raw.length == 16 ? embeddedIpv4(raw) : null;
        return v4 != null && (LOOPBACK_V4.contains(v4) || v4[0] == 0);
    }

    private static boolean inAny(List<Cidr> ranges, byte[] raw) {
        for (Cidr c : ranges) {
            if (c.contains(raw)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The IPv4 address carried inside an IPv6 one, for the forms a relay could be tricked with:
     * IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::/96 and 64:ff9b:1::/48,
     * 6to4 2002:AABB:CCDD::/48, Teredo 2001:0::/32 (client address inverted) and ISATAP ::5efe:a.b.c.d.
     */
    static byte[] embeddedIpv4(byte[] a) {
        boolean firstTenZero = true;
        for (int i = 0; i < 10; i++) {
            firstTenZero &= a[i] == 0;
        }
        if (firstTenZero && ((a[10] == (byte) 0xFF && a[11] == (byte) 0xFF) || (a[10] == 0 && a[11] == 0))) {
            return last4(a);
        }
        if (a[0] == 0 && a[1] == 0x64 && a[2] == (byte) 0xFF && a[3] == (byte) 0x9B) {
            return last4(a);
        }
        if (a[0] == 0x20 && a[1] == 0x02) {
            return new byte[] {a[2], a[3], a[4], a[5]};
        }
        if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0 && a[3] == 0) {
            return new byte[] {(byte) ~a[12], (byte) ~a[13], (byte) ~a[14], (byte) ~a[15]};
        }
        if ((a[8] & 0xFD) == 0 && a[9] == 0 && a[10] == 0x5E && a[11] == (byte) 0xFE) {
            return last4(a);
        }
        return null;
    }

    private static byte[] last4(byte[] a) {
        return new byte[] {a[12], a[13], a[14], a[15]};
    }
}
