package io.beamline.ipc.bench.load;

import com.sun.management.ThreadMXBean;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Heap bytes allocated so far by other JVMs (e.g. the gateway), read from outside so the measured process needs
 * no code of its own for it: the attach API starts the JVM's local JMX agent, and each reading is
 * {@link ThreadMXBean#getTotalThreadAllocatedBytes} over that connection.
 *
 * <p>Why this counter: it adds every thread's allocated bytes, terminated threads included, with the bytes used
 * in each thread's current TLAB, so a difference of two readings is what was allocated between them, to the
 * object. Micrometer's {@code jvm_gc_memory_allocated_bytes_total} only moves at a GC (young-generation size
 * before the GC), so a window's figure would be off by up to an eden and miss humongous allocations; a JFR
 * {@code jdk.ThreadAllocationStatistics} is sampled per period and loses threads that ended.
 *
 * <p>Each reading is an RMI call, and serving it allocates in the measured JVM (about 7 KB on JDK 25): read
 * around windows of thousands of requests, not around single requests. {@link #readingCost} says how much.
 */
public final class JvmAllocation implements AutoCloseable {

    private final Map<String, ThreadMXBean> jvms;
    private final List<JMXConnector> connectors;

    private JvmAllocation(Map<String, ThreadMXBean> jvms, List<JMXConnector> connectors) {
        this.jvms = jvms;
        this.connectors = connectors;
    }

    /** Reads nothing: {@link #sample} is empty. */
    public static JvmAllocation none() {
        return new JvmAllocation(Map.of(), List.of());
    }

    /** Attaches to each JVM of {@code name=PID,name=PID}; an empty or null spec gives {@link #none}. */
    public static JvmAllocation attach(String spec) throws IOException {
        Map<String, ThreadMXBean> jvms = new LinkedHashMap<>();
        List<JMXConnector> connectors = new ArrayList<>();
        if (spec != null && !spec.isBlank()) {
            for (String part : spec.split(",")) {
                String[] kv = part.trim().split("=", 2);
                JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(localAgent(kv[1])));
                connectors.add(c);
                jvms.put(kv[0], ManagementFactory.newPlatformMXBeanProxy(c.getMBeanServerConnection(),
                        ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class));
            }
        }
        return new JvmAllocation(jvms, connectors);
    }

    private static String localAgent(String pid) throws IOException {
        try {
            VirtualMachine vm = VirtualMachine.attach(pid);
            try {
                return vm.startLocalManagementAgent(); // idempotent: a second attach gets the same address
            } finally {
                vm.detach();
            }
        } catch (com.sun.tools.attach.AttachNotSupportedException e) {
            throw new IOException("cannot attach to JVM " + pid + ": " + e.getMessage(), e);
        }
    }

    public Set<String> names() {
        return jvms.keySet();
    }

    /** Bytes allocated so far by each JVM; one that cannot be read gives NaN. */
    public Map<String, Double> sample() {
        Map<String, Double> out = new LinkedHashMap<>();
        jvms.forEach((name, threads) -> {
            try {
                out.put(name, (double) threads.getTotalThreadAllocatedBytes());
            } catch (RuntimeException e) { // the JVM went away: an undeclared IOException
                out.put(name, Double.NaN);
            }
        });
        return out;
    }

    /**
     * What one reading allocates in each JVM: the smallest difference of a few back-to-back readings (the
     * measured process idle), so the windows' figures can be judged against it.
     */
    public Map<String, Double> readingCost() {
        Map<String, Double> least = new LinkedHashMap<>();
        Map<String, Double> previous = sample();
        for (int i = 0; i < 5; i++) {
            Map<String, Double> next = sample();
            ProcessCpu.delta(previous, next).forEach((name, d) -> least.merge(name, d, Math::min));
            previous = next;
        }
        return least;
    }

    @Override
    public void close() {
        for (JMXConnector c : connectors) {
            try {
                c.close();
            } catch (IOException e) {
                // the JVM is gone already: nothing to release
            }
        }
    }
}
