// The streamed JSON is, byte for byte, what nlohmann's dump(2) prints for the whole tree.
#include "base/json_stream.hpp"

#include <doctest/doctest.h>

using Json = nlohmann::ordered_json;
using cutover::JsonObjectStream;

TEST_CASE("json stream: the same text as dump(2) - or dump() on one line - of the whole tree") {
  const Json task_a = {
      {"id", "a"}, {"title", "line one\nline \"two\""}, {"depends_on", Json::array()}};
  const Json task_b = {{"id", "b"}, {"nested", {{"k", {1, 2, {{"deep", nullptr}}}}}}};
  Json whole;
  whole["runbook"] = {{"id", "erp"}, {"title", "Go-live – weekend"}};
  whole["total_s"] = 5400;
  whole["tasks"] = Json::array({task_a, task_b});
  whole["empty"] = Json::array();
  whole["gates"] = Json::array({Json::object()});

  // The tree's members, streamed.
  const auto streamed = [&](JsonObjectStream::Layout layout) {
    JsonObjectStream out(layout);
    out.member("runbook", whole["runbook"]);
    out.member("total_s", 5400);
    out.begin_array("tasks");
    out.element(task_a);
    out.element(task_b);
    out.end_array();
    out.begin_array("empty");
    out.end_array();
    out.member("gates", whole["gates"]);
    return std::move(out).finish();
  };
  CHECK(streamed(JsonObjectStream::pretty) == whole.dump(2) + "\n");
  CHECK(streamed(JsonObjectStream::compact) == whole.dump() + "\n");
}

TEST_CASE("json stream: an empty object - and invalid UTF-8 replaced rather than thrown") {
  CHECK(JsonObjectStream().finish() == Json::object().dump(2) + "\n");
  CHECK(JsonObjectStream(JsonObjectStream::compact).finish() == "{}\n");
  JsonObjectStream out;
  out.member("bad", std::string("a\xff"));
  CHECK(std::move(out).finish() == "{\n  \"bad\": \"a\xEF\xBF\xBD\"\n}\n");
}
