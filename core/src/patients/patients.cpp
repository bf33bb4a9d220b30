#include "core/patients.hpp"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <span>
#include <stdexcept>
#include <system_error>

#include "common/csv.hpp"
#include "core/file_ops.hpp"
#include "patients/record_reader.hpp"

namespace core {

namespace csv = common::csv;

std::string patient_id_for(std::size_t number) {
    return std::to_string(number);
}

namespace {

// Shortest text that reads back to the same double, always with a decimal point ("7.0").
std::string format_score(double v) {
    char buf[64];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    std::string s(buf, ec == std::errc{} ? end : buf);
    if (s.find_first_of(".en") == std::string::npos) s += ".0";
    return s;
}

template <typename T>
bool parse_number(const std::string& text, T& out) {
    const char* first = text.data();
    const char* last = first + text.size();
    const auto [end, ec] = std::from_chars(first, last, out);
    return ec == std::errc{} && end == last && !text.empty();
}

// The quoted value as it appears in messages, cut short so one bad field stays readable.
std::string shown(const std::string& value) {
    constexpr std::size_t limit = 40;
    return "'" + (value.size() <= limit ? value : value.substr(0, limit) + "...") + "'";
}

enum Column : std::size_t {
    c_id,
    c_name,
    c_age,
    c_gender,
    c_symptoms,
    c_bp,
    c_sugar,
    c_base,
    c_risk,
    c_history,
    c_medications,
    c_visits
};

void check_visits(const std::string& text, const detail::RecordReader& reader) {
    nlohmann::json visits;
    try {
        visits = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        // nlohmann's own "line, column" would be read as the file's; give the byte instead.
        const std::string what = e.what();
        const auto cause = what.find(": ", what.find("column"));
        reader.fail(c_visits, "invalid visit_history JSON at byte " + std::to_string(e.byte) +
                                  " of the field: " +
                                  (cause == std::string::npos ? what : what.substr(cause + 2)));
    } catch (const nlohmann::json::exception& e) {
        // Valid syntax the library still cannot hold, such as a number beyond double
        // (out_of_range 406): as much a bad field as a syntax error.
        const std::string what = e.what();
        const auto tag_end = what.find("] ");
        reader.fail(c_visits, "invalid visit_history JSON: " +
                                  (tag_end == std::string::npos ? what : what.substr(tag_end + 2)));
    }
    if (!visits.is_array()) reader.fail(c_visits, "visit_history is not a JSON array");
}

Patient to_patient(csv::Row& f, const detail::RecordReader& reader) {
    Patient p;
    if (f[c_id].empty()) reader.fail(c_id, "empty patient_id");
    p.patient_id = std::move(f[c_id]);
    p.name = std::move(f[c_name]);
    if (!parse_number(f[c_age], p.age)) reader.fail(c_age, "non-numeric age " + shown(f[c_age]));
    if (p.age < 0 || p.age > 150) {
        reader.fail(c_age, "age " + f[c_age] + " out of range 0-150");
    }
    p.gender = std::move(f[c_gender]);
    p.current_symptoms = std::move(f[c_symptoms]);
    p.current_bp = std::move(f[c_bp]);
    if (!parse_number(f[c_sugar], p.current_sugar)) {
        reader.fail(c_sugar, "non-numeric current_sugar " + shown(f[c_sugar]));
    }
    if (!parse_number(f[c_base], p.base_score) || !std::isfinite(p.base_score)) {
        reader.fail(c_base, "non-numeric base_score " + shown(f[c_base]));
    }
    if (!parse_number(f[c_risk], p.risk_score) || !std::isfinite(p.risk_score)) {
        reader.fail(c_risk, "non-numeric risk_score " + shown(f[c_risk]));
    }
    p.medical_history = std::move(f[c_history]);
    p.current_medications = std::move(f[c_medications]);
    check_visits(f[c_visits], reader);
    p.visit_history = std::move(f[c_visits]);
    return p;
}

}  // namespace

std::string patients_to_csv(const std::vector<Patient>& patients) {
    std::string out;
    out.reserve(128 + patients.size() * 640);
    csv::append_row(out, std::span<const std::string_view>(patient_columns));
    for (const auto& p : patients) {
        const auto age = std::to_string(p.age);
        const auto sugar = std::to_string(p.current_sugar);
        const auto base = format_score(p.base_score);
        const auto risk = format_score(p.risk_score);
        csv::append_row(
            out, {p.patient_id, p.name, age, p.gender, p.current_symptoms, p.current_bp, sugar,
                  base, risk, p.medical_history, p.current_medications, p.visit_history});
    }
    return out;
}

std::vector<Patient> parse_patients_csv(std::string_view text, const std::filesystem::path& file) {
    detail::RecordReader reader(file, text);
    reader.expect_header(patient_columns);
    std::vector<Patient> patients;
    detail::UniqueKeys ids(patient_columns[c_id]);
    csv::Row fields;
    while (reader.next(fields)) {
        auto patient = to_patient(fields, reader);
        ids.add(reader, c_id, patient.patient_id, shown(patient.patient_id));
        patients.push_back(std::move(patient));
    }
    return patients;
}

std::vector<Patient> load_patients_csv(const std::filesystem::path& file) {
    return parse_patients_csv(detail::read_data_file(file), file);
}

void save_patients_csv(const std::filesystem::path& file, const std::vector<Patient>& patients) {
    PosixFileOps ops;
    if (const auto error = write_file_atomically(ops, file, patients_to_csv(patients))) {
        throw std::system_error(
            error->code, file.string() + ": " + std::string(to_string(error->op)) + " failed");
    }
}

PatientIndex::PatientIndex(std::vector<Patient> patients) : patients_(std::move(patients)) {
    for (std::size_t i = 0; i < patients_.size(); ++i) {
        if (!by_id_.emplace(patients_[i].patient_id, i).second) {
            throw std::invalid_argument("duplicate patient id '" + patients_[i].patient_id + "'");
        }
    }
}

const Patient* PatientIndex::find(std::string_view patient_id) const {
    const auto it = by_id_.find(patient_id);
    return it == by_id_.end() ? nullptr : &patients_[it->second];
}

}  // namespace core
