// Starting and stopping Debian's daemons the way nswire's embedded engines do: find a binary
// (naming the Debian package when it is missing), run a daemon's own launcher (--detach) with
// stdout to /dev/null and stderr kept in a file for the error message, read its pidfile, tell a
// live daemon from an exited one (a zombie not yet reaped counts as gone), stop it by pid.
// The OVN engine and the embedded Open vSwitch (src/backend/ovs/embedded.cpp) use it; both pass
// -vconsole:off, so their daemons log only to their --log-file.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace nswire::backend::daemon {

// The path of `name` under the usual sbin/bin directories; throws nswire::Error saying which
// Debian package installs it (`package`) when it is not there.
std::string find_binary(const std::string& name, const std::string& package);

// Runs argv (a launcher that detaches its daemon) with `env` added to the environment and waits
// for it. Its stderr goes to `stderr_file`; on a non-zero exit, throws nswire::Error with
// `what`, the exit status and the last lines of that file.
void run(const std::string& what, const std::vector<std::string>& argv, const std::vector<std::string>& env,
         const std::string& stderr_file);

pid_t read_pid(const std::string& pidfile);  // 0 when absent or unreadable
bool alive(pid_t pid);
// SIGTERM, then SIGKILL after `grace`; returns at once when pid is not alive.
void stop(pid_t pid, std::chrono::milliseconds grace = std::chrono::milliseconds(2000));

// The last `lines` lines of a file (for messages), "" when unreadable.
std::string tail(const std::string& file, int lines = 5);

}  // namespace nswire::backend::daemon
