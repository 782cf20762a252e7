// HttpEndpoint on Boost.Beast and Boost.Asio: one io_context driven by one thread, an accept loop
// and one Session object per connection. Every handler runs on that thread, so the endpoint's
// state needs no locks; Stop() reaches it by posting to the io_context.
#include "service/http_endpoint.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <charconv>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "engine/strings.h"

namespace claimgraph::service {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";
constexpr std::string_view kTextContentType = "text/plain; charset=utf-8";
// After a failed accept (out of file descriptors, say), wait before the next one instead of
// spinning on the same error.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

Response TextResponse(http::status status, std::string_view content_type, std::string body) {
  Response response{status, 11};
  response.set(http::field::server, "claimgraphd");
  response.set(http::field::content_type,
               beast::string_view(content_type.data(), content_type.size()));
  response.body() = std::move(body);
  return response;
}

bool IsParseError(const error_code& error) {
  return error.category() == http::make_error_code(http::error::bad_target).category() &&
         error != http::error::end_of_stream && error != http::error::partial_message;
}

// Splits HOST:PORT; HOST may be bracketed ("[::1]:0").
bool SplitHostPort(const std::string& listen, std::string* host, uint16_t* port) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  *host = listen.substr(0, colon);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  std::string_view port_text(listen.data() + colon + 1, listen.size() - colon - 1);
  unsigned value = 0;
  auto result = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
  if (port_text.empty() || result.ec != std::errc() ||
      result.ptr != port_text.data() + port_text.size() || value > 65535) {
    return false;
  }
  *port = static_cast<uint16_t>(value);
  return !host->empty();
}

}  // namespace

class HttpEndpoint::Impl {
 public:
  explicit Impl(HttpEndpointOptions options)
      : options_(std::move(options)),
        acceptor_(io_),
        retry_timer_(io_),
        workers_(static_cast<size_t>(std::max(1, options_.route_threads))) {}

  absl::Status Bind();
  void Run() {
    Accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  void Stop();
  int port() const { return port_; }

  // Whether the endpoint answers the request itself (probes, metrics), on its own thread.
  static bool OwnPath(const Request& request);
  // What the endpoint answers to one request.
  Response Answer(const Request& request) const;
  // The answer of options_.routes for a path the endpoint does not serve itself.
  Response Route(const Request& request) const;

  const HttpEndpointOptions& options() const { return options_; }
  bool stopping() const { return stopping_; }
  asio::io_context& io() { return io_; }
  asio::thread_pool& workers() { return workers_; }

 private:
  class Session;
  void Accept();
  // At the connection cap: closes the connection that has waited longest for a request.
  void MakeRoom();

  HttpEndpointOptions options_;
  // Declared first so it is destroyed last: pending handlers hold sessions whose sockets
  // belong to it.
  asio::io_context io_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_timer_;
  // Routed requests (the API, the explorer) run here, so a slow query never holds up the
  // endpoint's thread and the probes it answers.
  asio::thread_pool workers_;
  std::thread thread_;
  int port_ = 0;
  std::once_flag stop_once_;
  // The rest is touched only on the endpoint's thread.
  bool stopping_ = false;
  std::vector<std::weak_ptr<Session>> sessions_;
};

// One connection: read a request, answer it, repeat while the client keeps the connection alive.
class HttpEndpoint::Impl::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Impl* owner, tcp::socket socket) : owner_(owner), stream_(std::move(socket)) {}

  void Read() {
    if (owner_->stopping()) return Close();
    waiting_since_ = std::chrono::steady_clock::now();
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(owner_->options().max_header_bytes));
    parser_->body_limit(owner_->options().max_body_bytes);
    stream_.expires_after(owner_->options().connection_timeout);
    reading_ = true;
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](error_code error, size_t) { self->OnRead(error); });
  }

  // Called by Stop: a connection waiting for a request is closed now; one writing a response
  // closes when the write completes.
  void CloseIfIdle() {
    if (reading_) Close();
  }

  // Whether it waits for (the rest of) a request, and since when.
  bool reading() const { return reading_; }
  std::chrono::steady_clock::time_point waiting_since() const { return waiting_since_; }

 private:
  void OnRead(error_code error) {
    reading_ = false;
    if (error == http::error::header_limit) {
      return Reply(TextResponse(http::status::request_header_fields_too_large, kTextContentType,
                                "request header too large\n"),
                   /*keep_alive=*/false);
    }
    if (error == http::error::body_limit) {
      return Reply(TextResponse(http::status::payload_too_large, kTextContentType,
                                "request body too large\n"),
                   /*keep_alive=*/false);
    }
    if (error && IsParseError(error)) {
      return Reply(TextResponse(http::status::bad_request, kTextContentType, "bad request\n"),
                   /*keep_alive=*/false);
    }
    // End of stream, timeout, reset or cancellation: nothing to answer.
    if (error) return Close();
    const Request& request = parser_->get();
    bool keep_alive = request.keep_alive();
    bool head = request.method() == http::verb::head;
    if (Impl::OwnPath(request) || !owner_->options().routes) {
      return Reply(owner_->Answer(request), keep_alive, head);
    }
    // The work guard keeps the io_context running until the answer is back on its thread.
    asio::post(owner_->workers(),
               [self = shared_from_this(), request = parser_->release(), keep_alive, head,
                guard = asio::make_work_guard(owner_->io())]() mutable {
                 Response response = self->owner_->Route(request);
                 asio::post(self->owner_->io(), [self, response = std::move(response), keep_alive,
                                                 head, guard = std::move(guard)]() mutable {
                   self->Reply(std::move(response), keep_alive, head);
                 });
               });
  }

  // `head`: the headers a GET would get (Content-Length included), without the body.
  void Reply(Response response, bool keep_alive, bool head = false) {
    response_ = std::move(response);
    response_.keep_alive(keep_alive && !owner_->stopping());
    response_.prepare_payload();
    if (head) response_.body().clear();
    stream_.expires_after(owner_->options().connection_timeout);
    http::async_write(stream_, response_, [self = shared_from_this()](error_code error, size_t) {
      self->OnWrite(error);
    });
  }

  void OnWrite(error_code error) {
    if (error || !response_.keep_alive()) return Close();
    Read();
  }

  void Close() {
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  Impl* owner_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Response response_;
  bool reading_ = false;
  std::chrono::steady_clock::time_point waiting_since_;
};

absl::Status HttpEndpoint::Impl::Bind() {
  std::string host;
  uint16_t port = 0;
  if (!SplitHostPort(options_.listen, &host, &port)) {
    return absl::InvalidArgumentError(
        StrCat("metrics listen address '", options_.listen, "': expected HOST:PORT"));
  }
  error_code error;
  tcp::resolver resolver(io_);
  auto endpoints = resolver.resolve(host, std::to_string(port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, error);
  if (error || endpoints.empty()) {
    return absl::InvalidArgumentError(StrCat("metrics listen address '", options_.listen,
                                             "': cannot resolve: ", error.message()));
  }
  tcp::endpoint endpoint = endpoints.begin()->endpoint();
  auto failed = [&](std::string_view what) {
    return absl::UnavailableError(
        StrCat("metrics listen address '", options_.listen, "': ", what, ": ", error.message()));
  };
  if (acceptor_.open(endpoint.protocol(), error)) return failed("open");
  if (acceptor_.set_option(asio::socket_base::reuse_address(true), error)) return failed("option");
  if (acceptor_.bind(endpoint, error)) return failed("bind");
  if (acceptor_.listen(asio::socket_base::max_listen_connections, error)) return failed("listen");
  port_ = acceptor_.local_endpoint(error).port();
  if (error) return failed("local address");
  return absl::OkStatus();
}

void HttpEndpoint::Impl::Accept() {
  acceptor_.async_accept([this](error_code error, tcp::socket socket) {
    if (stopping_ || error == asio::error::operation_aborted) return;
    if (error) {
      retry_timer_.expires_after(kAcceptRetryDelay);
      retry_timer_.async_wait([this](error_code wait_error) {
        if (!wait_error && !stopping_) Accept();
      });
      return;
    }
    std::erase_if(sessions_, [](const std::weak_ptr<Session>& s) { return s.expired(); });
    if (static_cast<int>(sessions_.size()) >= options_.max_connections) MakeRoom();
    if (static_cast<int>(sessions_.size()) >= options_.max_connections) {
      error_code ignored;
      socket.close(ignored);
    } else {
      auto session = std::make_shared<Session>(this, std::move(socket));
      sessions_.push_back(session);
      session->Read();
    }
    Accept();
  });
}

void HttpEndpoint::Impl::MakeRoom() {
  auto oldest = sessions_.end();
  for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
    auto session = it->lock();
    if (!session || !session->reading()) continue;
    if (oldest == sessions_.end() || session->waiting_since() < oldest->lock()->waiting_since()) {
      oldest = it;
    }
  }
  if (oldest == sessions_.end()) return;
  oldest->lock()->CloseIfIdle();
  sessions_.erase(oldest);
}

void HttpEndpoint::Impl::Stop() {
  std::call_once(stop_once_, [this] {
    asio::post(io_, [this] {
      stopping_ = true;
      error_code ignored;
      acceptor_.close(ignored);
      retry_timer_.cancel();
      for (auto& weak : sessions_) {
        if (auto session = weak.lock()) session->CloseIfIdle();
      }
    });
    // The io_context runs out of work once every connection has closed; writes in progress
    // are bounded by the connection timeout, routed requests by their call deadline.
    workers_.join();
    if (thread_.joinable()) thread_.join();
  });
}

Response HttpEndpoint::Impl::Route(const Request& request) const {
  std::optional<HttpRouteReply> reply;
  if (options_.routes) {
    try {
      reply = options_.routes({std::string(request.method_string()), std::string(request.target()),
                               std::string(request[http::field::authorization]), request.body()});
    } catch (const std::exception& e) {
      return TextResponse(http::status::internal_server_error, kTextContentType,
                          StrCat("internal error: ", e.what(), "\n"));
    }
  }
  if (!reply) return TextResponse(http::status::not_found, kTextContentType, "not found\n");
  Response response = TextResponse(http::status::ok, reply->content_type, std::move(reply->body));
  response.result(static_cast<unsigned>(reply->status));
  if (!reply->allow.empty()) response.set(http::field::allow, reply->allow);
  return response;
}

bool HttpEndpoint::Impl::OwnPath(const Request& request) {
  std::string_view target(request.target().data(), request.target().size());
  target = target.substr(0, target.find('?'));
  return target == "/metrics" || target == "/healthz" || target == "/readyz";
}

Response HttpEndpoint::Impl::Answer(const Request& request) const {
  std::string_view target(request.target().data(), request.target().size());
  target = target.substr(0, target.find('?'));
  enum class Path { kMetrics, kHealth, kReady };
  Path path;
  if (target == "/metrics") {
    path = Path::kMetrics;
  } else if (target == "/healthz") {
    path = Path::kHealth;
  } else if (target == "/readyz") {
    path = Path::kReady;
  } else {
    return Route(request);
  }
  if (request.method() != http::verb::get && request.method() != http::verb::head) {
    Response response =
        TextResponse(http::status::method_not_allowed, kTextContentType, "method not allowed\n");
    response.set(http::field::allow, "GET, HEAD");
    return response;
  }
  // The callbacks are the caller's code: a failure there answers 500 rather than ending the
  // endpoint's thread.
  try {
    switch (path) {
      case Path::kMetrics:
        return TextResponse(http::status::ok, kMetricsContentType,
                            options_.metrics ? options_.metrics() : std::string());
      case Path::kHealth:
        return TextResponse(http::status::ok, kTextContentType, "ok\n");
      case Path::kReady:
        switch (options_.ready ? options_.ready() : Readiness::kReady) {
          case Readiness::kReady:
            return TextResponse(http::status::ok, kTextContentType, "ready\n");
          case Readiness::kReadOnly:
            return TextResponse(http::status::ok, kTextContentType,
                                "read-only: reads are served, writes are refused (disk space)\n");
          case Readiness::kNotReady:
            break;
        }
        return TextResponse(http::status::service_unavailable, kTextContentType, "not ready\n");
    }
  } catch (const std::exception& e) {
    return TextResponse(http::status::internal_server_error, kTextContentType,
                        StrCat("internal error: ", e.what(), "\n"));
  }
  return TextResponse(http::status::internal_server_error, kTextContentType, "internal error\n");
}

HttpEndpoint::HttpEndpoint(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpEndpoint::~HttpEndpoint() { Stop(); }

absl::StatusOr<std::unique_ptr<HttpEndpoint>> HttpEndpoint::Start(HttpEndpointOptions options) {
  if (options.max_connections < 1) {
    return absl::InvalidArgumentError("metrics endpoint: max_connections must be at least 1");
  }
  auto impl = std::make_unique<Impl>(std::move(options));
  if (auto status = impl->Bind(); !status.ok()) return status;
  impl->Run();
  return std::unique_ptr<HttpEndpoint>(new HttpEndpoint(std::move(impl)));
}

int HttpEndpoint::port() const { return impl_->port(); }

void HttpEndpoint::Stop() { impl_->Stop(); }

}  // namespace claimgraph::service
