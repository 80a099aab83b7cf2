# Sourced by the bin/ launchers: finds the repo, a JDK >= 21 and a module's runtime class path, then
# exec's the JVM so that signals reach it and its exit code is the launcher's.
# usage: launch MODULE MAIN_CLASS [ARGS...]

launch() {
  local module="$1" main="$2"; shift 2
  local root java_home jar cp
  root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
  java_home="$("$root/scripts/find-jdk")" || exit 1
  jar="$(ls "$root/$module/target/$module"-*.jar 2>/dev/null | grep -v -- '-\(sources\|tests\)\.jar$' | head -n 1)"
  if [ -z "$jar" ] || [ ! -d "$root/$module/target/lib" ]; then
    echo "$(basename "$0"): $module is not built; run 'make build' first" >&2
    exit 1
  fi
  cp="$jar:$root/$module/target/lib/*"
  # Netty's epoll transport is JNI: allow it without the JDK's warning.
  local flags=(--enable-native-access=ALL-UNNAMED)
  # From JDK 23 Netty turns sun.misc.Unsafe off unless allowed; with it buffers are 25-35 % faster
  # (docs/PERFORMANCE.md). Older JDKs do not know the flag.
  local major
  major="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$java_home/release" 2>/dev/null)"
  if [ -n "$major" ] && [ "$major" -ge 23 ]; then flags+=(--sun-misc-unsafe-memory-access=allow); fi
  # shellcheck disable=SC2086  # JAVA_OPTS is split on purpose
  exec "$java_home/bin/java" "${flags[@]}" ${JAVA_OPTS:-} -cp "$cp" "$main" "$@"
}
