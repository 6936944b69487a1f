package dev.parley.turn.transport;

import dev.parley.turn.allocation.Allocation;
import dev.parley.turn.allocation.RelayEndpoint;
import dev.parley.turn.server.RelayPath;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;

/**
 * One allocation's relayed transport address: a UDP socket on the relay IP. Reads one datagram per
 * wake-up: the selector is level-triggered, so a socket with more queued is reported again on the next
 * select, and the read that would only find the queue empty (EAGAIN) is never made. A relay socket
 * typically holds one datagram when it wakes up, so reading until empty cost a second, failing
 * {@code recvfrom} per relayed peer packet.
 */
final class UdpRelaySocket implements RelayEndpoint, IoHandler {

    private final DatagramChannel channel;
    private final int port;
    private final ByteBuffer in;
    private final RelayPath relay;
    private SelectionKey key;
    private Allocation allocation;

    UdpRelaySocket(DatagramChannel channel, int port, ByteBuffer sharedIn, RelayPath relay) {
        this.channel = channel;
        this.port = port;
        this.in = sharedIn;
        this.relay = relay;
    }

    void registered(SelectionKey k) {
        key = k;
    }

    void attach(Allocation a) {
        allocation = a;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public boolean sendToPeer(ByteBuffer data, InetSocketAddress peer) {
        try {
            return channel.send(data, peer) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void onReady(SelectionKey k, long now) throws IOException {
        in.clear().position(RelayPath.HEADROOM);
        in.limit(in.capacity() - 4);
        SocketAddress src = channel.receive(in);
        if (src == null || allocation == null || allocation.isClosed()) {
            return;
        }
        int n = in.position() - RelayPath.HEADROOM;
        in.limit(in.capacity());
        relay.fromPeer(allocation, (InetSocketAddress) src, in, n, now);
    }

    @Override
    public void onFailure(Exception e) {
        // transient (e.g. ICMP port unreachable surfaced as an exception); keep the socket
    }

    @Override
    public void close() {
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
