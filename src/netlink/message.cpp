// Request building for rtnetlink batches; see include/nswire/netlink/message.h.
#include "nswire/netlink/message.h"

#include <cstring>

namespace nswire::netlink {

uint8_t* Message::bytes() { return batch_.buf_.data() + offset_; }

Message& Message::put(uint16_t type, const void* data, size_t len) {
  auto& buf = batch_.buf_;
  size_t at = buf.size();
  size_t total = NLA_ALIGN(NLA_HDRLEN + len);
  buf.resize(at + total, 0);
  auto* nla = reinterpret_cast<nlattr*>(buf.data() + at);
  nla->nla_type = type;
  nla->nla_len = static_cast<uint16_t>(NLA_HDRLEN + len);
  if (len) std::memcpy(buf.data() + at + NLA_HDRLEN, data, len);
  nlh().nlmsg_len = static_cast<uint32_t>(buf.size() - offset_);
  return *this;
}

Message& Message::put_str(uint16_t type, std::string_view s) {
  std::string z(s);
  return put(type, z.c_str(), z.size() + 1);
}

Message::Nest::Nest(Message& m, uint16_t type) : msg_(m), offset_(m.batch_.buf_.size()) {
  m.put(type | NLA_F_NESTED, nullptr, 0);
}

Message::Nest::~Nest() {
  auto& buf = msg_.batch_.buf_;
  reinterpret_cast<nlattr*>(buf.data() + offset_)->nla_len = static_cast<uint16_t>(buf.size() - offset_);
}

Message Batch::add(uint16_t type, uint16_t flags, size_t header_len, std::string what, std::string object) {
  size_t at = buf_.size();
  buf_.resize(at + NLMSG_HDRLEN + NLMSG_ALIGN(header_len), 0);
  auto* nlh = reinterpret_cast<nlmsghdr*>(buf_.data() + at);
  nlh->nlmsg_len = static_cast<uint32_t>(NLMSG_HDRLEN + NLMSG_ALIGN(header_len));
  nlh->nlmsg_type = type;
  nlh->nlmsg_flags = static_cast<uint16_t>(flags | NLM_F_REQUEST | NLM_F_ACK);
  entries_.push_back({at, std::move(what), std::move(object)});
  return Message(*this, at);
}

void Batch::clear() {
  buf_.clear();
  entries_.clear();
}

}  // namespace nswire::netlink
