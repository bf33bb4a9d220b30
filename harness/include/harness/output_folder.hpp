#pragma once
// The reports' folder, checked before a run: an hour of scenarios must not end in "cannot
// write checklist.md". And the reports written after it, with every I/O failure an
// exception carrying a message (never an abort).
#include <filesystem>
#include <string>

namespace harness {

// Creates `folder` (and its parents) and writes and removes a probe file in it. Throws
// std::runtime_error naming the folder and the system's reason when either fails.
void ensure_writable_folder(const std::filesystem::path& folder);

// Writes `text` to `file` (replacing it). Throws std::runtime_error naming the file and the
// system's reason when it cannot be opened, written or flushed.
void write_text_file(const std::filesystem::path& file, const std::string& text);

}  // namespace harness
