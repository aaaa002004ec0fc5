// web-client: a small Beast client that checks a running web-server over
// real TCP, for web-server's CTest checks (check_web_server.sh).
//
//   web-client PORT routes   every route and error case on ONE kept-alive
//                            connection (the server must not drop it)
//   web-client PORT limits   413 for a large body, 431 for a large header,
//                            400 for bytes that are not HTTP; each closes
//   web-client PORT idle     a silent connection is closed by the server
//
// Prints one line per check; exits 0 when all held, 1 on the first that
// did not (naming it), 2 on a usage error.

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "checksum.hpp"

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

struct failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void require(bool holds, const std::string& what) {
  if (!holds) {
    throw failure(what);
  }
  std::printf("ok   %s\n", what.c_str());
}

class connection {
 public:
  connection(asio::io_context& io, unsigned short port) : socket_(io) {
    socket_.connect({asio::ip::make_address_v4("127.0.0.1"), port});
  }

  http::response<http::string_body> send(http::verb method, const std::string& target,
                                         const std::string& body = {},
                                         const std::string& checksum = {}) {
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.keep_alive(true);
    if (!checksum.empty()) {
      req.set(web::checksum_field, checksum);
    }
    req.body() = body;
    req.prepare_payload();
    http::write(socket_, req);
    return receive();
  }

  void send_raw(const std::string& bytes) { asio::write(socket_, asio::buffer(bytes)); }

  http::response<http::string_body> receive() {
    http::response<http::string_body> res;
    http::read(socket_, buffer_, res);
    const std::string location(res[http::field::location]);
    require(
        res[web::checksum_field] == web::response_checksum(res.result_int(), location, res.body()),
        "  the answer's X-Checksum matches");
    return res;
  }

  // True when the server has closed its side (the next read sees eof).
  bool closed_by_server() {
    boost::system::error_code ec;
    char byte = 0;
    asio::read(socket_, asio::buffer(&byte, 1), ec);
    return ec == asio::error::eof || ec == asio::error::connection_reset;
  }

 private:
  tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

std::string error_of(const http::response<http::string_body>& res) {
  const boost::json::value v = boost::json::parse(res.body());
  return std::string(v.at("error").as_string());
}

void expect_error(const http::response<http::string_body>& res, unsigned status,
                  const std::string& what) {
  require(res.result_int() == status && !error_of(res).empty(),
          what + " -> " + std::to_string(status) + " with a JSON error (" + res.body() + ")");
}

void routes(asio::io_context& io, unsigned short port) {
  connection c(io, port);
  auto res = c.send(http::verb::get, "/health");
  require(res.result_int() == 200, "GET /health -> 200 " + res.body());
  res = c.send(http::verb::post, "/items", R"({"name":"washers","quantity":40})");
  require(res.result_int() == 201, "POST /items -> 201 " + res.body());
  const boost::json::value created = boost::json::parse(res.body());
  const std::uint64_t id = created.at("id").to_number<std::uint64_t>();
  const std::string path = "/items/" + std::to_string(id);
  require(res[http::field::location] == path, "  Location: " + path);
  require(created.at("name").as_string() == "washers" && created.at("quantity").as_int64() == 40,
          "  the body is the item with its id");
  res = c.send(http::verb::get, path);
  require(res.result_int() == 200 && res.body() == boost::json::serialize(created),
          "GET " + path + " -> 200, the same item");
  res = c.send(http::verb::put, path, R"({"name":"washers","quantity":41})");
  require(res.result_int() == 200, "PUT " + path + " -> 200 " + res.body());
  res = c.send(http::verb::get, path);
  require(boost::json::parse(res.body()).at("quantity").as_int64() == 41, "  GET reads the update");
  expect_error(c.send(http::verb::put, path, R"({"name":"washers"})"), 400, "PUT without quantity");
  res = c.send(http::verb::delete_, path);
  require(res.result_int() == 204 && res.body().empty(), "DELETE " + path + " -> 204, no body");
  expect_error(c.send(http::verb::get, path), 404, "GET of a deleted item");
  expect_error(c.send(http::verb::delete_, path), 404, "DELETE of a deleted item");
  expect_error(c.send(http::verb::put, path, R"({"name":"x","quantity":1})"), 404,
               "PUT of a deleted item (a PUT never creates)");
  expect_error(c.send(http::verb::post, "/items", "{\"name\": "), 400, "POST of bad JSON");
  expect_error(c.send(http::verb::post, "/items", R"(["name"])"), 400, "POST of a JSON array");
  expect_error(c.send(http::verb::post, "/items", R"({"name":5,"quantity":1})"), 400,
               "POST with a number for name");
  expect_error(c.send(http::verb::post, "/items", R"({"name":"x","quantity":1.5})"), 400,
               "POST with a fraction for quantity");
  expect_error(c.send(http::verb::post, "/items", R"({"name":"x","quantity":1,"colour":"red"})"),
               400, "POST with an unknown field");
  expect_error(c.send(http::verb::get, "/nothing-here"), 404, "GET of an unknown path");
  expect_error(c.send(http::verb::get, "/items/abc"), 404, "GET /items/abc");
  res = c.send(http::verb::patch, "/items");
  expect_error(res, 405, "PATCH /items");
  require(res[http::field::allow] == "POST", "  Allow: POST");
  res = c.send(http::verb::delete_, "/health");
  expect_error(res, 405, "DELETE /health");
  require(res[http::field::allow] == "GET", "  Allow: GET");
  expect_error(
      c.send(http::verb::post, "/items", R"({"name":"x","quantity":1})", "0000000000000000"), 400,
      "POST with a wrong X-Checksum");
  const std::string good = R"({"name":"nuts","quantity":7})";
  res = c.send(http::verb::post, "/items", good, web::request_checksum("POST", "/items", good));
  require(res.result_int() == 201, "POST with a right X-Checksum -> 201");
  // A server that had closed the connection would have failed a send above.
  require(true, "one kept-alive connection served every request above");
}

void limits(asio::io_context& io, unsigned short port) {
  {
    connection c(io, port);
    const std::string big = R"({"name":")" + std::string(20 * 1024, 'a') + R"(","quantity":1})";
    expect_error(c.send(http::verb::post, "/items", big), 413, "a 20 KiB body");
    require(c.closed_by_server(), "  the server closed the connection");
  }
  {
    connection c(io, port);
    c.send_raw("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(10 * 1024, 'b') +
               "\r\n\r\n");
    expect_error(c.receive(), 431, "a 10 KiB header");
    require(c.closed_by_server(), "  the server closed the connection");
  }
  {
    connection c(io, port);
    c.send_raw("this is not HTTP\r\n\r\n");
    expect_error(c.receive(), 400, "bytes that are not HTTP");
    require(c.closed_by_server(), "  the server closed the connection");
  }
}

void idle(asio::io_context& io, unsigned short port) {
  connection c(io, port);
  const auto start = std::chrono::steady_clock::now();
  require(c.closed_by_server(), "a silent connection is closed by the server");
  const auto waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
  std::printf("     after %.2f s\n", waited.count());
}

}  // namespace

int main(int argc, char** argv) {
  const std::string usage = "usage: web-client PORT routes|limits|idle";
  if (argc != 3) {
    std::fprintf(stderr, "web-client: expected 2 arguments; %s\n", usage.c_str());
    return 2;
  }
  unsigned long port = 0;
  try {
    port = std::stoul(argv[1]);
  } catch (const std::exception&) {
    port = 0;
  }
  if (port == 0 || port > 65535) {
    std::fprintf(stderr, "web-client: PORT must be 1 to 65535, not '%s'\n", argv[1]);
    return 2;
  }
  const std::string scenario = argv[2];
  asio::io_context io;
  try {
    if (scenario == "routes") {
      routes(io, static_cast<unsigned short>(port));
    } else if (scenario == "limits") {
      limits(io, static_cast<unsigned short>(port));
    } else if (scenario == "idle") {
      idle(io, static_cast<unsigned short>(port));
    } else {
      std::fprintf(stderr, "web-client: unknown scenario '%s'; %s\n", scenario.c_str(),
                   usage.c_str());
      return 2;
    }
  } catch (const std::exception& e) {
    std::printf("FAIL %s\n", e.what());
    return 1;
  }
  return 0;
}
