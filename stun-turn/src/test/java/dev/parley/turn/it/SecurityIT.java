package dev.parley.turn.it;

import static dev.parley.turn.it.StunTestClient.errorCode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.turn.Fixtures;
import dev.parley.turn.RestCredentials;
import dev.parley.turn.TurnConfig;
import dev.parley.turn.proto.StunCodec;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.AttributeFactory;
import org.ice4j.attribute.UnknownAttributesAttribute;
import org.ice4j.attribute.XorRelayedAddressAttribute;
import org.ice4j.message.Message;
import org.ice4j.message.MessageFactory;
import org.ice4j.message.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The security defaults of issue 3, each against a real server on 127.0.0.1. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SecurityIT {

    private static Request allocate() {
        return MessageFactory.createAllocateRequest((byte) 17, false);
    }

    private static InetSocketAddress relayed(StunCodec.Decoded r) {
        TransportAddress a = ((XorRelayedAddressAttribute) r.message().getAttribute(Attribute.XOR_RELAYED_ADDRESS))
                .getAddress(r.transactionId());
        return new InetSocketAddress(a.getAddress(), a.getPort());
    }

    private static Request permission(String host, int port) {
        return MessageFactory.createCreatePermissionRequest(new TransportAddress(host, port, Transport.UDP), new byte[12]);
    }

    @Test
    void noCredentialsGets401WithRealmAndNonce() throws Exception {
        try (TurnFixture turn = new TurnFixture(TurnConfig.loopback().realm("example.org").build());
             StunTestClient c = new StunTestClient(turn.udp())) {
            StunCodec.Decoded r = c.plain(allocate());
            assertEquals(401, errorCode(r));
            c.learn(r);
            assertEquals("example.org", c.realm);
            assertNotNull(c.nonce);
            assertTrue(r.frame().fingerprintOffset() > 0);
        }
    }

    @Test
    void chromesAllocateFixtureIsChallengedAndItsForeignNonceIsStale() throws Exception {
        List<byte[]> chrome = Fixtures.hexLines("01_chromeallocreq.hex");
        try (TurnFixture turn = new TurnFixture(TurnConfig.loopback().build());
             StunTestClient c = new StunTestClient(turn.udp())) {
            StunCodec.Decoded first = c.exchange(chrome.get(0));
            assertEquals(0x0113, first.frame().messageType());
            assertEquals(401, errorCode(first));
            c.learn(first);
            // the authenticated retry carries coturn's nonce, which this server never issued
            assertEquals(438, errorCode(c.exchange(chrome.get(2))));
        }
    }

    @Test
    void wrongPasswordGets401AndRightOneSucceedsWithIntegrity() throws Exception {
        try (TurnFixture turn = new TurnFixture(TurnConfig.loopback().build());
             StunTestClient c = new StunTestClient(turn.udp())) {
            c.credentials("user", "wrong", "parley");
            assertEquals(401, errorCode(c.authed(allocate())));
            c.credentials("user", "pass", "parley");
            StunCodec.Decoded ok = c.authed(allocate());
            assertEquals(0x0103, ok.frame().messageType());
            assertTrue(StunCodec.verifyIntegrity(ok, c.key), "success responses carry MESSAGE-INTEGRITY");
            assertEquals(1.0, turn.counter("parley.turn.allocations.created"));
        }
    }

    @Test
    void expiredRestCredentialGets401() throws Exception {
        try (TurnFixture turn = new TurnFixture(TurnConfig.loopback().build());
             StunTestClient c = new StunTestClient(turn.udp())) {
            RestCredentials.Credential old = RestCredentials.mint("secret", "bob", Duration.ofSeconds(60),
                    Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10)));
            c.credentials(old.username(), old.password(), "parley");
            assertEquals(401, errorCode(c.authed(allocate())));
            RestCredentials.Credential fresh = RestCredentials.mint("secret", "bob", Duration.ofMinutes(10),
                    Clock.systemUTC());
            c.credentials(fresh.username(), fresh.password(), "parley");
            assertEquals(0x0103, c.authed(allocate()).frame().messageType());
        }
    }

    @Test
    void restSecretsRotate() throws Exception {
        TurnConfig cfg = TurnConfig.loopback().restSecrets(List.of("new", "old")).build();
        try (TurnFixture turn = new TurnFixture(cfg); StunTestClient c = new StunTestClient(turn.udp())) {
            RestCredentials.Credential byOld = RestCredentials.mint("old", "carol", Duration.ofMinutes(5), Clock.systemUTC());
            c.credentials(byOld.username(), byOld.password(), "parley");
            assertEquals(0x0103, c.authed(allocate()).frame().messageType());
        }
    }

    @Test
    void staleNonceGets438AndTheClientRecovers() throws Exception {
        MutableClock clock = new MutableClock();
        TurnConfig cfg = TurnConfig.loopback().nonceLifetime(Duration.ofSeconds(30)).build();
        try (TurnFixture turn = new TurnFixture(cfg, clock); StunTestClient c = new StunTestClient(turn.udp())) {
            c.credentials("user", "pass", "parley");
            assertEquals(0x0103, c.authed(allocate()).frame().messageType());
            String oldNonce = c.nonce;
            clock.advance(Duration.ofSeconds(31));
            StunCodec.Decoded stale = c.signed(MessageFactory.createRefreshRequest(600));
            assertEquals(438, errorCode(stale));
            c.learn(stale);
            assertNotEquals(oldNonce, c.nonce);
            assertEquals(0x0104, c.signed(MessageFactory.createRefreshRequest(600)).frame().messageType());
        }
    }

    @Test
    void deniedPeersGet403ButOwnRelayedAddressesWork() throws Exception {
        TurnConfig cfg = TurnConfig.loopback().allowLoopbackPeers(false).build();
        try (TurnFixture turn = new TurnFixture(cfg);
             StunTestClient a = new StunTestClient(turn.udp());
             StunTestClient b = new StunTestClient(turn.udp())) {
            a.credentials("user", "pass", "parley");
            b.credentials("user", "pass", "parley");
            a.authed(allocate());
            InetSocketAddress bRelay = relayed(b.authed(allocate()));
            for (String host : List.of("127.0.0.1", "10.0.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1")) {
                assertEquals(403, errorCode(a.authed(permission(host, 9))), host);
            }
            // b's relayed address is 127.0.0.1:port (a denied range), but it is ours: allowed
            assertEquals(0x0108, a.authed(permission(bRelay.getHostString(), bRelay.getPort())).frame().messageType());
            assertTrue(turn.counter("parley.turn.peer.denials") >= 5);
        }
    }

    @Test
    void serverOwnPortsAreNeverPeersEvenWithLoopbackAllowed() throws Exception {
        try (TurnFixture turn = new TurnFixture(TurnConfig.loopback().build());
             StunTestClient a = new StunTestClient(turn.udp())) {
            a.credentials("user", "pass", "parley");
            a.authed(allocate());
            Request bind = MessageFactory.createChannelBindRequest((char) 0x4001,
                    new TransportAddress("127.0.0.1", turn.port(), Transport.UDP), new byte[12]);
            assertEquals(403, errorCode(a.authed(bind)));
        }
    }

    @Test
    void quotaGets486() throws Exception {
        TurnConfig cfg = TurnConfig.loopback().maxAllocationsPerUser(1).build();
        try (TurnFixture turn = new TurnFixture(cfg);
             StunTestClient a = new StunTestClient(turn.udp());
             StunTestClient b = new StunTestClient(turn.udp())) {
            a.credentials("user", "pass", "parley");
            b.credentials("user", "pass", "parley");
            assertEquals(0x0103, a.authed(allocate()).frame().messageType());
            assertEquals(486, errorCode(b.authed(allocate())));
            // Refresh with LIFETIME 0 frees the slot
            assertEquals(0x0104, a.authed(MessageFactory.createRefreshRequest(0)).frame().messageType());
            assertEquals(0x0103, b.authed(allocate()).frame().messageType());
        }
    }

    @Test
    void retransmissionGetsTheIdenticalResponseAndANewAllocateGets437() throws Exception {
        try (TurnFixture turn = new TurnFixture(TurnConfig.loopback().build());
             StunTestClient c = new StunTestClient(turn.udp())) {
            c.credentials("user", "pass", "parley");
            c.authed(MessageFactory.createRefreshRequest(600)); // learn realm and nonce (437: no allocation yet)
            Request req = allocate();
            req.putAttribute(AttributeFactory.createUsernameAttribute("user"));
            req.putAttribute(AttributeFactory.createRealmAttribute(c.realm.getBytes()));
            req.putAttribute(AttributeFactory.createNonceAttribute(c.nonce.getBytes()));
            req.setTransactionID(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
            byte[] wire = StunCodec.encode(req, c.key);
            StunCodec.Decoded first = c.exchange(wire);
            StunCodec.Decoded again = c.exchange(wire);
            assertEquals(0x0103, first.frame().messageType());
            assertArrayEquals(first.raw(), again.raw());
            assertEquals(437, errorCode(c.authed(allocate())));
            assertEquals(1.0, turn.counter("parley.turn.allocations.created"));
        }
    }

    @Test
    void unknownComprehensionRequiredAttributeGets420AndTcpRelayGets442() throws Exception {
        try (TurnFixture turn = new TurnFixture(TurnConfig.loopback().build());
             StunTestClient c = new StunTestClient(turn.udp())) {
            c.credentials("user", "pass", "parley");
            Request odd = MessageFactory.createBindingRequest();
            odd.putAttribute(AttributeFactory.createChangeRequestAttribute()); // 0x0003 is known; add a really unknown one
            odd.setTransactionID(new byte[12]);
            byte[] wire = StunCodec.encode(odd, null);
            byte[] withUnknown = java.util.Arrays.copyOf(wire, wire.length - 8 + 8);
            // replace FINGERPRINT by an unknown comprehension-required attribute 0x7777 (4 zero bytes)
            int p = wire.length - 8;
            withUnknown[p] = 0x77;
            withUnknown[p + 1] = 0x77;
            withUnknown[p + 2] = 0;
            withUnknown[p + 3] = 4;
            java.util.Arrays.fill(withUnknown, p + 4, p + 8, (byte) 0);
            withUnknown[8] = 42;
            StunCodec.Decoded r = c.exchange(withUnknown);
            assertEquals(420, errorCode(r));
            UnknownAttributesAttribute ua = (UnknownAttributesAttribute) r.message().getAttribute(Attribute.UNKNOWN_ATTRIBUTES);
            assertEquals(0x7777, ua.getAttribute(0));
            Message tcp = MessageFactory.createAllocateRequest((byte) 6, false);
            assertEquals(442, errorCode(c.authed(tcp)));
        }
    }
}
