// The keys directory (default <data-dir>/keys/) and the operations of
// `provisiond keys`: root creation, service key + CSR, issuing, root rotation
// with a grace period, and the trust bundle endpoints download.
//
// Layout (doc/tls.md):
//   root.pvk            root private key (PKCS#8 PEM, 0600)   like tanium.pvk
//   root.crt            self-signed root certificate            like tanium.pub
//   roots.pem           trust bundle: root.crt, plus root-previous.crt during
//                       a rotation's grace period
//   root-previous.pvk   the root replaced by the last rotate-root (0600)
//   root-previous.crt
//   root-rotation.txt   rotated_at / grace_until / previous_root_sha256
//   reporting.pvk       service private key (0600)
//   reporting.csr       its certificate request
//   reporting.crt       service certificate issued by the root
//   (more service pairs, e.g. reporting-rsa.*, may sit beside them)
// Not thread-safe: one `keys` command at a time per directory.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "pki/cert.h"
#include "pki/pem.h"

namespace provisiond::pki {

inline constexpr std::string_view kRootKeyFile = "root.pvk";
inline constexpr std::string_view kRootCertFile = "root.crt";
inline constexpr std::string_view kTrustBundleFile = "roots.pem";
inline constexpr std::string_view kPreviousRootKeyFile = "root-previous.pvk";
inline constexpr std::string_view kPreviousRootCertFile = "root-previous.crt";
inline constexpr std::string_view kRotationFile = "root-rotation.txt";
inline constexpr std::string_view kServiceKeyFile = "reporting.pvk";
inline constexpr std::string_view kServiceCsrFile = "reporting.csr";
inline constexpr std::string_view kServiceCertFile = "reporting.crt";

// Roots outlive the leaves they sign (3650 days by default).
constexpr int kDefaultRootValidityDays = 7300;
constexpr int kDefaultGraceDays = 30;

class KeysDir {
 public:
  explicit KeysDir(std::string dir) : dir_(std::move(dir)) {}
  const std::string& dir() const { return dir_; }
  // `name` if absolute, else dir/name.
  std::string Path(std::string_view name) const;
  // Creates the directory (0700) if missing.
  Status Ensure() const;

 private:
  std::string dir_;
};

struct RootInitOptions {
  std::string subject;                        // empty: "CN=provisiond root <host> <time>,O=provisiond"
  KeyType key_type = KeyType::kEcP256;
  int days = kDefaultRootValidityDays;
};
// Writes root.pvk, root.crt and roots.pem. FailedPrecondition, nothing
// written, if root.pvk or root.crt exists ("use rotate-root").
Result<CertInfo> InitRoot(const KeysDir& keys, const RootInitOptions& options, Timestamp now);

struct RequestOptions {
  std::string key_path;                       // relative to the keys dir
  std::string csr_path;
  std::string subject;                        // empty: "CN=<host name>"
  std::vector<std::string> sans;              // empty: DNS:<CN> (or DNS:<host name>)
  KeyType key_type = KeyType::kEcP256;
  bool overwrite_key = false;                 // false: refuse to replace an existing key
};
struct RequestResult {
  std::string key_path;
  std::string csr_path;
  std::string subject;
  std::vector<std::string> sans;
};
// A new key (0600) and a CSR for it. FailedPrecondition, nothing written, if
// the key exists and !overwrite_key.
Result<RequestResult> RequestServiceCert(const KeysDir& keys, const RequestOptions& options);

struct IssueOptions {
  std::string csr_path;                       // default reporting.csr
  std::string out_path;                       // default reporting.crt
  std::string root_key_path;                  // default root.pvk
  std::string root_cert_path;                 // default root.crt
  int days = kDefaultValidityDays;
};
// Reads the CSR and root, issues, writes `out_path`. Errors name the path.
Result<CertInfo> IssueServiceCert(const KeysDir& keys, const IssueOptions& options, Timestamp now);

struct RotateOptions {
  std::string subject;                        // empty: derived as for root-init
  int root_days = kDefaultRootValidityDays;
  int leaf_days = kDefaultValidityDays;       // validity of the re-issued certificates
  int grace_days = kDefaultGraceDays;
  bool force = false;                         // rotate even inside a previous grace period
};
struct RotateResult {
  CertInfo old_root;
  CertInfo new_root;
  Timestamp grace_until{};
  std::vector<std::string> reissued;          // paths of re-issued certificates
  std::vector<std::string> skipped;           // "path: reason" (other issuers, unreadable)
};
// Moves root.* to root-previous.*, creates a new root with the same key type,
// re-issues every *.crt leaf in the directory that the old root signed
// (subject, SANs and public key kept; new serial and validity), writes
// root-rotation.txt and roots.pem with both roots. All new certificates are
// built before the first write: a failure while building leaves every file
// as it was. FailedPrecondition inside an earlier grace period unless force.
Result<RotateResult> RotateRoot(const KeysDir& keys, const RotateOptions& options, Timestamp now);

struct TrustBundleState {
  bool previous_included = false;             // root-previous.crt still trusted
  std::optional<Timestamp> grace_until;       // from root-rotation.txt, if any
  bool rewritten = false;                     // roots.pem changed on disk
  std::vector<std::string> fingerprints;      // SHA-256 of each root in the bundle
};
// Rewrites roots.pem as root.crt (+ root-previous.crt while now < grace_until)
// if its content differs. NotFound if root.crt is missing.
Result<TrustBundleState> RefreshTrustBundle(const KeysDir& keys, Timestamp now);

// Checks `cert_path` (leaf, then any chain certificates in the same file)
// against the certificates of `root_paths` (default: roots.pem, else root.crt).
Status VerifyCertFile(const KeysDir& keys, const std::string& cert_path,
                      const std::vector<std::string>& root_paths, Timestamp now);

}  // namespace provisiond::pki
