#!/usr/bin/env python3
"""Pulsar token authentication for the KoP SASL test, with nothing but the standard library.

  pulsar_token.py secret                  a new HS256 secret key, base64 (for tokenSecretKey)
  pulsar_token.py sign SECRET_B64 ROLE    a JWT whose subject is ROLE, signed with that key

Pulsar's AuthenticationProviderToken checks an HS256 signature made with the broker's
tokenSecretKey and takes the `sub` claim as the role. KoP's PLAIN mechanism takes the password
"token:<JWT>".
"""
import base64
import hashlib
import hmac
import json
import os
import sys


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(secret_b64: str, role: str) -> str:
    key = base64.b64decode(secret_b64)
    header = b64url(json.dumps({"alg": "HS256"}, separators=(",", ":")).encode())
    claims = b64url(json.dumps({"sub": role}, separators=(",", ":")).encode())
    signature = hmac.new(key, f"{header}.{claims}".encode(), hashlib.sha256).digest()
    return f"{header}.{claims}.{b64url(signature)}"


def main() -> int:
    if sys.argv[1:2] == ["secret"] and len(sys.argv) == 2:
        # 256 bits: the least HS256 keys may have.
        print(base64.b64encode(os.urandom(32)).decode())
        return 0
    if sys.argv[1:2] == ["sign"] and len(sys.argv) == 4:
        print(sign(sys.argv[2], sys.argv[3]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
