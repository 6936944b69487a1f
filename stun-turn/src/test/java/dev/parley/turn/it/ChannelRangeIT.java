package dev.parley.turn.it;

import static dev.parley.turn.it.StunTestClient.errorCode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.turn.TurnConfig;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.message.MessageFactory;
import org.ice4j.message.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Channel numbers (RFC 8656 §12): 0x4000-0x4FFF by default, ChannelBind outside gets 400 and ChannelData
 * outside is dropped; with legacyChannelNumbers RFC 5766's 0x5000-0x7FFF (coturn's clients) work too.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChannelRangeIT {

    private static Request bind(int channel, int peerPort) {
        return MessageFactory.createChannelBindRequest((char) channel,
                new TransportAddress("127.0.0.1", peerPort, Transport.UDP), new byte[12]);
    }

    private static byte[] channelData(int channel, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + payload.length);
        b.putShort((short) channel).putShort((short) payload.length).put(payload);
        return b.array();
    }

    private static double dropped(TurnFixture turn) {
        return turn.registry.get("parley.turn.relayed.dropped").functionCounter().count();
    }

    @Test
    void channelBindAcceptsOnlyRfc8656NumbersByDefault() throws Exception {
        try (TurnFixture turn = new TurnFixture(TurnConfig.loopback().build());
             StunTestClient c = new StunTestClient(turn.udp());
             DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            c.credentials("user", "pass", "parley");
            c.authed(MessageFactory.createAllocateRequest((byte) 17, false));
            int port = peer.getLocalPort();
            assertEquals(400, errorCode(c.authed(bind(0x5000, port))));
            assertEquals(400, errorCode(c.authed(bind(0x7FFF, port))));
            assertEquals(400, errorCode(c.authed(bind(0x3FFF, port))));
            assertEquals(0x0109, c.authed(bind(0x4FFF, port)).frame().messageType());
        }
    }

    @Test
    void channelDataOutsideTheRangeIsDroppedAndInsideIsRelayed() throws Exception {
        try (TurnFixture turn = new TurnFixture(TurnConfig.loopback().build());
             StunTestClient c = new StunTestClient(turn.udp());
             DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            c.credentials("user", "pass", "parley");
            c.authed(MessageFactory.createAllocateRequest((byte) 17, false));
            assertEquals(0x0109, c.authed(bind(0x4001, peer.getLocalPort())).frame().messageType());
            double dropped0 = dropped(turn);
            // 0x5001 shares 0x4001's low bits and a lenient server might mask it; 0x7FFF is RFC 5766 only
            for (int bad : new int[] {0x5001, 0x7FFF}) {
                byte[] frame = channelData(bad, "bad".getBytes());
                c.socket.send(new DatagramPacket(frame, frame.length, turn.udp()));
            }
            byte[] good = channelData(0x4001, "good".getBytes());
            c.socket.send(new DatagramPacket(good, good.length, turn.udp()));
            peer.setSoTimeout(5000);
            DatagramPacket got = new DatagramPacket(new byte[100], 100);
            peer.receive(got);
            // loopback keeps order: had either bad frame been relayed, it would have arrived first
            assertArrayEquals("good".getBytes(), Arrays.copyOf(got.getData(), got.getLength()));
            assertEquals(dropped0 + 2, dropped(turn));
        }
    }

    @Test
    void legacyRangeIsAcceptedWhenConfigured() throws Exception {
        try (TurnFixture turn = new TurnFixture(TurnConfig.loopback().legacyChannelNumbers(true).build());
             StunTestClient c = new StunTestClient(turn.udp());
             DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            c.credentials("user", "pass", "parley");
            c.authed(MessageFactory.createAllocateRequest((byte) 17, false));
            assertEquals(0x0109, c.authed(bind(0x7FFF, peer.getLocalPort())).frame().messageType());
            assertEquals(400, errorCode(c.authed(bind(0x8000, peer.getLocalPort()))));
            byte[] frame = channelData(0x7FFF, "legacy".getBytes());
            c.socket.send(new DatagramPacket(frame, frame.length, turn.udp()));
            peer.setSoTimeout(5000);
            DatagramPacket got = new DatagramPacket(new byte[100], 100);
            peer.receive(got);
            assertArrayEquals("legacy".getBytes(), Arrays.copyOf(got.getData(), got.getLength()));
        }
    }
}
