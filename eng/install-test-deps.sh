#!/usr/bin/env bash
# Everything the test suite needs besides the .NET SDK: the gRPC interop clients (Python
# grpcio, Node grpc-js) and Kafka (jars, Java, librdkafka, kcat). Idempotent: quick when all is
# installed. Servers are not started here: the tests start their own through eng/kafka.sh.
. "$(dirname "$0")/lib.sh"
bash "$ENG_DIR/install-interop.sh"
# Kafka 0.9.0.1 jars, Java, librdkafka and kcat: the Kafka tests start private brokers with eng/kafka.sh.
bash "$ENG_DIR/kafka.sh" install
