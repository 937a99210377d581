# Sourced by ge4j's scripts: selects a JDK >= 25 into JAVA_HOME, or exits with a clear message.
ge4j_java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'; }
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
