#pragma once
// The live WebSocket sessions of one server, for graceful shutdown: weak references only,
// so the registry never keeps a connection alive.
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>

namespace core {

class WsSession;

class SessionRegistry {
  public:
    void add(const std::shared_ptr<WsSession>& s);
    void remove(const WsSession* s);
    // Asks every session to close (1001 going away).
    void shutdown_all();
    std::size_t size() const;

  private:
    mutable std::mutex mutex_;
    std::map<const WsSession*, std::weak_ptr<WsSession>> sessions_;
};

}  // namespace core
