#!/usr/bin/env bash
# Everything the test suite needs besides the .NET SDK: the gRPC interop clients now, the
# Kafka and Redis servers as those issues land. Idempotent: quick when all is installed.
. "$(dirname "$0")/lib.sh"
bash "$ENG_DIR/install-interop.sh"
