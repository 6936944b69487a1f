package dev.parley.turn.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.turn.it.TrustAll;
import dev.parley.turn.TurnConfig;
import dev.parley.turn.auth.StaticUsers;
import dev.parley.turn.server.TurnMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TLS handshakes never stall the I/O loop: while one client's handshake is stuck in its CPU-heavy step
 * (here: a key manager that waits for the test), UDP clients still get answers, and the handshake
 * completes once released. A client sending garbage on the TLS port is dropped without harm.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsHandshakeOffLoopIT {

    @Test
    void aStuckHandshakeDoesNotDelayUdp() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        String[] handshakeThread = new String[1];
        SSLContext server = blockingContext(entered, release, handshakeThread);
        try (TurnRuntime rt = TurnRuntime.start(TurnConfig.loopback().build(), new TurnMetrics(new SimpleMeterRegistry()),
                new StaticUsers(Map.of("user", "pass")), server, Clock.systemUTC());
             SSLSocket tls = (SSLSocket) TrustAll.context().getSocketFactory().createSocket("127.0.0.1",
                     rt.tlsAddress().getPort())) {
            tls.setSoTimeout(30_000);
            CompletableFuture<Void> handshake = CompletableFuture.runAsync(() -> {
                try {
                    tls.startHandshake();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(entered.await(20, TimeUnit.SECONDS), "handshake never reached the key manager");
            assertNotEquals("parley-turn-io", handshakeThread[0]);
            assertEquals(0x0101, udpBinding(rt.udpAddress()), "UDP answered while a TLS handshake is stuck");
            release.countDown();
            handshake.get(20, TimeUnit.SECONDS);
            // the resumed connection works: a Binding over TLS
            OutputStream out = tls.getOutputStream();
            out.write(binding());
            out.flush();
            byte[] header = new byte[20];
            new DataInputStream(tls.getInputStream()).readFully(header);
            assertEquals(0x0101, ((header[0] & 0xFF) << 8) | (header[1] & 0xFF));
        } finally {
            release.countDown();
        }
    }

    /**
     * The JDK's delegated task holds the engine's lock while it runs, so the loop must not call the
     * engine at all once it has handed a task to the worker. Here the worker is made to be inside the
     * (blocked) task before {@code execute} returns, the order that made the test above flaky: the
     * read on the loop must still return at once instead of waiting for the handshake.
     */
    @Test
    void aReadThatHandsATaskToTheWorkerNeverWaitsForIt() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SSLContext server = blockingContext(entered, release, new String[1]);
        java.util.concurrent.Executor workerAlreadyInside = task -> {
            Thread t = new Thread(task, "tls-worker");
            t.setDaemon(true);
            t.start();
            try {
                entered.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try (java.nio.channels.ServerSocketChannel acceptor = java.nio.channels.ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             SSLSocket client = (SSLSocket) TrustAll.context().getSocketFactory().createSocket("127.0.0.1",
                     acceptor.socket().getLocalPort());
             java.nio.channels.SocketChannel ch = acceptor.accept()) {
            client.setSoTimeout(30_000);
            CompletableFuture.runAsync(() -> {
                try {
                    client.startHandshake();
                } catch (Exception e) {
                    // closed at the end of the test
                }
            });
            SSLEngine engine = server.createSSLEngine();
            TlsSession tls = new TlsSession(engine, workerAlreadyInside, () -> { });
            ByteBuffer[] app = {ByteBuffer.allocate(tls.applicationBufferSize())};
            CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                try {
                    int total = 0;
                    while (!tls.paused()) {   // blocking channel: reads the ClientHello
                        int n = tls.read(ch, app, (bytes, force) -> true);
                        if (n < 0) {
                            return n;
                        }
                        total += n;
                    }
                    return total;
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            int n = read.get(10, TimeUnit.SECONDS);   // before the fix: stuck until release
            assertTrue(n > 0 && tls.paused(), "the ClientHello was read and its task handed over");
            assertEquals(1, release.getCount(), "the handshake task is still blocked");
        } finally {
            release.countDown();
        }
    }

    @Test
    void garbageOnTheTlsPortIsDroppedAndUdpCarriesOn() throws Exception {
        try (TurnRuntime rt = TurnRuntime.start(TurnConfig.loopback().build(), new TurnMetrics(new SimpleMeterRegistry()),
                new StaticUsers(Map.of("user", "pass")), TlsContexts.selfSigned("127.0.0.1"), Clock.systemUTC());
             Socket junk = new Socket(InetAddress.getLoopbackAddress(), rt.tlsAddress().getPort())) {
            junk.setSoTimeout(10_000);
            byte[] bytes = new byte[4096];
            new Random(7).nextBytes(bytes);
            bytes[0] = 0x16; // looks like a handshake record at first
            try {
                junk.getOutputStream().write(bytes);
                while (junk.getInputStream().read() >= 0) {
                    // the server may send an alert before closing
                }
            } catch (java.net.SocketException reset) {
                // closed by the server: fine
            }
            assertEquals(0x0101, udpBinding(rt.udpAddress()));
        }
    }

    private static byte[] binding() {
        ByteBuffer b = ByteBuffer.allocate(20);
        b.putShort((short) 0x0001).putShort((short) 0).putInt(0x2112A442);
        byte[] tid = new byte[12];
        new SecureRandom().nextBytes(tid);
        b.put(tid);
        return b.array();
    }

    /** Sends a Binding request over UDP; returns the response's message type (waits at most 3 s). */
    private static int udpBinding(InetSocketAddress server) throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(3_000);
            byte[] req = binding();
            s.send(new DatagramPacket(req, req.length, server));
            DatagramPacket p = new DatagramPacket(new byte[1500], 1500);
            try {
                s.receive(p);
            } catch (SocketTimeoutException e) {
                return -1;
            }
            return ((p.getData()[0] & 0xFF) << 8) | (p.getData()[1] & 0xFF);
        }
    }

    static SSLContext blockingContext(CountDownLatch entered, CountDownLatch release, String[] thread)
            throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(256);
        KeyPair kp = gen.generateKeyPair();
        X500Name name = new X500Name("CN=127.0.0.1");
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE, Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(1))), name, kp.getPublic());
        X509Certificate cert = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("turn", kp.getPrivate(), "x".toCharArray(), new Certificate[] {cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "x".toCharArray());
        X509ExtendedKeyManager real = (X509ExtendedKeyManager) kmf.getKeyManagers()[0];
        X509ExtendedKeyManager slow = new X509ExtendedKeyManager() {
            @Override
            public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
                thread[0] = Thread.currentThread().getName();
                entered.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return real.chooseEngineServerAlias(keyType, issuers, engine);
            }

            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return real.getClientAliases(keyType, issuers);
            }

            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                return real.chooseClientAlias(keyType, issuers, socket);
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return real.getServerAliases(keyType, issuers);
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return real.chooseServerAlias(keyType, issuers, socket);
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return real.getCertificateChain(alias);
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return real.getPrivateKey(alias);
            }
        };
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(new javax.net.ssl.KeyManager[] {slow}, null, new SecureRandom());
        return ctx;
    }
}
