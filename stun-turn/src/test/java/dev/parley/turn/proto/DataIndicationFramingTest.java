package dev.parley.turn.proto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.DataAttribute;
import org.ice4j.attribute.XorPeerAddressAttribute;
import org.ice4j.message.Indication;
import org.ice4j.message.Message;
import org.ice4j.message.MessageFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DataIndicationFramingTest {

    @ParameterizedTest
    @ValueSource(strings = {"198.51.100.7", "2001:db8::7"})
    void dataIndicationWrittenInPlaceDecodesWithIce4j(String host) throws Exception {
        byte[] peer = InetAddress.getByName(host).getAddress();
        byte[] payload = "hello, relay".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocateDirect(DataIndicationFraming.MAX_HEADER + 64);
        b.put(DataIndicationFraming.MAX_HEADER, payload);
        int start = DataIndicationFraming.MAX_HEADER - DataIndicationFraming.headerLength(peer.length);
        int len = DataIndicationFraming.writeDataIndication(b, start, peer, peer.length, 4242, payload.length, 77L);
        byte[] wire = new byte[len];
        b.get(start, wire);
        Message m = Message.decode(wire, 0, wire.length);
        assertEquals(Message.DATA_INDICATION, m.getMessageType());
        TransportAddress a = ((XorPeerAddressAttribute) m.getAttribute(Attribute.XOR_PEER_ADDRESS))
                .getAddress(m.getTransactionID());
        assertEquals(InetAddress.getByAddress(peer), a.getAddress());
        assertEquals(4242, a.getPort());
        assertArrayEquals(payload, ((DataAttribute) m.getAttribute(Attribute.DATA)).getData());
        assertEquals(0, len % 4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"198.51.100.7", "2001:db8::7"})
    void sendIndicationParsedInPlace(String host) throws Exception {
        byte[] tid = new byte[12];
        Arrays.fill(tid, (byte) 9);
        Indication send = MessageFactory.createSendIndication(new TransportAddress(host, 5000, Transport.UDP),
                new byte[] {1, 2, 3, 4, 5}, tid);
        send.setTransactionID(tid);
        byte[] wire = StunCodec.encode(send, null);
        ByteBuffer b = ByteBuffer.wrap(wire);
        DataIndicationFraming.PeerView v = new DataIndicationFraming.PeerView();
        assertTrue(DataIndicationFraming.parseSend(b, 0, wire.length, v));
        assertEquals(5000, v.port);
        assertArrayEquals(InetAddress.getByName(host).getAddress(), Arrays.copyOf(v.address, v.addressLength()));
        assertEquals(5, v.dataLength);
        assertEquals(1, wire[v.dataOffset]);
        assertFalse(DataIndicationFraming.parseSend(b, 0, 19, v));
    }
}
