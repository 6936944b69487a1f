package dev.parley.signaling.compat.ywebrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.auth.Principal;
import dev.parley.presence.cluster.ClusterBus;
import dev.parley.signaling.metrics.SignalingMetrics;
import dev.parley.signaling.room.Frame;
import dev.parley.signaling.room.Outlet;
import dev.parley.signaling.room.TokenBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How a node learns the other nodes' subscriber counts for a topic it starts: it asks them on the
 * topic's bus channel, and only once its own subscription to that channel is confirmed — asked any
 * earlier, the answers could cross the SUBSCRIBE and be lost until the next periodic announcement
 * (a ping interval later), leaving {@code clients} short meanwhile.
 */
class YWebrtcHubBusTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void aNewTopicAsksForTheOtherNodesCountsOnlyOnceItsSubscriptionIsConfirmed() {
        ManualBus bus = new ManualBus();
        YWebrtcHub hub = new YWebrtcHub(new ObjectMapper(), new SignalingMetrics(new SimpleMeterRegistry()), scheduler,
                Duration.ofSeconds(30), 16, System::nanoTime, bus, 64 * 1024);
        YConnection a = connection();
        YConnection b = connection();
        hub.opened(a);
        hub.opened(b);

        hub.onMessage(a, "{\"type\":\"subscribe\",\"topics\":[\"room\"]}");
        assertEquals(List.of(), bus.counts(), "nothing announced before the subscription is confirmed");
        hub.onMessage(b, "{\"type\":\"subscribe\",\"topics\":[\"room\"]}");
        assertEquals(List.of(new TopicBusMessage.Count("n1", 2, false)), bus.counts(),
                "a later local subscriber announces the new count, without asking");

        bus.ready.complete(null);
        assertEquals(List.of(new TopicBusMessage.Count("n1", 2, false), new TopicBusMessage.Count("n1", 2, true)),
                bus.counts(), "confirmed: the current count, asking the others for theirs");
    }

    private YConnection connection() {
        return new YConnection(new Outlet() {
            @Override
            public boolean send(Frame frame) {
                return true;
            }

            @Override
            public void close(int code, String reason) {
            }

            @Override
            public void ping() {
            }

            @Override
            public void abort() {
            }
        }, Principal.anonymous("u"), new TokenBucket(1000, 1000, System.nanoTime()));
    }

    /** A distributed bus that records what is published and confirms subscriptions when the test says. */
    private static final class ManualBus implements ClusterBus {
        final CompletableFuture<Void> ready = new CompletableFuture<>();
        final List<TopicBusMessage> published = new CopyOnWriteArrayList<>();

        List<TopicBusMessage> counts() {
            return published.stream().filter(m -> m instanceof TopicBusMessage.Count).toList();
        }

        @Override
        public String nodeId() {
            return "n1";
        }

        @Override
        public boolean isDistributed() {
            return true;
        }

        @Override
        public void publish(String topic, byte[] payload) {
            published.add(TopicBusMessage.decode(payload, 1 << 20));
        }

        @Override
        public Subscription subscribe(String topic, Consumer<byte[]> handler) {
            return new Subscription() {
                @Override
                public void close() {
                }

                @Override
                public CompletionStage<Void> ready() {
                    return ready;
                }
            };
        }

        @Override
        public void close() {
        }
    }
}
