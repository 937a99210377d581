#!/usr/bin/env bash
# Cold start of `ge4j run MODEL.om` — process start to first result, as a user feels it — against ONNX
# Runtime's (a fresh JVM that creates a session and runs once, through `ge4j bench --engine ort --cold`).
# Each ge4j start is timed from the shell around the launcher (JVM start, class loading, .om load, warm-up,
# first run, printing, exit) with its CPU time and peak RSS; configurations and repeats alternate.
#
# Usage: scripts/cold-start.sh [--repeats N] [--configs "before jit warm all"] [--om-dir DIR] [--no-ort] MODEL...
#   configurations: before = GE4J_AOT=off GE4J_JIT=off --warmup=off (the JVM's defaults, no warm-up)
#                   jit    = launcher JIT settings, no AOT cache, --warmup=off
#                   warm   = JIT settings and warm-up at load, no AOT cache
#                   all    = JIT settings, warm-up, AOT cache (scripts/train-aot-cache.sh; the default run)
# The .om files come from --om-dir (default .cache/om), compiled there from the benchmark models when missing.
# Prints one line per start, then a table of medians (wall, CPU) per model and configuration.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
models_dir="${GE4J_BENCH_MODELS:-$root/.cache/bench-models}"
om_dir="$root/.cache/om"
repeats=3
configs="before all"
ort=1
names=()
while [ $# -gt 0 ]; do
  case "$1" in
    --repeats) repeats="$2"; shift 2 ;;
    --configs) configs="$2"; shift 2 ;;
    --om-dir) om_dir="$2"; shift 2 ;;
    --no-ort) ort=0; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "cold-start: unknown option $1 (see --help)" >&2; exit 64 ;;
    *) names+=("$1"); shift ;;
  esac
done
[ ${#names[@]} -gt 0 ] || { echo "cold-start: name at least one model (see --help)" >&2; exit 64; }
mkdir -p "$om_dir"
"$root/ge4j" --version >/dev/null 2>&1 # builds the CLI when needed
results="$(mktemp)"
trap 'rm -f "$results"' EXIT

for m in "${names[@]}"; do
  om="$om_dir/$m.om"
  if [ ! -f "$om" ]; then
    echo "cold-start: compiling $m.om" >&2
    "$root/ge4j" compile --model="$models_dir/$m.onnx" --output="$om" >/dev/null 2>&1
  fi
  for r in $(seq "$repeats"); do
    for c in $configs; do
      envs=(); args=()
      case "$c" in
        before) envs=(GE4J_AOT=off GE4J_JIT=off); args=(--warmup=off) ;;
        jit) envs=(GE4J_AOT=off); args=(--warmup=off) ;;
        warm) envs=(GE4J_AOT=off) ;;
        all) ;;
        *) echo "cold-start: unknown configuration $c" >&2; exit 64 ;;
      esac
      t0=$(date +%s%N)
      out=$( { env "${envs[@]}" /usr/bin/time -f "CPU %U %S %M" "$root/ge4j" run "$om" "${args[@]}" >/dev/null; } 2>&1 ) || { echo "cold-start: $m $c failed: $out" >&2; exit 1; }
      t1=$(date +%s%N)
      read -r _ u s rss <<<"$(grep '^CPU ' <<<"$out")"
      line=$(awk -v m="$m" -v c="$c" -v w=$(( (t1 - t0) / 1000000 )) -v u="$u" -v s="$s" -v rss="$rss" -v l="$(cut -d' ' -f1 /proc/loadavg)" \
        'BEGIN { printf "%s\t%s\t%d\t%d\t%d\t%s\n", m, c, w, (u + s) * 1000, rss / 1024, l }')
      echo "$line" >>"$results"
      echo "cold-start: $(tr '\t' ' ' <<<"$line") (model config wall-ms cpu-ms rss-MB load)" >&2
    done
  done
  if [ "$ort" = 1 ]; then
    out=$(GE4J_BENCH_MODELS="$models_dir" "$root/ge4j" bench "$m" --engine ort --cold --cold-repeats "$repeats" --runs 1 --min-runs 1 --warmup 0 \
      --warmup-min-time 0 --no-until-stable 2>&1) || { echo "cold-start: ge4j bench $m --engine ort failed: $(tail -3 <<<"$out")" >&2; exit 1; }
    ms=$(awk '/^ort / && /[0-9] [mµ]?s/ && cold { v = $2; u = $3; printf "%d", (u == "s" ? v * 1000 : (u == "ms" ? v : v / 1000)) } /^cold start/ { cold = 1 }' <<<"$out")
    rss=$(awk '/^ort / && cold { for (i = 1; i <= NF; i++) if ($i == "MB") { print $(i - 1); exit } } /^cold start/ { cold = 1 }' <<<"$out")
    printf '%s\tort\t%s\t-\t%s\t%s\n' "$m" "$ms" "$rss" "$(cut -d' ' -f1 /proc/loadavg)" >>"$results"
    echo "cold-start: $m ort $ms ms (median of $repeats fresh JVMs), peak RSS $rss MB" >&2
  fi
done

echo "| model | configuration | process start → first result (median) | CPU time | peak RSS | starts |"
echo "|---|---|---:|---:|---:|---:|"
awk -F'\t' -v reps="$repeats" '{ k = $1 "\t" $2; n[k]++; w[k, n[k]] = $3; c[k, n[k]] = $4; r[k, n[k]] = $5; if (!(k in seen)) { seen[k] = 1; order[++o] = k } }
  function med(a, k, cnt,   i, j, t, v) { for (i = 1; i <= cnt; i++) v[i] = a[k, i]; for (i = 1; i <= cnt; i++) for (j = i + 1; j <= cnt; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
    return cnt % 2 ? v[(cnt + 1) / 2] : (v[cnt / 2] + v[cnt / 2 + 1]) / 2 }
  END { for (i = 1; i <= o; i++) { k = order[i]; split(k, p, "\t"); cpu = (c[k, 1] == "-") ? "—" : sprintf("%.2f s", med(c, k, n[k]) / 1000)
      printf "| %s | %s | %.2f s | %s | %d MB | %d |\n", p[1], p[2], med(w, k, n[k]) / 1000, cpu, med(r, k, n[k]), p[2] == "ort" ? reps : n[k] } }' "$results"
