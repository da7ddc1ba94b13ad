# The README's Python example, run by the tests. Stubs first:
#   /usr/bin/python3 -m grpc_tools.protoc -I proto --python_out=. --grpc_python_out=. proto/sendgate/v1/gate.proto
import sys, grpc
from sendgate.v1 import gate_pb2 as pb, gate_pb2_grpc as rpc

gate = rpc.GateStub(grpc.insecure_channel(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:50051"))
recipients = ["0532 123 45 67", "05321234568", "05329999999"]
reply = gate.Check(pb.CheckRequest(brand_code=123457, channel=pb.CHANNEL_MESAJ, recipients=recipients), timeout=10)
for recipient, reason in zip(recipients, reply.reasons):
    print(f"{recipient:16} {pb.Reason.Name(reason)}")
print(f"{reply.allowed} of {len(recipients)} allowed")
