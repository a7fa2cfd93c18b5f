// One connection to PostgreSQL (libpq), and a fixed-size pool of them.
// Statements are sent with text parameters ($1, $2...) and text results, so
// no value is ever spliced into SQL. Errors come back as Status: a lost or
// refused connection is kUnavailable (the caller answers 503 and retries
// later), a unique-constraint violation kConflict, anything else kIoError
// with PostgreSQL's message. No message ever holds the connection password.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

struct pg_conn;
struct pg_result;

namespace provisiond::store::pg {

// A query's rows. Cells are text (NULL as nullopt).
class Rows {
 public:
  Rows() = default;
  explicit Rows(pg_result* r);
  size_t size() const;
  bool empty() const { return size() == 0; }
  bool IsNull(size_t row, int col) const;
  std::string_view Get(size_t row, int col) const;  // "" for NULL
  int64_t Int(size_t row, int col) const;           // 0 for NULL or not a number
  // Rows changed by an INSERT/UPDATE/DELETE.
  uint64_t Affected() const;

 private:
  std::shared_ptr<pg_result> r_;
};

using Param = std::optional<std::string>;  // nullopt: SQL NULL

// `url` without its password, for logs and health ("postgresql://user@host:5432/db").
std::string RedactUrl(std::string_view url);

class Connection {
 public:
  // Connects (timeout connect_timeout in the URL, else 5 s). kUnavailable
  // naming the redacted URL and libpq's reason when it cannot.
  static Result<std::unique_ptr<Connection>> Open(const std::string& url);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Result<Rows> Exec(std::string_view sql, const std::vector<Param>& params = {});
  // Several statements separated by ';' without parameters (migrations).
  Status ExecScript(std::string_view sql);
  // False once the server went away (the pool then drops the connection).
  bool Healthy() const;

  // LISTEN support: the socket to wait on, and the notifications received
  // (reads what arrived without blocking). Channel and payload.
  int Socket() const;
  Result<std::vector<std::pair<std::string, std::string>>> TakeNotifications();

 private:
  Connection(pg_conn* c, std::string redacted) : conn_(c), redacted_(std::move(redacted)) {}
  Status ErrorOf(pg_result* r, std::string_view sql) const;
  pg_conn* conn_;
  std::string redacted_;
};

// Connections handed out one caller at a time; a broken one is replaced on
// the next Acquire. Safe from any thread.
class Pool {
 public:
  Pool(std::string url, size_t size);
  ~Pool();

  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<Connection> c) : pool_(pool), c_(std::move(c)) {}
    Lease(Lease&&) = default;
    ~Lease();
    Connection* operator->() const { return c_.get(); }
    Connection& operator*() const { return *c_; }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> c_;
  };

  // Waits up to `wait` for a free connection (kUnavailable "all N busy"),
  // opening one if needed (kUnavailable when the database cannot be reached).
  Result<Lease> Acquire(std::chrono::milliseconds wait = std::chrono::seconds(10));
  // Closes the idle connections (after an outage they are dead without
  // knowing it); leased ones are dropped when returned broken.
  void DropIdle();

 private:
  void Release(std::unique_ptr<Connection> c);
  std::string url_;
  size_t size_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  size_t out_ = 0;  // leased or being opened
};

// Runs `work` in one transaction on `c` (BEGIN ... COMMIT; ROLLBACK when it
// returns an error or the commit fails).
Status InTransaction(Connection& c, const std::function<Status()>& work);

}  // namespace provisiond::store::pg
