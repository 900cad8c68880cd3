#!/usr/bin/env python3
"""A minimal OTLP/HTTP receiver for benchmarks: answers 200 to every POST /v1/traces and counts requests and
bytes (printed on SIGTERM). It does not decode the spans: the benchmark measures the exporter's cost."""
import signal, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

stats = {"requests": 0, "bytes": 0}

class Sink(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        self.rfile.read(n)
        stats["requests"] += 1
        stats["bytes"] += n
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass

def stop(*_):
    print(f"otlp-sink: {stats['requests']} export requests, {stats['bytes']} bytes", flush=True)
    sys.exit(0)

signal.signal(signal.SIGTERM, stop)
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
