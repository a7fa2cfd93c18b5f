#include "store/postgres/pg_connection.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstring>

namespace provisiond::store::pg {

namespace {

std::string Trimmed(const char* s) {
  std::string out = s != nullptr ? s : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// SQLSTATE classes that mean "the database is not there now": connection
// exceptions (08), operator intervention such as a shutdown (57), and
// insufficient resources (53: too many connections).
bool IsUnavailableState(std::string_view state) {
  return state.starts_with("08") || state.starts_with("57") || state.starts_with("53");
}

}  // namespace

Rows::Rows(pg_result* r) : r_(r, PQclear) {}
size_t Rows::size() const { return r_ ? static_cast<size_t>(PQntuples(r_.get())) : 0; }
bool Rows::IsNull(size_t row, int col) const { return PQgetisnull(r_.get(), static_cast<int>(row), col) != 0; }
std::string_view Rows::Get(size_t row, int col) const {
  const int r = static_cast<int>(row);
  return {PQgetvalue(r_.get(), r, col), static_cast<size_t>(PQgetlength(r_.get(), r, col))};
}
int64_t Rows::Int(size_t row, int col) const {
  std::string_view s = Get(row, col);
  int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}
uint64_t Rows::Affected() const {
  const char* n = r_ ? PQcmdTuples(r_.get()) : "";
  uint64_t v = 0;
  std::from_chars(n, n + std::strlen(n), v);
  return v;
}

std::string RedactUrl(std::string_view url) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(std::string(url).c_str(), &err);
  if (opts == nullptr) {
    if (err != nullptr) PQfreemem(err);
    return "(unparsable database URL)";
  }
  std::string user, host, port, db;
  for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    std::string_view k = o->keyword;
    if (k == "user") user = o->val;
    if (k == "host" || (k == "hostaddr" && host.empty())) host = o->val;
    if (k == "port") port = o->val;
    if (k == "dbname") db = o->val;
  }
  PQconninfoFree(opts);
  std::string out = "postgresql://";
  if (!user.empty()) out += user + "@";
  out += host.empty() ? "localhost" : host;
  if (!port.empty()) out += ":" + port;
  out += "/" + db;
  return out;
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& url) {
  // connect_timeout from the URL wins; keywords after the URL fill in.
  const char* keys[] = {"dbname", "connect_timeout", "application_name", nullptr};
  const char* values[] = {url.c_str(), "5", "provisiond", nullptr};
  pg_conn* c = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  std::string redacted = RedactUrl(url);
  if (c == nullptr) return Status::Unavailable("database " + redacted + ": out of memory connecting");
  if (PQstatus(c) != CONNECTION_OK) {
    std::string why = Trimmed(PQerrorMessage(c));
    PQfinish(c);
    return Status::Unavailable("database " + redacted + " unreachable: " + why);
  }
  // Notices (e.g. "relation already exists, skipping") are not errors.
  PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<Connection>(new Connection(c, std::move(redacted)));
}

Connection::~Connection() { PQfinish(conn_); }

bool Connection::Healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

Status Connection::ErrorOf(pg_result* r, std::string_view sql) const {
  const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string why = Trimmed(r != nullptr ? PQresultErrorMessage(r) : PQerrorMessage(conn_));
  if (why.empty()) why = Trimmed(PQerrorMessage(conn_));
  std::string_view st = state != nullptr ? state : "";
  std::string first_words(sql.substr(0, std::min<size_t>(sql.find_first_of("(\n"), 40)));
  if (!Healthy() || IsUnavailableState(st))
    return Status::Unavailable("database " + redacted_ + " unavailable: " + why);
  if (st == "23505") return Status::Conflict(why);
  return Status::IoError("database " + redacted_, why + " (in: " + first_words + ")");
}

Result<Rows> Connection::Exec(std::string_view sql, const std::vector<Param>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  pg_result* r = PQexecParams(conn_, std::string(sql).c_str(), static_cast<int>(params.size()), nullptr,
                              values.data(), nullptr, nullptr, 0);
  ExecStatusType s = r != nullptr ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) return Rows(r);
  Status err = ErrorOf(r, sql);
  if (r != nullptr) PQclear(r);
  return err;
}

Status Connection::ExecScript(std::string_view sql) {
  pg_result* r = PQexec(conn_, std::string(sql).c_str());
  ExecStatusType s = r != nullptr ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  Status out = (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) ? Status::Ok() : ErrorOf(r, sql);
  if (r != nullptr) PQclear(r);
  return out;
}

int Connection::Socket() const { return PQsocket(conn_); }

Result<std::vector<std::pair<std::string, std::string>>> Connection::TakeNotifications() {
  if (PQconsumeInput(conn_) == 0 || !Healthy())
    return Status::Unavailable("database " + redacted_ + " unavailable: " + Trimmed(PQerrorMessage(conn_)));
  std::vector<std::pair<std::string, std::string>> out;
  while (PGnotify* n = PQnotifies(conn_)) {
    out.emplace_back(n->relname, n->extra != nullptr ? n->extra : "");
    PQfreemem(n);
  }
  return out;
}

// ---- pool ---------------------------------------------------------------------

Pool::Pool(std::string url, size_t size) : url_(std::move(url)), size_(size == 0 ? 1 : size) {}
Pool::~Pool() = default;

Pool::Lease::~Lease() {
  if (c_ && pool_ != nullptr) pool_->Release(std::move(c_));
}

Result<Pool::Lease> Pool::Acquire(std::chrono::milliseconds wait) {
  std::unique_lock lock(mu_);
  if (!cv_.wait_for(lock, wait, [&] { return !idle_.empty() || out_ < size_; }))
    return Status::Unavailable("all " + std::to_string(size_) + " database connections are busy; retry later");
  ++out_;
  if (!idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    if (c->Healthy()) return Lease(this, std::move(c));
  }
  lock.unlock();
  auto opened = Connection::Open(url_);
  if (!opened.ok()) {
    lock.lock();
    --out_;
    cv_.notify_one();
    return opened.status();
  }
  return Lease(this, std::move(opened).value());
}

void Pool::DropIdle() {
  std::vector<std::unique_ptr<Connection>> dropped;
  {
    std::lock_guard lock(mu_);
    dropped.swap(idle_);
  }
  cv_.notify_all();
}

void Pool::Release(std::unique_ptr<Connection> c) {
  std::lock_guard lock(mu_);
  --out_;
  if (c->Healthy()) idle_.push_back(std::move(c));
  cv_.notify_one();
}

Status InTransaction(Connection& c, const std::function<Status()>& work) {
  if (auto b = c.Exec("BEGIN"); !b.ok()) return b.status();
  Status s = work();
  if (s.ok()) {
    auto commit = c.Exec("COMMIT");
    if (commit.ok()) return Status::Ok();
    s = commit.status();
  }
  (void)c.Exec("ROLLBACK");
  return s;
}

}  // namespace provisiond::store::pg
