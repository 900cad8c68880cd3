"""Arithmetic for aggregate.sh (python3, standard library only).

  aggregate.py same-json FILE JSON      exit 0 if FILE holds the same JSON value as JSON (key order and
                                        white space aside), else print both and exit 1
  aggregate.py row CSV SCEN ROUND KIND CONNS WRK_OUT CYCLES_OR_- TIMES_FILE PORTICO_TICKS ORIGIN_TICKS
                   BUSY_TICKS HZ T0 T1
                                        parse one wrk run (plus, for the sequential scenario, the cycle
                                        latencies the Lua script wrote) and append a row to CSV; print it
  aggregate.py summary CSV MD           medians over rounds, markdown table on stdout and into MD

A "logical call" is what a client wants: the dashboard's three answers. Scenario agg: one request per
logical call, latency from wrk's distribution. Scenario seq: three sequential requests per logical call,
latency from the cycle timings of aggregate-seq.lua with wrk's own coordinated-omission correction applied
(wrk corrects every distribution it prints, so uncorrected cycles would not compare), calls/s = wrk's
req/s / 3.
"""
import csv, json, os, re, statistics, sys

FIELDS = ["scenario", "round", "kind", "conns", "requests", "wall_s", "calls", "calls_per_s", "p50_us", "p99_us",
          "cycles_timed", "non2xx", "sock_errors", "portico_cpu_s", "origin_cpu_s", "wrk_cpu_s", "busy_s"]


def us(v):
    n = float(re.match(r"[\d.]+", v).group())
    for suf, mul in (("us", 1), ("ms", 1e3), ("m", 60e6), ("s", 1e6)):
        if v.endswith(suf):
            return n * mul
    return n


def secs(v):  # "1m2.345s" (sh's times builtin)
    m, s = v.rstrip("s").split("m")
    return int(m) * 60 + float(s)


def pct(sorted_vals, p):  # nearest rank
    if not sorted_vals:
        return float("nan")
    k = max(0, min(len(sorted_vals) - 1, int(round(p / 100 * len(sorted_vals) + 0.5)) - 1))
    return sorted_vals[k]


def wrk_corrected(lat, expected):
    """wrk's stats_correct (src/stats.c) on a list of samples: each sample n >= 2*expected (expected = the
    mean interval between one connection's calls) adds n-expected, n-2*expected, ... while above expected,
    standing for the calls a stalled closed-loop client could not send. Sorted."""
    out = list(lat)
    for n in lat:
        if n >= 2 * expected:
            m = n - expected
            while m > expected:
                out.append(m)
                m -= expected
    return sorted(out)


def row(a):
    (path, scen, rnd, kind, conns, wrk_out, cycles, times, pt, ot, bt, hz, t0, t1) = a
    hz, wall = float(hz), float(t1) - float(t0)
    text = open(wrk_out).read()
    reqs = int(re.search(r"(\d+) requests in", text).group(1))
    p50 = re.search(r"^\s+50%\s+(\S+)", text, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    non2xx = int(non2xx.group(1)) if non2xx else 0
    serr = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    serr = sum(map(int, serr.groups())) if serr else 0
    if "wrk_rc=0" not in text:
        serr += 1000000
    wcpu = 0.0
    tl = open(times).read().split("\n")
    if len(tl) >= 2 and tl[1].strip():
        u, s = tl[1].split()
        wcpu = secs(u) + secs(s)
    # wall_s is measured around wrk (process start to exit); wrk's own duration is what req/s are per
    dur = reqs / float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)) if reqs else wall
    if scen == "seq":
        raw = [float(x) for x in open(cycles) if x[:1].isdigit()]
        bad = sum(int(m) for m in re.findall(r"bad=(\d+)", open(cycles).read()))
        calls = reqs / 3
        # the same coordinated-omission correction wrk applies to its own latencies (the agg column)
        lat = wrk_corrected(raw, dur * 1e6 / (len(raw) / int(conns))) if raw else []
        lp50, lp99, timed = pct(lat, 50), pct(lat, 99), len(raw)
        non2xx = max(non2xx, bad)
    else:
        calls, lp50, lp99, timed = reqs, us(p50.group(1)), us(p99.group(1)), ""
    r = dict(scenario=scen, round=rnd, kind=kind, conns=conns, requests=reqs, wall_s=f"{wall:.3f}",
             calls=f"{calls:.0f}", calls_per_s=f"{calls / dur:.1f}", p50_us=f"{lp50:.0f}", p99_us=f"{lp99:.0f}",
             cycles_timed=timed, non2xx=non2xx, sock_errors=serr, portico_cpu_s=f"{int(pt) / hz:.2f}",
             origin_cpu_s=f"{int(ot) / hz:.2f}", wrk_cpu_s=f"{wcpu:.2f}", busy_s=f"{int(bt) / hz:.2f}")
    new = not os.path.exists(path) or os.path.getsize(path) == 0
    with open(path, "a", newline="") as f:
        w = csv.DictWriter(f, FIELDS)
        if new:
            w.writeheader()
        w.writerow(r)
    cpu = int(pt) / hz / calls * 1e6 if calls else float("nan")
    print(f"    {scen:<4} {kind} c={conns:<3} {calls / dur:9.0f} calls/s  p50 {lp50 / 1000:6.2f} ms  "
          f"p99 {lp99 / 1000:6.2f} ms  portico {cpu:6.1f} us/call"
          + (f"  ERRORS {non2xx}+{serr}" if non2xx + serr else ""))


def summary(a):
    path, md = a
    rows = list(csv.DictReader(open(path)))
    med = statistics.median
    f = lambda r, k: float(r[k])
    get = lambda s, k: [r for r in rows if r["scenario"] == s and r["kind"] == k]
    names = {"agg": "aggregate route (1 request)", "seq": "3 sequential calls (3 requests)"}
    rounds = len(get("agg", "thr")) or len(get("seq", "thr"))

    def mm(vals, fmt):
        return f"{fmt(med(vals))} ({fmt(min(vals))}–{fmt(max(vals))})" if vals else "–"
    n0 = lambda v: f"{v:,.0f}".replace(",", " ")
    n1 = lambda v: f"{v:.1f}"
    n2 = lambda v: f"{v:.2f}"
    stats = {}
    for s in ("agg", "seq"):
        thr, lat = get(s, "thr"), get(s, "lat")
        if not thr:
            continue
        cpu = lambda rs: [f(r, "portico_cpu_s") / f(r, "calls") * 1e6 for r in rs if f(r, "calls") > 0]
        stats[s] = dict(
            cps=[f(r, "calls_per_s") for r in thr], cps1=[f(r, "calls_per_s") for r in lat],
            p50=[f(r, "p50_us") / 1000 for r in thr], p99=[f(r, "p99_us") / 1000 for r in thr],
            lp50=[f(r, "p50_us") / 1000 for r in lat], lp99=[f(r, "p99_us") / 1000 for r in lat],
            cpu=cpu(thr), cpu1=cpu(lat),
            ocpu=[f(r, "origin_cpu_s") / f(r, "calls") * 1e6 for r in thr if f(r, "calls") > 0],
            pcores=[f(r, "portico_cpu_s") / f(r, "wall_s") for r in thr],
            wrk=[f(r, "wrk_cpu_s") / f(r, "wall_s") for r in thr],
            other=[(f(r, "busy_s") - f(r, "portico_cpu_s") - f(r, "origin_cpu_s") - f(r, "wrk_cpu_s")) / f(r, "wall_s")
                   for r in thr + lat],
            errs=sum(int(r["non2xx"]) + int(r["sock_errors"]) for r in thr + lat),
            rounds={r["round"]: r for r in thr}, lrounds={r["round"]: r for r in lat})
    out = [f"Medians over {rounds} rounds (min–max). A logical call = the dashboard's three answers: one aggregate "
           f"request, or three sequential requests on one connection. c=50: wrk -t1 -c50 (throughput); c=1: "
           f"wrk -t1 -c1 (latency). CPU = Portico process utime+stime per logical call.", "",
           "| scenario | calls/s @c50 | p50 / p99 ms @c50 | calls/s @c1 | p50 / p99 ms @c1 | Portico CPU µs/call @c50 "
           "| @c1 | origin CPU µs/call | Portico cores | wrk cores | other cores | errors |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for s, d in stats.items():
        out.append(f"| {names[s]} | {mm(d['cps'], n0)} | {n2(med(d['p50']))} / {n2(med(d['p99']))} | "
                   f"{mm(d['cps1'], n0)} | {n2(med(d['lp50']))} / {n2(med(d['lp99']))} | {mm(d['cpu'], n1)} | "
                   f"{n1(med(d['cpu1']))} | {n1(med(d['ocpu']))} | {n2(med(d['pcores']))} | {n2(med(d['wrk']))} | "
                   f"{n2(med(d['other']))} | {d['errs']} |")
    if "agg" in stats and "seq" in stats:
        a, q = stats["agg"], stats["seq"]
        paired = lambda ka, key: [f(a[ka][k], key) / f(q[ka][k], key) for k in a[ka] if k in q[ka] and f(q[ka][k], key)]
        cpuratio = [(f(a["rounds"][k], "portico_cpu_s") / f(a["rounds"][k], "calls")) /
                    (f(q["rounds"][k], "portico_cpu_s") / f(q["rounds"][k], "calls"))
                    for k in a["rounds"] if k in q["rounds"]]
        out += ["", "Ratio aggregate / sequential, median of per-round pairs (min–max):", "",
                "| calls/s @c50 | p50 @c50 | p99 @c50 | calls/s @c1 | p50 @c1 | p99 @c1 | Portico CPU µs/call @c50 |",
                "|---|---|---|---|---|---|---|",
                "| " + " | ".join(mm(v, n2) for v in (
                    paired("rounds", "calls_per_s"), paired("rounds", "p50_us"), paired("rounds", "p99_us"),
                    paired("lrounds", "calls_per_s"), paired("lrounds", "p50_us"), paired("lrounds", "p99_us"), cpuratio)) + " |"]
    out += ["", "Per-round calls/s @c50:"]
    for s, d in stats.items():
        out.append(f"- {s}: " + ", ".join(n0(v) for v in d["cps"]))
    idle = os.path.join(os.path.dirname(path), "idle.txt")
    if os.path.exists(idle):
        v = [int(t) / int(hz) for _, t, hz in (l.split() for l in open(idle) if l.strip())]
        out += ["", f"Machine without load (1 s before each round, all CPU but Portico's and the origin's): "
                    f"{med(v):.2f} cores median ({min(v):.2f}–{max(v):.2f})."]
    out += ["", "other = cores busy with anything but Portico, the origin nginx and wrk during the runs (noise from "
            "other work; ../shared/bench/README.md: discard runs above ~0.1)."]
    text = "\n".join(out) + "\n"
    open(md, "w").write(text)
    sys.stdout.write(text)


def same_json(a):
    got, want = open(a[0]).read(), a[1]
    try:
        ok = json.loads(got) == json.loads(want)
    except ValueError:
        ok = False
    if not ok:
        print(f"got:  {got}\nwant: {want}", file=sys.stderr)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    {"row": row, "summary": summary, "same-json": same_json}[sys.argv[1]](sys.argv[2:])
