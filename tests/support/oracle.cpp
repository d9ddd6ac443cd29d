// Oracles for integration tests; see oracle.h.
#include "oracle.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace nswire::test {
namespace {

std::string join(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) s += (s.empty() ? "" : " ") + a;
  return s;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

CommandResult run(const std::vector<std::string>& argv) {
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe: " + std::string(strerror(errno)));
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork: " + std::string(strerror(errno)));
  if (pid == 0) {
    dup2(out[1], 1);
    dup2(err[1], 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  CommandResult r;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? r.out : r.err).append(buf, n);
      }
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

CommandResult sh(const std::string& command_line) { return run({"/bin/sh", "-c", command_line}); }

nlohmann::json run_json(const std::vector<std::string>& argv) {
  auto r = run(argv);
  if (r.exit_code != 0)
    throw std::runtime_error(join(argv) + " exited " + std::to_string(r.exit_code) + ": " + r.err);
  if (trim(r.out).empty()) return nlohmann::json::array();
  return nlohmann::json::parse(r.out);
}

nlohmann::json ip_json(const std::string& netns, const std::vector<std::string>& args) {
  std::vector<std::string> argv{"ip"};
  if (!netns.empty()) argv.insert(argv.end(), {"-n", netns});
  argv.push_back("-j");
  argv.insert(argv.end(), args.begin(), args.end());
  return run_json(argv);
}

std::optional<nlohmann::json> ip_link(const std::string& netns, const std::string& name) {
  std::vector<std::string> argv{"ip"};
  if (!netns.empty()) argv.insert(argv.end(), {"-n", netns});
  argv.insert(argv.end(), {"-j", "-d", "link", "show", "dev", name});
  auto r = run(argv);
  if (r.exit_code != 0) return std::nullopt;
  auto j = nlohmann::json::parse(r.out);
  if (!j.is_array() || j.empty()) return std::nullopt;
  return j[0];
}

std::vector<std::string> ip_addresses(const std::string& netns, const std::string& name) {
  std::vector<std::string> result;
  for (const auto& link : ip_json(netns, {"addr", "show", "dev", name, "scope", "global"}))
    for (const auto& a : link.value("addr_info", nlohmann::json::array()))
      if (a.contains("local"))  // iproute2 ends the list with an empty object
        result.push_back(a["local"].get<std::string>() + "/" + std::to_string(a["prefixlen"].get<int>()));
  return result;
}

std::vector<std::string> netns_list() {
  std::vector<std::string> names;
  auto r = run({"ip", "-j", "netns", "list"});
  if (r.exit_code != 0 || trim(r.out).empty()) return names;
  for (const auto& n : nlohmann::json::parse(r.out)) names.push_back(n["name"].get<std::string>());
  return names;
}

nlohmann::json bridge_links(const std::string& netns) {
  std::vector<std::string> argv{"bridge"};
  if (!netns.empty()) argv.insert(argv.end(), {"-n", netns});
  argv.insert(argv.end(), {"-j", "link", "show"});
  return run_json(argv);
}

nlohmann::json ovs_rows(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"ovs-vsctl", "--format=json"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto table = run_json(argv);
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& data : table["data"]) {
    nlohmann::json row = nlohmann::json::object();
    for (size_t i = 0; i < table["headings"].size(); ++i) row[table["headings"][i].get<std::string>()] = data[i];
    rows.push_back(row);
  }
  return rows;
}

std::string ovs_vsctl(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"ovs-vsctl"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run(argv);
  if (r.exit_code != 0) throw std::runtime_error(join(argv) + " exited " + std::to_string(r.exit_code) + ": " + r.err);
  return trim(r.out);
}

bool ping(const std::string& netns, const std::string& address, int timeout_s) {
  std::vector<std::string> argv;
  if (!netns.empty()) argv = {"ip", "netns", "exec", netns};
  argv.insert(argv.end(), {"ping", "-c", "1", "-i", "0.2", "-w", std::to_string(timeout_s), "-q", address});
  return run(argv).exit_code == 0;
}

}  // namespace nswire::test
