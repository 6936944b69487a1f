package dev.parley.signaling.it;

import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * For ITs that start one {@link TestServer} per test: a Jetty WebSocket client (1 MiB text messages)
 * started before each test, and the client and the test's server stopped after it.
 */
abstract class ServerFixture {

    protected TestServer server;
    protected WebSocketClient client;

    @BeforeEach
    void startClient() throws Exception {
        client = new WebSocketClient();
        client.setMaxTextMessageSize(1 << 20);
        client.start();
    }

    @AfterEach
    void stopClientAndServer() throws Exception {
        client.stop();
        if (server != null) {
            server.close();
        }
    }

    /** A recording client on the server's {@code /v1/signal}. */
    protected RecordingClient connect() throws Exception {
        return RecordingClient.connect(client, server.ws("/v1/signal"));
    }
}
