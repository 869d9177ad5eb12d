"""What the integration tests read from a running kgate: its resident memory and metrics."""
import random
import re
import socket
import subprocess
import threading
import time
import urllib.request


def rss(pid):
    """Resident memory of process `pid` in bytes (VmRSS in /proc/PID/status)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS line for process {pid}")


def labelled_metrics(address):
    """{(name, value of its one label): value} for every kgate series with exactly one label,
    from http://ADDRESS/metrics."""
    text = urllib.request.urlopen(f"http://{address}/metrics", timeout=5).read().decode()
    return {(m.group(1), m.group(2)): float(m.group(3))
            for m in re.finditer(r'^(kgate_\w+)\{\w+="([^"]*)"\} (\S+)$', text, re.M)}


def free_ports(count):
    """`count` distinct loopback ports free now (the kernel's choice, released at once)."""
    ports = set()
    while len(ports) < count:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            ports.add(s.getsockname()[1])
    return sorted(ports)


class Kgate:
    """`kgate serve ARGS...` with its log in `log_path`, killed after `limit_s` whatever happens.
    Started directly (no wrapper process), so `pid` is kgate's own for rss()."""

    def __init__(self, kgate, args, log_path, limit_s):
        self.log_path = log_path
        with open(log_path, "w") as log:
            self.proc = subprocess.Popen([kgate, "serve"] + args, stdout=log, stderr=subprocess.STDOUT)
        self.pid = self.proc.pid
        self.watchdog = threading.Timer(limit_s, self.proc.kill)
        self.watchdog.start()

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def wait_ready(self, text, seconds=20):
        """True once `text` is in the log; False if kgate exits or the time runs out first."""
        deadline = time.monotonic() + seconds
        while text not in self.log():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                return False
            time.sleep(0.1)
        return True

    def stop(self):
        """SIGTERM, then SIGKILL after 15 s; returns the exit status."""
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.watchdog.cancel()
        return self.proc.returncode


def free_port_range(count):
    """The first of `count` consecutive free loopback ports, below Linux's ephemeral range
    (32768+), where kgate's own connections to brokers could otherwise take one first."""
    for _ in range(50):
        base = random.randrange(20000, 32000 - count)
        socks = []
        try:
            for port in range(base, base + count):
                s = socket.socket()
                socks.append(s)
                s.bind(("127.0.0.1", port))
            return base
        except OSError:
            pass
        finally:
            for s in socks:
                s.close()
    raise RuntimeError(f"no {count} consecutive free ports found")
