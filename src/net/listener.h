// Listeners: bind, accept, count and cap connections (total and per TCP
// peer address: over either, a 503 and close, logged), detect TLS on a
// mode-2 port, and start the session. Beast stays in listener.cc; this
// header only forward-declares Asio.
// Thread rule: Bind/StartAccepting/Close on the accept context's thread
// (or before Run); ports() from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "base/status.h"
#include "net/server_state.h"

namespace boost::asio { class io_context; }

namespace provisiond::net {

class Listeners {
 public:
  // Binds every listener of st->options on `accept_context`; accepted
  // connections are spread round-robin over `contexts` (which, like
  // `accept_context`, must outlive this). Fails with an IoError naming the
  // address if a port is taken.
  static Result<std::unique_ptr<Listeners>> Bind(std::shared_ptr<ServerState> st,
                                                 boost::asio::io_context& accept_context,
                                                 std::vector<boost::asio::io_context*> contexts);
  ~Listeners();

  void StartAccepting();
  // Stops accepting; open connections are not touched.
  void Close();
  std::vector<uint16_t> ports() const;

  class Impl;
  explicit Listeners(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace provisiond::net
