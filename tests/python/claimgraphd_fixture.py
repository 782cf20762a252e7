"""ServerFixture: the real claimgraphd on 127.0.0.1 with ephemeral ports and a temporary data
directory, for the Python tests. Extra flags (--load, --tokens-file, --metrics-listen) pass
through; the gRPC port and, with --metrics-listen, the HTTP port are read from its start-up
lines."""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time


class ServerFixture:
    def __init__(self, binary, extra_flags=()):
        self.dir = tempfile.mkdtemp(prefix="claimgraph-py-")
        self.log = open(os.path.join(self.dir, "server.log"), "w")
        self.process = subprocess.Popen(
            [binary, "--listen", "127.0.0.1:0", "--data-dir", os.path.join(self.dir, "db"),
             *extra_flags],
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        deadline = time.time() + 60
        self.port = None
        self.http_port = None
        while time.time() < deadline and self.port is None:
            line = self.process.stdout.readline()
            if not line:
                break
            match = re.search(r"metrics on port (\d+)", line)
            if match:
                self.http_port = int(match.group(1))
            match = re.search(r"listening on port (\d+)", line)
            if match:
                self.port = int(match.group(1))
        if self.port is None:
            self.stop()
            raise RuntimeError("claimgraphd did not start")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
