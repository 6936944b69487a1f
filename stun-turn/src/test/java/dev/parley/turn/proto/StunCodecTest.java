package dev.parley.turn.proto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.turn.Fixtures;
import dev.parley.turn.auth.LongTermKeys;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.AttributeFactory;
import org.ice4j.attribute.UsernameAttribute;
import org.ice4j.attribute.XorMappedAddressAttribute;
import org.ice4j.message.Message;
import org.ice4j.message.MessageFactory;
import org.ice4j.message.Request;
import org.junit.jupiter.api.Test;

class StunCodecTest {
    private static final byte[] SHORT_TERM = "VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.US_ASCII);
    private final List<byte[]> rfc = Fixtures.hexLines("rfc5769.hex");

    @Test
    void rfc5769SampleRequest() throws Exception {
        StunCodec.Decoded d = StunCodec.decode(rfc.get(0));
        assertEquals(0x0001, d.frame().messageType());
        assertTrue(d.frame().isRequest());
        assertEquals("evtj:h6vY", new String(((UsernameAttribute) d.message().getAttribute(Attribute.USERNAME))
                .getUsername(), StandardCharsets.UTF_8));
        assertTrue(d.frame().fingerprintOffset() > 0, "FINGERPRINT found and verified");
        assertTrue(StunCodec.verifyIntegrity(d, SHORT_TERM));
        assertFalse(StunCodec.verifyIntegrity(d, "wrong".getBytes(StandardCharsets.US_ASCII)));
        // PRIORITY and ICE-CONTROLLED are understood (0x0024) or optional (0x8029): nothing unknown
        assertTrue(d.frame().unknownRequired().isEmpty());
    }

    @Test
    void rfc5769Ipv4AndIpv6Responses() throws Exception {
        StunCodec.Decoded v4 = StunCodec.decode(rfc.get(1));
        assertEquals(new InetSocketAddress("192.0.2.1", 32853), xorMapped(v4));
        assertTrue(StunCodec.verifyIntegrity(v4, SHORT_TERM));
        StunCodec.Decoded v6 = StunCodec.decode(rfc.get(2));
        assertEquals(new InetSocketAddress(InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853),
                xorMapped(v6));
        assertTrue(StunCodec.verifyIntegrity(v6, SHORT_TERM));
    }

    @Test
    void rfc5769LongTermCredentials() throws Exception {
        StunCodec.Decoded d = StunCodec.decode(rfc.get(3));
        byte[] key = LongTermKeys.key("\u30de\u30c8\u30ea\u30c3\u30af\u30b9", "example.org", "TheMatrIX");
        assertTrue(StunCodec.verifyIntegrity(d, key));
        assertFalse(StunCodec.verifyIntegrity(d, LongTermKeys.key("x", "example.org", "TheMatrIX")));
    }

    @Test
    void browserAllocateFixtureParses() throws Exception {
        List<byte[]> chrome = Fixtures.hexLines("01_chromeallocreq.hex");
        StunCodec.Decoded first = StunCodec.decode(chrome.get(0));
        assertEquals(0x0003, first.frame().messageType());
        assertTrue(first.frame().unknownRequired().isEmpty(), "ORIGIN 0x802F is comprehension-optional");
        assertEquals(-1, first.frame().integrityOffset());
        StunCodec.Decoded second = StunCodec.decode(chrome.get(2));
        assertTrue(second.frame().integrityOffset() > 0);
        StunCodec.Decoded success = StunCodec.decode(chrome.get(3));
        assertEquals(0x0103, success.frame().messageType());
    }

    @Test
    void encodeAddsIntegrityAndFingerprintOverTheExactBytes() throws Exception {
        Request r = MessageFactory.createRefreshRequest(600);
        r.setTransactionID(HexFormat.of().parseHex("0102030405060708090a0b0c"));
        r.putAttribute(AttributeFactory.createUsernameAttribute("user"));
        byte[] key = LongTermKeys.key("user", "parley", "pass");
        byte[] wire = StunCodec.encode(r, key);
        StunCodec.Decoded d = StunCodec.decode(wire);
        assertTrue(StunCodec.verifyIntegrity(d, key));
        assertEquals(wire.length - 8, d.frame().fingerprintOffset());
        assertArrayEquals(r.getTransactionID(), d.transactionId());
    }

    // --- one test per malformed-input class ---

    private static Request binding() throws Exception {
        Request r = MessageFactory.createBindingRequest();
        r.setTransactionID(HexFormat.of().parseHex("0102030405060708090a0b0c"));
        return r;
    }

    private byte[] good() {
        try {
            return StunCodec.encode(binding(), null);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Malformation malformation(byte[] b) {
        return assertThrows(MalformedMessageException.class, () -> StunCodec.decode(b)).malformation();
    }

    @Test
    void truncatedHeader() {
        assertEquals(Malformation.TRUNCATED_HEADER, malformation(Arrays.copyOf(good(), 19)));
    }

    @Test
    void badLength() {
        byte[] b = good();
        b[3] += 4;
        assertEquals(Malformation.BAD_LENGTH, malformation(b));
        assertEquals(Malformation.BAD_LENGTH, malformation(Arrays.copyOf(good(), good().length - 1)));
    }

    @Test
    void badMagicCookie() {
        byte[] b = good();
        b[4] ^= 1;
        assertEquals(Malformation.BAD_MAGIC_COOKIE, malformation(b));
    }

    @Test
    void attributeOverrun() {
        byte[] b = good();
        b[22] = 0x01; // first attribute claims 256+ bytes
        assertEquals(Malformation.ATTRIBUTE_OVERRUN, malformation(b));
    }

    @Test
    void wrongFingerprint() {
        byte[] b = good();
        b[b.length - 1] ^= 1;
        assertEquals(Malformation.BAD_FINGERPRINT, malformation(b));
    }

    @Test
    void badMessageIntegrity() throws Exception {
        Request r = binding();
        byte[] key = LongTermKeys.key("u", "r", "p");
        byte[] wire = StunCodec.encode(r, key);
        StunCodec.Decoded d = StunCodec.decode(wire);
        int mi = d.frame().integrityOffset();
        wire[mi + 10] ^= 0x55;
        wire = reFingerprint(wire);
        assertFalse(StunCodec.verifyIntegrity(StunCodec.decode(wire), key));
        byte[] shortMi = HexFormat.of().parseHex("000100082112a442000000000000000000000000" + "00080004deadbeef");
        assertEquals(Malformation.BAD_MESSAGE_INTEGRITY, malformation(shortMi));
    }

    @Test
    void unknownComprehensionRequiredAttribute() throws Exception {
        byte[] b = HexFormat.of().parseHex("000100082112a442000000000000000000000000" + "7777000400000000");
        StunCodec.Decoded d = StunCodec.decode(b);
        assertEquals(List.of(0x7777), d.frame().unknownRequired());
    }

    @Test
    void ice4jUncheckedFailuresBecomeMalformation() {
        // REQUESTED-TRANSPORT with 1 byte of value: ice4j throws; we report, never propagate
        byte[] b = HexFormat.of().parseHex("000300082112a442000000000000000000000000" + "0019000111000000");
        assertEquals(Malformation.BAD_ATTRIBUTE_VALUE, malformation(b));
    }

    @Test
    void notStunAtAll() {
        byte[] b = good();
        b[0] = (byte) 0x80;
        assertEquals(Malformation.NOT_STUN, malformation(b));
    }

    @Test
    void repeatedPeerAddressesAreAllReturned() throws Exception {
        Request r = MessageFactory.createCreatePermissionRequest(
                new TransportAddress("198.51.100.1", 1000, Transport.UDP), new byte[12]);
        byte[] tid = HexFormat.of().parseHex("0102030405060708090a0b0c");
        r.setTransactionID(tid);
        byte[] one = StunCodec.encode(r, null);
        // append a second XOR-PEER-ADDRESS by hand (ice4j's Message keeps one per type)
        byte[] second = AttributeFactory.createXorPeerAddressAttribute(
                new TransportAddress("203.0.113.9", 2000, Transport.UDP), tid).encode();
        int body = one.length - 8; // drop FINGERPRINT
        byte[] two = Arrays.copyOf(one, body + second.length);
        System.arraycopy(second, 0, two, body, second.length);
        two[2] = (byte) ((two.length - 20) >> 8);
        two[3] = (byte) (two.length - 20);
        List<InetSocketAddress> peers = StunCodec.peerAddresses(StunCodec.decode(two));
        assertEquals(List.of(new InetSocketAddress("198.51.100.1", 1000), new InetSocketAddress("203.0.113.9", 2000)),
                peers);
    }

    static byte[] reFingerprint(byte[] wire) {
        int p = wire.length - 8;
        int crc = StunFrames.crc32(wire, 0, p) ^ StunFrames.FINGERPRINT_XOR;
        wire[p + 4] = (byte) (crc >>> 24);
        wire[p + 5] = (byte) (crc >>> 16);
        wire[p + 6] = (byte) (crc >>> 8);
        wire[p + 7] = (byte) crc;
        return wire;
    }

    private static InetSocketAddress xorMapped(StunCodec.Decoded d) {
        Message m = d.message();
        TransportAddress a = ((XorMappedAddressAttribute) m.getAttribute(Attribute.XOR_MAPPED_ADDRESS))
                .getAddress(d.transactionId());
        return new InetSocketAddress(a.getAddress(), a.getPort());
    }
}
