// concurrency.isolation: each call gets only its own tokens; every save lands.
#include <gtest/gtest.h>

#include "run_builder.hpp"

namespace harness {
namespace {

using reports::Status;
using namespace harness::testing;

// Client 0 generates for P001 while client 1 generates for P002, overlapping in time, both
// saving.
RunBuilder two_clients() {
    RunBuilder b;
    Generate a;
    a.save = true;
    a.tokens = {"Ada", " has", " a", " mild", " fever", "."};
    b.generate(a);
    Generate t;
    t.client = 1;
    t.patient_id = "P002";
    t.patient_name = "Alan Turing";
    t.save = true;
    t.sent_ms = 7;
    t.tokens = {"Alan", " reports", " chest", " pain", " today", "."};
    b.generate(t);
    return b;
}

TEST(ChecksIsolation, PassesWhenEachCallGetsItsOwnTokens) {
    RunBuilder b = two_clients();
    const auto r = evaluate_check("concurrency.isolation", b.run());
    EXPECT_EQ(r.status, Status::passed) << r.message;
    EXPECT_EQ(r.total_items, 4u);  // two streams, two saved rows
}

TEST(ChecksIsolation, FailsOnCrossTalk) {
    RunBuilder b = two_clients();
    auto& a = b.record().steps[0].call;
    a.tokens[3].text = " chest";  // client 1's token 2
    renumber(a);
    const auto r = evaluate_check("concurrency.isolation", b.run());
    EXPECT_EQ(r.status, Status::failed);
    ASSERT_EQ(r.evidence.size(), 1u);
    const auto& e = r.evidence[0];
    EXPECT_EQ(e.call, "client 0 steps[0] generate P001 (id 1)");
    EXPECT_EQ(e.token_index, 3u);
    EXPECT_EQ(e.expected, "\" mild\"");
    EXPECT_EQ(e.got, "\" chest\"");
    EXPECT_EQ(e.detail,
              "cross-talk: the token is token 2 of mock request #2, client 1 steps[0] generate "
              "P002 (id 1)");
}

TEST(ChecksIsolation, ACorruptedTokenIsNamedAsSuch) {
    RunBuilder b = two_clients();
    auto& a = b.record().steps[0].call;
    a.tokens[1].text = " h\xC3";
    renumber(a);
    const auto r = evaluate_check("concurrency.isolation", b.run());
    EXPECT_EQ(r.status, Status::failed);
    EXPECT_EQ(first_evidence(r).got, "\" h\\xC3\"");
    EXPECT_EQ(first_evidence(r).detail, "the token is in no mock request's output (corrupted)");
}

TEST(ChecksIsolation, FailsOnALostUpdate) {
    RunBuilder b;
    b.update(0, "steps[0]", "1", 0, "P002", "from client 0");
    b.update(1, "steps[0]", "1", 50, "P002", "from client 1");
    RunBuilder::set_summary(b.after, "P002", "from client 0");
    const auto r = evaluate_check("concurrency.isolation", b.run());
    EXPECT_EQ(r.status, Status::failed);
    const auto& e = first_evidence(r);
    EXPECT_EQ(e.call, "client 1 steps[0] update P002 (id 1)");
    EXPECT_EQ(e.expected, "\"from client 1\"");
    EXPECT_EQ(e.got, "\"from client 0\"");
    EXPECT_EQ(e.detail,
              "the save did not land: saved text and the summary sent differ at byte 12 "
              "(expected 13 bytes, got 13)");
}

TEST(ChecksIsolation, ACancelledCallMayStopEarlyButNotTakeForeignTokens) {
    RunBuilder b = two_clients();
    auto& s = b.record().steps[0];
    s.cancelled = true;
    s.call.tokens.resize(3);
    renumber(s.call);
    fail_transport(s.call, "cancelled", 100);
    RunBuilder::set_summary(b.after, "P001", "");
    EXPECT_EQ(evaluate_check("concurrency.isolation", b.run()).status, Status::passed);

    s.call.tokens[2].text = " reports";
    const auto r = evaluate_check("concurrency.isolation", b.run());
    EXPECT_EQ(r.status, Status::failed);
    EXPECT_EQ(first_evidence(r).detail,
              "cross-talk: the token is token 1 of mock request #2, client 1 steps[0] generate "
              "P002 (id 1)");
}

}  // namespace
}  // namespace harness
