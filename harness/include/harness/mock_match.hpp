#pragma once
// Which upstream (mock) request produced each call's stream, so that the client's view of a
// token can be compared with the mock's: text, order, and emission time (relay lag).
#include <cstddef>
#include <string>
#include <vector>

#include "harness/call_record.hpp"
#include "harness/mock_admin.hpp"

namespace harness {

// For each call, the index in `mock` of its request, or -1. A call is matched to a request
// not matched before whose emitted text equals the call's streamed text; when several do
// (the same prompt twice), to one whose prompt contains the call's hint (e.g. "Name: Ada
// Lovelace\n"), then to the one whose first emission is closest to the call's first token.
// A call whose stream matches no text (a corrupted stream) is matched by its hint alone.
std::vector<long> match_calls_to_mock(const std::vector<const CallRecord*>& calls,
                                      const std::vector<std::string>& hints,
                                      const std::vector<MockRequest>& mock);

}  // namespace harness
