"""The provisioning API through the real server: the versioned endpoint API
(plan, confirm, deployments, idempotent events, settings, apps, drivers,
Tanium variables, bad input) and every drop-in route of the original
service against a copy of its sample data directory."""
import json
import unittest
import urllib.parse
import uuid

from harness import ORIGINAL_DATA, SAMPLE_DATA, ServiceTest

KNOWN = {"serial": "SDK86P3", "make": "Dell Inc.", "model": "Latitude 5420",
         "os_name": "Microsoft Windows 11 Enterprise", "macs": ["AA-BB-CC-DD-EE-01"],
         "ram_gb": 16, "disk_gb": 512, "cpu_count": 8}


def q(**params):
    return "?" + urllib.parse.urlencode(params)


class LegacyRoutes(ServiceTest):
    DATA = ORIGINAL_DATA

    def test_getcomputer_known_unknown_and_missing(self):
        st, body = self.svc.get_json("/getcomputer?serial=5CG6050PH9")
        self.assertEqual(st, 200)
        self.assertEqual(body, {"computerName": "manu15", "type": "ACCUEIL", "country": "FR",
                                "language": "fr-FR", "timezone": "Romance Standard Time",
                                "keyboard": "fr-FR"})
        st, body = self.svc.get_json("/getcomputer?serial=IT-UNKNOWN-1")
        self.assertEqual(st, 200)
        self.assertEqual(set(body.values()), {None})
        self.assertEqual(list(body), ["computerName", "type", "country", "language", "timezone", "keyboard"])
        st, _, _ = self.svc.get("/getcomputer")
        self.assertEqual(st, 400)

    def test_setcomputer_then_getcomputer(self):
        st, body = self.svc.post_json("/setcomputer", {"serial": "IT-SET-1", "computerName": "pc-it1",
                                                       "type": "Accueil", "country": "FR"})
        self.assertEqual(st, 200, body)
        st, body = self.svc.get_json("/getcomputer?serial=IT-SET-1")
        self.assertEqual(body["computerName"], "pc-it1")
        # Stored in the catalogue's spelling: the original's postype.csv writes "Accueil".
        self.assertEqual(body["type"], "Accueil")
        st, body = self.svc.post_json("/setcomputer", {"serial": "IT-SET-1", "type": "NOPE"})
        self.assertEqual(st, 400)
        self.assertIn("error", body)

    def test_getapps(self):
        st, body = self.svc.get_json("/getapps" + q(type="Accueil", country="FR", model="X"))
        self.assertEqual(st, 200)
        apps = body["applications"]
        self.assertEqual([a["name"] for a in apps], ["PostypeGUIstart", "NotepadPlusPlus", "VLC"])
        self.assertEqual(apps[0], {"name": "PostypeGUIstart",
                                   "url": "https://provision.infra-lab.fr/file/apps/PostypeGUIstart",
                                   "script": "tanium.cmd", "order": 1, "reboot": False, "kind": "app"})

    def test_getdrivers(self):
        st, body = self.svc.get_json("/getdrivers" + q(name="VMware Virtual Platform",
                                                       os="Microsoft Windows 10 Enterprise LTSC 2021"))
        self.assertEqual(st, 200)
        self.assertIsNone(body["name"])
        self.assertEqual(body["bundle_id"], "6")
        self.assertTrue(body["url"].startswith("%DeployRoot%\\Applications\\DRIVERS"))
        st, body = self.svc.get_json("/getdrivers" + q(name="Nothing", os="Windows 11"))
        self.assertEqual(body, {"name": None, "url": None, "bundle_id": None})

    def test_checkhardware(self):
        st, body = self.svc.get_json("/checkhardware" + q(serial="S1", model="HP EliteBook 840 G2",
                                                          ram_gb=16, disk_gb=256, cpu_count=4))
        self.assertEqual(st, 200)
        self.assertFalse(body["allowed"])
        self.assertEqual(len(body["failures"]), 1)
        self.assertIn("ram_gb", body["failures"][0])
        self.assertTrue(body["reason"])
        st, _, _ = self.svc.get("/checkhardware?ram_gb=lots")
        self.assertEqual(st, 400)

    def test_list_used_and_gettypes(self):
        st, body = self.svc.get_json("/list_used")
        self.assertEqual(body["types"], ["ACCUEIL"])
        self.assertEqual(body["timezones"], ["Romance Standard Time"])
        st, body = self.svc.get_json("/list_used?lower=1&counts=1")
        self.assertEqual(body["types"], {"accueil": 1})
        st, body = self.svc.get_json("/gettypes")
        self.assertEqual(body["types"], ["Accueil"])

    def test_tanium_global_every_spelling(self):
        for spelling in ("model", "Model", "MODEL", "computerModel", "ComputerModel"):
            st, body = self.svc.get_json("/tanium/global?" + urllib.parse.urlencode({spelling: "VMware Virtual"}))
            self.assertEqual(body, {"BundleID": 6, "BundleTimeout": 120}, spelling)
            st, body = self.svc.post_json("/tanium/global", {"serialNumber": "X", spelling: "HP EliteBook 840 G2"})
            self.assertEqual(body, {"BundleID": 33, "BundleTimeout": 120}, spelling)
        st, _, raw = self.svc.request("POST", "/tanium/global", body="SerialNumber=X&Model=virtual",
                                      headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(json.loads(raw), {"BundleID": 6, "BundleTimeout": 120})
        st, body = self.svc.get_json("/tanium/global?serial=5CG6050PH9&model=Unknown")
        self.assertEqual((st, body), (200, {}))

    def test_message_feeds_a_deployment(self):
        st, body = self.svc.post_json("/message", {"message": "[IT-MSG-1] START PROVISIONING"})
        self.assertEqual(st, 200, body)
        dep = body["deployment_id"]
        self.assertTrue(body["started"])
        for text in ("STEP 001 drivers", "STEP 002 apps", "[WARN] slow", "END PROVISIONING"):
            st, body = self.svc.post_json("/message", {"message": "[IT-MSG-1] " + text})
            self.assertEqual(st, 200, body)
            self.assertEqual(body["deployment_id"], dep)
        st, detail = self.svc.get_json("/api/v1/admin/deployments/" + dep)
        self.assertEqual(st, 200)
        self.assertEqual(detail["deployment"]["source"], "legacy")
        self.assertEqual(detail["deployment"]["state"], "success")
        self.assertEqual(detail["deployment"]["client_address"], "127.0.0.1")
        self.assertFalse(detail["deployment"]["tls"])
        self.assertEqual(len(detail["events"]), 5)
        st, _ = self.svc.post_json("/message", {"message": "no serial here"})
        self.assertEqual(st, 400)


class EndpointApi(ServiceTest):
    DATA = SAMPLE_DATA

    def post(self, path, obj):
        return self.svc.post_json("/api/v1/endpoint" + path, obj)

    def test_plan_known_and_explained(self):
        st, plan = self.post("/plan", KNOWN)
        self.assertEqual(st, 200, plan)
        self.assertEqual(plan["computer_name"], "FR-LIL-LT-0001")
        self.assertFalse(plan["needs_confirmation"])
        self.assertNotIn("explain", plan)
        st, plan = self.post("/plan?explain=1", KNOWN)
        self.assertTrue(plan["explain"])

    def test_unknown_device_is_confirmed(self):
        serial = "IT" + uuid.uuid4().hex[:8].upper()
        st, plan = self.post("/plan", {"serial": serial, "country": "FR"})
        self.assertTrue(plan["needs_confirmation"])
        name = plan["choices"]["suggested_name"]
        self.assertTrue(name.startswith("FR-"), name)
        st, body = self.post("/confirm", {"serial": serial, "name": name, "type": "DEV"})
        self.assertEqual(st, 201, body)
        self.assertEqual(body["computer"]["created_by"], "endpoint")
        st, plan = self.post("/plan", {"serial": serial})
        self.assertFalse(plan["needs_confirmation"])
        st, body = self.post("/confirm", {"serial": serial, "name": name, "type": "DEV"})
        self.assertEqual(st, 409)

    def test_deployment_events_idempotent_and_final(self):
        st, start = self.post("/deployments", KNOWN)
        self.assertEqual(st, 201, start)
        dep = start["id"]
        ev = {"event_id": str(uuid.uuid4()), "phase": "winpe", "step": 1, "step_count": 4,
              "percent": 25, "message": "partitioning"}
        st, body = self.post("/deployments/%s/events" % dep, ev)
        self.assertEqual((st, body["duplicate"]), (201, False))
        st, body = self.post("/deployments/%s/events" % dep, ev)
        self.assertEqual((st, body["duplicate"]), (200, True))
        st, body = self.post("/deployments/%s/events" % dep, {"event_id": "x", "percent": 250})
        self.assertEqual(st, 400)
        self.assertEqual(body["field"], "percent")
        st, body = self.post("/deployments/%s/events" % dep,
                             {"event_id": "end", "status": "success", "message": "done"})
        self.assertEqual(st, 201, body)
        self.assertEqual(body["deployment"]["state"], "success")
        st, body = self.post("/deployments/%s/events" % dep, {"event_id": "late", "status": "error"})
        self.assertEqual(st, 409)
        st, detail = self.svc.get_json("/api/v1/admin/deployments/" + dep)
        self.assertEqual([e["event_id"] for e in detail["events"]], [ev["event_id"], "end"])
        st, body = self.post("/deployments/nope/events", {"event_id": "a"})
        self.assertEqual(st, 404)
        # A new start links the previous attempt.
        st, again = self.post("/deployments", KNOWN)
        self.assertEqual(again["previous_id"], dep)

    def test_bad_input(self):
        cases = [
            ("/plan", b"{not json", "body"),
            ("/plan", json.dumps({"serial": 5}).encode(), "facts.serial"),
            ("/plan", json.dumps({"serial": "S", "colour": "red"}).encode(), "facts.colour"),
            ("/plan", json.dumps({"serial": "A" * 1000}).encode(), "facts.serial"),
            ("/confirm", json.dumps({"serial": "S1", "name": "BAD_NAME", "type": "DEV"}).encode(), "name"),
        ]
        for path, raw, field in cases:
            st, headers, body = self.svc.request("POST", "/api/v1/endpoint" + path, body=raw,
                                                 headers={"Content-Type": "application/json"})
            self.assertEqual(st, 400, (path, body))
            self.assertEqual(headers["content-type"], "application/problem+json")
            self.assertEqual(json.loads(body)["field"], field)

    def test_settings_lists_and_variables(self):
        st, body = self.svc.get_json("/api/v1/endpoint/settings")
        self.assertEqual(body["settings"]["stale_timeout_minutes"], 30)
        self.assertIn("ReportingTLSMode", body["settings"])
        params = q(serial="SDK86P3", model="Latitude 5420", os="Microsoft Windows 11 Enterprise")
        st, apps = self.svc.get_json("/api/v1/endpoint/apps" + params)
        st, drivers = self.svc.get_json("/api/v1/endpoint/drivers" + params)
        st, plan = self.post("/plan", KNOWN)
        self.assertEqual(apps["apps"], plan["apps"])
        self.assertEqual(drivers["drivers"], plan["drivers"])
        st, v = self.svc.get_json("/api/v1/endpoint/variables" + q(serial="SDK86P3"))
        self.assertEqual(st, 200)
        self.assertEqual(v["BundleID"], 42)
        self.assertEqual(v["ComputerName"], "FR-LIL-LT-0001")
        st, headers, raw = self.svc.get("/api/v1/endpoint/variables/ComputerName" + q(serial="SDK86P3"))
        self.assertEqual((st, raw), (200, b"FR-LIL-LT-0001"))
        self.assertTrue(headers["content-type"].startswith("text/plain"))

    def test_admin_reads(self):
        st, body = self.svc.get_json("/api/v1/admin/preview" + q(serial="SDK86P3", model="Latitude 5420"))
        self.assertEqual(st, 200)
        self.assertTrue(body["plan"]["explain"])
        st, body = self.svc.get_json("/api/v1/admin/deployments?limit=1")
        self.assertEqual(st, 200)
        self.assertLessEqual(len(body["items"]), 1)
        st, body = self.svc.get_json("/api/v1/admin/status")
        self.assertEqual(st, 200)
        self.assertTrue(body["store"]["ok"])


if __name__ == "__main__":
    unittest.main()
