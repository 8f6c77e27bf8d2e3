"""A throw-away Neo4j 5.26 Community server with GDS and APOC, run from the jars Maven resolves.

Why this launcher: the Neo4j distribution's own ``neo4j console`` ends in one JVM running
``org.neo4j.server.CommunityEntryPoint --home-dir=HOME --config-dir=HOME/conf`` with ``plugins/*`` and
``lib/*`` on the class path. We start exactly that JVM ourselves (no wrapper process, so the pid we hold is
the server's), with the jars of ``pom.xml`` (``org.neo4j:neo4j`` + GDS ``org.neo4j.gds:proc`` + APOC core)
copied by ``mvn dependency:copy-dependencies`` into ``jars/`` (git-ignored). neo4j-harness would need a
compiled Java program and runs procedures only from classes named in code; the entry point needs neither.
Neo4j's own admin tool (``org.neo4j.cli.AdminTool``, the class behind ``neo4j-admin``) from the same jars
sets the initial password (real authentication) and runs ``database import full``.

    python tests/neo4j_server/server.py resolve      # mvn: jars into tests/neo4j_server/jars/
    python tests/neo4j_server/server.py start DIR    # prints NEO4J_URI / NEO4J_PASSWORD / NEO4J_PID
    python tests/neo4j_server/server.py stop DIR

>>> neo4j_conf(7688)["server.bolt.listen_address"]
'127.0.0.1:7688'
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
POM = HERE / "pom.xml"
JARS = HERE / "jars"
#: Written after a complete ``mvn dependency:copy-dependencies``; holds the pom it was resolved from.
STAMP = JARS / ".resolved-pom.xml"
#: Jars (file names start with their group id) that the server also scans for procedures.
PLUGIN_GROUPS = ("org.neo4j.gds.", "org.neo4j.procedure.")
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"
USER = "neo4j"
PASSWORD = "paperkg-test-password"
#: JVM flags of the distribution's default ``server.jvm.additional`` that Neo4j 5 needs on Java 17.
JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
)


class ServerError(RuntimeError):
    """The server or a tool could not be resolved, started or run; the message says why."""


def missing_tools() -> list[str]:
    """The programs this launcher needs that are not on PATH (``java``, ``mvn``).

    >>> isinstance(missing_tools(), list)
    True
    """
    return [tool for tool in ("java", "mvn") if shutil.which(tool) is None]


def resolve_jars(quiet: bool = True) -> Path:
    """Copy the pom's dependencies into :data:`JARS` with Maven (its cache: ``~/.m2``), once per pom."""
    if STAMP.is_file() and STAMP.read_bytes() == POM.read_bytes():
        return JARS
    command = ["mvn", "-B", "-f", str(POM), "dependency:copy-dependencies", *(["-q"] if quiet else [])]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-20:])
        raise ServerError(f"`{' '.join(command)}` failed (exit {result.returncode}):\n{tail}")
    STAMP.write_bytes(POM.read_bytes())
    return JARS


def _jars() -> list[Path]:
    jars = sorted(JARS.glob("*.jar"))
    if not STAMP.is_file() or not jars:
        raise ServerError(f"no resolved jars in {JARS}: run `python {Path(__file__).name} resolve` first")
    return jars


def class_path() -> str:
    """Every resolved jar, for ``java -cp``."""
    return os.pathsep.join(str(jar) for jar in _jars())


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def neo4j_conf(bolt_port: int, pagecache: str = "256m") -> dict[str, str]:
    """``neo4j.conf`` settings: Bolt on ``127.0.0.1:bolt_port`` only, auth on, GDS/APOC unrestricted."""
    return {
        "server.default_listen_address": "127.0.0.1",
        "server.bolt.enabled": "true",
        "server.bolt.listen_address": f"127.0.0.1:{bolt_port}",
        "server.bolt.tls_level": "DISABLED",
        "server.http.enabled": "false",
        "server.https.enabled": "false",
        "dbms.security.auth_enabled": "true",
        "dbms.security.procedures.unrestricted": "gds.*,apoc.*",
        "dbms.usage_report.enabled": "false",
        "server.memory.pagecache.size": pagecache,
        "db.tx_log.rotation.retention_policy": "1 files",
    }


def make_home(home: Path, bolt_port: int) -> Path:
    """Lay out a Neo4j home (conf, data, logs, plugins, import) with :func:`neo4j_conf`.

    The plugins folder holds links to the GDS and APOC jars, which the server scans for procedures.
    """
    for name in ("conf", "data", "logs", "plugins", "import", "run"):
        (home / name).mkdir(parents=True, exist_ok=True)
    conf = "".join(f"{key}={value}\n" for key, value in neo4j_conf(bolt_port).items())
    (home / "conf" / "neo4j.conf").write_text(conf, encoding="utf-8")
    for jar in _jars():
        link = home / "plugins" / jar.name
        if jar.name.startswith(PLUGIN_GROUPS) and not link.exists():
            link.symlink_to(jar)
    return home


def admin(home: Path, args: Sequence[str], heap: str = "1g", timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run ``neo4j-admin ARGS`` (Neo4j's AdminTool) against ``home``; raises :class:`ServerError` on failure."""
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    command = ["java", f"-Xmx{heap}", *JVM_FLAGS, "-cp", class_path(), ADMIN_TOOL, *args]
    # cwd=home: `database import` writes its import.report into the working directory
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout, cwd=home)
    if result.returncode != 0:
        raise ServerError(
            f"neo4j-admin {' '.join(args)} failed (exit {result.returncode}):\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result


@dataclass
class Server:
    """A running server: its home, Bolt port, password and JVM process."""

    home: Path
    port: int
    password: str
    process: subprocess.Popen[bytes]

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        """The ``NEO4J_*`` variables paperkg reads to reach this server."""
        return {"NEO4J_URI": self.uri, "NEO4J_USER": USER, "NEO4J_PASSWORD": self.password}

    def log_tail(self, lines: int = 25) -> str:
        """The end of the server's console output, ``logs/neo4j.log`` and ``logs/debug.log``."""
        parts = []
        for path in (self.home / "logs" / name for name in ("console.log", "neo4j.log", "debug.log")):
            if path.is_file():
                text = path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
                parts.append(f"--- {path}\n" + "\n".join(text))
        return "\n".join(parts) or f"(no log in {self.home / 'logs'})"


def _bolt_answers(uri: str, password: str) -> bool:
    from neo4j import GraphDatabase
    from neo4j.exceptions import DriverError, Neo4jError

    try:
        with GraphDatabase.driver(uri, auth=(USER, password), connection_timeout=2) as driver:
            driver.verify_connectivity()
            return True
    except (DriverError, Neo4jError, OSError):
        return False


def start(home: Path, password: str = PASSWORD, heap: str = "1g", timeout: float = 600) -> Server:
    """Start a server in ``home`` (created if needed) and wait until Bolt accepts ``password``.

    Raises :class:`ServerError` with the log's tail when the JVM exits or Bolt stays silent for ``timeout`` s.
    """
    port = free_port()
    make_home(home, port)
    if not (home / "data" / "dbms" / "auth.ini").exists():
        admin(home, ["dbms", "set-initial-password", password])
    console = (home / "logs" / "console.log").open("ab")
    command = [
        "java",
        f"-Xms{heap}",
        f"-Xmx{heap}",
        *JVM_FLAGS,
        "-cp",
        class_path(),
        ENTRY_POINT,
        f"--home-dir={home}",
        f"--config-dir={home / 'conf'}",
    ]
    process = subprocess.Popen(command, stdout=console, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    console.close()
    (home / "run" / "neo4j.pid").write_text(f"{process.pid}\n", encoding="utf-8")
    server = Server(home, port, password, process)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"Neo4j exited with {process.returncode} while starting:\n{server.log_tail()}")
        if _bolt_answers(server.uri, password):
            return server
        time.sleep(1)
    stop(server)
    raise ServerError(f"Neo4j's Bolt port {port} did not answer within {timeout:.0f} s:\n{server.log_tail()}")


def stop(server: Server, timeout: float = 60) -> int:
    """Stop the server by its pid (SIGTERM: a clean shutdown; SIGKILL after ``timeout`` s); its exit code."""
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(10)
    return int(server.process.returncode)


def _stop_pid(home: Path, timeout: float = 60) -> None:
    """Stop the server whose pid :func:`start` wrote into ``home/run/neo4j.pid`` (for the command line)."""
    pid = int((home / "run" / "neo4j.pid").read_text(encoding="utf-8"))
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.5)
    os.kill(pid, signal.SIGKILL)


def main(argv: Sequence[str]) -> int:
    """``resolve`` | ``start HOME`` | ``stop HOME`` (see the module docstring)."""
    if not argv or argv[0] not in ("resolve", "start", "stop") or (argv[0] != "resolve" and len(argv) != 2):
        print(__doc__.split(">>>")[0], file=sys.stderr)
        return 2
    try:
        if argv[0] == "resolve":
            print(resolve_jars(quiet=False))
        elif argv[0] == "start":
            resolve_jars()
            server = start(Path(argv[1]).resolve())
            print("\n".join(f"{k}={v}" for k, v in {**server.env(), "NEO4J_PID": str(server.process.pid)}.items()))
        else:
            _stop_pid(Path(argv[1]).resolve())
    except ServerError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
