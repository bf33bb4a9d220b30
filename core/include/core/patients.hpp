#pragma once
// Patient health records, the tools' input: the original tutorial's columns, a seeded
// synthetic generator, and a strict CSV reader/writer for patients_data.csv.
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace core {

struct Patient {
    std::string patient_id;           // "P001"
    std::string name;                 // UTF-8, e.g. "José Álvarez"
    int age = 0;                      // years
    std::string gender;               // "Male", "Female" or "Non-binary"
    std::string current_symptoms;     // comma-separated, e.g. "chest pain, fatigue"
    std::string current_bp;           // systolic/diastolic mmHg, e.g. "142/91"
    int current_sugar = 0;            // blood glucose, mg/dL
    double base_score = 0;            // 0-10, from age and history
    double risk_score = 0;            // 0-10, base score adjusted by current readings
    std::string medical_history;      // comma-separated conditions
    std::string current_medications;  // comma-separated, with doses
    // JSON array text:
    // [{"date":"2024-03-02","reason":"...","notes":"...","bp":"130/85","sugar":112}, ...]
    std::string visit_history;

    friend bool operator==(const Patient&, const Patient&) = default;
};

inline constexpr std::array<std::string_view, 12> patient_columns = {
    "patient_id",          "name",          "age",        "gender",     "current_symptoms",
    "current_bp",          "current_sugar", "base_score", "risk_score", "medical_history",
    "current_medications", "visit_history"};

// The 1-based number in plain decimal: "1" ... "100" ... "1000", the ids of the original
// tutorial's patients_data.csv, so its clients (which ask for patient "25") work on generated
// data. Ids stay opaque strings everywhere else: a user's own CSV may use any.
std::string patient_id_for(std::size_t number);

// Deterministic: the same (count, seed) gives the same patients, byte for byte, on every
// machine (common::Rng only, no std distributions, no locale).
std::vector<Patient> generate_patients(std::size_t count = 100, std::uint64_t seed = 42);

// Header and one row per patient, RFC 4180, CRLF line ends.
std::string patients_to_csv(const std::vector<Patient>& patients);

// Parses and validates (header, field count, numbers, visit_history JSON, unique ids).
// Throws core::DataFileError naming `file`, line and column.
std::vector<Patient> parse_patients_csv(std::string_view text, const std::filesystem::path& file);
std::vector<Patient> load_patients_csv(const std::filesystem::path& file);

// Writes patients_data.csv atomically (temp file, fsync, rename). Throws std::system_error.
void save_patients_csv(const std::filesystem::path& file, const std::vector<Patient>& patients);

// Read-only lookup by id, keeping the file's order for listing and search.
class PatientIndex {
  public:
    // Throws std::invalid_argument on a duplicate id.
    explicit PatientIndex(std::vector<Patient> patients);

    const Patient* find(std::string_view patient_id) const;
    const std::vector<Patient>& all() const { return patients_; }
    std::size_t size() const { return patients_.size(); }

  private:
    std::vector<Patient> patients_;
    std::map<std::string, std::size_t, std::less<>> by_id_;
};

}  // namespace core
