#!/usr/bin/env python3
"""Per-filter CPU of the API's cheapest filtered route, from an async-profiler collapsed profile
(cpu/itimer samples, `threads` option). Usage: fixedcost-profile.py <profile.collapsed> <server CPU
us per request>. Each event-loop sample goes to the deepest frame of a known owner (a filter, the
logging call, WebFlux dispatch); the rest of the event loop is the HTTP server itself. Other threads
are listed by kind. Prints a markdown table: share of all samples and the matching us/request."""
import re
import sys
from collections import Counter

path, cpu_us = sys.argv[1], float(sys.argv[2])

# (owner label, frame prefix); the deepest matching frame of a stack wins, logging first.
LOGGING = ("logging call: event, MDC copy, enqueue (event loop)",
           ("ch.qos.logback.", "net.logstash.logback.", "org.slf4j.", "io.kaleem.api.observability.logging."))
OWNERS = [
    ("RequestIdFilter: request id, MDC context, access-log fields", ("io.kaleem.api.observability.RequestIdFilter",)),
    ("RequestContext: MDC at each thread hop (context propagation)", ("io.kaleem.api.observability.RequestContext", "io.micrometer.context.", "reactor.core.publisher.ContextPropagation")),
    ("RequestTimeoutFilter", ("io.kaleem.api.web.RequestTimeoutFilter",)),
    ("QueryParameterGuard", ("io.kaleem.api.web.QueryParameterGuard",)),
    ("RequestBodyLimitFilter", ("io.kaleem.api.web.RequestBodyLimitFilter",)),
    ("SecurityFilter: firewall, policy, headers", ("io.kaleem.api.security.",)),
    ("rate limit (anonymous, local lease)", ("io.kaleem.api.ratelimit.", "io.github.bucket4j.")),
    ("WebFlux dispatch + problem response (401)", ("org.springframework.web.reactive.", "org.springframework.web.server.", "org.springframework.http.", "io.kaleem.api.errors.", "org.springframework.boot.webflux.")),
    ("JSON (Jackson) on the event loop", ("tools.jackson.",)),
]


def kind(thread):
    t = thread.lower()
    if "epoll" in t or "nio" in t or "http" in t or "eventloop" in t:
        return "event loop"
    if "logback-appender" in t:
        return "log writer thread: JSON encoding + redaction + write"
    if "gc" in t or "vm thread" in t or "g1" in t:
        return "GC / VM"
    if "compiler" in t:
        return "JIT compiler"
    return "other threads (in-process MongoDB, Redis client, timers)"


counts = Counter()
total = 0
for line in open(path):
    line = line.rstrip("\n")
    if not line:
        continue
    stack, _, n = line.rpartition(" ")
    n = int(n)
    frames = [f.replace("/", ".") for f in stack.split(";")]
    thread = frames[0].strip("[]") if frames and frames[0].startswith("[") else "?"
    total += n
    k = kind(thread)
    if k != "event loop":
        counts[k] += n
        continue
    owner = None
    for f in reversed(frames):
        if f.startswith(LOGGING[1]):
            owner = LOGGING[0]
            break
        for label, prefixes in OWNERS:
            if f.startswith(prefixes):
                owner = label
                break
        if owner:
            break
    counts["event loop: " + (owner or "HTTP server (Reactor Netty, Netty, syscalls)")] += n

print()
print(f"Profile of the cheapest filtered route (async-profiler itimer, {total} samples; "
      f"server CPU {cpu_us:.0f} µs/request in that run). Each event-loop sample is charged to the "
      "deepest frame of the owners below; steady state only (the last 30 s of a 45 s run after "
      "the warm-up).")
print()
print("| where the CPU goes | share of samples | µs/request |")
print("|---|---:|---:|")
for label, n in counts.most_common():
    print(f"| {label} | {100.0 * n / total:.1f} % | {cpu_us * n / total:.1f} |")
for label, _ in [LOGGING] + OWNERS:
    if "event loop: " + label not in counts:
        print(f"| event loop: {label} | 0 % (no sample) | < {cpu_us / max(total, 1):.1f} |")
