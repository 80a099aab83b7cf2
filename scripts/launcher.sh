# Sourced by the bin/ launchers: finds the repo, a JDK >= 21 and a module's runtime class path, then
# exec's the JVM so that signals reach it and its exit code is the launcher's.
# usage: launch MODULE MAIN_CLASS [ARGS...]
#
# JVM defaults per module (jvm_defaults below; docs/PERFORMANCE.md "Footprint — issue 10" has the figures),
# and the module's AOT cache (JDK 25+) or AppCDS archive (JDK 21-24) when `make build` made one
# (scripts/build-jvm-cache). $JAVA_OPTS comes after the defaults, so the user's flags win; a user flag of the same
# group (a GC, a heap size, a class-data cache) drops our whole group, so that no combination is refused.
# BEAMLINE_JVM_DEFAULTS=off leaves out the defaults and the cache (the JVM's own defaults, as before issue 10).

# jvm_defaults MODULE: prints "GROUP FLAG" lines.
jvm_defaults() {
  case "$1" in
    gateway | router)
      # A long-running server with a small live set (tasks, connections): the JVM's server defaults (G1, a
      # quarter of RAM as heap, 1/64 of it committed at once) cost ~40 MB of RSS more for nothing.
      # Serial GC: no GC threads nor G1's remembered sets (-6 threads, ~20 MB idle); young pauses of a ~20 MB heap
      # are a few ms on one core.
      echo "gc -XX:+UseSerialGC"
      # Heap: start small, grow as needed, never more than 256 MB (a burst of 10,000 submits fits); after a
      # full collection at most 30 % of it stays free (the rest is uncommitted: RSS comes back after a burst).
      echo "heap -Xms16m"
      echo "heap -Xmx256m"
      echo "heap -XX:MinHeapFreeRatio=10"
      echo "heap -XX:MaxHeapFreeRatio=30"
      ;;
    client)
      # The CLI lives a fraction of a second: C1 only (no C2 compiles it would never use), Serial GC, small heap.
      echo "gc -XX:+UseSerialGC"
      echo "heap -Xmx64m"
      echo "jit -XX:TieredStopAtLevel=1"
      ;;
  esac
}

launch() {
  local module="$1" main="$2"; shift 2
  local root java_home jar="" f line major="" cp
  root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
  java_home="$("$root/scripts/find-jdk")" || exit 1
  # The module's jar (not -sources or -tests): a glob, no ls/grep subprocesses.
  for f in "$root/$module/target/$module"-*.jar; do
    case "$f" in *-sources.jar | *-tests.jar) continue ;; esac
    [ -f "$f" ] && { jar="$f"; break; }
  done
  if [ -z "$jar" ] || [ ! -d "$root/$module/target/lib" ]; then
    echo "$(basename "$0"): $module is not built; run 'make build' first" >&2
    exit 1
  fi
  cp="$jar:$root/$module/target/lib/*"
  # The JDK's feature version, from its release file (read by bash, no sed).
  if [ -r "$java_home/release" ]; then
    while IFS= read -r line; do
      case "$line" in JAVA_VERSION=*) major="${line#JAVA_VERSION=\"}"; major="${major%%[!0-9]*}"; break ;; esac
    done <"$java_home/release"
  fi
  # Netty's epoll transport is JNI: allow it without the JDK's warning.
  local flags=(--enable-native-access=ALL-UNNAMED)
  # From JDK 23 Netty turns sun.misc.Unsafe off unless allowed; with it buffers are 25-35 % faster
  # (docs/PERFORMANCE.md). Older JDKs do not know the flag.
  if [ -n "$major" ] && [ "$major" -ge 23 ]; then flags+=(--sun-misc-unsafe-memory-access=allow); fi

  if [ "${BEAMLINE_JVM_DEFAULTS:-on}" != off ]; then
    # The groups the user's JAVA_OPTS set themselves: ours of that group are left out.
    local user=" " w group flag
    # shellcheck disable=SC2086  # split on purpose, like the JVM's own command line
    for w in ${JAVA_OPTS:-}; do
      case "$w" in
        -XX:+Use*GC) user+="gc " ;;
        -Xms* | -Xmx* | -XX:*RAMPercentage=* | -XX:MaxRAM=* | -XX:*HeapFreeRatio=*) user+="heap " ;;
        -XX:TieredStopAtLevel=* | -XX:[+-]TieredCompilation) user+="jit " ;;
        -XX:AOT* | -XX:SharedArchiveFile=* | -XX:ArchiveClassesAtExit=* | -Xshare:*) user+="cache " ;;
      esac
    done
    while read -r group flag; do
      case "$user" in *" $group "*) continue ;; esac
      flags+=("$flag")
    done < <(jvm_defaults "$module")
    # The class-data cache made by `make build`: classes already parsed, verified and linked (and, with the
    # JDK 25 AOT cache, loaded and profiled), so start-up does less. A cache made by another JDK or from other
    # jars is ignored by the JVM; its warnings (on stdout!) are turned off, so a stale cache costs only the
    # speed-up. -Xlog:aot or -Xlog:cds in JAVA_OPTS shows them again.
    local cache="$root/$module/target/jvm-cache/$module"
    case "$user" in
      *" cache "*) ;;
      *)
        if [ -n "$major" ] && [ "$major" -ge 25 ] && [ -f "$cache.aot" ]; then
          flags+=("-XX:AOTCache=$cache.aot" "-Xlog:aot*=off,cds*=off")
        elif [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -lt 25 ] && [ -f "$cache.jsa" ]; then
          flags+=("-XX:SharedArchiveFile=$cache.jsa" "-Xshare:auto" "-Xlog:cds*=off")
        fi
        ;;
    esac
  fi
  # shellcheck disable=SC2086  # JAVA_OPTS is split on purpose
  exec "$java_home/bin/java" "${flags[@]}" ${JAVA_OPTS:-} -cp "$cp" "$main" "$@"
}
