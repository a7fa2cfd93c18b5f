"""Webhooks against the real binary and a receiver on loopback: a finished
and a failed deployment are POSTed signed (Standard Webhooks: the receiver
checks the HMAC), a receiver that fails 3 times gets the same webhook-id
until it accepts, a restart of the service while a delivery is pending
loses nothing and the id stays, the admin route lists targets without
their secret, a test delivery is sent, a bad target in the config is
refused at start with the key named."""
import base64
import hashlib
import hmac
import http.server
import json
import threading
import time
import unittest
import uuid

from harness import SAMPLE_DATA, Service

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
FACTS = {"serial": "SDK86P3", "model": "Latitude 5420", "os_name": "Microsoft Windows 11 Enterprise"}


class Receiver(http.server.BaseHTTPRequestHandler):
    got = []          # (headers dict, body bytes, answered status)
    fail_next = 0
    lock = threading.Lock()

    def log_message(self, *a):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with Receiver.lock:
            status = 500 if Receiver.fail_next > 0 else 204
            Receiver.fail_next = max(0, Receiver.fail_next - 1)
            Receiver.got.append(({k.lower(): v for k, v in self.headers.items()}, body, status))
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


def valid_signature(headers, body):
    key = base64.b64decode(SECRET[len("whsec_"):])
    signed = ("%s.%s." % (headers["webhook-id"], headers["webhook-timestamp"])).encode() + body
    want = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return want in headers["webhook-signature"].split(" ")


class WebhookTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
        threading.Thread(target=cls.receiver.serve_forever, daemon=True).start()
        cls.config = """
[webhooks]
first_retry_ms = 200
max_retry_ms = 400
[[webhooks.target]]
name = "siem"
url = "http://127.0.0.1:%d/hook"
events = ["deployment.finished", "deployment.failed"]
secret = "%s"
""" % (cls.receiver.server_port, SECRET)

    @classmethod
    def tearDownClass(cls):
        cls.receiver.shutdown()

    def setUp(self):
        with Receiver.lock:
            Receiver.got.clear()
            Receiver.fail_next = 0

    def wait_for(self, pred, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with Receiver.lock:
                if pred(Receiver.got):
                    return list(Receiver.got)
            time.sleep(0.05)
        with Receiver.lock:
            self.fail("receiver got %r" % Receiver.got)

    def finish(self, svc, status):
        st, start = svc.post_json("/api/v1/endpoint/deployments", FACTS)
        self.assertEqual(st, 201, start)
        dep = start["id"]
        st, _ = svc.post_json("/api/v1/endpoint/deployments/%s/events" % dep,
                              {"event_id": str(uuid.uuid4()), "phase": "apps", "percent": 50, "message": "half"})
        self.assertEqual(st, 201)
        st, _ = svc.post_json("/api/v1/endpoint/deployments/%s/events" % dep,
                              {"event_id": str(uuid.uuid4()), "phase": "done", "status": status, "message": "end"})
        self.assertEqual(st, 201)
        return dep

    def test_finished_and_failed_deployments_are_posted_signed(self):
        with Service(data=SAMPLE_DATA, config=self.config) as svc:
            ok = self.finish(svc, "success")
            bad = self.finish(svc, "error")
            got = self.wait_for(lambda g: len(g) >= 2)
            time.sleep(0.3)  # nothing else comes: progress events are not webhooks
            with Receiver.lock:
                self.assertEqual(len(Receiver.got), 2)
            by_type = {}
            for headers, body, _ in got:
                self.assertTrue(valid_signature(headers, body), headers)
                self.assertEqual(headers["content-type"], "application/json")
                doc = json.loads(body)
                by_type[doc["type"]] = doc
            self.assertEqual(by_type["deployment.finished"]["data"]["id"], ok)
            self.assertEqual(by_type["deployment.finished"]["data"]["status"], "success")
            self.assertEqual(by_type["deployment.failed"]["data"]["id"], bad)
            self.assertEqual(by_type["deployment.failed"]["data"]["final_message"], "end")
            # A tampered body would not verify.
            headers, body, _ = got[0]
            self.assertFalse(valid_signature(headers, body + b" "))

    def test_a_failing_receiver_and_a_restart_lose_nothing_and_keep_the_id(self):
        svc = Service(data=SAMPLE_DATA, config=self.config)
        try:
            svc.start()
            svc.ensure_admin_token()
            with Receiver.lock:
                Receiver.fail_next = 3
            self.finish(svc, "success")
            self.wait_for(lambda g: len(g) >= 2)  # failing: retried with backoff
            svc.stop()
            with Receiver.lock:
                ids = {h["webhook-id"] for h, _, _ in Receiver.got}
            self.assertEqual(len(ids), 1)
            svc.start()  # the pending delivery is on disk: it resumes
            got = self.wait_for(lambda g: any(s == 204 for _, _, s in g))
            self.assertEqual({h["webhook-id"] for h, _, _ in got}, ids)
            self.assertEqual([s for _, _, s in got], [500, 500, 500, 204])
            time.sleep(0.5)
            with Receiver.lock:
                self.assertEqual(len(Receiver.got), 4, "delivered once, then forgotten")
            st, view = svc.get_json("/api/v1/admin/webhooks")
            self.assertEqual(st, 200)
            self.assertEqual(view["pending"], [])
            self.assertEqual(view["targets"], [{"name": "siem", "url": "http://127.0.0.1:%d/hook" % self.receiver.server_port,
                                                "events": ["deployment.finished", "deployment.failed"]}])
            self.assertNotIn("MfKQ9r8", json.dumps(view))
            # A test delivery goes to the target whatever its events.
            st, queued = svc.post_json("/api/v1/admin/webhooks/test", {})
            self.assertEqual(st, 202, queued)
            got = self.wait_for(lambda g: any(json.loads(b)["type"] == "webhook.test" for _, b, _ in g))
            test = [h for h, b, _ in got if json.loads(b)["type"] == "webhook.test"][0]
            self.assertEqual(test["webhook-id"], queued["queued"][0])
        finally:
            svc.cleanup()

    def test_no_target_configured_answers_clearly(self):
        with Service(data=SAMPLE_DATA) as svc:
            svc.ensure_admin_token()
            st, view = svc.get_json("/api/v1/admin/webhooks")
            self.assertEqual((st, view["targets"]), (200, []))
            st, problem = svc.post_json("/api/v1/admin/webhooks/test", {})
            self.assertEqual(st, 409)
            self.assertIn("[[webhooks.target]]", problem["detail"])

    def test_a_bad_target_is_refused_at_start_naming_the_key(self):
        bad = self.config.replace('"deployment.failed"]', '"deployment.done"]')
        svc = Service(data=SAMPLE_DATA, config=bad)
        try:
            with self.assertRaises(RuntimeError) as refused:
                svc.start()
            self.assertIn("provisiond.toml:5:1: webhooks.target[0].events: unknown event 'deployment.done'",
                          str(refused.exception))
            self.assertIn("known: deployment.finished", str(refused.exception))
        finally:
            svc.cleanup()


if __name__ == "__main__":
    unittest.main()
