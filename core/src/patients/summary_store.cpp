#include "core/summary_store.hpp"

#include <algorithm>
#include <array>
#include <exception>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "common/csv.hpp"
#include "core/data_file_error.hpp"
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
      log_(std::move(options.log)),
      refresh_interval_(options.refresh_interval),
      lock_file_(file_) {
    // Opening reads or creates the file, and removes temp files: like a commit, under the lock.
    std::unique_lock held(lock_file_);
    // Why removing is safe: a writer's temp file exists only while it holds the lock (each
    // write removes its own on failure, before unlocking). We hold it, so each
    // "<file>.tmp-<pid>" was left by one killed mid-write, whatever its pid (a pid check
    // alone would keep files whose pid was reused, and would be wrong for a process in
    // another pid namespace sharing the folder).
    const auto cleanup = remove_temp_files(*ops_, file_);
    stale_temp_files_removed_ = cleanup.removed;
    if (cleanup.removed > 0) {
        log_.info("removed " + std::to_string(cleanup.removed) + " stale temp file" +
                  (cleanup.removed == 1 ? "" : "s") + " of " + file_.string() +
                  " left by a crashed writer");
    }
    for (const auto& failure : cleanup.failures) {
        // Not fatal: a leftover costs disk space, never correctness (the file is separate).
        log_.warn("cannot remove stale temp file " + failure);
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
    auto generation = lock_file_.generation().value_or(0);
    if (!exists) {
        auto bytes = encode(std::vector<const std::string*>(rows_.size()));
        if (const auto bumped = lock_file_.set_generation(++generation)) {
            throw std::system_error(bumped, LockFile::path_for(file_).string() + ": cannot write");
        }
        if (const auto error = write_file_atomically(*ops_, file_, bytes)) {
            throw std::system_error(error->code, file_.string() + ": cannot create: " +
                                                     std::string(to_string(error->op)) + " failed");
        }
        durable_bytes_ = std::move(bytes);
    }
    remember_file(generation);
    held.unlock();
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
    std::shared_lock lock(table_mutex_);
    const auto it = index_.find(patient_id);
    if (it == index_.end()) return std::nullopt;
    return rows_[it->second].summary;
}

std::optional<std::string> SummaryStore::name(std::string_view patient_id) const {
    std::shared_lock lock(table_mutex_);
    const auto it = index_.find(patient_id);
    if (it == index_.end()) return std::nullopt;
    return rows_[it->second].name;
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
    return {saves_ok_.load(),       saves_failed_.load(),      commits_.load(),
            failed_commits_.load(), stale_temp_files_removed_, reloads_.load(),
            rejected_files_.load()};
}

void SummaryStore::run() {
    std::unique_lock lock(queue_mutex_);
    const auto ready = [&] { return stopping_ || !queue_.empty() || !fetches_.empty(); };
    for (;;) {
        if (refresh_interval_.count() <= 0) {
            queue_cv_.wait(lock, ready);
        } else if (!queue_cv_.wait_for(lock, refresh_interval_, ready)) {
            lock.unlock();
            refresh_when_idle();
            lock.lock();
            continue;
        }
        if (queue_.empty() && fetches_.empty()) return;  // stopping, everything handled
        std::vector<Pending> batch;
        batch.swap(queue_);
        std::vector<std::pair<std::string, Fetched>> fetches;
        fetches.swap(fetches_);
        lock.unlock();
        if (!batch.empty()) commit(batch);
        if (!fetches.empty()) answer(fetches, !batch.empty());
        lock.lock();
        completed_ += batch.size();
        done_cv_.notify_all();
    }
}

void SummaryStore::fetch(std::string patient_id, Fetched done) {
    {
        std::lock_guard lock(queue_mutex_);
        fetches_.emplace_back(std::move(patient_id), std::move(done));
    }
    queue_cv_.notify_one();
}

void SummaryStore::answer(std::vector<std::pair<std::string, Fetched>>& fetches, bool committed) {
    // A commit just now re-read the file under the lock: nothing newer to look for.
    if (!committed) refresh_when_idle();
    for (auto& [id, done] : fetches) {
        auto found = summary(id);
        if (done) done(std::move(found));
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
    // Taken here, on the writer thread: waiting for another process's write never stalls
    // a caller of save() or summary().
    std::unique_lock held(lock_file_, std::defer_lock);
    std::optional<std::string> refused;
    try {
        held.lock();
        if (changed_underneath()) refused = adopt_file_on_disk();
    } catch (const std::exception& e) {
        refused = std::string("write failed: cannot lock ") + LockFile::path_for(file_).string() +
                  ": " + e.what();
    }
    write_locked(batch, std::move(refused));
}

void SummaryStore::refresh_when_idle() {
    try {
        if (!changed_underneath()) return;  // a peek without the lock: a stat and a pread
        std::unique_lock held(lock_file_);
        if (!changed_underneath()) return;
        if (auto refused = adopt_file_on_disk()) {
            std::error_code ec;
            const auto bad = identify_file(file_, ec);
            if (bad != reported_bad_) log_.error(*refused);
            reported_bad_ = bad;
            return;
        }
        if (rewrite_needed_) {
            std::vector<Pending> none;
            write_locked(none, std::nullopt);
        }
    } catch (const std::exception& e) {
        log_.warn(std::string("cannot look for other writers' saves: ") + e.what());
    }
}

bool SummaryStore::changed_underneath() const {
    std::error_code ec;
    const auto identity = identify_file(file_, ec);
    const auto generation = lock_file_.generation();
    return ec || !generation || generation != known_generation_ || identity != known_identity_;
}

std::optional<std::string> SummaryStore::adopt_file_on_disk() {
    const auto generation = lock_file_.generation().value_or(0);
    std::error_code ec;
    const auto identity = identify_file(file_, ec);
    const auto refuse = [&](const std::string& why) {
        return "write failed: " + file_.string() + " changed underneath: " + why +
               "; not overwritten";
    };
    if (ec) return refuse("cannot examine it: " + ec.message());
    if (!identity) {
        log_.error(file_.string() + " was removed by another program; writing it again from " +
                   "this process's table");
        rewrite_needed_ = true;
        remember_file(generation);
        return std::nullopt;
    }
    std::string bytes;
    try {
        bytes = detail::read_data_file(file_);
    } catch (const DataFileError& e) {
        return refuse(e.what());  // perhaps valid but unreadable to us: not ours to replace
    }
    std::vector<SummaryRow> disk;
    try {
        disk = parse_summaries_csv(bytes, file_);
    } catch (const DataFileError& e) {
        // Keep the foreign file for whoever made it, then write ours: this process's
        // acknowledged saves must survive.
        auto aside = file_;
        aside += ".rejected-" +
                 std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
        if (const auto moved = ops_->rename(file_, aside)) {
            return refuse(std::string("not a valid summaries file (") + e.what() +
                          "), and it cannot be moved aside: " + moved.message());
        }
        rejected_files_.fetch_add(1);
        log_.error(file_.string() + " changed underneath and is not a valid summaries file (" +
                   e.what() + "); kept as " + aside.string() +
                   ", writing it again from this process's table");
        rewrite_needed_ = true;
        remember_file(generation);
        return std::nullopt;
    }
    rewrite_needed_ = merge(disk);
    durable_bytes_ = std::move(bytes);
    reloads_.fetch_add(1);
    known_generation_ = generation;
    known_identity_ = identity;
    return std::nullopt;
}

bool SummaryStore::merge(std::vector<SummaryRow>& disk) {
    std::unique_lock lock(table_mutex_);
    std::vector<bool> on_disk(rows_.size(), false);
    for (auto& row : disk) {
        const auto it = index_.find(row.patient_id);
        if (it == index_.end()) {
            index_.emplace(row.patient_id, rows_.size());
            rows_.push_back(std::move(row));
            on_disk.push_back(true);
        } else {
            rows_[it->second].summary = std::move(row.summary);
            on_disk[it->second] = true;
        }
    }
    return std::find(on_disk.begin(), on_disk.end(), false) != on_disk.end();
}

void SummaryStore::remember_file(std::uint64_t generation) {
    known_generation_ = generation;
    std::error_code ec;
    known_identity_ = identify_file(file_, ec);  // on error nullopt: the next check re-reads
}

void SummaryStore::write_locked(std::vector<Pending>& batch, std::optional<std::string> refused) {
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
    if (refused) {
        if (any_change) {
            failure = SaveResult{SaveStatus::write_failed, std::move(*refused)};
            failed_commits_.fetch_add(1);
        }
    } else if (any_change || rewrite_needed_) {
        try {
            auto bytes = encode(overrides);
            // Bumped first: a writer killed after its rename still leaves a changed generation.
            const auto generation = known_generation_.value_or(0) + 1;
            if (const auto bumped = lock_file_.set_generation(generation)) {
                throw std::system_error(bumped, LockFile::path_for(file_).string());
            }
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
                remember_file(generation);  // what is there now is ours (old or new bytes)
            } else {
                std::unique_lock lock(table_mutex_);
                for (std::size_t i = 0; i < rows_.size(); ++i) {
                    if (overrides[i]) rows_[i].summary = *overrides[i];
                }
                lock.unlock();
                durable_bytes_ = std::move(bytes);
                rewrite_needed_ = false;
                remember_file(generation);
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
