// Raw TCP for the end-to-end tests, for what an HTTP client library will
// not send: a body larger than announced, chunked bodies without end, a
// foreign Host header, a connection to an address a server must not
// listen on. Loopback only in practice; the address is the caller's.
#ifndef PALABRE_TESTS_CLI_RAW_SOCKET_UTIL_H_
#define PALABRE_TESTS_CLI_RAW_SOCKET_UTIL_H_

#include <string>

namespace palabre::testing {

// A connected TCP socket to `address`:`port` (IPv4 dotted), or -1 if the
// connection is refused. The caller closes it.
int ConnectTcp(const char* address, int port);

// Sends as much of `data` as the peer takes; false once it stops taking
// (reset or closed).
bool SendAll(int fd, const std::string& data);

// Reads until the peer closes, a whole JSON reply (headers and a closing
// brace) has come, or `ms` pass without data.
std::string ReadReply(int fd, int ms = 5000);

}  // namespace palabre::testing

#endif  // PALABRE_TESTS_CLI_RAW_SOCKET_UTIL_H_
