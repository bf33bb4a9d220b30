#include "core/server_config.hpp"

#include "common/clock.hpp"

namespace core {

ServerConfig ServerConfig::scaled() const {
    ServerConfig c = *this;
    const double f = time_scale;
    c.ping_interval = common::scaled(ping_interval, f);
    c.pong_timeout = common::scaled(pong_timeout, f);
    c.shutdown_grace = common::scaled(shutdown_grace, f);
    c.session_idle_timeout = common::scaled(session_idle_timeout, f);
    c.ollama.inactivity_timeout = common::scaled(ollama.inactivity_timeout, f);
    c.ollama.total_deadline = common::scaled(ollama.total_deadline, f);
    c.ollama.connect_timeout = common::scaled(ollama.connect_timeout, f);
    c.time_scale = 1.0;
    return c;
}

}  // namespace core
