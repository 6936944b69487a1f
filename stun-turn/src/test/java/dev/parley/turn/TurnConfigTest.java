package dev.parley.turn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TurnConfigTest {
    @Test
    void externalIpDefaultsToRelayIp() {
        TurnConfig c = TurnConfig.loopback().build();
        assertEquals(c.relayIp(), c.externalIp());
        assertEquals(Duration.ofMinutes(10), c.defaultLifetime());
    }

    @Test
    void validatesInCompactConstructor() {
        assertThrows(IllegalArgumentException.class, () -> TurnConfig.loopback().relayPorts(60000, 50000).build());
        assertThrows(IllegalArgumentException.class, () -> TurnConfig.loopback().realm("").build());
        assertThrows(IllegalArgumentException.class,
                () -> TurnConfig.builder().relayIp(InetAddress.getLoopbackAddress()).restSecrets(List.of()).build());
        assertThrows(IllegalArgumentException.class,
                () -> TurnConfig.loopback().defaultLifetime(Duration.ofHours(2)).build());
        assertThrows(IllegalArgumentException.class, () -> TurnConfig.loopback().maxAllocationsPerUser(0).build());
        assertThrows(IllegalArgumentException.class, () -> TurnConfig.loopback().turnPort(70000).build());
    }
}
