// State records and lab locks; see include/nswire/reconcile/record.h.
#include "nswire/reconcile/record.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "nswire/error.h"

namespace nswire::reconcile {
namespace fs = std::filesystem;
namespace {

std::string path_of(const std::string& lab, const char* ext) { return std::string(kLabsDir) + "/" + lab + ext; }

void ensure_dir() {
  std::error_code ec;
  fs::create_directories(kLabsDir, ec);
  if (ec) throw Error("create " + std::string(kLabsDir) + ": " + ec.message());
}

}  // namespace

std::optional<StateRecord> load_record(const std::string& lab) {
  std::ifstream f(path_of(lab, ".json"));
  if (!f) return std::nullopt;
  nlohmann::json j;
  try {
    f >> j;
    StateRecord r;
    r.lab = j.at("lab").get<std::string>();
    r.file = j.value("file", "");
    r.namespaces = j.value("namespaces", std::vector<std::string>{});
    r.attached = j.value("attached", std::map<std::string, std::string>{});
    r.bridges = j.value("bridges", std::map<std::string, std::string>{});
    r.backends = j.value("backends", std::vector<std::string>{});
    r.backend = j.value("backend", "");
    r.ovsdb = j.value("ovsdb", "");
    r.settings = j.value("settings", std::map<std::string, BackendSettings>{});
    r.since = j.value("since", 0LL);
    r.updated = j.value("updated", 0LL);
    r.host = j.value("host", "");
    return r;
  } catch (const std::exception& e) {
    throw Error("state record " + path_of(lab, ".json") + " is unreadable: " + e.what() +
                "; remove it only after checking what the lab left behind");
  }
}

void save_record(const StateRecord& r) {
  ensure_dir();
  nlohmann::json j{{"lab", r.lab},           {"file", r.file},         {"namespaces", r.namespaces},
                   {"attached", r.attached}, {"bridges", r.bridges}, {"backends", r.backends},
                   {"backend", r.backend},   {"ovsdb", r.ovsdb},     {"settings", r.settings},
                   {"since", r.since},       {"updated", r.updated}};
  if (!r.host.empty()) j["host"] = r.host;  // a lab across hosts: which one this machine is
  std::string path = path_of(r.lab, ".json"), tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    f << j.dump(2) << "\n";
    if (!f) throw Error("write " + tmp + ": " + std::strerror(errno));
  }
  fs::rename(tmp, path);
}

void remove_record(const std::string& lab) {
  std::error_code ec;
  fs::remove(path_of(lab, ".json"), ec);
}

std::vector<std::string> recorded_labs() {
  std::vector<std::string> labs;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(kLabsDir, ec))
    if (e.path().extension() == ".json") labs.push_back(e.path().stem().string());
  return labs;
}

bool lab_busy(const std::string& lab) {
  int fd = open(path_of(lab, ".lock").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool busy = flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  close(fd);  // releases the shared lock, if taken
  return busy;
}

void remove_lock_file(const std::string& lab) {
  std::error_code ec;
  fs::remove(path_of(lab, ".lock"), ec);
  fs::remove(kLabsDir, ec);  // only when empty
}

LabLock::LabLock(const std::string& lab, bool wait) {
  ensure_dir();
  std::string path = path_of(lab, ".lock");
  fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) throw Error(errno_message("open lock", path, errno));
  if (flock(fd_, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
    int err = errno;
    close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK) throw Error("lab \"" + lab + "\" is busy: another nswire run holds its lock (" + path + ")");
    throw Error(errno_message("lock", path, err));
  }
}

LabLock::~LabLock() {
  if (fd_ >= 0) close(fd_);
}

}  // namespace nswire::reconcile
