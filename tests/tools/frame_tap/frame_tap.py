#!/usr/bin/env python3
"""A recording relay for Kafka connections, for the golden corpus: sits between kgate and the
brokers, passes every byte on unchanged and writes a sample of the frames it sees.

    frame_tap.py --out DIR --keep N --seconds S --ready-file FILE LISTEN_PORT=HOST:PORT...

kgate forwards client requests byte for byte, so a tap on its upstream side records the
clients' own requests (ApiVersions excepted: kgate answers those itself) and the brokers' own
responses. Files are named as kgate-capture-frames names them, NNNNN-{request,response}-KEY-
VERSION.bin, size prefix included; at most N requests per (key, version, client id), each with
its response, so every client's own encoding is sampled.
Listens on 127.0.0.1 only and exits after S seconds or on SIGTERM.
"""
import argparse
import asyncio
import os
import signal
import struct
import sys


class Recorder:
    def __init__(self, out, keep):
        self.out = out
        self.keep = keep
        self.seq = 0
        self.kept = {}  # (key, version, client id) -> requests kept

    def want(self, sample):
        if self.kept.get(sample, 0) >= self.keep:
            return False
        self.kept[sample] = self.kept.get(sample, 0) + 1
        return True

    def write(self, direction, key, version, frame):
        self.seq += 1
        with open(os.path.join(self.out, f"{self.seq:05d}-{direction}-{key}-{version}.bin"), "wb") as f:
            f.write(frame)


async def read_frame(reader):
    head = await reader.readexactly(4)
    (size,) = struct.unpack(">i", head)
    if size < 0 or size > 128 * 1024 * 1024:
        raise ValueError(f"implausible frame size {size}")
    return head + await reader.readexactly(size)


async def pump_requests(reader, writer, recorder, pending):
    while True:
        frame = await read_frame(reader)
        writer.write(frame)
        if len(frame) >= 14:
            key, version, correlation, id_length = struct.unpack_from(">hhih", frame, 4)
            client_id = frame[14:14 + max(id_length, 0)]
            if recorder.want((key, version, client_id)):
                recorder.write("request", key, version, frame)
                pending[correlation] = (key, version)
        await writer.drain()


async def pump_responses(reader, writer, recorder, pending):
    while True:
        frame = await read_frame(reader)
        writer.write(frame)
        if len(frame) >= 8:
            (correlation,) = struct.unpack_from(">i", frame, 4)
            asked = pending.pop(correlation, None)
            if asked is not None:
                recorder.write("response", asked[0], asked[1], frame)
        await writer.drain()


def relay(upstream, recorder):
    host, port = upstream.rsplit(":", 1)

    async def handle(client_reader, client_writer):
        pending = {}
        try:
            broker_reader, broker_writer = await asyncio.open_connection(host, int(port))
        except OSError:
            client_writer.close()
            return
        tasks = [asyncio.ensure_future(pump_requests(client_reader, broker_writer, recorder, pending)),
                 asyncio.ensure_future(pump_responses(broker_reader, client_writer, recorder, pending))]
        # Either side closing ends the pair.
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for t in tasks:
            t.cancel()
        for w in (broker_writer, client_writer):
            w.close()

    return handle


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--keep", type=int, default=3)
    parser.add_argument("--seconds", type=int, required=True)
    parser.add_argument("--ready-file", required=True)
    parser.add_argument("routes", nargs="+", help="LISTEN_PORT=HOST:PORT")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    recorder = Recorder(args.out, args.keep)
    servers = []
    for route in args.routes:
        port, upstream = route.split("=", 1)
        servers.append(await asyncio.start_server(relay(upstream, recorder), "127.0.0.1", int(port)))
    open(args.ready_file, "w").close()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    try:
        await asyncio.wait_for(stop.wait(), args.seconds)
    except asyncio.TimeoutError:
        pass
    for s in servers:
        s.close()
    print(f"frame_tap: {recorder.seq} frames written to {args.out}")


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
