package io.beamline.ipc.router;

import ch.qos.logback.classic.LoggerContext;
import io.beamline.ipc.process.ShutdownSignals;
import io.beamline.ipc.process.logging.JsonLineEncoder;
import io.beamline.ipc.process.logging.LogFormat;
import io.beamline.ipc.process.logging.LogOutput;
import io.beamline.ipc.router.decide.DecisionEngine;
import io.beamline.ipc.router.policy.PolicyException;
import io.beamline.ipc.router.policy.PolicyStore;
import io.beamline.ipc.router.contract.DecideRequestParser;
import io.beamline.ipc.process.security.ConnectFailure;
import io.beamline.ipc.process.security.Redaction;
import io.beamline.ipc.process.security.SecretValue;
import io.beamline.ipc.router.service.NatsAccess;
import io.beamline.ipc.router.service.RouterConfig;
import io.beamline.ipc.router.service.RouterService;
import io.beamline.ipc.router.stream.StreamSettings;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ipc-router}: serves the decide contract on NATS until SIGTERM or SIGINT, then drains and exits 0. */
@Command(name = "ipc-router", mixinStandardHelpOptions = true, sortOptions = false,
        version = "ipc-router " + RouterService.VERSION,
        description = "Reference Beamline Router: serves " + RouterService.DECIDE_SUBJECT
                + " over NATS (a NATS service: $SRV.PING/INFO/STATS).",
        footer = {"", "Policies: <DIR>/<tenant_id>/<policy_id>.json; default_tenant/default ships built in.",
                "", "Exit codes: 0 stopped cleanly, 1 could not start, 2 usage or configuration error."})
public final class RouterMain implements Callable<Integer> {

    static final int EXIT_START_FAILED = 1;
    static final int EXIT_USAGE = 2;

    @Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--nats", paramLabel = "URL", description = "NATS server URL (default: ${DEFAULT-VALUE})",
            defaultValue = "nats://127.0.0.1:4222")
    private String nats;

    @Option(names = "--nats-user", paramLabel = "USER", description = "NATS user (with --nats-password)")
    private String natsUser;

    @Option(names = "--nats-password", paramLabel = "SECRET",
            description = "NATS password, or file:PATH to read it from a file (never printed)")
    private String natsPassword;

    @Option(names = "--nats-token", paramLabel = "SECRET",
            description = "NATS token, or file:PATH to read it from a file (never printed)")
    private String natsToken;

    @Option(names = "--nats-nkey-file", paramLabel = "FILE", description = "NKey user seed file (NKey authentication)")
    private Path natsNkeyFile;

    @Option(names = "--nats-creds-file", paramLabel = "FILE", description = "NATS credentials file (JWT + NKey seed)")
    private Path natsCredsFile;

    @Option(names = "--nats-tls-ca-file", paramLabel = "FILE",
            description = "PEM CA certificates the NATS server's certificate must be signed by")
    private Path natsTlsCaFile;

    @Option(names = "--nats-tls-cert-file", paramLabel = "FILE",
            description = "PEM client certificate for mutual TLS (with --nats-tls-key-file)")
    private Path natsTlsCertFile;

    @Option(names = "--nats-tls-key-file", paramLabel = "FILE",
            description = "PEM private key of the client certificate: PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted")
    private Path natsTlsKeyFile;

    @Option(names = "--policies", paramLabel = "DIR", description = "directory of policy files")
    private Path policies;

    @Option(names = "--name", paramLabel = "NAME", description = "NATS service name (default: ${DEFAULT-VALUE})",
            defaultValue = "beamline-router")
    private String name;

    @Option(names = "--queue-group", paramLabel = "GROUP",
            description = "queue group shared by Routers that split the load (default: ${DEFAULT-VALUE})",
            defaultValue = "beamline-router")
    private String queueGroup;

    @Option(names = "--drain-timeout-ms", paramLabel = "MS",
            description = "how long a stop may take to answer requests in flight (default: ${DEFAULT-VALUE})",
            defaultValue = "10000")
    private long drainTimeoutMs;

    @Option(names = "--reconnect-wait-ms", paramLabel = "MS",
            description = "wait between NATS reconnect attempts, plus up to a quarter of it as jitter "
                    + "(default: ${DEFAULT-VALUE}; a local NATS is back in moments, so retry soon)",
            defaultValue = "100")
    private long reconnectWaitMs;

    @Option(names = "--enable-faults",
            description = "honour fault injection (x-fault-* headers, policy \"faults\", slow start); tests only")
    private boolean enableFaults;

    @Option(names = "--fault-slow-start-ms", paramLabel = "MS",
            description = "with --enable-faults: wait this long after connecting before serving (default: 0)",
            defaultValue = "0")
    private long slowStartMs;

    @Option(names = "--max-delayed-replies", paramLabel = "N",
            description = "with --enable-faults: replies a delay fault may hold at once; beyond, the request is "
                    + "answered at once with internal (default: ${DEFAULT-VALUE})",
            defaultValue = "10000")
    private int maxDelayedReplies;

    @Option(names = "--stream-chunks", paramLabel = "N",
            description = "chunks of a task.stream output before its end message (default: ${DEFAULT-VALUE})",
            defaultValue = "5")
    private int streamChunks;

    @Option(names = "--stream-chunk-bytes", paramLabel = "BYTES",
            description = "size of each stream chunk (default: ${DEFAULT-VALUE})", defaultValue = "256")
    private int streamChunkBytes;

    @Option(names = "--stream-interval-ms", paramLabel = "MS",
            description = "pause before each stream chunk (default: ${DEFAULT-VALUE})", defaultValue = "10")
    private long streamIntervalMs;

    @Option(names = "--log-format", paramLabel = "FORMAT",
            description = "log lines as text or json, one object per line, the start line too (default: ${DEFAULT-VALUE})",
            defaultValue = "text")
    private String logFormat;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return new CommandLine(new RouterMain()).setExitCodeExceptionMapper(e -> EXIT_USAGE).execute(args);
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        RouterConfig config;
        PolicyStore store;
        DecideRequestParser jsonReader = new DecideRequestParser();
        NatsAccess access;
        LogFormat format;
        try {
            format = parseLogFormat(logFormat);
            access = new NatsAccess(natsUser, secret("--nats-password", natsPassword), secret("--nats-token", natsToken),
                    natsNkeyFile, natsCredsFile, natsTlsCaFile, natsTlsCertFile, natsTlsKeyFile);
            config = RouterConfig.defaults().withNatsUrl(nats).withPoliciesDir(policies).withServiceName(name)
                    .withQueueGroup(queueGroup).withDrainTimeout(Duration.ofMillis(drainTimeoutMs))
                    .withFaults(enableFaults, Duration.ofMillis(slowStartMs))
                    .withMaxDelayedReplies(maxDelayedReplies)
                    .withStream(new StreamSettings(streamChunks, streamChunkBytes, streamIntervalMs));
            store = PolicyStore.load(config.policiesDir(), jsonReader.mapper());
            if (reconnectWaitMs < 10 || reconnectWaitMs > 60_000) {
                throw new IllegalArgumentException("invalid --reconnect-wait-ms = " + reconnectWaitMs
                        + "; allowed: 10..60000");
            }
        } catch (IllegalArgumentException | PolicyException e) {
            err.println("ipc-router: " + e.getMessage());
            return EXIT_USAGE;
        }
        if (format == LogFormat.JSON) { // before the first line is logged
            LogOutput.install((LoggerContext) LoggerFactory.getILoggerFactory(), format);
        }
        Logger log = LoggerFactory.getLogger(RouterMain.class);
        if (config.faultsEnabled()) {
            log.warn("*** FAULT INJECTION ENABLED (--enable-faults): x-fault-* headers and policy \"faults\" "
                    + "make this Router delay, drop, corrupt or fail replies on purpose. Never use in production. ***");
        }
        Connection connection;
        NatsAccess.Failures failures = new NatsAccess.Failures();
        try {
            connection = Nats.connect(access.applyTo(new Options.Builder().server(config.natsUrl())
                    .connectionName(config.serviceName()).maxReconnects(-1)
                    .reconnectWait(Duration.ofMillis(reconnectWaitMs))
                    .reconnectJitter(Duration.ofMillis(reconnectWaitMs / 4)), failures).build());
        } catch (IOException e) {
            String cause = failures.named().orElseGet(() -> ConnectFailure.describe(e));
            log.error("cannot connect to {}: {}", Redaction.urls(config.natsUrl()), cause);
            err.println("ipc-router: cannot connect to " + Redaction.urls(config.natsUrl()) + ": " + cause);
            return EXIT_START_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_START_FAILED;
        }
        // ThreadLocalRandom: safe whichever thread the endpoint's dispatcher runs on.
        DecisionEngine engine = new DecisionEngine(store, ThreadLocalRandom.current(), System::currentTimeMillis,
                new DecisionEngine.Limits(config.stickyMaxEntries(), config.idempotencyMaxEntries(),
                        config.idempotencyTtl()));
        if (!config.faultSlowStart().isZero()) {
            log.warn("fault slow start: serving in {} ms", config.faultSlowStart().toMillis());
            out.println("ipc-router: fault slow start: serving in " + config.faultSlowStart().toMillis() + " ms");
            out.flush();
            try {
                Thread.sleep(config.faultSlowStart());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closeQuietly(connection);
                return EXIT_START_FAILED;
            }
        }
        RouterService service;
        try {
            service = RouterService.start(connection, config, engine);
        } catch (IllegalStateException e) {
            err.println("ipc-router: cannot start the NATS service: " + e.getMessage());
            closeQuietly(connection);
            return EXIT_START_FAILED;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        ShutdownSignals.onTerminate(() -> {
            try {
                service.close();
                connection.drain(config.drainTimeout()).get();
            } catch (TimeoutException | InterruptedException | java.util.concurrent.ExecutionException e) {
                log.warn("drain did not complete: {}", e.toString());
            } finally {
                stopped.countDown();
            }
        });
        String serving = "ipc-router " + RouterService.VERSION + " serving " + RouterService.DECIDE_SUBJECT + " on "
                + Redaction.urls(config.natsUrl()) + " (service " + config.serviceName() + ", queue group " + config.queueGroup()
                + ", " + store.size() + " policies" + (config.faultsEnabled() ? ", FAULT INJECTION ENABLED" : "")
                + ")";
        out.println(format == LogFormat.JSON ? JsonLineEncoder.line("INFO", RouterMain.class.getName(), serving) : serving);
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("stopped");
        return 0;
    }

    private static LogFormat parseLogFormat(String value) {
        try {
            return LogFormat.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid --log-format = " + value + "; allowed: text, json", e);
        }
    }

    /** A secret option's value: the secret, or file:PATH read (SecretValue); null when not given. */
    private static String secret(String option, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return SecretValue.resolve(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage());
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
