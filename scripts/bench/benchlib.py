"""Shared pieces of Slipway's benchmarks: binaries, throwaway repositories, the daemon, nginx, wrk.

Everything listens on 127.0.0.1 only, every process started here is stopped by its pid, and every
load is bounded in connections and time. Standard library only (python3 from Debian suffices).
"""

from __future__ import annotations

import json
import os
import re
import resource
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# MARK: binaries


def build_dir() -> Path:
    """Where `slipway` and `slipway-example` are: $SLIPWAY_BUILD_DIR, else the package's release build."""
    directory = Path(os.environ.get("SLIPWAY_BUILD_DIR", ROOT / ".build" / "release")).resolve()
    for name in ("slipway", "slipway-example"):
        if not (directory / name).is_file():
            sys.exit(f"bench: {directory / name} is missing; run `swift build -c release` "
                     f"(or set SLIPWAY_BUILD_DIR to a directory holding release builds of slipway and slipway-example)")
    return directory


def slipway_bin() -> str:
    return str(build_dir() / "slipway")


def example_bin() -> str:
    return str(build_dir() / "slipway-example")


def reproduce_line(script: str, args: list[str]) -> str:
    """The exact command that reproduces a run, as printed under each table."""
    env = f"SLIPWAY_BUILD_DIR={shlex.quote(str(build_dir()))} " if "SLIPWAY_BUILD_DIR" in os.environ else ""
    return f"{env}scripts/bench/{script} {' '.join(shlex.quote(a) for a in args)}".rstrip()


def raise_fd_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# MARK: ports and waiting


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.01)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


def wait_until_listening(process: subprocess.Popen, port: int, timeout: float = 20.0) -> None:
    """Until `process` itself listens on 127.0.0.1:`port`. Something else answering there (a port
    picked free and then taken) would otherwise be measured in its place; then `process` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"pid {process.pid} exited ({process.returncode}) instead of listening on {port}")
        if listening_inode(port) in socket_inodes([process.pid] + children_of(process.pid)):
            return
        time.sleep(0.01)
    raise RuntimeError(f"pid {process.pid} does not listen on 127.0.0.1:{port} after {timeout}s")


def listening_inode(port: int) -> str | None:
    """The inode of the socket listening on 127.0.0.1:`port` (/proc/net/tcp, state 0A)."""
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            if fields[1] == f"0100007F:{port:04X}" and fields[3] == "0A":
                return fields[9]
    return None


def socket_inodes(pids: list[int]) -> set[str]:
    inodes = set()
    for pid in pids:
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:["):
                    inodes.add(target[len("socket:["):-1])
        except OSError:
            continue
    return inodes


def http_get(port: int, path: str, timeout: float = 2.0) -> tuple[int, dict[str, str], bytes]:
    """One GET on a fresh connection; (status, lowercased headers, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


# MARK: /proc


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (KiB) of a process."""
    values = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM", "Threads"):
                values[name] = int(rest.split()[0])
    return values


def children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == pid:
            found.append(int(entry))
    return found


def cpu_ticks(pids: list[int]) -> tuple[int, int]:
    """User and system clock ticks used so far by `pids` (threads included), from /proc/PID/stat."""
    user = system = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        user += int(fields[11])
        system += int(fields[12])
    return user, system


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


# MARK: statistics


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def medians(results):
    """Per system name, the medians over its rounds: req/s, p50 and p99 ms, CPU µs per request
    (user, system), and the errors summed."""
    return {name: {
        "rps": median([r.rps for r in rs]),
        "p50": median([r.p50_ms for r in rs]),
        "p99": median([r.p99_ms for r in rs]),
        "errors": sum(r.error_count for r in rs),
        "user_us": median([r.cpu_us[0] for r in rs if r.cpu_us]),
        "sys_us": median([r.cpu_us[1] for r in rs if r.cpu_us]),
    } for name, rs in results.items()}


def percentile(sorted_values: list[float], p: float):
    if not sorted_values:
        return None
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100 * (len(sorted_values) - 1)))))
    return sorted_values[k]


def fmt(value, digits: int = 2, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, int):
        return f"{value}{unit}"
    return f"{value:.{digits}f}{unit}"


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table (what docs/PERFORMANCE.md holds)."""
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    def line(cells):
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"
    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"] + [line(r) for r in rows])


def machine_line() -> str:
    load = os.getloadavg()
    return (f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at start "
            f"(shared and noisy: compare ratios from the same run, not absolute numbers across runs)")


# MARK: a throwaway git repository with a slipway.yml


def git(directory: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=directory, check=True, capture_output=True, text=True,
                          env={**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@localhost",
                               "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@localhost"}).stdout


def make_repository(directory: Path, config: str, files: dict[str, str], versions: list[str],
                    per_version: dict[str, str] | None = None) -> None:
    """A git repository with `config` as slipway.yml, `files`, and one tagged commit per version
    whose `VERSION` file holds it (plus `per_version` files rendered with {version})."""
    directory.mkdir(parents=True, exist_ok=True)
    git(directory, "init", "-q", "-b", "main")
    (directory / "slipway.yml").write_text(config)
    (directory / ".gitignore").write_text(".slipway/\n")
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        if name.endswith(".sh"):
            path.chmod(0o755)
    for version in versions:
        (directory / "VERSION").write_text(version + "\n")
        for name, template in (per_version or {}).items():
            (directory / name).write_text(template.format(version=version))
        git(directory, "add", "-A")
        git(directory, "commit", "-q", "-m", f"release {version}")
        git(directory, "tag", version)


def health_block(interval: str = "1s", indent: str = "    ") -> str:
    return (f"{indent}health:\n"
            f"{indent}  path: /health\n"
            f"{indent}  interval: {interval}\n"
            f"{indent}  timeout: 2s\n"
            f"{indent}  healthy_threshold: 1\n"
            f"{indent}  unhealthy_threshold: 3\n"
            f"{indent}  start_timeout: 30s\n")


# MARK: the daemon


class Daemon:
    """`slipway serve` in a repository, its output in a log file, stopped with SIGTERM by pid."""

    def __init__(self, repository: Path, log_path: Path, binary: str | None = None):
        self.repository = repository
        self.log_path = log_path
        self.binary = binary or slipway_bin()
        self.process: subprocess.Popen | None = None
        self.proxy_port: int | None = None

    def start(self, timeout: float = 60.0) -> "Daemon":
        self.log_file = open(self.log_path, "w")
        self.process = subprocess.Popen([self.binary, "serve", "--log-level", "warning"], cwd=self.repository,
                                        stdout=subprocess.PIPE, stderr=self.log_file, text=True, bufsize=1)
        deadline = time.monotonic() + timeout
        line = self.process.stdout.readline()
        match = re.search(r"proxy on http://[^:]+:(\d+)", line)
        if not match:
            self.stop()
            raise RuntimeError(f"slipway serve did not start: {line!r}; see {self.log_path}")
        self.proxy_port = int(match.group(1))
        # Keep draining its stdout so it never blocks on a full pipe.
        threading.Thread(target=self._drain, daemon=True).start()
        while time.monotonic() < deadline:
            if self.cli("status", check=False).returncode == 0:
                return self
            time.sleep(0.05)
        raise RuntimeError("slipway serve does not answer `slipway status`")

    def _drain(self) -> None:
        for _ in self.process.stdout:
            pass

    @property
    def pid(self) -> int:
        return self.process.pid

    def cli(self, *args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess:
        result = subprocess.run([self.binary, *args], cwd=self.repository, capture_output=True, text=True,
                                timeout=timeout)
        if check and result.returncode != 0:
            raise RuntimeError(f"slipway {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
        return result

    def deploy_json(self, service: str, ref: str) -> dict:
        return json.loads(self.cli("deploy", service, "--ref", ref, "--json").stdout)

    def status(self) -> dict:
        return json.loads(self.cli("status", "--json").stdout)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "log_file", None):
            self.log_file.close()


STAGE_START = re.compile(r"^▸ (\w+)…")
STAGE_END = re.compile(r"^([✔✘–⊘]) (\w+) \(")


@dataclass
class TimedCommand:
    """A deploy or rollback run through the CLI, each progress line stamped with time.monotonic()
    as it arrived (the CLI flushes every line). The record's own stage times are whole seconds
    in the API's JSON, too coarse for these measurements."""
    args: list[str]
    started: float = 0.0
    ended: float = 0.0
    returncode: int = -1
    lines: list[tuple[float, str]] = field(default_factory=list)
    stage_start: dict[str, float] = field(default_factory=dict)
    stage_end: dict[str, float] = field(default_factory=dict)
    stage_outcome: dict[str, str] = field(default_factory=dict)

    @property
    def wall(self) -> float:
        return self.ended - self.started

    def stage(self, name: str) -> float | None:
        if name in self.stage_start and name in self.stage_end:
            return self.stage_end[name] - self.stage_start[name]
        return None

    def output(self) -> str:
        return "\n".join(line for _, line in self.lines)


def run_timed(repository: Path, args: list[str]) -> TimedCommand:
    command = TimedCommand(args=args)
    command.started = time.monotonic()
    process = subprocess.Popen([slipway_bin(), *args], cwd=repository, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, bufsize=1)
    for raw in process.stdout:
        now = time.monotonic()
        line = raw.rstrip("\n")
        command.lines.append((now, line))
        if m := STAGE_START.match(line):
            command.stage_start[m.group(1)] = now
        elif m := STAGE_END.match(line):
            command.stage_end[m.group(2)] = now
            command.stage_outcome[m.group(2)] = m.group(1)
    command.returncode = process.wait()
    command.ended = time.monotonic()
    return command


# MARK: the proxy process alone


class SlipwayProxy:
    """`slipway proxy run` by itself, without a daemon: its own state directory, its route table set
    over its control socket (`proxy.sock`, one JSON request and one JSON reply per line) as the
    daemon sets it. For what `slipway serve` cannot configure yet (several instances, weights) and
    for builds whose daemon differs but whose data plane is what is measured."""

    def __init__(self, directory: Path, binary: str):
        self.directory = directory
        self.binary = binary
        directory.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen | None = None
        self.port: int | None = None

    def start(self, port: int) -> "SlipwayProxy":
        self.port = port
        self.log_file = open(self.directory / "proxy-run.log", "w")
        self.process = subprocess.Popen([self.binary, "proxy", "run", "--state-directory", str(self.directory),
                                         "--listen", f"127.0.0.1:{port}"], cwd=self.directory,
                                        stdout=self.log_file, stderr=subprocess.STDOUT)
        wait_until_listening(self.process, port)
        # The control socket is published once the proxy serves; `proxy.json` names its pid then.
        deadline = time.monotonic() + 20
        while proxy_pid(self.directory, state=".") != self.process.pid:
            if time.monotonic() > deadline:
                raise RuntimeError(f"slipway proxy run did not publish its control socket; see {self.directory}")
            time.sleep(0.01)
        return self

    @property
    def pid(self) -> int:
        return self.process.pid

    def control(self, request: dict) -> dict:
        """One control request; its reply, or RuntimeError when the proxy refused it."""
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(10)
            s.connect(str(self.directory / "proxy.sock"))
            s.sendall((json.dumps(request) + "\n").encode())
            data = b""
            while not data.endswith(b"\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        reply = json.loads(data)
        if reply.get("error") or reply.get("handingOff"):
            raise RuntimeError(f"proxy control {request['operation']}: {reply}")
        return reply

    def configure(self, service: str, path: str = "/") -> None:
        key = {"environment": "default", "service": service}
        self.control({"operation": "configure", "service": key, "route": {"service": key, "path": path}})

    def switch(self, service: str, upstream: dict) -> None:
        """Every request of `service` to one upstream (`{"host", "port", "releaseID"}`): the plain switch,
        which every build with a proxy process understands."""
        self.control({"operation": "switch", "service": {"environment": "default", "service": service},
                      "upstream": upstream})

    def route(self, service: str, releases: list[dict], balance: str = "least_requests") -> dict:
        """`service`'s Backends (builds with replicas and weights): `releases` as
        `{"releaseID", "upstreams": [...], "weight", "preview"}`. Returns the route table's line."""
        self.control({"operation": "route", "service": {"environment": "default", "service": service},
                      "backends": {"releases": releases, "balance": balance}})
        status = self.control({"operation": "status"})["status"]
        return next(r for r in status["routes"] if r["service"]["service"] == service)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "log_file", None):
            self.log_file.close()


# MARK: nginx


class Nginx:
    """An nginx of our own (its own prefix, config and pid), in the foreground so its pid is ours."""

    def __init__(self, directory: Path, config_body: str, workers: int | str = "auto", connections: int = 4096):
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "logs").mkdir(exist_ok=True)
        (directory / "tmp").mkdir(exist_ok=True)
        self.config = directory / "nginx.conf"
        self.config.write_text(f"""
worker_processes {workers};
worker_rlimit_nofile 20000;
pid {directory}/nginx.pid;
error_log {directory}/logs/error.log warn;
events {{ worker_connections {connections}; multi_accept on; }}
http {{
    access_log off;
    client_body_temp_path {directory}/tmp/client;
    proxy_temp_path {directory}/tmp/proxy;
    fastcgi_temp_path {directory}/tmp/fastcgi;
    uwsgi_temp_path {directory}/tmp/uwsgi;
    scgi_temp_path {directory}/tmp/scgi;
{config_body}
}}
""")
        self.process: subprocess.Popen | None = None

    def start(self, port: int) -> "Nginx":
        self.process = subprocess.Popen([NGINX, "-p", str(self.directory) + "/", "-c", str(self.config),
                                         "-g", "daemon off;", "-e", str(self.directory / "logs" / "error.log")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until_listening(self.process, port)
        return self

    @property
    def pid(self) -> int:
        return self.process.pid

    def rss_kib(self) -> int:
        """Master and workers."""
        total = proc_status(self.pid)["VmRSS"]
        for child in children_of(self.pid):
            try:
                total += proc_status(child)["VmRSS"]
            except OSError:
                pass
        return total

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful; workers exit with the master
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class HAProxy:
    """An HAProxy of our own (its own config), in the foreground (`-db`) so its pid is ours. Two
    threads, as Slipway's proxy runs one event loop per core; upstream connections kept alive and
    shared between clients (`http-reuse always`); `X-Forwarded-*` set as Slipway and nginx set them."""

    def __init__(self, directory: Path, port: int, upstream: int, threads: int = 2):
        directory.mkdir(parents=True, exist_ok=True)
        self.port = port
        self.config = directory / "haproxy.cfg"
        self.config.write_text(f"""
global
    nbthread {threads}
    maxconn 8000
defaults
    mode http
    timeout connect 5s
    timeout client 300s
    timeout server 300s
    timeout http-keep-alive 300s
    option http-keep-alive
    http-reuse always
frontend bench
    bind 127.0.0.1:{port} backlog 4096
    option forwardfor
    http-request set-header X-Forwarded-Proto http
    http-request set-header X-Forwarded-Host %[req.hdr(host)]
    default_backend upstream
backend upstream
    server static 127.0.0.1:{upstream} maxconn 1000
""")
        self.process: subprocess.Popen | None = None

    def start(self) -> "HAProxy":
        binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
        self.process = subprocess.Popen([binary, "-db", "-f", str(self.config)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until_listening(self.process, self.port)
        return self

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGUSR1)  # soft stop: finishes its connections
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# MARK: wrk


def wrk_script(path: Path, delay_ms: float | None = None, paths: list[str] | None = None) -> Path:
    """A wrk Lua script that prints one JSON line of results; optionally a think time per request
    (`delay`, so latency is measured below saturation) and a rotation over request paths."""
    parts = []
    if paths:
        listed = ", ".join(json.dumps(p) for p in paths)
        parts.append(f"""
local paths = {{ {listed} }}
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, paths[(n % #paths) + 1])
end
""")
    if delay_ms:
        parts.append(f"delay = function() return {delay_ms} end\n")
    parts.append("""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
""")
    path.write_text("".join(parts))
    return path


@dataclass
class WrkResult:
    command: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: dict[str, int]
    bytes: int
    #: (user, system) CPU microseconds per request of `measure_pids`, when given.
    cpu_us: tuple[float, float] | None = None

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def rotations(order: list[str], rounds: int):
    """The systems in each round's order: it rotates every round, so that no system always runs
    first (or last) on a machine whose load drifts."""
    for round_index in range(rounds):
        shift = round_index % len(order)
        yield order[shift:] + order[:shift]


def warm_up(ports: dict[str, int], path: str, connections: int, script: Path, close: bool) -> None:
    """One second of the case's load on every system: pools filled, code paged in."""
    for port in ports.values():
        wrk(f"http://127.0.0.1:{port}{path}", connections, 1, script, close=close)


def wrk(url: str, connections: int, seconds: float, script: Path, threads: int = 2, close: bool = False,
        timeout: str = "5s", measure_pids: list[int] | None = None) -> WrkResult:
    args = ["wrk", "-t", str(min(threads, connections)), "-c", str(connections), "-d", f"{seconds:g}s",
            "--timeout", timeout, "--latency", "-s", str(script)]
    if close:
        args += ["-H", "Connection: close"]
    args.append(url)
    before = cpu_ticks(measure_pids) if measure_pids else None
    result = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 60)
    after = cpu_ticks(measure_pids) if measure_pids else None
    line = next((l for l in result.stdout.splitlines() if l.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{result.stdout}\n{result.stderr}")
    data = json.loads(line[len("WRKJSON "):])
    duration = data["duration_us"] / 1e6
    return WrkResult(
        command=" ".join(shlex.quote(a) for a in args),
        requests=data["requests"], seconds=duration, rps=data["requests"] / duration if duration else 0.0,
        p50_ms=data["p50_us"] / 1000, p90_ms=data["p90_us"] / 1000, p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        errors={k: data[k] for k in ("connect", "read", "write", "status", "timeout") if data[k]},
        bytes=data["bytes"],
        cpu_us=(None if before is None or not data["requests"] else
                tuple((a - b_) * 1e6 / os.sysconf("SC_CLK_TCK") / data["requests"] for a, b_ in zip(after, before))))


def temp_root(prefix: str) -> Path:
    base = Path(os.environ.get("SLIPWAY_BENCH_TMP", tempfile.gettempdir()))
    return Path(tempfile.mkdtemp(prefix=prefix, dir=base))


# MARK: a static upstream: nginx deployed by Slipway as a service


UPSTREAM_RUN = """#!/bin/sh
# A static upstream for the benchmarks: nginx serving this release directory's www/ on $PORT.
set -e
mkdir -p logs tmp
sed -e "s/@PORT@/$PORT/" -e "s#@DIR@#$PWD#g" -e "s/@WORKERS@/${UPSTREAM_WORKERS:-1}/" upstream.conf.in > upstream.conf
exec @NGINX@ -p "$PWD/" -c "$PWD/upstream.conf" -g 'daemon off;' -e "$PWD/logs/error.log"
"""

UPSTREAM_CONF = """# Workers as the release's owner: the release directory sits in the 0700 state directory.
# (Ignored with a warning when nginx does not start as root.)
user root;
worker_processes @WORKERS@;
worker_rlimit_nofile 20000;
pid @DIR@/nginx.pid;
error_log @DIR@/logs/error.log warn;
events { worker_connections 16384; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 300s;
    default_type application/octet-stream;
    client_body_temp_path @DIR@/tmp/client;
    proxy_temp_path @DIR@/tmp/proxy;
    fastcgi_temp_path @DIR@/tmp/fastcgi;
    uwsgi_temp_path @DIR@/tmp/uwsgi;
    scgi_temp_path @DIR@/tmp/scgi;
    server {
        listen 127.0.0.1:@PORT@ backlog=4096;
        root @DIR@/www;
        add_header X-Release-Version {version};
        location = /health {
            default_type application/json;
            return 200 '{"status":"healthy"}';
        }
    }
}
"""


def static_upstream_repository(directory: Path, proxy_port: int, services: int = 1) -> list[str]:
    """A repository whose service(s) run a static nginx (www/100b, www/1m); returns service names."""
    names = ["static"] if services == 1 else [f"static{i:02d}" for i in range(services)]
    config = f"proxy:\n  listen: 127.0.0.1:{proxy_port}\nservices:\n"
    for i, name in enumerate(names):
        route = "/" if services == 1 else f"/{name}"
        config += (f"  {name}:\n    run: ./run-upstream.sh\n    route:\n      path: {route}\n"
                   + health_block("1s") + "    drain_timeout: 10s\n    stop_timeout: 5s\n    watch: 0s\n")
    files = {
        "run-upstream.sh": UPSTREAM_RUN.replace("@NGINX@", NGINX),
        "www/100b": "x" * 99 + "\n",
        "www/1m": ("y" * 1023 + "\n") * 1024,
    }
    make_repository(directory, config, files, ["v1", "v2"], per_version={"upstream.conf.in": UPSTREAM_CONF.replace("{", "{{").replace("}", "}}").replace("{{version}}", "{version}")})
    return names


# MARK: load that must not fail (the proxy process benchmarks)

def start_close_wrk(port: int, connections: int, script: Path) -> subprocess.Popen:
    """wrk with a new connection per request (`Connection: close`), running until `stop_close_wrk`."""
    return subprocess.Popen(["wrk", "-t", "1", "-c", str(connections), "-d", "3600s", "--timeout", "5s",
                             "-s", str(script), "-H", "Connection: close", f"http://127.0.0.1:{port}/"],
                            stdout=subprocess.PIPE, text=True)


def stop_close_wrk(process: subprocess.Popen) -> dict | None:
    """Interrupts wrk (it prints its summary on SIGINT) and returns its WRKJSON result."""
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=120)
    line = next((l for l in out.splitlines() if l.startswith("WRKJSON ")), None)
    if line is None:
        log(f"wrk printed no result: {out[-500:]!r}")
        return None
    return json.loads(line[len("WRKJSON "):])


def failures_table(records, wrk_result: dict | None) -> str:
    """Requests and failures by kind: loadgen's records (keep-alive) and wrk's result (new connections)."""
    failures: dict[str, int] = {}
    for record in records:
        if record[3] != "ok":
            failures[record[3]] = failures.get(record[3], 0) + 1
    rows = [["keep-alive (loadgen)", len(records), sum(failures.values()),
             ", ".join(f"{k} {v}" for k, v in sorted(failures.items())) or "-"]]
    if wrk_result:
        errors = {k: wrk_result[k] for k in ("connect", "read", "write", "status", "timeout") if wrk_result[k]}
        rows.append(["new connection per request (wrk)", wrk_result["requests"], sum(errors.values()),
                     ", ".join(f"{k} {v}" for k, v in sorted(errors.items())) or "-"])
    return table(["load", "requests", "failed", "by kind"], rows)


def proxy_pid(repository: Path, state: str = ".slipway") -> int | None:
    """The proxy process `.slipway/proxy.json` names (`state`: the state directory, relative)."""
    try:
        return json.loads((repository / state / "proxy.json").read_text())["pid"]
    except (OSError, ValueError, KeyError):
        return None


def deploy_then_stop_loads(repository: Path, load, wrk, records: Path, stop_load) -> tuple[list[int], list, dict | None]:
    """After the disturbance: deploys v1 then v0 (they must still work), stops both loads, and
    returns the deploys' exit codes, loadgen's records and wrk's result."""
    deploys = [run_timed(repository, ["deploy", "web", "--ref", ref]).returncode for ref in ("v1", "v0")]
    time.sleep(1)
    stop_load(load)
    wrk_result = stop_close_wrk(wrk) if wrk else None
    from loadgen import read_records
    return deploys, read_records(records), wrk_result
