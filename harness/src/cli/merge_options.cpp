#include "cli/merge_options.hpp"

#include <filesystem>
#include <stdexcept>

#include "cli/options.hpp"

namespace harness::cli {

void setup_merge(CLI::App& app, MergeArgs& a) {
    auto* merge = app.add_subcommand(
        "merge",
        "Merge the reports of a run's shards (run --shard I/N), or of independent runs, into "
        "one run's reports; exit code as run's (2: an input missing, duplicated or not of "
        "this run)");
    merge->add_option("dirs", a.dirs, "Each shard's --out folder (or its report.json)")->required();
    merge->add_option("--out", a.out, "Folder for the merged reports (default harness-report)");
    merge->add_option("--format", a.formats,
                      std::string("Comma-separated: ") + kDefaultFormats + " (default all)");
}

MergeConfig resolve_merge(const MergeArgs& a) {
    namespace fs = std::filesystem;
    MergeConfig c{a.dirs, a.out, split_formats(a.formats.empty() ? kDefaultFormats : a.formats)};
    // Writing over an input would lose a shard's own report before anyone read the merge.
    std::error_code ec;
    for (const auto& d : a.dirs) {
        const fs::path folder = fs::is_directory(d, ec) ? fs::path(d) : fs::path(d).parent_path();
        if (fs::exists(a.out, ec) && fs::equivalent(folder, a.out, ec)) {
            throw std::invalid_argument("--out " + a.out + " is one of the inputs (" + d +
                                        "): give the merged reports their own folder");
        }
    }
    return c;
}

}  // namespace harness::cli
