#!/bin/sh
# Runs the benchmarks with short settings (one fork per benchmark, forks one after another) and prints
# the tables of docs/BENCHMARKS.md: placements, boot time, library kernel creation, retained heap, storage
# (about 8 minutes). Build first: mvn -B -q -o -f benchmarks/pom.xml package
# Extra arguments go to JMH (e.g. a benchmark regex: ./run.sh PlacementBenchmark).
# JMH_OPTS replaces the default settings, which JMH does not let a later option override
# (e.g. JMH_OPTS="-f 1 -wi 2 -i 20" ./run.sh BootBenchmark).
# BootBenchmark, FsToolBenchmark and the library kernel benchmarks need the launcher built
# (launcher/target/anyk.jar) and the profiles' bundles in the local Maven repository; StorageBenchmark and
# FsToolBenchmark need /usr/sbin/mke2fs (FsToolBenchmark also /usr/sbin/debugfs) and /dev/shm.
set -e
cd "$(dirname "$0")"
# the machine's default java may be 17: take JAVA_HOME if it is 21+, else the newest JDK in /usr/lib/jvm
JAVA=""
if [ -n "$JAVA_HOME" ] && "$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 \
    | grep -Eq 'java.specification.version = (2[1-9]|[3-9][0-9])'; then
  JAVA="$JAVA_HOME/bin/java"
else
  for j in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -V -r); do
    if "$j/bin/java" -XshowSettings:properties -version 2>&1 \
        | grep -Eq 'java.specification.version = (2[1-9]|[3-9][0-9])'; then
      JAVA="$j/bin/java"; break
    fi
  done
fi
[ -n "$JAVA" ] || { echo "no JDK 21+ found (set JAVA_HOME)" >&2; exit 1; }
mkdir -p target
rm -f target/results.csv # a failed JMH run must not leave the previous run's tables to the report
# shellcheck disable=SC2086 # JMH_OPTS is a list of options
"$JAVA" -jar target/benchmarks.jar ${JMH_OPTS:--f 1 -wi 3 -w 1s -i 5 -r 1s} -rf csv -rff target/results.csv "$@" | tee target/results.txt
"$JAVA" -cp target/benchmarks.jar org.anykernel.bench.Report target/results.csv | tee target/results.md
