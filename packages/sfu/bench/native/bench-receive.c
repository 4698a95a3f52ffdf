// The bench clients' receive path (bench only, never the SFU): on a 2-vCPU machine the load
// generator shares the cores with the SFU it measures, and taking each pulled packet through
// Node's `dgram` and JavaScript cost the clients about as much CPU as the SFU spent forwarding it.
// Here one thread per client worker reads the pullers' sockets with recvmmsg(2) (a batch per wake-up),
// opens each SRTP packet (AEAD_AES_128_GCM, RFC 7714, with its own rollover counter per SSRC,
// RFC 3711 §3.3.1) and takes its latency from the publisher's send time in the payload to the
// kernel's arrival time of the datagram (SO_TIMESTAMPNS), so the client's own batching does not
// count. Everything that is not RTP (STUN consent checks, DTLS, RTCP) goes back to JavaScript, to
// the socket's werift transport, as Node would have delivered it.
//
// Built by scripts/build-native.mjs (target bench-receive) like the SFU's addon.
#define NAPI_VERSION 8
#define _GNU_SOURCE
#include <node_api.h>
#include <openssl/evp.h>

#include "../../native/srtp-gcm.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define TAG_BYTES SRTP_GCM_TAG_BYTES
#define SALT_BYTES SRTP_GCM_SALT_BYTES
#define MAX_DATAGRAM 2048
#define BATCH 32
#define ROC_SLOTS 256
#define MAX_SOCKETS 64
#define REPLAY_WINDOW 64

typedef struct {
  uint32_t ssrc;
  uint32_t roc;
  uint16_t highest;
  uint8_t used, seen;
} roc_entry;

typedef struct {
  int fd;
  EVP_CIPHER_CTX *ctx;
  uint8_t salt[SALT_BYTES];
  roc_entry rocs[ROC_SLOTS];
} socket_state;

typedef struct {
  int epfd;
  pthread_t thread;
  int running;
  atomic_int stop;
  long batch_wait_ns;
  socket_state *sockets[MAX_SOCKETS];
  int socket_count;
  napi_threadsafe_function other;
  pthread_mutex_t lock;  // guards what follows: the measurement
  int measuring;
  double received, failed, late, others;
  double *latencies;
  size_t latency_count, latency_capacity;
} receiver_t;

typedef struct {
  int fd;
  size_t length;
  char address[INET6_ADDRSTRLEN];
  uint16_t port;
  uint8_t data[];
} other_datagram;

#define CHECK(call)                                                 \
  do {                                                              \
    if ((call) != napi_ok) {                                        \
      napi_throw_error(env, NULL, "bench-receive: " #call " failed"); \
      return NULL;                                                  \
    }                                                               \
  } while (0)

static double realtime_ms(const struct timespec *t) { return (double)t->tv_sec * 1e3 + (double)t->tv_nsec / 1e6; }

static double read_double_be(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v = (v << 8) | p[i];
  double d;
  memcpy(&d, &v, sizeof d);
  return d;
}

static roc_entry *roc_for(socket_state *s, uint32_t ssrc) {
  for (uint32_t i = 0, slot = (ssrc * 2654435761u) % ROC_SLOTS; i < ROC_SLOTS; i++, slot = (slot + 1) % ROC_SLOTS) {
    roc_entry *e = &s->rocs[slot];
    if (!e->used) {
      e->used = 1;
      e->ssrc = ssrc;
      e->roc = 0;
      e->highest = 0;
      e->seen = 0;
      return e;
    }
    if (e->ssrc == ssrc) return e;
  }
  return NULL;
}

// One pulled RTP packet: opened in place; its latency counted while measuring.
static void on_rtp(receiver_t *r, socket_state *s, uint8_t *p, size_t length, double arrival_ms) {
  if (length < 12 + TAG_BYTES) return;
  size_t header = 12 + 4 * (size_t)(p[0] & 0x0f);
  if ((p[0] & 0x10) && length >= header + 4) header += 4 + 4 * (size_t)((p[header + 2] << 8) | p[header + 3]);
  if (length < header + TAG_BYTES + 8) return;
  uint16_t seq = (uint16_t)((p[2] << 8) | p[3]);
  uint32_t ssrc = ((uint32_t)p[8] << 24) | ((uint32_t)p[9] << 16) | ((uint32_t)p[10] << 8) | p[11];
  roc_entry *e = roc_for(s, ssrc);
  if (!e) return;
  int first = !e->seen;
  // A packet far behind the stream is a resend of one lost on the way (during set-up, or when an
  // overloaded SFU's socket overflowed and it asked the publisher again): libsrtp's replay window
  // (64) drops such a packet too. Counted apart, neither opened nor timed.
  if (!first && (int16_t)(seq - e->highest) < -REPLAY_WINDOW) {
    pthread_mutex_lock(&r->lock);
    if (r->measuring) r->late++;
    pthread_mutex_unlock(&r->lock);
    return;
  }
  // RFC 3711 Appendix A: the rollover counter this sequence number most likely belongs to.
  uint32_t roc = e->roc;
  if (!first) {
    if (e->highest < 32768) {
      if (seq > e->highest && seq - e->highest > 32768) roc = e->roc - 1;
    } else if (e->highest - 32768 > seq) {
      roc = e->roc + 1;
    }
  }
  // Werift read this stream before the thread took the socket, and its sequence numbers (which
  // start anywhere) may have wrapped once since: a stream's first packet may need the next counter.
  // A failed try garbles the packet in place, so the second works on the bytes as they came.
  int ok = 0;
  if (first) {
    uint8_t copy[MAX_DATAGRAM];
    memcpy(copy, p, length);
    ok = srtp_gcm_open(s->ctx, s->salt, p, length, header, ssrc, roc, seq);
    if (!ok) {
      memcpy(p, copy, length);
      ok = srtp_gcm_open(s->ctx, s->salt, p, length, header, ssrc, roc + 1, seq);
      if (ok) roc++;
    }
  } else {
    ok = srtp_gcm_open(s->ctx, s->salt, p, length, header, ssrc, roc, seq);
  }
  if (ok) {
    if (roc == e->roc + 1 || first) {
      e->seen = 1;
      e->roc = roc;
      e->highest = seq;
    } else if (roc == e->roc && seq > e->highest) {
      e->highest = seq;
    }
  }
  pthread_mutex_lock(&r->lock);
  if (r->measuring) {
    if (!ok) {
      r->failed++;
    } else {
      r->received++;
      if (r->latency_count == r->latency_capacity) {
        size_t capacity = r->latency_capacity ? r->latency_capacity * 2 : 65536;
        double *grown = realloc(r->latencies, capacity * sizeof *grown);
        if (grown) {
          r->latencies = grown;
          r->latency_capacity = capacity;
        }
      }
      if (r->latency_count < r->latency_capacity)
        r->latencies[r->latency_count++] = arrival_ms - read_double_be(p + header);
    }
  }
  pthread_mutex_unlock(&r->lock);
}

static void on_other(receiver_t *r, socket_state *s, const uint8_t *p, size_t length, const struct sockaddr_storage *from) {
  other_datagram *d = malloc(sizeof *d + length);
  if (!d) return;
  d->fd = s->fd;
  d->length = length;
  memcpy(d->data, p, length);
  d->address[0] = 0;
  d->port = 0;
  if (from->ss_family == AF_INET) {
    const struct sockaddr_in *a = (const struct sockaddr_in *)from;
    inet_ntop(AF_INET, &a->sin_addr, d->address, sizeof d->address);
    d->port = ntohs(a->sin_port);
  } else if (from->ss_family == AF_INET6) {
    const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)from;
    inet_ntop(AF_INET6, &a->sin6_addr, d->address, sizeof d->address);
    d->port = ntohs(a->sin6_port);
  }
  pthread_mutex_lock(&r->lock);
  if (r->measuring) r->others++;
  pthread_mutex_unlock(&r->lock);
  if (napi_call_threadsafe_function(r->other, d, napi_tsfn_nonblocking) != napi_ok) free(d);
}

static void drain(receiver_t *r, socket_state *s) {
  static __thread uint8_t buffers[BATCH][MAX_DATAGRAM];
  static __thread uint8_t controls[BATCH][CMSG_SPACE(sizeof(struct timespec))];
  struct mmsghdr messages[BATCH];
  struct iovec iovs[BATCH];
  struct sockaddr_storage names[BATCH];
  for (;;) {
    for (int i = 0; i < BATCH; i++) {
      iovs[i] = (struct iovec){.iov_base = buffers[i], .iov_len = MAX_DATAGRAM};
      messages[i].msg_hdr = (struct msghdr){.msg_name = &names[i],
                                            .msg_namelen = sizeof names[i],
                                            .msg_iov = &iovs[i],
                                            .msg_iovlen = 1,
                                            .msg_control = controls[i],
                                            .msg_controllen = sizeof controls[i]};
    }
    int n = recvmmsg(s->fd, messages, BATCH, MSG_DONTWAIT, NULL);
    if (n <= 0) return;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    for (int i = 0; i < n; i++) {
      uint8_t *p = buffers[i];
      size_t length = messages[i].msg_len;
      double arrival = realtime_ms(&now);
      for (struct cmsghdr *c = CMSG_FIRSTHDR(&messages[i].msg_hdr); c; c = CMSG_NXTHDR(&messages[i].msg_hdr, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
          struct timespec at;
          memcpy(&at, CMSG_DATA(c), sizeof at);
          arrival = realtime_ms(&at);
        }
      // RFC 5761 §4: RTCP packet types 192–223 read as payload types 64–95 with the marker bit.
      uint8_t pt = length > 1 ? p[1] & 0x7f : 0;
      if (length >= 12 && p[0] >= 128 && p[0] <= 191 && (pt < 64 || pt > 95))
        on_rtp(r, s, p, length, arrival);
      else
        on_other(r, s, p, length, &names[i]);
    }
    if (n < BATCH) return;
  }
}

static void *run(void *arg) {
  receiver_t *r = arg;
  struct epoll_event events[MAX_SOCKETS];
  while (!atomic_load(&r->stop)) {
    int n = epoll_wait(r->epfd, events, MAX_SOCKETS, 50);
    for (int i = 0; i < n; i++) drain(r, events[i].data.ptr);
    if (n > 0 && r->batch_wait_ns > 0) {
      struct timespec wait = {0, r->batch_wait_ns};
      nanosleep(&wait, NULL);
    }
  }
  return NULL;
}

static void call_other(napi_env env, napi_value js, void *context, void *data) {
  (void)context;
  other_datagram *d = data;
  if (env && js) {
    napi_value argv[4], undefined;
    void *copy;
    if (napi_create_int32(env, d->fd, &argv[0]) == napi_ok &&
        napi_create_buffer_copy(env, d->length, d->data, &copy, &argv[1]) == napi_ok &&
        napi_create_string_utf8(env, d->address, NAPI_AUTO_LENGTH, &argv[2]) == napi_ok &&
        napi_create_uint32(env, d->port, &argv[3]) == napi_ok && napi_get_undefined(env, &undefined) == napi_ok)
      napi_call_function(env, undefined, js, 4, argv, NULL);
  }
  free(d);
}

static void stop_receiver(receiver_t *r) {
  if (!r->running) return;
  atomic_store(&r->stop, 1);
  pthread_join(r->thread, NULL);
  r->running = 0;
  close(r->epfd);
  for (int i = 0; i < r->socket_count; i++) {
    EVP_CIPHER_CTX_free(r->sockets[i]->ctx);
    free(r->sockets[i]);
  }
  r->socket_count = 0;
}

static void finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  receiver_t *r = data;
  stop_receiver(r);
  free(r->latencies);
  pthread_mutex_destroy(&r->lock);
  free(r);
}

static int get_receiver(napi_env env, napi_value value, receiver_t **r) {
  return napi_get_value_external(env, value, (void **)r) == napi_ok && *r;
}

// The receiver a call's only argument names, or NULL.
static receiver_t *receiver_arg(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  receiver_t *r;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || !get_receiver(env, argv[0], &r))
    return NULL;
  return r;
}

// receiver(onOther: (fd, data, address, port) => void, batchWaitMicros) → external
static napi_value create_receiver(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], name, external;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  uint32_t wait_us = 0;
  if (argc < 2 || napi_get_value_uint32(env, argv[1], &wait_us) != napi_ok) {
    napi_throw_type_error(env, NULL, "receiver(onOther, batchWaitMicros)");
    return NULL;
  }
  receiver_t *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->batch_wait_ns = (long)wait_us * 1000;
  pthread_mutex_init(&r->lock, NULL);
  r->epfd = epoll_create1(EPOLL_CLOEXEC);
  CHECK(napi_create_string_utf8(env, "bench-receive", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_create_threadsafe_function(env, argv[0], NULL, name, 0, 1, NULL, NULL, NULL, call_other, &r->other));
  // The worker's event loop must be free to end: closing the receiver releases it.
  CHECK(napi_unref_threadsafe_function(env, r->other));
  if (r->epfd < 0 || pthread_create(&r->thread, NULL, run, r) != 0) {
    napi_throw_error(env, NULL, "bench-receive: no thread");
    return NULL;
  }
  r->running = 1;
  CHECK(napi_create_external(env, r, finalize, NULL, &external));
  return external;
}

// add(receiver, fd, remoteKey, remoteSalt): the receiver reads `fd` from now on (Node must not).
static napi_value add_socket(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  receiver_t *r;
  int32_t fd;
  uint8_t *key, *salt;
  size_t key_length, salt_length;
  if (argc < 4 || !get_receiver(env, argv[0], &r) || napi_get_value_int32(env, argv[1], &fd) != napi_ok ||
      napi_get_buffer_info(env, argv[2], (void **)&key, &key_length) != napi_ok || key_length != 16 ||
      napi_get_buffer_info(env, argv[3], (void **)&salt, &salt_length) != napi_ok || salt_length < SALT_BYTES ||
      !r->running || r->socket_count == MAX_SOCKETS) {
    napi_throw_type_error(env, NULL, "add(receiver, fd, key(16), salt(>=12))");
    return NULL;
  }
  socket_state *s = calloc(1, sizeof *s);
  s->fd = fd;
  memcpy(s->salt, salt, SALT_BYTES);
  s->ctx = EVP_CIPHER_CTX_new();
  int on = 1;
  struct epoll_event event = {.events = EPOLLIN, .data.ptr = s};
  if (!s->ctx || EVP_DecryptInit_ex(s->ctx, EVP_aes_128_gcm(), NULL, key, NULL) != 1 ||
      setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) != 0 ||
      epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &event) != 0) {
    EVP_CIPHER_CTX_free(s->ctx);
    free(s);
    napi_throw_error(env, NULL, "bench-receive: socket not added");
    return NULL;
  }
  r->sockets[r->socket_count++] = s;
  return NULL;
}

// measure(receiver): counts from zero from now on.
static napi_value measure(napi_env env, napi_callback_info info) {
  receiver_t *r = receiver_arg(env, info);
  if (!r) return NULL;
  pthread_mutex_lock(&r->lock);
  r->measuring = 1;
  r->received = r->failed = r->late = r->others = 0;
  r->latency_count = 0;
  pthread_mutex_unlock(&r->lock);
  return NULL;
}

// report(receiver) → { received, failed, late, others, latencies: Float64Array }, and stops counting.
static napi_value report(napi_env env, napi_callback_info info) {
  napi_value result, value, buffer;
  receiver_t *r = receiver_arg(env, info);
  if (!r) return NULL;
  pthread_mutex_lock(&r->lock);
  r->measuring = 0;
  void *data;
  size_t count = r->latency_count;
  napi_status status = napi_create_arraybuffer(env, count * sizeof(double), &data, &buffer);
  if (status == napi_ok && count) memcpy(data, r->latencies, count * sizeof(double));
  double received = r->received, failed = r->failed, late = r->late, others = r->others;
  pthread_mutex_unlock(&r->lock);
  CHECK(status);
  CHECK(napi_create_object(env, &result));
  CHECK(napi_create_double(env, received, &value));
  CHECK(napi_set_named_property(env, result, "received", value));
  CHECK(napi_create_double(env, failed, &value));
  CHECK(napi_set_named_property(env, result, "failed", value));
  CHECK(napi_create_double(env, late, &value));
  CHECK(napi_set_named_property(env, result, "late", value));
  CHECK(napi_create_double(env, others, &value));
  CHECK(napi_set_named_property(env, result, "others", value));
  CHECK(napi_create_typedarray(env, napi_float64_array, count, buffer, 0, &value));
  CHECK(napi_set_named_property(env, result, "latencies", value));
  return result;
}

// close(receiver): the thread stops before the sockets it reads are closed.
static napi_value close_receiver(napi_env env, napi_callback_info info) {
  receiver_t *r = receiver_arg(env, info);
  if (!r) return NULL;
  if (r->running) {
    stop_receiver(r);
    napi_release_threadsafe_function(r->other, napi_tsfn_abort);
  }
  return NULL;
}

// nowMs(): CLOCK_REALTIME in ms, the clock of the kernel's arrival stamps, for the senders' stamps.
static napi_value now_ms(napi_env env, napi_callback_info info) {
  (void)info;
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  napi_value result;
  CHECK(napi_create_double(env, realtime_ms(&now), &result));
  return result;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor properties[] = {
      {"receiver", NULL, create_receiver, NULL, NULL, NULL, napi_enumerable, NULL},
      {"add", NULL, add_socket, NULL, NULL, NULL, napi_enumerable, NULL},
      {"measure", NULL, measure, NULL, NULL, NULL, napi_enumerable, NULL},
      {"report", NULL, report, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, close_receiver, NULL, NULL, NULL, napi_enumerable, NULL},
      {"nowMs", NULL, now_ms, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties) != napi_ok)
    return NULL;
  return exports;
}
