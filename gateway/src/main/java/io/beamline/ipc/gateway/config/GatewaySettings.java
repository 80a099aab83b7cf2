package io.beamline.ipc.gateway.config;

import io.beamline.ipc.protocol.DefaultSocketPath;
import io.beamline.ipc.protocol.Frame;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every gateway setting with its default and range: the one table that code, --help and
 * docs/CONFIGURATION.md agree on. Precedence: defaults &lt; file &lt; environment &lt; command line.
 */
public final class GatewaySettings {

    public static final Setting<Path> SOCKET_PATH = new Setting<>("ipc.socket_path",
            GatewaySettings::defaultSocketPath,
            "an absolute path of at most 107 bytes", List.of("CGW_IPC_SOCKET_PATH"),
            "Unix socket path; default $XDG_RUNTIME_DIR/beamline/gateway.sock, else /tmp/beamline-gateway.sock",
            Parsers::socketPath);

    public static final Setting<Integer> MAX_CONNECTIONS = Setting.of("ipc.max_connections", "1024",
            "an integer in 1..65536", List.of("CGW_IPC_MAX_CONNECTIONS"),
            "client connections served at once; one more gets an OVERLOADED error frame, then close",
            Parsers.intIn(1, 65_536));

    public static final Setting<Integer> MAX_FRAME_BYTES = Setting.of("ipc.max_frame_bytes",
            Integer.toString(Frame.MAX_FRAME_BYTES), "an integer in 1024.." + Frame.MAX_FRAME_BYTES, List.of(),
            "largest frame accepted, header included", Parsers.intIn(1024, Frame.MAX_FRAME_BYTES));

    public static final Setting<UidAllowList> ALLOWED_UIDS = Setting.of("ipc.allowed_uids", "self,0",
            "a comma-separated list of uids, 'self' or 'any'", List.of(),
            "peer uids let in; others get PERMISSION_DENIED, then close", Parsers::uids);

    public static final Setting<Integer> IO_THREADS = Setting.of("ipc.io_threads", "0",
            "an integer in 0..64 (0 = one per core)", List.of(),
            "Netty event-loop threads serving the socket", Parsers.intIn(0, 64));

    public static final Setting<Integer> MAX_IN_FLIGHT_PER_CONNECTION = Setting.of(
            "ipc.max_in_flight_per_connection", "256", "an integer in 1..65536", List.of(),
            "requests one connection may have unanswered; beyond it the gateway stops reading that connection "
                    + "until answers drain (the client is slowed, not failed)", Parsers.intIn(1, 65_536));

    public static final Setting<Integer> WRITE_BUFFER_HIGH_BYTES = Setting.of("ipc.write_buffer_high_bytes",
            "1048576", "an integer in 4096..67108864, above ipc.write_buffer_low_bytes", List.of(),
            "answers queued for a client that does not read; past it the gateway stops reading that client",
            Parsers.intIn(4096, 64 * 1024 * 1024));

    public static final Setting<Integer> WRITE_BUFFER_LOW_BYTES = Setting.of("ipc.write_buffer_low_bytes",
            "262144", "an integer in 1024..67108864, below ipc.write_buffer_high_bytes", List.of(),
            "a stopped slow reader is read again once its queued answers drain below this",
            Parsers.intIn(1024, 64 * 1024 * 1024));

    public static final Setting<List<URI>> NATS_URLS = Setting.of("nats.url", "nats://127.0.0.1:4222",
            "a comma-separated list of nats:// or tls:// URLs", List.of("CGW_IPC_NATS_URL"),
            "NATS servers (one URL, or a cluster's seed list)", Parsers::natsUrls);

    public static final Setting<Integer> NATS_POOL_SIZE = Setting.of("nats.pool_size", "2", "an integer in 1..16",
            List.of(), "NATS connections; requests are spread over the connected ones", Parsers.intIn(1, 16));

    public static final Setting<Optional<String>> NATS_USER = Setting.of("nats.user", "", "a user name, or empty",
            List.of(), "user for user/password authentication", Parsers::optionalText);

    public static final Setting<Optional<String>> NATS_PASSWORD = Setting.of("nats.password", "",
            "a password, or empty", List.of(), "password for user/password authentication (never printed)",
            Parsers::optionalText);

    public static final Setting<Optional<String>> NATS_TOKEN = Setting.of("nats.token", "", "a token, or empty",
            List.of(), "token authentication (never printed)", Parsers::optionalText);

    public static final Setting<Optional<Path>> NATS_CREDS_FILE = Setting.of("nats.creds_file", "",
            "a readable file, or empty", List.of(), "NATS credentials file (JWT + NKey seed)", Parsers::readableFile);

    public static final Setting<Optional<Path>> NATS_TLS_TRUSTSTORE = Setting.of("nats.tls.truststore_path", "",
            "a readable keystore file, or empty", List.of(),
            "trust store for tls:// servers; empty = the JVM's default trust", Parsers::readableFile);

    public static final Setting<Optional<String>> NATS_TLS_TRUSTSTORE_PASSWORD = Setting.of(
            "nats.tls.truststore_password", "", "a password, or empty", List.of(),
            "trust store password (never printed)", Parsers::optionalText);

    public static final Setting<Optional<Path>> NATS_TLS_KEYSTORE = Setting.of("nats.tls.keystore_path", "",
            "a readable keystore file, or empty", List.of(), "client certificate and key for mutual TLS",
            Parsers::readableFile);

    public static final Setting<Optional<String>> NATS_TLS_KEYSTORE_PASSWORD = Setting.of(
            "nats.tls.keystore_password", "", "a password, or empty", List.of(),
            "key store password (never printed)", Parsers::optionalText);

    public static final Setting<Integer> NATS_RECONNECT_WAIT_MS = Setting.of("nats.reconnect_wait_ms", "100",
            "an integer in 10..60000", List.of(), "pause between reconnect attempts to the same server",
            Parsers.intIn(10, 60_000));

    public static final Setting<Integer> NATS_RECONNECT_JITTER_MS = Setting.of("nats.reconnect_jitter_ms", "50",
            "an integer in 0..60000", List.of(), "random extra pause added to each reconnect wait",
            Parsers.intIn(0, 60_000));

    public static final Setting<String> ROUTER_SUBJECT = Setting.of("router.subject", "beamline.router.v1.decide",
            "a NATS subject without wildcards", List.of("CGW_IPC_ROUTER_SUBJECT"),
            "subject of the Router's decide service", Parsers::subject);

    public static final Setting<Integer> ROUTER_TIMEOUT_MS = Setting.of("router.timeout_ms", "5000",
            "an integer in 100..300000", List.of("CGW_IPC_TIMEOUT_MS"),
            "default deadline of a Router request, in ms", Parsers.intIn(100, 300_000));

    public static final Setting<Integer> ROUTER_MAX_TIMEOUT_MS = Setting.of("router.max_timeout_ms", "30000",
            "an integer in 100..300000, at least router.timeout_ms", List.of(),
            "cap on a client's deadline_ms", Parsers.intIn(100, 300_000));

    public static final Setting<String> ROUTER_DEFAULT_TENANT = Setting.of("router.default_tenant", "default_tenant",
            "1..128 characters", List.of(), "tenant_id of a submit that names none",
            Parsers.textOfLength(1, 128));

    public static final Setting<Map<Integer, String>> ROUTER_TENANT_BY_UID = Setting.of("router.tenant_by_uid", "",
            "comma-separated uid=tenant pairs, or empty", List.of(),
            "tenant of a submit that names none, by the caller's uid (else router.default_tenant)",
            Parsers::tenantsByUid);

    public static final Setting<String> ROUTER_DEFAULT_POLICY = Setting.of("router.default_policy", "default",
            "1..128 characters", List.of(), "policy_id of a submit that names none", Parsers.textOfLength(1, 128));

    public static final Setting<String> ROUTER_GET_DECISION_SUBJECT = Setting.of("router.get_decision_subject",
            "beamline.router.v1.get_decision", "a NATS subject without wildcards", List.of(),
            "subject asked by TASK_QUERY for a task this gateway does not know", Parsers::subject);

    public static final Setting<String> ROUTER_CANCEL_SUBJECT = Setting.of("router.cancel_subject",
            "beamline.router.v1.cancel", "a NATS subject without wildcards", List.of(),
            "subject of the cancel notice TASK_CANCEL publishes", Parsers::subject);

    public static final Setting<Integer> TASKS_REGISTRY_SIZE = Setting.of("tasks.registry_size", "10000",
            "an integer in 16..1000000", List.of(),
            "tasks remembered for TASK_QUERY/TASK_CANCEL; the oldest finished ones are forgotten first",
            Parsers.intIn(16, 1_000_000));

    public static final Setting<Integer> TASKS_TTL_MS = Setting.of("tasks.ttl_ms", "600000",
            "an integer in 1000..86400000", List.of(), "how long a finished task is remembered",
            Parsers.intIn(1000, 86_400_000));

    public static final Setting<Integer> DRAIN_TIMEOUT_MS = Setting.of("shutdown.drain_timeout_ms", "10000",
            "an integer in 0..600000", List.of(),
            "on SIGTERM, how long in-flight requests may take before the gateway exits", Parsers.intIn(0, 600_000));

    public static final Setting<Integer> BREAKER_WINDOW_SIZE = Setting.of("breaker.window_size", "20",
            "an integer in 1..1000", List.of(), "Router calls the circuit breaker judges by (the last N)",
            Parsers.intIn(1, 1000));

    public static final Setting<Integer> BREAKER_MINIMUM_CALLS = Setting.of("breaker.minimum_calls", "10",
            "an integer in 1..1000", List.of(), "calls in the window before the breaker may open",
            Parsers.intIn(1, 1000));

    public static final Setting<Integer> BREAKER_FAILURE_RATE_PERCENT = Setting.of("breaker.failure_rate_percent",
            "50", "an integer in 1..100", List.of(), "failed calls in the window, in percent, that open the breaker",
            Parsers.intIn(1, 100));

    public static final Setting<Integer> BREAKER_OPEN_MS = Setting.of("breaker.open_ms", "5000",
            "an integer in 100..600000", List.of(),
            "how long an open breaker refuses submits (circuit_open) before letting probes through",
            Parsers.intIn(100, 600_000));

    public static final Setting<Integer> BREAKER_HALF_OPEN_CALLS = Setting.of("breaker.half_open_calls", "3",
            "an integer in 1..100", List.of(), "probe calls of a half-open breaker; their outcome closes or reopens it",
            Parsers.intIn(1, 100));

    public static final Setting<Integer> BREAKER_RECONNECT_GRACE_MS = Setting.of("breaker.reconnect_grace_ms",
            "1000", "an integer in 0..60000", List.of(),
            "after NATS comes back, how long transport failures (the Router still reconnecting) do not count",
            Parsers.intIn(0, 60_000));

    public static final Setting<Integer> BACKPRESSURE_POLL_INTERVAL_MS = Setting.of(
            "backpressure.poll_interval_ms", "5000", "0 (off) or an integer in 100..600000", List.of(),
            "how often the Router's backpressure status is asked; the answer is used until the next poll",
            text -> {
                int v = Parsers.intIn(0, 600_000).apply(text);
                if (v > 0 && v < 100) {
                    throw new IllegalArgumentException("out of range");
                }
                return v;
            });

    public static final Setting<String> BACKPRESSURE_SUBJECT = Setting.of("backpressure.subject",
            "beamline.router.v2.status.backpressure", "a NATS subject without wildcards", List.of(),
            "the Router's backpressure status subject", Parsers::subject);

    public static final Setting<Integer> BACKPRESSURE_TIMEOUT_MS = Setting.of("backpressure.timeout_ms", "1000",
            "an integer in 100..60000", List.of(),
            "how long a status poll waits; no answer = status unknown, traffic continues", Parsers.intIn(100, 60_000));

    public static final Setting<Integer> BACKPRESSURE_ACTIVE_POLLS_BEFORE_BREAKER = Setting.of(
            "backpressure.active_polls_before_breaker", "3", "an integer in 1..1000", List.of(),
            "the breaker opens after more than this many consecutive active polls", Parsers.intIn(1, 1000));

    public static final Setting<Integer> ADMISSION_MAX_IN_FLIGHT = Setting.of("admission.max_in_flight", "1000",
            "an integer in 1..1000000", List.of(),
            "submits in flight over all connections; one more gets 503 gateway_overloaded at once",
            Parsers.intIn(1, 1_000_000));

    public static final Setting<Integer> ADMISSION_RETRY_AFTER_MS = Setting.of("admission.retry_after_ms", "200",
            "an integer in 0..60000", List.of(), "retry_after_ms of a gateway_overloaded answer",
            Parsers.intIn(0, 60_000));

    public static final Setting<Boolean> ADMIN_ENABLED = Setting.of("admin.enabled", "true",
            "true or false", List.of(), "serve /metrics and /health on 127.0.0.1:admin.port", Parsers::bool);

    public static final Setting<Integer> ADMIN_PORT = Setting.of("admin.port", "9477",
            "an integer in 0..65535 (0 = any free port, printed at start)", List.of(),
            "loopback port of the admin endpoint", Parsers.intIn(0, 65_535));

    public static final Setting<Integer> RATELIMIT_TENANT_RATE = Setting.of("ratelimit.tenant.rate_per_s", "0",
            "an integer in 0..1000000 (0 = no limit)", List.of(),
            "submits per second each tenant may make on this gateway (token bucket)", Parsers.intIn(0, 1_000_000));

    public static final Setting<Integer> RATELIMIT_TENANT_BURST = Setting.of("ratelimit.tenant.burst", "0",
            "an integer in 0..1000000 (0 = one second's worth)", List.of(),
            "submits a tenant may make at once after a quiet spell (bucket size)", Parsers.intIn(0, 1_000_000));

    public static final Setting<Integer> RATELIMIT_UID_RATE = Setting.of("ratelimit.uid.rate_per_s", "0",
            "an integer in 0..1000000 (0 = no limit)", List.of(),
            "submits per second each peer uid may make (token bucket)", Parsers.intIn(0, 1_000_000));

    public static final Setting<Integer> RATELIMIT_UID_BURST = Setting.of("ratelimit.uid.burst", "0",
            "an integer in 0..1000000 (0 = one second's worth)", List.of(),
            "submits a peer uid may make at once after a quiet spell (bucket size)", Parsers.intIn(0, 1_000_000));

    public static final Setting<Map<String, RateLimitConfig.Rate>> RATELIMIT_TENANT_OVERRIDES = Setting.of(
            "ratelimit.tenant_overrides", "", "comma-separated tenant=rate/burst or tenant=rate pairs, or empty",
            List.of(), "tenants with their own rate and burst (rate 0 = no limit for that tenant)",
            Parsers::tenantRates);

    public static final Setting<Integer> RATELIMIT_MAX_KEYS = Setting.of("ratelimit.max_keys", "10000",
            "an integer in 16..1000000", List.of(),
            "buckets kept per kind (tenants, uids); past it the least used are dropped", Parsers.intIn(16, 1_000_000));

    public static final Setting<Integer> RATELIMIT_FLEET_TENANT_RATE = Setting.of(
            "ratelimit.fleet.tenant.rate_per_s", "0", "an integer in 0..1000000 (0 = no fleet limit)", List.of(),
            "submits per second each tenant may make across every gateway sharing ratelimit.redis.url",
            Parsers.intIn(0, 1_000_000));

    public static final Setting<Integer> RATELIMIT_FLEET_TENANT_BURST = Setting.of("ratelimit.fleet.tenant.burst",
            "0", "an integer in 0..1000000 (0 = one second's worth)", List.of(),
            "size of each tenant's fleet-wide bucket", Parsers.intIn(0, 1_000_000));

    public static final Setting<Optional<URI>> RATELIMIT_REDIS_URL = Setting.of("ratelimit.redis.url", "",
            "a redis:// URL on 127.0.0.1, localhost or [::1], or empty", List.of(),
            "Redis holding the fleet-wide buckets; empty = no fleet limit", Parsers::loopbackRedisUrl);

    public static final Setting<String> RATELIMIT_REDIS_KEY_PREFIX = Setting.of("ratelimit.redis.key_prefix",
            "beamline:ratelimit:", "1..128 characters without spaces", List.of(),
            "prefix of the fleet's bucket keys; gateways sharing buckets use the same", Parsers::redisKeyPrefix);

    public static final Setting<Integer> RATELIMIT_REDIS_TIMEOUT_MS = Setting.of("ratelimit.redis.timeout_ms", "50",
            "an integer in 5..1000", List.of(),
            "bound on one Redis call (connect, reply, a pooled connection); runs on the event loop",
            Parsers.intIn(5, 1000));

    public static final Setting<RateLimitConfig.OnRedisFailure> RATELIMIT_REDIS_ON_FAILURE = Setting.of(
            "ratelimit.redis.on_failure", "fail_open", "fail_open or fail_closed", List.of(),
            "when Redis fails: admit (fail_open) or refuse with rate_limit_unavailable (fail_closed); counted",
            Parsers::onRedisFailure);

    public static final Setting<String> LOG_LEVEL = Setting.of("log.level", "info",
            "one of trace, debug, info, warn, error", List.of(), "log level of the gateway's own loggers",
            Parsers::logLevel);

    public static final List<Setting<?>> ALL = List.of(SOCKET_PATH, MAX_CONNECTIONS, MAX_FRAME_BYTES, ALLOWED_UIDS,
            IO_THREADS, MAX_IN_FLIGHT_PER_CONNECTION, WRITE_BUFFER_HIGH_BYTES, WRITE_BUFFER_LOW_BYTES, NATS_URLS, NATS_POOL_SIZE, NATS_USER, NATS_PASSWORD, NATS_TOKEN, NATS_CREDS_FILE,
            NATS_TLS_TRUSTSTORE, NATS_TLS_TRUSTSTORE_PASSWORD, NATS_TLS_KEYSTORE, NATS_TLS_KEYSTORE_PASSWORD,
            NATS_RECONNECT_WAIT_MS, NATS_RECONNECT_JITTER_MS, ROUTER_SUBJECT, ROUTER_TIMEOUT_MS,
            ROUTER_MAX_TIMEOUT_MS, ROUTER_DEFAULT_TENANT, ROUTER_TENANT_BY_UID, ROUTER_DEFAULT_POLICY, ROUTER_GET_DECISION_SUBJECT,
            ROUTER_CANCEL_SUBJECT, TASKS_REGISTRY_SIZE, TASKS_TTL_MS, DRAIN_TIMEOUT_MS,
            BREAKER_WINDOW_SIZE, BREAKER_MINIMUM_CALLS, BREAKER_FAILURE_RATE_PERCENT, BREAKER_OPEN_MS,
            BREAKER_HALF_OPEN_CALLS, BREAKER_RECONNECT_GRACE_MS, BACKPRESSURE_POLL_INTERVAL_MS, BACKPRESSURE_SUBJECT, BACKPRESSURE_TIMEOUT_MS,
            BACKPRESSURE_ACTIVE_POLLS_BEFORE_BREAKER, ADMISSION_MAX_IN_FLIGHT, ADMISSION_RETRY_AFTER_MS, ADMIN_ENABLED, ADMIN_PORT, LOG_LEVEL,
            RATELIMIT_TENANT_RATE, RATELIMIT_TENANT_BURST, RATELIMIT_UID_RATE, RATELIMIT_UID_BURST,
            RATELIMIT_TENANT_OVERRIDES, RATELIMIT_MAX_KEYS, RATELIMIT_FLEET_TENANT_RATE, RATELIMIT_FLEET_TENANT_BURST,
            RATELIMIT_REDIS_URL, RATELIMIT_REDIS_KEY_PREFIX, RATELIMIT_REDIS_TIMEOUT_MS, RATELIMIT_REDIS_ON_FAILURE);

    private GatewaySettings() {
    }

    /** The C gateway used /tmp; a per-user runtime directory is private and cleaned at logout. */
    static String defaultSocketPath(Map<String, String> env) {
        return DefaultSocketPath.resolve(env).toString();
    }
}
