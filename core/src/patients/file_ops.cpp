#include "core/file_ops.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <string>

#include "common/enum_names.hpp"

namespace core {

namespace {

std::error_code last_error() {
    return {errno, std::generic_category()};
}

// The names error messages give each step ("fsync failed").
constexpr common::EnumNames<FileOp, file_op_count> kOpNames{{
    {FileOp::open, "open"},
    {FileOp::write, "write"},
    {FileOp::fsync, "fsync"},
    {FileOp::close, "close"},
    {FileOp::rename, "rename"},
    {FileOp::fsync_dir, "fsync_dir"},
    {FileOp::unlink, "unlink"},
}};

}  // namespace

std::string_view to_string(FileOp op) {
    return common::enum_name(kOpNames, op);
}

std::error_code PosixFileOps::open(const std::filesystem::path& path, int& fd) {
    do {
        fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    } while (fd < 0 && errno == EINTR);
    return fd < 0 ? last_error() : std::error_code{};
}

std::error_code PosixFileOps::write(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return last_error();
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
}

std::error_code PosixFileOps::fsync(int fd) {
    return ::fsync(fd) < 0 ? last_error() : std::error_code{};
}

std::error_code PosixFileOps::close(int fd) {
    // Never retried on EINTR: on Linux the descriptor is released regardless.
    return ::close(fd) < 0 ? last_error() : std::error_code{};
}

std::error_code PosixFileOps::rename(const std::filesystem::path& from,
                                     const std::filesystem::path& to) {
    return std::rename(from.c_str(), to.c_str()) < 0 ? last_error() : std::error_code{};
}

std::error_code PosixFileOps::fsync_dir(const std::filesystem::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return last_error();
    std::error_code ec;
    if (::fsync(fd) < 0) ec = last_error();
    ::close(fd);
    return ec;
}

std::error_code PosixFileOps::unlink(const std::filesystem::path& path) {
    return ::unlink(path.c_str()) < 0 ? last_error() : std::error_code{};
}

std::string WriteError::message() const {
    std::string m = std::string(to_string(op)) + " failed: " + code.message();
    if (cleanup) m += " (removing the temp file also failed: " + cleanup.message() + ")";
    return m;
}

std::filesystem::path temp_path_for(const std::filesystem::path& target) {
    auto tmp = target;
    tmp += ".tmp-" + std::to_string(::getpid());
    return tmp;
}

bool is_temp_name_for(const std::filesystem::path& target, std::string_view file_name) {
    const std::string prefix = target.filename().string() + ".tmp-";
    if (file_name.size() <= prefix.size() || !file_name.starts_with(prefix)) return false;
    file_name.remove_prefix(prefix.size());
    return file_name.find_first_not_of("0123456789") == std::string_view::npos;
}

TempCleanup remove_temp_files(FileOps& ops, const std::filesystem::path& target) {
    namespace fs = std::filesystem;
    TempCleanup result;
    auto dir = target.parent_path();
    if (dir.empty()) dir = ".";
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
        const auto& path = it->path();
        if (!is_temp_name_for(target, path.filename().string())) continue;
        std::error_code type_ec;
        // symlink_status: a link named like a temp file is not ours to follow or remove.
        if (!fs::is_regular_file(fs::symlink_status(path, type_ec))) {
            result.failures.push_back(path.string() + ": not a regular file; left in place");
            continue;
        }
        const auto unlinked = ops.unlink(path);
        if (!unlinked) {
            ++result.removed;
        } else if (unlinked != std::errc::no_such_file_or_directory) {
            result.failures.push_back(path.string() + ": " + unlinked.message());
        }
    }
    if (ec) result.failures.push_back(dir.string() + ": cannot list: " + ec.message());
    return result;
}

std::optional<FileIdentity> identify_file(const std::filesystem::path& path, std::error_code& ec) {
    ec.clear();
    struct stat st {};
    if (::stat(path.c_str(), &st) < 0) {
        if (errno != ENOENT) ec = last_error();
        return std::nullopt;
    }
    return FileIdentity{static_cast<std::uint64_t>(st.st_dev),
                        static_cast<std::uint64_t>(st.st_ino),
                        static_cast<std::uint64_t>(st.st_size),
                        std::int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec};
}

std::filesystem::path LockFile::path_for(const std::filesystem::path& target) {
    auto lock = target;
    lock += ".lock";
    return lock;
}

LockFile::LockFile(const std::filesystem::path& target) {
    const auto path = path_for(target);
    do {
        fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    } while (fd_ < 0 && errno == EINTR);
    if (fd_ < 0) throw std::system_error(last_error(), path.string() + ": cannot open the lock");
}

LockFile::~LockFile() {
    ::close(fd_);  // releases the lock if still held
}

void LockFile::lock() {
    int rc = 0;
    do {
        rc = ::flock(fd_, LOCK_EX);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) throw std::system_error(last_error(), "flock");
}

void LockFile::unlock() noexcept {
    ::flock(fd_, LOCK_UN);
}

namespace {
constexpr std::size_t kGenerationDigits = 20;  // as many as the largest std::uint64_t
}  // namespace

std::string generation_text(std::uint64_t generation) {
    char buf[kGenerationDigits + 2] = {};
    const int len =
        std::snprintf(buf, sizeof buf, "%020llu\n", static_cast<unsigned long long>(generation));
    return std::string(buf, static_cast<std::size_t>(len));
}

std::optional<std::uint64_t> parse_generation(std::string_view text) {
    if (text.empty()) return 0;
    const auto end = text.substr(0, kGenerationDigits + 1).find('\n');
    if (end == std::string_view::npos || end == 0) return std::nullopt;
    std::uint64_t value = 0;
    for (const char c : text.substr(0, end)) {
        if (c < '0' || c > '9') return std::nullopt;
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (value > (UINT64_MAX - digit) / 10) return std::nullopt;  // beyond 64 bits
        value = value * 10 + digit;
    }
    return value;
}

std::optional<std::uint64_t> LockFile::generation() const {
    char buf[kGenerationDigits + 2] = {};
    ssize_t n = 0;
    do {
        n = ::pread(fd_, buf, sizeof buf, 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return std::nullopt;
    return parse_generation(std::string_view(buf, static_cast<std::size_t>(n)));
}

std::error_code LockFile::set_generation(std::uint64_t generation) {
    const auto text = generation_text(generation);
    ssize_t n = 0;
    do {
        n = ::pwrite(fd_, text.data(), text.size(), 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return last_error();
    return static_cast<std::size_t>(n) == text.size() ? std::error_code{}
                                                      : std::make_error_code(std::errc::io_error);
}

std::optional<WriteError> write_file_atomically(FileOps& ops, const std::filesystem::path& target,
                                                std::string_view contents) {
    const auto tmp = temp_path_for(target);
    const auto abandon = [&](FileOp op, std::error_code code, int fd) {
        WriteError error{op, code, false, {}};
        if (fd >= 0) (void)ops.close(fd);  // already failing; the first cause is the one to report
        if (const auto ec = ops.unlink(tmp); ec && ec != std::errc::no_such_file_or_directory) {
            error.cleanup = ec;
        }
        return error;
    };

    int fd = -1;
    if (const auto ec = ops.open(tmp, fd)) return abandon(FileOp::open, ec, -1);
    if (const auto ec = ops.write(fd, contents)) return abandon(FileOp::write, ec, fd);
    if (const auto ec = ops.fsync(fd)) return abandon(FileOp::fsync, ec, fd);
    if (const auto ec = ops.close(fd)) return abandon(FileOp::close, ec, -1);
    if (const auto ec = ops.rename(tmp, target)) return abandon(FileOp::rename, ec, -1);

    auto dir = target.parent_path();
    if (dir.empty()) dir = ".";
    if (const auto ec = ops.fsync_dir(dir)) return WriteError{FileOp::fsync_dir, ec, true, {}};
    return std::nullopt;
}

}  // namespace core
