// The runbook JSON Schema: well-formed, draft 2020-12, and in step with the format's key lists
// (SPEC §1 and §5), so that it cannot silently drift from what the loader reads.
// tests/e2e/schema.sh validates real runbooks against it with a full JSON Schema validator.

#include "cutover/runbook/schema.hpp"

#include <doctest/doctest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "cutover/runbook/model.hpp"

namespace {

using nlohmann::json;
using Keys = std::set<std::string>;

const json& schema() {
  static const json parsed = json::parse(cutover::runbook_json_schema());
  return parsed;
}

const json& def(const std::string& name) {
  return schema().at("$defs").at(name);
}

Keys keys_of(const json& object) {
  Keys keys;
  for (const auto& [key, value] : object.items()) keys.insert(key);
  return keys;
}

// Sorted and comma-separated, so that a failing CHECK shows both sides readably.
std::string joined(const Keys& keys) {
  std::string text;
  for (const auto& key : keys) text += (text.empty() ? "" : ", ") + key;
  return text;
}

// The property's schema without the annotations that may differ between task and defaults.
json without_annotations(json property) {
  property.erase("description");
  property.erase("default");
  return property;
}

// Calls visit(node, json-pointer-ish path) for every object in the schema.
void walk(const json& node, const std::string& path,
          const std::function<void(const json&, const std::string&)>& visit) {
  if (node.is_object()) {
    visit(node, path);
    for (const auto& [key, value] : node.items()) walk(value, path + "/" + key, visit);
  } else if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i)
      walk(node[i], path + "/" + std::to_string(i), visit);
  }
}

// Whether text satisfies a string schema's pattern and minLength (ECMAScript, as JSON Schema).
bool accepts(const json& string_schema, const std::string& text) {
  if (text.size() < string_schema.value("minLength", std::size_t{0})) return false;
  return std::regex_search(text, std::regex(string_schema.at("pattern").get<std::string>()));
}

const Keys top_level_keys{"version", "id",      "title", "window", "vars",    "secrets", "defaults",
                          "phases",  "include", "tasks", "notify", "go_live", "identity"};

const Keys task_keys{
    "id",   "title",   "phase",    "owner",      "estimate",   "depends_on",
    "run",  "manual",  "gate",     "timeout",    "retries",    "retry_delay",
    "env",  "workdir", "rollback", "on_failure", "idempotent", "point_of_no_return",
    "shell"};

const Keys defaults_keys{"owner",   "timeout",    "retries",    "retry_delay", "env",
                         "workdir", "on_failure", "idempotent", "shell"};

}  // namespace

TEST_CASE("schema: the text is a JSON object") {
  json parsed;
  REQUIRE_NOTHROW(parsed = json::parse(cutover::runbook_json_schema()));
  CHECK(parsed.is_object());
}

TEST_CASE("schema: the text is pretty-printed with a 2-space indent and has no duplicate keys") {
  // Re-printing in file order reproduces the text only if it is canonical 2-space JSON; a
  // duplicate key (silently dropped by parsers) would make the re-printed text shorter.
  const std::string_view text = cutover::runbook_json_schema();
  CHECK(nlohmann::ordered_json::parse(text).dump(2) == text);
}

TEST_CASE("schema: draft 2020-12 with the published id") {
  CHECK(schema().at("$schema") == "https://json-schema.org/draft/2020-12/schema");
  CHECK(schema().at("$id") == "https://cutover.dev/schema/runbook-v1.json");
  CHECK(schema().at("type") == "object");
  CHECK_FALSE(schema().at("title").get<std::string>().empty());
}

TEST_CASE("schema: top-level keys match the format") {
  CHECK(joined(keys_of(schema().at("properties"))) == joined(top_level_keys));
  CHECK(joined(schema().at("required").get<Keys>()) == joined({"version", "id"}));
  // Its tasks may all be in the files it includes.
  CHECK(schema().at("anyOf") ==
        json::parse(R"([{"required": ["tasks"]}, {"required": ["include"]}])"));
  CHECK(schema().at("properties").at("version").at("const") == 1);
  CHECK(schema().at("properties").at("tasks").at("minItems") == 1);
  CHECK(schema().at("additionalProperties") == false);
}

TEST_CASE("schema: task keys match the format") {
  CHECK(joined(keys_of(def("task").at("properties"))) == joined(task_keys));
  CHECK(joined(def("task").at("required").get<Keys>()) == "id");
}

TEST_CASE("schema: a task is exactly one of run - manual or gate") {
  const json expected = json::parse(R"([
    {"required": ["run"]}, {"required": ["manual"]}, {"required": ["gate"]}
  ])");
  CHECK(def("task").at("oneOf") == expected);
}

TEST_CASE("schema: defaults keys match the format - with the same types as the task keys") {
  const json& properties = def("defaults").at("properties");
  CHECK(joined(keys_of(properties)) == joined(defaults_keys));
  for (const auto& [key, property] : properties.items()) {
    CAPTURE(key);
    REQUIRE(def("task").at("properties").contains(key));
    CHECK(without_annotations(property) ==
          without_annotations(def("task").at("properties").at(key)));
  }
}

TEST_CASE("schema: every closed object and every property is documented") {
  int objects = 0;
  walk(schema(), "", [&](const json& node, const std::string& path) {
    if (node.value("type", json()) != "object") return;
    ++objects;
    CAPTURE(path);
    CHECK(node.contains("description"));
    if (!node.contains("properties")) {
      // A map (vars, env): its values are described instead.
      CHECK(node.at("additionalProperties").is_object());
      return;
    }
    // Unknown keys must fail: every object with named keys is closed.
    CHECK(node.value("additionalProperties", json(true)) == false);
    for (const auto& [key, property] : node.at("properties").items()) {
      CAPTURE(key);
      CHECK_FALSE(property.value("description", std::string()).empty());
    }
  });
  CHECK(objects >= 10);
}

TEST_CASE("schema: the shared definitions exist and every reference resolves") {
  CHECK(joined(keys_of(schema().at("$defs"))) ==
        joined({"id", "duration", "timestamp", "window", "depends_on", "env", "shell", "on_failure",
                "rollback", "expect", "check", "gate", "task", "defaults", "notify_hook",
                "notify_event", "approvers", "include"}));
  int refs = 0;
  walk(schema(), "", [&](const json& node, const std::string& path) {
    if (!node.contains("$ref")) return;
    ++refs;
    const std::string ref = node.at("$ref").get<std::string>();
    CAPTURE(path);
    CAPTURE(ref);
    REQUIRE(ref.starts_with("#/$defs/"));
    CHECK(schema().at("$defs").contains(ref.substr(8)));
  });
  CHECK(refs >= 20);
}

TEST_CASE("schema: durations") {
  const json& duration = def("duration");
  for (const char* good : {"45s", "15m", "1h30m", "2d", "1d12h", "0s", "90m", "1d2h3m4s"}) {
    CAPTURE(good);
    CHECK(accepts(duration, good));
  }
  for (const char* bad : {"", "1.5h", "30m1h", "h", "5", "1h 30m", "-5m", "1H", "1h1h"}) {
    CAPTURE(bad);
    CHECK_FALSE(accepts(duration, bad));
  }
}

TEST_CASE("schema: ids and timestamps") {
  for (const char* good : {"erp-go-live", "a", "0", "db.upgrade_2"}) {
    CAPTURE(good);
    CHECK(accepts(def("id"), good));
  }
  for (const char* bad : {"", "Bad_ID", "-a", ".a", "a b", "go-live!"}) {
    CAPTURE(bad);
    CHECK_FALSE(accepts(def("id"), bad));
  }
  CHECK(def("timestamp").at("format") == "date-time");
  for (const char* good :
       {"2026-11-28T18:00:00+01:00", "2026-11-28T17:00:00Z", "2026-11-28T17:00:00.5Z"}) {
    CAPTURE(good);
    CHECK(accepts(def("timestamp"), good));
  }
  for (const char* bad : {"2026-11-28", "2026-11-28T18:00", "2026-11-28T18:00:00",
                          "2026-13-28T18:00:00Z", "28.11.2026 18:00"}) {
    CAPTURE(bad);
    CHECK_FALSE(accepts(def("timestamp"), bad));
  }
}

TEST_CASE("schema: a window has a start and exactly one of duration or end") {
  CHECK(joined(keys_of(def("window").at("properties"))) == "duration, end, start");
  CHECK(joined(def("window").at("required").get<Keys>()) == "start");
  CHECK(def("window").at("oneOf") ==
        json::parse(R"([{"required": ["duration"]}, {"required": ["end"]}])"));
}

TEST_CASE("schema: gates - checks and rollbacks") {
  CHECK(joined(keys_of(def("gate").at("properties"))) == "approvals, checks");
  CHECK(def("gate").at("anyOf") ==
        json::parse(R"([{"required": ["checks"]}, {"required": ["approvals"]}])"));
  CHECK(def("gate").at("properties").at("checks").at("minItems") == 1);
  CHECK(def("approvers").at("minItems") == 1);
  // A list (every name), or four eyes: any `min` of `by`.
  const json& approvals = def("gate").at("properties").at("approvals").at("oneOf");
  CHECK(approvals[0].at("$ref") == "#/$defs/approvers");
  CHECK(joined(keys_of(approvals[1].at("properties"))) == "by, min");
  CHECK(approvals[1].at("required") == json::parse(R"(["by"])"));
  CHECK(joined(keys_of(def("check").at("properties"))) ==
        "expect, name, retries, retry_delay, run, timeout");
  CHECK(joined(def("check").at("required").get<Keys>()) == "name, run");
  CHECK(joined(keys_of(def("expect").at("properties"))) == "exit_code, stderr, stdout");
  CHECK(def("on_failure").at("enum") == json::parse(R"(["rollback", "stop", "continue"])"));
  const json& forms = def("rollback").at("oneOf");
  REQUIRE(forms.size() == 3);
  CHECK(forms[0].at("type") == "string");
  CHECK(joined(keys_of(forms[1].at("properties"))) == "estimate, run, timeout");
  CHECK(joined(keys_of(forms[2].at("properties"))) == "estimate, manual");
}

TEST_CASE("schema: notify hooks hear exactly the loader's events") {
  std::vector<std::string> events;
  for (const cutover::NotifyEvent event : cutover::notify_events()) {
    events.emplace_back(cutover::to_string(event));
  }
  CHECK(def("notify_event").at("enum").get<std::vector<std::string>>() == events);
  CHECK(joined(keys_of(def("notify_hook").at("properties"))) == "on, run, timeout");
  CHECK(joined(def("notify_hook").at("required").get<Keys>()) == "on, run");
  CHECK(schema().at("properties").at("notify").at("items").at("$ref") == "#/$defs/notify_hook");
}

TEST_CASE("schema: a workstream file's schema - its three keys - the runbook's definitions") {
  const json workstream = json::parse(cutover::workstream_json_schema());
  CHECK(workstream.at("$schema") == schema().at("$schema"));
  CHECK(workstream.at("$id") == "https://cutover.dev/schema/workstream-v1.json");
  CHECK(joined(keys_of(workstream.at("properties"))) == joined({"include", "defaults", "tasks"}));
  CHECK(workstream.at("properties").at("tasks") == schema().at("properties").at("tasks"));
  CHECK(workstream.at("$defs") == schema().at("$defs"));
  CHECK(workstream.at("anyOf") == schema().at("anyOf"));
  CHECK_FALSE(workstream.contains("required"));
  CHECK(workstream.at("additionalProperties") == false);
}
