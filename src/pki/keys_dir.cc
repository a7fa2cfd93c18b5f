#include "pki/keys_dir.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "base/strings.h"
#include "platform/private_file.h"

namespace provisiond::pki {
namespace fs = std::filesystem;
namespace {

bool Exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

std::string DefaultRootSubject(Timestamp now) {
  // The time makes each generation's name distinct: a rotated root never has
  // the same subject as the one it replaces.
  std::string when = FormatIso8601(now).substr(0, 19);  // "YYYY-MM-DDTHH:MM:SS"
  std::replace(when.begin(), when.end(), ':', '-');
  return "CN=provisiond root " + platform::HostName() + " " + when + ",O=provisiond";
}

std::string CnOf(const X509_NAME* name) {
  int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (idx < 0) return "";
  const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
}

struct Pair {
  PkeyPtr key;
  X509Ptr cert;
};

Result<Pair> LoadPair(const std::string& key_path, const std::string& cert_path) {
  PV_ASSIGN_OR_RETURN(PkeyPtr key, ReadPrivateKeyFile(key_path));
  PV_ASSIGN_OR_RETURN(X509Ptr cert, ReadCertFile(cert_path));
  PV_RETURN_IF_ERROR(CheckKeyMatchesCert(cert.get(), key.get(), cert_path, key_path));
  return Pair{std::move(key), std::move(cert)};
}

struct Rotation {
  Timestamp rotated_at{};
  Timestamp grace_until{};
  std::string previous_sha256;
};

Result<std::optional<Rotation>> ReadRotation(const KeysDir& keys) {
  std::string path = keys.Path(kRotationFile);
  if (!Exists(path)) return std::optional<Rotation>();
  PV_ASSIGN_OR_RETURN(std::string text, ReadTextFile(path));
  Rotation r;
  bool have_grace = false;
  for (const std::string& line : SplitList(text, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    auto eq = line.find('=');
    std::string key(Trim(std::string_view(line).substr(0, eq)));
    std::string value(eq == std::string::npos ? "" : Trim(std::string_view(line).substr(eq + 1)));
    if (key == "grace_until" || key == "rotated_at") {
      auto t = ParseIso8601(value);
      if (!t) {
        return Status::InvalidArgument(path + ": " + key + " '" + value +
                                       "' is not an ISO 8601 time (e.g. 2026-01-31T12:00:00Z)");
      }
      (key == "grace_until" ? r.grace_until : r.rotated_at) = *t;
      have_grace = have_grace || key == "grace_until";
    } else if (key == "previous_root_sha256") {
      r.previous_sha256 = value;
    }
  }
  if (!have_grace) {
    return Status::InvalidArgument(path + ": no grace_until=TIME line; fix or delete the file");
  }
  return std::optional<Rotation>(r);
}

Status WriteRotation(const KeysDir& keys, const Rotation& r) {
  std::string text =
      "# provisiond root rotation: root-previous.crt stays in roots.pem until grace_until.\n"
      "rotated_at=" + FormatIso8601(r.rotated_at) + "\n" +
      "grace_until=" + FormatIso8601(r.grace_until) + "\n" +
      "previous_root_sha256=" + r.previous_sha256 + "\n";
  return WriteTextFile(keys.Path(kRotationFile), text, kPublicFileMode);
}

}  // namespace

std::string KeysDir::Path(std::string_view name) const {
  if (!name.empty() && fs::path(name).is_absolute()) return std::string(name);
  return (fs::path(dir_) / fs::path(name)).string();
}

Status KeysDir::Ensure() const {
  std::error_code ec;
  if (fs::is_directory(dir_, ec)) return Status::Ok();
  if (!fs::create_directories(dir_, ec) || ec) {
    return Status::IoError(dir_, "cannot create keys directory: " + ec.message());
  }
  // Only the service account needs to read private keys.
  fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) return Status::IoError(dir_, "chmod 0700: " + ec.message());
  return Status::Ok();
}

Result<CertInfo> InitRoot(const KeysDir& keys, const RootInitOptions& options, Timestamp now) {
  for (std::string_view name : {kRootKeyFile, kRootCertFile}) {
    if (Exists(keys.Path(name))) {
      return Status::FailedPrecondition(keys.Path(name) +
                                        " exists: a root is already set up. Use `provisiond keys "
                                        "rotate-root` to replace it, or remove the file to start over");
    }
  }
  PV_RETURN_IF_ERROR(keys.Ensure());
  PV_ASSIGN_OR_RETURN(PkeyPtr key, GenerateKey(options.key_type));
  std::string subject = options.subject.empty() ? DefaultRootSubject(now) : options.subject;
  PV_ASSIGN_OR_RETURN(X509Ptr cert, CreateRootCert(key.get(), subject, options.days, now));
  // Key first: a root certificate without its key would be useless.
  PV_RETURN_IF_ERROR(WritePrivateKeyFile(keys.Path(kRootKeyFile), key.get()));
  PV_RETURN_IF_ERROR(WriteCertFile(keys.Path(kRootCertFile), cert.get()));
  PV_RETURN_IF_ERROR(WriteCertFile(keys.Path(kTrustBundleFile), cert.get()));
  return DescribeCert(cert.get(), now);
}

Result<RequestResult> RequestServiceCert(const KeysDir& keys, const RequestOptions& options) {
  RequestResult out;
  out.key_path = keys.Path(options.key_path.empty() ? kServiceKeyFile : options.key_path);
  out.csr_path = keys.Path(options.csr_path.empty() ? kServiceCsrFile : options.csr_path);
  if (!options.overwrite_key && Exists(out.key_path)) {
    return Status::FailedPrecondition(out.key_path +
                                      " exists: pass --force to replace the key (its certificate must "
                                      "then be issued again), or name another KEY file");
  }
  std::string host = platform::HostName();
  out.subject = options.subject.empty() ? "CN=" + host : options.subject;
  PV_ASSIGN_OR_RETURN(X509NamePtr name, ParseSubject(out.subject));
  out.sans = options.sans;
  if (out.sans.empty()) {
    // Clients check SANs, not the CN: default to the CN when it is a host name.
    std::string cn = CnOf(name.get());
    out.sans.push_back(!cn.empty() && CheckSan("DNS:" + cn).ok() ? "DNS:" + cn : "DNS:" + host);
  }
  PV_RETURN_IF_ERROR(keys.Ensure());
  PV_ASSIGN_OR_RETURN(PkeyPtr key, GenerateKey(options.key_type));
  PV_ASSIGN_OR_RETURN(X509ReqPtr csr, CreateCsr(key.get(), CsrOptions{out.subject, out.sans}));
  PV_RETURN_IF_ERROR(WritePrivateKeyFile(out.key_path, key.get()));
  PV_RETURN_IF_ERROR(WriteCsrFile(out.csr_path, csr.get()));
  out.sans = CsrSans(csr.get());
  return out;
}

Result<CertInfo> IssueServiceCert(const KeysDir& keys, const IssueOptions& options, Timestamp now) {
  std::string csr_path = keys.Path(options.csr_path.empty() ? kServiceCsrFile : options.csr_path);
  std::string out_path = keys.Path(options.out_path.empty() ? kServiceCertFile : options.out_path);
  std::string root_key_path = keys.Path(options.root_key_path.empty() ? kRootKeyFile : options.root_key_path);
  std::string root_cert_path = keys.Path(options.root_cert_path.empty() ? kRootCertFile : options.root_cert_path);
  for (const std::string& p : {root_key_path, root_cert_path}) {
    if (!Exists(p)) {
      return Status::NotFound(p + " not found: create the root with `provisiond keys root-init`, or pass "
                                  "--root-key / --root-cert");
    }
  }
  if (!Exists(csr_path)) {
    return Status::NotFound(csr_path + " not found: create it with `provisiond keys tls-request`");
  }
  PV_ASSIGN_OR_RETURN(X509ReqPtr csr, ReadCsrFile(csr_path));
  PV_ASSIGN_OR_RETURN(Pair root, LoadPair(root_key_path, root_cert_path));
  auto cert = IssueFromCsr(csr.get(), root.cert.get(), root.key.get(), options.days, now);
  if (!cert.ok()) return cert.status().WithContext(csr_path);
  PV_RETURN_IF_ERROR(WriteCertFile(out_path, cert->get()));
  return DescribeCert(cert->get(), now);
}

Result<RotateResult> RotateRoot(const KeysDir& keys, const RotateOptions& options, Timestamp now) {
  if (options.grace_days < 0) {
    return Status::InvalidArgument("--grace-days " + std::to_string(options.grace_days) + ": use 0 or more");
  }
  PV_ASSIGN_OR_RETURN(std::optional<Rotation> earlier, ReadRotation(keys));
  if (earlier && now < earlier->grace_until && !options.force) {
    return Status::FailedPrecondition(
        "the previous rotation's grace period runs until " + FormatIso8601(earlier->grace_until) +
        ": endpoints may still trust only root-previous.crt. Rotate after that, or pass --force "
        "(root-previous.crt is then replaced and leaves roots.pem at once)");
  }
  std::string root_key_path = keys.Path(kRootKeyFile);
  std::string root_cert_path = keys.Path(kRootCertFile);
  auto old = LoadPair(root_key_path, root_cert_path);
  if (!old.ok()) {
    return old.status().WithContext("rotate-root needs the current root (create one with `provisiond "
                                    "keys root-init`)");
  }
  RotateResult result;
  result.old_root = DescribeCert(old->cert.get(), now);

  // Build everything in memory first.
  PV_ASSIGN_OR_RETURN(PkeyPtr new_key, GenerateKeyLike(old->key.get()));
  std::string subject = options.subject.empty() ? DefaultRootSubject(now) : options.subject;
  PV_ASSIGN_OR_RETURN(X509Ptr new_root, CreateRootCert(new_key.get(), subject, options.root_days, now));
  result.new_root = DescribeCert(new_root.get(), now);

  std::vector<std::pair<std::string, X509Ptr>> reissued;
  std::error_code ec;
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(keys.dir(), ec)) {
    if (entry.path().extension() == ".crt") names.push_back(entry.path().filename().string());
  }
  if (ec) return Status::IoError(keys.dir(), ec.message());
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    if (name == kRootCertFile || name == kPreviousRootCertFile) continue;
    std::string path = keys.Path(name);
    auto certs = ReadCertsFile(path);
    if (!certs.ok()) {
      result.skipped.push_back(path + ": " + certs.status().message());
      continue;
    }
    X509* leaf = certs->front().get();
    if (!IsIssuedBy(leaf, old->cert.get())) {
      result.skipped.push_back(path + ": not issued by the current root");
      continue;
    }
    auto fresh = Reissue(leaf, new_root.get(), new_key.get(), options.leaf_days, now);
    if (!fresh.ok()) return fresh.status().WithContext(path);
    reissued.emplace_back(path, std::move(*fresh));
  }

  // Then write, the old root first so that no step loses it.
  PV_RETURN_IF_ERROR(WritePrivateKeyFile(keys.Path(kPreviousRootKeyFile), old->key.get()));
  PV_RETURN_IF_ERROR(WriteCertFile(keys.Path(kPreviousRootCertFile), old->cert.get()));
  Rotation rotation{now, now + std::chrono::hours(24) * options.grace_days, result.old_root.sha256};
  result.grace_until = rotation.grace_until;
  PV_RETURN_IF_ERROR(WriteRotation(keys, rotation));
  PV_RETURN_IF_ERROR(WritePrivateKeyFile(root_key_path, new_key.get()));
  PV_RETURN_IF_ERROR(WriteCertFile(root_cert_path, new_root.get()));
  PV_ASSIGN_OR_RETURN(TrustBundleState bundle, RefreshTrustBundle(keys, now));
  (void)bundle;
  for (auto& [path, cert] : reissued) {
    PV_RETURN_IF_ERROR(WriteCertFile(path, cert.get()));
    result.reissued.push_back(path);
  }
  return result;
}

Result<TrustBundleState> RefreshTrustBundle(const KeysDir& keys, Timestamp now) {
  std::string root_cert_path = keys.Path(kRootCertFile);
  if (!Exists(root_cert_path)) {
    return Status::NotFound(root_cert_path + " not found: create the root with `provisiond keys root-init`");
  }
  TrustBundleState state;
  PV_ASSIGN_OR_RETURN(X509Ptr root, ReadCertFile(root_cert_path));
  PV_ASSIGN_OR_RETURN(std::optional<Rotation> rotation, ReadRotation(keys));
  std::vector<X509Ptr> roots;
  roots.push_back(std::move(root));
  if (rotation) {
    state.grace_until = rotation->grace_until;
    std::string previous_path = keys.Path(kPreviousRootCertFile);
    if (now < rotation->grace_until && Exists(previous_path)) {
      PV_ASSIGN_OR_RETURN(X509Ptr previous, ReadCertFile(previous_path));
      roots.push_back(std::move(previous));
      state.previous_included = true;
    }
  }
  std::string text;
  for (const X509Ptr& c : roots) {
    PV_ASSIGN_OR_RETURN(std::string pem, CertToPem(c.get()));
    text += pem;
    state.fingerprints.push_back(Sha256Fingerprint(c.get()));
  }
  std::string bundle_path = keys.Path(kTrustBundleFile);
  auto current = Exists(bundle_path) ? ReadTextFile(bundle_path) : Result<std::string>(std::string());
  if (!current.ok() || *current != text) {
    PV_RETURN_IF_ERROR(WriteTextFile(bundle_path, text, kPublicFileMode));
    state.rewritten = true;
  }
  return state;
}

Status VerifyCertFile(const KeysDir& keys, const std::string& cert_path, const std::vector<std::string>& root_paths,
                      Timestamp now) {
  std::vector<std::string> paths;
  for (const std::string& p : root_paths) paths.push_back(keys.Path(p));
  if (paths.empty()) {
    std::string bundle = keys.Path(kTrustBundleFile);
    paths.push_back(Exists(bundle) ? bundle : keys.Path(kRootCertFile));
  }
  std::vector<X509Ptr> owned_roots;
  for (const std::string& p : paths) {
    PV_ASSIGN_OR_RETURN(auto certs, ReadCertsFile(p));
    for (X509Ptr& c : certs) owned_roots.push_back(std::move(c));
  }
  std::string path = keys.Path(cert_path);
  PV_ASSIGN_OR_RETURN(auto chain, ReadCertsFile(path));
  std::vector<X509*> roots;
  for (const X509Ptr& c : owned_roots) roots.push_back(c.get());
  std::vector<X509*> intermediates;
  for (size_t i = 1; i < chain.size(); ++i) intermediates.push_back(chain[i].get());
  Status s = VerifyCert(chain.front().get(), roots, intermediates, now);
  if (!s.ok()) return s.WithContext(path + " against " + Join(paths, ", "));
  return s;
}

}  // namespace provisiond::pki
