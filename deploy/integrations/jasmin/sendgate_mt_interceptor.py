"""SendGate consent check for Jasmin SMS gateway's MT interceptor (an example; adapt the brand map to your platform).

Jasmin runs an MT interceptor script for each message submitted over SMPP or HTTP, with the message as `routable`,
and rejects the message when the script sets `smpp_status` (SMPP clients) / `http_status` (HTTP API) to an error.
This script asks the gate (Gate.Check over gRPC, Python grpcio) whether the destination may receive a commercial
message from the brand that the submitting Jasmin user sends for, and rejects it when not:

    jcli> mtinterceptor -a
    > type DefaultInterceptor
    > script python3(/etc/jasmin/interception/sendgate_mt_interceptor.py)
    > ok

Settings (environment of the interceptor daemon): SENDGATE_GATE (host:port, default 127.0.0.1:50051),
SENDGATE_API_KEY (the platform's key), SENDGATE_STUBS (a directory with gate_pb2.py and gate_pb2_grpc.py from
`python3 -m grpc_tools.protoc -I proto --python_out=D --grpc_python_out=D proto/sendgate/v1/gate.proto`),
SENDGATE_BRANDS ("jasminuser=iysCode:brandCode,..."). A gate that does not answer makes the message fail with a
temporary error (the client retries); a message is never sent unasked.

Run directly, it is a command-line check with the same code path (used by the project's tests):

    python3 sendgate_mt_interceptor.py --gate 127.0.0.1:50051 --iys 123456 --brand 123457 905321234567 ...
"""
import os
import sys

import grpc

sys.path.insert(0, os.environ.get("SENDGATE_STUBS", os.path.dirname(os.path.abspath(__file__))))
from sendgate.v1 import gate_pb2 as pb, gate_pb2_grpc as rpc  # noqa: E402

ESME_ROK = 0x00000000
ESME_RSUBMITFAIL = 0x00000045  # submit_sm failed: a denial, not worth retrying
ESME_RTHROTTLED = 0x00000058   # the client should retry later: the gate did not answer
TIMEOUT_SECONDS = 2.0

_channels = {}


def _gate(target, api_key):
    """One channel per gate, kept across messages (the interceptor daemon runs many scripts in one process)."""
    if target not in _channels:
        _channels[target] = grpc.insecure_channel(target)
    metadata = (("authorization", "Bearer " + api_key),) if api_key else ()
    return rpc.GateStub(_channels[target]), metadata


def decide(target, api_key, iys_code, brand_code, recipients):
    """One reason name per recipient ('ALLOWED_CONSENT', 'DENIED_REFUSED', ...); raises grpc.RpcError when unanswered."""
    stub, metadata = _gate(target, api_key)
    request = pb.CheckRequest(request_id="jasmin", iys_code=iys_code, brand_code=brand_code, channel=pb.CHANNEL_MESAJ,
                              kind=pb.MESSAGE_KIND_COMMERCIAL, recipients=recipients)
    reply = stub.Check(request, timeout=TIMEOUT_SECONDS, metadata=metadata)
    return [pb.Reason.Name(reason)[len("REASON_"):] for reason in reply.reasons]


def allowed(reason_name):
    return reason_name.startswith("ALLOWED_")


def _brands():
    brands = {}
    for entry in filter(None, os.environ.get("SENDGATE_BRANDS", "").split(",")):
        user, codes = entry.split("=", 1)
        iys, brand = codes.split(":", 1)
        brands[user.strip()] = (int(iys), int(brand))
    return brands


def intercept(routable):
    """The interceptor's decision for one message: (smpp_status, http_status)."""
    brand = _brands().get(routable.user.username)
    if brand is None:
        return ESME_ROK, 200  # not a brand this platform checks: Jasmin's routing decides
    destination = routable.pdu.params["destination_addr"]
    destination = destination.decode() if isinstance(destination, bytes) else str(destination)
    try:
        reason = decide(os.environ.get("SENDGATE_GATE", "127.0.0.1:50051"), os.environ.get("SENDGATE_API_KEY"), brand[0], brand[1], [destination])[0]
    except grpc.RpcError:
        return ESME_RTHROTTLED, 503
    return (ESME_ROK, 200) if allowed(reason) else (ESME_RSUBMITFAIL, 403)


if "routable" in globals():  # run by Jasmin's interceptor daemon
    smpp_status, http_status = intercept(globals()["routable"])
elif __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Check recipients with the gate as the Jasmin MT interceptor does.")
    parser.add_argument("--gate", default="127.0.0.1:50051")
    parser.add_argument("--iys", type=int, required=True)
    parser.add_argument("--brand", type=int, required=True)
    parser.add_argument("recipients", nargs="+")
    args = parser.parse_args()
    try:
        for recipient, reason in zip(args.recipients, decide(args.gate, os.environ.get("SENDGATE_API_KEY"), args.iys, args.brand, args.recipients)):
            print(f"{recipient} {reason} {'send' if allowed(reason) else 'reject'}")
    except grpc.RpcError as error:
        print(f"unanswered: {error.code().name}: retry later", file=sys.stderr)
        sys.exit(75)  # EX_TEMPFAIL
