// Network namespaces, compatible with iproute2's `ip netns`: a named namespace is a bind mount
// of /proc/self/ns/net onto /run/netns/NAME, so `ip netns list/exec` see ours and we see theirs.
// A Namespace is an open fd to a namespace; work runs inside it on the calling thread, which
// enters it (setns is per thread) and is moved back when the work is done.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "nswire/netns/rules.h"

namespace nswire::netns {


// Throws nswire::Error unless `name` is usable as a namespace name: non-empty, at most 255 bytes,
// no '/', no whitespace, not "." or "..", no "..".
void validate_name(std::string_view name);

class Namespace {
 public:
  Namespace() = default;
  ~Namespace();
  Namespace(Namespace&& other) noexcept;
  Namespace& operator=(Namespace&& other) noexcept;
  Namespace(const Namespace&) = delete;
  Namespace& operator=(const Namespace&) = delete;

  // The namespace the calling thread is in now.
  static Namespace current();
  // The namespace of a running process, through /proc/PID/ns/net (a container's, say).
  static Namespace of_pid(pid_t pid);
  // A namespace file: /run/netns/NAME, /proc/PID/ns/net, a container runtime's netns file.
  static Namespace open_path(const std::string& path);
  // /run/netns/NAME; throws when it does not exist.
  static Namespace open_named(const std::string& name);
  // `ip netns add NAME`: a new namespace bind-mounted at /run/netns/NAME, lo left as the
  // kernel made it. Throws when the name is invalid or already exists.
  static Namespace create(const std::string& name);

  int fd() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // The name it was opened by (empty for current/pid/path).
  const std::string& name() const { return name_; }
  // Identity of the namespace (st_dev, st_ino of its nsfs inode): equal means the same namespace.
  dev_t dev() const { return dev_; }
  ino_t inode() const { return ino_; }
  bool same_as(const Namespace& other) const { return dev_ == other.dev_ && ino_ == other.ino_; }

  // Another fd to the same namespace.
  Namespace dup() const;

 private:
  Namespace(int fd, std::string name);
  int fd_ = -1;
  std::string name_;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
};

// `ip netns delete NAME`: unmount and remove /run/netns/NAME. The namespace itself lives on
// while a process or fd still holds it. Throws when it does not exist.
void remove(const std::string& name);
bool exists(const std::string& name);
// A run killed between creating /run/netns/NAME and bind-mounting the namespace onto it
// leaves an empty placeholder file. Removes it when that is what NAME is; true if it did.
bool remove_stale(const std::string& name);
// Names under /run/netns, sorted.
std::vector<std::string> list();

// Runs fn with the calling thread inside `ns`, then moves the thread back to the namespace it was
// in, also when fn throws (the exception propagates). Sockets fn opens stay bound to `ns`.
// Other threads never move.
void run_in(const Namespace& ns, const std::function<void()>& fn);
// Runs fn with the calling thread inside a brand-new network namespace (unshare), then moves it
// back. The new namespace lives on only if fn keeps a reference to it (a bind mount, an fd).
void run_in_new(const std::function<void()>& fn);

// Writes resolv_conf_path(NAME) with resolv_conf_text (rules.h), atomically.
void write_resolv_conf(const std::string& name, const std::vector<std::string>& nameservers,
                       const std::vector<std::string>& search);
// Removes /etc/netns/NAME and what is in it; nothing when absent.
void remove_etc(const std::string& name);

// Like `ip netns exec NAME CMD...`: in a child process, enter the namespace, a private mount
// namespace with /sys remounted for it and /etc/netns/NAME/* bind-mounted over /etc/*, then
// execvp(argv). Returns the command's exit status (128+signal when killed).
int exec(const std::string& name, const std::vector<std::string>& argv);

}  // namespace nswire::netns
