# Sourced by ./mvnw, ./cab and .ci/run: makes JAVA_HOME point at a JDK 25 or newer.
# Order: an explicit JAVA_HOME that is new enough; CAB_JAVA_HOME; `java` on PATH; the usual
# install folders (Debian/Ubuntu /usr/lib/jvm, SDKMAN, ~/.jdks, macOS). Stops with a message
# naming what to install when none is found.
cab_java_major() {
  # prints the feature version of the JDK at $1 (e.g. 25), or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}
cab_find_jdk() {
  for cand in "${JAVA_HOME-}" "${CAB_JAVA_HOME-}" \
    "$(command -v javac >/dev/null 2>&1 && dirname "$(dirname "$(readlink -f "$(command -v javac)")")")" \
    /usr/lib/jvm/* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* \
    /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -n "$cand" ] || continue
    major=$(cab_java_major "$cand")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      printf '%s\n' "$cand"
      return 0
    fi
  done
  return 1
}
# mvnw runs with `set -f`; the folder globs above need globbing, in this subshell only.
if ! CAB_JDK=$(set +f; cab_find_jdk); then
  echo "cab-telemetry needs a JDK 25 or newer, and none was found (looked at JAVA_HOME, PATH and /usr/lib/jvm)." >&2
  echo "Install one, e.g. 'apt-get install temurin-25-jdk' or from https://adoptium.net, or set JAVA_HOME to it." >&2
  exit 1
fi
JAVA_HOME=$CAB_JDK
export JAVA_HOME
unset CAB_JDK
