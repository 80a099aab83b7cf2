package io.beamline.ipc.bench.codec;

import org.openjdk.jmh.annotations.Fork;

/**
 * {@link NettyFrameBenchmark} with Netty allowed to use {@code sun.misc.Unsafe}. From Java 25 Netty 4.2 turns
 * Unsafe off by default ({@code io.netty.noUnsafe=true}) unless the JVM runs with
 * {@code --sun-misc-unsafe-memory-access=allow}; this pair shows what that default costs the gateway's
 * buffer path. (A {@code -f} on the command line keeps these JVM arguments; {@code -jvmArgsAppend} replaces them.)
 */
@Fork(jvmArgsAppend = "--sun-misc-unsafe-memory-access=allow")
public class NettyFrameUnsafeBenchmark extends NettyFrameBenchmark {
}
