#!/usr/bin/env python3
"""Starts N deployments on a running provisiond (one keep-alive connection)
and prints their ids, one per line: the targets of bench/events_bench.lua.
  make_deployments.py BASE_URL N [SERIAL_PREFIX]"""
import http.client
import json
import sys
import urllib.parse

base, n = sys.argv[1], int(sys.argv[2])
prefix = sys.argv[3] if len(sys.argv) > 3 else "BENCH"
u = urllib.parse.urlsplit(base)
c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
for i in range(n):
    facts = {"serial": "%s%06d" % (prefix, i), "model": "Latitude 5420", "make": "Dell Inc.",
             "os_name": "Microsoft Windows 11 Enterprise"}
    c.request("POST", u.path.rstrip("/") + "/api/v1/endpoint/deployments", body=json.dumps(facts),
              headers={"Content-Type": "application/json"})
    r = c.getresponse()
    body = r.read()
    if r.status not in (200, 201):
        sys.exit("start %d: HTTP %d %s" % (i, r.status, body[:300]))
    print(json.loads(body)["id"])
