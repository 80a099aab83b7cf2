package io.beamline.ipc.gateway.ipc;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;

/**
 * unsetenv(3) of this process, so that a child process started later (by any library, with the inherited
 * environment) does not get the variables. {@link System#getenv()} is a copy taken at start and does not change.
 *
 * <p>Java 21, which the build targets, has the foreign-function API only as a preview, so it is reached by
 * reflection and works on JDK 22 and later (the launchers use 25); elsewhere {@link #unset} reports false.
 * Used once at start, so the reflection costs nothing that matters.
 */
final class NativeEnvironment {

    private NativeEnvironment() {
    }

    /** Removes {@code name} from this process's environment; false when the JDK cannot (before 22). */
    static boolean unset(String name) {
        return call("unsetenv", new Object[] {name}) == 0;
    }

    /** setenv(name, value, 1); for tests, to have a variable to remove. */
    static boolean set(String name, String value) {
        return call("setenv", new Object[] {name, value, 1}) == 0;
    }

    /** Calls libc's {@code function} with C strings and ints; -1 when the call is not possible. */
    private static int call(String function, Object[] args) {
        try {
            Class<?> linkerClass = Class.forName("java.lang.foreign.Linker");
            Class<?> layoutClass = Class.forName("java.lang.foreign.MemoryLayout");
            Class<?> values = Class.forName("java.lang.foreign.ValueLayout");
            Class<?> descriptorClass = Class.forName("java.lang.foreign.FunctionDescriptor");
            Class<?> segmentClass = Class.forName("java.lang.foreign.MemorySegment");
            Class<?> optionClass = Class.forName("java.lang.foreign.Linker$Option");
            Class<?> arenaClass = Class.forName("java.lang.foreign.Arena");
            Class<?> allocatorClass = Class.forName("java.lang.foreign.SegmentAllocator");

            Object linker = linkerClass.getMethod("nativeLinker").invoke(null);
            Object lookup = linkerClass.getMethod("defaultLookup").invoke(linker);
            Object symbol = ((java.util.Optional<?>) Class.forName("java.lang.foreign.SymbolLookup")
                    .getMethod("find", String.class).invoke(lookup, function)).orElseThrow();
            Object address = values.getField("ADDRESS").get(null);
            Object javaInt = values.getField("JAVA_INT").get(null);
            Object params = Array.newInstance(layoutClass, args.length);
            for (int i = 0; i < args.length; i++) {
                Array.set(params, i, args[i] instanceof String ? address : javaInt);
            }
            Object descriptor = descriptorClass.getMethod("of", layoutClass, params.getClass())
                    .invoke(null, javaInt, params);
            MethodHandle handle = (MethodHandle) linkerClass
                    .getMethod("downcallHandle", segmentClass, descriptorClass, optionClass.arrayType())
                    .invoke(linker, symbol, descriptor, Array.newInstance(optionClass, 0));
            try (AutoCloseable arena = (AutoCloseable) arenaClass.getMethod("ofConfined").invoke(null)) {
                Object[] native_ = new Object[args.length];
                for (int i = 0; i < args.length; i++) {
                    native_[i] = args[i] instanceof String s
                            ? allocatorClass.getMethod("allocateFrom", String.class).invoke(arena, s) : args[i];
                }
                return (int) handle.invokeWithArguments(native_);
            }
        } catch (Throwable e) { // no such API (JDK 21), native access refused: the variables stay
            return -1;
        }
    }
}
