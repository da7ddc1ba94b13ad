#!/usr/bin/env bash
# Renders the manifests of a brand-sharded fleet: per shard a StatefulSet (REPLICAS replicas, each with its own
# durable state on a volume), a PodDisruptionBudget (one replica always serving through drains), and a Service;
# shard i serves partitions i, i+SHARDS, i+2·SHARDS, … of the PARTITIONS-partition consent topic, which every
# publisher writes with Feed:Kafka:Placement=Brand, and reads the one-partition line-closure topic
# (sendgate.consents.closures) whole. Create both topics first. Pipe to kubectl apply -f -.
#
#   deploy/kubernetes/sharded/render.sh SHARDS PARTITIONS [REPLICAS] [IMAGE]
#   deploy/kubernetes/sharded/render.sh 16 64 2 registry.example/sendgate:1.0 | kubectl apply -f -
#
# Callers reach shard i at sendgate-shard-i:50051 and route by brand with SendGate.Client's ShardedGate over the
# same map (Partitions = PARTITIONS; shard i's partitions as above). Prometheus: the pods carry label
# sendgate/shard, to be kept as label "shard" (relabel __meta_kubernetes_pod_label_sendgate_shard) — the Grafana
# dashboard (deploy/grafana/sendgate-fleet.json) groups by it.
set -euo pipefail
shards=${1:?SHARDS}; partitions=${2:?PARTITIONS}; replicas=${3:-2}; image=${4:-sendgate:dev}
[ "$partitions" -ge "$shards" ] || { echo "PARTITIONS must be at least SHARDS" >&2; exit 2; }

for ((shard = 0; shard < shards; shard++)); do
  held=""; index=0
  for ((partition = shard; partition < partitions; partition += shards)); do
    held+="            - { name: Shard__Partitions__$index, value: \"$partition\" }"$'\n'
    index=$((index + 1))
  done
  cat <<YAML
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: sendgate-shard-$shard
  labels: { app: sendgate, sendgate/shard: "$shard" }
spec:
  serviceName: sendgate-shard-$shard
  replicas: $replicas
  podManagementPolicy: Parallel
  selector:
    matchLabels: { app: sendgate, sendgate/shard: "$shard" }
  template:
    metadata:
      labels: { app: sendgate, sendgate/shard: "$shard" }
      annotations: { prometheus.io/scrape: "true", prometheus.io/port: "9464" }
    spec:
      terminationGracePeriodSeconds: 60   # the final checkpoint at SIGTERM
      affinity:
        podAntiAffinity:                  # a shard's replicas on different nodes: one node loss leaves one serving
          requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector: { matchLabels: { app: sendgate, sendgate/shard: "$shard" } }
              topologyKey: kubernetes.io/hostname
      containers:
        - name: sendgate
          image: $image
          args: ["--data", "/state"]
          env:
            - { name: Feed__Kind, value: Kafka }
            - { name: Feed__Kafka__BootstrapServers, value: "kafka:9092" }
            - { name: Feed__Kafka__Topic, value: sendgate.consents }
            - { name: Feed__Kafka__Placement, value: Brand }   # the gate's own RETs (RecordOptOut) placed like every publisher's
$held            - { name: Access__SharedLimits__Redis, value: "redis:6379" }
            - name: Hashing__Key
              valueFrom: { secretKeyRef: { name: sendgate-hashing, key: key } }
            - name: Feed__Kafka__GroupId
              valueFrom: { fieldRef: { fieldPath: metadata.name } }
          ports:
            - { name: grpc, containerPort: 50051 }
            - { name: admin, containerPort: 9464 }
          readinessProbe:
            grpc: { port: 50051, service: sendgate.v1.Gate }
            periodSeconds: 5
          livenessProbe:
            httpGet: { path: /healthz, port: admin }
            periodSeconds: 10
          startupProbe:                   # a restart from the index snapshot: ~76 s at 6.25·10^8 tuples (docs/architecture.md)
            httpGet: { path: /healthz, port: admin }
            failureThreshold: 120
            periodSeconds: 5
          resources:
            requests: { cpu: "2", memory: 28Gi }   # ~37 B a tuple resident with --data
            limits: { memory: 32Gi }
          volumeMounts:
            - { name: state, mountPath: /state }
  volumeClaimTemplates:
    - metadata: { name: state }
      spec:
        accessModes: [ReadWriteOnce]
        resources: { requests: { storage: 100Gi } }   # FASTER log ~94 B a tuple, checkpoints and snapshots
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: sendgate-shard-$shard
spec:
  minAvailable: 1
  selector:
    matchLabels: { app: sendgate, sendgate/shard: "$shard" }
---
apiVersion: v1
kind: Service
metadata:
  name: sendgate-shard-$shard
spec:
  selector: { app: sendgate, sendgate/shard: "$shard" }
  ports:
    - { name: grpc, port: 50051, targetPort: grpc, appProtocol: kubernetes.io/h2c }
YAML
done
