package io.beamline.ipc.gateway.config;

import io.beamline.ipc.process.logging.LogFormat;
import io.beamline.ipc.protocol.DefaultSocketPath;
import io.beamline.ipc.protocol.Frame;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every gateway setting with its default and range: the one table that code, --help and
 * docs/CONFIGURATION.md agree on. Precedence: defaults &lt; file &lt; environment &lt; command line.
 */
public final class GatewaySettings {

    // Filled by declare() as the constants below are initialised; it must come before them.
    private static final List<Setting<?>> DECLARED = new ArrayList<>();

    /** Every setting, in declaration order (the order of --print-config); a declaration cannot be left out. */
    public static final List<Setting<?>> ALL = Collections.unmodifiableList(DECLARED);

    public static final Setting<Path> SOCKET_PATH = declare("ipc.socket_path",
            GatewaySettings::defaultSocketPath, Parsers.socketPath(),
            "Unix socket path; default $XDG_RUNTIME_DIR/beamline/gateway.sock, else /tmp/beamline-gateway.sock",
            "CGW_IPC_SOCKET_PATH");

    public static final Setting<Integer> MAX_CONNECTIONS = reloadable("ipc.max_connections", "1024",
            Parsers.intIn(1, 65_536),
            "client connections served at once; one more gets an OVERLOADED error frame, then close",
            "CGW_IPC_MAX_CONNECTIONS");

    public static final Setting<Integer> MAX_FRAME_BYTES = declare("ipc.max_frame_bytes",
            Integer.toString(Frame.MAX_FRAME_BYTES), Parsers.intIn(1024, Frame.MAX_FRAME_BYTES),
            "largest frame accepted, header included");

    public static final Setting<UidAllowList> ALLOWED_UIDS = reloadable("ipc.allowed_uids", "self,0",
            Parsers.uids(), "peer uids let in; others get PERMISSION_DENIED, then close");

    // One loop serves tens of thousands of requests a second; a second one on a laptop's cores only adds
    // wake-ups and context switches (docs/PERFORMANCE.md, issue 10).
    public static final Setting<Integer> IO_THREADS = declare("ipc.io_threads", "1",
            Parsers.intIn(0, 64).noting("0 = one per core"), "Netty event-loop threads serving the socket");

    public static final Setting<Integer> MAX_IN_FLIGHT_PER_CONNECTION = reloadable(
            "ipc.max_in_flight_per_connection", "256", Parsers.intIn(1, 65_536),
            "requests one connection may have unanswered; beyond it the gateway stops reading that connection "
                    + "until answers drain (the client is slowed, not failed)");

    // The high/low order is checked by GatewayConfig; the notes say so.
    public static final Setting<Integer> WRITE_BUFFER_HIGH_BYTES = declare("ipc.write_buffer_high_bytes",
            "1048576", Parsers.intIn(4096, 64 * 1024 * 1024).noting("above ipc.write_buffer_low_bytes"),
            "answers queued for a client that does not read; past it the gateway stops reading that client");

    public static final Setting<Integer> WRITE_BUFFER_LOW_BYTES = declare("ipc.write_buffer_low_bytes",
            "262144", Parsers.intIn(1024, 64 * 1024 * 1024).noting("below ipc.write_buffer_high_bytes"),
            "a stopped slow reader is read again once its queued answers drain below this");

    // An editor runs several plugins, each with a few connections; a runaway process must not take every slot.
    public static final Setting<Integer> MAX_CONNECTIONS_PER_PID = reloadable("ipc.max_connections_per_pid",
            Integer.toString(IpcLimits.DEFAULT_MAX_CONNECTIONS_PER_PID), Parsers.intIn(1, 65_536),
            "connections one client process (peer pid) may hold at once; one more gets OVERLOADED "
                    + "connection_limit_pid, then close");

    // 64 below ipc.max_connections: one user's runaway processes leave root and the other allowed uids room.
    public static final Setting<Integer> MAX_CONNECTIONS_PER_UID = reloadable("ipc.max_connections_per_uid",
            Integer.toString(IpcLimits.DEFAULT_MAX_CONNECTIONS_PER_UID), Parsers.intIn(1, 65_536),
            "connections one peer uid may hold at once, over all its processes; one more gets OVERLOADED "
                    + "connection_limit_uid, then close");

    public static final Setting<Integer> FRAME_TIMEOUT_MS = reloadable("ipc.frame_timeout_ms",
            Integer.toString(IpcLimits.DEFAULT_FRAME_TIMEOUT_MS), Parsers.intIn(100, 600_000),
            "a frame whose first byte arrived must be complete within this; else TIMEOUT frame_timeout, then close");

    // Off by default: an editor keeps one connection open all day, and an idle connection costs little.
    public static final Setting<Integer> IDLE_TIMEOUT_MS = reloadable("ipc.idle_timeout_ms",
            Integer.toString(IpcLimits.DEFAULT_IDLE_TIMEOUT_MS), Parsers.zeroOr(Parsers.intIn(1000, 86_400_000)),
            "a connection with nothing in flight and nothing read or written for this long is closed "
                    + "(CONNECTION_CLOSED idle_timeout); 0 = never");

    public static final Setting<Integer> MAX_BUFFERED_BYTES = declare("ipc.max_buffered_bytes",
            Integer.toString(IpcLimits.DEFAULT_MAX_BUFFERED_BYTES), Parsers.intIn(1024 * 1024, 1024 * 1024 * 1024),
            "bytes of partial frames and queued answers over all connections; past it the connections holding "
                    + "such bytes are not read until the total drains to three quarters of it");

    public static final Setting<List<URI>> NATS_URLS = declare("nats.url", "nats://127.0.0.1:4222",
            Parsers.natsUrls(), "NATS servers (one URL, or a cluster's seed list)", "CGW_IPC_NATS_URL");

    // One connection batches more messages per wake-up of its writer and reader threads than two that share
    // the load; more help a cluster of NATS servers spread it (docs/PERFORMANCE.md, issue 10).
    public static final Setting<Integer> NATS_POOL_SIZE = declare("nats.pool_size", "1", Parsers.intIn(1, 16),
            "NATS connections; requests are spread over the connected ones");

    public static final Setting<Optional<String>> NATS_USER = declare("nats.user", "",
            Parsers.optionalText("a user name"), "user for user/password authentication");

    // Every secret setting (its key ends in password or token) takes the secret or file:PATH (SecretValue).
    public static final Setting<Optional<String>> NATS_PASSWORD = declare("nats.password", "",
            Parsers.secret("a password"), "password for user/password authentication (never printed)");

    public static final Setting<Optional<String>> NATS_TOKEN = declare("nats.token", "",
            Parsers.secret("a token"), "token authentication (never printed)");

    public static final Setting<Optional<Path>> NATS_NKEY_FILE = declare("nats.nkey_file", "",
            Parsers.readableFile().noting("an NKey user seed, SU..."),
            "NKey authentication: the file holding the user's seed (signs the server's nonce)");

    public static final Setting<Optional<Path>> NATS_CREDS_FILE = declare("nats.creds_file", "",
            Parsers.readableFile(), "NATS credentials file (JWT + NKey seed)");

    public static final Setting<Optional<Path>> NATS_TLS_CA_FILE = declare("nats.tls.ca_file", "",
            Parsers.readableFile().noting("PEM certificates"),
            "CA certificates the NATS server's certificate must be signed by; empty = the JVM's default trust");

    public static final Setting<Optional<Path>> NATS_TLS_CERT_FILE = declare("nats.tls.cert_file", "",
            Parsers.readableFile().noting("a PEM certificate chain, with nats.tls.key_file"),
            "client certificate for mutual TLS");

    public static final Setting<Optional<Path>> NATS_TLS_KEY_FILE = declare("nats.tls.key_file", "",
            Parsers.readableFile().noting("a PEM private key: PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted"),
            "private key of nats.tls.cert_file");

    public static final Setting<Optional<Path>> NATS_TLS_TRUSTSTORE = declare("nats.tls.truststore_path", "",
            Parsers.readableFile().noting("a key store"),
            "trust store for TLS servers (instead of nats.tls.ca_file); empty = the JVM's default trust");

    public static final Setting<Optional<String>> NATS_TLS_TRUSTSTORE_PASSWORD = declare(
            "nats.tls.truststore_password", "", Parsers.secret("a password"),
            "trust store password (never printed)");

    public static final Setting<Optional<Path>> NATS_TLS_KEYSTORE = declare("nats.tls.keystore_path", "",
            Parsers.readableFile().noting("a key store"),
            "client certificate and key for mutual TLS (instead of nats.tls.cert_file and key_file)");

    public static final Setting<Optional<String>> NATS_TLS_KEYSTORE_PASSWORD = declare(
            "nats.tls.keystore_password", "", Parsers.secret("a password"),
            "key store password (never printed)");

    public static final Setting<Integer> NATS_RECONNECT_WAIT_MS = declare("nats.reconnect_wait_ms", "100",
            Parsers.intIn(10, 60_000), "pause between reconnect attempts to the same server");

    public static final Setting<Integer> NATS_RECONNECT_JITTER_MS = declare("nats.reconnect_jitter_ms", "50",
            Parsers.intIn(0, 60_000), "random extra pause added to each reconnect wait");

    public static final Setting<String> ROUTER_SUBJECT = declare("router.subject", "beamline.router.v1.decide",
            Parsers.subject(), "subject of the Router's decide service", "CGW_IPC_ROUTER_SUBJECT");

    public static final Setting<Integer> ROUTER_TIMEOUT_MS = reloadable("router.timeout_ms", "5000",
            Parsers.intIn(100, 300_000), "default deadline of a Router request, in ms", "CGW_IPC_TIMEOUT_MS");

    // Checked against router.timeout_ms by GatewayConfig.
    public static final Setting<Integer> ROUTER_MAX_TIMEOUT_MS = reloadable("router.max_timeout_ms", "30000",
            Parsers.intIn(100, 300_000).noting("at least router.timeout_ms"), "cap on a client's deadline_ms");

    public static final Setting<String> ROUTER_DEFAULT_TENANT = declare("router.default_tenant", "default_tenant",
            Parsers.textOfLength(1, 128), "tenant_id of a submit that names none");

    public static final Setting<Map<Integer, String>> ROUTER_TENANT_BY_UID = declare("router.tenant_by_uid", "",
            Parsers.tenantsByUid(),
            "tenant of a submit that names none, by the caller's uid (else router.default_tenant)");

    public static final Setting<String> ROUTER_DEFAULT_POLICY = declare("router.default_policy", "default",
            Parsers.textOfLength(1, 128), "policy_id of a submit that names none");

    public static final Setting<String> ROUTER_GET_DECISION_SUBJECT = declare("router.get_decision_subject",
            "beamline.router.v1.get_decision", Parsers.subject(),
            "subject asked by TASK_QUERY for a task this gateway does not know");

    public static final Setting<String> ROUTER_CANCEL_SUBJECT = declare("router.cancel_subject",
            "beamline.router.v1.cancel", Parsers.subject(), "subject of the cancel notice TASK_CANCEL publishes");

    public static final Setting<Integer> TASKS_REGISTRY_SIZE = declare("tasks.registry_size", "10000",
            Parsers.intIn(16, 1_000_000),
            "tasks remembered for TASK_QUERY/TASK_CANCEL; the oldest finished ones are forgotten first");

    public static final Setting<Integer> TASKS_TTL_MS = declare("tasks.ttl_ms", "600000",
            Parsers.intIn(1000, 86_400_000), "how long a finished task is remembered");

    public static final Setting<Integer> STREAMS_IDLE_TIMEOUT_MS = declare("streams.idle_timeout_ms", "30000",
            Parsers.intIn(100, 3_600_000),
            "a stream with no message from the Router for this long ends with status timeout");

    public static final Setting<Integer> STREAMS_MAX_BUFFERED_BYTES = declare("streams.max_buffered_bytes",
            "1048576", Parsers.intIn(4096, 64 * 1024 * 1024),
            "stream bytes waiting for one client that does not read; past it the stream ends with status overflow");

    public static final Setting<Integer> STREAMS_MAX_RUNNING = declare("streams.max_running", "1000",
            Parsers.intIn(1, 100_000),
            "streams running at once; a streaming submit beyond it gets 503 stream_limit at once");

    public static final Setting<Integer> STREAMS_REPLAY_BYTES = declare("streams.replay_bytes", "65536",
            Parsers.intIn(0, 64 * 1024 * 1024),
            "the latest chunks of each stream kept for STREAM_SUBSCRIBE from_seq (oldest dropped first)");

    public static final Setting<Integer> STREAMS_REPLAY_TTL_MS = declare("streams.replay_ttl_ms", "60000",
            Parsers.intIn(0, 86_400_000), "how long an ended stream can still be subscribed to and replayed");

    public static final Setting<Integer> STREAMS_REPLAY_MAX_ENDED = declare("streams.replay_max_ended", "256",
            Parsers.intIn(0, 100_000),
            "ended streams kept for replay at most; past it the oldest ended one is forgotten early");

    public static final Setting<Integer> DRAIN_TIMEOUT_MS = declare("shutdown.drain_timeout_ms", "10000",
            Parsers.intIn(0, 600_000), "on SIGTERM, how long in-flight requests may take before the gateway exits");

    public static final Setting<Integer> BREAKER_WINDOW_SIZE = declare("breaker.window_size", "20",
            Parsers.intIn(1, 1000), "Router calls the circuit breaker judges by (the last N)");

    public static final Setting<Integer> BREAKER_MINIMUM_CALLS = declare("breaker.minimum_calls", "10",
            Parsers.intIn(1, 1000), "calls in the window before the breaker may open");

    public static final Setting<Integer> BREAKER_FAILURE_RATE_PERCENT = declare("breaker.failure_rate_percent",
            "50", Parsers.intIn(1, 100), "failed calls in the window, in percent, that open the breaker");

    public static final Setting<Integer> BREAKER_OPEN_MS = declare("breaker.open_ms", "5000",
            Parsers.intIn(100, 600_000),
            "how long an open breaker refuses submits (circuit_open) before letting probes through");

    public static final Setting<Integer> BREAKER_HALF_OPEN_CALLS = declare("breaker.half_open_calls", "3",
            Parsers.intIn(1, 100), "probe calls of a half-open breaker; their outcome closes or reopens it");

    public static final Setting<Integer> BREAKER_RECONNECT_GRACE_MS = declare("breaker.reconnect_grace_ms",
            "1000", Parsers.intIn(0, 60_000),
            "after NATS comes back, how long transport failures (the Router still reconnecting) do not count");

    public static final Setting<Integer> BACKPRESSURE_POLL_INTERVAL_MS = declare(
            "backpressure.poll_interval_ms", "5000", Parsers.zeroOr(Parsers.intIn(100, 600_000)).noting("0 = off"),
            "how often the Router's backpressure status is asked; the answer is used until the next poll");

    public static final Setting<String> BACKPRESSURE_SUBJECT = declare("backpressure.subject",
            "beamline.router.v2.status.backpressure", Parsers.subject(), "the Router's backpressure status subject");

    public static final Setting<Integer> BACKPRESSURE_TIMEOUT_MS = declare("backpressure.timeout_ms", "1000",
            Parsers.intIn(100, 60_000),
            "how long a status poll waits; no answer = status unknown, traffic continues");

    public static final Setting<Integer> BACKPRESSURE_ACTIVE_POLLS_BEFORE_BREAKER = declare(
            "backpressure.active_polls_before_breaker", "3", Parsers.intIn(1, 1000),
            "the breaker opens after more than this many consecutive active polls");

    public static final Setting<Integer> ADMISSION_MAX_IN_FLIGHT = reloadable("admission.max_in_flight", "1000",
            Parsers.intIn(1, 1_000_000),
            "submits in flight over all connections; one more gets 503 gateway_overloaded at once");

    public static final Setting<Integer> ADMISSION_RETRY_AFTER_MS = reloadable("admission.retry_after_ms", "200",
            Parsers.intIn(0, 60_000), "retry_after_ms of a gateway_overloaded answer");

    public static final Setting<Boolean> ADMIN_ENABLED = declare("admin.enabled", "true", Parsers.bool(),
            "serve /metrics and /health on 127.0.0.1:admin.port");

    public static final Setting<Integer> ADMIN_PORT = declare("admin.port", "9477",
            Parsers.intIn(0, 65_535).noting("0 = any free port, printed at start"),
            "loopback port of the admin endpoint");

    public static final Setting<String> LOG_LEVEL = reloadable("log.level", "info", Parsers.logLevel(),
            "log level of the gateway's own loggers");

    public static final Setting<Integer> RATELIMIT_TENANT_RATE = reloadable("ratelimit.tenant.rate_per_s", "0",
            Parsers.intIn(0, 1_000_000).noting("0 = no limit"),
            "submits per second each tenant may make on this gateway (token bucket)");

    public static final Setting<Integer> RATELIMIT_TENANT_BURST = reloadable("ratelimit.tenant.burst", "0",
            Parsers.intIn(0, 1_000_000).noting("0 = one second's worth"),
            "submits a tenant may make at once after a quiet spell (bucket size)");

    public static final Setting<Integer> RATELIMIT_UID_RATE = reloadable("ratelimit.uid.rate_per_s", "0",
            Parsers.intIn(0, 1_000_000).noting("0 = no limit"),
            "submits per second each peer uid may make (token bucket)");

    public static final Setting<Integer> RATELIMIT_UID_BURST = reloadable("ratelimit.uid.burst", "0",
            Parsers.intIn(0, 1_000_000).noting("0 = one second's worth"),
            "submits a peer uid may make at once after a quiet spell (bucket size)");

    public static final Setting<Map<String, RateLimitConfig.Rate>> RATELIMIT_TENANT_OVERRIDES = reloadable(
            "ratelimit.tenant_overrides", "", Parsers.tenantRates(),
            "tenants with their own rate and burst (rate 0 = no limit for that tenant)");

    public static final Setting<Integer> RATELIMIT_MAX_KEYS = reloadable("ratelimit.max_keys", "10000",
            Parsers.intIn(16, 1_000_000),
            "buckets kept per kind (tenants, uids); past it the least used are dropped");

    public static final Setting<Integer> RATELIMIT_FLEET_TENANT_RATE = declare(
            "ratelimit.fleet.tenant.rate_per_s", "0", Parsers.intIn(0, 1_000_000).noting("0 = no fleet limit"),
            "submits per second each tenant may make across every gateway sharing ratelimit.redis.url");

    public static final Setting<Integer> RATELIMIT_FLEET_TENANT_BURST = declare("ratelimit.fleet.tenant.burst",
            "0", Parsers.intIn(0, 1_000_000).noting("0 = one second's worth"),
            "size of each tenant's fleet-wide bucket");

    public static final Setting<Optional<URI>> RATELIMIT_REDIS_URL = declare("ratelimit.redis.url", "",
            Parsers.loopbackRedisUrl(), "Redis holding the fleet-wide buckets; empty = no fleet limit");

    public static final Setting<String> RATELIMIT_REDIS_KEY_PREFIX = declare("ratelimit.redis.key_prefix",
            "beamline:ratelimit:", Parsers.redisKeyPrefix(),
            "prefix of the fleet's bucket keys; gateways sharing buckets use the same");

    public static final Setting<Integer> RATELIMIT_REDIS_TIMEOUT_MS = declare("ratelimit.redis.timeout_ms", "50",
            Parsers.intIn(5, 1000),
            "bound on one Redis call (connect, reply, a pooled connection); runs on the event loop");

    public static final Setting<RateLimitConfig.OnRedisFailure> RATELIMIT_REDIS_ON_FAILURE = declare(
            "ratelimit.redis.on_failure", "fail_open", Parsers.onRedisFailure(),
            "when Redis fails: admit (fail_open) or refuse with rate_limit_unavailable (fail_closed); counted");

    // Off by default; only a gateway started by systemd socket activation exits when idle (systemd starts it
    // again on the next connection). Without activation it would simply be gone: the setting then does nothing.
    public static final Setting<Integer> ACTIVATION_IDLE_EXIT_MS = declare("ipc.activation_idle_exit_ms",
            "0", Parsers.zeroOr(Parsers.intIn(1000, 86_400_000)).noting("0 = off; only under socket activation"),
            "when started by systemd socket activation: with no connection open and nothing in flight for this "
                    + "long, drain and exit 0 (systemd starts it again on the next connection); 0 = never");

    // text by default, also when stderr is no terminal: scripts and tests read the text lines; a systemd unit
    // or a container that ships its log to a collector sets json (docs/operations/logging.md).
    public static final Setting<LogFormat> LOG_FORMAT = declare("log.format", "text", Parsers.logFormat(),
            "how log lines are written: text, or json (one object per line; the stdout banner too)");

    private GatewaySettings() {
    }

    /** The one way to make a setting here, so that every setting is in {@link #ALL}. */
    private static <T> Setting<T> declare(String key, Function<Map<String, String>, String> defaultValue,
                                          ValueKind<T> kind, String description, String... legacyEnv) {
        Setting<T> setting = new Setting<>(key, defaultValue, kind, List.of(legacyEnv), description);
        DECLARED.add(setting);
        return setting;
    }

    private static <T> Setting<T> declare(String key, String defaultValue, ValueKind<T> kind, String description,
                                          String... legacyEnv) {
        return declare(key, env -> defaultValue, kind, description, legacyEnv);
    }

    /** Like {@link #declare}, for a setting a SIGHUP reload applies to the running gateway (docs/operations/reload.md). */
    private static <T> Setting<T> reloadable(String key, String defaultValue, ValueKind<T> kind, String description,
                                             String... legacyEnv) {
        Setting<T> setting = new Setting<>(key, env -> defaultValue, kind, List.of(legacyEnv), description, true);
        DECLARED.add(setting);
        return setting;
    }

    /** The C gateway used /tmp; a per-user runtime directory is private and cleaned at logout. */
    static String defaultSocketPath(Map<String, String> env) {
        return DefaultSocketPath.resolve(env).toString();
    }
}
