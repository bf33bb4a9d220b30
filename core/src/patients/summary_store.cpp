#include "core/summary_store.hpp"

#include <array>
#include <exception>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "common/csv.hpp"
#include "patients/record_reader.hpp"

namespace core {

namespace csv = common::csv;

namespace {

constexpr std::array<std::string_view, 3> summary_columns = {"patient_id", "name", "summary"};

// Runs a completion callback; it is documented not to throw, and noexcept makes a throw
// fail loudly instead of killing the writer thread quietly.
void deliver(SummaryStore::Done& done, SaveResult result) noexcept {
    if (done) done(std::move(result));
}

}  // namespace

std::vector<SummaryRow> parse_summaries_csv(std::string_view text,
                                            const std::filesystem::path& file) {
    detail::RecordReader reader(file, text);
    reader.expect_header(summary_columns);
    std::vector<SummaryRow> rows;
    detail::UniqueKeys ids(summary_columns[0]);
    csv::Row f;
    while (reader.next(f)) {
        if (f[0].empty()) reader.fail(0, "empty patient_id");
        ids.add(reader, 0, f[0], "'" + f[0] + "'");  // whole: patients.cpp cuts long ids short
        rows.push_back({std::move(f[0]), std::move(f[1]), std::move(f[2])});
    }
    return rows;
}

std::vector<SummaryRow> load_summaries_csv(const std::filesystem::path& file) {
    return parse_summaries_csv(detail::read_data_file(file), file);
}

// Named, never parsed: a switch, so -Wswitch flags a value added without its name
// (docs/architecture.md, "Conventions").
std::string_view to_string(SaveStatus status) {
    switch (status) {
        case SaveStatus::ok:
            return "ok";
        case SaveStatus::unknown_patient:
            return "unknown_patient";
        case SaveStatus::write_failed:
            return "write_failed";
    }
    return "unknown";
}

SummaryStore::SummaryStore(std::filesystem::path file, const std::vector<Patient>& patients,
                           SummaryStoreOptions options)
    : file_(std::move(file)),
      ops_(options.file_ops ? std::move(options.file_ops) : std::make_shared<PosixFileOps>()),
      lock_(file_) {
    // Why removing is safe: every writer of this file holds lock_ while it lives, and a
    // writer's temp files exist only while it lives (each write removes its own on failure).
    // We hold the lock, so no other writer is alive: each "<file>.tmp-<pid>" was left by one
    // killed mid-write, whatever its pid (a pid check alone would keep files whose pid was
    // reused, and would be wrong for a process in another pid namespace sharing the
    // folder). A second server on the same folder never gets here: it cannot take the lock,
    // and so never removes the live server's temp file nor overwrites its saves.
    const auto cleanup = remove_temp_files(*ops_, file_);
    stale_temp_files_removed_ = cleanup.removed;
    if (cleanup.removed > 0) {
        options.log.info("removed " + std::to_string(cleanup.removed) + " stale temp file" +
                         (cleanup.removed == 1 ? "" : "s") + " of " + file_.string() +
                         " left by a crashed writer");
    }
    for (const auto& failure : cleanup.failures) {
        // Not fatal: a leftover costs disk space, never correctness (the file is separate).
        options.log.warn("cannot remove stale temp file " + failure);
    }
    std::error_code ec;
    const bool exists = std::filesystem::exists(file_, ec);
    if (ec) throw std::system_error(ec, file_.string());
    if (exists) {
        durable_bytes_ = detail::read_data_file(file_);
        rows_ = parse_summaries_csv(durable_bytes_, file_);
    } else {
        rows_.reserve(patients.size());
        for (const auto& p : patients) rows_.push_back({p.patient_id, p.name, {}});
    }
    for (std::size_t i = 0; i < rows_.size(); ++i) {
        if (!index_.emplace(rows_[i].patient_id, i).second) {
            throw std::invalid_argument("duplicate patient id '" + rows_[i].patient_id + "'");
        }
    }
    if (!exists) {
        auto bytes = encode(std::vector<const std::string*>(rows_.size()));
        if (const auto error = write_file_atomically(*ops_, file_, bytes)) {
            throw std::system_error(error->code, file_.string() + ": cannot create: " +
                                                     std::string(to_string(error->op)) + " failed");
        }
        durable_bytes_ = std::move(bytes);
    }
    writer_ = std::thread([this] { run(); });
}

SummaryStore::~SummaryStore() {
    {
        std::lock_guard lock(queue_mutex_);
        stopping_ = true;
    }
    queue_cv_.notify_one();
    writer_.join();
}

void SummaryStore::save(std::string patient_id, std::string summary, Done done) {
    {
        std::lock_guard lock(queue_mutex_);
        queue_.push_back({std::move(patient_id), std::move(summary), std::move(done)});
        ++enqueued_;
    }
    queue_cv_.notify_one();
}

std::optional<std::string> SummaryStore::summary(std::string_view patient_id) const {
    const auto it = index_.find(patient_id);
    if (it == index_.end()) return std::nullopt;
    std::shared_lock lock(table_mutex_);
    return rows_[it->second].summary;
}

std::optional<std::string> SummaryStore::name(std::string_view patient_id) const {
    const auto it = index_.find(patient_id);
    if (it == index_.end()) return std::nullopt;
    return rows_[it->second].name;  // names never change after construction
}

std::vector<SummaryRow> SummaryStore::rows() const {
    std::shared_lock lock(table_mutex_);
    return rows_;
}

void SummaryStore::flush() {
    std::unique_lock lock(queue_mutex_);
    const auto target = enqueued_;
    done_cv_.wait(lock, [&] { return completed_ >= target; });
}

SummaryStore::Stats SummaryStore::stats() const {
    return {saves_ok_.load(), saves_failed_.load(), commits_.load(), failed_commits_.load(),
            stale_temp_files_removed_};
}

void SummaryStore::run() {
    std::unique_lock lock(queue_mutex_);
    for (;;) {
        queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, and everything queued has been handled
        std::vector<Pending> batch;
        batch.swap(queue_);
        lock.unlock();
        commit(batch);
        lock.lock();
        completed_ += batch.size();
        done_cv_.notify_all();
    }
}

std::string SummaryStore::encode(const std::vector<const std::string*>& overrides) const {
    std::string out;
    std::size_t bytes = 32;
    for (std::size_t i = 0; i < rows_.size(); ++i) {
        const auto& summary = overrides[i] ? *overrides[i] : rows_[i].summary;
        bytes += rows_[i].patient_id.size() + rows_[i].name.size() + summary.size() + 8;
    }
    out.reserve(bytes + bytes / 16);  // headroom for quoting
    csv::append_row(out, std::span<const std::string_view>(summary_columns));
    for (std::size_t i = 0; i < rows_.size(); ++i) {
        const auto& summary = overrides[i] ? *overrides[i] : rows_[i].summary;
        csv::append_row(out, {rows_[i].patient_id, rows_[i].name, summary});
    }
    return out;
}

void SummaryStore::commit(std::vector<Pending>& batch) {
    // Later saves of the same id overwrite earlier ones: last writer wins, in queue order.
    std::vector<const std::string*> overrides(rows_.size(), nullptr);
    std::vector<std::optional<SaveResult>> results(batch.size());
    bool any_change = false;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        const auto it = index_.find(batch[i].patient_id);
        if (it == index_.end()) {
            results[i] = SaveResult{SaveStatus::unknown_patient,
                                    "unknown patient id '" + batch[i].patient_id + "'"};
            continue;
        }
        overrides[it->second] = &batch[i].summary;
        any_change = true;
    }

    std::optional<SaveResult> failure;
    if (any_change) {
        try {
            auto bytes = encode(overrides);
            if (auto error = write_file_atomically(*ops_, file_, bytes)) {
                auto message = error->message();
                if (error->replaced) {
                    // The new file is already in place but not known durable; put the
                    // durable one back so that disk and memory agree again.
                    if (const auto undo = write_file_atomically(*ops_, file_, durable_bytes_)) {
                        message += "; restoring the previous file also failed: " + undo->message();
                    }
                }
                failure = SaveResult{SaveStatus::write_failed, std::move(message)};
            } else {
                std::unique_lock lock(table_mutex_);
                for (std::size_t i = 0; i < rows_.size(); ++i) {
                    if (overrides[i]) rows_[i].summary = *overrides[i];
                }
                lock.unlock();
                durable_bytes_ = std::move(bytes);
            }
        } catch (const std::exception& e) {  // e.g. bad_alloc while encoding
            failure =
                SaveResult{SaveStatus::write_failed, std::string("write failed: ") + e.what()};
        }
        (failure ? failed_commits_ : commits_).fetch_add(1);
    }

    for (std::size_t i = 0; i < batch.size(); ++i) {
        SaveResult result = results[i] ? std::move(*results[i]) : failure ? *failure : SaveResult{};
        (result.ok() ? saves_ok_ : saves_failed_).fetch_add(1);
        deliver(batch[i].done, std::move(result));
    }
}

}  // namespace core
