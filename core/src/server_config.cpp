#include "core/server_config.hpp"

namespace core {

namespace {
std::chrono::milliseconds scale(std::chrono::milliseconds d, double f) {
    if (d.count() <= 0) return d;
    const auto ms = static_cast<std::int64_t>(static_cast<double>(d.count()) * f + 0.5);
    return std::chrono::milliseconds(ms < 1 ? 1 : ms);
}
}  // namespace

ServerConfig ServerConfig::scaled() const {
    ServerConfig c = *this;
    const double f = time_scale;
    c.ping_interval = scale(ping_interval, f);
    c.pong_timeout = scale(pong_timeout, f);
    c.shutdown_grace = scale(shutdown_grace, f);
    c.ollama.inactivity_timeout = scale(ollama.inactivity_timeout, f);
    c.ollama.total_deadline = scale(ollama.total_deadline, f);
    c.ollama.connect_timeout = scale(ollama.connect_timeout, f);
    c.time_scale = 1.0;
    return c;
}

}  // namespace core
