package dev.parley.turn.transport;

import dev.parley.turn.allocation.Allocation;
import dev.parley.turn.allocation.RelayEndpoint;
import dev.parley.turn.server.RelayPath;
import dev.parley.turn.server.RelaySockets;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;

/** Opens relay UDP sockets on the relay IP and registers them with the loop; they share one read buffer. */
final class LoopRelaySockets implements RelaySockets {
    private final NioLoop loop;
    private final InetAddress relayIp;
    private final ByteBuffer sharedIn = ByteBuffer.allocateDirect(RelayPath.HEADROOM + 65536 + 4);
    private RelayPath relay;

    LoopRelaySockets(NioLoop loop, InetAddress relayIp) {
        this.loop = loop;
        this.relayIp = relayIp;
    }

    void relayPath(RelayPath relay) {
        this.relay = relay;
    }

    @Override
    public RelayEndpoint open(int port) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 256 * 1024);
            ch.bind(new InetSocketAddress(relayIp, port));
            ch.configureBlocking(false);
            UdpRelaySocket s = new UdpRelaySocket(ch, port, sharedIn, relay);
            s.registered(loop.register(ch, SelectionKey.OP_READ, s));
            return s;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    @Override
    public void attach(RelayEndpoint endpoint, Allocation allocation) {
        ((UdpRelaySocket) endpoint).attach(allocation);
    }
}
