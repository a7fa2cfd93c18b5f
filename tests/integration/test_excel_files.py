"""Files edited in Excel, against the real binary (issue 16, "Excel realities").

computers.csv and config.csv are saved as Excel (fr-FR, "CSV UTF-8") saves
them: a BOM, ';', CRLF, the empty rows (';;;;') and the empty columns right of
the table ('a;b;;') it leaves. The service starts on them, `provisiond check`
lists the skipped rows and columns as notes with file and line, and a settings
PUT and a /setcomputer write the files back in their own format: BOM, ';' and
CRLF kept; only the changed row, the blank rows and the empty columns differ.
"""
import csv
import io
import os
import subprocess
import time
import unittest

from harness import BIN, SAMPLE_DATA, Service

BOM = b"\xef\xbb\xbf"
CHANGED_SERIAL = "SDK86P3"


def run(*args):
    return subprocess.run([BIN] + list(args), capture_output=True, text=True, timeout=60)


def read_rows(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.reader(f))


def excel_line(fields):
    """One record as Excel writes it with ';' (CRLF added by the caller)."""
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="").writerow(fields)
    return out.getvalue()


def save_as_excel(path, blank_after, empty_columns=0):
    """Rewrites the file as Excel would: BOM, ';', CRLF, `empty_columns`
    unnamed columns, and a blank row after each data row index in
    `blank_after` (-1: before the first). Returns {line number: what}."""
    rows = read_rows(path)
    width = len(rows[0]) + empty_columns
    blank = ";" * (width - 1)
    lines, notes = [], {}

    def add_blank():
        lines.append(blank)
        notes[len(lines)] = "blank"

    lines.append(excel_line(rows[0] + [""] * empty_columns))
    if -1 in blank_after:
        add_blank()
    for i, row in enumerate(rows[1:]):
        lines.append(excel_line(row + [""] * empty_columns))
        if i in blank_after:
            add_blank()
    with open(path, "wb") as f:
        f.write(BOM + "".join(line + "\r\n" for line in lines).encode("utf-8"))
    return notes


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def assert_excel_format(test, text):
    test.assertTrue(text.startswith(BOM), text[:20])
    body = text[len(BOM):]
    test.assertTrue(body.endswith(b"\r\n"))
    # Every line break is CRLF (no cell of these files holds a newline).
    test.assertEqual(body.count(b"\n"), body.count(b"\r\n"), body)
    header = body.split(b"\r\n", 1)[0]
    test.assertIn(b";", header)
    test.assertNotIn(b",", header)
    for line in body.split(b"\r\n")[:-1]:
        test.assertFalse(line.strip(b"; ") == b"", "blank row left in the file: %r" % body)


class ExcelFilesTest(unittest.TestCase):
    def test_excel_saved_files_load_with_notes_and_keep_their_format_when_written(self):
        svc = Service(data=SAMPLE_DATA)  # the sample copied, not started yet
        self.addCleanup(svc.cleanup)
        data = svc.data_dir
        computers = os.path.join(data, "computers.csv")
        config = os.path.join(data, "config.csv")
        # Blank rows: after the 1st and 3rd computer (lines 3 and 6) and
        # at the end; config.csv: before its first row and at its end.
        computer_notes = save_as_excel(computers, blank_after={0, 2, len(read_rows(computers)) - 2},
                                       empty_columns=2)
        config_notes = save_as_excel(config, blank_after={-1, len(read_rows(config)) - 2})
        before_computers = read_bytes(computers)
        before_config = read_bytes(config)

        # `check`: loads, the notes listed with file and line, exit 0.
        c = run("check", "--data-dir", data)
        self.assertEqual(c.returncode, 0, c.stdout + c.stderr)
        self.assertEqual(c.stderr, "")
        self.assertIn("warning: computers.csv: line 1: 2 columns without a name at the end of the header "
                      "skipped (Excel leaves them)", c.stdout)
        for line in computer_notes:
            self.assertIn("warning: computers.csv: line %d: blank row skipped (Excel leaves them); it is "
                          "removed when provisiond next writes this file" % line, c.stdout)
        for line in config_notes:
            self.assertIn("warning: config.csv: line %d: blank row skipped" % line, c.stdout)
        self.assertIn("loads, with warnings", c.stdout)

        # The service starts on them and reports the same notes.
        svc.start()
        code, st = svc.get_json("/api/v1/admin/status")
        self.assertEqual(code, 200)
        self.assertEqual(st["store"]["errors"], [])
        notes = {(w["file"], w["line"]) for w in st["store"]["warnings"]}
        for line in computer_notes:
            self.assertIn(("computers.csv", line), notes)
        for line in config_notes:
            self.assertIn(("config.csv", line), notes)
        code, got = svc.get_json("/getcomputer?serial=" + CHANGED_SERIAL)
        self.assertEqual(code, 200)
        self.assertEqual(got["computerName"], "FR-LIL-LT-0001")

        # A settings PUT rewrites config.csv in its own format.
        code, _, body = svc.request("PUT", "/api/v1/admin/settings/default_bundle_timeout", body={"value": 90})
        self.assertEqual(code, 200, body)
        text = read_bytes(config)
        assert_excel_format(self, text)
        want = b"".join(line + b"\r\n" for line in before_config.split(b"\r\n")
                        if line and line.strip(b";") not in (b"", BOM))
        want = want.replace(b"default_bundle_timeout;120\r\n", b"default_bundle_timeout;90\r\n")
        self.assertEqual(text, want if want.startswith(BOM) else BOM + want)

        # /setcomputer: the change is logged, then computers.csv flushed
        # (within computers_flush_delay) in its own format.
        code, doc = svc.post_json("/setcomputer", {"serial": CHANGED_SERIAL, "computerName": "FR-LIL-LT-0099"})
        self.assertEqual(code, 200, doc)
        deadline = time.time() + 15
        while read_bytes(computers) == before_computers:
            self.assertLess(time.time(), deadline, "computers.csv was not flushed:\n" + svc.logs())
            time.sleep(0.1)
        while os.path.exists(computers + ".wal"):  # the log is cleared after the rename
            self.assertLess(time.time(), deadline, "computers.csv.wal was not cleared")
            time.sleep(0.1)
        text = read_bytes(computers)
        assert_excel_format(self, text)
        # Byte for byte but the changed row (name, version), the blank
        # rows and the two empty columns.
        old = [l for l in before_computers[len(BOM):].split(b"\r\n") if l.strip(b";")]
        new = text[len(BOM):].split(b"\r\n")[:-1]
        self.assertEqual(len(new), len(old))
        for o, n in zip(old, new):
            self.assertTrue(o.endswith(b";;"), o)
            if n.startswith(CHANGED_SERIAL.encode() + b";"):
                self.assertIn(b";FR-LIL-LT-0099;", n)
                continue
            self.assertEqual(n, o[:-2])
        code, got = svc.get_json("/getcomputer?serial=" + CHANGED_SERIAL)
        self.assertEqual(got["computerName"], "FR-LIL-LT-0099")

        # The notes went with the blank rows and columns.
        code, st = svc.get_json("/api/v1/admin/status")
        self.assertFalse([w for w in st["store"]["warnings"] if "Excel leaves them" in w["message"]], st)
        svc.stop()
        c = run("check", "--data-dir", data)
        self.assertEqual(c.returncode, 0, c.stdout + c.stderr)
        self.assertNotIn("Excel leaves them", c.stdout)
        # And the files still start with the BOM, use ';' and CRLF after a restart's flush.
        assert_excel_format(self, read_bytes(computers))
        assert_excel_format(self, read_bytes(config))

    def test_import_of_an_excel_file_with_blank_rows(self):
        svc = Service(data=SAMPLE_DATA)  # only its data directory is used
        self.addCleanup(svc.cleanup)
        src = os.path.join(svc.tmp, "new-computers.csv")
        with open(src, "wb") as f:
            f.write(BOM + (
                "serial;computername;postype;setkeyboard;country;language;timezone;;\r\n"
                ";;;;;;;;\r\n"
                "ZZ0000021;PC-21;ACCUEIL;fr-FR;FR;fr-FR;Romance Standard Time;;\r\n"
                ";;;;;;;;\r\n"
                "ZZ0000022;PC-22;ACCUEIL;fr-FR;FR;fr-FR;Romance Standard Time;;\r\n"
                ";;;;;;;;\r\n").encode())
        r = run("import", "--data-dir", svc.data_dir, src, "--apply")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("2 added", r.stdout)
        with open(os.path.join(svc.data_dir, "computers.csv"), "rb") as f:
            text = f.read()
        # The data file keeps its own format (the sample's ',' and LF).
        self.assertIn(b"\nZZ0000021,PC-21,ACCUEIL,", text)
        self.assertNotIn(b"\r\n", text)


if __name__ == "__main__":
    unittest.main()
