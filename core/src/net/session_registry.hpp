#pragma once
// The live connections of one server (WebSocket sessions, HTTP connections), for graceful
// shutdown: weak references only, so the registry never keeps a connection alive.
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>

namespace core {

class RegisteredConnection {
  public:
    virtual ~RegisteredConnection() = default;
    // Close once what is queued (a final response) is out. Any thread.
    virtual void shutdown() = 0;
};

class SessionRegistry {
  public:
    void add(const std::shared_ptr<RegisteredConnection>& c);
    void remove(const RegisteredConnection* c);
    // Asks every connection to close.
    void shutdown_all();
    std::size_t size() const;

  private:
    mutable std::mutex mutex_;
    std::map<const RegisteredConnection*, std::weak_ptr<RegisteredConnection>> connections_;
};

}  // namespace core
