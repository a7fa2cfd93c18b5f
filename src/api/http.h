// Request and Response as plain values: routes see these, never Beast or a
// socket, so every route is testable as a function call. net/ converts.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/principal.h"
#include "base/status.h"

namespace provisiond::api {

// Header list with case-insensitive lookup; keeps order and duplicates.
class Headers {
 public:
  void Add(std::string name, std::string value) { items_.emplace_back(std::move(name), std::move(value)); }
  // Replaces every field named `name` with one.
  void Set(std::string_view name, std::string value);
  // First value of `name`, or nullopt.
  std::optional<std::string_view> Get(std::string_view name) const;
  size_t Count(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

// What the listener knows about the connection.
struct ConnectionInfo {
  std::string peer_address;  // the socket's remote address
  uint16_t peer_port = 0;
  uint16_t local_port = 0;
  bool tls = false;
  std::string tls_version;  // "TLSv1.3"
  std::string tls_cipher;   // "TLS_AES_256_GCM_SHA384"
};

// The service as the client sees it: from X-Forwarded-* when the peer is a
// trusted proxy, else from the Host header and the connection.
struct ExternalOrigin {
  std::string scheme = "http";  // http | https
  std::string host;             // without port
  uint16_t port = 0;
  std::string prefix;           // "" or "/provision" (no trailing slash)
  std::string client_address;   // the original client (X-Forwarded-For) or the peer

  // "https://host:port/prefix" with the port omitted when it is the scheme's default.
  std::string BaseUrl() const;
  // "https://host:port": what a browser sends as Origin for this service.
  std::string Origin() const;
  // BaseUrl() + path; `path` starts with '/'.
  std::string Url(std::string_view path) const;
  // prefix + path: what a browser or script uses for a relative link.
  std::string Path(std::string_view path) const { return prefix + std::string(path); }
};

// Takes a request body piece by piece as it arrives, so an upload larger
// than memory never sits in a string. A route opts in with
// RouteOptions::open_body_sink; net/ then feeds the sink instead of
// Request::body. A non-ok Append stops the read and is the answer
// (TooLarge: 413). Called one chunk at a time, on the worker pool when the
// route is blocking (as uploads are: each chunk is a disk write).
class BodySink {
 public:
  virtual ~BodySink() = default;
  virtual Status Append(std::string_view chunk) = 0;
};

struct Request {
  std::string method;   // upper-case token as sent
  std::string target;   // raw request-target
  std::string path;     // percent-decoded path, no query
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  Headers headers;
  std::string body;  // empty when body_sink took the body
  std::shared_ptr<BodySink> body_sink;  // set by Router::Admit for streaming routes
  ConnectionInfo connection;
  ExternalOrigin origin;
  std::string request_id;
  // Path parameters captured by the router ("{serial}" -> value).
  std::map<std::string, std::string, std::less<>> params;
  // Who is calling, set by the access checks (Router::Authorize).
  Principal principal;
  // What an admin change did, for the audit log: a handler fills what it
  // knows (the value before); the router's audit hook fills the rest.
  struct AuditNote {
    std::string target;  // default: the path parameters
    std::string before;
    std::string after;   // default: the JSON body, secrets removed
  } audit;

  // First query value of `name`, or nullopt.
  std::optional<std::string_view> Query(std::string_view name) const;
  std::optional<std::string_view> Param(std::string_view name) const;
};

// A file answered without loading it: net/ streams it (sendfile when plain).
struct FileBody {
  std::string path;  // absolute path, already checked to be inside its root
  uint64_t offset = 0;
  uint64_t length = 0;
  // Keeps the file open from the moment the route checked it, so a rename
  // over it does not change what is sent (never half-old, half-new).
  std::shared_ptr<void> handle;  // platform file handle owner, may be null
  int fd = -1;                   // POSIX descriptor owned by `handle`, or -1
};

// A response body produced over time (Server-Sent Events). net/ writes the
// header (no Content-Length, Connection: close), then calls Open() once with
// a sink; the producer writes through the sink from any thread. net/ sends
// `heartbeat` when nothing was written for `heartbeat_interval`, and calls
// Closed() once when the connection ends (client gone, too slow, server
// stopping); after that Write() returns false.
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  // Queues `text` for the client; false once the stream is closed. A client
  // that falls more than a bounded backlog behind is disconnected.
  virtual bool Write(std::string text) = 0;
  // Ends the stream from the producer's side.
  virtual void Close() = 0;
};

class StreamBody {
 public:
  virtual ~StreamBody() = default;
  virtual void Open(std::shared_ptr<StreamSink> sink) = 0;
  virtual void Closed() = 0;
  std::string heartbeat = ": heartbeat\n\n";
  std::chrono::milliseconds heartbeat_interval{15000};
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  std::optional<FileBody> file;  // when set, replaces `body`
  std::shared_ptr<StreamBody> stream;  // when set, replaces `body` (and `file`)
  bool head_only = false;        // HEAD: send headers (with Content-Length) only

  static Response Text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
  static Response Json(int status, std::string body);
  static Response Redirect(int status, std::string location);
};

// Percent-decodes `s`. Returns nullopt on a bad escape. `plus_is_space` for queries/forms.
std::optional<std::string> PercentDecode(std::string_view s, bool plus_is_space);
// Parses "a=1&b=2" into decoded pairs; bad escapes are kept raw.
std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view q);
std::string PercentEncodePath(std::string_view s);

}  // namespace provisiond::api
