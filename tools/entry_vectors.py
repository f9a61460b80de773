#!/usr/bin/env python3
"""Known-answer vectors for palabre's entry format 2 and envelope, computed
from the byte layout in docs/protocol.md, independently of the C++ code.

BLAKE2b comes from Python's hashlib; XChaCha20-Poly1305 and Ed25519 from
libsodium through ctypes (no C++ of palabre involved). Prints C++ table rows:
`python3 tools/entry_vectors.py` for tests/core/entry_seal_test.cc,
`python3 tools/entry_vectors.py envelopes` for tests/sync/envelope_test.cc
(envelopes without wraps: crypto_box_seal is randomised, so wraps are
tested by round trip instead).
"""
import ctypes
import ctypes.util
import hashlib
import struct

sodium = ctypes.CDLL(ctypes.util.find_library("sodium") or "libsodium.so.23")
assert sodium.sodium_init() >= 0

TYPES = {"session": 1, "commitment": 2, "followup": 3}
OPS = {"put": 1, "delete": 2, "redact": 3}


def b2b(data, size=32):
    return hashlib.blake2b(data, digest_size=size).digest()


def keypair(seed):
    pk = ctypes.create_string_buffer(32)
    sk = ctypes.create_string_buffer(64)
    assert sodium.crypto_sign_seed_keypair(pk, sk, seed) == 0
    return pk.raw, sk.raw


def sign(sk, message):
    sig = ctypes.create_string_buffer(64)
    assert sodium.crypto_sign_detached(sig, None, message,
                                       ctypes.c_ulonglong(len(message)),
                                       sk) == 0
    return sig.raw


def seal(dek, header, payload):
    out = ctypes.create_string_buffer(len(payload) + 16)
    out_len = ctypes.c_ulonglong(0)
    nonce = bytes(24)
    assert sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        out, ctypes.byref(out_len), payload, ctypes.c_ulonglong(len(payload)),
        header, ctypes.c_ulonglong(len(header)), None, nonce, dek) == 0
    return out.raw[:out_len.value]


def build(seed, seq, prev, hlc, record, typ, op, parent, packed, dek):
    pk, sk = keypair(seed)
    device = b2b(pk, 16)
    header = device + struct.pack(">Q", seq) + prev + struct.pack(">Q", hlc)
    payload = (bytes([1]) + device + struct.pack(">Q", seq) + record +
               bytes([TYPES[typ], OPS[op]]) +
               (b"\x01" + parent if parent else b"\x00") + packed)
    ciphertext = seal(dek, header, payload)
    ciphertext_hash = b2b(ciphertext)
    entry_hash = b2b(b"palabre.entry/2\x00" + header + ciphertext_hash)
    signature = sign(sk, entry_hash)
    return (pk, device, header, payload, ciphertext, ciphertext_hash,
            entry_hash, signature)


def vector(name, seed, seq, prev, hlc, record, typ, op, parent, packed, dek):
    (pk, device, header, payload, ciphertext, ciphertext_hash, entry_hash,
     signature) = build(seed, seq, prev, hlc, record, typ, op, parent, packed,
                        dek)
    fields = [name, seed.hex(), str(seq), prev.hex(), str(hlc), record.hex(),
              typ, op, parent.hex() if parent else "", packed.hex(), dek.hex(),
              device.hex(), header.hex(), payload.hex(), ciphertext.hex(),
              ciphertext_hash.hex(), entry_hash.hex(), signature.hex()]
    return "    {" + ",\n     ".join('"%s"' % f for f in fields) + "},"


ARGS = [
    ("first entry: a session, raw body", bytes(range(32)), 1, bytes(32),
           (1767225600000 << 16) | 1, bytes.fromhex("00112233445566778899aabbccddeeff"),
           "session", "put", b"",
           b"\x00" + '{"title":"Réunion à Gao"}'.encode(), bytes([7] * 32)),
    ("a commitment with a parent", bytes([0xA5] * 32), 2,
           bytes.fromhex("5d" * 32), 0x018C_2F1A_0000_0002,
           bytes.fromhex("0f" * 16), "commitment", "put",
           bytes.fromhex("00112233445566778899aabbccddeeff"),
           b"\x00" + b'{"action":"Repair the pump.","owner":"Mairie"}',
           bytes(range(100, 132))),
    ("a redaction, empty body", bytes([0x3C] * 32), 1234567,
           bytes.fromhex("ff" * 32), 2**62 + 5, bytes.fromhex("ab" * 16),
           "followup", "redact", bytes.fromhex("cd" * 16), b"",
           bytes([0xEE] * 32)),
]

ROWS = [vector(*a) for a in ARGS]


def envelope(name, hollow, *args):
    (pk, device, header, payload, ciphertext, ciphertext_hash, entry_hash,
     signature) = build(*args)
    if hollow:
        body = b"\x02" + ciphertext_hash
    else:
        body = b"\x01" + struct.pack(">I", len(ciphertext)) + ciphertext
    out = b"PLEV" + b"\x01" + header + body + signature + b"\x00"
    fields = [name, "1" if hollow else "0", pk.hex(), header.hex(),
              ciphertext.hex() if not hollow else "", ciphertext_hash.hex(),
              signature.hex(), out.hex()]
    return "    {" + ",\n     ".join('"%s"' % f for f in fields) + "},"


if __name__ == "__main__":
    import sys
    if sys.argv[1:] == ["envelopes"]:
        print(envelope("sealed, no wraps", False, *ARGS[0][1:]))
        print(envelope("hollow", True, *ARGS[2][1:]))
    else:
        print("\n".join(ROWS))
