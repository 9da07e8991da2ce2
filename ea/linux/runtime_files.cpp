// The fake runtime's files: real files in $MQL5_FILES, with MQL5's semantics
// where the EA depends on them (docs/mt5.md 2): FileFindFirst matches with a
// wildcard and returns names in directory order, not sorted; FileMove refuses
// to replace an existing file without FILE_REWRITE; FileFlush reaches the disk.
//
// FileOpen keeps Windows' sharing rules as MT5 applies them: a file opened
// without FILE_SHARE_READ or FILE_SHARE_WRITE is exclusive, so any other
// open of it (this program's, another EA's, another process's) fails until
// it is closed or its process ends. flock(2) stands in: an exclusive open
// takes LOCK_EX, a shared one LOCK_SH, neither waits. Python's filelock
// takes the same flock on Linux, so the paper terminal's guard and the
// EA's conflict here as they do on Windows (ea/README.md).
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>

#include "runtime.hpp"

using runtime::g_folder;
using runtime::g_last_error;

namespace {

std::map<int, FILE *> g_files;
std::map<long, std::pair<std::vector<std::string>, std::size_t>> g_searches;
int g_next_handle = 1;
long g_next_search = 1;

std::string path_of(const string &name) { return g_folder + "/" + name.utf8(); }

bool exists(const std::string &path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0;
}

FILE *file_of(int handle) {
  auto found = g_files.find(handle);
  return found == g_files.end() ? nullptr : found->second;
}

}  // namespace

// --- files ----------------------------------------------------------------------------------------
long FileFindFirst(const string &filter, string &returned_filename, int common_flag) {
  (void)common_flag;
  std::vector<std::string> names;
  if (DIR *dir = ::opendir(g_folder.c_str())) {
    std::string pattern = filter.utf8();
    while (dirent *entry = ::readdir(dir)) {
      if (::fnmatch(pattern.c_str(), entry->d_name, 0) == 0) names.push_back(entry->d_name);
    }
    ::closedir(dir);
  }
  if (names.empty()) {
    g_last_error = 5019;  // ERR_FILE_NOT_EXIST
    return INVALID_HANDLE;
  }
  long handle = g_next_search++;
  g_searches[handle] = {names, 1};
  returned_filename = string(names[0].c_str());
  return handle;
}
bool FileFindNext(long search_handle, string &returned_filename) {
  auto &search = g_searches.at(search_handle);
  if (search.second >= search.first.size()) return false;
  returned_filename = string(search.first[search.second++].c_str());
  return true;
}
void FileFindClose(long search_handle) { g_searches.erase(search_handle); }

int FileOpen(const string &file_name, int open_flags, short delimiter, uint codepage) {
  (void)delimiter;
  (void)codepage;
  std::string path = path_of(file_name);
  bool write = open_flags & FILE_WRITE, read = open_flags & FILE_READ;
  int flags = write && read ? O_RDWR | O_CREAT : write ? O_WRONLY | O_CREAT : O_RDONLY;
  // Not O_TRUNC: a file held by someone else must not be emptied by an open
  // that then fails; the truncation comes once the lock is ours.
  int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
  bool shared = open_flags & (FILE_SHARE_READ | FILE_SHARE_WRITE);
  if (fd >= 0 && ::flock(fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0) {
    ::close(fd);
    fd = -1;
  }
  if (fd >= 0 && write && !read && ::ftruncate(fd, 0) != 0) {
    ::close(fd);
    fd = -1;
  }
  FILE *file = fd >= 0 ? ::fdopen(fd, write && read ? "r+b" : write ? "wb" : "rb") : nullptr;
  if (!file) {
    if (fd >= 0) ::close(fd);
    g_last_error = 5004;  // ERR_CANNOT_OPEN_FILE
    return INVALID_HANDLE;
  }
  g_files[g_next_handle] = file;
  return g_next_handle++;
}
void FileClose(int file_handle) {
  if (FILE *file = file_of(file_handle)) std::fclose(file);
  g_files.erase(file_handle);
}
ulong FileSize(int file_handle) {
  struct stat info;
  FILE *file = file_of(file_handle);
  if (!file || ::fstat(::fileno(file), &info) != 0) return 0;
  return static_cast<ulong>(info.st_size);
}
uint FileReadArray(int file_handle, MqlArray<uchar> &array, int start, int count) {
  FILE *file = file_of(file_handle);
  if (!file) return 0;
  std::size_t at = static_cast<std::size_t>(start);
  std::size_t want = count < 0 ? FileSize(file_handle) : static_cast<std::size_t>(count);
  if (array.v.size() < at + want) array.v.resize(at + want);
  return static_cast<uint>(std::fread(array.v.data() + at, 1, want, file));
}
uint FileWriteArray(int file_handle, const MqlArray<uchar> &array, int start, int count) {
  FILE *file = file_of(file_handle);
  if (!file) return 0;
  std::size_t at = static_cast<std::size_t>(start);
  std::size_t size = count < 0 ? array.v.size() - at : static_cast<std::size_t>(count);
  return static_cast<uint>(std::fwrite(array.v.data() + at, 1, size, file));
}
bool FileSeek(int file_handle, long offset, ENUM_FILE_POSITION origin) {
  FILE *file = file_of(file_handle);
  int whence = origin == SEEK_SET ? 0 : origin == SEEK_CUR ? 1 : 2;
  return file && std::fseek(file, offset, whence) == 0;
}
void FileFlush(int file_handle) {
  if (FILE *file = file_of(file_handle)) {
    std::fflush(file);
    ::fsync(::fileno(file));
  }
}
bool FileMove(const string &src_file_name, int common_flag, const string &dst_file_name,
              int mode_flags) {
  (void)common_flag;
  std::string from = path_of(src_file_name), to = path_of(dst_file_name);
  if (!exists(from) || (!(mode_flags & FILE_REWRITE) && exists(to))) {
    g_last_error = 5019;
    return false;
  }
  return std::rename(from.c_str(), to.c_str()) == 0;
}
bool FileDelete(const string &file_name, int common_flag) {
  (void)common_flag;
  return std::remove(path_of(file_name).c_str()) == 0;
}
bool FileIsExist(const string &file_name, int common_flag) {
  (void)common_flag;
  return exists(path_of(file_name));
}
