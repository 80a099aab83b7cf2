package io.beamline.ipc.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.protocol.Capabilities;
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
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connection to the Beamline IPC gateway speaking protocol v1 over its Unix socket.
 *
 * <p><b>Threading.</b> All methods are thread-safe and never wait for an answer: requests from any number
 * of threads are pipelined on the one connection and each returns a {@link CompletableFuture}. Protocol v1
 * has no request id, so answers are matched to requests by order; appending to the pending queue and
 * writing the frame happen under one lock so that queue order is wire order. Futures are completed on the
 * single reader thread ({@code ipc-client-reader}); stages attached with non-async methods
 * ({@code thenApply}, {@code whenComplete}, …) run on it too and must not block, or every answer behind
 * them waits. Use the {@code …Async} variants for slow work.
 *
 * <p><b>Failures</b> are reported through the future (as the cause of {@code ExecutionException} from
 * {@code get()}, or of {@code CompletionException} from {@code join()}):
 * <ul>
 *   <li>{@link IpcErrorException}: the gateway answered RESPONSE_ERROR;</li>
 *   <li>{@link IpcProtocolException}: the answer has an unexpected type or an unreadable payload;</li>
 *   <li>{@link java.util.concurrent.TimeoutException}: no answer within the request's timeout. The request
 *       keeps its place in line, so its late answer is read and dropped, never given to another request;</li>
 *   <li>{@link IpcConnectionException}: the connection closed or broke, before or while the request was
 *       waiting. After that every call fails at once with the same exception;</li>
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
     * Connects to the gateway listening on {@code socketPath}.
     *
     * @throws IpcConnectionException when the socket does not exist, refuses, or does not accept within
     *                                {@link IpcClientOptions#connectTimeout()}
     */
    public static IpcClient connect(Path socketPath, IpcClientOptions options) {
        Objects.requireNonNull(socketPath, "socketPath");
        Objects.requireNonNull(options, "options");
        IpcClient client = new IpcClient(socketPath, options, Connector.connect(socketPath, options.connectTimeout()));
        client.reader.start(); // only once fully constructed
        return client;
    }

    public Path socketPath() {
        return socketPath;
    }

    public IpcClientOptions options() {
        return options;
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

    /** Sends any frame; completes with whatever frame answers it, RESPONSE_ERROR included. */
    public CompletableFuture<Frame> request(Frame frame) {
        return request(frame, options.requestTimeout());
    }

    public CompletableFuture<Frame> request(Frame frame, Duration timeout) {
        Objects.requireNonNull(frame, "frame");
        IpcClientOptions.requirePositive(timeout, "timeout");
        ByteBuffer bytes;
        try {
            bytes = ByteBuffer.wrap(codec.encode(frame)); // encoded outside the lock: it can be 4 MiB
        } catch (FrameException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(e.getMessage(), e));
        }
        if (Thread.currentThread().isInterrupted()) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "not sent: the calling thread is interrupted (writing would close the shared connection)"));
        }
        // The clock starts now, so time spent waiting for the lock counts against the caller's deadline.
        CompletableFuture<Frame> answer = new CompletableFuture<Frame>().orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
        writeLock.lock();
        try {
            if (pending.enqueue(answer)) {
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            }
        } catch (IOException e) {
            // A partly written frame desynchronises the stream for everyone: end the connection.
            shutdown(new IpcConnectionException("cannot send to " + socketPath + ": " + e, e));
        } finally {
            writeLock.unlock();
        }
        return answer;
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
        return "IpcClient[" + socketPath + (isOpen() ? ", open, " + pending.size() + " pending]" : ", closed]");
    }

    /** The reader thread, for tests. */
    Thread readerThread() {
        return reader;
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
