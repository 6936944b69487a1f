package dev.parley.turn.transport;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether and how the UDP listener gives a relaying client a socket of its own: a datagram socket bound
 * to the listener's address with {@code SO_REUSEPORT} and connected to the client. The kernel then
 * delivers that client's datagrams to it (Linux 5.4 and later pick the connected socket of a reuseport
 * group by its full four-tuple; 6.13 and later find it in a four-tuple hash), and it is read and written
 * without a sender address per datagram and without a route lookup per send.
 *
 * <p>Older Linux kernels spread a reuseport group's traffic by hash without regard to connections, so a
 * client's datagrams could land on another client's socket, where {@code read} cannot tell the sender:
 * there, and off Linux, this is {@link #OFF}.
 *
 * @param opener opens one connected socket, or null when off
 * @param limit  connected sockets at most; beyond, clients stay on the listener (file descriptors are
 *               kept for relay sockets: by default a quarter of the process's descriptor limit)
 */
record ConnectedUdp(Opener opener, int limit) {

    /** Opens a socket on {@code local} (the listener's address) connected to {@code client}. */
    @FunctionalInterface
    interface Opener {
        DatagramChannel open(InetSocketAddress local, InetSocketAddress client) throws IOException;
    }

    static final ConnectedUdp OFF = new ConnectedUdp(null, 0);

    private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)");

    ConnectedUdp {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0");
        }
    }

    boolean enabled() {
        return opener != null && limit > 0;
    }

    /** On for Linux 5.4 and later, with a quarter of the descriptor limit; {@link #OFF} elsewhere. */
    static ConnectedUdp forThisHost() {
        if (!kernelSupports(System.getProperty("os.name", ""), System.getProperty("os.version", ""))) {
            return OFF;
        }
        return new ConnectedUdp(ConnectedUdp::reusePort, (int) Math.min(Integer.MAX_VALUE, maxFileDescriptors() / 4));
    }

    /** Linux 5.4 added scoring of connected sockets in a reuseport group (commit acdcecc61285). */
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
        return major > 5 || (major == 5 && minor >= 4);
    }

    private static long maxFileDescriptors() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return Math.max(0, unix.getMaxFileDescriptorCount());
        }
        return 4096;
    }

    /**
     * The real opener. The JDK's {@code connect} discards whatever the socket received before it was
     * connected: datagrams of other clients the kernel hashed to it in the microseconds between bind and
     * connect (the same as a loss on the wire).
     */
    static DatagramChannel reusePort(InetSocketAddress local, InetSocketAddress client) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            ch.bind(local);
            ch.connect(client);
            ch.configureBlocking(false);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }
}
