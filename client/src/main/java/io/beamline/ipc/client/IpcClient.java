package io.beamline.ipc.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.protocol.Capabilities;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.FrameCodec;
import io.beamline.ipc.protocol.FrameException;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;
import io.beamline.ipc.protocol.TaskRef;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connection to the Beamline IPC gateway over its Unix socket, speaking protocol v1 or v2.
 *
 * <p><b>Protocol version.</b> By default {@link #connect} asks the gateway for its CAPABILITIES (a v1
 * request, which every gateway answers) before it returns, and the connection speaks v2 when
 * {@code protocol_versions} contains 2, else v1; {@link #protocolVersion()} says which.
 * {@link IpcClientOptions#withProtocolVersion(int)} forces one version without asking. The choice is made
 * once and holds for the life of the connection.
 *
 * <p><b>Threading.</b> All methods are thread-safe and never wait for an answer: requests from any number
 * of threads are pipelined on the one connection and each returns a {@link CompletableFuture}. Frames are
 * written whole under one lock. In v1, which has no request id, answers are matched to requests by order;
 * appending to the pending queue and writing the frame happen under that lock so that queue order is wire
 * order. In v2 each request gets a fresh request id (an unsigned 32-bit counter per connection, never 0,
 * never an id still in flight) and its answer, which may come before those of older requests, completes the
 * future of that id. Futures are completed on the single reader thread ({@code ipc-client-reader}); stages
 * attached with non-async methods ({@code thenApply}, {@code whenComplete}, …) run on it too and must not
 * block, or every answer behind them waits. Use the {@code …Async} variants for slow work.
 *
 * <p><b>Failures</b> are reported through the future (as the cause of {@code ExecutionException} from
 * {@code get()}, or of {@code CompletionException} from {@code join()}):
 * <ul>
 *   <li>{@link IpcErrorException}: the gateway answered RESPONSE_ERROR;</li>
 *   <li>{@link IpcProtocolException}: the answer has an unexpected type or an unreadable payload;</li>
 *   <li>{@link java.util.concurrent.TimeoutException}: no answer within the request's timeout. The request
 *       keeps its place in line (v1) or its request id (v2), so its late answer is read and dropped, never
 *       given to another request. Cancelling a future does the same: the caller stops waiting, the id stays
 *       reserved until the answer comes or the connection ends;</li>
 *   <li>{@link IpcConnectionException}: the connection closed or broke, before or while the request was
 *       waiting. After that every call fails at once with the same exception. An answer no request waits
 *       for (in v2: an unknown request id), a bad frame header, and a stream frame (STREAM_DATA,
 *       STREAM_COMPLETE, STREAM_ERROR: this client does not support streams yet) end the connection this
 *       way, with an {@link IpcProtocolException} or the header's error as the cause;</li>
 *   <li>{@link IllegalArgumentException}: the request frame is larger than
 *       {@link IpcClientOptions#maxFrameBytes()}; it is refused before anything is sent and the connection
 *       stays usable;</li>
 *   <li>{@link IllegalStateException}: the calling thread is interrupted. Writing from an interrupted thread
 *       would make NIO close the socket shared by all requests, so nothing is sent.</li>
 * </ul>
 * Null arguments and non-positive timeouts are programming errors and throw at once.
 */
public final class IpcClient implements AutoCloseable {

    /** Name of the thread that reads answers. */
    public static final String READER_THREAD_NAME = "ipc-client-reader";

    /** How long {@link #close()} waits for the reader thread, in case a callback on it is blocked. */
    private static final Duration READER_STOP_WAIT = Duration.ofSeconds(5);

    private final Path socketPath;
    private final IpcClientOptions options;
    private final SocketChannel channel;
    private final FrameCodec codec;
    private final PendingRequests pending = new PendingRequests();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Thread reader;
    /** The version requests are sent in: v1 until {@link #connect} has chosen, then fixed. */
    private volatile int version = Frame.V1;

    private IpcClient(Path socketPath, IpcClientOptions options, SocketChannel channel) {
        this.socketPath = socketPath;
        this.options = options;
        this.channel = channel;
        this.codec = new FrameCodec(options.maxFrameBytes());
        ReaderLoop loop = new ReaderLoop(new FrameReader(channel, codec), pending, this::shutdown);
        this.reader = Thread.ofPlatform().name(READER_THREAD_NAME).daemon(true).unstarted(loop);
    }

    /** Connects with {@link IpcClientOptions#defaults()}. */
    public static IpcClient connect(Path socketPath) {
        return connect(socketPath, IpcClientOptions.defaults());
    }

    /**
     * Connects to the gateway listening on {@code socketPath} and, unless
     * {@link IpcClientOptions#protocolVersion()} names a version, asks it for its CAPABILITIES to choose
     * one: v2 when {@code protocol_versions} contains 2; v1 when it does not, or when the gateway answers
     * CAPABILITIES with an error or with something that is not a capabilities document (a gateway that
     * cannot say it speaks v2 is spoken to in v1, as before v2 existed).
     *
     * @throws IpcConnectionException when the socket does not exist or refuses; when the connection closes
     *                                during the handshake; when the gateway refuses the connection (its
     *                                answer is {@code permission_denied} or {@code connection_limit}: the
     *                                {@link IpcErrorException} is the cause); or when connecting and the
     *                                handshake take longer than {@link IpcClientOptions#connectTimeout()}
     *                                (for a handshake without an answer, a
     *                                {@link java.util.concurrent.TimeoutException} is the cause)
     */
    public static IpcClient connect(Path socketPath, IpcClientOptions options) {
        Objects.requireNonNull(socketPath, "socketPath");
        Objects.requireNonNull(options, "options");
        long deadline = System.nanoTime() + options.connectTimeout().toNanos();
        IpcClient client = new IpcClient(socketPath, options, Connector.connect(socketPath, options.connectTimeout()));
        client.reader.start(); // only once fully constructed
        try {
            client.version = options.protocolVersion() == IpcClientOptions.NEGOTIATE
                    ? client.negotiate(deadline) : options.protocolVersion();
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        return client;
    }

    public Path socketPath() {
        return socketPath;
    }

    public IpcClientOptions options() {
        return options;
    }

    /**
     * The protocol version requests are sent in on this connection: {@code 1} or {@code 2}
     * ({@link Frame#V1}, {@link Frame#V2}); fixed once {@link #connect} returned.
     */
    public int protocolVersion() {
        return version;
    }

    /** False once the connection closed or broke; then every call fails with {@link IpcConnectionException}. */
    public boolean isOpen() {
        return pending.closedBy() == null;
    }

    /** PING; completes with the round-trip time when PONG comes back. */
    public CompletableFuture<Duration> ping() {
        return ping(options.requestTimeout());
    }

    public CompletableFuture<Duration> ping(Duration timeout) {
        long start = System.nanoTime();
        return request(Frame.of(MessageType.PING), timeout).thenApply(answer -> {
            Answers.expect(answer, MessageType.PONG);
            return Duration.ofNanos(System.nanoTime() - start);
        });
    }

    /** CAPABILITIES; the RESPONSE_OK payload read as {@link Capabilities}. */
    public CompletableFuture<Capabilities> capabilities() {
        return capabilities(options.requestTimeout());
    }

    public CompletableFuture<Capabilities> capabilities(Duration timeout) {
        return request(Frame.of(MessageType.CAPABILITIES), timeout).thenApply(Answers::capabilities);
    }

    /** TASK_SUBMIT with {@code payload} as is (e.g. {@code {"task_type":…,"payload":{…}}}). */
    public CompletableFuture<TaskResponse> submit(ObjectNode payload) {
        return submit(payload, options.requestTimeout());
    }

    public CompletableFuture<TaskResponse> submit(ObjectNode payload, Duration timeout) {
        Objects.requireNonNull(payload, "payload");
        return task(MessageType.TASK_SUBMIT, Json.write(payload), timeout);
    }

    /** TASK_QUERY with {@code {"task_id":taskId}}. */
    public CompletableFuture<TaskResponse> query(String taskId) {
        return query(taskId, options.requestTimeout());
    }

    public CompletableFuture<TaskResponse> query(String taskId, Duration timeout) {
        return task(MessageType.TASK_QUERY, taskRef(taskId), timeout);
    }

    /** TASK_CANCEL with {@code {"task_id":taskId}}. */
    public CompletableFuture<TaskResponse> cancel(String taskId) {
        return cancel(taskId, options.requestTimeout());
    }

    public CompletableFuture<TaskResponse> cancel(String taskId, Duration timeout) {
        return task(MessageType.TASK_CANCEL, taskRef(taskId), timeout);
    }

    /**
     * Sends any frame's type and payload in this connection's protocol version (in v2 under a request id
     * the client chooses: the version and request id of {@code frame} are not used); completes with
     * whatever frame answers it, RESPONSE_ERROR included.
     */
    public CompletableFuture<Frame> request(Frame frame) {
        return request(frame, options.requestTimeout());
    }

    public CompletableFuture<Frame> request(Frame frame, Duration timeout) {
        Objects.requireNonNull(frame, "frame");
        IpcClientOptions.requirePositive(timeout, "timeout");
        return version == Frame.V2 ? sendV2(frame, timeout) : sendV1(frame, timeout);
    }

    /**
     * Closes the connection: requests still waiting fail with {@link IpcConnectionException}, and the
     * reader thread is stopped (waited for up to 5 s, unless called from it). Idempotent.
     */
    @Override
    public void close() {
        shutdown(new IpcConnectionException("the client was closed"));
        if (Thread.currentThread() != reader) {
            try {
                reader.join(READER_STOP_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "IpcClient[" + socketPath + ", v" + version
                + (isOpen() ? ", open, " + pending.size() + " pending]" : ", closed]");
    }

    /** The reader thread, for tests. */
    Thread readerThread() {
        return reader;
    }

    private CompletableFuture<Frame> sendV1(Frame frame, Duration timeout) {
        ByteBuffer bytes;
        try {
            // encoded outside the lock: it can be 4 MiB
            bytes = ByteBuffer.wrap(codec.encode(frame.version() == Frame.V1 ? frame
                    : new Frame(Frame.V1, frame.typeCode(), 0, frame.payload())));
        } catch (FrameException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(e.getMessage(), e));
        }
        if (Thread.currentThread().isInterrupted()) {
            return interrupted();
        }
        // The clock starts now, so time spent waiting for the lock counts against the caller's deadline.
        CompletableFuture<Frame> answer = withTimeout(timeout);
        writeLock.lock();
        try {
            if (pending.enqueue(answer)) {
                writeFully(bytes);
            }
        } catch (IOException e) {
            brokenWrite(e);
        } finally {
            writeLock.unlock();
        }
        return answer;
    }

    private CompletableFuture<Frame> sendV2(Frame frame, Duration timeout) {
        if (Thread.currentThread().isInterrupted()) {
            return interrupted();
        }
        CompletableFuture<Frame> answer = withTimeout(timeout);
        int id = pending.register(answer); // answers match by id, so no lock is needed to take one
        if (id == 0) {
            return answer; // closed: already failed
        }
        ByteBuffer bytes;
        try {
            // encoded outside the lock: it can be 4 MiB
            bytes = ByteBuffer.wrap(codec.encode(new Frame(Frame.V2, frame.typeCode(), id, frame.payload())));
        } catch (FrameException e) {
            pending.release(id, answer);
            answer.completeExceptionally(new IllegalArgumentException(e.getMessage(), e));
            return answer;
        }
        writeLock.lock(); // only so that frames are not interleaved
        try {
            writeFully(bytes);
        } catch (IOException e) {
            brokenWrite(e);
        } finally {
            writeLock.unlock();
        }
        return answer;
    }

    private static CompletableFuture<Frame> withTimeout(Duration timeout) {
        return new CompletableFuture<Frame>().orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static CompletableFuture<Frame> interrupted() {
        return CompletableFuture.failedFuture(new IllegalStateException(
                "not sent: the calling thread is interrupted (writing would close the shared connection)"));
    }

    private void writeFully(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    /** A partly written frame desynchronises the stream for everyone: end the connection. */
    private void brokenWrite(IOException e) {
        shutdown(new IpcConnectionException("cannot send to " + socketPath + ": " + e, e));
    }

    /**
     * The handshake: CAPABILITIES in v1, before anything else is sent.
     *
     * @return the version to speak
     * @throws IpcConnectionException as documented on {@link #connect(Path, IpcClientOptions)}
     */
    private int negotiate(long deadlineNanos) {
        Duration left = Duration.ofNanos(Math.max(deadlineNanos - System.nanoTime(), 1));
        CompletableFuture<Capabilities> asked = sendV1(Frame.of(MessageType.CAPABILITIES), left)
                .thenApply(Answers::capabilities);
        try {
            List<Integer> versions = asked.get().protocolVersions();
            return versions != null && versions.contains(Frame.V2) ? Frame.V2 : Frame.V1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IpcConnectionException("interrupted while connecting to " + socketPath, e);
        } catch (ExecutionException e) {
            return switch (e.getCause()) {
                case IpcErrorException refused when endsTheConnection(refused) -> throw new IpcConnectionException(
                        "the gateway at " + socketPath + " refused the connection: " + refused.getMessage(), refused);
                case IpcErrorException notServed -> Frame.V1;
                case IpcProtocolException notADocument -> Frame.V1;
                case IpcConnectionException ended -> throw ended;
                case TimeoutException t -> throw new IpcConnectionException("cannot connect to " + socketPath
                        + ": no answer to CAPABILITIES within " + options.connectTimeout().toMillis() + " ms", t);
                case IllegalStateException interruptedCaller -> throw new IpcConnectionException(
                        "interrupted while connecting to " + socketPath, interruptedCaller);
                case Throwable other -> throw new IpcConnectionException(
                        "cannot connect to " + socketPath + ": " + other, other);
            };
        }
    }

    /** The answers a gateway sends before it closes a connection it will not serve (PROTOCOL.md, Transport). */
    private static boolean endsTheConnection(IpcErrorException e) {
        return e.errorCode() == ErrorCode.PERMISSION_DENIED || "connection_limit".equals(e.reason());
    }

    private CompletableFuture<TaskResponse> task(MessageType type, byte[] payload, Duration timeout) {
        return request(Frame.of(type, payload), timeout).thenApply(Answers::task);
    }

    private static byte[] taskRef(String taskId) {
        return Json.write(new TaskRef(Objects.requireNonNull(taskId, "taskId")));
    }

    /** First caller wins: its cause is what every pending and later request sees. */
    private void shutdown(IpcConnectionException cause) {
        if (pending.close(cause)) {
            Connector.closeQuietly(channel); // also unblocks the reader
        }
    }
}
