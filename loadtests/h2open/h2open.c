/*
 * h2open: an open-model gRPC load generator in C, for latency figures that are the server's.
 *
 * The .NET load driver measures the open model correctly (latency from each request's scheduled
 * time), but on a 2-core machine its own runtime (Grpc.Net.Client, GC, thread pool) is a large
 * share of a millisecond-scale tail. h2load cannot stand in: its --rps sends in 10 ms bursts and
 * its timing script re-arms relative timers, so its rate drifts. This program is one thread,
 * one event loop, libnghttp2 for the protocol: requests leave at t0 + i/rate (sleeping in
 * ppoll, nanosecond timeout), latency is taken from the scheduled time to the stream's close
 * (coordinated omission included), and the generator's own lateness is reported beside it.
 *
 * It posts one pre-framed gRPC message (a file, e.g. from `sendgate-load frame`) over and over
 * and counts a stream as failed unless it ends with HTTP 200 and grpc-status 0.
 *
 *   h2open --address http://127.0.0.1:50051 --path /sendgate.v1.Gate/Check --body req.bin
 *          --rate 2000 --duration 30 [--warmup 5] [--connections 1] [--header "k: v"]...
 *          [--max-p99-ms X] [--plain-http]
 *
 * Exit code: 0; 1 when a request failed or the p99 is over --max-p99-ms; 2 on bad arguments.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <nghttp2/nghttp2.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNECTIONS 64
#define MAX_HEADERS 16

typedef struct {
  int64_t scheduled_ns;
  size_t body_offset;
  int http_status;
  int grpc_status; /* -1 until the trailers say */
} stream_t;

typedef struct {
  int fd;
  nghttp2_session *session;
  int open_streams;
} connection_t;

typedef struct {
  uint32_t *values; /* microseconds */
  size_t count, capacity;
} samples_t;

static struct {
  char authority[256];
  char path[512];
  const uint8_t *body;
  size_t body_length;
  nghttp2_nv headers[MAX_HEADERS];
  size_t header_count;
  int64_t measure_from_ns; /* requests scheduled before this are warm-up */
  samples_t latency, lateness;
  uint64_t failed, succeeded;
  int plain_http; /* a baseline server that is not gRPC: HTTP 200 is success */
} run;

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void die(const char *what) {
  fprintf(stderr, "h2open: %s\n", what);
  exit(2);
}

static void record(samples_t *samples, int64_t ns) {
  if (samples->count == samples->capacity) {
    samples->capacity = samples->capacity ? samples->capacity * 2 : 1 << 16;
    samples->values = realloc(samples->values, samples->capacity * sizeof(uint32_t));
    if (!samples->values) die("out of memory");
  }
  int64_t us = ns < 0 ? 0 : ns / 1000;
  samples->values[samples->count++] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}

static ssize_t on_send(nghttp2_session *session, const uint8_t *data, size_t length, int flags,
                       void *user_data) {
  (void)session; (void)flags;
  connection_t *connection = user_data;
  ssize_t sent = send(connection->fd, data, length, MSG_NOSIGNAL);
  if (sent < 0) return errno == EAGAIN || errno == EWOULDBLOCK ? NGHTTP2_ERR_WOULDBLOCK : NGHTTP2_ERR_CALLBACK_FAILURE;
  return sent;
}

static ssize_t read_body(nghttp2_session *session, int32_t stream_id, uint8_t *buffer, size_t length,
                         uint32_t *data_flags, nghttp2_data_source *source, void *user_data) {
  (void)session; (void)stream_id; (void)source; (void)user_data;
  stream_t *stream = nghttp2_session_get_stream_user_data(session, stream_id);
  size_t left = run.body_length - stream->body_offset;
  size_t n = left < length ? left : length;
  memcpy(buffer, run.body + stream->body_offset, n);
  stream->body_offset += n;
  if (stream->body_offset == run.body_length) *data_flags |= NGHTTP2_DATA_FLAG_EOF;
  return (ssize_t)n;
}

static int on_header(nghttp2_session *session, const nghttp2_frame *frame, const uint8_t *name, size_t namelen,
                     const uint8_t *value, size_t valuelen, uint8_t flags, void *user_data) {
  (void)flags; (void)user_data;
  stream_t *stream = nghttp2_session_get_stream_user_data(session, frame->hd.stream_id);
  if (!stream) return 0;
  char text[16] = {0};
  memcpy(text, value, valuelen < sizeof text - 1 ? valuelen : sizeof text - 1);
  if (namelen == 7 && memcmp(name, ":status", 7) == 0) stream->http_status = atoi(text);
  if (namelen == 11 && memcmp(name, "grpc-status", 11) == 0) stream->grpc_status = atoi(text);
  return 0;
}

static int on_stream_close(nghttp2_session *session, int32_t stream_id, uint32_t error_code, void *user_data) {
  connection_t *connection = user_data;
  stream_t *stream = nghttp2_session_get_stream_user_data(session, stream_id);
  if (!stream) return 0;
  connection->open_streams--;
  if (stream->scheduled_ns >= run.measure_from_ns) {
    record(&run.latency, now_ns() - stream->scheduled_ns);
    if (error_code == 0 && stream->http_status == 200 && (stream->grpc_status == 0 || run.plain_http)) run.succeeded++;
    else run.failed++;
  }
  free(stream);
  return 0;
}

static int connect_to(const char *address) {
  int fd;
  if (strncmp(address, "unix:", 5) == 0) {
    struct sockaddr_un local = {.sun_family = AF_UNIX};
    snprintf(local.sun_path, sizeof local.sun_path, "%s", address + 5);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&local, sizeof local) != 0) die("cannot connect to the unix socket");
    snprintf(run.authority, sizeof run.authority, "localhost");
  } else {
    const char *hostport = strstr(address, "://") ? strstr(address, "://") + 3 : address;
    if (strncmp(address, "https:", 6) == 0) die("TLS is not supported: use an h2c (http://) or unix: address");
    snprintf(run.authority, sizeof run.authority, "%s", hostport);
    char host[256];
    snprintf(host, sizeof host, "%s", hostport);
    char *colon = strrchr(host, ':');
    if (!colon) die("the address needs a port");
    *colon = 0;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *found;
    if (getaddrinfo(host, colon + 1, &hints, &found) != 0) die("cannot resolve the address");
    fd = socket(found->ai_family, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, found->ai_addr, found->ai_addrlen) != 0) die("cannot connect to the address");
    freeaddrinfo(found);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

static void open_connection(connection_t *connection, const char *address) {
  connection->fd = connect_to(address);
  nghttp2_session_callbacks *callbacks;
  nghttp2_session_callbacks_new(&callbacks);
  nghttp2_session_callbacks_set_send_callback(callbacks, on_send);
  nghttp2_session_callbacks_set_on_header_callback(callbacks, on_header);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, on_stream_close);
  nghttp2_session_client_new(&connection->session, callbacks, connection);
  nghttp2_session_callbacks_del(callbacks);
  /* Windows large enough that flow control never holds a response back. */
  nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 16 << 20},
      {NGHTTP2_SETTINGS_MAX_FRAME_SIZE, 1 << 16},
  };
  nghttp2_submit_settings(connection->session, NGHTTP2_FLAG_NONE, settings, 2);
  nghttp2_session_set_local_window_size(connection->session, NGHTTP2_FLAG_NONE, 0, 64 << 20);
}

static void submit(connection_t *connection, int64_t scheduled_ns) {
  stream_t *stream = calloc(1, sizeof *stream);
  if (!stream) die("out of memory");
  stream->scheduled_ns = scheduled_ns;
  stream->grpc_status = -1;
  nghttp2_data_provider provider = {.read_callback = read_body};
  if (nghttp2_submit_request(connection->session, NULL, run.headers, run.header_count, &provider, stream) < 0)
    die("nghttp2 refused a request (the server's concurrent-stream limit?)");
  connection->open_streams++;
  if (scheduled_ns >= run.measure_from_ns) record(&run.lateness, now_ns() - scheduled_ns);
}

static void pump(connection_t *connection, short revents) {
  if (revents & (POLLIN | POLLHUP | POLLERR)) {
    uint8_t buffer[1 << 16];
    for (;;) {
      ssize_t n = recv(connection->fd, buffer, sizeof buffer, 0);
      if (n == 0) die("the server closed the connection");
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        die("reading from the server failed");
      }
      if (nghttp2_session_mem_recv(connection->session, buffer, (size_t)n) < 0) die("the server broke the HTTP/2 protocol");
    }
  }
  if (nghttp2_session_send(connection->session) != 0) die("writing to the server failed");
}

static int compare(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static double percentile_ms(const samples_t *samples, double p) {
  if (samples->count == 0) return 0;
  size_t index = (size_t)ceil(p / 100.0 * samples->count);
  if (index > 0) index--;
  return samples->values[index] / 1000.0;
}

static void nv(const char *name, const char *value) {
  if (run.header_count == MAX_HEADERS) die("too many headers");
  run.headers[run.header_count++] = (nghttp2_nv){(uint8_t *)name, (uint8_t *)value, strlen(name), strlen(value),
                                                 NGHTTP2_NV_FLAG_NONE};
}

static void usage(void) {
  puts("h2open --address URL --path /pkg.Service/Method --body FILE --rate N --duration S\n"
       "       [--warmup S] [--connections N] [--header \"name: value\"]... [--max-p99-ms X] [--plain-http]\n\n"
       "Open-model gRPC load: requests leave at evenly spaced scheduled times; latency is measured from\n"
       "the scheduled time. URL: http://host:port (h2c) or unix:/path. Exit 1 on a failed request or a\n"
       "p99 over --max-p99-ms. --plain-http: success is HTTP 200 alone (a baseline server that is not gRPC).");
}

int main(int argc, char **argv) {
  const char *address = "http://127.0.0.1:50051", *body_path = NULL;
  double rate = 0, duration = 0, warmup = 0, max_p99_ms = 0;
  int connection_count = 1;
  char *extra_headers[MAX_HEADERS];
  int extra_count = 0;
  snprintf(run.path, sizeof run.path, "/sendgate.v1.Gate/Check");
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) { usage(); return 0; }
    if (!strcmp(arg, "--plain-http")) { run.plain_http = 1; continue; }
    if (!value) { usage(); return 2; }
    i++;
    if (!strcmp(arg, "--address")) address = value;
    else if (!strcmp(arg, "--path")) snprintf(run.path, sizeof run.path, "%s", value);
    else if (!strcmp(arg, "--body")) body_path = value;
    else if (!strcmp(arg, "--rate")) rate = atof(value);
    else if (!strcmp(arg, "--duration")) duration = atof(value);
    else if (!strcmp(arg, "--warmup")) warmup = atof(value);
    else if (!strcmp(arg, "--connections")) connection_count = atoi(value);
    else if (!strcmp(arg, "--max-p99-ms")) max_p99_ms = atof(value);
    else if (!strcmp(arg, "--header") && extra_count < MAX_HEADERS - 6) extra_headers[extra_count++] = strdup(value);
    else { fprintf(stderr, "h2open: unknown argument %s (--help)\n", arg); return 2; }
  }
  if (!body_path || rate <= 0 || duration <= 0 || connection_count < 1 || connection_count > MAX_CONNECTIONS) {
    usage();
    return 2;
  }
  FILE *file = fopen(body_path, "rb");
  if (!file) die("cannot open the body file");
  struct stat info;
  fstat(fileno(file), &info);
  uint8_t *body = malloc((size_t)info.st_size);
  if (!body || fread(body, 1, (size_t)info.st_size, file) != (size_t)info.st_size) die("cannot read the body file");
  fclose(file);
  run.body = body;
  run.body_length = (size_t)info.st_size;

  connection_t connections[MAX_CONNECTIONS] = {0};
  for (int c = 0; c < connection_count; c++) open_connection(&connections[c], address);
  nv(":method", "POST");
  nv(":scheme", "http");
  nv(":authority", run.authority);
  nv(":path", run.path);
  nv("content-type", "application/grpc");
  nv("te", "trailers");
  for (int h = 0; h < extra_count; h++) {
    char *colon = strchr(extra_headers[h], ':');
    if (!colon) die("a --header needs \"name: value\"");
    *colon = 0;
    char *v = colon + 1;
    while (*v == ' ') v++;
    nv(extra_headers[h], v);
  }
  for (int c = 0; c < connection_count; c++) pump(&connections[c], 0);

  /* The kernel may wake a sleeping thread up to 50 µs late by default (timer slack): that much
     lateness would be in every figure. */
  prctl(PR_SET_TIMERSLACK, 1UL);
  const int64_t interval_ns = (int64_t)(1e9 / rate);
  const int64_t start = now_ns() + 10000000; /* 10 ms for the SETTINGS exchange */
  run.measure_from_ns = start + (int64_t)(warmup * 1e9);
  const int64_t end = run.measure_from_ns + (int64_t)(duration * 1e9);
  int64_t next = start;
  uint64_t sent = 0;
  struct pollfd fds[MAX_CONNECTIONS];
  int open = 1;
  while (next < end || open) {
    int64_t now = now_ns();
    while (next < end && next <= now) {
      connection_t *connection = &connections[sent++ % (uint64_t)connection_count];
      submit(connection, next);
      if (nghttp2_session_send(connection->session) != 0) die("writing to the server failed");
      next += interval_ns;
    }
    open = 0;
    for (int c = 0; c < connection_count; c++) {
      fds[c] = (struct pollfd){.fd = connections[c].fd, .events = POLLIN};
      if (nghttp2_session_want_write(connections[c].session)) fds[c].events |= POLLOUT;
      open += connections[c].open_streams;
    }
    if (next >= end && !open) break;
    if (now > end + 10 * (int64_t)1000000000) { /* answers still missing 10 s after the last send */
      run.failed += (uint64_t)open;
      fprintf(stderr, "h2open: %d request(s) unanswered 10 s after the run: counted as failed\n", open);
      break;
    }
    int64_t wait = next < end ? next - now_ns() : 1000000000;
    if (wait < 0) wait = 0;
    struct timespec timeout = {wait / 1000000000, wait % 1000000000};
    if (ppoll(fds, (nfds_t)connection_count, &timeout, NULL) < 0 && errno != EINTR) die("ppoll failed");
    for (int c = 0; c < connection_count; c++)
      if (fds[c].revents) pump(&connections[c], fds[c].revents);
  }

  qsort(run.latency.values, run.latency.count, sizeof(uint32_t), compare);
  qsort(run.lateness.values, run.lateness.count, sizeof(uint32_t), compare);
  double p99 = percentile_ms(&run.latency, 99);
  printf("h2open: %.0f requests/s scheduled for %.0f s (after %.0f s warm-up) over %d connection(s): "
         "%llu succeeded, %llu failed\n",
         rate, duration, warmup, connection_count, (unsigned long long)run.succeeded, (unsigned long long)run.failed);
  printf("latency from the scheduled time: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms\n",
         percentile_ms(&run.latency, 50), percentile_ms(&run.latency, 90), p99, percentile_ms(&run.latency, 99.9),
         percentile_ms(&run.latency, 100));
  printf("generator lateness (sent after the scheduled time): p50 %.3f ms, p99 %.3f ms, max %.3f ms\n",
         percentile_ms(&run.lateness, 50), percentile_ms(&run.lateness, 99), percentile_ms(&run.lateness, 100));
  if (run.failed) return 1;
  if (max_p99_ms > 0 && p99 > max_p99_ms) {
    printf("h2open: p99 %.3f ms is over --max-p99-ms %.3f\n", p99, max_p99_ms);
    return 1;
  }
  return 0;
}
