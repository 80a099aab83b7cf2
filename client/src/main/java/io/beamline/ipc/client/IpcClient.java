package io.beamline.ipc.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.protocol.Capabilities;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.FrameCodec;
import io.beamline.ipc.protocol.FrameException;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;
import io.beamline.ipc.protocol.ProtocolException;
import io.beamline.ipc.protocol.TaskRef;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
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
 *       for (in v2: an unknown request id), a bad frame header, and a frame its request does not allow
 *       (a stream frame for a request that does not stream, a stream frame before a stream's answer) end
 *       the connection this way, with an {@link IpcProtocolException} or the header's error as the cause;</li>
 *   <li>{@link IllegalArgumentException}: the request frame is larger than
 *       {@link IpcClientOptions#maxFrameBytes()}, or it would start a stream outside {@link #submitStream}
 *       and {@link #subscribe} (a TASK_SUBMIT with {@code "stream": true}, a STREAM_SUBSCRIBE); it is
 *       refused before anything is sent and the connection stays usable;</li>
 *   <li>{@link IllegalStateException}: the calling thread is interrupted. Writing from an interrupted thread
 *       would make NIO close the socket shared by all requests, so nothing is sent.</li>
 * </ul>
 * Null arguments and non-positive timeouts are programming errors and throw at once.
 *
 * <p><b>Streams.</b> {@link #submitStream} and {@link #subscribe} return a {@link TaskStream}: the answer
 * that starts the stream, a {@link java.util.concurrent.Flow.Publisher} of its chunks with demand respected
 * (held up to {@link IpcClientOptions#streamBufferBytes()}, then the stream is cancelled), and its typed
 * end. Subscribers are signalled on virtual threads named {@value #STREAM_THREAD_NAME}…, never on the
 * reader thread. A stream works on v1 and v2 connections alike: on v1 it holds the head of the line until
 * its terminal frame, so the answers of v1 requests sent after it wait (the gateway sends them after it).
 */
public final class IpcClient implements AutoCloseable {

    /** Name of the thread that reads answers. */
    public static final String READER_THREAD_NAME = "ipc-client-reader";
    /** Prefix of the names of the virtual threads that signal stream subscribers. */
    public static final String STREAM_THREAD_NAME = "ipc-client-stream-";

    /** How long {@link #close()} waits for the reader thread, in case a callback on it is blocked. */
    private static final Duration READER_STOP_WAIT = Duration.ofSeconds(5);

    private final Path socketPath;
    private final IpcClientOptions options;
    private final SocketChannel channel;
    private final FrameCodec codec;
    private final PendingRequests pending = new PendingRequests();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Thread reader;
    /** Where stream subscribers are signalled and stream cancels sent: never the reader thread. */
    private final Executor streamSignals;
    /** The version requests are sent in: v1 until {@link #connect} has chosen, then fixed. */
    private volatile int version = Frame.V1;

    private IpcClient(Path socketPath, IpcClientOptions options, SocketChannel channel) {
        this.socketPath = socketPath;
        this.options = options;
        this.channel = channel;
        this.codec = new FrameCodec(options.maxFrameBytes());
        ReaderLoop loop = new ReaderLoop(new FrameReader(channel, codec), pending, this::shutdown);
        this.reader = Thread.ofPlatform().name(READER_THREAD_NAME).daemon(true).unstarted(loop);
        ThreadFactory virtual = Thread.ofVirtual().name(STREAM_THREAD_NAME, 0).factory();
        this.streamSignals = task -> virtual.newThread(task).start();
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

    /**
     * TASK_SUBMIT with {@code payload} as is (e.g. {@code {"task_type":…,"payload":{…}}}). A payload with
     * {@code "stream": true} is refused ({@link IllegalArgumentException}): use {@link #submitStream}.
     */
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
        if (startsStream(frame)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("not sent: " + frame.type()
                    + " would start a stream, whose frames only submitStream() and subscribe() can read"));
        }
        CompletableFuture<Frame> answer = withTimeout(timeout);
        send(frame, Receiver.single(answer));
        return answer;
    }

    /** {@link #submitStream(ObjectNode, Duration)} with {@link IpcClientOptions#requestTimeout()}. */
    public TaskStream submitStream(ObjectNode payload) {
        return submitStream(payload, options.requestTimeout());
    }

    /**
     * TASK_SUBMIT of {@code payload} with {@code "stream": true}: the task's output as a {@link TaskStream}.
     * On a v1 connection a payload without {@code task_id} gets one (a UUID v4, as the gateway would
     * choose) so that the stream can be cancelled before its answer; {@code payload} itself is not changed.
     *
     * @param answerTimeout how long to wait for the answer (the decision); once it came, the stream has no
     *                      deadline of the client's (the gateway ends a stream the Router leaves silent with
     *                      status {@code timeout})
     */
    public TaskStream submitStream(ObjectNode payload, Duration answerTimeout) {
        Objects.requireNonNull(payload, "payload");
        IpcClientOptions.requirePositive(answerTimeout, "answerTimeout");
        ObjectNode request = payload.deepCopy();
        request.put("stream", true);
        if (version == Frame.V1 && !request.hasNonNull("task_id")) {
            request.put("task_id", UUID.randomUUID().toString());
        }
        JsonNode named = request.get("task_id");
        String taskId = named != null && named.isTextual() ? named.asText() : null;
        return stream(TaskStream.Kind.SUBMIT, taskId, Frame.of(MessageType.TASK_SUBMIT, Json.write(request)),
                answerTimeout);
    }

    /** STREAM_SUBSCRIBE without {@code from_seq}: from seq 1, the gateway's default. */
    public TaskStream subscribe(String taskId) {
        return subscribe(taskId, 0, options.requestTimeout());
    }

    /** {@link #subscribe(String, long, Duration)} with {@link IpcClientOptions#requestTimeout()}. */
    public TaskStream subscribe(String taskId, long fromSeq) {
        return subscribe(taskId, fromSeq, options.requestTimeout());
    }

    /**
     * STREAM_SUBSCRIBE: attaches to the stream of a task the same user submitted on this gateway (on any
     * connection), from chunk {@code fromSeq}: the chunks still held from there, the live ones, and the
     * terminal frame. The answer is {@code {"ok":true,"task_id","from_seq"}}; a task the gateway does not
     * hold fails it with {@link IpcErrorException} {@code stream_not_found}, chunks no longer held with
     * {@code replay_unavailable}. Cancelling this stream cancels the task (TASK_CANCEL by its id).
     *
     * @param fromSeq the first seq wanted, at least 1; 0 to send none (the gateway's default is 1)
     */
    public TaskStream subscribe(String taskId, long fromSeq, Duration answerTimeout) {
        Objects.requireNonNull(taskId, "taskId");
        IpcClientOptions.requirePositive(answerTimeout, "answerTimeout");
        if (fromSeq < 0) {
            throw new IllegalArgumentException("fromSeq must be at least 1 (or 0: the gateway's default), was " + fromSeq);
        }
        ObjectNode request = Json.mapper().createObjectNode().put("task_id", new TaskRef(taskId).taskId());
        if (fromSeq > 0) {
            request.put("from_seq", fromSeq);
        }
        return stream(TaskStream.Kind.SUBSCRIBE, taskId, Frame.of(MessageType.STREAM_SUBSCRIBE, Json.write(request)),
                answerTimeout);
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

    private TaskStream stream(TaskStream.Kind kind, String taskId, Frame request, Duration answerTimeout) {
        TaskStream stream = new TaskStream(kind, taskId, options.streamBufferBytes(), streamSignals, this::sendCancel);
        send(request, stream.receiver());
        stream.awaitAnswerWithin(answerTimeout);
        return stream;
    }

    /**
     * TASK_CANCEL of a stream: by its request id for a v2 submit (it works before the answer named the
     * task), else by its task id. Its answer is not waited for: the stream's own frames say how it ended.
     */
    private void sendCancel(TaskStream stream) {
        ObjectNode payload = Json.mapper().createObjectNode();
        if (version == Frame.V2 && stream.kind() == TaskStream.Kind.SUBMIT && stream.requestId() != 0) {
            payload.put("request_id", Integer.toUnsignedLong(stream.requestId()));
        } else if (stream.taskId().isPresent()) {
            payload.put("task_id", stream.taskId().get());
        } else {
            return; // never sent (a v1 submit always has a task id): nothing to cancel
        }
        request(Frame.of(MessageType.TASK_CANCEL, Json.write(payload)), options.requestTimeout());
    }

    /**
     * Sends {@code frame}'s type and payload in this connection's version for {@code receiver}; a request
     * that cannot be sent fails {@code receiver} (frame too large, interrupted caller, closed connection).
     */
    private void send(Frame frame, Receiver receiver) {
        if (version == Frame.V2) {
            sendV2(frame, receiver);
        } else {
            sendV1(frame, receiver);
        }
    }

    private void sendV1(Frame frame, Receiver receiver) {
        ByteBuffer bytes;
        try {
            // encoded outside the lock: it can be 4 MiB
            bytes = ByteBuffer.wrap(codec.encode(frame.version() == Frame.V1 ? frame
                    : new Frame(Frame.V1, frame.typeCode(), 0, frame.payload())));
        } catch (FrameException e) {
            receiver.fail(new IllegalArgumentException(e.getMessage(), e));
            return;
        }
        if (Thread.currentThread().isInterrupted()) {
            receiver.fail(interrupted());
            return;
        }
        writeLock.lock();
        try {
            if (pending.enqueue(receiver)) {
                receiver.sentAs(0);
                writeFully(bytes);
            }
        } catch (IOException e) {
            brokenWrite(e);
        } finally {
            writeLock.unlock();
        }
    }

    private void sendV2(Frame frame, Receiver receiver) {
        if (Thread.currentThread().isInterrupted()) {
            receiver.fail(interrupted());
            return;
        }
        int id = pending.register(receiver); // answers match by id, so no lock is needed to take one
        if (id == 0) {
            return; // closed: already failed
        }
        ByteBuffer bytes;
        try {
            // encoded outside the lock: it can be 4 MiB
            bytes = ByteBuffer.wrap(codec.encode(new Frame(Frame.V2, frame.typeCode(), id, frame.payload())));
        } catch (FrameException e) {
            pending.release(id);
            receiver.fail(new IllegalArgumentException(e.getMessage(), e));
            return;
        }
        receiver.sentAs(id);
        writeLock.lock(); // only so that frames are not interleaved
        try {
            writeFully(bytes);
        } catch (IOException e) {
            brokenWrite(e);
        } finally {
            writeLock.unlock();
        }
    }

    /** A TASK_SUBMIT with {@code "stream": true}, or a STREAM_SUBSCRIBE. */
    private static boolean startsStream(Frame frame) {
        MessageType type = frame.type();
        if (type == MessageType.STREAM_SUBSCRIBE) {
            return true;
        }
        if (type != MessageType.TASK_SUBMIT) {
            return false;
        }
        try {
            return Json.parseObject(frame.payload()).path("stream").asBoolean(false);
        } catch (ProtocolException notJson) {
            return false; // the gateway answers it with an error: no stream
        }
    }

    private static CompletableFuture<Frame> withTimeout(Duration timeout) {
        return new CompletableFuture<Frame>().orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static IllegalStateException interrupted() {
        return new IllegalStateException(
                "not sent: the calling thread is interrupted (writing would close the shared connection)");
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
        CompletableFuture<Frame> answer = withTimeout(left);
        sendV1(Frame.of(MessageType.CAPABILITIES), Receiver.single(answer));
        CompletableFuture<Capabilities> asked = answer.thenApply(Answers::capabilities);
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
