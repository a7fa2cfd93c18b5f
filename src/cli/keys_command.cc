#include "cli/keys_command.h"

#include <openssl/err.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/strings.h"
#include "base/time.h"
#include "cli/config.h"
#include "cli/options.h"
#include "pki/cert.h"
#include "pki/keys_dir.h"
#include "pki/pem.h"
#include "platform/private_file.h"

namespace provisiond::cli {
namespace {

constexpr const char* kUsage =
    "usage: provisiond keys <verb> [options]\n"
    "\n"
    "Manage provisiond's own root key and TLS certificates (endpoints in WinPE trust\n"
    "this root, like a Tanium server's root key). Files live in the keys directory;\n"
    "relative paths are taken from there. Layout and rotation: doc/tls.md.\n"
    "\n"
    "verbs:\n"
    "  root-init                  new root key (root.pvk) + self-signed root (root.crt, roots.pem)\n"
    "      --subject DN           default \"CN=provisiond root <host> <time>,O=provisiond\"\n"
    "      --key-type ec|rsa      ECDSA P-256 (default) or RSA 3072\n"
    "      --expiration DAYS      root validity, default 7300\n"
    "  tls-request [KEY] [CSR]    new service key + CSR (default reporting.pvk reporting.csr)\n"
    "      --subject DN           default \"CN=<host name>\"\n"
    "      --san DNS:name|IP:addr repeatable; default DNS:<CN>\n"
    "      --key-type ec|rsa      ECDSA P-256 (default) or RSA 3072\n"
    "      --force                replace an existing KEY\n"
    "  tls-issue [CSR] [OUT] [ROOTKEY]\n"
    "                             certificate for CSR signed by the root (default\n"
    "                             reporting.csr reporting.crt root.pvk)\n"
    "      --csr FILE, -o/--out FILE, --root-key FILE, --root-cert FILE (default root.crt)\n"
    "      --expiration DAYS      validity, default 3650\n"
    "  rotate-root                new root; root.* -> root-previous.*; re-issues every *.crt\n"
    "                             the old root signed; roots.pem holds both roots until the\n"
    "                             grace period ends\n"
    "      --grace-days N         default 30\n"
    "      --expiration DAYS      validity of the re-issued certificates, default 3650\n"
    "      --root-expiration DAYS default 7300\n"
    "      --subject DN           subject of the new root\n"
    "      --force                rotate again inside a grace period\n"
    "  show [FILE...]             subject, issuer, validity, fingerprints, SANs, key type of\n"
    "                             certificates, CSRs or keys (no FILE: every *.crt); also\n"
    "                             drops an expired previous root from roots.pem\n"
    "  verify CERT [--root FILE]  chain check against roots (default roots.pem, else root.crt);\n"
    "                             --root is repeatable\n"
    "\n"
    "options for every verb:\n"
    "  --data-dir DIR             default $PROVISIOND_DATA_DIR, else data_csv\n"
    "  --keys-dir DIR             default <data-dir>/keys\n"
    "  --config FILE              TOML config (its data.dir and tls.keys_dir apply)\n"
    "  -h, --help                 this text; `provisiond keys <verb> --help`: one verb\n"
    "\n"
    "first setup:\n"
    "  provisiond keys root-init\n"
    "  provisiond keys tls-request --subject CN=prov.example.org --san DNS:prov.example.org\n"
    "  provisiond keys tls-issue reporting.csr reporting.crt\n";

constexpr const char* kCommonKeysOptions =
    "  --data-dir DIR             default $PROVISIOND_DATA_DIR, else data_csv\n"
    "  --keys-dir DIR             default <data-dir>/keys\n"
    "  --config FILE              TOML config (its data.dir and tls.keys_dir apply)\n";

// `provisiond keys <verb> --help`: the verb's options and an example.
std::string VerbHelp(const std::string& verb) {
  static const std::map<std::string, std::string> texts = {
      {"root-init",
       "usage: provisiond keys root-init [options]\n\n"
       "Creates the root key (root.pvk, mode 0600) and its self-signed certificate (root.crt,\n"
       "roots.pem). Refused when a root exists (see rotate-root).\n\n"
       "  --subject DN               default \"CN=provisiond root <host> <time>,O=provisiond\"\n"
       "  --key-type ec|rsa          ECDSA P-256 (default) or RSA 3072\n"
       "  --expiration DAYS          root validity, default 7300\n"
       "example:\n  provisiond keys root-init --data-dir var/data_csv --subject \"CN=Example root,O=Example\"\n"},
      {"tls-request",
       "usage: provisiond keys tls-request [KEY] [CSR] [options]\n\n"
       "Creates the service key and a certificate request (default reporting.pvk reporting.csr).\n\n"
       "  KEY, CSR                   file names, relative to the keys directory\n"
       "  --subject DN               default \"CN=<host name>\"\n"
       "  --san DNS:name|IP:addr     repeatable; default DNS:<CN>\n"
       "  --key-type ec|rsa          ECDSA P-256 (default) or RSA 3072\n"
       "  --force                    replace an existing KEY\n"
       "example:\n  provisiond keys tls-request --subject CN=prov.example.org --san DNS:prov.example.org "
       "--san IP:10.0.0.5\n"},
      {"tls-issue",
       "usage: provisiond keys tls-issue [CSR] [OUT] [ROOTKEY] [options]\n\n"
       "Issues the certificate for CSR, signed by the root (default reporting.csr reporting.crt\n"
       "root.pvk).\n\n"
       "  --csr FILE                 the request (same as CSR)\n"
       "  -o, --out FILE             the certificate to write (same as OUT)\n"
       "  --root-key FILE            the signing key (same as ROOTKEY)\n"
       "  --root-cert FILE           the root certificate, default root.crt\n"
       "  --expiration DAYS          validity, default 3650\n"
       "example:\n  provisiond keys tls-issue reporting.csr reporting.crt --expiration 825\n"},
      {"rotate-root",
       "usage: provisiond keys rotate-root [options]\n\n"
       "New root; root.* -> root-previous.*; re-issues every *.crt the old root signed;\n"
       "roots.pem holds both roots until the grace period ends.\n\n"
       "  --grace-days N             default 30\n"
       "  --expiration DAYS          validity of the re-issued certificates, default 3650\n"
       "  --root-expiration DAYS     validity of the new root, default 7300\n"
       "  --subject DN               subject of the new root\n"
       "  --force                    rotate again inside a grace period\n"
       "example:\n  provisiond keys rotate-root --grace-days 60\n"},
      {"show",
       "usage: provisiond keys show [FILE...]\n\n"
       "Subject, issuer, validity, fingerprints, SANs and key type of certificates, CSRs or\n"
       "keys (no FILE: every *.crt); also drops an expired previous root from roots.pem.\n\n"
       "  FILE                       file names, relative to the keys directory\n"
       "example:\n  provisiond keys show reporting.crt root.crt\n"},
      {"verify",
       "usage: provisiond keys verify CERT [--root FILE]...\n\n"
       "Checks CERT's chain against the roots (default roots.pem, else root.crt).\n\n"
       "  CERT                       the certificate to check\n"
       "  --root FILE                a root to trust; repeatable\n"
       "example:\n  provisiond keys verify reporting.crt --root root.crt\n"},
  };
  auto it = texts.find(verb);
  if (it == texts.end()) return kUsage;
  return it->second + "\noptions for every verb:\n" + kCommonKeysOptions;
}

// What each verb accepts: options with a value, flags, and positional count.
struct VerbSpec {
  std::vector<std::string> valued;
  std::vector<std::string> flags;
  size_t max_positional;
};

const std::map<std::string, VerbSpec>& Verbs() {
  static const std::map<std::string, VerbSpec> verbs = {
      {"root-init", {{"--subject", "--key-type", "--expiration"}, {}, 0}},
      {"tls-request", {{"--subject", "--san", "--key-type"}, {"--force"}, 2}},
      {"tls-issue", {{"--csr", "--out", "-o", "--root-key", "--root-cert", "--expiration"}, {}, 3}},
      {"rotate-root", {{"--grace-days", "--expiration", "--root-expiration", "--subject"}, {"--force"}, 0}},
      {"show", {{}, {}, 64}},
      {"verify", {{"--root"}, {}, 1}},
  };
  return verbs;
}

struct Args {
  std::string verb;
  std::vector<std::string> positional;
  std::multimap<std::string, std::string> options;  // "--san" may repeat
  bool help = false;

  std::optional<std::string> Get(const std::string& name) const {
    auto range = options.equal_range(name);
    if (range.first == range.second) return std::nullopt;
    return std::prev(range.second)->second;  // the last one wins
  }
  std::vector<std::string> All(const std::string& name) const {
    std::vector<std::string> out;
    for (auto [it, end] = options.equal_range(name); it != end; ++it) out.push_back(it->second);
    return out;
  }
  bool Has(const std::string& name) const { return options.count(name) > 0; }
};

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  for (const auto& x : v) {
    if (x == s) return true;
  }
  return false;
}

// Parses argv after "keys". Returns an error text for bad usage.
std::optional<std::string> Parse(int argc, char** argv, Args* out) {
  if (argc < 2) return "missing verb";
  out->verb = argv[1];
  if (out->verb == "-h" || out->verb == "--help" || out->verb == "help") {
    out->help = true;
    return std::nullopt;
  }
  auto spec = Verbs().find(out->verb);
  if (spec == Verbs().end()) return "unknown verb '" + out->verb + "'";
  bool options_done = false;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (!options_done && a == "--") {
      options_done = true;
      continue;
    }
    if (options_done || a.empty() || a[0] != '-' || a == "-") {
      out->positional.push_back(a);
      continue;
    }
    if (a == "-h" || a == "--help") {
      out->help = true;
      continue;
    }
    std::string name = a;
    std::optional<std::string> value;
    if (auto eq = a.find('='); eq != std::string::npos && a.rfind("--", 0) == 0) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
    }
    if (name == "--keys-dir" || name == "--data-dir" || Contains(spec->second.valued, name)) {
      if (!value) {
        if (i + 1 >= argc) return name + " needs a value";
        value = argv[++i];
      }
      out->options.emplace(name == "-o" ? "--out" : name, *value);
    } else if (Contains(spec->second.flags, name) && !value) {
      out->options.emplace(name, "");
    } else {
      return "unknown option '" + a + "' for `keys " + out->verb + "`";
    }
  }
  if (out->positional.size() > spec->second.max_positional) {
    return "too many arguments for `keys " + out->verb + "` ('" + out->positional.back() + "')";
  }
  return std::nullopt;
}

std::optional<int> ParseDays(const std::string& s, int max = 36500) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0 || v > max) return std::nullopt;
  return v;
}

std::string KeysDirFrom(const Args& args) {
  if (auto k = args.Get("--keys-dir")) return *k;
  std::string data_dir = Config().data_dir;
  if (const char* env = std::getenv("PROVISIOND_DATA_DIR"); env != nullptr && *env != '\0') data_dir = env;
  if (auto d = args.Get("--data-dir")) data_dir = *d;
  return (std::filesystem::path(data_dir) / "keys").string();
}

int Usage(const std::string& message) {
  std::cerr << "provisiond keys: " << message << "\n\n" << kUsage;
  return 2;
}

// The directory options the user gave, for the follow-up commands this
// prints (" --data-dir D --keys-dir K"): copied, they reach the same files.
// The default data directory is left out, so the common case stays short.
std::string FollowOptions(const Args& args) {
  std::string out;
  if (auto d = args.Get("--data-dir"); d && *d != Config().data_dir) out += " --data-dir " + Quoted(*d);
  if (auto k = args.Get("--keys-dir")) out += " --keys-dir " + Quoted(*k);
  return out;
}

int Fail(const Args& args, const Status& s) {
  std::cerr << "provisiond keys: " << WithOptions(s.message(), FollowOptions(args)) << "\n";
  return 1;
}

std::string Indent(const std::string& text) {
  std::string out;
  for (const std::string& line : SplitList(text, '\n')) out += "  " + line + "\n";
  return out;
}

int RootInit(const Args& args, const pki::KeysDir& keys) {
  pki::RootInitOptions opt;
  opt.subject = args.Get("--subject").value_or("");
  if (auto t = args.Get("--key-type")) {
    auto kt = pki::ParseKeyType(*t);
    if (!kt.ok()) return Usage(kt.status().message());
    opt.key_type = *kt;
  }
  if (auto d = args.Get("--expiration")) {
    auto days = ParseDays(*d);
    if (!days || *days < 1) return Usage("--expiration '" + *d + "': use a number of days from 1 to 36500");
    opt.days = *days;
  }
  if (!opt.subject.empty()) {
    if (auto n = pki::ParseSubject(opt.subject); !n.ok()) return Usage(n.status().message());
  }
  auto info = pki::InitRoot(keys, opt, Now());
  if (!info.ok()) return Fail(args, info.status());
  std::cout << "wrote " << keys.Path(pki::kRootKeyFile) << " (private, mode 0600)\n"
            << "wrote " << keys.Path(pki::kRootCertFile) << " and " << keys.Path(pki::kTrustBundleFile) << "\n"
            << Indent(pki::FormatCertInfo(*info))
            << "Endpoints pin this root: embed roots.pem (or its SHA-256 above) in the launchers.\n"
            << WithOptions("next: provisiond keys tls-request --subject CN=<server name> --san DNS:<server name>\n",
                           FollowOptions(args));
  return 0;
}

// "x.csr" -> "x.csr x.crt", as the next command's arguments.
std::string CertNameFor(const std::string& csr) {
  std::string crt = csr.ends_with(".csr") ? csr.substr(0, csr.size() - 4) + ".crt" : csr + ".crt";
  return csr + " " + crt;
}

int TlsRequest(const Args& args, const pki::KeysDir& keys) {
  pki::RequestOptions opt;
  if (args.positional.size() > 0) opt.key_path = args.positional[0];
  if (args.positional.size() > 1) opt.csr_path = args.positional[1];
  opt.subject = args.Get("--subject").value_or("");
  opt.sans = args.All("--san");
  opt.overwrite_key = args.Has("--force");
  if (auto t = args.Get("--key-type")) {
    auto kt = pki::ParseKeyType(*t);
    if (!kt.ok()) return Usage(kt.status().message());
    opt.key_type = *kt;
  }
  if (!opt.subject.empty()) {
    if (auto n = pki::ParseSubject(opt.subject); !n.ok()) return Usage(n.status().message());
  }
  for (const std::string& san : opt.sans) {
    if (Status s = pki::CheckSan(san); !s.ok()) return Usage(s.message());
  }
  auto r = pki::RequestServiceCert(keys, opt);
  if (!r.ok()) return Fail(args, r.status());
  std::string csr_name = opt.csr_path.empty() ? std::string(pki::kServiceCsrFile) : opt.csr_path;
  std::cout << "wrote " << r->key_path << " (private, mode 0600)\n"
            << "wrote " << r->csr_path << "\n"
            << "  subject: " << r->subject << "\n"
            << "  SANs:    " << Join(r->sans, ", ") << "\n"
            << WithOptions("next: provisiond keys tls-issue " + CertNameFor(csr_name) + "\n", FollowOptions(args));
  return 0;
}

int TlsIssue(const Args& args, const pki::KeysDir& keys) {
  pki::IssueOptions opt;
  const auto& pos = args.positional;
  opt.csr_path = args.Get("--csr").value_or(pos.size() > 0 ? pos[0] : "");
  opt.out_path = args.Get("--out").value_or(pos.size() > 1 ? pos[1] : "");
  opt.root_key_path = args.Get("--root-key").value_or(pos.size() > 2 ? pos[2] : "");
  opt.root_cert_path = args.Get("--root-cert").value_or("");
  if (auto d = args.Get("--expiration")) {
    auto days = ParseDays(*d);
    if (!days || *days < 1) return Usage("--expiration '" + *d + "': use a number of days from 1 to 36500");
    opt.days = *days;
  }
  auto info = pki::IssueServiceCert(keys, opt, Now());
  if (!info.ok()) return Fail(args, info.status());
  std::cout << "wrote " << keys.Path(opt.out_path.empty() ? pki::kServiceCertFile : opt.out_path) << "\n"
            << Indent(pki::FormatCertInfo(*info))
            << "Serve it with `provisiond serve --tls-mode 1 --tls-cert <crt> --tls-key <pvk>` (or the "
               "config file); a running server reloads changed files.\n";
  return 0;
}

int RotateRoot(const Args& args, const pki::KeysDir& keys) {
  pki::RotateOptions opt;
  opt.subject = args.Get("--subject").value_or("");
  opt.force = args.Has("--force");
  struct {
    const char* name;
    int* field;
    int min;
  } ints[] = {{"--grace-days", &opt.grace_days, 0},
              {"--expiration", &opt.leaf_days, 1},
              {"--root-expiration", &opt.root_days, 1}};
  for (auto& i : ints) {
    if (auto v = args.Get(i.name)) {
      auto days = ParseDays(*v);
      if (!days || *days < i.min) {
        return Usage(std::string(i.name) + " '" + *v + "': use a number of days from " + std::to_string(i.min) +
                     " to 36500");
      }
      *i.field = *days;
    }
  }
  if (!opt.subject.empty()) {
    if (auto n = pki::ParseSubject(opt.subject); !n.ok()) return Usage(n.status().message());
  }
  auto r = pki::RotateRoot(keys, opt, Now());
  if (!r.ok()) return Fail(args, r.status());
  std::cout << "old root moved to " << keys.Path(pki::kPreviousRootCertFile) << " (+ .pvk)\n"
            << "  " << r->old_root.subject << "\n  SHA-256 " << r->old_root.sha256 << "\n"
            << "new root " << keys.Path(pki::kRootCertFile) << "\n"
            << "  " << r->new_root.subject << "\n  SHA-256 " << r->new_root.sha256 << "\n"
            << keys.Path(pki::kTrustBundleFile) << " trusts both until " << FormatIso8601(r->grace_until)
            << ": ship it to endpoints now.\n";
  for (const std::string& p : r->reissued) std::cout << "re-issued " << p << "\n";
  for (const std::string& p : r->skipped) std::cout << "left alone " << p << "\n";
  if (r->reissued.empty()) std::cout << "no certificate signed by the old root was found to re-issue\n";
  return 0;
}

std::string ShowFile(const pki::KeysDir& keys, const std::string& path, const std::vector<X509*>& roots) {
  auto text = pki::ReadTextFile(path);
  if (!text.ok()) return "error: " + text.status().message() + "\n";
  std::string out = path + "\n";
  if (text->find("PRIVATE KEY-----") != std::string::npos) {
    auto key = pki::PrivateKeyFromPem(*text, path);
    OPENSSL_cleanse(text->data(), text->size());
    if (!key.ok()) return out + "  error: " + key.status().message() + "\n";
    int mode = platform::FileMode(path);
    char m[16];
    std::snprintf(m, sizeof m, "%04o", static_cast<unsigned>(mode < 0 ? 0 : mode) & 07777u);
    out += "  private key: " + pki::DescribeKey(key->get()) + ", mode " + m +
           ((mode & 077) != 0 ? " (WARNING: readable by others; chmod 600 " + path + ")" : "") + "\n";
    return out;
  }
  if (text->find("BEGIN CERTIFICATE REQUEST") != std::string::npos) {
    auto csr = pki::CsrFromPem(*text, path);
    if (!csr.ok()) return out + "  error: " + csr.status().message() + "\n";
    EVP_PKEY* pub = X509_REQ_get0_pubkey(csr->get());
    bool sig_ok = pub != nullptr && X509_REQ_verify(csr->get(), pub) == 1;
    ERR_clear_error();
    out += "  certificate request\n  subject:   " + pki::NameToString(X509_REQ_get_subject_name(csr->get())) +
           "\n  SANs:      " + Join(pki::CsrSans(csr->get()), ", ") + "\n  key:       " + pki::DescribeKey(pub) +
           "\n  signature: " + (sig_ok ? "valid" : "INVALID") + "\n";
    return out;
  }
  auto certs = pki::CertsFromPem(*text, path);
  if (!certs.ok()) return out + "  error: " + certs.status().message() + "\n";
  Timestamp now = Now();
  for (size_t i = 0; i < certs->size(); ++i) {
    X509* c = (*certs)[i].get();
    if (certs->size() > 1) out += "  [" + std::to_string(i + 1) + "/" + std::to_string(certs->size()) + "]\n";
    out += Indent(pki::FormatCertInfo(pki::DescribeCert(c, now)));
    if (!roots.empty() && i == 0) {
      std::vector<X509*> chain;
      for (size_t j = 1; j < certs->size(); ++j) chain.push_back((*certs)[j].get());
      Status v = pki::VerifyCert(c, roots, chain, now);
      out += "  chain:        " + (v.ok() ? std::string("OK against ") + keys.Path(pki::kTrustBundleFile)
                                          : "FAILS against " + keys.Path(pki::kTrustBundleFile) + ": " +
                                                v.message()) +
             "\n";
    }
  }
  return out;
}

int Show(const Args& args, const pki::KeysDir& keys) {
  Timestamp now = Now();
  std::vector<pki::X509Ptr> owned_roots;
  std::error_code ec;
  if (std::filesystem::exists(keys.Path(pki::kRootCertFile), ec)) {
    // Running show is one of the moments an ended grace period takes effect.
    auto state = pki::RefreshTrustBundle(keys, now);
    if (!state.ok()) return Fail(args, state.status());
    if (state->grace_until) {
      std::cout << "root rotation grace period " << (state->previous_included ? "runs" : "ended") << " until "
                << FormatIso8601(*state->grace_until)
                << (state->previous_included ? ": roots.pem trusts the previous root too\n"
                                             : ": roots.pem trusts the current root only\n");
    }
    if (state->rewritten) std::cout << "rewrote " << keys.Path(pki::kTrustBundleFile) << "\n";
    auto roots = pki::ReadCertsFile(keys.Path(pki::kTrustBundleFile));
    if (roots.ok()) owned_roots = std::move(*roots);
  }
  std::vector<X509*> roots;
  for (const auto& r : owned_roots) roots.push_back(r.get());
  std::vector<std::string> files;
  for (const std::string& p : args.positional) files.push_back(keys.Path(p));
  if (files.empty()) {
    for (const auto& e : std::filesystem::directory_iterator(keys.dir(), ec)) {
      if (e.path().extension() == ".crt") files.push_back(e.path().string());
    }
    if (ec) return Fail(args, Status::IoError(keys.dir(), ec.message()));
    std::sort(files.begin(), files.end());
    if (files.empty()) {
      return Fail(args, Status::NotFound("no .crt file in " + keys.dir() + ": start with `provisiond keys root-init`"));
    }
  }
  bool all_ok = true;
  for (const std::string& f : files) {
    std::string text = ShowFile(keys, f, roots);
    all_ok = all_ok && text.find("error: ") == std::string::npos;
    std::cout << text;
  }
  return all_ok ? 0 : 1;
}

int Verify(const Args& args, const pki::KeysDir& keys) {
  if (args.positional.empty()) return Usage("verify needs CERT");
  Status s = pki::VerifyCertFile(keys, args.positional[0], args.All("--root"), Now());
  if (!s.ok()) return Fail(args, s);
  std::cout << keys.Path(args.positional[0]) << ": OK\n";
  return 0;
}

}  // namespace

int RunKeys(int argc, char** argv) {
  Args args;
  if (auto err = Parse(argc, argv, &args)) return Usage(*err);
  if (args.help) {
    std::cout << VerbHelp(args.verb);
    return 0;
  }
  pki::KeysDir keys(KeysDirFrom(args));
  if (args.verb == "root-init") return RootInit(args, keys);
  if (args.verb == "tls-request") return TlsRequest(args, keys);
  if (args.verb == "tls-issue") return TlsIssue(args, keys);
  if (args.verb == "rotate-root") return RotateRoot(args, keys);
  if (args.verb == "show") return Show(args, keys);
  return Verify(args, keys);
}

}  // namespace provisiond::cli
