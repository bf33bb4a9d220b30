// What sharing the summaries file between processes costs each group commit: the lock on
// "<file>.lock", the change check (stat + generation read), the generation bump and the
// identity remembered afterwards -- against the write it guards (temp file, fsync, rename,
// directory fsync, as every commit did before), and a whole commit through the store, alone
// and alternating with a second store (each commit then re-reads the other's file).
// Files live in $TMPDIR (default /tmp): its filesystem decides the fsync figures.
#include <unistd.h>
#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <string>

#include <benchmark/benchmark.h>

#include "core/file_ops.hpp"
#include "core/patients.hpp"
#include "core/summary_store.hpp"

namespace {

namespace fs = std::filesystem;

// A fresh folder for one benchmark, removed at the end.
struct Folder {
    Folder() {
        const char* tmp = std::getenv("TMPDIR");
        path = fs::path(tmp && *tmp ? tmp : "/tmp") /
               ("msh-store-micro-" + std::to_string(::getpid()) + "-" + std::to_string(++count));
        fs::create_directories(path);
    }
    ~Folder() { fs::remove_all(path); }
    fs::path path;
    static inline int count = 0;
};

core::SummaryStoreOptions commit_only() {
    core::SummaryStoreOptions o;
    o.refresh_interval = std::chrono::milliseconds(0);
    o.log = common::Logger("bench", common::LogLevel::warn);
    return o;
}

void save_and_wait(core::SummaryStore& store, const std::string& id, std::string text) {
    std::promise<void> done;
    store.save(id, std::move(text), [&done](const core::SaveResult&) { done.set_value(); });
    done.get_future().wait();
}

// The guard alone, as commit() runs it when nobody else wrote meanwhile.
void BM_CommitGuard(benchmark::State& state) {
    Folder folder;
    const auto file = folder.path / "patient_summaries.csv";
    { core::SummaryStore create(file, core::generate_patients(100, 42), commit_only()); }
    core::LockFile lock(file);
    std::uint64_t generation = *lock.generation();
    std::error_code ec;
    for (auto _ : state) {
        lock.lock();
        auto identity = core::identify_file(file, ec);
        auto seen = lock.generation();
        benchmark::DoNotOptimize(identity);
        benchmark::DoNotOptimize(seen);
        (void)lock.set_generation(++generation);
        identity = core::identify_file(file, ec);
        benchmark::DoNotOptimize(identity);
        lock.unlock();
    }
}
BENCHMARK(BM_CommitGuard)->Unit(benchmark::kMicrosecond);

// The durable write every commit did before (and still does), same file size.
void BM_WriteFileAtomically(benchmark::State& state) {
    Folder folder;
    const auto file = folder.path / "patient_summaries.csv";
    { core::SummaryStore create(file, core::generate_patients(100, 42), commit_only()); }
    const auto bytes = std::string(fs::file_size(file) + 100 * 200, 'x');
    core::PosixFileOps ops;
    for (auto _ : state) {
        if (core::write_file_atomically(ops, file, bytes)) state.SkipWithError("write failed");
    }
}
BENCHMARK(BM_WriteFileAtomically)->Unit(benchmark::kMicrosecond)->UseRealTime();

// One save at a time through the store: one whole commit each. Arg 1: two stores on the
// file, saving in turn, so that every commit first re-reads the other's.
void BM_StoreCommit(benchmark::State& state) {
    Folder folder;
    const auto file = folder.path / "patient_summaries.csv";
    const auto patients = core::generate_patients(100, 42);
    core::SummaryStore a(file, patients, commit_only());
    std::unique_ptr<core::SummaryStore> b;
    if (state.range(0) == 1)
        b = std::make_unique<core::SummaryStore>(file, patients, commit_only());
    std::size_t n = 0;
    for (auto _ : state) {
        auto& store = (b && n % 2 == 1) ? *b : a;
        save_and_wait(store, core::patient_id_for(n % 100 + 1), std::string(200, 'a' + n % 26));
        ++n;
    }
    state.counters["reloads"] =
        static_cast<double>(a.stats().reloads + (b ? b->stats().reloads : 0));
}
BENCHMARK(BM_StoreCommit)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
