package dev.parley.signaling.it;

import dev.parley.auth.OriginPolicy;
import dev.parley.auth.TokenVerifier;
import dev.parley.signaling.SignalingConfig;
import dev.parley.signaling.ice.TurnRestIceServers;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Test-only: a signaling server (with the web-demo pages) as its own process, so a test can run it
 * inside a network namespace. Args: bind-ip, TURN secret, TURN URLs (comma separated, may be
 * empty). Prints {@code PORT <n>} when ready; exits when stdin closes.
 */
public final class NetnsServerMain {

    private NetnsServerMain() {
    }

    public static void main(String[] args) throws Exception {
        List<String> turn = args.length > 2 && !args[2].isEmpty() ? Arrays.asList(args[2].split(",")) : List.of();
        var ice = new TurnRestIceServers(List.of(), turn, args[1], Duration.ofMinutes(10), Clock.systemUTC());
        try (TestServer server = new TestServer(SignalingConfig.defaults(), TokenVerifier.devMode(),
                OriginPolicy.of(List.of()), ice, new dev.parley.presence.cluster.LocalClusterBus("netns"), args[0])) {
            System.out.println("PORT " + server.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to close stdin
            }
        }
        System.exit(0);
    }
}
