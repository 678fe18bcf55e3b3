package kg;

import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * Test-only launcher: an embedded Neo4j Community DBMS with Bolt on 127.0.0.1:PORT.
 *
 * <p>Usage: {@code java -cp target/classes:target/lib/* kg.RunServer PORT DATA_DIR}
 * (normally via the run-server script, which adds JVM flags).
 *
 * <p>Environment:
 * <ul>
 *   <li>{@code KG_NEO4J_PASSWORD} — password of user {@code neo4j} (default {@code testpassword},
 *       at least 8 characters). Set {@code KG_NEO4J_AUTH=disabled} to turn auth off instead.</li>
 *   <li>{@code KG_NEO4J_PAGECACHE} — page cache size (default {@code 128m}).</li>
 *   <li>{@code KG_NEO4J_IGNORE_STDIN=1} — do not stop when stdin reaches EOF.</li>
 *   <li>{@code KG_NEO4J_TX_MAX} — memory one transaction may use (default {@code 0}: no limit).</li>
 * </ul>
 *
 * <p>Prints exactly {@code ready bolt://127.0.0.1:PORT} on stdout once the DBMS is up and Bolt
 * accepts connections; nothing else is written to stdout. Logs go to stderr and DATA_DIR/logs.
 * Stops (exit 0) on SIGTERM/SIGINT or when stdin is closed (unless stdin is /dev/null).
 * Exits 1 if start-up fails (e.g. port in use), without printing the ready line.
 *
 * <p>{@code RunServer --train DATA_DIR} starts on a free port, runs two queries and stops; the
 * run-server script uses it to record a class-data-sharing archive at build time.
 */
public final class RunServer {
    private static final String USER = "neo4j";

    private RunServer() {}

    public static void main(String[] args) throws Exception {
        // Keep stdout clean: everything except the ready line goes to stderr.
        PrintStream out = System.out;
        System.setOut(System.err);

        if (args.length != 2) {
            System.err.println("usage: RunServer PORT DATA_DIR | RunServer --train DATA_DIR");
            System.exit(2);
        }
        // --train: start, run a few queries, stop. Used by run-server to record a CDS archive.
        boolean train = args[0].equals("--train");
        int port = train ? freePort() : Integer.parseInt(args[0]);
        Path home = Path.of(args[1]).toAbsolutePath();
        Files.createDirectories(home);

        boolean authEnabled = !"disabled".equalsIgnoreCase(env("KG_NEO4J_AUTH", "enabled"));
        String password = env("KG_NEO4J_PASSWORD", "testpassword");
        long pageCache = ByteUnit.parse(env("KG_NEO4J_PAGECACHE", "128m"));

        SocketAddress bolt = new SocketAddress("127.0.0.1", port);
        DatabaseManagementService dbms;
        try {
            dbms = build(home, bolt, authEnabled, pageCache);
        } catch (Throwable t) {
            System.err.println("RunServer: startup failed: " + t);
            t.printStackTrace();
            System.exit(1);
            return;
        }

        AtomicBoolean stopped = new AtomicBoolean();
        Runnable stop = () -> {
            if (stopped.compareAndSet(false, true)) {
                System.err.println("RunServer: shutting down");
                dbms.shutdown();
                System.err.println("RunServer: stopped");
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "neo4j-shutdown"));

        CountDownLatch quit = new CountDownLatch(1);
        installSignalHandler("TERM", quit);
        installSignalHandler("INT", quit);

        try {
            GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
            GraphDatabaseService neo4j = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            if (!system.isAvailable(TimeUnit.SECONDS.toMillis(120))
                    || !neo4j.isAvailable(TimeUnit.SECONDS.toMillis(120))) {
                throw new IllegalStateException("database did not become available");
            }
            if (authEnabled) {
                setPassword(system, password);
            }
            waitForPort(port, TimeUnit.SECONDS.toMillis(60));
        } catch (Throwable t) {
            System.err.println("RunServer: startup failed: " + t);
            t.printStackTrace();
            stop.run();
            System.exit(1);
        }

        if (train) {
            GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            db.executeTransactionally("CREATE (n:T {d: date('2021-10-01')}) RETURN n.d");
            db.executeTransactionally(
                    "UNWIND $rows AS r MERGE (n:M {id: r.id}) SET n.name = r.name RETURN count(n)",
                    Map.of("rows", java.util.List.of(Map.of("id", 1, "name", "x"))));
            stop.run();
            System.exit(0);
        }

        if (quit.getCount() == 0) { // signalled during start-up
            stop.run();
            System.exit(0);
        }
        out.println("ready bolt://127.0.0.1:" + port);
        out.flush();

        if (!"1".equals(System.getenv("KG_NEO4J_IGNORE_STDIN")) && !stdinIsDevNull()) {
            Thread watcher = new Thread(() -> {
                try {
                    InputStream in = System.in;
                    byte[] buf = new byte[256];
                    while (in.read(buf) >= 0) {
                        // discard input; wait for EOF
                    }
                } catch (Exception ignored) {
                    // treat a broken stdin like EOF
                }
                System.err.println("RunServer: stdin closed");
                quit.countDown();
            }, "stdin-watcher");
            watcher.setDaemon(true);
            watcher.start();
        }

        quit.await();
        stop.run();
        System.exit(0);
    }

    private static DatabaseManagementService build(
            Path home, SocketAddress bolt, boolean authEnabled, long pageCache) {
        return new DatabaseManagementServiceBuilder(home)
                .setUserLogProvider(new Log4jLogProvider(System.err, Level.INFO))
                .setConfig(Map.ofEntries(
                        Map.entry(BoltConnector.enabled, true),
                        Map.entry(BoltConnector.listen_address, bolt),
                        Map.entry(BoltConnector.advertised_address, bolt),
                        Map.entry(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED),
                        Map.entry(GraphDatabaseSettings.default_listen_address, new SocketAddress("127.0.0.1")),
                        Map.entry(GraphDatabaseSettings.default_advertised_address, new SocketAddress("127.0.0.1")),
                        // No server-side routing (and its extra connector, default port 7688): standalone only.
                        Map.entry(GraphDatabaseSettings.routing_enabled, false),
                        Map.entry(GraphDatabaseSettings.udc_enabled, false),
                        Map.entry(GraphDatabaseSettings.auth_enabled, authEnabled),
                        // Never lock the user after failed logins (tests try wrong passwords).
                        Map.entry(GraphDatabaseSettings.auth_max_failed_attempts, 0),
                        // Small footprint.
                        Map.entry(GraphDatabaseSettings.pagecache_memory, pageCache),
                        Map.entry(GraphDatabaseSettings.pagecache_warmup_enabled, false),
                        Map.entry(GraphDatabaseSettings.preallocate_logical_logs, false),
                        Map.entry(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(16)),
                        Map.entry(GraphDatabaseSettings.keep_logical_logs, "2 files"),
                        // Fast stop: Netty's default quiet period adds 5 s to every shutdown.
                        Map.entry(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)))
                // Tests of what a client does at the limit (kg push splits its batches) lower it.
                .setConfig(GraphDatabaseSettings.memory_transaction_max_size,
                        ByteUnit.parse(env("KG_NEO4J_TX_MAX", "0")))
                .build();
    }

    /** Gives user neo4j the wanted password (idempotent across restarts on the same DATA_DIR). */
    private static void setPassword(GraphDatabaseService system, String password) {
        try {
            system.executeTransactionally(
                    "ALTER USER " + USER + " SET PLAINTEXT PASSWORD $pw CHANGE NOT REQUIRED",
                    Map.of("pw", password));
        } catch (RuntimeException e) {
            // Already set to this password (restart on an existing DATA_DIR): still clear the flag.
            String msg = String.valueOf(e.getMessage());
            if (!msg.contains("Old password and new password cannot be the same")) {
                throw e;
            }
            system.executeTransactionally("ALTER USER " + USER + " SET PASSWORD CHANGE NOT REQUIRED");
        }
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void waitForPort(int port, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (Exception e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("Bolt port " + port + " not accepting connections", e);
                }
                Thread.sleep(100);
            }
        }
    }

    /** stdin redirected from /dev/null (e.g. CI, daemonised) must not stop the server at once. */
    private static boolean stdinIsDevNull() {
        try {
            return Path.of("/proc/self/fd/0").toRealPath().toString().equals("/dev/null");
        } catch (Exception e) {
            return false;
        }
    }

    @SuppressWarnings("restriction")
    private static void installSignalHandler(String name, CountDownLatch quit) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> quit.countDown());
        } catch (Throwable t) {
            // fall back to the shutdown hook (exit status 128+signal)
        }
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? dflt : v;
    }
}
