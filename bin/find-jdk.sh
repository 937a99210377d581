# Sourced by ge4j's scripts: selects a JDK >= 25 into JAVA_HOME, or exits with a clear message.
# The version comes from the JDK's `release` file (no JVM is started: this runs on every launch); only a JDK
# without one is asked by running it.
ge4j_java_major() {
  local v=""
  if [ -f "$1/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\{0,1\}\([0-9][0-9]*\).*/\1/p' "$1/release" | head -1)
  fi
  if [ -z "$v" ]; then
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}')
    v=${v#1.}
    v=${v%%.*}
  fi
  echo "$v"
}
ge4j_find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    v=$(ge4j_java_major "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge 25 ] 2>/dev/null; then return 0; fi
  fi
  best=""; bestv=0
  for d in /usr/lib/jvm/*/ "$HOME"/.sdkman/candidates/java/*/ ; do
    [ -x "${d}bin/javac" ] || continue
    v=$(ge4j_java_major "${d%/}")
    if [ -n "$v" ] && [ "$v" -ge 25 ] 2>/dev/null && [ "$v" -gt "$bestv" ]; then best="${d%/}"; bestv=$v; fi
  done
  if [ -z "$best" ]; then
    echo "ge4j: no JDK 25 or newer found (JAVA_HOME=${JAVA_HOME:-unset}; searched /usr/lib/jvm). Install a JDK >= 25, e.g. Temurin 25." >&2
    exit 1
  fi
  export JAVA_HOME="$best"
}
ge4j_find_jdk
export PATH="$JAVA_HOME/bin:$PATH"
