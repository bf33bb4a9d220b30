// bytes -> the data file loaders of the server, through the same buffer entry points the
// file loaders use (load_* = read the file, then parse_*): core::parse_summaries_csv and
// core::parse_patients_csv. Each must load or throw the documented core::DataFileError
// (with a 1-based line and column: every problem in a buffer has a place); any other
// exception escapes and is reported by libFuzzer. What loads must write back and load again
// to the same data. Also the lock file's generation (core::parse_generation): a value or
// nullopt, and a value written back reads the same.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/csv.hpp"
#include "core/data_file_error.hpp"
#include "core/file_ops.hpp"
#include "core/patients.hpp"
#include "core/summary_store.hpp"

namespace {

void check(bool ok, const char* what) {
    if (ok) return;
    std::fprintf(stderr, "store_summaries_fuzz: %s\n", what);
    std::abort();
}

void check_error(const core::DataFileError& e) {
    check(e.file() == "fuzz.csv", "error names another file");
    check(e.line() >= 1 && e.column() >= 1, "error without a 1-based position");
}

void summaries(std::string_view text) {
    std::vector<core::SummaryRow> rows;
    try {
        rows = core::parse_summaries_csv(text, "fuzz.csv");
    } catch (const core::DataFileError& e) {
        check_error(e);
        return;
    }
    std::string out;
    common::csv::append_row(out, {"patient_id", "name", "summary"});
    for (const auto& r : rows) common::csv::append_row(out, {r.patient_id, r.name, r.summary});
    const auto again = core::parse_summaries_csv(out, "fuzz.csv");
    check(again.size() == rows.size(), "summaries round trip changed the row count");
    for (std::size_t i = 0; i < rows.size(); ++i) {
        check(again[i].patient_id == rows[i].patient_id && again[i].name == rows[i].name &&
                  again[i].summary == rows[i].summary,
              "summaries round trip changed a row");
    }
}

void patients(std::string_view text) {
    std::vector<core::Patient> loaded;
    try {
        loaded = core::parse_patients_csv(text, "fuzz.csv");
    } catch (const core::DataFileError& e) {
        check_error(e);
        return;
    }
    check(core::parse_patients_csv(core::patients_to_csv(loaded), "fuzz.csv") == loaded,
          "patients round trip changed a patient");
}

void generation(std::string_view text) {
    const auto value = core::parse_generation(text);
    if (!value) return;
    check(core::parse_generation(core::generation_text(*value)) == value,
          "generation round trip changed the value");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    summaries(text);
    patients(text);
    generation(text);
    return 0;
}
