package dev.parley.turn.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.parley.turn.TurnConfig;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Agent;
import org.ice4j.ice.Component;
import org.ice4j.ice.HostCandidate;
import org.ice4j.ice.IceMediaStream;
import org.ice4j.ice.KeepAliveStrategy;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.RelayedCandidate;
import org.ice4j.ice.harvest.CandidateHarvester;
import org.ice4j.ice.harvest.HarvestStatistics;
import org.ice4j.ice.harvest.TurnCandidateHarvester;
import org.ice4j.security.LongTermCredential;
import org.ice4j.socket.IceSocketWrapper;
import org.ice4j.socket.IceUdpSocketWrapper;
import org.ice4j.socket.MultiplexingDatagramSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * ice4j's client side as an independent TURN client: an {@link Agent} with a {@link TurnCandidateHarvester}
 * gets a relayed candidate from Parley and exchanges data with a UDP peer through it.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class Ice4jAgentIT {

    /** ice4j's host harvester skips loopback; this one makes a single 127.0.0.1 host candidate. */
    private static final class LoopbackHostHarvester implements CandidateHarvester {
        private final HarvestStatistics stats = new HarvestStatistics();

        @Override
        public Collection<LocalCandidate> harvest(Component component) {
            try {
                IceSocketWrapper sock = new IceUdpSocketWrapper(
                        new MultiplexingDatagramSocket(0, InetAddress.getLoopbackAddress()));
                HostCandidate host = new HostCandidate(sock, component, Transport.UDP);
                component.addLocalCandidate(host);
                host.getStunStack().addSocket(host.getStunSocket(null));
                if (component.getComponentSocket() != null) {
                    component.getComponentSocket().add(sock);
                }
                return List.of(host);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public HarvestStatistics getHarvestStatistics() {
            return stats;
        }

        @Override
        public boolean isHostHarvester() {
            return true;
        }
    }

    @Test
    void agentGetsARelayedCandidateAndExchangesData() throws Exception {
        try (TurnFixture turn = new TurnFixture(TurnConfig.loopback().build());
             DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            peer.setSoTimeout(500);
            Agent agent = new Agent();
            try {
                agent.setUseDynamicPorts(false);
                agent.addCandidateHarvester(new LoopbackHostHarvester());
                agent.addCandidateHarvester(new TurnCandidateHarvester(
                        new TransportAddress(turn.udp(), Transport.UDP),
                        new LongTermCredential("user", "pass")));
                IceMediaStream stream = agent.createMediaStream("data");
                Component component = agent.createComponent(stream, KeepAliveStrategy.SELECTED_ONLY, false);
                RelayedCandidate relayed = component.getLocalCandidates().stream()
                        .filter(RelayedCandidate.class::isInstance).map(RelayedCandidate.class::cast)
                        .findFirst().orElse(null);
                assertNotNull(relayed, "relayed candidate from " + component.getLocalCandidates());
                assertEquals(turn.udp().getAddress(), relayed.getTransportAddress().getAddress());

                IceSocketWrapper socket = relayed.getCandidateIceSocketWrapper();
                InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
                byte[] buf = new byte[2048];
                for (int i = 0; i < 5; i++) {
                    byte[] msg = ("ping " + i).getBytes(StandardCharsets.US_ASCII);
                    DatagramPacket got = sendUntilReceived(socket, peer, peerAddress, msg, buf);
                    assertArrayEquals(msg, Arrays.copyOf(got.getData(), got.getLength()));
                    // the peer sees the relayed transport address and answers it
                    assertEquals(relayed.getTransportAddress().getPort(), got.getPort());
                    byte[] pong = ("pong " + i).getBytes(StandardCharsets.US_ASCII);
                    peer.send(new DatagramPacket(pong, pong.length, got.getSocketAddress()));
                    DatagramPacket back = new DatagramPacket(new byte[2048], 2048);
                    socket.receive(back);
                    assertArrayEquals(pong, Arrays.copyOf(back.getData(), back.getLength()));
                }
            } finally {
                agent.free();
            }
        }
    }

    /** The first send may race the CreatePermission ice4j issues on demand: resend until it arrives. */
    private static DatagramPacket sendUntilReceived(IceSocketWrapper socket, DatagramSocket peer,
                                                    InetSocketAddress to, byte[] msg, byte[] buf) throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            socket.send(new DatagramPacket(msg, msg.length, to));
            DatagramPacket got = new DatagramPacket(buf, buf.length);
            try {
                peer.receive(got);
                return got;
            } catch (SocketTimeoutException e) {
                // permission still being installed
            }
        }
        throw new AssertionError("nothing arrived at the peer through the relay");
    }
}
