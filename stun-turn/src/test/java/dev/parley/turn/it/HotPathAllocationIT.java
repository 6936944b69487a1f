package dev.parley.turn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.turn.TurnConfig;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.message.MessageFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ChannelData path in both directions allocates (next to) nothing per packet: measured as bytes
 * allocated by the TURN I/O thread (HotSpot's per-thread allocation counter) over thousands of round trips.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HotPathAllocationIT {
    private static final int WARMUP = 3_000;
    private static final int MEASURED = 5_000;

    @Test
    void channelDataRoundTripsAllocateNothingOnTheLoop() throws Exception {
        try (TurnFixture turn = new TurnFixture(TurnConfig.loopback().build());
             StunTestClient client = new StunTestClient(turn.udp());
             DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            peer.setSoTimeout(2000);
            client.credentials("user", "pass", "parley");
            assertEquals(0x0103, client.authed(MessageFactory.createAllocateRequest((byte) 17, false))
                    .frame().messageType());
            assertEquals(0x0109, client.authed(MessageFactory.createChannelBindRequest((char) 0x4000,
                    new TransportAddress("127.0.0.1", peer.getLocalPort(), Transport.UDP), new byte[12]))
                    .frame().messageType());
            client.socket.setSoTimeout(2000);
            byte[] frame = new byte[4 + 200];
            frame[0] = 0x40;
            frame[3] = (byte) 200;
            byte[] buf = new byte[2048];
            roundTrips(client.socket, peer, frame, buf, WARMUP, turn);

            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long loopThread = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("parley-turn-io")).findFirst().orElseThrow().getId();
            long before = threads.getThreadAllocatedBytes(loopThread);
            roundTrips(client.socket, peer, frame, buf, MEASURED, turn);
            long after = threads.getThreadAllocatedBytes(loopThread);
            double perPacket = (after - before) / (2.0 * MEASURED);
            System.out.printf("TURN loop allocated %.2f bytes per relayed packet (%d bytes over %d packets)%n",
                    perPacket, after - before, 2 * MEASURED);
            assertTrue(perPacket < 8.0, "loop allocated " + perPacket + " bytes per relayed packet");
        }
    }

    private static void roundTrips(DatagramSocket client, DatagramSocket peer, byte[] frame, byte[] buf, int n,
                                   TurnFixture turn) throws Exception {
        DatagramPacket toServer = new DatagramPacket(frame, frame.length, turn.udp());
        DatagramPacket atPeer = new DatagramPacket(buf, buf.length);
        DatagramPacket back = new DatagramPacket(new byte[2048], 2048);
        for (int i = 0; i < n; i++) {
            client.send(toServer);
            atPeer.setLength(buf.length);
            peer.receive(atPeer);
            assertEquals(200, atPeer.getLength());
            peer.send(new DatagramPacket(buf, 200, atPeer.getSocketAddress()));
            back.setLength(2048);
            client.receive(back);
            assertEquals(204, back.getLength());
        }
    }
}
