#include "mock_ollama/fault.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace {

using mock_ollama::Fault;
using mock_ollama::FaultKind;
using mock_ollama::parse_fault;
using ::testing::HasSubstr;

Fault ok(std::string_view spec) {
    auto r = parse_fault(spec);
    if (auto* err = std::get_if<std::string>(&r)) ADD_FAILURE() << spec << ": " << *err;
    return std::get_if<Fault>(&r) ? std::get<Fault>(r) : Fault{};
}

std::string error(std::string_view spec) {
    auto r = parse_fault(spec);
    if (std::holds_alternative<Fault>(r)) {
        ADD_FAILURE() << spec << " parsed but should not";
        return {};
    }
    return std::get<std::string>(r);
}

TEST(Fault, EmptyAndNoneMeanNoFault) {
    EXPECT_FALSE(ok("").active());
    EXPECT_FALSE(ok("none").active());
}

TEST(Fault, HttpStatusNamesCarryTheirStatusAndAnOllamaMessage) {
    EXPECT_EQ(ok("http_500").status, 500);
    EXPECT_EQ(ok("http_503").status, 503);
    EXPECT_EQ(ok("http_404").status, 404);
    const auto f = ok("http_429:retry_after=7");
    EXPECT_EQ(f.kind, FaultKind::http_status);
    EXPECT_EQ(f.status, 429);
    EXPECT_EQ(f.retry_after_s, 7);
    EXPECT_FALSE(f.message.empty());
    EXPECT_EQ(ok("http_status:code=502").status, 502);
}

TEST(Fault, StreamFaultsReadTheirKeys) {
    auto f = ok("stall:after=5,ms=1500");
    EXPECT_EQ(f.kind, FaultKind::stall);
    EXPECT_EQ(f.after, 5u);
    ASSERT_TRUE(f.duration.has_value());
    EXPECT_EQ(*f.duration, std::chrono::milliseconds(1500));
    EXPECT_FALSE(ok("stall:after=2").duration.has_value()) << "no ms means forever";
    EXPECT_EQ(ok("reset:after=3").kind, FaultKind::reset);
    EXPECT_EQ(ok("close:after=3").after, 3u);
    EXPECT_EQ(ok("cut:bytes=100").bytes, 100u);
    EXPECT_EQ(ok("malformed:after=1").kind, FaultKind::malformed_line);
    EXPECT_EQ(ok("empty").kind, FaultKind::empty);
    EXPECT_EQ(ok("garbage").kind, FaultKind::garbage);
    EXPECT_EQ(*ok("slow_headers:ms=250").duration, std::chrono::milliseconds(250));
}

TEST(Fault, ErrorLineMessageMayContainCommas) {
    const auto f = ok("error_line:after=2,message=out of memory, retry");
    EXPECT_EQ(f.after, 2u);
    EXPECT_EQ(f.message, "out of memory, retry");
    EXPECT_FALSE(ok("error_line").message.empty());
}

TEST(Fault, KeepsItsSpecForLogs) {
    EXPECT_EQ(ok(" reset:after=1 ").spec, "reset:after=1");
}

TEST(Fault, UnknownNameListsTheValidOnes) {
    const auto e = error("explode");
    EXPECT_THAT(e, HasSubstr("unknown fault 'explode'"));
    EXPECT_THAT(e, HasSubstr("stall"));
    EXPECT_THAT(e, HasSubstr("garbage"));
}

TEST(Fault, BadKeysAndValuesAreClearErrors) {
    EXPECT_THAT(error("stall:after=x"), HasSubstr("after must be a non-negative integer, got 'x'"));
    EXPECT_THAT(error("stall:bytes=3"), HasSubstr("takes no key 'bytes'"));
    EXPECT_THAT(error("cut:100"), HasSubstr("expected key=value"));
    EXPECT_THAT(error("http_status:code=200"), HasSubstr("code must be 400..599"));
    EXPECT_THAT(error("stall:after=-1"), HasSubstr("non-negative"));
}

}  // namespace
