#include "harness/output_folder.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <system_error>

namespace harness {

namespace fs = std::filesystem;

void ensure_writable_folder(const fs::path& folder) {
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec) {
        throw std::runtime_error("cannot create the folder " + folder.string() + ": " +
                                 ec.message());
    }
    if (!fs::is_directory(folder, ec)) {
        throw std::runtime_error(folder.string() + " is not a folder");
    }
    // Permissions alone do not say it (root, read-only mounts, a full disk): try it.
    const fs::path probe = folder / (".mcp-harness-probe-" + std::to_string(::getpid()));
    write_text_file(probe, "probe\n");
    fs::remove(probe, ec);
}

void write_text_file(const fs::path& file, const std::string& text) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    if (!out) {
        throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(errno));
    }
    out << text;
    out.flush();
    if (!out) {
        throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(errno));
    }
}

}  // namespace harness
