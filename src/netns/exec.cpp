// `ip netns exec` semantics (iproute2 ip/ipnetns.c): enter the namespace, take a private mount
// namespace, remount /sys so it shows this namespace's devices, bind-mount /etc/netns/NAME/*
// over /etc/*, then exec. All of it happens in the child; the caller is untouched.
#include <dirent.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "nswire/error.h"
#include "nswire/netns/namespace.h"

namespace nswire::netns {
namespace {

[[noreturn]] void die(const char* what, const std::string& object) {
  std::fprintf(stderr, "nswire exec: %s: %s: %s\n", what, object.c_str(), std::strerror(errno));
  _exit(126);
}

void bind_etc(const std::string& name) {
  std::string dir = std::string(kNetnsEtcDir) + "/" + name;
  DIR* d = opendir(dir.c_str());
  if (!d) return;  // nothing to overlay
  while (dirent* e = readdir(d)) {
    std::string entry = e->d_name;
    if (entry == "." || entry == ".." || entry.ends_with(kWritingSuffix)) continue;
    std::string from = dir + "/" + entry, to = "/etc/" + entry;
    if (mount(from.c_str(), to.c_str(), "none", MS_BIND, nullptr) != 0)
      std::fprintf(stderr, "nswire exec: bind %s -> %s failed: %s\n", from.c_str(), to.c_str(), std::strerror(errno));
  }
  closedir(d);
}

}  // namespace

int exec(const std::string& name, const std::vector<std::string>& argv) {
  if (argv.empty()) throw Error("exec in namespace \"" + name + "\": no command given");
  Namespace ns = Namespace::open_named(name);
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid < 0) throw Error(errno_message("fork for exec in namespace", name, errno));
  if (pid == 0) {
    if (setns(ns.fd(), CLONE_NEWNET) != 0) die("setns", name);
    if (unshare(CLONE_NEWNS) != 0) die("unshare mount namespace", name);
    if (mount("", "/", "none", MS_SLAVE | MS_REC, nullptr) != 0) die("make / a slave mount", name);
    umount2("/sys", MNT_DETACH);
    if (mount(name.c_str(), "/sys", "sysfs", 0, nullptr) != 0) die("mount /sys", name);
    bind_etc(name);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    std::fprintf(stderr, "nswire exec: %s: %s\n", argv[0].c_str(), std::strerror(errno));
    _exit(errno == ENOENT ? 127 : 126);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw Error(errno_message("wait for command in namespace", name, errno));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace nswire::netns
