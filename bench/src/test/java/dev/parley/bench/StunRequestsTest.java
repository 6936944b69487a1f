package dev.parley.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class StunRequestsTest {

    @Test
    void anUnsignedRequestIsAHeaderAndItsAttributes() throws Exception {
        ByteBuffer b = StunRequests.header(0x0003);
        b.putShort((short) 0x0019).putShort((short) 4).putInt(0x11000000);
        byte[] m = StunRequests.finish(b, "u", null, null, null);
        assertEquals(28, m.length);
        assertEquals(8, ByteBuffer.wrap(m).getShort(2));
        assertEquals(0x2112A442, ByteBuffer.wrap(m).getInt(4));
    }

    @Test
    void aSignedRequestEndsWithMessageIntegrityOverEverythingBeforeIt() throws Exception {
        byte[] key = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        byte[] m = StunRequests.finish(StunRequests.header(0x0009), "alice", "parley", "n0nce", key);
        ByteBuffer b = ByteBuffer.wrap(m);
        assertEquals(m.length - 20, b.getShort(2));
        int miAt = m.length - 24;
        assertEquals(0x0008, b.getShort(miAt));
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(key, "HmacSHA1"));
        mac.update(m, 0, miAt);
        assertArrayEquals(mac.doFinal(), Arrays.copyOfRange(m, miAt + 4, m.length));
        assertArrayEquals(new String[] {"parley", "n0nce"}, StunRequests.realmNonce(m));
    }

    @Test
    void realmAndNonceAreNullForJunkOrWhenMissing() throws Exception {
        assertNull(StunRequests.realmNonce(null));
        assertNull(StunRequests.realmNonce(new byte[7]));
        assertNull(StunRequests.realmNonce(StunRequests.finish(StunRequests.header(0x0113), null, null, null, null)));
        byte[] overrun = StunRequests.finish(StunRequests.header(0x0113), "a", "r", "n", new byte[16]);
        ByteBuffer.wrap(overrun).putShort(22, (short) 0x7FFF);   // first attribute claims more than there is
        assertNull(StunRequests.realmNonce(overrun));
    }
}
