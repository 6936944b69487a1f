package dev.parley.turn.transport;

import dev.parley.turn.allocation.Allocation;
import dev.parley.turn.allocation.ClientLink;
import dev.parley.turn.allocation.ClientTransport;
import dev.parley.turn.allocation.FiveTuple;
import dev.parley.turn.proto.ChannelDataFraming;
import dev.parley.turn.proto.DataIndicationFraming;
import dev.parley.turn.proto.StunFrames;
import dev.parley.turn.server.RelayPath;
import dev.parley.turn.server.TurnHandler;
import dev.parley.turn.server.TurnMetrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP listener on {@code --turn-port}: STUN requests go to the handler, ChannelData and Send
 * indications of known clients straight to the relay path. Reads at most {@link #BATCH} datagrams per
 * wake-up so relay sockets and other listeners get their turn during a flood.
 *
 * <p>When a client with an allocation first relays data (ChannelData or a Send indication), it gets a
 * socket of its own (see {@link ConnectedUdp}): bound to this listener's address, connected to the
 * client, read one datagram per wake-up like a relay socket and written without a destination address.
 * Idle allocations never get one, so holding many allocations costs no extra descriptors. If the socket
 * cannot be opened (descriptor limit, any I/O error) or the limit of such sockets (1,024) is reached, the client
 * stays on the listener, counted in {@code parley.turn.udp.connected.promotions}. Datagrams that were
 * already queued on the listener are still served through the address map; the five-tuple, and so the
 * allocation, is the same on both paths. The socket is closed when the allocation ends.
 */
final class UdpListener implements IoHandler {
    private static final Logger LOG = LoggerFactory.getLogger(UdpListener.class);
    private static final int BATCH = 64;

    private final DatagramChannel channel;
    private final InetSocketAddress local;
    private final TurnHandler handler;
    private final RelayPath relay;
    private final TurnMetrics metrics;
    private final NioLoop loop;
    private final ConnectedUdp connectedUdp;
    private final ByteBuffer in = ByteBuffer.allocateDirect(65536);
    private final Map<InetSocketAddress, Link> links = new HashMap<>();
    private int connectedCount;

    UdpListener(DatagramChannel channel, TurnHandler handler, RelayPath relay, TurnMetrics metrics, NioLoop loop,
                ConnectedUdp connectedUdp) throws IOException {
        this.channel = channel;
        this.local = (InetSocketAddress) channel.getLocalAddress();
        this.handler = handler;
        this.relay = relay;
        this.metrics = metrics;
        this.loop = loop;
        this.connectedUdp = connectedUdp;
    }

    InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public void onReady(SelectionKey key, long now) throws IOException {
        for (int i = 0; i < BATCH; i++) {
            in.clear();
            SocketAddress src = channel.receive(in);
            if (src == null) {
                return;
            }
            in.flip();
            metrics.udpDatagram(false);
            InetSocketAddress client = (InetSocketAddress) src;
            dispatch(client, links.get(client), in.remaining(), now, true);
        }
    }

    /** The datagram in {@code in} at {@code [0, len)} from {@code src}; {@code link} is its client or null. */
    private void dispatch(InetSocketAddress src, Link link, int len, long now, boolean viaListener) {
        if (len < 4) {
            handler.onJunk(src, now);
            return;
        }
        byte first = in.get(0);
        if (ChannelDataFraming.looksLikeChannelData(first)) {
            relay.fromClientChannelData(link == null ? null : link.allocation, in, 0, len, now);
            if (viaListener && link != null) {
                promote(link, now);
            }
        } else if (StunFrames.looksLikeStun(first)) {
            if (link != null && link.allocation != null
                    && (in.getShort(0) & 0x3FFF) == DataIndicationFraming.SEND_INDICATION) {
                relay.fromClientSend(link.allocation, in, 0, len, now);
                if (viaListener) {
                    promote(link, now);
                }
                return;
            }
            byte[] raw = new byte[len];
            in.get(0, raw);
            handler.onStun(raw, link != null ? link : new Link(src), now);
        } else {
            handler.onJunk(src, now);
        }
    }

    /** Gives a relaying client its own connected socket, once; on any failure it stays on the listener. */
    private void promote(Link link, long now) {
        if (link.promotionTried || link.allocation == null || !connectedUdp.enabled()) {
            return;
        }
        link.promotionTried = true;
        if (connectedCount >= connectedUdp.limit()) {
            metrics.connectedOverLimit();
            return;
        }
        DatagramChannel ch = null;
        try {
            // a datagram the new socket got before it was connected is served here as if the listener
            // had read it (never promoting from inside a promotion)
            ch = connectedUdp.opener().open(local, link.client, in, (from, len) -> {
                metrics.udpDatagram(false);
                dispatch(from, links.get(from), len, now, false);
            });
            link.key = loop.register(ch, SelectionKey.OP_READ, link);
            link.socket = ch;
            connectedCount++;
            metrics.connectedOpened();
        } catch (IOException | RuntimeException e) {
            LOG.debug("no connected socket for {}, staying on the listener", link.client, e);
            metrics.connectedFailed();
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
            }
        }
    }

    @Override
    public void onFailure(Exception e) {
        // a failed receive/send on a datagram socket is transient; the listener stays
    }

    /**
     * One UDP client's five-tuple; registered while it has an allocation. Also the handler of the
     * client's connected socket, if it has one.
     */
    private final class Link implements ClientLink, IoHandler {
        private final InetSocketAddress client;
        private final FiveTuple tuple;
        private Allocation allocation;
        private DatagramChannel socket;
        private SelectionKey key;
        private boolean promotionTried;

        Link(InetSocketAddress client) {
            this.client = client;
            this.tuple = new FiveTuple(client, local, ClientTransport.UDP);
        }

        @Override
        public FiveTuple fiveTuple() {
            return tuple;
        }

        @Override
        public boolean send(ByteBuffer frame) {
            try {
                DatagramChannel s = socket;
                return s != null ? s.write(frame) > 0 : channel.send(frame, client) > 0;
            } catch (IOException e) {
                // includes PortUnreachableException: an ICMP error from an earlier send, now consumed
                return false;
            }
        }

        @Override
        public Allocation allocation() {
            return allocation;
        }

        @Override
        public void attach(Allocation a) {
            allocation = a;
            if (a != null) {
                links.put(client, this);
            } else {
                links.remove(client, this);
                closeSocket();
            }
        }

        /** One datagram per wake-up: the selector is level-triggered, so more queued means another wake-up. */
        @Override
        public void onReady(SelectionKey k, long now) throws IOException {
            in.clear();
            int n;
            try {
                n = socket.read(in);
            } catch (PortUnreachableException e) {
                return; // ICMP error from an earlier send, now consumed; the socket stays
            }
            if (n < 0) {
                return;
            }
            in.flip();
            metrics.udpDatagram(true);
            dispatch(client, this, n, now, false);
        }

        /** The connected socket failed unexpectedly: back to the listener. */
        @Override
        public void onFailure(Exception e) {
            closeSocket();
        }

        private void closeSocket() {
            if (socket == null) {
                return;
            }
            key.cancel();
            try {
                socket.close();
            } catch (IOException e) {
                // nothing to do
            }
            socket = null;
            key = null;
            connectedCount--;
            metrics.connectedClosed();
        }
    }
}
