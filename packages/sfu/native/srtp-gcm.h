// SRTP AEAD_AES_128_GCM (RFC 7714) steps shared by the SFU's addon (fast-send.c) and the bench
// clients' receive path (bench/native/bench-receive.c): the per-packet IV and opening a packet.
#ifndef TANGERINE_SRTP_GCM_H
#define TANGERINE_SRTP_GCM_H

#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

#define SRTP_GCM_TAG_BYTES 16
#define SRTP_GCM_IV_BYTES 12
#define SRTP_GCM_SALT_BYTES 12

// RFC 7714 §8.1: IV = (00 00 || SSRC || ROC || SEQ) XOR salt.
static inline void srtp_gcm_iv(const uint8_t salt[SRTP_GCM_SALT_BYTES], uint32_t ssrc, uint32_t roc, uint32_t seq,
                               uint8_t iv[SRTP_GCM_IV_BYTES]) {
  const uint8_t plain[SRTP_GCM_IV_BYTES] = {0,         0,         ssrc >> 24, ssrc >> 16, ssrc >> 8, ssrc,
                                            roc >> 24, roc >> 16, roc >> 8,   roc,        seq >> 8,  seq};
  for (int i = 0; i < SRTP_GCM_IV_BYTES; i++) iv[i] = plain[i] ^ salt[i];
}

// RFC 7714 §8, inverse: opens `packet` (header || ciphertext || tag, `length` bytes) in place with
// a context keyed for decryption; 1 when it authenticates (its bytes after the header are garbage
// when it does not).
static inline int srtp_gcm_open(EVP_CIPHER_CTX *ctx, const uint8_t salt[SRTP_GCM_SALT_BYTES], uint8_t *packet,
                                size_t length, size_t header_length, uint32_t ssrc, uint32_t roc, uint32_t seq) {
  uint8_t iv[SRTP_GCM_IV_BYTES];
  srtp_gcm_iv(salt, ssrc, roc, seq, iv);
  size_t end = length - SRTP_GCM_TAG_BYTES;
  int n;
  return EVP_DecryptInit_ex(ctx, NULL, NULL, NULL, iv) == 1 &&
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, SRTP_GCM_TAG_BYTES, packet + end) == 1 &&
         EVP_DecryptUpdate(ctx, NULL, &n, packet, (int)header_length) == 1 &&
         EVP_DecryptUpdate(ctx, packet + header_length, &n, packet + header_length, (int)(end - header_length)) == 1 &&
         EVP_DecryptFinal_ex(ctx, packet + header_length + n, &n) == 1;
}

#endif
