#include "run/server_args.hpp"

#include "run/cli_number.hpp"

namespace harness {

std::vector<std::string> server_args(const ServerSettings& s, const std::filesystem::path& data_dir,
                                     const std::string& ollama_url, double time_scale) {
    std::vector<std::string> args = {
        "--port",       "0",        "--data-dir",   data_dir.string(),
        "--ollama-url", ollama_url, "--time-scale", cli_number(time_scale),
        "--log-level",  "info"};
    if (s.ollama_timeout_s)
        args.insert(args.end(), {"--ollama-timeout", cli_number(*s.ollama_timeout_s)});
    if (s.ollama_deadline_s)
        args.insert(args.end(), {"--ollama-deadline", cli_number(*s.ollama_deadline_s)});
    if (s.ping_interval_s)
        args.insert(args.end(), {"--ping-interval", cli_number(*s.ping_interval_s)});
    if (s.pong_timeout_s)
        args.insert(args.end(), {"--pong-timeout", cli_number(*s.pong_timeout_s)});
    if (s.max_message) args.insert(args.end(), {"--max-message", std::to_string(*s.max_message)});
    if (s.queue_limit) args.insert(args.end(), {"--queue-limit", std::to_string(*s.queue_limit)});
    if (s.stream_upstream && !*s.stream_upstream) args.push_back("--no-stream-upstream");
    if (s.patients) args.insert(args.end(), {"--patients", std::to_string(*s.patients)});
    return args;
}

}  // namespace harness
