package dev.parley.turn.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which hosts get per-client connected UDP sockets: Linux 6.13 and later only (four-tuple hash). */
class ConnectedUdpTest {

    @Test
    void linuxFromSixPointThirteen() {
        assertTrue(ConnectedUdp.kernelSupports("Linux", "6.18.44-fc-v669"));
        assertTrue(ConnectedUdp.kernelSupports("Linux", "6.13.0"));
        assertTrue(ConnectedUdp.kernelSupports("Linux", "7.0.1"));
        assertTrue(ConnectedUdp.kernelSupports("Linux", "10.1"));
    }

    @Test
    void notOnOlderKernelsNorElsewhere() {
        assertFalse(ConnectedUdp.kernelSupports("Linux", "6.12.48"), "6.12 scores every socket on the port per datagram");
        assertFalse(ConnectedUdp.kernelSupports("Linux", "6.8.0-45-generic"));
        assertFalse(ConnectedUdp.kernelSupports("Linux", "5.15.0-122-generic"));
        assertFalse(ConnectedUdp.kernelSupports("Linux", "5.3.18"), "5.3 spreads a reuseport group by hash only");
        assertFalse(ConnectedUdp.kernelSupports("Linux", "4.19.0-26-amd64"));
        assertFalse(ConnectedUdp.kernelSupports("Linux", "3.10.0-1160.el7.x86_64"));
        assertFalse(ConnectedUdp.kernelSupports("Linux", "garbage"));
        assertFalse(ConnectedUdp.kernelSupports("Mac OS X", "14.5"));
        assertFalse(ConnectedUdp.kernelSupports("Windows 11", "10.0"));
    }

    @Test
    void offMeansOff() {
        assertFalse(ConnectedUdp.OFF.enabled());
        assertFalse(new ConnectedUdp(ConnectedUdp::reusePort, 0).enabled());
        assertThrows(IllegalArgumentException.class, () -> new ConnectedUdp(ConnectedUdp::reusePort, -1));
    }
}
