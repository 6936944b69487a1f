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
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.HashMap;
import java.util.Map;

/**
 * The UDP listener on {@code --turn-port}: STUN requests go to the handler, ChannelData and Send
 * indications of known clients straight to the relay path. Reads at most {@link #BATCH} datagrams per
 * wake-up so relay sockets and other listeners get their turn during a flood.
 */
final class UdpListener implements IoHandler {
    private static final int BATCH = 64;

    private final DatagramChannel channel;
    private final InetSocketAddress local;
    private final TurnHandler handler;
    private final RelayPath relay;
    private final ByteBuffer in = ByteBuffer.allocateDirect(65536);
    private final Map<InetSocketAddress, Link> links = new HashMap<>();

    UdpListener(DatagramChannel channel, TurnHandler handler, RelayPath relay) throws IOException {
        this.channel = channel;
        this.local = (InetSocketAddress) channel.getLocalAddress();
        this.handler = handler;
        this.relay = relay;
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
            dispatch((InetSocketAddress) src, in.remaining(), now);
        }
    }

    private void dispatch(InetSocketAddress src, int len, long now) {
        if (len < 4) {
            handler.onJunk(src, now);
            return;
        }
        byte first = in.get(0);
        if (ChannelDataFraming.looksLikeChannelData(first)) {
            Link link = links.get(src);
            relay.fromClientChannelData(link == null ? null : link.allocation, in, 0, len, now);
        } else if (StunFrames.looksLikeStun(first)) {
            Link link = links.get(src);
            if (link != null && link.allocation != null
                    && (in.getShort(0) & 0x3FFF) == DataIndicationFraming.SEND_INDICATION) {
                relay.fromClientSend(link.allocation, in, 0, len, now);
                return;
            }
            byte[] raw = new byte[len];
            in.get(0, raw);
            handler.onStun(raw, link != null ? link : new Link(src), now);
        } else {
            handler.onJunk(src, now);
        }
    }

    @Override
    public void onFailure(Exception e) {
        // a failed receive/send on a datagram socket is transient; the listener stays
    }

    /** One UDP client's five-tuple; registered while it has an allocation. */
    private final class Link implements ClientLink {
        private final InetSocketAddress client;
        private final FiveTuple tuple;
        private Allocation allocation;

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
                return channel.send(frame, client) > 0;
            } catch (IOException e) {
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
            }
        }
    }
}
