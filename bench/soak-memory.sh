#!/usr/bin/env bash
# Where a soaked gateway's memory goes (issue 10): every INTERVAL seconds, the process's RSS split into anonymous
# and file-backed pages (/proc/PID/smaps_rollup) and the JVM's own account of what it committed per Native Memory
# Tracking category and RSS per mapping, as rows "epoch_s,what,kb" (what: rss, anon, file, "nmt Code", "nmt
# Metaspace", "smaps anon@7f0000000", "smaps /path/of/file", …).
# bench/run-soak.sh runs it; NMT's rows come with GATEWAY_JAVA_OPTS=-XX:NativeMemoryTracking=summary. RSS that
# grows while no NMT category does is outside the JVM's books (malloc).
#
# usage: bench/soak-memory.sh PID OUT_CSV [INTERVAL_S, default 60]   (ends when the process is gone)
#        bench/soak-memory.sh --summary OUT_CSV [SKIP_S]   each series' first and last value after SKIP_S seconds
set -euo pipefail
if [ "${1:-}" = --summary ]; then
  awk -F, -v skip="${3:-0}" 'NR == 1 { next }
    !t0 { t0 = $1 } $1 - t0 < skip { next }
    !($2 in first) { first[$2] = $3; order[++n] = $2 } { last[$2] = $3; t1 = $1; if (!ts) ts = $1 }
    END { printf "%-32s %10s %10s %10s   (%.0f s)\n", "kB", "first", "last", "change", t1 - ts
          for (i = 1; i <= n; i++) { k = order[i]; printf "%-32s %10d %10d %+10d\n", k, first[k], last[k], last[k] - first[k] } }' "$2"
  exit 0
fi
pid="$1" out="$2" interval="${3:-60}"
java_home="${JAVA_HOME:-$("$(dirname "$(readlink -f "$0")")/../scripts/find-jdk")}"
jcmd="$java_home/bin/jcmd"

kb() { awk -v k="$1:" '$1 == k { print $2; exit }' "/proc/$pid/smaps_rollup"; }
# "-   Java Heap (reserved=262144KB, committed=24576KB)" -> "Java Heap=24576"; "Total: ... committed=…KB" too
nmt() {
  [ "$tracking" = on ] || return 0
  "$jcmd" "$pid" VM.native_memory summary 2>/dev/null | sed -n \
    -e 's/^Total: reserved=[0-9]*KB, committed=\([0-9]*\)KB.*/Total=\1/p' \
    -e 's/^-[ ]*\([A-Za-z][A-Za-z ]*[A-Za-z]\) (reserved=[0-9]*KB, committed=\([0-9]*\)KB.*/\1=\2/p'
}

# Without NMT, no jcmd each minute (it would only say so).
tracking=off
grep -qzx -e '-XX:NativeMemoryTracking=\(summary\|detail\)' "/proc/$pid/cmdline" && tracking=on
echo "epoch_s,what,kb" >"$out"   # long format: NMT's categories differ between JDKs and may appear late
while kill -0 "$pid" 2>/dev/null; do
  t="$(date -u +%s)"
  rss="$(kb Rss)" anon="$(kb Anonymous)"
  [ -n "$rss" ] || break
  { echo "$t,rss,$rss"; echo "$t,anon,$anon"; echo "$t,file,$(( rss - anon ))"
    nmt | sed "s/^\(.*\)=\(.*\)$/$t,nmt \1,\2/"
    # RSS per mapping: files by name, anonymous memory by the 256 MiB-aligned range it lies in (the Java heap, the
    # code cache, malloc's arenas and thread stacks are each reserved in one place), ranges of 1 MiB or more.
    awk -v t="$t" '/^[0-9a-f]+-[0-9a-f]+ / { split($1, a, "-"); n = $6
        k = (n == "" || n ~ /^\[/) ? "anon@" substr(a[1], 1, length(a[1]) - 7) "0000000" : n }
      /^Rss:/ { r[k] += $2 } END { for (k in r) if (r[k] >= 1024) print t ",smaps " k "," r[k] }' "/proc/$pid/smaps"
  } >>"$out"
  sleep "$interval"
done
