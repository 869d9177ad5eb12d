"""Opens N client connections to a Kafka address, sends one ApiVersions v0 request on each and
reads its answer (so a proxy has connected its broker side too), prints 'open K' every 250
connections and 'held N' at the end, then keeps them open until stdin closes. Stdlib only;
exits 1 naming the first connection that failed."""
import socket
import struct
import sys

API_VERSIONS = 18


def request(correlation_id):
    client = b"kgate-idle"
    body = struct.pack(">hhih", API_VERSIONS, 0, correlation_id, len(client)) + client
    return struct.pack(">i", len(body)) + body


def read_exact(sock, n):
    data = bytearray()
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError(f"closed after {len(data)} of {n} bytes")
        data += chunk
    return bytes(data)


def main():
    host, port = sys.argv[1].rsplit(":", 1)
    count = int(sys.argv[2])
    socks = []
    try:
        for i in range(count):
            s = socket.create_connection((host, int(port)), timeout=10)
            socks.append(s)
            s.sendall(request(i))
            (size,) = struct.unpack(">i", read_exact(s, 4))
            answer = read_exact(s, size)
            if struct.unpack(">i", answer[:4])[0] != i:
                raise ValueError("wrong correlation id")
            if (i + 1) % 250 == 0:
                print(f"open {i + 1}", flush=True)
    except (OSError, EOFError, ValueError) as e:
        sys.exit(f"idle_connections: connection {len(socks)} of {count} to {sys.argv[1]}: {e}")
    print(f"held {len(socks)}", flush=True)
    sys.stdin.read()  # until the harness closes its end
    for s in socks:
        s.close()


if __name__ == "__main__":
    main()
