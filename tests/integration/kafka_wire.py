"""Just enough of the Kafka wire format for the gateway's raw-socket checks (stdlib only)."""
import socket
import struct
import threading
import time

API_VERSIONS = 18


def uvarint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def string(text):
    """A classic (int16-length) string."""
    data = text.encode()
    return struct.pack(">h", len(data)) + data


def frame(payload):
    return struct.pack(">i", len(payload)) + payload


def request_header_v1(api_key, api_version, correlation_id, client_id=b"kgate-e2e"):
    return struct.pack(">hhih", api_key, api_version, correlation_id, len(client_id)) + client_id


def api_versions_request(correlation_id, version=3):
    """ApiVersions v0..v3; v3 is flexible: header v2 (tagged fields) and compact strings."""
    if version < 3:
        return frame(request_header_v1(API_VERSIONS, version, correlation_id))
    header = request_header_v1(API_VERSIONS, version, correlation_id) + uvarint(0)
    body = b""
    for text in (b"kgate-e2e", b"1.0"):
        body += uvarint(len(text) + 1) + text
    return frame(header + body + uvarint(0))


def connect(address, timeout=5.0):
    host, port = address.rsplit(":", 1)
    sock = socket.create_connection((host, int(port)), timeout=timeout)
    sock.settimeout(timeout)
    return sock


def read_exact(sock, n):
    data = bytearray()
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError(f"connection closed after {len(data)} of {n} bytes")
        data += chunk
    return bytes(data)


def read_frame(sock):
    (size,) = struct.unpack(">i", read_exact(sock, 4))
    if size < 0 or size > 64 * 1024 * 1024:
        raise ValueError(f"implausible response size {size}")
    return read_exact(sock, size)


class Cursor:
    def __init__(self, data):
        self.data = data
        self.pos = 0

    def take(self, fmt):
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return values if len(values) > 1 else values[0]

    def uvarint(self):
        shift = result = 0
        while True:
            b = self.data[self.pos]
            self.pos += 1
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7

    def string(self):
        """A non-flexible (int16-prefixed) string; None when null."""
        n = self.take(">h")
        if n < 0:
            return None
        text = self.data[self.pos:self.pos + n].decode()
        self.pos += n
        return text

    def skip_tagged_fields(self):
        for _ in range(self.uvarint()):
            self.uvarint()
            self.pos += self.uvarint()


UNSUPPORTED_VERSION = 35


def parse_api_versions_response(payload, version):
    """Returns (correlation_id, error_code, {api_key: (min, max)}). The header is always v0;
    an UNSUPPORTED_VERSION answer carries a v0 body whatever was asked (KIP-511)."""
    c = Cursor(payload)
    correlation_id = c.take(">i")
    error_code = c.take(">h")
    flexible = version >= 3 and error_code != UNSUPPORTED_VERSION
    count = c.uvarint() - 1 if flexible else c.take(">i")
    ranges = {}
    for _ in range(max(count, 0)):
        key, lo, hi = c.take(">hhh")
        ranges[key] = (lo, hi)
        if flexible:
            c.skip_tagged_fields()
    return correlation_id, error_code, ranges


def wait_for_eof(sock, seconds):
    """True when the peer closes (EOF or reset) within `seconds`; bytes read meanwhile are dropped."""
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        sock.settimeout(left)
        try:
            if not sock.recv(65536):
                return True
        except socket.timeout:
            return False
        except (ConnectionResetError, BrokenPipeError):
            return True


def read_frame_limited(sock, limit):
    """One frame of at most `limit` bytes (read_frame above allows 64 MiB)."""
    (size,) = struct.unpack(">i", read_exact(sock, 4))
    if size < 0 or size > limit:
        raise ValueError(f"implausible frame size {size}")
    return read_exact(sock, size)
class FakeServer:
    """A listening socket on 127.0.0.1 (port in `port`) that hands each connection to
    `serve(conn)` in a thread of its own until `stop` is set. While `accepting` is clear it
    accepts nothing: with a small backlog the kernel then leaves new connections hanging."""

    def __init__(self, serve, backlog=16):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(backlog)
        self.server.settimeout(0.5)
        self.port = self.server.getsockname()[1]
        self.serve = serve
        self.accepting = True
        self.stop = False
        threading.Thread(target=self._accept_loop, daemon=True).start()

    def _accept_loop(self):
        while not self.stop:
            if not self.accepting:
                time.sleep(0.05)
                continue
            try:
                conn, _ = self.server.accept()
            except socket.timeout:
                continue
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()
