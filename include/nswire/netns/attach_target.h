// What a lab may attach (`attach: { path: P }` or `{ pid: N }`, an existing namespace nswire joins
// but never deletes): a network namespace, and not the one nswire itself runs in nor the
// machine's init namespace — links to those are what `host:` endpoints are for, and they touch
// only the lab's own veth ends, where an attached namespace gets the lab's addresses, routes and
// sysctls. The decision is pure (library nswire_netns_rules: attach_target_problem of the facts);
// reading the facts from the machine is probe_namespace_file (library nswire_netns). The model's
// validator gets the two combined through ValidateOptions::attach_problem, so the model stays pure.
#pragma once

#include <string>

namespace nswire::netns {

// What the machine says about a path a lab wants to attach.
struct NamespaceFile {
  bool exists = false;      // stat() succeeded, or failed for another reason than ENOENT/ENOTDIR
  std::string error{};      // why stat() failed when it did (EACCES: another user namespace's process)
  bool nsfs = false;        // statfs() f_type is NSFS_MAGIC: a namespace file
  std::string kind{};       // when not nsfs: "a regular file", "a directory", "a FIFO", ...
  std::string ns_type{};    // when nsfs and known (NS_GET_NSTYPE): "network", "mount", ...
  bool is_own = false;      // the same namespace (st_dev, st_ino) as /proc/self/ns/net
  bool is_init = false;     // the same namespace as /proc/1/ns/net
  bool operator==(const NamespaceFile&) const = default;
};

// "" when the file can be attached; else what it is, phrased to follow its subject
// ("is a regular file, not a network namespace ..."). A file that does not exist is "" here:
// the validator says that itself.
std::string attach_target_problem(const NamespaceFile& file);

// stat/statfs of `path` (following /proc/PID/ns/net's magic link), its namespace type when it is
// a namespace file (opened only then: a FIFO is never opened), and its identity against
// /proc/self/ns/net and /proc/1/ns/net.
NamespaceFile probe_namespace_file(const std::string& path);

// attach_target_problem(probe_namespace_file(path)): what ValidateOptions::attach_problem is.
std::string attach_path_problem(const std::string& path);

}  // namespace nswire::netns
