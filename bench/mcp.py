#!/usr/bin/env python3
"""MCP server latency: `breakwater mcp` over stdio on a copy of a corpus.

    bench/mcp.py [CORPUS] [FILE]      # default: bench/work/django (bench/run.sh downloads it)

Copies CORPUS to a temporary directory, starts the release binary's MCP
server on it (the first start fills the facts cache; a second start is
timed), then calls each tool RUNS times (default 7) and prints the median
and maximum round trip: model_summary, threats_for FILE, check_change (a
snippet with a SQL injection appended to FILE, scanned in memory), and
propose_threat (a claim citing FILE's first `return` line). Ends with the
server's peak RSS (it keeps the model and every file's facts).
"""
import json, os, shutil, statistics, subprocess, sys, tempfile, time

here = os.path.dirname(os.path.abspath(__file__))
corpus = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "work/django")
rel = sys.argv[2] if len(sys.argv) > 2 else "django/contrib/auth/views.py"
runs = int(os.environ.get("RUNS", "7"))
target = os.environ.get("CARGO_TARGET_DIR", os.path.join(here, "..", "target"))
binary = os.path.join(target, "release", "breakwater")
if not os.path.isdir(corpus):
    sys.exit(f"no {corpus}: run bench/run.sh first")
subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "breakwater"], check=True, cwd=os.path.join(here, ".."))


class Server:
    def __init__(self, root):
        self.p = subprocess.Popen([binary, "mcp", root], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True)
        self.n = 0

    def send(self, method, params=None, notify=False):
        m = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            m["params"] = params
        if not notify:
            self.n += 1
            m["id"] = self.n
        self.p.stdin.write(json.dumps(m) + "\n")
        self.p.stdin.flush()
        return None if notify else json.loads(self.p.stdout.readline())

    def start(self):
        self.send("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                 "clientInfo": {"name": "bench", "version": "1"}})
        self.send("notifications/initialized", notify=True)

    def peak_rss_mb(self):
        for line in open(f"/proc/{self.p.pid}/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def stop(self):
        self.p.stdin.close()
        self.p.wait()


with tempfile.TemporaryDirectory() as tmp:
    root = os.path.join(tmp, "corpus")
    shutil.copytree(corpus, root, symlinks=True)
    lines = open(os.path.join(root, rel), encoding="utf-8").read().splitlines()
    at = next(i for i, l in enumerate(lines) if l.strip().startswith("return "))
    cold = Server(root)
    t = time.time()
    cold.start()
    print(f"first start (scan, facts cache filled): {time.time() - t:.2f} s")
    cold.stop()
    s = Server(root)
    t = time.time()
    s.start()
    print(f"start with a warm cache: {time.time() - t:.2f} s")

    def tool(name, args):
        times = []
        for _ in range(runs):
            t = time.time()
            r = s.send("tools/call", {"name": name, "arguments": args})
            times.append(time.time() - t)
        text = r["result"]["content"][0]["text"].replace("\n", " ")[:80]
        print(f"{name:15} median {statistics.median(times) * 1000:4.0f} ms  max {max(times) * 1000:4.0f} ms  ({text})")

    tool("model_summary", {})
    tool("threats_for", {"path": rel})
    tool("check_change", {"path": rel, "snippet": "\n\ndef bench_lookup(request, cursor):\n"
                          "    cursor.execute(\"SELECT * FROM t WHERE a = '%s'\" % request.GET[\"a\"])\n"})
    tool("propose_threat", {"title": "A benchmark claim", "stride": "tampering", "cwe": [20], "impact": 2,
                            "likelihood": 2, "path": rel, "start_line": at + 1, "quote": lines[at].strip(),
                            "rationale": "timing only"})
    print(f"server peak RSS: {s.peak_rss_mb():.0f} MB")
    s.stop()
