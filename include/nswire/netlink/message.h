// Building rtnetlink requests: one Batch holds many requests back to back in one buffer (the
// way iproute2's `ip -batch` would send them, but in a single sendmsg), each remembering what
// it does to which object so that a failure can be reported precisely.
#pragma once

#include <linux/netlink.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nswire::netlink {

class Batch;

// One request being built inside a Batch: nlmsghdr + family header + attributes.
// Valid until the next Batch::add().
class Message {
 public:
  // Appends attributes. Strings are NUL-terminated (NLA_STRING/NUL_STRING both accept that).
  Message& put(uint16_t type, const void* data, size_t len);
  Message& put_u8(uint16_t type, uint8_t v) { return put(type, &v, sizeof v); }
  Message& put_u16(uint16_t type, uint16_t v) { return put(type, &v, sizeof v); }
  Message& put_u32(uint16_t type, uint32_t v) { return put(type, &v, sizeof v); }
  Message& put_s32(uint16_t type, int32_t v) { return put(type, &v, sizeof v); }
  Message& put_str(uint16_t type, std::string_view s);

  // A nested attribute that closes itself when it goes out of scope.
  class Nest {
   public:
    Nest(Message& m, uint16_t type);
    ~Nest();
    Nest(const Nest&) = delete;
    Nest& operator=(const Nest&) = delete;

   private:
    Message& msg_;
    size_t offset_;
  };
  Nest nest(uint16_t type) { return Nest(*this, type); }

  // The family-specific header that follows nlmsghdr (ifinfomsg, ifaddrmsg, rtmsg, ...).
  template <class T>
  T& header() {
    return *reinterpret_cast<T*>(bytes() + NLMSG_HDRLEN);
  }
  nlmsghdr& nlh() { return *reinterpret_cast<nlmsghdr*>(bytes()); }

 private:
  friend class Batch;
  Message(Batch& batch, size_t offset) : batch_(batch), offset_(offset) {}
  uint8_t* bytes();
  Batch& batch_;
  size_t offset_;
};

class Batch {
 public:
  // Starts a request of `type` with `flags` (NLM_F_REQUEST|NLM_F_ACK are always set) and a zeroed
  // family header of `header_len` bytes. `what` says what it does ("create veth", "add address")
  // and `object` to what ("veth0", "10.1.1.1/24 on veth0"); both appear in errors.
  Message add(uint16_t type, uint16_t flags, size_t header_len, std::string what, std::string object);

  template <class Header>
  Message add(uint16_t type, uint16_t flags, std::string what, std::string object) {
    return add(type, flags, sizeof(Header), std::move(what), std::move(object));
  }

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  void clear();

  struct Entry {
    size_t offset;  // of its nlmsghdr in buffer()
    std::string what;
    std::string object;
  };
  const std::vector<Entry>& entries() const { return entries_; }
  std::vector<uint8_t>& buffer() { return buf_; }
  const std::vector<uint8_t>& buffer() const { return buf_; }

 private:
  friend class Message;
  std::vector<uint8_t> buf_;
  std::vector<Entry> entries_;
};

}  // namespace nswire::netlink
