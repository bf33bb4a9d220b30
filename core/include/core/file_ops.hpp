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

// "<target>.tmp-<pid>": one name per process; it is written only under the target's LockFile,
// so two stores of one target in one process never write it at once.
std::filesystem::path temp_path_for(const std::filesystem::path& target);

// True when `file_name` is exactly what temp_path_for(target) gives for some process: the
// target's file name, ".tmp-", then one or more decimal digits, nothing else.
bool is_temp_name_for(const std::filesystem::path& target, std::string_view file_name);

struct TempCleanup {
    std::size_t removed = 0;
    std::vector<std::string> failures;  // "<path>: <reason>", one per file left in place
};

// Removes every temp file of `target` (is_temp_name_for, regular files only) from its
// directory through ops.unlink. Only safe while holding the target's LockFile: a writer's
// temp file exists only while it holds that lock, so every such file is a crash's leftover.
TempCleanup remove_temp_files(FileOps& ops, const std::filesystem::path& target);

// What tells one version of a file from another without reading it. A writer that replaces
// the file by rename gives it a new inode; one that edits it in place changes its size or
// mtime. (An inode can be reused by a later rename, and mtime ticks coarsely, which is why
// the writers also keep a generation in the lock file.)
struct FileIdentity {
    std::uint64_t dev = 0;
    std::uint64_t ino = 0;
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;

    bool operator==(const FileIdentity&) const = default;
};

// The identity of `path` (stat, following links); nullopt with an empty `ec` when it does
// not exist, nullopt with `ec` set when it cannot be examined.
std::optional<FileIdentity> identify_file(const std::filesystem::path& path, std::error_code& ec);

// The generation as the lock file holds it: 20 decimal digits and a newline, fixed width so
// that each write replaces the whole previous value without a truncate.
std::string generation_text(std::uint64_t generation);
// Reads what generation_text wrote, from the start of `text` (anything after its newline is
// ignored); nullopt for anything else: no newline within 21 bytes, no digits, a non-digit.
// Empty text is generation 0 (a fresh lock file).
std::optional<std::uint64_t> parse_generation(std::string_view text);

// "<target>.lock": the file every writer of `target`, in any process, locks (flock, exclusive)
// around each write of target, and where the writers count their writes (the generation).
// Not the target itself: target is replaced by rename, and a lock on the replaced inode would
// no longer exclude a writer that opens the new one; the lock file is never replaced. The
// kernel drops a flock when its holder dies, even by kill -9, so a crashed writer never
// blocks the others; the file itself stays, harmless and reused.
//
// flock locks belong to the open file description: two LockFile objects on one target
// exclude each other even within one process.
class LockFile {
  public:
    // Opens (creates) the lock file; does not lock. Throws std::system_error.
    explicit LockFile(const std::filesystem::path& target);
    ~LockFile();
    LockFile(const LockFile&) = delete;
    LockFile& operator=(const LockFile&) = delete;

    // Blocks until the lock is held (EINTR retried); throws std::system_error on failure.
    // With unlock(), a BasicLockable: std::unique_lock<LockFile> works.
    void lock();
    void unlock() noexcept;

    // The generation the writers keep: a decimal counter at the start of the file, bumped
    // (set_generation) by each writer, holding the lock, before it replaces the target.
    // nullopt when the file holds something else (then nobody can trust a remembered one).
    std::optional<std::uint64_t> generation() const;
    std::error_code set_generation(std::uint64_t generation);

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
