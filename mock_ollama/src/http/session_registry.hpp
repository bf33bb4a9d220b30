#pragma once
// The live connections of one server, for a graceful stop. A session and the generation it
// hosts keep each other alive until one of them ends, and a stalled stream never ends by
// itself: when the event loop stops, nothing would break that cycle and both would leak. The
// server therefore asks every session listed here to shut down. Weak references only, so the
// registry never keeps a connection alive; a session removes itself when destroyed.
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace mock_ollama {

class HttpSession;

class SessionRegistry {
  public:
    // Any thread: sessions come and go on their own strands, the stop comes from another.
    void add(const std::shared_ptr<HttpSession>& s) {
        std::lock_guard lock(mutex_);
        sessions_[s.get()] = s;
    }
    void remove(const HttpSession* s) {
        std::lock_guard lock(mutex_);
        sessions_.erase(s);
    }
    // Strong references to the sessions still alive. The caller drops them only after the
    // lock is released: the last reference may destroy a session, whose destructor locks.
    std::vector<std::shared_ptr<HttpSession>> live() const {
        std::vector<std::shared_ptr<HttpSession>> out;
        std::lock_guard lock(mutex_);
        out.reserve(sessions_.size());
        for (const auto& [key, weak] : sessions_) {
            if (auto s = weak.lock()) out.push_back(std::move(s));
        }
        return out;
    }

  private:
    mutable std::mutex mutex_;
    std::map<const HttpSession*, std::weak_ptr<HttpSession>> sessions_;
};

}  // namespace mock_ollama
