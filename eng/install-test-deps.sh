#!/usr/bin/env bash
# Everything the test suite needs besides the .NET SDK: the gRPC interop clients (Python
# grpcio, Node grpc-js), promtool, Kafka (jars, Java, kcat), Postfix, Kannel and Redis. Idempotent: quick when all is
# installed. Servers are not started here: the tests start their own through eng/kafka.sh.
. "$(dirname "$0")/lib.sh"
bash "$ENG_DIR/install-interop.sh"
# openssl: bench/iys-push-freshness.sh makes the receiver's throw-away https certificate with it.
apt_install openssl
# promtool (Debian's prometheus package): the metrics test lints /metrics with Prometheus's own checker.
apt_install prometheus
# Kafka 0.9.0.1 jars, Java and kcat: the Kafka tests start private brokers with eng/kafka.sh.
bash "$ENG_DIR/kafka.sh" install
# Debian's Postfix (with swaks) and Kannel: the sender-adapter tests start private instances with eng/postfix.sh and eng/kannel.sh.
bash "$ENG_DIR/postfix.sh" install
bash "$ENG_DIR/kannel.sh" install
# Redis 7 (Debian's) and Garnet: the shared-budget tests start private servers with eng/redis.sh and eng/peers.sh.
bash "$ENG_DIR/redis.sh" install
