// Formats ovsdb::Error's message from its three parts.
#include "ovsdb/error.h"

namespace ovsdb {
namespace {
std::string format(const std::string& operation, const std::string& error, const std::string& details) {
  std::string msg = operation;
  if (!error.empty()) msg += (msg.empty() ? "" : ": ") + error;
  if (!details.empty()) msg += (msg.empty() ? "" : ": ") + details;
  return msg;
}
}  // namespace

Error::Error(std::string operation, std::string error, std::string details)
    : std::runtime_error(format(operation, error, details)),
      operation_(std::move(operation)),
      error_(std::move(error)),
      details_(std::move(details)) {}

}  // namespace ovsdb
