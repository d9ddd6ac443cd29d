// Launching and stopping the embedded daemons; see embedded_daemon.h.
#include "embedded_daemon.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <deque>
#include <fstream>
#include <thread>

#include "nswire/error.h"

extern char** environ;

namespace nswire::backend::daemon {

std::string find_binary(const std::string& name, const std::string& package) {
  for (const char* dir : {"/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin"}) {
    std::string p = std::string(dir) + "/" + name;
    if (access(p.c_str(), X_OK) == 0) return p;
  }
  throw Error(name + " not found; install Debian's " + package + " package (apt-get install " + package + ")");
}

std::string tail(const std::string& file, int lines) {
  std::ifstream f(file);
  std::deque<std::string> last;
  for (std::string line; std::getline(f, line);) {
    last.push_back(line);
    if (static_cast<int>(last.size()) > lines) last.pop_front();
  }
  std::string out;
  for (const auto& l : last) out += (out.empty() ? "" : " | ") + l;
  return out;
}

void run(const std::string& what, const std::vector<std::string>& argv, const std::vector<std::string>& env,
         const std::string& stderr_file) {
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e) envs.emplace_back(*e);
  envs.insert(envs.end(), env.begin(), env.end());
  std::vector<char*> args, envp;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (const auto& e : envs) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) throw Error(errno_message("fork", argv[0], errno));
  if (pid == 0) {
    int null = open("/dev/null", O_RDWR);
    int err = open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (null >= 0) {
      dup2(null, 0);
      dup2(null, 1);
    }
    if (err >= 0) dup2(err, 2);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::string said = tail(stderr_file);
  throw Error(what + ": " + argv[0] + " failed (exit " + std::to_string(code) + ")" + (said.empty() ? "" : ": " + said));
}

pid_t read_pid(const std::string& pidfile) {
  std::ifstream f(pidfile);
  long pid = 0;
  f >> pid;
  return pid > 0 ? static_cast<pid_t>(pid) : 0;
}

bool alive(pid_t pid) {
  if (pid <= 0 || (kill(pid, 0) != 0 && errno != EPERM)) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  auto close = line.rfind(')');  // the command name may hold spaces and parentheses
  return close == std::string::npos || close + 2 >= line.size() || line[close + 2] != 'Z';
}

void stop(pid_t pid, std::chrono::milliseconds grace) {
  if (!alive(pid)) return;
  kill(pid, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (alive(pid) && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (alive(pid)) kill(pid, SIGKILL);
}

}  // namespace nswire::backend::daemon
