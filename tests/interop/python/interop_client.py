#!/usr/bin/python3
"""Interop scenarios run by Python grpcio (a client nobody here wrote) against grpc-dotnet as SendGate configures it.

Usage: /usr/bin/python3 interop_client.py --target 127.0.0.1:PORT --proto-root DIR [--proto-root DIR ...]

Prints one line per scenario, "PASS <name>" or "FAIL <name>: <why>", and exits non-zero when any
scenario failed. Needs Debian's python3-grpcio and python3-grpc-tools (see eng/install-interop.sh).
"""
import argparse
import importlib
import os
import shutil
import sys
import tempfile
import threading
import time
import traceback

import grpc
from grpc_tools import protoc

# The standard protos live under grpc/... which would shadow grpcio's own "grpc" package in
# Python, so they are generated from a copy under std/ (their proto packages are unchanged).
PROTOS = {
    "sendgate/interop/v1/echo.proto": "sendgate/interop/v1/echo.proto",
    "grpc/health/v1/health.proto": "std/health/v1/health.proto",
    "grpc/reflection/v1alpha/reflection.proto": "std/reflection/v1alpha/reflection.proto",
    "grpc/reflection/v1/reflection.proto": "std/reflection/v1/reflection.proto",
}
ECHO = "sendgate.interop.v1.Echo"


def generate(proto_roots):
    out = tempfile.mkdtemp(prefix="sendgate-interop-py-")
    staging = os.path.join(out, "protos")
    for source, target in PROTOS.items():
        found = [os.path.join(root, source) for root in proto_roots if os.path.exists(os.path.join(root, source))]
        if not found:
            raise RuntimeError("cannot find " + source)
        os.makedirs(os.path.dirname(os.path.join(staging, target)), exist_ok=True)
        shutil.copyfile(found[0], os.path.join(staging, target))
    for target in PROTOS.values():
        code = protoc.main(["grpc_tools.protoc", "-I" + staging, "--python_out=" + out, "--grpc_python_out=" + out, target])
        if code != 0:
            raise RuntimeError("protoc failed for " + target)
    for dirpath, _, _ in os.walk(out):
        init = os.path.join(dirpath, "__init__.py")
        if not os.path.exists(init):
            open(init, "w").close()
    sys.path.insert(0, out)


class Scenarios:
    def __init__(self, target):
        self.target = target
        self.echo_pb2 = importlib.import_module("sendgate.interop.v1.echo_pb2")
        self.echo_grpc = importlib.import_module("sendgate.interop.v1.echo_pb2_grpc")
        self.channel = grpc.insecure_channel(target)
        self.stub = self.echo_grpc.EchoStub(self.channel)

    # --- helpers -------------------------------------------------------------------------
    def expect_code(self, call, code):
        try:
            call()
        except grpc.RpcError as error:
            if error.code() != code:
                raise AssertionError("expected %s, got %s: %s" % (code, error.code(), error.details()))
            return error
        raise AssertionError("expected %s, the call succeeded" % code)

    def req(self, **kwargs):
        return self.echo_pb2.EchoRequest(**kwargs)

    # --- scenarios -----------------------------------------------------------------------
    def unary(self):
        reply, call = self.stub.Unary.with_call(self.req(text="hello", reply_bytes=7), metadata=[("x-echo", "merhaba"), ("x-echo-bin", b"\x00\xab\xff")])
        assert reply.text == "hello", reply.text
        assert len(reply.payload) == 7
        assert reply.metadata_echo == "merhaba", reply.metadata_echo
        assert reply.binary_metadata_hex == "00abff", reply.binary_metadata_hex
        assert ("x-echo-trailer", "merhaba") in call.trailing_metadata(), call.trailing_metadata()

    def error_with_non_ascii_message(self):
        message = "Türkçe karakterler: ğüşıöç İ %41"
        error = self.expect_code(lambda: self.stub.Unary(self.req(fail_code=3, fail_message=message)), grpc.StatusCode.INVALID_ARGUMENT)
        assert error.details() == message, repr(error.details())

    def server_stream(self):
        indexes = [r.index for r in self.stub.ServerStream(self.req(text="s", repeat=5))]
        assert indexes == [0, 1, 2, 3, 4], indexes

    def client_stream(self):
        reply = self.stub.ClientStream(iter([self.req(text=str(i)) for i in range(10)]))
        assert reply.index == 10 and reply.text == "0,1,2,3,4,5,6,7,8,9", reply

    def bidi_ping_pong(self):
        send = threading.Semaphore(0)
        state = {"i": 0}

        def requests():
            for i in range(20):
                yield self.req(text="ping%d" % i)
                if not send.acquire(timeout=10):
                    raise AssertionError("no reply to ping%d" % i)

        for reply in self.stub.Bidi(requests()):
            assert reply.text == "ping%d" % state["i"] and reply.index == state["i"], reply
            state["i"] += 1
            send.release()
        assert state["i"] == 20, state

    def bidi_send_all(self):
        replies = list(self.stub.Bidi(iter([self.req(text="m") for _ in range(500)])))
        assert [r.index for r in replies] == list(range(500))

    def deadline_exceeded(self):
        self.expect_code(lambda: self.stub.Unary(self.req(delay_ms=10000), timeout=0.2), grpc.StatusCode.DEADLINE_EXCEEDED)

    def unknown_method(self):
        call = self.channel.unary_unary("/" + ECHO + "/Nope", request_serializer=lambda m: m.SerializeToString(), response_deserializer=lambda b: b)
        self.expect_code(lambda: call(self.req()), grpc.StatusCode.UNIMPLEMENTED)
        service = self.channel.unary_unary("/nope.v1.Missing/Call", request_serializer=lambda m: m.SerializeToString(), response_deserializer=lambda b: b)
        self.expect_code(lambda: service(self.req()), grpc.StatusCode.UNIMPLEMENTED)

    def oversize_request(self):
        error = self.expect_code(lambda: self.stub.Unary(self.req(text="x" * (4 * 1024 * 1024 + 1))), grpc.StatusCode.RESOURCE_EXHAUSTED)
        assert "exceeds" in error.details(), error.details()

    def oversize_response(self):
        self.expect_code(lambda: self.stub.Unary(self.req(reply_bytes=4 * 1024 * 1024 + 1)), grpc.StatusCode.RESOURCE_EXHAUSTED)

    def compressed_request(self):
        channel = grpc.insecure_channel(self.target, compression=grpc.Compression.Gzip)
        try:
            stub = self.echo_grpc.EchoStub(channel)
            reply = stub.Unary(self.req(text="compress me " * 100))
            assert reply.text == "compress me " * 100, reply.text
        finally:
            channel.close()

    def cancel_mid_stream(self):
        before = self.stub.Stats(self.echo_pb2.StatsRequest()).calls_cancelled
        gate = threading.Event()

        second = threading.Event()

        def requests():
            yield self.req(text="1")
            second.wait(10)
            # The server is busy with this one when the cancel arrives: the cancel must reach the handler.
            yield self.req(text="2", delay_ms=30000)
            gate.wait(10)  # keep the request stream open until cancelled

        call = self.stub.Bidi(requests())
        first = next(call)
        assert first.text == "1"
        second.set()
        time.sleep(0.2)
        call.cancel()
        gate.set()
        try:
            next(call)
            raise AssertionError("the stream went on after cancel")
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.CANCELLED, error.code()
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.stub.Stats(self.echo_pb2.StatsRequest()).calls_cancelled > before:
                return
            time.sleep(0.02)
        raise AssertionError("the server never saw the cancellation")

    def concurrent_300(self):
        futures = [self.stub.Unary.future(self.req(text="c%d" % i, delay_ms=50)) for i in range(300)]
        texts = [f.result(timeout=30).text for f in futures]
        assert texts == ["c%d" % i for i in range(300)]

    def health(self):
        health_pb2 = importlib.import_module("std.health.v1.health_pb2")
        health_grpc = importlib.import_module("std.health.v1.health_pb2_grpc")
        stub = health_grpc.HealthStub(self.channel)
        serving = health_pb2.HealthCheckResponse.SERVING
        assert stub.Check(health_pb2.HealthCheckRequest()).status == serving
        assert stub.Check(health_pb2.HealthCheckRequest(service=ECHO)).status == serving
        self.expect_code(lambda: stub.Check(health_pb2.HealthCheckRequest(service="no.such.Service")), grpc.StatusCode.NOT_FOUND)
        watch = stub.Watch(health_pb2.HealthCheckRequest(service=ECHO))
        assert next(watch).status == serving
        watch.cancel()

    def reflection(self):
        self._reflect("v1alpha")

    def reflection_v1(self):
        self._reflect("v1")

    def _reflect(self, version):
        """grpcurl and Postman ask v1alpha; newer tools ask v1: both must list the services and describe Echo."""
        reflection_pb2 = importlib.import_module("std.reflection.%s.reflection_pb2" % version)
        reflection_grpc = importlib.import_module("std.reflection.%s.reflection_pb2_grpc" % version)
        from google.protobuf import descriptor_pb2
        stub = reflection_grpc.ServerReflectionStub(self.channel)
        requests = [
            reflection_pb2.ServerReflectionRequest(list_services=""),
            reflection_pb2.ServerReflectionRequest(file_containing_symbol=ECHO),
        ]
        listed, files = list(stub.ServerReflectionInfo(iter(requests)))
        names = [s.name for s in listed.list_services_response.service]
        for expected in (ECHO, "grpc.health.v1.Health", "grpc.reflection.%s.ServerReflection" % version):
            assert expected in names, names
        proto = descriptor_pb2.FileDescriptorProto.FromString(files.file_descriptor_response.file_descriptor_proto[0])
        assert proto.name == "sendgate/interop/v1/echo.proto", proto.name
        assert [m.name for m in proto.service[0].method] == ["Unary", "ServerStream", "ClientStream", "Bidi", "Stats"]

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", required=True)
    parser.add_argument("--proto-root", action="append", required=True)
    args = parser.parse_args()
    generate(args.proto_root)
    scenarios = Scenarios(args.target)
    names = [n for n in vars(Scenarios) if not n.startswith("_") and n not in ("expect_code", "req")]
    failed = 0
    for name in names:
        try:
            getattr(scenarios, name)()
            print("PASS " + name, flush=True)
        except Exception as error:  # report every scenario, then fail
            failed += 1
            print("FAIL %s: %s" % (name, error), flush=True)
            traceback.print_exc(file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
