// The forwarding hot path's costs below JavaScript: per copy, SRTP AEAD_AES_128_GCM sealing and the
// UDP send; per packet received, its SRTP opening. From JavaScript each needed a new Node `Cipheriv` (a GCM context cannot take
// a new IV there) and a `dgram` send (argument checks, a deferred DNS step, a send request
// object); here one context per SRTP key is re-used with each packet's IV (RFC 7714 §8.1) and the
// sealed packet goes out with one sendto(2) on the session's own socket, built in a stack buffer so
// no per-copy allocation reaches the JavaScript heap. A received packet is opened in place.
//
// Built from source by scripts/build-native.mjs with the C compiler and the Node.js headers
// (Node-API and Node's own OpenSSL, whose symbols the node binary exports): nothing is downloaded.
// src/media/native.ts loads it, and the SFU falls back to its JavaScript path without it.
#define NAPI_VERSION 8
#include <node_api.h>
#include <openssl/evp.h>

#include "srtp-gcm.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define GCM_TAG_BYTES SRTP_GCM_TAG_BYTES
#define GCM_IV_BYTES SRTP_GCM_IV_BYTES
#define SALT_BYTES SRTP_GCM_SALT_BYTES
// Larger than any datagram the SFU forwards (the publisher's MTU-sized packet, our header, the tag).
#define MAX_PACKET 2048

typedef struct {
  EVP_CIPHER_CTX *ctx;
  // For packets received (`open`): a context is keyed for one direction.
  EVP_CIPHER_CTX *decrypt;
  uint8_t salt[SALT_BYTES];
} gcm_t;

#define CHECK(call)                                                                                     \
  do {                                                                                                  \
    if ((call) != napi_ok) {                                                                            \
      napi_throw_error(env, NULL, "fast-send: " #call " failed");                                      \
      return NULL;                                                                                      \
    }                                                                                                   \
  } while (0)

static void gcm_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  gcm_t *gcm = data;
  EVP_CIPHER_CTX_free(gcm->ctx);
  EVP_CIPHER_CTX_free(gcm->decrypt);
  OPENSSL_cleanse(gcm, sizeof *gcm);
  free(gcm);
}

static int buffer_arg(napi_env env, napi_value value, uint8_t **data, size_t *length) {
  bool is;
  if (napi_is_buffer(env, value, &is) != napi_ok || !is) return 0;
  return napi_get_buffer_info(env, value, (void **)data, length) == napi_ok;
}

// gcm(sessionKey: Buffer(16), sessionSalt: Buffer(≥ 12)) → external
static napi_value create_gcm(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  uint8_t *key, *salt;
  size_t key_length, salt_length;
  if (argc < 2 || !buffer_arg(env, argv[0], &key, &key_length) || key_length != 16 ||
      !buffer_arg(env, argv[1], &salt, &salt_length) || salt_length < SALT_BYTES) {
    // werift derives 14-byte salts for every profile; RFC 7714's IV uses the first 12 bytes.
    napi_throw_type_error(env, NULL, "gcm(key, salt) takes a 16-byte key and a salt of at least 12 bytes");
    return NULL;
  }
  gcm_t *gcm = calloc(1, sizeof *gcm);
  if (!gcm) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  gcm->ctx = EVP_CIPHER_CTX_new();
  gcm->decrypt = EVP_CIPHER_CTX_new();
  if (!gcm->ctx || !gcm->decrypt || EVP_EncryptInit_ex(gcm->ctx, EVP_aes_128_gcm(), NULL, key, NULL) != 1 ||
      EVP_DecryptInit_ex(gcm->decrypt, EVP_aes_128_gcm(), NULL, key, NULL) != 1) {
    EVP_CIPHER_CTX_free(gcm->ctx);
    EVP_CIPHER_CTX_free(gcm->decrypt);
    free(gcm);
    napi_throw_error(env, NULL, "AES-128-GCM context could not be made");
    return NULL;
  }
  memcpy(gcm->salt, salt, SALT_BYTES);
  napi_value external;
  if (napi_create_external(env, gcm, gcm_finalize, NULL, &external) != napi_ok) {
    gcm_finalize(env, gcm, NULL);
    napi_throw_error(env, NULL, "fast-send: external");
    return NULL;
  }
  return external;
}

// RFC 7714 §8: AAD = the RTP header; out = header || ciphertext || tag. Returns the sealed length, or 0.
static size_t seal(gcm_t *gcm, const uint8_t *header, size_t header_length, const uint8_t *payload,
                   size_t payload_length, uint32_t ssrc, uint32_t roc, uint32_t seq, uint8_t *out) {
  uint8_t iv[GCM_IV_BYTES];
  srtp_gcm_iv(gcm->salt, ssrc, roc, seq, iv);
  int n;
  EVP_CIPHER_CTX *ctx = gcm->ctx;
  if (EVP_EncryptInit_ex(ctx, NULL, NULL, NULL, iv) != 1) return 0;
  if (EVP_EncryptUpdate(ctx, NULL, &n, header, (int)header_length) != 1) return 0;
  if (out != header) memcpy(out, header, header_length);
  if (EVP_EncryptUpdate(ctx, out + header_length, &n, payload, (int)payload_length) != 1) return 0;
  size_t length = header_length + (size_t)n;
  if (EVP_EncryptFinal_ex(ctx, out + length, &n) != 1) return 0;
  length += (size_t)n;
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, GCM_TAG_BYTES, out + length) != 1) return 0;
  return length + GCM_TAG_BYTES;
}

typedef struct {
  gcm_t *gcm;
  uint8_t *header;
  size_t header_length;
  uint8_t *payload;
  size_t payload_length;
  uint32_t ssrc, roc, seq;
} seal_args;

// Reads (gcm, header, headerLength, payload, ssrc, roc, seq) from argv.
static int read_seal_args(napi_env env, napi_value *argv, seal_args *a) {
  size_t header_size;
  uint32_t header_length;
  if (napi_get_value_external(env, argv[0], (void **)&a->gcm) != napi_ok || !a->gcm) return 0;
  if (!buffer_arg(env, argv[1], &a->header, &header_size)) return 0;
  if (napi_get_value_uint32(env, argv[2], &header_length) != napi_ok || header_length > header_size) return 0;
  a->header_length = header_length;
  if (!buffer_arg(env, argv[3], &a->payload, &a->payload_length)) return 0;
  if (napi_get_value_uint32(env, argv[4], &a->ssrc) != napi_ok) return 0;
  if (napi_get_value_uint32(env, argv[5], &a->roc) != napi_ok) return 0;
  if (napi_get_value_uint32(env, argv[6], &a->seq) != napi_ok) return 0;
  return a->header_length + a->payload_length + GCM_TAG_BYTES <= MAX_PACKET;
}

// seal(gcm, header, headerLength, payload, ssrc, roc, seq) → Buffer: the sealed packet.
static napi_value seal_packet(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  seal_args a;
  if (argc < 7 || !read_seal_args(env, argv, &a)) {
    napi_throw_type_error(env, NULL, "seal(gcm, header, headerLength, payload, ssrc, roc, seq): bad arguments");
    return NULL;
  }
  uint8_t out[MAX_PACKET];
  size_t length = seal(a.gcm, a.header, a.header_length, a.payload, a.payload_length, a.ssrc, a.roc, a.seq, out);
  if (length == 0) {
    napi_throw_error(env, NULL, "AES-128-GCM sealing failed");
    return NULL;
  }
  napi_value result;
  void *copy;
  CHECK(napi_create_buffer_copy(env, length, out, &copy, &result));
  return result;
}

// sealSend(gcm, header, headerLength, payload, ssrc, roc, seq, fd, address) → bytes sent, or
// -errno when the send failed (the packet is then lost, as one dropped on the wire).
static napi_value seal_send(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  seal_args a;
  int32_t fd;
  uint8_t *address;
  size_t address_length;
  if (argc < 9 || !read_seal_args(env, argv, &a) || napi_get_value_int32(env, argv[7], &fd) != napi_ok ||
      fd < 0 || !buffer_arg(env, argv[8], &address, &address_length) ||
      (address_length != sizeof(struct sockaddr_in) && address_length != sizeof(struct sockaddr_in6))) {
    napi_throw_type_error(env, NULL,
                          "sealSend(gcm, header, headerLength, payload, ssrc, roc, seq, fd, address): bad arguments");
    return NULL;
  }
  uint8_t out[MAX_PACKET];
  size_t length = seal(a.gcm, a.header, a.header_length, a.payload, a.payload_length, a.ssrc, a.roc, a.seq, out);
  int32_t sent;
  if (length == 0) {
    sent = -EINVAL;
  } else {
    ssize_t n;
    do n = sendto(fd, out, length, MSG_DONTWAIT, (const struct sockaddr *)address, (socklen_t)address_length);
    while (n < 0 && errno == EINTR);
    sent = n < 0 ? -errno : (int32_t)n;
  }
  napi_value result;
  CHECK(napi_create_int32(env, sent, &result));
  return result;
}

// open(gcm, packet, headerLength, ssrc, roc, seq) → the length of header || plaintext, decrypted in
// place in `packet` (the tag's 16 bytes at the end are then spare), or -1 when the packet does not
// authenticate (its bytes after the header are then garbage). RFC 7714 §8's inverse of `seal`.
static napi_value open_packet(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  gcm_t *gcm;
  uint8_t *packet;
  size_t length;
  uint32_t header_length, ssrc, roc, seq;
  if (argc < 6 || napi_get_value_external(env, argv[0], (void **)&gcm) != napi_ok || !gcm ||
      !buffer_arg(env, argv[1], &packet, &length) || napi_get_value_uint32(env, argv[2], &header_length) != napi_ok ||
      napi_get_value_uint32(env, argv[3], &ssrc) != napi_ok || napi_get_value_uint32(env, argv[4], &roc) != napi_ok ||
      napi_get_value_uint32(env, argv[5], &seq) != napi_ok || length < (size_t)header_length + GCM_TAG_BYTES ||
      length > INT32_MAX) {
    napi_throw_type_error(env, NULL, "open(gcm, packet, headerLength, ssrc, roc, seq): bad arguments");
    return NULL;
  }
  int opened = srtp_gcm_open(gcm->decrypt, gcm->salt, packet, length, header_length, ssrc, roc, seq);
  size_t end = length - GCM_TAG_BYTES;
  napi_value result;
  CHECK(napi_create_int32(env, opened ? (int32_t)end : -1, &result));
  return result;
}

// socketAddress(ip: string, port: number) → Buffer: a sockaddr_in or sockaddr_in6, made once per
// destination so each send passes it as it is.
static napi_value socket_address(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char ip[INET6_ADDRSTRLEN + 1];
  size_t ip_length;
  uint32_t port;
  if (argc < 2 || napi_get_value_string_utf8(env, argv[0], ip, sizeof ip, &ip_length) != napi_ok ||
      napi_get_value_uint32(env, argv[1], &port) != napi_ok || port > 65535) {
    napi_throw_type_error(env, NULL, "socketAddress(ip, port): bad arguments");
    return NULL;
  }
  napi_value result;
  void *data;
  struct sockaddr_in v4 = {0};
  struct sockaddr_in6 v6 = {0};
  if (inet_pton(AF_INET, ip, &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    v4.sin_port = htons((uint16_t)port);
    CHECK(napi_create_buffer_copy(env, sizeof v4, &v4, &data, &result));
  } else if (inet_pton(AF_INET6, ip, &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons((uint16_t)port);
    CHECK(napi_create_buffer_copy(env, sizeof v6, &v6, &data, &result));
  } else {
    napi_throw_type_error(env, NULL, "socketAddress: not an IP address");
    return NULL;
  }
  return result;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor properties[] = {
      {"gcm", NULL, create_gcm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"seal", NULL, seal_packet, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sealSend", NULL, seal_send, NULL, NULL, NULL, napi_enumerable, NULL},
      {"open", NULL, open_packet, NULL, NULL, NULL, napi_enumerable, NULL},
      {"socketAddress", NULL, socket_address, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties) != napi_ok)
    return NULL;
  return exports;
}
