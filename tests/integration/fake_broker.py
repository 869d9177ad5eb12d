"""A fake Kafka broker on 127.0.0.1 for tests that need answers no real broker gives on cue
(stdlib only). Subclasses say what to answer; each connection is served on its own thread."""
import struct

import kafka_wire as kw


def string(text):
    """A classic (int16-length) string."""
    data = text.encode()
    return struct.pack(">h", len(data)) + data


def api_versions_body(version, keys):
    """ApiVersions as brokers answer it: a request above v0 gets UNSUPPORTED_VERSION with a v0
    body (KIP-511), so kgate asks again at v0, which lists `keys` as (key, min, max)."""
    if version != 0:
        return struct.pack(">hi", kw.UNSUPPORTED_VERSION, 1) + struct.pack(">hhh", kw.API_VERSIONS, 0, 0)
    return struct.pack(">hi", 0, len(keys)) + b"".join(struct.pack(">hhh", *k) for k in keys)


def metadata_v1_body(node_id, port):
    """Metadata v1: one broker, 127.0.0.1:port, which is also the controller; no topics."""
    return struct.pack(">ii", 1, node_id) + string("127.0.0.1") + struct.pack(">ihii", port, -1, node_id, 0)


class FakeBroker:
    """Listens on an ephemeral loopback port until close(). answer(api_key, version, body)
    returns the response body, or None to close the connection without answering."""

    def __init__(self, max_request=64 * 1024 * 1024, idle_s=30):
        self.max_request = max_request
        self.idle_s = idle_s
        self.listener = kw.FakeServer(self._serve, backlog=64)
        self.port = self.listener.port

    def close(self):
        self.listener.stop = True

    def answer(self, api_key, version, body):
        raise NotImplementedError

    def _serve(self, conn):
        conn.settimeout(self.idle_s)
        with conn:
            while True:
                try:
                    request = kw.read_frame_limited(conn, self.max_request)
                    api_key, version, correlation = struct.unpack_from(">hhi", request)
                    (client_id_len,) = struct.unpack_from(">h", request, 8)
                    body = self.answer(api_key, version, request[10 + max(client_id_len, 0):])
                    if body is None:
                        return
                    conn.sendall(kw.frame(struct.pack(">i", correlation) + body))
                except (EOFError, OSError, ValueError, struct.error):
                    return
