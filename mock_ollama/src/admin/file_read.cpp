#include "admin/file_read.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

namespace mock_ollama {

namespace {
class Fd {
  public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }

  private:
    int fd_;
};
}  // namespace

std::string read_regular_file(const std::filesystem::path& path, std::size_t max_bytes,
                              std::string_view what) {
    const std::string name = path.string();
    // O_NONBLOCK: opening a FIFO must not wait for a writer. The checks below are made on the
    // opened descriptor, so the file cannot be swapped between check and read.
    const Fd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
    if (fd.get() < 0) throw std::invalid_argument(name + ": cannot open file");
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) throw std::invalid_argument(name + ": read error");
    if (!S_ISREG(st.st_mode)) throw std::invalid_argument(name + ": not a regular file");
    const auto too_large = [&] {
        return std::invalid_argument(name + ": larger than " + std::to_string(max_bytes) +
                                     " bytes, the limit for " + std::string(what));
    };
    if (static_cast<std::uint64_t>(st.st_size) > max_bytes) throw too_large();
    // The file may grow while it is read: stop one byte past the limit to notice.
    std::string text;
    text.reserve(static_cast<std::size_t>(st.st_size));
    char chunk[65536];
    while (text.size() <= max_bytes) {
        const auto n = ::read(fd.get(), chunk, sizeof chunk);
        if (n == 0) return text;
        if (n < 0) {
            if (errno == EINTR) continue;
            throw std::invalid_argument(name + ": read error");
        }
        text.append(chunk, static_cast<std::size_t>(n));
    }
    throw too_large();
}

}  // namespace mock_ollama
