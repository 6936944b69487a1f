package dev.parley.signaling.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class WriteCoalescerTest {

    @Test
    void writerFlushesRequestsInOrder() throws Exception {
        LinkedBlockingQueue<String> flushed = new LinkedBlockingQueue<>();
        try (WriteCoalescer writers = new WriteCoalescer(1)) {
            writers.start();
            int w = writers.assign();
            writers.request(w, () -> flushed.add("a"));
            writers.request(w, () -> flushed.add("b"));
            assertEquals("a", flushed.poll(5, TimeUnit.SECONDS));
            assertEquals("b", flushed.poll(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aFailingFlushDoesNotStopTheWriter() throws Exception {
        CountDownLatch after = new CountDownLatch(1);
        try (WriteCoalescer writers = new WriteCoalescer(1)) {
            writers.start();
            writers.request(0, () -> {
                throw new IllegalStateException("boom");
            });
            writers.request(0, after::countDown);
            assertTrue(after.await(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void afterCloseAFlushRunsOnTheCallersThread() {
        WriteCoalescer writers = new WriteCoalescer(2);
        writers.start();
        writers.close();
        String[] ranOn = new String[1];
        writers.request(1, () -> ranOn[0] = Thread.currentThread().getName());
        assertEquals(Thread.currentThread().getName(), ranOn[0]);
    }

    @Test
    void closeFlushesWhatWasRequestedBeforeTheWritersStarted() {
        WriteCoalescer writers = new WriteCoalescer(1);
        int[] flushed = new int[1];
        writers.request(0, () -> flushed[0]++);
        writers.close();
        assertEquals(1, flushed[0]);
    }

    @Test
    void connectionsAreSpreadOverTheWriters() {
        try (WriteCoalescer writers = new WriteCoalescer(3)) {
            assertEquals(0, writers.assign());
            assertEquals(1, writers.assign());
            assertEquals(2, writers.assign());
            assertEquals(0, writers.assign());
        }
    }
}
