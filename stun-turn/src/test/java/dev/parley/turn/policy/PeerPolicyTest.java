package dev.parley.turn.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PeerPolicyTest {
    private static final InetSocketAddress OWN_RELAYED = new InetSocketAddress("10.0.0.5", 50000);

    private static PeerPolicy policy(boolean loopback, List<Cidr> allowed) throws Exception {
        return new PeerPolicy(allowed, loopback, Set.of(new InetSocketAddress(3478), new InetSocketAddress(8080)),
                Set.of(InetAddress.getByName("10.0.0.5")), OWN_RELAYED::equals);
    }

    private static PeerPolicy.Verdict check(PeerPolicy p, String host, int port) {
        return p.check(new InetSocketAddress(host, port));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1", "169.254.169.254",
        "224.0.0.1", "0.0.0.0", "255.255.255.255", "::1", "::", "fc00::1", "fd12::1", "fe80::1", "ff02::1",
        "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1", "64:ff9b::10.0.0.1",
        "2002:0a00:0001::1", "2002:7f00:0001::1", "2001:0:4136:e378:8000:63bf:f5ff:fffe", "fe80::5efe:10.0.0.1"})
    void deniesReservedRangesAndTheirEmbeddedForms(String host) throws Exception {
        assertEquals(PeerPolicy.Verdict.DENY_RANGE, check(policy(false, List.of()), host, 9999), host);
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "2606:4700::1111", "::ffff:8.8.8.8", "2002:0808:0808::1"})
    void allowsPublicAddresses(String host) throws Exception {
        assertEquals(PeerPolicy.Verdict.ALLOW, check(policy(false, List.of()), host, 9999), host);
    }

    @Test
    void loopbackAndCidrsCanBeAllowed() throws Exception {
        PeerPolicy p = policy(true, List.of(Cidr.parse("10.9.0.0/16")));
        assertEquals(PeerPolicy.Verdict.ALLOW, check(p, "127.0.0.1", 9999));
        assertEquals(PeerPolicy.Verdict.ALLOW, check(p, "::ffff:127.0.0.1", 9999));
        assertEquals(PeerPolicy.Verdict.ALLOW, check(p, "10.9.3.4", 9999));
        assertEquals(PeerPolicy.Verdict.DENY_RANGE, check(p, "10.8.3.4", 9999));
    }

    @Test
    void serverPortsAreNeverPeersEvenWhenLoopbackIsAllowed() throws Exception {
        PeerPolicy p = policy(true, List.of());
        assertEquals(PeerPolicy.Verdict.DENY_SERVER_PORT, check(p, "127.0.0.1", 3478));
        assertEquals(PeerPolicy.Verdict.DENY_SERVER_PORT, check(p, "127.0.0.1", 8080));
        assertEquals(PeerPolicy.Verdict.DENY_SERVER_PORT, check(p, "10.0.0.5", 8080));
        assertEquals(PeerPolicy.Verdict.DENY_SERVER_PORT, check(p, "::ffff:127.0.0.1", 8080));
    }

    @Test
    void ownRelayedAddressIsAllowedInsideADeniedRange() throws Exception {
        PeerPolicy p = policy(false, List.of());
        assertEquals(PeerPolicy.Verdict.ALLOW, p.check(OWN_RELAYED));
        assertEquals(PeerPolicy.Verdict.DENY_RANGE, check(p, "10.0.0.5", 50001));
    }

    @Test
    void cidrParsing() {
        Cidr c = Cidr.parse("192.168.0.0/16");
        assertEquals("192.168.0.0/16", c.toString());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Cidr.parse("example.com/8"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
    }
}
