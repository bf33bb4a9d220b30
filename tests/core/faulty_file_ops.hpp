#pragma once
// Real file operations that count every call and can fail the n-th call of a kind (or of
// any kind) with a chosen errno, the way Beast's fail_count walks every error path.
#include <array>
#include <cerrno>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "core/file_ops.hpp"

namespace core_test {

class FaultyFileOps final : public core::FileOps {
  public:
    // Fails the `nth` (0-based, counted from now) call of `kind`, or of any kind if nullopt.
    // Several faults may be armed at once; each counts calls on its own.
    void fail(std::optional<core::FileOp> kind, std::size_t nth, int error = EIO) {
        std::lock_guard lock(mutex_);
        armed_.push_back({kind, nth, error});
    }
    // How many armed faults have fired since the last call.
    std::size_t take_fired() {
        std::lock_guard lock(mutex_);
        return std::exchange(fired_, 0);
    }
    std::size_t calls(core::FileOp kind) const {
        std::lock_guard lock(mutex_);
        return calls_[static_cast<std::size_t>(kind)];
    }

    std::error_code open(const std::filesystem::path& path, int& fd) override {
        if (auto ec = inject(core::FileOp::open)) return ec;
        return real_.open(path, fd);
    }
    std::error_code write(int fd, std::string_view data) override {
        if (auto ec = inject(core::FileOp::write)) {
            (void)real_.write(fd, data.substr(0, data.size() / 2));  // a disk that fills up midway
            return ec;
        }
        return real_.write(fd, data);
    }
    std::error_code fsync(int fd) override {
        if (auto ec = inject(core::FileOp::fsync)) return ec;
        return real_.fsync(fd);
    }
    std::error_code close(int fd) override {
        if (auto ec = inject(core::FileOp::close)) {
            (void)real_.close(fd);  // as on Linux: the descriptor is gone even when close fails
            return ec;
        }
        return real_.close(fd);
    }
    std::error_code rename(const std::filesystem::path& from,
                           const std::filesystem::path& to) override {
        if (auto ec = inject(core::FileOp::rename)) return ec;
        return real_.rename(from, to);
    }
    std::error_code fsync_dir(const std::filesystem::path& dir) override {
        if (auto ec = inject(core::FileOp::fsync_dir)) return ec;
        return real_.fsync_dir(dir);
    }
    std::error_code unlink(const std::filesystem::path& path) override {
        if (auto ec = inject(core::FileOp::unlink)) return ec;
        return real_.unlink(path);
    }

  private:
    struct Fault {
        std::optional<core::FileOp> kind;
        std::size_t remaining;
        int error;
    };

    std::error_code inject(core::FileOp kind) {
        std::lock_guard lock(mutex_);
        ++calls_[static_cast<std::size_t>(kind)];
        std::error_code result;
        for (auto it = armed_.begin(); it != armed_.end();) {
            if (it->kind && *it->kind != kind) {
                ++it;
            } else if (it->remaining > 0) {
                --it->remaining;
                ++it;
            } else {
                if (!result) result = {it->error, std::generic_category()};
                ++fired_;
                it = armed_.erase(it);
            }
        }
        return result;
    }

    core::PosixFileOps real_;
    mutable std::mutex mutex_;
    std::array<std::size_t, core::file_op_count> calls_{};
    std::vector<Fault> armed_;
    std::size_t fired_ = 0;
};

}  // namespace core_test
