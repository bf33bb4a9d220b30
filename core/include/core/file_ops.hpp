#pragma once
// The file operations behind every durable write, behind an interface so that tests can
// fail any one of them (the n-th call of a kind) and prove each error path.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace core {

enum class FileOp : std::uint8_t { open, write, fsync, close, rename, fsync_dir, unlink };
inline constexpr std::size_t file_op_count = 7;

std::string_view to_string(FileOp op);

// Each call returns an empty error_code on success, or the errno-style cause.
class FileOps {
  public:
    virtual ~FileOps() = default;

    // Creates or truncates `path` for writing (mode 0644 before umask); sets `fd`.
    virtual std::error_code open(const std::filesystem::path& path, int& fd) = 0;
    // Writes all of `data` (short writes and EINTR are retried inside).
    virtual std::error_code write(int fd, std::string_view data) = 0;
    virtual std::error_code fsync(int fd) = 0;
    virtual std::error_code close(int fd) = 0;
    virtual std::error_code rename(const std::filesystem::path& from,
                                   const std::filesystem::path& to) = 0;
    // Makes a rename in `dir` durable.
    virtual std::error_code fsync_dir(const std::filesystem::path& dir) = 0;
    virtual std::error_code unlink(const std::filesystem::path& path) = 0;
};

class PosixFileOps final : public FileOps {
  public:
    std::error_code open(const std::filesystem::path& path, int& fd) override;
    std::error_code write(int fd, std::string_view data) override;
    std::error_code fsync(int fd) override;
    std::error_code close(int fd) override;
    std::error_code rename(const std::filesystem::path& from,
                           const std::filesystem::path& to) override;
    std::error_code fsync_dir(const std::filesystem::path& dir) override;
    std::error_code unlink(const std::filesystem::path& path) override;
};

struct WriteError {
    FileOp op = FileOp::open;
    std::error_code code;
    // The target had already been replaced when the error happened (fsync_dir failed): the
    // new contents may or may not survive a crash.
    bool replaced = false;
    // Set when removing the temp file failed too.
    std::error_code cleanup;

    // "write failed: No space left on device"
    std::string message() const;
};

// "<target>.tmp-<pid>": one writer per file per process.
std::filesystem::path temp_path_for(const std::filesystem::path& target);

// True when `file_name` is exactly what temp_path_for(target) gives for some process: the
// target's file name, ".tmp-", then one or more decimal digits, nothing else.
bool is_temp_name_for(const std::filesystem::path& target, std::string_view file_name);

struct TempCleanup {
    std::size_t removed = 0;
    std::vector<std::string> failures;  // "<path>: <reason>", one per file left in place
};

// Removes every temp file of `target` (is_temp_name_for, regular files only) from its
// directory through ops.unlink. Only safe while holding the target's WriterLock: then no
// live writer of this target exists, so every such file is the leftover of a crash.
TempCleanup remove_temp_files(FileOps& ops, const std::filesystem::path& target);

// An exclusive advisory lock (flock) on "<target>.lock", held while the object lives, so
// that one target has at most one writer across all processes. The kernel drops the lock
// when the holder dies, even by kill -9; the lock file itself stays, harmless and reused.
class WriterLock {
  public:
    // Throws std::system_error when the lock is held elsewhere (errc::resource_unavailable_
    // try_again; the message names the holder's pid when known) or cannot be taken.
    explicit WriterLock(const std::filesystem::path& target);
    ~WriterLock();
    WriterLock(const WriterLock&) = delete;
    WriterLock& operator=(const WriterLock&) = delete;

    static std::filesystem::path path_for(const std::filesystem::path& target);

  private:
    int fd_ = -1;
};

// Replaces `target` with `contents` so that a crash leaves either the old or the new file,
// never a mix: write the temp file, fsync, close, rename over target, fsync the directory.
// On failure before the rename, target is untouched and the temp file removed.
[[nodiscard]] std::optional<WriteError> write_file_atomically(FileOps& ops,
                                                              const std::filesystem::path& target,
                                                              std::string_view contents);

}  // namespace core
