// Request bodies for HttpSession (included by http_session.h, not on its
// own): a body read whole into memory for routes that declare one (up to
// the route's limit: 413 over it); a streamed body for upload routes, fed
// to the route's sink in chunks of kSinkChunk after the access check, with
// a minimum rate (ServerOptions::upload_min_rate); and the lingering close
// that drains an unread body after the answer, kLingerChunk at a time.
#pragma once

#include "net/http_session.h"

namespace provisiond::net {

// Answers "Expect: 100-continue" (the client waits for it before sending
// the body), then reads on.
template <class Derived>
template <class Next>
void HttpSession<Derived>::ContinueThen(Next next) {
  if (!expect_continue_) return next();
  auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
  Lowest().expires_after(st_->options.write_timeout);
  http::async_write(Stream(), *cont, [self = Self(), cont, next](error_code e, size_t) {
    if (e) return self->Fail(e, "write 100-continue");
    next();
  });
}

template <class Derived>
void HttpSession<Derived>::ReadBody() {
  Lowest().expires_after(st_->options.body_timeout);
  http::async_read(Stream(), buffer_, *parser_, [self = Self()](error_code ec, size_t) {
    if (!self->BodyReadOk(ec)) return;
    self->Dispatch();
  });
}

// False (and the connection answered or closed) when a body read failed.
template <class Derived>
bool HttpSession<Derived>::BodyReadOk(error_code ec) {
  if (ec == http::error::need_buffer) ec = {};  // sink buffer full: not an error
  if (!ec) return true;
  if (ec == http::error::body_limit) {
    SendError(413, "request body exceeds the limit of " + std::to_string(BodyLimit()) + " bytes");
  } else if (ec == beast::error::timeout) {
    Fail(ec, "body read");  // the stream's expiry closed the socket
  } else if (!IsBenign(ec) && ec != http::error::partial_message) {  // partial: the client left
    SendError(400, "malformed request body: " + ec.message());
  }
  return false;
}

template <class Derived>
uint64_t HttpSession<Derived>::BodyLimit() const {
  return route_ && route_->options.max_body_bytes ? route_->options.max_body_bytes : st_->options.max_body_bytes;
}

// A streaming route (uploads): the access check (OnHeader) and the sink come first,
// so a refused or impossible upload is answered before its body is read;
// the body then goes to the sink in chunks, never whole into memory.
template <class Derived>
void HttpSession<Derived>::AdmitStreaming() {
  OffThread([self = Self()] { return self->st_->router->OpenSink(*self->request_, *self->route_); },
            [self = Self()](std::optional<api::Response> refused) {
              if (refused) return self->SendRefusal(std::move(*refused));
              self->sink_parser_.emplace(std::move(*self->parser_));
              self->sink_parser_->body_limit(self->BodyLimit());
              self->sink_buffer_.resize(kSinkChunk);
              self->sink_fill_ = 0;
              if (self->sink_parser_->is_done()) return self->FlushSink();
              self->ContinueThen([self] {
                self->StartRateGuard();
                self->ReadSinkChunk();
              });
            });
}

// Answered before the whole body arrived (a refusal, a 413, a route that
// takes no body): the request's header was parsed, its body was not all read.
template <class Derived>
bool HttpSession<Derived>::BodyUnread() const {
  if (sink_parser_) return !sink_parser_->is_done();
  return parser_ && parser_->is_header_done() && !parser_->is_done();
}

// Refused before its body was read: the unread body leaves the connection
// unusable for another request.
template <class Derived>
void HttpSession<Derived>::SendRefusal(api::Response res) {
  keep_alive_ = false;
  Send(std::move(res));
}

template <class Derived>
void HttpSession<Derived>::ReadSinkChunk() {
  auto& body = sink_parser_->get().body();
  body.data = sink_buffer_.data() + sink_fill_;
  body.size = sink_buffer_.size() - sink_fill_;
  body.more = true;
  Lowest().expires_after(st_->options.body_timeout);
  http::async_read_some(Stream(), buffer_, *sink_parser_, [self = Self()](error_code ec, size_t) {
    if (!self->BodyReadOk(ec)) return;
    size_t fill = self->sink_buffer_.size() - self->sink_parser_->get().body().size;
    self->window_bytes_ += fill - self->sink_fill_;
    self->sink_fill_ = fill;
    if (self->sink_parser_->is_done() || self->sink_fill_ == self->sink_buffer_.size()) return self->FlushSink();
    self->ReadSinkChunk();
  });
}

// Hands the buffered chunk to the sink (on the pool: it writes to disk),
// then reads on, or runs the route once the body is complete.
template <class Derived>
void HttpSession<Derived>::FlushSink() {
  std::string_view chunk(sink_buffer_.data(), sink_fill_);
  sink_flushing_ = true;
  OffThread(
      [self = Self(), chunk] { return chunk.empty() ? Status::Ok() : self->st_->router->Feed(*self->request_, chunk); },
      [self = Self()](Status appended) {
        self->sink_flushing_ = false;
        self->sink_fill_ = 0;
        if (!appended.ok()) return self->SendRefusal(api::ToProblem(appended));
        if (!self->sink_parser_->is_done()) return self->ReadSinkChunk();
        self->rate_timer_.reset();
        self->OffThread([self] { return self->st_->router->Run(*self->request_, *self->route_); },
                        [self](api::Response res) { self->Send(std::move(res)); });
      });
}

// The minimum upload rate: every window, the body bytes received in it
// must reach upload_min_rate x window, else the connection is closed and
// the session's end destroys the sink (which removes its temp file). The
// body timeout alone would let one byte every few minutes hold on forever.
template <class Derived>
void HttpSession<Derived>::StartRateGuard() {
  if (st_->options.upload_min_rate == 0 || st_->options.upload_rate_window.count() <= 0) return;
  window_bytes_ = 0;
  rate_timer_.emplace(Stream().get_executor());
  rate_timer_->expires_after(st_->options.upload_rate_window);
  rate_timer_->async_wait([weak = std::weak_ptr<Derived>(Self())](error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->CheckRate();
  });
}

template <class Derived>
void HttpSession<Derived>::CheckRate() {
  if (!sink_parser_ || sink_parser_->is_done() || !rate_timer_) return;
  auto window_ms = static_cast<uint64_t>(st_->options.upload_rate_window.count());
  uint64_t wanted = st_->options.upload_min_rate * window_ms / 1000;
  // A chunk on its way to disk is our slowness, not the client's.
  if (sink_flushing_ || window_bytes_ >= wanted) return StartRateGuard();
  LogWarning("upload slower than content.upload_min_rate, closing",
             {{"request_id", RequestId()}, {"client", conn_.peer_address},
              {"bytes_in_window", std::to_string(window_bytes_)},
              {"window_ms", std::to_string(window_ms)},
              {"min_rate", std::to_string(st_->options.upload_min_rate)}});
  CloseNow();  // the pending read ends; the sink goes with the session
}

// A client may still be sending the body of a request we refused (a 413, a
// 409 for an upload without Expect: 100-continue) or never read (a route
// without a body). Closing with unread data makes the kernel send a reset,
// which can destroy our answer before the client reads it. So, as nginx
// does: stop sending, read and drop input until the client closes, pauses
// for kLingerIdle, or kLingerTotal.
template <class Derived>
void HttpSession<Derived>::LingeringClose() {
  derived().StopSending();
  linger_until_ = std::chrono::steady_clock::now() + kLingerTotal;
  DiscardInput();
}

template <class Derived>
void HttpSession<Derived>::DiscardInput() {
  auto left = linger_until_ - std::chrono::steady_clock::now();
  if (left <= std::chrono::steady_clock::duration::zero()) return CloseNow();
  Lowest().expires_after(std::min<std::chrono::steady_clock::duration>(left, kLingerIdle));
  chunk_.resize(kLingerChunk);
  Stream().async_read_some(asio::buffer(chunk_), [self = Self()](error_code ec, size_t) {
    if (ec) return self->CloseNow();  // the client closed, or it paused too long
    self->DiscardInput();
  });
}

}  // namespace provisiond::net
