package dev.parley.signaling.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.signaling.metrics.SignalingMetrics;
import dev.parley.signaling.room.Frame;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.OutgoingEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link WsOutlet} over a recording session: order, batching into one write, bounds, close order. */
@Timeout(10)
class WsOutletTest {

    /** What the outlet asked of the session, in order: "text:<payload>:batch|flush", "close:<code>", "abort". */
    private final LinkedBlockingQueue<String> calls = new LinkedBlockingQueue<>();
    /** Callbacks of frames handed to the session, completed by the test (the "network"). */
    private final List<Callback> unwritten = new ArrayList<>();
    private final WriteCoalescer writers = new WriteCoalescer(1);
    private final SignalingMetrics metrics = new SignalingMetrics(new SimpleMeterRegistry());

    private final CoreSession session = new CoreSession.Empty() {
        @Override
        public void sendFrame(OutgoingEntry entry) {
            String payload = StandardCharsets.UTF_8.decode(entry.getFrame().getPayload()).toString();
            synchronized (unwritten) {
                unwritten.add(entry.getCallback());
            }
            calls.add("text:" + payload + (entry.isBatch() ? ":batch" : ":flush"));
        }

        @Override
        public void close(int statusCode, String reason, Callback callback) {
            calls.add("close:" + statusCode);
        }

        @Override
        public void abort() {
            calls.add("abort");
        }
    };

    @AfterEach
    void stop() {
        writers.close();
    }

    @Test
    void aLoneFrameIsWrittenAtOnce() throws Exception {
        writers.start();
        WsOutlet out = outlet(10);
        assertTrue(out.send(Frame.text("a", "t")));
        assertEquals("text:a:flush", calls.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void framesQueuedWhileTheWriterIsBusyGoOutTogetherInOrder() throws Exception {
        CountDownLatch release = holdTheWriter();
        WsOutlet out = outlet(10);
        out.send(Frame.text("1", "t"));
        out.send(Frame.text("2", "t"));
        out.send(Frame.text("3", "t"));
        release.countDown();
        // all but the last batched: Jetty writes the three with the last one's single gathered write
        assertCalls("text:1:batch", "text:2:batch", "text:3:flush");
    }

    @Test
    void anErrorThenItsCloseLeaveInThatOrder() throws Exception {
        CountDownLatch release = holdTheWriter();
        WsOutlet out = outlet(10);
        out.send(Frame.text("{\"type\":\"error\"}", "error"));
        out.close(1008, "policy");
        assertFalse(out.send(Frame.text("late", "t")), "nothing is accepted after close");
        release.countDown();
        assertCalls("text:{\"type\":\"error\"}:batch", "close:1008");
    }

    @Test
    void aConsumerThatDoesNotReadIsDroppedAtTheBoundAndLosesItsQueue() throws Exception {
        writers.start();
        WsOutlet out = outlet(3);
        boolean[] lost = new boolean[1];
        out.onLost(() -> lost[0] = true);
        for (int i = 0; i < 3; i++) {
            assertTrue(out.send(Frame.text("m" + i, "t")));
            assertTrue(calls.poll(5, TimeUnit.SECONDS).startsWith("text:m" + i));
        }
        // none of the three was written (callbacks pending): the fourth is over the bound
        assertFalse(out.send(Frame.text("m3", "t")));
        assertEquals("abort", calls.poll(5, TimeUnit.SECONDS));
        assertTrue(lost[0]);
        assertFalse(out.send(Frame.text("m4", "t")));
    }

    @Test
    void writtenFramesGiveTheirPlaceBack() throws Exception {
        writers.start();
        WsOutlet out = outlet(2);
        for (int i = 0; i < 10; i++) {
            assertTrue(out.send(Frame.text("m" + i, "t")), "frame " + i);
            calls.poll(5, TimeUnit.SECONDS);
            synchronized (unwritten) {
                unwritten.forEach(Callback::succeeded);
                unwritten.clear();
            }
        }
    }

    private WsOutlet outlet(int maxMessages) {
        return new WsOutlet(session, metrics, writers, maxMessages, 10_000);
    }

    private void assertCalls(String... expected) throws InterruptedException {
        for (String e : expected) {
            assertEquals(e, calls.poll(5, TimeUnit.SECONDS));
        }
    }

    /** Starts the writer and keeps it busy until the returned latch is counted down. */
    private CountDownLatch holdTheWriter() throws InterruptedException {
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        writers.start();
        writers.request(0, () -> {
            busy.countDown();
            await(release);
        });
        assertTrue(busy.await(5, TimeUnit.SECONDS));
        return release;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
