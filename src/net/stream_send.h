// Streaming bodies (api::StreamBody, Server-Sent Events) for HttpSession
// (included by http_session.h). The producer writes from any thread through
// a sink that posts each piece to the session's executor; the session
// writes them in order, sends the body's heartbeat when idle, watches the
// socket for the client leaving (one pending read: an SSE client never
// sends), and ends the stream on the server's stop so draining is not held
// up. A client more than kStreamBacklog bytes behind is disconnected.
#pragma once

#include <atomic>

#include "net/http_session.h"

namespace provisiond::net {

inline constexpr size_t kStreamBacklog = 1024 * 1024;

template <class Derived>
class SessionStreamSink : public api::StreamSink {
 public:
  explicit SessionStreamSink(std::weak_ptr<Derived> session, asio::any_io_executor ex)
      : session_(std::move(session)), ex_(std::move(ex)) {}
  bool Write(std::string text) override {
    if (closed_.load(std::memory_order_acquire)) return false;
    auto s = session_.lock();
    if (!s) return false;
    asio::post(ex_, [s, text = std::move(text)]() mutable { s->QueueStream(std::move(text)); });
    return true;
  }
  void Close() override {
    if (closed_.exchange(true)) return;
    if (auto s = session_.lock()) asio::post(ex_, [s] { s->EndStream(); });
  }
  void MarkClosed() { closed_.store(true, std::memory_order_release); }

 private:
  std::weak_ptr<Derived> session_;
  asio::any_io_executor ex_;
  std::atomic<bool> closed_{false};
};

template <class Derived>
void HttpSession<Derived>::StartStream() {
  streaming_ = true;
  stream_sink_ = std::make_shared<SessionStreamSink<Derived>>(Self(), Stream().get_executor());
  stream_timer_.emplace(Stream().get_executor());
  Lowest().expires_never();
  ArmHeartbeat();
  // The client leaving (FIN/RST) completes this read; so would stray bytes.
  Stream().async_read_some(asio::buffer(stream_probe_), [self = Self()](error_code, size_t) { self->EndStream(); });
  response_->stream->Open(stream_sink_);
  if (st_->stopping.load()) EndStream();
}

template <class Derived>
void HttpSession<Derived>::ArmHeartbeat() {
  stream_timer_->expires_after(response_->stream->heartbeat_interval);
  stream_timer_->async_wait([self = Self()](error_code ec) {
    if (ec || self->stream_ended_) return;
    if (self->stream_queue_.empty()) self->QueueStream(self->response_->stream->heartbeat);
    self->ArmHeartbeat();
  });
}

template <class Derived>
void HttpSession<Derived>::QueueStream(std::string text) {
  if (stream_ended_ || text.empty()) return;
  stream_backlog_ += text.size();
  if (stream_backlog_ > kStreamBacklog) {
    LogWarning("event stream client too slow: disconnected", {{"client", conn_.peer_address}});
    return EndStream();
  }
  stream_queue_.push_back(std::move(text));
  if (!stream_writing_) WriteNextStream();
}

template <class Derived>
void HttpSession<Derived>::WriteNextStream() {
  stream_writing_ = true;
  Lowest().expires_after(st_->options.write_timeout);
  asio::async_write(Stream(), asio::buffer(stream_queue_.front()), [self = Self()](error_code ec, size_t n) {
    self->stream_writing_ = false;
    if (self->stream_ended_) return;
    self->Lowest().expires_never();
    self->bytes_sent_ += n;
    self->stream_backlog_ -= self->stream_queue_.front().size();
    self->stream_queue_.pop_front();
    if (ec) return self->EndStream();
    if (!self->stream_queue_.empty()) self->WriteNextStream();
  });
}

template <class Derived>
void HttpSession<Derived>::EndStream() {
  if (stream_ended_ || !streaming_) return;
  stream_ended_ = true;
  stream_sink_->MarkClosed();
  stream_timer_->cancel();
  response_->stream->Closed();
  LogAccess();
  RecordMetrics();
  CloseNow();  // SSE clients reconnect; no close_notify dance mid-stream
}

}  // namespace provisiond::net
