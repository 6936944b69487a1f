package dev.parley.turn.it;

import static dev.parley.turn.it.StunTestClient.errorCode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.turn.TurnConfig;
import dev.parley.turn.proto.StunCodec;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.AttributeFactory;
import org.ice4j.attribute.RequestedAddressFamilyAttribute;
import org.ice4j.attribute.XorRelayedAddressAttribute;
import org.ice4j.message.MessageFactory;
import org.ice4j.message.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** IPv6 relaying (RFC 6156) on ::1: REQUESTED-ADDRESS-FAMILY, IPv6 peers, embedded-IPv4 denial, data. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Ipv6RelayIT {

    private static Request allocate(char family) {
        Request r = MessageFactory.createAllocateRequest((byte) 17, false);
        r.putAttribute(AttributeFactory.createRequestedAddressFamilyAttribute(family));
        return r;
    }

    @Test
    void ipv6AllocationRelaysToAnIpv6Peer() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        TurnConfig cfg = TurnConfig.loopback().bindAddress(v6).relayIp(v6).build();
        try (TurnFixture turn = new TurnFixture(cfg);
             StunTestClient c = new StunTestClient(turn.udp(), v6);
             DatagramSocket peer = new DatagramSocket(0, v6)) {
            peer.setSoTimeout(5000);
            c.socket.setSoTimeout(5000);
            c.credentials("user", "pass", "parley");
            assertEquals(440, errorCode(c.authed(allocate(RequestedAddressFamilyAttribute.IPv4))));
            StunCodec.Decoded ok = c.authed(allocate(RequestedAddressFamilyAttribute.IPv6));
            assertEquals(0x0103, ok.frame().messageType());
            TransportAddress relayed = ((XorRelayedAddressAttribute) ok.message()
                    .getAttribute(Attribute.XOR_RELAYED_ADDRESS)).getAddress(ok.transactionId());
            assertEquals(v6, relayed.getAddress());

            // IPv4 peers on an IPv6 relay: 443; IPv6 forms of denied IPv4 ranges and ULAs: 403
            assertEquals(443, errorCode(c.authed(MessageFactory.createCreatePermissionRequest(
                    new TransportAddress("198.51.100.1", 9, Transport.UDP), new byte[12]))));
            // Java reads an IPv4-mapped address as IPv4, so ::ffff:10.0.0.1 is refused as a family mismatch
            assertEquals(443, errorCode(c.authed(MessageFactory.createCreatePermissionRequest(
                    new TransportAddress("::ffff:10.0.0.1", 9, Transport.UDP), new byte[12]))));
            for (String denied : new String[] {"::10.0.0.1", "64:ff9b::192.168.0.1", "2002:c0a8:0001::1", "fc00::1",
                "fe80::1"}) {
                assertEquals(403, errorCode(c.authed(MessageFactory.createCreatePermissionRequest(
                        new TransportAddress(denied, 9, Transport.UDP), new byte[12]))), denied);
            }

            assertEquals(0x0109, c.authed(MessageFactory.createChannelBindRequest((char) 0x4001,
                    new TransportAddress("::1", peer.getLocalPort(), Transport.UDP), new byte[12]))
                    .frame().messageType());
            byte[] frame = {0x40, 0x01, 0, 3, 7, 8, 9};
            c.socket.send(new DatagramPacket(frame, frame.length, turn.udp()));
            DatagramPacket atPeer = new DatagramPacket(new byte[100], 100);
            peer.receive(atPeer);
            assertArrayEquals(new byte[] {7, 8, 9}, Arrays.copyOf(atPeer.getData(), atPeer.getLength()));
            assertEquals(relayed.getPort(), atPeer.getPort());
            peer.send(new DatagramPacket(new byte[] {1, 2}, 2, atPeer.getSocketAddress()));
            DatagramPacket back = new DatagramPacket(new byte[100], 100);
            c.socket.receive(back);
            assertArrayEquals(new byte[] {0x40, 0x01, 0, 2, 1, 2}, Arrays.copyOf(back.getData(), back.getLength()));
        }
    }
}
