#pragma once
// What writes patient_summaries.csv (patient_id,name,summary; one row per patient).
//
// Saves are asynchronous and durable: a dedicated writer thread takes every save queued so
// far, writes the whole file once (temp file, fsync, rename, fsync of the directory) and
// only then reports each save. One disk write serves a whole batch (group commit), so
// many concurrent saves cost a few fsyncs, not one each. In memory the store only ever
// holds what is durable on disk: a failed batch changes nothing and is reported failed.
//
// Several stores on one file, in one or many processes (an MCP host starts one stdio server
// per client, all on one data folder), stay serialised and lose no update. Each group
// commit runs on the writer thread holding the file's LockFile ("<file>.lock"): if another
// writer replaced the file since this store last read or wrote it (the generation in the
// lock file, or the file's identity, differ), the store first re-reads it and takes the
// other writers' rows, then applies its batch on top and writes the whole file. Between
// commits, the idle writer thread checks every refresh_interval and re-reads a changed file,
// so summary() shows other processes' saves within about that interval.
//
// A file changed underneath that no longer parses is moved aside to
// "<file>.rejected-<ns>" (error logged) and written again from this store's table, so
// this process's acknowledged saves are never lost; if it cannot be moved aside, saves
// fail with a clear message and it is not overwritten.
//
// A writer's temp file "<file>.tmp-<pid>" exists only while it holds the lock, so a store
// holding the lock at opening knows every such file is a crashed writer's leftover.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/log.hpp"
#include "core/file_ops.hpp"
#include "core/patients.hpp"

namespace core {

enum class SaveStatus { ok, unknown_patient, write_failed };

std::string_view to_string(SaveStatus status);

struct SaveResult {
    SaveStatus status = SaveStatus::ok;
    // Empty when ok; else one line, e.g. "unknown patient id 'P999'" or
    // "write failed: No space left on device".
    std::string message;

    bool ok() const { return status == SaveStatus::ok; }
};

struct SummaryRow {
    std::string patient_id;
    std::string name;
    std::string summary;  // empty until one is saved
};

struct SummaryStoreOptions {
    // Every file write goes through this; null means PosixFileOps. Tests inject faults here.
    std::shared_ptr<FileOps> file_ops;
    // Where the store reports what it did at opening (stale temp files removed).
    common::Logger log{"summary-store", common::LogLevel::info};
    // How often the idle writer thread looks for other processes' saves (a stat and a
    // 21-byte read; a re-read only when the file changed). Zero: only before each commit.
    std::chrono::milliseconds refresh_interval{100};
};

// The summaries file's format, checked as the store checks it when opening: the header
// patient_id,name,summary, three fields a row, unique non-empty ids. Throws DataFileError
// naming `file`, line and column. For readers other than the store (tests, tools).
std::vector<SummaryRow> parse_summaries_csv(std::string_view text,
                                            const std::filesystem::path& file);
// Reads and parses `file`; DataFileError also when it cannot be read.
std::vector<SummaryRow> load_summaries_csv(const std::filesystem::path& file);

class SummaryStore {
  public:
    // Called once per save, on the writer thread, after the outcome is durable (or has
    // failed). It must be quick and must not throw (a throw terminates the process):
    // post to your own executor for real work. Calling flush() from it deadlocks.
    using Done = std::function<void(SaveResult)>;

    struct Stats {
        std::uint64_t saves_ok = 0;
        std::uint64_t saves_failed = 0;
        std::uint64_t commits = 0;                   // whole-file writes that succeeded
        std::uint64_t failed_commits = 0;            // whole-file writes that failed
        std::uint64_t stale_temp_files_removed = 0;  // at opening: crashed writers' leftovers
        std::uint64_t reloads = 0;                   // re-reads of a file another writer changed
        std::uint64_t rejected_files = 0;            // invalid files found underneath, moved aside
    };

    // Opens `file`. If it does not exist, creates it durably with one row per patient and
    // empty summaries (throws std::system_error if that fails). If it exists it must be a
    // valid summaries file (header, three fields a row, unique non-empty ids), else
    // DataFileError naming file, line and column; a refused file is never written to.
    // Waits for the file's lock while another writer holds it (any process; a dead holder's
    // lock is released by the kernel). Removes stale temp files of the file first.
    SummaryStore(std::filesystem::path file, const std::vector<Patient>& patients,
                 SummaryStoreOptions options = {});
    // Finishes every queued save (their callbacks run), then joins the writer thread.
    ~SummaryStore();

    SummaryStore(const SummaryStore&) = delete;
    SummaryStore& operator=(const SummaryStore&) = delete;

    // Returns at once; `done` (may be empty) reports the outcome. Saves for one patient
    // apply in the order save() was called: the last one wins.
    void save(std::string patient_id, std::string summary, Done done);

    // The durable summary ("" if none yet); nullopt for an unknown id. Thread-safe.
    std::optional<std::string> summary(std::string_view patient_id) const;
    std::optional<std::string> name(std::string_view patient_id) const;
    // The summary as the file holds it now, other processes' saves included: the writer
    // thread first re-reads the file if another writer changed it (the check summary()
    // otherwise waits up to refresh_interval for), then calls `done` there, after the saves
    // this process queued before. For a caller that must not block (an I/O thread) and
    // must see another process's acknowledged save; `done` follows the rules of Done.
    using Fetched = std::function<void(std::optional<std::string>)>;
    void fetch(std::string patient_id, Fetched done);
    // Snapshot of the durable table, in file order.
    std::vector<SummaryRow> rows() const;

    // Blocks until every save queued before the call has been reported.
    void flush();

    Stats stats() const;
    const std::filesystem::path& file() const { return file_; }

  private:
    struct Pending {
        std::string patient_id;
        std::string summary;
        Done done;
    };

    void run();
    void commit(std::vector<Pending>& batch);
    void refresh_when_idle();
    void answer(std::vector<std::pair<std::string, Fetched>>& fetches, bool committed);
    // The rest hold lock_file_ (and run on the writer thread, or in the constructor).
    bool changed_underneath() const;
    std::optional<std::string> adopt_file_on_disk();
    bool merge(std::vector<SummaryRow>& disk);
    void write_locked(std::vector<Pending>& batch, std::optional<std::string> refused);
    void remember_file(std::uint64_t generation);
    std::string encode(const std::vector<const std::string*>& overrides) const;

    const std::filesystem::path file_;
    const std::shared_ptr<FileOps> ops_;
    common::Logger log_;
    const std::chrono::milliseconds refresh_interval_;
    LockFile lock_file_;
    std::uint64_t stale_temp_files_removed_ = 0;

    // What this store last read or wrote, to notice another writer's change. Writer only.
    std::optional<std::uint64_t> known_generation_;
    std::optional<FileIdentity> known_identity_;
    std::optional<FileIdentity> reported_bad_;  // a refused file already logged, once
    bool rewrite_needed_ = false;  // the file lacks rows this store holds (removed, rejected)

    // The durable table. Only the writer thread changes it (under an exclusive lock), so
    // the writer may read it without locking. Rows only grow (other writers' new ids).
    mutable std::shared_mutex table_mutex_;
    std::vector<SummaryRow> rows_;
    std::map<std::string, std::size_t, std::less<>> index_;
    std::string durable_bytes_;  // the file as last made durable, to restore it

    std::mutex queue_mutex_;
    std::condition_variable queue_cv_;
    std::condition_variable done_cv_;
    std::vector<Pending> queue_;
    std::vector<std::pair<std::string, Fetched>> fetches_;
    std::uint64_t enqueued_ = 0;
    std::uint64_t completed_ = 0;
    bool stopping_ = false;

    std::atomic<std::uint64_t> saves_ok_{0};
    std::atomic<std::uint64_t> saves_failed_{0};
    std::atomic<std::uint64_t> commits_{0};
    std::atomic<std::uint64_t> failed_commits_{0};
    std::atomic<std::uint64_t> reloads_{0};
    std::atomic<std::uint64_t> rejected_files_{0};

    std::thread writer_;  // last: starts after everything above is ready
};

}  // namespace core
