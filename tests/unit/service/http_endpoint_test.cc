// HttpEndpoint tests: a real endpoint on 127.0.0.1:0, fetched with a plain socket client.
#include "service/http_endpoint.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "doctest/doctest.h"

namespace claimgraph::service {
namespace {

// A blocking TCP client for one connection to 127.0.0.1:port. Every receive gives up after 10 s
// so a broken endpoint fails the test instead of hanging it.
class Client {
 public:
  explicit Client(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    timeval timeout{10, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~Client() { close(fd_); }

  bool connected() const { return connected_; }
  void Send(const std::string& bytes) {
    REQUIRE(send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(bytes.size()));
  }
  // Everything until the server closes the connection (or an error).
  std::string ReadToEnd() {
    std::string out;
    char buffer[4096];
    for (;;) {
      ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
      if (n <= 0) break;
      out.append(buffer, static_cast<size_t>(n));
    }
    return out;
  }
  // One response on a kept-alive connection: headers, then Content-Length bytes of body.
  std::string ReadResponse() {
    std::string out;
    char c;
    while (out.find("\r\n\r\n") == std::string::npos && recv(fd_, &c, 1, 0) == 1) out += c;
    auto length_at = out.find("Content-Length: ");
    if (length_at == std::string::npos) return out;
    size_t length = std::stoul(out.substr(length_at + 16));
    std::string body(length, '\0');
    size_t got = 0;
    while (got < length) {
      ssize_t n = recv(fd_, body.data() + got, length - got, 0);
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    return out + body.substr(0, got);
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

struct Reply {
  int status = 0;
  std::string headers;
  std::string body;
};

Reply Parse(const std::string& raw) {
  Reply reply;
  if (raw.rfind("HTTP/1.1 ", 0) == 0) reply.status = std::stoi(raw.substr(9, 3));
  auto end = raw.find("\r\n\r\n");
  if (end != std::string::npos) {
    reply.headers = raw.substr(0, end);
    reply.body = raw.substr(end + 4);
  }
  return reply;
}

Reply Fetch(int port, const std::string& method, const std::string& path) {
  Client client(port);
  REQUIRE(client.connected());
  client.Send(method + " " + path + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
  return Parse(client.ReadToEnd());
}

std::unique_ptr<HttpEndpoint> StartEndpoint(HttpEndpointOptions options) {
  options.listen = "127.0.0.1:0";
  auto endpoint = HttpEndpoint::Start(std::move(options));
  REQUIRE(endpoint.ok());
  REQUIRE((*endpoint)->port() > 0);
  return std::move(*endpoint);
}

TEST_CASE("http endpoint serves metrics, healthz and readyz") {
  std::atomic<Readiness> ready{Readiness::kNotReady};
  std::atomic<int> scrapes{0};
  HttpEndpointOptions options;
  options.metrics = [&] {
    ++scrapes;
    return std::string("# TYPE up gauge\nup 1\n");
  };
  options.ready = [&] { return ready.load(); };
  auto endpoint = StartEndpoint(options);
  int port = endpoint->port();

  Reply metrics = Fetch(port, "GET", "/metrics");
  CHECK(metrics.status == 200);
  CHECK(metrics.body == "# TYPE up gauge\nup 1\n");
  CHECK(metrics.headers.find("Content-Type: text/plain; version=0.0.4") != std::string::npos);
  CHECK(scrapes.load() == 1);
  // A query string does not change the path.
  CHECK(Fetch(port, "GET", "/metrics?name=up").status == 200);

  Reply health = Fetch(port, "GET", "/healthz");
  CHECK(health.status == 200);
  CHECK(health.body == "ok\n");

  Reply not_ready = Fetch(port, "GET", "/readyz");
  CHECK(not_ready.status == 503);
  CHECK(not_ready.body == "not ready\n");
  ready = Readiness::kReady;
  Reply is_ready = Fetch(port, "GET", "/readyz");
  CHECK(is_ready.status == 200);
  CHECK(is_ready.body == "ready\n");
  ready = Readiness::kReadOnly;
  Reply read_only = Fetch(port, "GET", "/readyz");
  CHECK(read_only.status == 200);
  CHECK(read_only.body.rfind("read-only", 0) == 0);

  endpoint->Stop();
}

TEST_CASE("http endpoint answers 404 for unknown paths, 405 for other methods, HEAD like GET") {
  auto endpoint = StartEndpoint({});
  int port = endpoint->port();
  CHECK(Fetch(port, "GET", "/").status == 404);
  CHECK(Fetch(port, "GET", "/metrics/extra").status == 404);
  CHECK(Fetch(port, "POST", "/nothing").status == 404);
  Reply post = Fetch(port, "POST", "/metrics");
  CHECK(post.status == 405);
  CHECK(post.headers.find("Allow: GET, HEAD") != std::string::npos);
  CHECK(Fetch(port, "DELETE", "/healthz").status == 405);
  Reply head = Fetch(port, "HEAD", "/healthz");
  CHECK(head.status == 200);
  CHECK(head.headers.find("Content-Length: 3") != std::string::npos);
  CHECK(head.body.empty());
  CHECK(Fetch(port, "HEAD", "/readyz").status == 200);
  // Without a metrics provider /metrics is empty, and without a readiness callback it is ready.
  Reply metrics = Fetch(port, "GET", "/metrics");
  CHECK(metrics.status == 200);
  CHECK(metrics.body.empty());
  CHECK(Fetch(port, "GET", "/readyz").status == 200);
}

TEST_CASE("http endpoint: routed HEAD gets the reply's headers without its body; Allow passes") {
  HttpEndpointOptions options;
  options.routes = [](const HttpRouteRequest& request) -> std::optional<HttpRouteReply> {
    if (request.target == "/page") {
      return HttpRouteReply{200, "text/html; charset=utf-8", "<p>" + request.method + "</p>", ""};
    }
    if (request.target == "/fixed") {
      return HttpRouteReply{405, "text/plain; charset=utf-8", "no\n", "GET, HEAD"};
    }
    return std::nullopt;
  };
  auto endpoint = StartEndpoint(std::move(options));
  int port = endpoint->port();
  Reply get = Fetch(port, "GET", "/page");
  CHECK(get.status == 200);
  CHECK(get.body == "<p>GET</p>");
  // The route sees HEAD (so it may answer it as GET); the client gets the headers only, with
  // the length of the body the route answered.
  Reply head = Fetch(port, "HEAD", "/page");
  CHECK(head.status == 200);
  CHECK(head.headers.find("Content-Type: text/html; charset=utf-8") != std::string::npos);
  CHECK(head.headers.find("Content-Length: 11") != std::string::npos);
  CHECK(head.body.empty());
  Reply refused = Fetch(port, "POST", "/fixed");
  CHECK(refused.status == 405);
  CHECK(refused.headers.find("Allow: GET, HEAD") != std::string::npos);
  CHECK(Fetch(port, "HEAD", "/nothing").status == 404);
}

TEST_CASE("http endpoint keeps a connection alive across requests") {
  auto endpoint = StartEndpoint({});
  Client client(endpoint->port());
  REQUIRE(client.connected());
  for (const char* path : {"/healthz", "/readyz", "/missing"}) {
    client.Send(std::string("GET ") + path + " HTTP/1.1\r\nHost: test\r\n\r\n");
    Reply reply = Parse(client.ReadResponse());
    CHECK(reply.status == (std::string(path) == "/missing" ? 404 : 200));
  }
}

TEST_CASE("http endpoint bounds request size and rejects malformed requests") {
  HttpEndpointOptions options;
  options.max_header_bytes = 512;
  options.max_body_bytes = 16;
  auto endpoint = StartEndpoint(options);
  int port = endpoint->port();
  {
    Client client(port);
    REQUIRE(client.connected());
    client.Send("GET /healthz HTTP/1.1\r\nHost: test\r\nX-Padding: " + std::string(2048, 'a') +
                "\r\n\r\n");
    CHECK(Parse(client.ReadToEnd()).status == 431);
  }
  {
    Client client(port);
    REQUIRE(client.connected());
    client.Send("POST /metrics HTTP/1.1\r\nHost: test\r\nContent-Length: 1000\r\n\r\n" +
                std::string(1000, 'b'));
    CHECK(Parse(client.ReadToEnd()).status == 413);
  }
  {
    Client client(port);
    REQUIRE(client.connected());
    client.Send("NOT HTTP AT ALL\r\n\r\n");
    CHECK(Parse(client.ReadToEnd()).status == 400);
  }
  // The endpoint still serves after all of that.
  CHECK(Fetch(port, "GET", "/healthz").status == 200);
}

TEST_CASE("http endpoint closes idle connections after the timeout") {
  HttpEndpointOptions options;
  options.connection_timeout = std::chrono::milliseconds(200);
  auto endpoint = StartEndpoint(options);
  Client client(endpoint->port());
  REQUIRE(client.connected());
  // Sends nothing: the server closes the connection without a response.
  CHECK(client.ReadToEnd().empty());
  CHECK(Fetch(endpoint->port(), "GET", "/healthz").status == 200);
}

TEST_CASE("http endpoint at its connection cap closes the longest-idle connection for a new one") {
  HttpEndpointOptions options;
  options.max_connections = 2;
  auto endpoint = StartEndpoint(options);
  Client first(endpoint->port());
  REQUIRE(first.connected());
  // A full exchange guarantees the endpoint has taken each connection as a session.
  first.Send("GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n");
  CHECK(Parse(first.ReadResponse()).status == 200);
  Client second(endpoint->port());
  REQUIRE(second.connected());
  second.Send("GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n");
  CHECK(Parse(second.ReadResponse()).status == 200);
  // A third connection is served; the first, idle longest, was closed to make room.
  CHECK(Fetch(endpoint->port(), "GET", "/healthz").status == 200);
  CHECK(first.ReadToEnd().empty());
  second.Send("GET /readyz HTTP/1.1\r\nHost: test\r\n\r\n");
  CHECK(Parse(second.ReadResponse()).status == 200);
}

TEST_CASE("http endpoint answers probes while 100 idle connections are held open") {
  auto endpoint = StartEndpoint({});  // the default cap of 64
  std::vector<std::unique_ptr<Client>> idle;
  for (int i = 0; i < 100; ++i) idle.push_back(std::make_unique<Client>(endpoint->port()));
  for (int i = 0; i < 10; ++i) {
    CHECK(Fetch(endpoint->port(), "GET", "/healthz").status == 200);
    CHECK(Fetch(endpoint->port(), "HEAD", "/readyz").status == 200);
  }
}

TEST_CASE("http endpoint answers 500 when a callback throws") {
  HttpEndpointOptions options;
  options.metrics = []() -> std::string { throw std::runtime_error("no numbers"); };
  auto endpoint = StartEndpoint(options);
  Reply reply = Fetch(endpoint->port(), "GET", "/metrics");
  CHECK(reply.status == 500);
  CHECK(reply.body.find("no numbers") != std::string::npos);
  CHECK(Fetch(endpoint->port(), "GET", "/healthz").status == 200);
}

TEST_CASE("http endpoint stop closes idle connections and the port") {
  auto endpoint = StartEndpoint({});
  int port = endpoint->port();
  Client idle(port);
  REQUIRE(idle.connected());
  idle.Send("GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n");
  CHECK(Parse(idle.ReadResponse()).status == 200);
  endpoint->Stop();
  // The kept-alive connection was closed by Stop, and nothing listens any more.
  CHECK(idle.ReadToEnd().empty());
  Client after(port);
  CHECK_FALSE(after.connected());
  endpoint->Stop();  // idempotent
}

TEST_CASE("http endpoint rejects bad listen addresses") {
  for (const char* listen :
       {"", "127.0.0.1", "127.0.0.1:", "127.0.0.1:70000", ":80", "127.0.0.1:12ab", "[::1]"}) {
    CAPTURE(listen);
    HttpEndpointOptions options;
    options.listen = listen;
    auto endpoint = HttpEndpoint::Start(options);
    CHECK(endpoint.status().code() == absl::StatusCode::kInvalidArgument);
  }
  // A port in use is Unavailable.
  auto first = StartEndpoint({});
  HttpEndpointOptions options;
  options.listen = "127.0.0.1:" + std::to_string(first->port());
  CHECK(HttpEndpoint::Start(options).status().code() == absl::StatusCode::kUnavailable);
}

TEST_CASE("http endpoint binds bracketed IPv6 loopback when available") {
  HttpEndpointOptions options;
  options.listen = "[::1]:0";
  auto endpoint = HttpEndpoint::Start(options);
  // Machines without IPv6 fail to bind; the address itself must parse.
  if (!endpoint.ok()) CHECK(endpoint.status().code() == absl::StatusCode::kUnavailable);
  if (endpoint.ok()) CHECK((*endpoint)->port() > 0);
}

}  // namespace
}  // namespace claimgraph::service
