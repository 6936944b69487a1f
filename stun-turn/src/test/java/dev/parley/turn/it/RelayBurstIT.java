package dev.parley.turn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.turn.TurnConfig;
import dev.parley.turn.proto.StunCodec;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.XorRelayedAddressAttribute;
import org.ice4j.message.MessageFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A relay socket reads one datagram per wake-up (no read that only finds its queue empty); a burst the
 * peer sends faster than the loop wakes up must still reach the client whole and in order, framed as
 * ChannelData when a channel is bound and as Data indications when only a permission exists.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RelayBurstIT {
    private static final int BURST = 100;
    private static final int SIZE = 100;

    @Test
    void peerBurstArrivesWholeAndInOrderAsChannelData() throws Exception {
        try (TurnFixture turn = new TurnFixture(TurnConfig.loopback().build());
             StunTestClient client = new StunTestClient(turn.udp());
             DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            InetSocketAddress relayed = allocate(client);
            assertEquals(0x0109, client.authed(MessageFactory.createChannelBindRequest((char) 0x4001,
                    new TransportAddress("127.0.0.1", peer.getLocalPort(), Transport.UDP), new byte[12]))
                    .frame().messageType());
            burst(peer, relayed);
            byte[] buf = new byte[2048];
            client.socket.setSoTimeout(2000);
            for (int i = 0; i < BURST; i++) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                client.socket.receive(p);
                ByteBuffer b = ByteBuffer.wrap(buf, 0, p.getLength());
                assertEquals(0x4001, b.getShort(0) & 0xFFFF, "ChannelData on the bound channel");
                assertEquals(SIZE, b.getShort(2) & 0xFFFF);
                assertEquals(i, b.getInt(4), "datagram " + i + " of the burst, in order");
            }
        }
    }

    @Test
    void peerBurstArrivesWholeAndInOrderAsDataIndications() throws Exception {
        try (TurnFixture turn = new TurnFixture(TurnConfig.loopback().build());
             StunTestClient client = new StunTestClient(turn.udp());
             DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            InetSocketAddress relayed = allocate(client);
            assertEquals(0x0108, client.authed(MessageFactory.createCreatePermissionRequest(
                    new TransportAddress("127.0.0.1", peer.getLocalPort(), Transport.UDP), new byte[12]))
                    .frame().messageType());
            burst(peer, relayed);
            byte[] buf = new byte[2048];
            client.socket.setSoTimeout(2000);
            for (int i = 0; i < BURST; i++) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                client.socket.receive(p);
                ByteBuffer b = ByteBuffer.wrap(buf, 0, p.getLength());
                assertEquals(0x0017, b.getShort(0) & 0xFFFF, "Data indication");
                // 20 header + 12 XOR-PEER-ADDRESS (IPv4) + 4 DATA header, then the payload
                assertEquals(i, b.getInt(36), "datagram " + i + " of the burst, in order");
            }
        }
    }

    private static InetSocketAddress allocate(StunTestClient client) throws Exception {
        client.credentials("user", "pass", "parley");
        StunCodec.Decoded ok = client.authed(MessageFactory.createAllocateRequest((byte) 17, false));
        assertEquals(0x0103, ok.frame().messageType());
        TransportAddress a = ((XorRelayedAddressAttribute) ok.message().getAttribute(Attribute.XOR_RELAYED_ADDRESS))
                .getAddress(ok.transactionId());
        return new InetSocketAddress(a.getAddress(), a.getPort());
    }

    /** Sends the whole burst without waiting, so datagrams queue on the relay socket. */
    private static void burst(DatagramSocket peer, InetSocketAddress relayed) throws Exception {
        byte[] data = new byte[SIZE];
        for (int i = 0; i < BURST; i++) {
            ByteBuffer.wrap(data).putInt(0, i);
            peer.send(new DatagramPacket(data, SIZE, relayed));
        }
    }
}
