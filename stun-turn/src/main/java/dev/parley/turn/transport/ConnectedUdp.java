package dev.parley.turn.transport;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether and how the UDP listener gives a relaying client a socket of its own: a datagram socket bound
 * to the listener's address with {@code SO_REUSEPORT} and connected to the client. The kernel then
 * delivers that client's datagrams to it, found by its full four-tuple, and it is read and written
 * without a sender address per datagram and without a route lookup per send.
 *
 * <p>Only on Linux 6.13 and later, which keep connected UDP sockets in a four-tuple hash: from 5.4 to 6.12
 * the kernel finds a connected member of a reuseport group by scoring every socket bound to that address
 * and port, once per datagram, so each connected socket would add to the cost of every datagram the port
 * receives; before 5.4 it spread a group's traffic by hash without regard to connections, so a client's
 * datagrams could land on another client's socket, where {@code read} cannot tell the sender. There, and
 * off Linux, this is {@link #OFF}.
 *
 * <p>Even with the hash, connected sockets make the listener itself dearer: a datagram for the listener
 * (a new client's request, a client not moved, junk) is still matched by scoring every socket on the
 * address and port. Measured on 6.18: 4.2 µs per send and receive with none, 4.6 with 100, 10.7 with
 * 1,000, 46.5 with 5,000 (about 8.5 ns per connected socket); a connected client's own datagrams cost the
 * same with 100 or 5,000. Hence the default limit of {@value #DEFAULT_LIMIT}.
 *
 * @param opener opens one connected socket, or null when off
 * @param limit  connected sockets at most; beyond, clients stay on the listener (by default
 *               {@value #DEFAULT_LIMIT}, or a quarter of the process's descriptor limit if that is lower,
 *               so relay sockets keep most descriptors)
 */
record ConnectedUdp(Opener opener, int limit) {

    /**
     * Opens a socket on {@code local} (the listener's address) connected to {@code client}; datagrams it
     * received before it was connected go to {@code strays}, read into {@code buffer}.
     */
    @FunctionalInterface
    interface Opener {
        DatagramChannel open(InetSocketAddress local, InetSocketAddress client, ByteBuffer buffer, Strays strays)
                throws IOException;
    }

    /** Takes a datagram (in the buffer, position 0 to its limit) that reached a socket before it was connected. */
    @FunctionalInterface
    interface Strays {
        void received(InetSocketAddress from, int length);
    }

    /** How many early datagrams are handed over at most (a new socket holds a few, if any). */
    static final int MAX_STRAYS = 256;

    static final ConnectedUdp OFF = new ConnectedUdp(null, 0);

    /** Keeps the listener's per-datagram lookup within about 9 µs of its cost without connected sockets. */
    static final int DEFAULT_LIMIT = 1024;

    private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)");

    ConnectedUdp {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0");
        }
    }

    boolean enabled() {
        return opener != null && limit > 0;
    }

    /** On for Linux 6.13 and later, up to {@link #DEFAULT_LIMIT} sockets; {@link #OFF} elsewhere. */
    static ConnectedUdp forThisHost() {
        if (!kernelSupports(System.getProperty("os.name", ""), System.getProperty("os.version", ""))) {
            return OFF;
        }
        return new ConnectedUdp(ConnectedUdp::reusePort, (int) Math.min(DEFAULT_LIMIT, maxFileDescriptors() / 4));
    }

    /**
     * Linux 5.4 made a reuseport group's connected sockets receive only their four-tuple's datagrams
     * (commit acdcecc61285, by scoring every member); 6.13 added the four-tuple hash for connected UDP
     * sockets that makes finding one cost the same however many there are.
     */
    static boolean kernelSupports(String osName, String osVersion) {
        if (!osName.startsWith("Linux")) {
            return false;
        }
        Matcher m = VERSION.matcher(osVersion);
        if (!m.find()) {
            return false;
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        return major > 6 || (major == 6 && minor >= 13);
    }

    private static long maxFileDescriptors() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return Math.max(0, unix.getMaxFileDescriptorCount());
        }
        return 4096;
    }

    /**
     * The real opener. Between bind and connect the socket is an unconnected member of the listener's
     * reuseport group, and the kernel may give it datagrams of other clients (or of this one) meant for
     * the listener; the JDK's {@code connect} discards whatever the socket holds. So they are read first
     * and handed to {@code strays} (the listener serves them as its own), and only then is the socket
     * connected: what still arrives in the one system call between the last read and the connect is lost,
     * as on the wire (STUN retransmits; media tolerates it).
     */
    static DatagramChannel reusePort(InetSocketAddress local, InetSocketAddress client, ByteBuffer buffer,
                                     Strays strays) throws IOException {
        return connectAfterStrays(bindReusePort(local), client, buffer, strays);
    }

    /** A non-blocking datagram socket on {@code local} in its reuseport group, not yet connected. */
    static DatagramChannel bindReusePort(InetSocketAddress local) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            ch.bind(local);
            ch.configureBlocking(false);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Hands what {@code ch} received so far to {@code strays}, then connects it to {@code client}. */
    static DatagramChannel connectAfterStrays(DatagramChannel ch, InetSocketAddress client, ByteBuffer buffer,
                                              Strays strays) throws IOException {
        try {
            for (int i = 0; i < MAX_STRAYS; i++) {
                buffer.clear();
                InetSocketAddress from = (InetSocketAddress) ch.receive(buffer);
                if (from == null) {
                    break;
                }
                buffer.flip();
                strays.received(from, buffer.remaining());
            }
            ch.connect(client);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }
}
