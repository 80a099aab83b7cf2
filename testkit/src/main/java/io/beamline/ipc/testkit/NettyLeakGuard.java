package io.beamline.ipc.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reports a leaked buffer while it ran. Registered for every test class by
 * JUnit's extension auto-detection (see META-INF/services); the tests run with leak detection PARANOID.
 */
public final class NettyLeakGuard implements BeforeAllCallback, AfterAllCallback {

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    static {
        // Must run before Netty creates its detectors (class init of its buffers): this class is loaded by
        // JUnit's auto-detection before any test code.
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                       long maxActive) {
                ResourceLeakDetector<T> detector = new ResourceLeakDetector<>(resource, samplingInterval);
                detector.setLeakListener((type, records) -> LEAKS.add("LEAK of " + type + ":\n" + records));
                return detector;
            }
        });
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        assertThat(ResourceLeakDetector.getLevel())
                .as("tests must run with -Dio.netty.leakDetection.level=PARANOID")
                .isEqualTo(ResourceLeakDetector.Level.PARANOID);
        LEAKS.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        collectPendingReports();
        assertThat(LEAKS).as("Netty leak reports during " + context.getDisplayName()).isEmpty();
    }

    /**
     * Leaks are reported when a later buffer is tracked after the leaked one was collected:
     * collect garbage, then track a few buffers so that the detector drains its reference queue.
     */
    public static void collectPendingReports() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            for (int i = 0; i < 16; i++) {
                ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                pooled.release();
                ByteBuf heap = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
                heap.release();
            }
        }
    }
}
