// The one spelling of Ollama's model-name rule, used wherever the mock compares, stores or
// hashes a model name (the config's models and rules, the API's lookup, scripts, text seeds).
#pragma once

#include <string>
#include <string_view>

namespace mock_ollama {

// An untagged name means NAME:latest, as in Ollama: "phi" and "phi:latest" are one model.
// The tag is looked for after the last '/', so a registry port ("host:5000/ns/phi") is not
// a tag. Every other name, tagged or odd ("a:", ":", "a:b:c"), is returned as it is; "" is
// untagged too and becomes ":latest" (the API refuses an empty name before asking).
std::string canonical_model_name(std::string_view name);

// The name as Ollama's errors spell a model (its m.Name): canonical, with the default host
// and namespace filled in, "registry.ollama.ai/library/phi:latest" for "phi".
std::string qualified_model_name(std::string_view name);

}  // namespace mock_ollama
