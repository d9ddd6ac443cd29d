// The one error type of the ovsdb library. It carries what we were doing (the operation),
// the server's "error" string (RFC 7047 section 3.1 / 4.1.4 error objects) and its "details",
// so a caller can report "transact Open_vSwitch op 3 (insert Port): constraint violation:
// ..." without digging through JSON.
#pragma once

#include <stdexcept>
#include <string>

namespace ovsdb {

class Error : public std::runtime_error {
 public:
  // operation: what the client was doing ("connect unix:/x", "transact Open_vSwitch op 2 (insert)").
  // error: the server's error tag, or a short client-side tag ("timeout", "protocol error").
  // details: human text (server "details", errno text, ...).
  Error(std::string operation, std::string error, std::string details = {});

  const std::string& operation() const noexcept { return operation_; }
  const std::string& error() const noexcept { return error_; }
  const std::string& details() const noexcept { return details_; }

 private:
  std::string operation_;
  std::string error_;
  std::string details_;
};

}  // namespace ovsdb
