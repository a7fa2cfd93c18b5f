#!/usr/bin/env python3
"""Generates provisiond data directories (format: doc/csv_format.md).

Deterministic (fixed seed): the same options give byte-identical files.

  python3 tools/gen_data.py --out data/sample
      the realistic sample committed in data/sample/ (300 computers, ~30 apps,
      ~25 driver rules, no deployments)
  python3 tools/gen_data.py --out /tmp/big --computers 100000 --apps 2000 \
      --drivers 1000 --events 1000000
      a large synthetic set for benchmarks; events go to the deployments
      journal (deployments/events-YYYY-MM-DD.csv, deployments-YYYY-MM-DD.csv)

Python 3 standard library only.
"""

import argparse
import csv
import datetime
import os
import random
import sys
import uuid

# --- Fixed reference data ---------------------------------------------------

# country -> (language, keyboard, Windows time zone); keyboards as language
# tags, as the original's setkeyboard column holds them.
LOCALES = [
    ("FR", "fr-FR", "fr-FR", "Romance Standard Time"),
    ("DE", "de-DE", "de-DE", "W. Europe Standard Time"),
    ("US", "en-US", "en-US", "Eastern Standard Time"),
    ("GB", "en-GB", "en-GB", "GMT Standard Time"),
    ("BE", "fr-BE", "fr-BE", "Romance Standard Time"),
    ("CH", "de-CH", "de-CH", "W. Europe Standard Time"),
    ("ES", "es-ES", "es-ES", "Romance Standard Time"),
    ("IT", "it-IT", "it-IT", "W. Europe Standard Time"),
]
LOCALE = {c: (lang, kb, tz) for c, lang, kb, tz in LOCALES}

# country -> [(site, weight, time zone override or None)]
SITES = {
    "FR": [("PAR", 5, None), ("LYO", 3, None), ("MRS", 2, None), ("LIL", 2, None)],
    "DE": [("BER", 3, None), ("MUC", 3, None), ("HAM", 2, None)],
    "US": [("NYC", 3, None), ("CHI", 2, "Central Standard Time"),
           ("SFO", 2, "Pacific Standard Time")],
    "GB": [("LON", 4, None), ("MAN", 2, None)],
}
COUNTRY_WEIGHTS = [("FR", 40), ("DE", 25), ("US", 20), ("GB", 15)]

# type -> (name kind, makes/models it uses, apps in install order)
TYPES = {
    "ACCUEIL": ("DT", ["OptiPlex 7010", "ProDesk 400 G7", "ThinkCentre M70q"],
                ["PostypeGUIstart", "GoogleChromeEnterprise", "NotepadPlusPlus", "VLC",
                 "AdobeAcrobatReader", "LanguagePackFR", "CrowdStrikeFalcon"]),
    "BUREAUTIQUE": ("LT", ["Latitude 5420", "Latitude 5440", "EliteBook 840 G8",
                           "EliteBook 840 G9", "ThinkPad T14 Gen 3", "OptiPlex 7090"],
                    ["PostypeGUIstart", "WindowsUpdateCumulative", "Microsoft365Apps",
                     "MicrosoftTeams", "GoogleChromeEnterprise", "7Zip", "AdobeAcrobatReader",
                     "FortiClientVPN", "KeePassXC", "SageCompta", "DATEVArbeitsplatz",
                     "Sage50Accounts", "QuickBooksDesktop", "DellCommandUpdate",
                     "HPImageAssistant", "LenovoSystemUpdate", "BitLockerEnable",
                     "CrowdStrikeFalcon"]),
    "DEV": ("LT", ["Latitude 7440", "Precision 3581", "ThinkPad X1 Carbon Gen 11",
                   "EliteBook 850 G8"],
            ["PostypeGUIstart", "WindowsUpdateCumulative", "Microsoft365Apps", "MicrosoftTeams",
             "MozillaFirefoxESR", "7Zip", "Git", "VSCode", "Python312", "NodeJS20",
             "DockerDesktop", "JetBrainsToolbox", "Putty", "WinSCP", "KeePassXC",
             "FortiClientVPN", "DellCommandUpdate", "LenovoSystemUpdate", "BitLockerEnable",
             "CrowdStrikeFalcon"]),
    "KIOSK": ("KS", ["OptiPlex 7010", "ProDesk 600 G6"],
              ["PostypeGUIstart", "KioskBrowser", "CitrixWorkspace", "CrowdStrikeFalcon"]),
    "CAISSE": ("PS", ["HP Engage One Pro AIO System", "OptiPlex 7010"],
               ["PostypeGUIstart", "CashDrawerDriver", "ReceiptPrinterEpson", "KioskBrowser",
                "LanguagePackFR", "CrowdStrikeFalcon"]),
    "LABO": ("DT", ["Precision 3581", "ThinkCentre M90q"],
             ["PostypeGUIstart", "MozillaFirefoxESR", "Python312", "7Zip", "Putty",
              "JavaRuntime8", "CrowdStrikeFalcon"]),
}
TYPE_WEIGHTS = [("BUREAUTIQUE", 45), ("ACCUEIL", 15), ("DEV", 15), ("CAISSE", 12),
                ("KIOSK", 8), ("LABO", 5)]

MAKE_OF = {"Latitude": "Dell", "OptiPlex": "Dell", "Precision": "Dell",
           "EliteBook": "HP", "ProDesk": "HP", "HP": "HP",
           "ThinkPad": "Lenovo", "ThinkCentre": "Lenovo"}

BASE = "https://provision.example.lan/file/apps/"
UNC = "%DeployRoot%\\Applications\\"
LOCAL = "C:\\provision\\OtherFiles\\"

# name, url, script, reboot, allowed_countries, blocked_countries,
# allowed_models, install_args, success_codes, enabled, os_filter, version
APPS = [
    ("PostypeGUIstart", BASE + "PostypeGUIstart", "tanium.cmd", 0, "", "", "", "", "", 1, "", 1),
    ("GoogleChromeEnterprise", BASE + "GoogleChromeEnterprise", "install.cmd", 0, "", "", "",
     "/silent /install", "", 1, "", 2),
    ("MozillaFirefoxESR", BASE + "MozillaFirefoxESR", "install.cmd", 0, "", "", "", "-ms", "", 1, "", 1),
    ("NotepadPlusPlus", BASE + "NotepadPlusPlus", "install.cmd", 0, "", "", "", "/S", "", 1, "", 1),
    ("VLC", BASE + "VLC", "install.cmd", 0, "", "", "", "/L=1036 /S", "", 1, "", 1),
    ("7Zip", BASE + "7Zip", "install.cmd", 0, "", "", "", "/S", "", 1, "", 1),
    ("AdobeAcrobatReader", UNC + "Adobe\\AcrobatReaderDC", "install.cmd", 0, "", "", "",
     "/sAll /rs /msi EULA_ACCEPT=YES", "0;1641;3010", 1, "", 3),
    ("Microsoft365Apps", UNC + "Microsoft\\Office365", "setup.cmd", 1, "", "", "",
     "/configure Configuration.xml", "0;3010", 1, "", 2),
    ("MicrosoftTeams", BASE + "MicrosoftTeams", "install.ps1", 0, "", "", "",
     "-Machine", "", 1, "", 1),
    ("VSCode", BASE + "VSCode", "install.cmd", 0, "", "", "",
     "/VERYSILENT /MERGETASKS=!runcode", "", 1, "", 1),
    ("Git", BASE + "Git", "install.cmd", 0, "", "", "", "/VERYSILENT /NORESTART", "", 1, "", 1),
    ("Python312", BASE + "Python312", "install.cmd", 0, "", "", "",
     "/quiet InstallAllUsers=1 PrependPath=1", "", 1, "", 1),
    ("NodeJS20", BASE + "NodeJS20", "install.cmd", 0, "", "", "", "/qn", "", 1, "", 1),
    ("DockerDesktop", BASE + "DockerDesktop", "install.cmd", 1, "", "", "",
     "install --quiet --accept-license", "0;3010", 1, "(?i)\\bWindows\\s+11\\b", 1),
    ("JetBrainsToolbox", BASE + "JetBrainsToolbox", "install.cmd", 0, "", "", "", "/S", "", 1, "", 1),
    ("Putty", LOCAL + "Putty", "install.cmd", 0, "", "", "", "/qn", "", 1, "", 1),
    ("WinSCP", LOCAL + "WinSCP", "install.cmd", 0, "", "", "",
     "/VERYSILENT /ALLUSERS", "", 1, "", 1),
    ("KeePassXC", BASE + "KeePassXC", "install.cmd", 0, "", "", "", "/qn", "", 1, "", 1),
    ("CitrixWorkspace", UNC + "Citrix\\Workspace", "install.cmd", 1, "", "", "",
     "/silent /noreboot", "0;3010;40008", 1, "", 2),
    ("FortiClientVPN", UNC + "Fortinet\\FortiClientVPN", "install.cmd", 1, "", "US", "",
     "/quiet /norestart", "", 1, "", 1),
    ("CrowdStrikeFalcon", BASE + "CrowdStrikeFalcon", "install.ps1", 0, "", "", "",
     "/install /quiet /norestart CID=%FalconCID%", "", 1, "", 4),
    ("KioskBrowser", "/file/apps/KioskBrowser", "install.cmd", 0, "", "", "", "", "", 1, "", 1),
    ("CashDrawerDriver", UNC + "POS\\CashDrawer", "install.cmd", 1, "FR;BE;CH", "",
     "(?i)\\bEngage\\s+One\\b;(?i)\\bOptiPlex\\s+7010\\b", "", "", 1, "", 1),
    ("ReceiptPrinterEpson", LOCAL + "Epson\\TM-m30III", "install.cmd", 0, "", "",
     "(?i)\\bEngage\\s+One\\b;(?i)OptiPlex", "-s", "", 1, "", 1),
    ("SageCompta", BASE + "SageCompta", "install.cmd", 0, "FR;BE", "", "", "/S", "", 1, "", 1),
    ("DATEVArbeitsplatz", UNC + "DATEV\\Arbeitsplatz", "install.cmd", 1, "DE", "", "",
     "/quiet", "", 1, "", 1),
    ("Sage50Accounts", BASE + "Sage50Accounts", "install.cmd", 0, "GB", "", "", "/S", "", 1, "", 1),
    ("QuickBooksDesktop", BASE + "QuickBooksDesktop", "install.cmd", 0, "US", "", "",
     "-s", "", 1, "", 1),
    ("LanguagePackFR", UNC + "Microsoft\\LanguagePack-fr-FR", "install.ps1", 1, "FR;BE;CH", "", "",
     "", "", 1, "(?i)\\bWindows\\s+1[01]\\b", 1),
    ("WindowsUpdateCumulative", UNC + "Microsoft\\CumulativeUpdate", "install.cmd", 1, "", "", "",
     "/quiet /norestart", "0;3010;2359302", 1, "", 5),
    ("BitLockerEnable", "[baseurl]/file/apps/BitLockerEnable", "enable.ps1", 1, "", "CH", "",
     "-EncryptionMethod XtsAes256", "", 1, "", 1),
    ("DellCommandUpdate", BASE + "DellCommandUpdate", "install.cmd", 0, "", "",
     "(?i)\\b(Latitude|OptiPlex|Precision)\\b", "/s", "0;2;3010", 1, "", 1),
    ("HPImageAssistant", BASE + "HPImageAssistant", "install.cmd", 0, "", "",
     "(?i)\\b(EliteBook|ProDesk|Engage)\\b", "/s /e", "", 1, "", 1),
    ("LenovoSystemUpdate", BASE + "LenovoSystemUpdate", "install.cmd", 0, "", "",
     "(?i)\\bThink(Pad|Centre)\\b", "/VERYSILENT /NORESTART", "", 1, "", 1),
    ("JavaRuntime8", UNC + "Oracle\\JRE8", "install.cmd", 0, "", "", "",
     "/s", "", 0, "", 2),
]

WIN10 = "(?i)\\bWindows\\s+10\\b"
WIN11 = "(?i)\\bWindows\\s+11\\b"

# model regex, OS regex, url, bundle_id, min_ram_gb, min_disk_gb,
# min_cpu_count, priority, enabled, version
DRIVER_DIR = "%DeployRoot%\\Applications\\DRIVERS\\"
DRIVER_URL = "https://provision.example.lan/file/drivers/"
DRIVERS = [
    ("(?i)\\bLatitude\\s+5420\\b", WIN10, DRIVER_DIR + "DELL\\Latitude 5420\\Win10-x64-Latitude-5420-A21.cab", "", "8", "128", "4", "", "", ""),
    ("(?i)\\bLatitude\\s+5420\\b", WIN11, DRIVER_DIR + "DELL\\Latitude 5420\\Win11-x64-Latitude-5420-A21.cab", "", "8", "128", "4", "", "", ""),
    ("(?i)\\bLatitude\\s+5440\\b", WIN11, DRIVER_URL + "Dell/Latitude-5440-win11-A09.zip", "", "8", "256", "4", "", "", "2"),
    ("(?i)\\bLatitude\\s+7440\\b", WIN11, DRIVER_URL + "Dell/Latitude-7440-win11-A08.zip", "", "16", "256", "8", "", "", ""),
    ("(?i)\\bOptiPlex\\s+7010\\b", WIN10, DRIVER_DIR + "DELL\\OptiPlex 7010\\Win10-x64-OptiPlex-7010-A12.cab", "", "", "", "", "", "", ""),
    ("(?i)\\bOptiPlex\\s+7010\\b", WIN11, DRIVER_DIR + "DELL\\OptiPlex 7010\\Win11-x64-OptiPlex-7010-A12.cab", "", "8", "", "", "", "", ""),
    ("(?i)\\bOptiPlex\\s+7090\\b", WIN11, DRIVER_DIR + "DELL\\OptiPlex 7090\\Win11-x64-OptiPlex-7090-A15.cab", "", "8", "256", "", "", "", ""),
    ("(?i)\\bPrecision\\s+3581\\b", WIN11, DRIVER_URL + "Dell/Precision-3581-win11-A07.zip", "43", "32", "512", "12", "", "", ""),
    ("(?i)\\bEliteBook\\s+840\\s+G8\\b", WIN10, DRIVER_URL + "HP/sp142731-EliteBook-840-G8-win10.exe", "", "8", "256", "4", "", "", ""),
    ("(?i)\\bEliteBook\\s+840\\s+G8\\b", WIN11, DRIVER_URL + "HP/sp150112-EliteBook-840-G8-win11.exe", "", "8", "256", "4", "", "", ""),
    ("(?i)\\bEliteBook\\s+840\\s+G9\\b", WIN11, DRIVER_URL + "HP/sp151204-EliteBook-840-G9-win11.exe", "", "16", "256", "", "", "", ""),
    ("(?i)\\bEliteBook\\s+850\\s+G8\\b", WIN11, DRIVER_URL + "HP/sp150113-EliteBook-850-G8-win11.exe", "", "16", "512", "8", "", "", ""),
    ("(?i)\\bProDesk\\s+400\\s+G7\\b", WIN10, DRIVER_DIR + "HP\\ProDesk 400 G7\\sp139974-win10.exe", "", "", "", "", "", "", ""),
    ("(?i)\\bProDesk\\s+400\\s+G7\\b", WIN11, DRIVER_DIR + "HP\\ProDesk 400 G7\\sp150001-win11.exe", "", "8", "", "", "", "", ""),
    ("(?i)\\bProDesk\\s+600\\s+G6\\b", WIN11, DRIVER_DIR + "HP\\ProDesk 600 G6\\sp149800-win11.exe", "", "", "", "", "", "", ""),
    ("(?i)\\bHP\\s+Engage\\s+One\\s+Pro\\s+AIO\\s+System\\b", "(?i)\\bWindows\\s+10\\s+Enterprise\\s+LTSC\\b", DRIVER_DIR + "CASHTILLS\\HP\\HPEOPAS\\Win10Client~X64~HP~HPEOPAS_2023_V1.exe", "44", "8", "128", "4", "", "", ""),
    ("(?i)\\bThinkPad\\s+T14\\s+Gen\\s+3\\b", WIN10, DRIVER_URL + "Lenovo/tp_t14_gen3_w10_22.zip", "", "8", "256", "", "", "", ""),
    ("(?i)\\bThinkPad\\s+T14\\s+Gen\\s+3\\b", WIN11, DRIVER_URL + "Lenovo/tp_t14_gen3_w11_23.zip", "", "8", "256", "", "", "", ""),
    ("(?i)\\bThinkPad\\s+T14s\\b", WIN11, DRIVER_URL + "Lenovo/tp_t14s_w11_23.zip", "", "8", "256", "", "", "0", ""),
    ("(?i)\\bThinkPad\\s+X1\\s+Carbon\\s+Gen\\s+11\\b", WIN11, LOCAL + "Drivers\\Lenovo\\X1C11", "45", "16", "512", "8", "", "", ""),
    ("(?i)\\bThinkCentre\\s+M70q\\b", WIN11, DRIVER_URL + "Lenovo/tc_m70q_w11_22.zip", "", "", "", "", "", "", ""),
    ("(?i)\\bThinkCentre\\s+M90q\\b", WIN11, DRIVER_URL + "Lenovo/tc_m90q_w11_23.zip", "", "16", "", "", "", "", ""),
    ("(?i)virtual|VMware|Hyper-V", "", "", "46", "4", "64", "2", "-10", "", ""),
    ("(?i)\\bLatitude\\b", "", "", "", "8", "128", "4", "100", "", ""),
    ("(?i)\\bEliteBook\\b|\\bThinkPad\\b", "", "", "", "8", "128", "4", "100", "", ""),
]

NOTES = [
    "", "", "", "", "", "", "",
    "Poste accueil, rez-de-chaussée",
    "Écran \"tactile\" 15,6 pouces",
    "Remplacement du poste volé; ticket INC0012345",
    "Prêt longue durée",
    "Empfang, 2. OG",
    "Kasse 3; Schublade defekt",
    "Loaner, returns Friday",
    "Front desk, \"do not reimage\" without IT approval",
    "Lab bench 4",
]

NETWORKS = [
    ("127.0.0.0/8", "manual", "Allow"),
    ("::1/128", "manual", "Allow"),
    ("10.0.0.0/8", "subnet", "Allow"),
    ("172.16.0.0/12", "subnet", "Allow"),
    ("192.168.0.0/16", "subnet", "Allow"),
]

PHASES = ["winpe", "os-apply", "specialize", "oobe", "drivers", "apps", "done"]

# --- Helpers ----------------------------------------------------------------


def weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    x = rng.uniform(0, total)
    for value, w in pairs:
        x -= w
        if x <= 0:
            return value
    return pairs[-1][0]


def rand_chars(rng, alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


DIGITS = "0123456789"
UPPER_NO_VOWELS = "BCDFGHJKLMNPQRSTVWXYZ"
ALNUM = DIGITS + "ABCDEFGHJKLMNPQRSTUVWXYZ"


def serial_for(rng, make, model):
    if make == "Dell":  # 7-character service tag
        return rand_chars(rng, DIGITS + UPPER_NO_VOWELS, 7)
    if make == "HP":  # 10 characters: 5CG (notebook) / CZC (desktop) + year, week, unit
        prefix = "5CG" if "EliteBook" in model else "CZC"
        return prefix + rng.choice("23456") + "%02d" % rng.randint(1, 52) + rand_chars(rng, ALNUM, 4)
    # Lenovo: PF (ThinkPad) / MJ (ThinkCentre) + 6
    prefix = "PF" if "ThinkPad" in model else "MJ"
    return prefix + rand_chars(rng, ALNUM, 6)


def make_of(model):
    return MAKE_OF[model.split()[0]]


OUI = {"Dell": ["F8:BC:12", "B0:7B:25", "D0:94:66"], "HP": ["3C:52:82", "B0:22:7A", "5C:60:BA"],
       "Lenovo": ["54:E1:AD", "8C:16:45", "E8:6A:64"]}


def mac_for(rng, make):
    return rng.choice(OUI[make]) + ":" + ":".join("%02X" % rng.randint(0, 255) for _ in range(3))


def uuid_for(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper()


def writer(path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    f = open(path, "w", newline="", encoding="utf-8")
    # LF like the original's files; minimal quoting (RFC 4180).
    return f, csv.writer(f, lineterminator="\n")


def write_table(path, header, rows):
    f, w = writer(path)
    with f:
        w.writerow(header)
        w.writerows(rows)


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


# --- Tables -----------------------------------------------------------------


def gen_computers(rng, count):
    rows, serials, counters, computers = [], set(), {}, []
    for _ in range(count):
        country = weighted(rng, COUNTRY_WEIGHTS)
        site = weighted(rng, [(x, x[1]) for x in SITES[country]])  # (code, weight, tz)
        ptype = weighted(rng, TYPE_WEIGHTS)
        kind, models, _ = TYPES[ptype]
        model = rng.choice(models)
        make = make_of(model)
        serial = serial_for(rng, make, model)
        while serial in serials:
            serial = serial_for(rng, make, model)
        serials.add(serial)
        key = (country, site[0], kind)
        counters[key] = counters.get(key, 0) + 1
        # FR-PAR-LT-0042: 14 characters, 15 past 9999 (the Windows limit)
        name = "%s-%s-%s-%04d" % (country, site[0], kind, counters[key])
        lang, kb, tz = LOCALE[country]
        tz = site[2] or tz
        r = rng.random()
        if r < 0.25:  # leave locale columns empty: locales.csv supplies them
            kb = lang = tz = ""
        elif r < 0.30 and country in ("DE", "FR"):  # an English-speaking user abroad
            lang = "en-US"
        notes = rng.choice(NOTES)
        macs = "" if rng.random() < 0.2 else mac_for(rng, make)
        if macs and rng.random() < 0.15:  # docked laptop: two adapters
            macs += ";" + mac_for(rng, make)
        created_by = weighted(rng, [("import", 70), ("admin", 20), ("endpoint", 10)])
        version = weighted(rng, [(1, 80), (2, 15), (3, 5)])
        rows.append([serial, name, ptype, kb, country, lang, tz,
                     "" if rng.random() < 0.1 else uuid_for(rng), macs, notes, created_by, version])
        computers.append((serial, name, ptype, model, country))
    return rows, computers


def gen_apps(rng, count):
    rows = [list(a) for a in APPS]
    for i in range(len(rows), count):
        name = "App%05d" % i
        url = rng.choice([BASE + name, UNC + "Synthetic\\" + name, LOCAL + name])
        allowed = rng.choice(["", "", "", "FR;BE", "DE;CH", "US", "GB"])
        models = rng.choice(["", "", "", "(?i)\\bLatitude\\b", "(?i)\\bThinkPad\\b;(?i)\\bEliteBook\\b"])
        rows.append([name, url, "install.cmd", 1 if rng.random() < 0.1 else 0, allowed,
                     rng.choice(["", "", "", "US"]) if not allowed else "", models, "/S",
                     rng.choice(["", "", "0;3010;1641"]), 0 if rng.random() < 0.03 else 1,
                     rng.choice(["", "", "", WIN11]), rng.randint(1, 4)])
    return rows[:count] if count < len(rows) else rows


def gen_postype(rng, app_rows):
    names = {r[0] for r in app_rows}
    rows = []
    for ptype, (_, _, apps) in TYPES.items():
        for a in apps:
            if a in names:
                rows.append([ptype, a])
    extra = [r[0] for r in app_rows[len(APPS):]]
    if extra:  # large sets: every type also installs a slice of the synthetic apps
        for ptype in TYPES:
            for a in rng.sample(extra, min(len(extra), 20)):
                rows.append([ptype, a])
    return rows


DRIVER_FAMILIES = [("Latitude", [5420, 5430, 5440, 5540, 7420, 7440, 9440]),
                   ("OptiPlex", [3000, 5000, 7010, 7090, 7410]),
                   ("Precision", [3581, 5680, 7680]),
                   ("EliteBook", ["830 G8", "840 G8", "840 G9", "840 G10", "850 G8", "860 G9"]),
                   ("ProDesk", ["400 G7", "400 G9", "600 G6"]),
                   ("ThinkPad", ["T14 Gen 3", "T14 Gen 4", "T14s", "X1 Carbon Gen 11", "L14"]),
                   ("ThinkCentre", ["M70q", "M75q", "M90q"])]


def gen_drivers(rng, count):
    rows = [list(d) for d in DRIVERS]
    i = 0
    while len(rows) < count:
        family, models = DRIVER_FAMILIES[i % len(DRIVER_FAMILIES)]
        model = "%s %s" % (family, models[(i // len(DRIVER_FAMILIES)) % len(models)])
        rev = i // (len(DRIVER_FAMILIES) * 5)
        os_re = WIN11 if i % 2 else WIN10
        regex = "(?i)\\b" + "\\s+".join(model.split()) + "\\b"
        make = make_of(model)
        url = DRIVER_URL + "%s/%s-r%d-%s.zip" % (make, model.replace(" ", "-"), rev,
                                                 "win11" if i % 2 else "win10")
        rows.append([regex, os_re, url, rng.choice(["", "", "", "", "47"]),
                     rng.choice(["", "8", "16"]), rng.choice(["", "128", "256"]),
                     rng.choice(["", "4"]), str(rev), "" if rng.random() > 0.02 else "0", ""])
        i += 1
    return rows[:count]


# --- Deployment journal -----------------------------------------------------

MESSAGES = {
    "winpe": ["WinPE started, launcher Customer-PE-Pre.ps1", "Network up, address {ip}",
              "Facts: {make} {model}, serial {serial}"],
    "os-apply": ["Applying image Windows 11 Enterprise 23H2", "Image applied"],
    "specialize": ["Computer name set to {name}", "Time zone set"],
    "oobe": ["OOBE completed", "Tanium Client installed"],
    "drivers": ["Driver package {model} downloaded", "pnputil: 42 drivers added, 0 failed"],
    "apps": ["Installing {app}", "{app} installed, exit code 0", "{app} installed, exit code 3010 (reboot)"],
    "done": ["Provisioning finished"],
}
WARNINGS = ["Retry download (attempt 2/3): timeout, \"HTTP 503\"", "Clock skew 74 s before time sync",
            "Reboot requested by {app}"]
ERRORS = ["{app} failed, exit code 1603: \"Fatal error during installation\"",
          "Driver download failed: HTTP 404, url not found",
          "Disk too small: 118 GB < 128 GB"]


def gen_journal(rng, out, computers, events_total, end_date, days):
    if events_total <= 0:
        return 0, 0
    end = datetime.datetime.combine(end_date, datetime.time(18, 0), tzinfo=datetime.timezone.utc)
    start = end - datetime.timedelta(days=days)
    span = (end - start).total_seconds()
    mean_events = 12
    deployments = max(1, events_total // mean_events)
    starts = sorted(rng.uniform(0, span) for _ in range(deployments))
    ev_files, dep_files = {}, {}

    def get(files, prefix, header, day):
        if day not in files:
            path = os.path.join(out, "deployments", "%s-%s.csv" % (prefix, day))
            f, w = writer(path)
            w.writerow(header)
            files[day] = (f, w)
        return files[day][1]

    ev_header = ["deployment_id", "event_id", "at", "phase", "step", "step_count", "percent",
                 "level", "message", "final_status"]
    dep_header = ["id", "serial", "computer_name", "model", "type", "client_address", "tls",
                  "tls_version", "source", "started", "last_heartbeat", "finished", "phase", "step",
                  "step_count", "percent", "status", "final_message", "warning_count",
                  "error_count", "previous_id", "version"]
    last_by_serial = {}
    written = made = 0
    for n, offset in enumerate(starts):
        remaining = events_total - written
        if remaining <= 0:
            break
        left = deployments - n
        share = remaining / left  # keeps the total exact and the last one ordinary
        count = remaining if left == 1 else max(1, min(remaining, round(share * rng.uniform(0.5, 1.5))))
        made += 1
        serial, name, ptype, model, country = rng.choice(computers)
        dep_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        t = start + datetime.timedelta(seconds=offset)
        running = (end - t).total_seconds() < 3 * 3600 and rng.random() < 0.6
        failed = not running and rng.random() < 0.1
        apps = TYPES[ptype][2]
        ip = "10.%d.%d.%d" % (rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254))
        ctx = {"ip": ip, "make": make_of(model), "model": model, "serial": serial, "name": name}
        warnings = errors = 0
        phase = PHASES[0]
        step = 0
        final_message = ""
        for k in range(count):
            t += datetime.timedelta(seconds=rng.uniform(5, 400))
            last = k == count - 1
            phase = PHASES[min(len(PHASES) - 2, k * (len(PHASES) - 1) // count)]
            step = k + 1
            level, final_status = "info", ""
            ctx["app"] = rng.choice(apps)
            msg = rng.choice(MESSAGES[phase])
            r = rng.random()
            if last and not running:
                if failed:
                    level, final_status, msg = "error", "error", rng.choice(ERRORS)
                else:
                    phase, final_status, msg = "done", "success", MESSAGES["done"][0]
            elif r < 0.06:
                level, msg = "warning", rng.choice(WARNINGS)
            elif r < 0.25:
                level = "debug"
            msg = msg.format(**ctx)
            if level == "warning":
                warnings += 1
            if level == "error":
                errors += 1
            if final_status:
                final_message = msg
            percent = 100 if final_status == "success" else step * 100 // (count + 1)
            get(ev_files, "events", ev_header, t.date().isoformat()).writerow(
                [dep_id, "e%04d" % step, iso(t), phase, step, count, percent, level, msg, final_status])
            written += 1
        started = start + datetime.timedelta(seconds=offset)
        tls = rng.random() < 0.8
        status = "running" if running else ("error" if failed else "success")
        get(dep_files, "deployments", dep_header, t.date().isoformat()).writerow(
            [dep_id, serial, name, model, ptype, ip, 1 if tls else 0,
             rng.choice(["TLSv1.3", "TLSv1.3", "TLSv1.2"]) if tls else "",
             "legacy" if rng.random() < 0.1 else "api", iso(started), iso(t),
             "" if running else iso(t), phase, step, count,
             100 if status == "success" else step * 100 // (count + 1), status, final_message,
             warnings, errors, last_by_serial.get(serial, "") if rng.random() < 0.5 else "",
             count + 1])
        last_by_serial[serial] = dep_id
    for files in (ev_files, dep_files):
        for f, _ in files.values():
            f.close()
    return written, made


# --- Main -------------------------------------------------------------------


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="data directory to write (created)")
    p.add_argument("--computers", type=int, default=300)
    p.add_argument("--apps", type=int, default=len(APPS),
                   help="at least %d gives every named app; more adds synthetic ones" % len(APPS))
    p.add_argument("--drivers", type=int, default=len(DRIVERS))
    p.add_argument("--events", type=int, default=0, help="deployment events in the journal")
    p.add_argument("--days", type=int, default=30, help="days the journal spans")
    p.add_argument("--end-date", default="2026-11-23", help="last journal day (UTC)")
    p.add_argument("--seed", type=int, default=4180)
    a = p.parse_args(argv)

    rng = random.Random(a.seed)
    out = a.out
    computer_rows, computers = gen_computers(rng, a.computers)
    write_table(os.path.join(out, "computers.csv"),
                ["serial", "computername", "postype", "setkeyboard", "country", "language",
                 "timezone", "uuid", "mac", "notes", "created_by", "version"], computer_rows)
    app_rows = gen_apps(rng, a.apps)
    write_table(os.path.join(out, "apps.csv"),
                ["name", "url", "script", "reboot", "allowed_countries", "blocked_countries",
                 "allowed_models", "install_args", "success_codes", "enabled", "os_filter",
                 "version"], app_rows)
    write_table(os.path.join(out, "postype.csv"), ["postype", "application"],
                gen_postype(rng, app_rows))
    driver_rows = gen_drivers(rng, a.drivers)
    write_table(os.path.join(out, "drivers.csv"),
                ["model_regex", "os_regex", "url", "bundle_id", "min_ram_gb", "min_disk_gb",
                 "min_cpu_count", "priority", "enabled", "version"], driver_rows)
    write_table(os.path.join(out, "config.csv"), ["key", "value"],
                [["default_bundle_id", "42"], ["default_bundle_timeout", "120"],
                 ["naming_template", "{country}-{serial:-7}"], ["stale_timeout_minutes", "30"]])
    write_table(os.path.join(out, "locales.csv"), ["country", "language", "keyboard", "timezone"],
                [list(l) for l in LOCALES])
    seen = "2026-11-23 07:28:05"
    write_table(os.path.join(out, "networks.csv"),
                ["network", "kind", "status", "first_seen", "last_seen", "hits"],
                [[n, k, s, seen, seen, 0] for n, k, s in NETWORKS])
    write_table(os.path.join(out, "users.csv"), ["username", "password_hash"], [["admin", ""]])
    events, deployments = gen_journal(rng, out, computers, a.events,
                                      datetime.date.fromisoformat(a.end_date), a.days)
    print("%s: %d computers, %d apps, %d driver rules, %d deployments, %d events"
          % (out, len(computer_rows), len(app_rows), len(driver_rows), deployments, events),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
