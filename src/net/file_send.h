// File bodies for HttpSession (included by http_session.h): the portable
// copy path (pread kFileChunk, write, repeat; TLS uses it) and, for
// plaintext, the zero-copy sendfile loop with its per-turn byte budget and
// its own write timeout. At most kFileChunk bytes of a file in memory per
// connection.
#pragma once

#include "net/http_session.h"
#include "platform/sendfile.h"

namespace provisiond::net {

inline constexpr size_t kFileChunk = 256 * 1024;  // copy path (TLS): one read + write
// Zero-copy path: bytes one connection may send before letting the others on
// its thread run (nginx's sendfile_max_chunk default too). Measured with
// bench/content_bench.sh on loopback: 8 MiB turns made one download 0.8-0.9x
// nginx (the receiver falls behind a sender that never pauses); 1-2 MiB gave
// 1.0-1.4x, and 2 MiB kept 64 concurrent downloads at 1.05-1.1x.
inline constexpr uint64_t kSendTurnBytes = 2 * 1024 * 1024;

// Portable file streaming: pread into a buffer, write, repeat.
template <class Derived>
void HttpSession<Derived>::SendFileByCopy() {
  if (file_remaining_ == 0) return Finish();
  size_t n = static_cast<size_t>(std::min<uint64_t>(file_remaining_, kFileChunk));
  chunk_.resize(n);
  long got = platform::ReadAt(response_->file->fd, chunk_.data(), n, file_offset_);
  if (got <= 0) return Fail(asio::error::eof, "file read");
  Lowest().expires_after(st_->options.write_timeout);
  asio::async_write(Stream(), asio::buffer(chunk_.data(), static_cast<size_t>(got)),
                    [self = Self()](error_code ec, size_t w) {
                      if (ec) return self->Fail(ec, "write file");
                      self->file_offset_ += w;
                      self->file_remaining_ -= w;
                      self->bytes_sent_ += w;
                      self->body_sent_ += w;
                      self->SendFileByCopy();
                    });
}

// Zero-copy: the kernel moves file pages to the socket. Sends until the
// socket buffer is full (then waits for writability) or until a turn's byte
// budget is spent (then posts itself, so other connections on this thread
// get their turn). Posting is cheap; waiting for writability after every
// chunk cost ~20% throughput. `Session` is a plaintext HttpSession exposing
// its fields to this loop (PlainSession).
template <class Session>
class ZeroCopySender {
 public:
  static void Send(const std::shared_ptr<Session>& self) {
    auto& sock = self->stream().socket();
    error_code ec;
    if (!sock.non_blocking()) sock.non_blocking(true, ec);  // one ioctl, not one per turn
    uint64_t budget = kSendTurnBytes;
    while (self->file_remaining_ > 0) {
      if (budget == 0) return asio::post(self->stream().get_executor(), [self] { Send(self); });
      auto r = platform::SendFile(sock.native_handle(), self->response_->file->fd, self->file_offset_,
                                  std::min(self->file_remaining_, budget));
      if (r.error) return self->Fail(error_code(r.error, boost::system::system_category()), "sendfile");
      self->file_offset_ += r.sent;
      self->file_remaining_ -= r.sent;
      self->bytes_sent_ += r.sent;
      self->body_sent_ += r.sent;
      budget -= r.sent;
      if (r.would_block) return WaitWritable(self);
    }
    self->Finish();
  }

 private:
  // Resumes Send() once the socket takes more. The stream's expiry covers
  // only its own read/write operations, not a bare async_wait, so the write
  // timeout is a timer of our own: a client that stops reading is closed
  // instead of holding the connection forever.
  static void WaitWritable(const std::shared_ptr<Session>& self) {
    self->timer_->expires_after(self->st_->options.write_timeout);
    self->timer_->async_wait([weak = std::weak_ptr<Session>(self)](error_code ec) {
      if (ec) return;
      auto s = weak.lock();
      // A stale expiry (the wait finished and a new one was armed) is not a timeout.
      if (s && s->timer_->expiry() <= std::chrono::steady_clock::now()) {
        LogWarning("client took no data within the write timeout, closing",
                   {{"client", s->conn_.peer_address},
                    {"write_timeout_ms", std::to_string(s->st_->options.write_timeout.count())}});
        error_code ignored;
        s->stream().socket().cancel(ignored);
      }
    });
    self->stream().socket().async_wait(tcp::socket::wait_write, [self](error_code e) {
      self->timer_->cancel();
      if (e) return self->Fail(e, "sendfile wait");
      Send(self);
    });
  }
};

}  // namespace provisiond::net
