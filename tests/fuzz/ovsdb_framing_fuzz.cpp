// libFuzzer target over everything that decodes bytes from an OVSDB peer: stream framing,
// JSON-RPC message decoding, datums, transact replies and monitor updates into a cache.
// Any outcome other than success or ovsdb::Error (a crash, a sanitizer report, another
// exception type escaping) is a bug. Build and run: see ovsdb/README.md.
#include "ovsdb/cache.h"
#include "ovsdb/error.h"
#include "ovsdb/framing.h"
#include "ovsdb/message.h"
#include "ovsdb/transaction.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

const ovsdb::Schema& schema() {
  static const ovsdb::Schema s = ovsdb::Schema::from_json(nlohmann::json::parse(R"({"name":"db","tables":{"T":{"columns":{
    "name":{"type":"string"},
    "tag":{"type":{"key":{"type":"integer","minInteger":0,"maxInteger":4095},"min":0,"max":1}},
    "set":{"type":{"key":"integer","min":0,"max":"unlimited"}},
    "map":{"type":{"key":"string","value":"string","min":0,"max":"unlimited"}}}}}})"));
  return s;
}

void decode(const nlohmann::json& j, ovsdb::TableCache& cache) {
  auto m = ovsdb::Message::from_json(j);
  if (m.type == ovsdb::Message::Type::Reply) {
    static const std::vector<ovsdb::Operation> ops = {ovsdb::op::insert("T", {}), ovsdb::op::select("T", {})};
    ovsdb::parse_transact_result("db", ops, m.result);
  } else if (m.type == ovsdb::Message::Type::Notification && m.params.size() >= 2) {
    if (m.method == "update2") {
      cache.apply_update2(m.params[1], schema());
    } else {
      cache.apply_update(m.params[1]);
    }
    for (const auto& p : m.params) {
      try {
        ovsdb::Datum::from_json(p).to_json();
      } catch (const ovsdb::Error&) {
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte chooses the read size, so message boundaries land anywhere in a read.
  std::size_t chunk = 1 + data[0] % 64;
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  ovsdb::Framer framer(4096);
  ovsdb::TableCache cache;
  try {
    for (std::size_t off = 0; off < bytes.size(); off += chunk) {
      framer.feed(bytes.substr(off, chunk));
      while (auto j = framer.next()) {
        try {
          decode(*j, cache);
        } catch (const ovsdb::Error&) {
          // A bad message is reported; the stream goes on (the session would close).
        }
      }
    }
  } catch (const ovsdb::Error&) {
  }
  return 0;
}
