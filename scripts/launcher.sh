# Sourced by the bin/ launchers: finds the repo, a JDK >= 21 and a module's runtime class path, then
# exec's the JVM so that signals reach it and its exit code is the launcher's.
# usage: launch MODULE MAIN_CLASS [ARGS...]
#
# JVM defaults per module (jvm_defaults below; docs/PERFORMANCE.md "Footprint — issue 10" has the figures),
# and the module's AOT cache (JDK 25+) or AppCDS archive (JDK 21-24) when `make build` made one
# (scripts/build-jvm-cache). $JAVA_OPTS comes after the defaults, so the user's flags win; a user flag of the same
# group (a GC, a heap size, a class-data cache) drops our whole group, so that no combination is refused.
# BEAMLINE_JVM_DEFAULTS=off leaves out the defaults and the cache (the JVM's own defaults, as before issue 10);
# BEAMLINE_JVM_CACHE_DIR is where the caches are looked for (default: MODULE/target/jvm-cache; in the archive of
# `make dist`: lib/MODULE/jvm-cache).

# jvm_defaults MODULE MAJOR: prints "GROUP FLAG" lines for that module on a JDK of that feature version.
jvm_defaults() {
  case "$1" in
    gateway | router)
      # A long-running server with a small live set. The JVM's server defaults (a quarter of RAM as heap, 1/64
      # of it committed at once) cost ~35 MB of idle RSS, and a burst of 10,000 submits peaked at 286 MB.
      # G1 stays (short pauses under load; Serial GC saves 3-7 MB and 6 threads idle, but its pauses hurt the p99.9
      # and it gives the heap back only after a full collection), with:
      # a periodic collection after 10 s without one, which uncommits the heap a burst grew (JEP 346);
      echo "gc -XX:+UseG1GC"
      echo "gc -XX:G1PeriodicGCInterval=10000"
      # a heap that starts small, grows as a burst needs (10,000 submits in flight fit), never past 256 MB,
      # and keeps at most 30 % of itself free after a collection;
      echo "heap -Xms8m"
      echo "heap -Xmx256m"
      echo "heap -XX:MinHeapFreeRatio=10"
      echo "heap -XX:MaxHeapFreeRatio=30"
      # while busy, a heap large enough that collection takes at most 2 % of the time (G1's default, 8 %, kept a
      # 60-90 MB heap at 20,000 requests/s: a young collection every ~0.1 s, three times the pause time and CPU
      # of the JVM's defaults and worse tails; measured in docs/PERFORMANCE.md, issue 10). Idle, the periodic
      # collection still gives it back.
      echo "heap -XX:GCTimeRatio=49"
      # glibc keeps freed native memory (Netty's buffers, the JIT's arenas) in its arenas: trim it every 10 s
      # (JDK 22+; on 21 the flag is experimental).
      if [ "${2:-0}" -ge 22 ]; then echo "native -XX:TrimNativeHeapInterval=10000"; fi
      # 8-byte object headers (JEP 519, JDK 25): every object is 4 bytes smaller, ~10-20 % less heap.
      if [ "${2:-0}" -ge 25 ]; then echo "headers -XX:+UseCompactObjectHeaders"; fi
      ;;
    client)
      # The CLI lives a fraction of a second: C1 only (no C2 compiles it would never use), Serial GC, small heap.
      echo "gc -XX:+UseSerialGC"
      echo "heap -Xmx64m"
      echo "jit -XX:TieredStopAtLevel=1"
      ;;
  esac
}

# Whether this shell was started with SIGHUP ignored (signal 1: the lowest bit of SigIgn; bash keeps it so).
hup_ignored() {
  local k v
  while read -r k v; do
    if [ "$k" = SigIgn: ]; then (( 0x$v & 1 )); return; fi
  done </proc/$$/status
  return 1
}

launch() {
  local module="$1" main="$2"; shift 2
  local root java_home jar="" f line major="" cp dir
  root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
  # Two layouts: the archive of `make dist` (scripts/make-dist: its own Java runtime in runtime/, the jars in
  # lib/MODULE/) and a source checkout (a JDK found by scripts/find-jdk, the jars in MODULE/target/).
  if [ -x "$root/runtime/bin/java" ] && [ -d "$root/lib/$module" ]; then
    java_home="$root/runtime"
    dir="$root/lib/$module"
  else
    java_home="$("$root/scripts/find-jdk")" || exit 1
    dir="$root/$module/target"
  fi
  # The module's jar (not -sources or -tests): a glob, no ls/grep subprocesses.
  for f in "$dir/$module"-*.jar; do
    case "$f" in *-sources.jar | *-tests.jar) continue ;; esac
    [ -f "$f" ] && { jar="$f"; break; }
  done
  if [ -z "$jar" ] || [ ! -d "$dir/lib" ]; then
    echo "$(basename "$0"): $module is not built; run 'make build' first" >&2
    exit 1
  fi
  cp="$jar:$dir/lib/*"
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
        -Xms* | -Xmx* | -XX:*RAMPercentage=* | -XX:MaxRAM=* | -XX:*HeapFreeRatio=* | -XX:GCTimeRatio=*) user+="heap " ;;
        -XX:[+-]UseCompactObjectHeaders) user+="headers " ;;
        -XX:TieredStopAtLevel=* | -XX:[+-]TieredCompilation) user+="jit " ;;
        -XX:AOT* | -XX:SharedArchiveFile=* | -XX:ArchiveClassesAtExit=* | -Xshare:*) user+="cache " ;;
        -XX:TrimNativeHeapInterval=*) user+="native " ;;
      esac
    done
    while read -r group flag; do
      case "$user" in *" $group "*) continue ;; esac
      flags+=("$flag")
    done < <(jvm_defaults "$module" "${major:-0}")
    # The class-data cache made by `make build` (scripts/build-jvm-cache): classes already parsed, verified and
    # linked (and, with the JDK 25 AOT cache, loaded and method profiles), so start-up does less. Used only when
    # it is newer than every jar of the class path: JDK 25.0.3 and older do not notice a rebuilt jar in a cache
    # made by -XX:AOTCacheOutput and run the OLD classes (JDK-8377932, fixed in 25.0.4), so a jar rebuilt
    # without `make build` must turn the cache off here. A cache made by another JDK, or with other GC or
    # header flags, the JVM ignores itself; its warnings (on stdout!) are turned off, so such a cache costs
    # only the speed-up. -Xlog:aot or -Xlog:cds in JAVA_OPTS shows them again.
    local cache="${BEAMLINE_JVM_CACHE_DIR:-$dir/jvm-cache}/$module" file=""
    case "$user" in *" cache "*) ;; *)
      if [ -n "$major" ] && [ "$major" -ge 25 ]; then file="$cache.aot"; elif [ -n "$major" ] && [ "$major" -ge 21 ]; then file="$cache.jsa"; fi
      if [ -n "$file" ] && [ -f "$file" ]; then
        for f in "$jar" "$dir/lib/"*.jar; do
          [ "$f" -nt "$file" ] && { file=""; break; }
        done
      else
        file=""
      fi
      ;;
    esac
    if [ -n "$file" ] && [ "$major" -ge 25 ]; then
      flags+=("-XX:AOTCache=$file" "-Xlog:aot*=off,cds*=off")
    elif [ -n "$file" ]; then
      flags+=("-XX:SharedArchiveFile=$file" "-Xshare:auto" "-Xlog:cds*=off")
    fi
  fi
  # glibc gives each thread that mallocs its own arena (up to 8 per core), and freed memory stays in them: two
  # arenas keep the RSS after a burst lower (measured: 122 MB instead of 132-154 at +60 s). The user's value wins.
  case "$module" in gateway | router)
    [ "${BEAMLINE_JVM_DEFAULTS:-on}" = off ] || export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" ;;
  esac
  # The gateway reloads its configuration on SIGHUP, but the JVM installs no handler for a signal ignored at start,
  # as under `nohup`: reload would be off without a word. So then it starts with SIGHUP's default action
  # (coreutils' env, 8.31 and later), as daemons that reload on SIGHUP do; a hangup then reloads instead of ending
  # it. Checked without a subprocess first: a usual start pays nothing.
  local reset=()
  if [ "$module" = gateway ] && hup_ignored && env --default-signal=HUP true 2>/dev/null; then
    reset=(env --default-signal=HUP)
  fi
  # shellcheck disable=SC2086  # JAVA_OPTS is split on purpose
  exec "${reset[@]}" "$java_home/bin/java" "${flags[@]}" ${JAVA_OPTS:-} -cp "$cp" "$main" "$@"
}
