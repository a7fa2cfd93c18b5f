"""`provisiond import` on the real binary: merge (the default) vs replace with
the dry-run diff checked line by line, a single CSV file with and without
--table, and the usage errors of --mode / --table."""
import os
import shutil
import subprocess
import tempfile
import unittest

from harness import BIN, ORIGINAL_DATA

COMPUTERS = ("serial,computername,postype,setkeyboard,country,language,timezone,notes\n"
             "S1,pc1,ACCUEIL,fr-FR,FR,fr-FR,Romance Standard Time,desk 4\n"
             "S2,pc2,ACCUEIL,,FR,,,\n"
             "S3,pc3,ACCUEIL,,FR,,,\n")
# Apps that all exist: the plans carry no warning.
POSTYPE = "postype,application\nACCUEIL,PostypeGUIstart\nACCUEIL,VLC\n"
# What French Excel saves: ';', BOM, CRLF; the original columns only.
NEW_PCS = ("\ufeffserial;computername;postype;setkeyboard;country;language;timezone\r\n"
           "S1;pc1-renamed;ACCUEIL;fr-FR;FR;fr-FR;Romance Standard Time\r\n"
           "S4;pc4;ACCUEIL;;DE;;\r\n")


class Import(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="pvd-import-")
        self.data = os.path.join(self.tmp, "data_csv")
        shutil.copytree(ORIGINAL_DATA, self.data)
        self.write(os.path.join(self.data, "computers.csv"), COMPUTERS)
        self.write(os.path.join(self.data, "postype.csv"), POSTYPE)
        self.new_pcs = os.path.join(self.tmp, "new-pcs.csv")
        self.write(self.new_pcs, NEW_PCS)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def write(self, path, text):
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)

    def read(self, name):
        with open(os.path.join(self.data, name), encoding="utf-8", newline="") as f:
            return f.read()

    def run_import(self, *args):
        # cwd: a folder without provisiond.toml, so only the flags count.
        p = subprocess.run([BIN, "import", "--data-dir", self.data] + list(args), cwd=self.tmp,
                           capture_output=True, text=True, timeout=60)
        return p.returncode, p.stdout, p.stderr

    def test_merge_dry_run_then_apply(self):
        code, out, err = self.run_import(self.new_pcs)  # no --mode: merge; no --apply: dry run
        self.assertEqual(code, 0, err)
        self.assertEqual(out.splitlines(), [
            "import mode: merge (rows are added or updated by key; no row is removed)",
            "computers.csv: 1 added, 1 changed, 0 removed, 2 kept",
            "  + S4",
            "  ~ S1: computername 'pc1' -> 'pc1-renamed'",
            "",
            "REMOVED: 0 rows (merge mode keeps the 2 rows the import does not name; mode replace would remove them)",
            "dry run: nothing changed; run again with --apply to import",
        ])
        self.assertEqual(self.read("computers.csv"), COMPUTERS)
        code, out, err = self.run_import(self.new_pcs, "--apply")
        self.assertEqual(code, 0, err)
        self.assertIn("imported into %s (merge)" % self.data, out)
        # S2, S3 kept; S1's note (a column the import lacks) kept.
        self.assertEqual(self.read("computers.csv"),
                         "serial,computername,postype,setkeyboard,country,language,timezone,notes\n"
                         "S1,pc1-renamed,ACCUEIL,fr-FR,FR,fr-FR,Romance Standard Time,desk 4\n"
                         "S2,pc2,ACCUEIL,,FR,,,\n"
                         "S3,pc3,ACCUEIL,,FR,,,\n"
                         "S4,pc4,ACCUEIL,,DE,,,\n")
        code, out, err = self.run_import(self.new_pcs)  # again: nothing left to change
        self.assertEqual(code, 0, err)
        self.assertIn("computers.csv: 0 added, 0 changed, 0 removed, 2 kept", out.splitlines())

    def test_replace_dry_run_lists_removals_then_apply(self):
        code, out, err = self.run_import("--mode", "replace", self.new_pcs)
        self.assertEqual(code, 0, err)
        self.assertEqual(out.splitlines(), [
            "import mode: replace (each imported table replaces the current one; rows not in the import are removed)",
            "computers.csv: 1 added, 1 changed, 2 removed",
            "  + S4",
            "  ~ S1: computername 'pc1' -> 'pc1-renamed'; notes 'desk 4' -> ''",
            "",
            "REMOVED: 2 rows (replace mode): in the data directory but not in the import, they will be deleted",
            "  - computers.csv: S2",
            "  - computers.csv: S3",
            "dry run: nothing changed; run again with --apply to import",
        ])
        self.assertEqual(self.read("computers.csv"), COMPUTERS)
        code, out, err = self.run_import("--mode=replace", "--apply", self.new_pcs)
        self.assertEqual(code, 0, err)
        self.assertEqual(self.read("computers.csv"),
                         "serial,computername,postype,setkeyboard,country,language,timezone\n"
                         "S1,pc1-renamed,ACCUEIL,fr-FR,FR,fr-FR,Romance Standard Time\n"
                         "S4,pc4,ACCUEIL,,DE,,\n")

    def test_directory_and_zip_sources_still_work(self):
        src = os.path.join(self.tmp, "src")
        os.makedirs(src)
        shutil.copy(self.new_pcs, os.path.join(src, "computers.csv"))
        code, out, err = self.run_import(src)
        self.assertEqual(code, 0, err)
        self.assertIn("computers.csv: 1 added, 1 changed, 0 removed, 2 kept", out.splitlines())
        archive = os.path.join(self.tmp, "backup.zip")
        code, _, err = subprocess.run([BIN, "export", "--data-dir", self.data, archive], cwd=self.tmp,
                                      capture_output=True, text=True, timeout=60).returncode, None, None
        self.assertEqual(code, 0)
        code, out, err = self.run_import("--mode", "replace", archive)
        self.assertEqual(code, 0, err)
        self.assertIn("REMOVED: 0 rows (replace mode)", out.splitlines())

    def test_single_file_table_from_header_or_table_option(self):
        # The columns of computers.csv and of locales.csv: the header cannot tell.
        both = os.path.join(self.tmp, "pcs.csv")
        self.write(both, "serial,computername,postype,setkeyboard,country,language,timezone,keyboard\n"
                         "S5,pc5,ACCUEIL,,FR,,,fr-FR\n")
        code, out, err = self.run_import(both)
        self.assertEqual(code, 1)
        self.assertIn("pcs.csv: its header (serial,computername,postype,setkeyboard,country,language,timezone,"
                      "keyboard) has the columns of several tables (computers.csv, locales.csv); name the table "
                      "(import --table NAME", err)
        code, out, err = self.run_import("--table", "computers", both, "--apply")
        self.assertEqual(code, 0, err)
        self.assertIn("  + S5", out.splitlines())
        self.assertIn("S5,pc5,ACCUEIL,,FR,,,,fr-FR\n", self.read("computers.csv"))  # keyboard: an extra column

    def test_usage_errors(self):
        cases = [
            (["--mode", "upsert", self.new_pcs], 2,
             "--mode: unknown import mode 'upsert'; use merge (add and update rows, remove none; the default) "
             "or replace"),
            (["--table", "pcs", self.new_pcs], 2,
             "--table: unknown table 'pcs'; use one of: computers, apps, postype, drivers, config, locales, "
             "networks, users"),
            (["--mode"], 2, "--mode needs merge or replace"),
            ([], 2, "give one SOURCE (a .csv file, a directory or a .zip)"),
            (["--dry-run", "--apply", self.new_pcs], 2, "--dry-run and --apply exclude each other"),
            (["--table", "computers", self.tmp], 1,
             "a table is named only for a single CSV file; the files of a directory are matched by name"),
            ([os.path.join(self.tmp, "nope.csv")], 1, "nope.csv: no such file or directory"),
        ]
        for args, want_code, words in cases:
            with self.subTest(args=args):
                code, out, err = self.run_import(*args)
                self.assertEqual(code, want_code, err)
                self.assertIn(words, err)
        self.assertEqual(self.read("computers.csv"), COMPUTERS)

    def test_help_explains_every_option_with_examples(self):
        code, out, err = self.run_import("--help")
        self.assertEqual(code, 0, err)
        for words in ["usage: provisiond import", "FILE.csv", "DIR", "FILE.zip", "--data-dir DIR", "--mode merge",
                      "--mode replace", "REMOVED", "--table NAME", "--dry-run", "--apply", "--help", "examples:",
                      "provisiond import --data-dir var/data_csv new-computers.csv --apply",
                      "--mode replace backup.zip"]:
            self.assertIn(words, out)


if __name__ == "__main__":
    unittest.main()
