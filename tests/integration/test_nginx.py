"""provisiond behind a real nginx at /provision, configured like the
original's IIS ARR rule (without its outbound rewrite rule)."""
import json
import unittest

from harness import NginxServiceTest


class BehindNginx(NginxServiceTest):
    def test_redirect_carries_prefix_and_external_host_and_port(self):
        status, headers, _ = self.nginx.request("GET", "/provision/", host="deploy.example.com:%d" % self.nginx.port)
        self.assertEqual(status, 302)
        self.assertEqual(headers["location"],
                         "http://deploy.example.com:%d/provision/api/v1" % self.nginx.port)

    def test_generated_absolute_urls_carry_prefix_host_port_and_client(self):
        status, _, body = self.nginx.request("GET", "/provision/api/v1", host="deploy.example.com:%d" % self.nginx.port)
        self.assertEqual(status, 200, body)
        index = json.loads(body)
        base = "http://deploy.example.com:%d/provision" % self.nginx.port
        self.assertEqual(index["base_url"], base)
        self.assertIn(base + "/healthz", [r.get("url") for r in index["routes"]])
        self.assertEqual(index["client_address"], "127.0.0.1")

    def test_health_through_the_proxy(self):
        status, _, body = self.nginx.request("GET", "/provision/healthz")
        self.assertEqual((status, json.loads(body)), (200, {"status": "ok"}))


if __name__ == "__main__":
    unittest.main()
