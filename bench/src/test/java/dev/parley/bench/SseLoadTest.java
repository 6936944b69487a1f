package dev.parley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The load client's byte scanner: snapshots, deliveries, and a sequence number cut between two reads. */
class SseLoadTest {

    @Test
    void countsSnapshotsAndDeliveriesAcrossSplitReads() throws Exception {
        try (SseLoad load = new SseLoad(20, 100)) {
            load.recordLatencyFrom(0);
            for (int i = 0; i < 20; i++) {
                load.markSent(i);
            }
            SseLoad.Conn c = new SseLoad.Conn();
            String frames = "1a\r\nretry: 2000\n\nevent: snapshot\ndata: {}\n\n"
                    + "id: e:1\nevent: join\ndata: {\"room\":\"r\",\"user\":\"b3\",\"meta\":{}}\n\n"
                    + "id: e:2\nevent: join\ndata: {\"room\":\"r\",\"user\":\"b12";
            assertTrue(load.scan(c, frames, System.nanoTime()));
            assertEquals(1, load.delivered());
            assertTrue(load.scan(c, c.tail + "\",\"meta\":{}}\n\n", System.nanoTime()));
            assertEquals(2, load.delivered());
            assertEquals(2, load.latencies().length);
        }
    }
}
