#include "cutover/run/inbox.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>

namespace cutover {

namespace {

using json = nlohmann::ordered_json;

std::string compact_utc(UtcTime time) {
  // 2026-11-28T17:00:00.123Z -> 20261128T170000123Z: sorts by time as text.
  std::string text = format_utc_ms(time);
  text.erase(std::remove_if(text.begin(), text.end(),
                            [](char c) { return c == '-' || c == ':' || c == '.'; }),
             text.end());
  return text;
}

std::string string_field(const json& object, const char* name, bool required) {
  const auto it = object.find(name);
  if (it == object.end() || !it->is_string()) {
    if (required) throw std::invalid_argument(fmt::format("no \"{}\" text", name));
    return {};
  }
  return it->get<std::string>();
}

Decision parse_decision(const std::string& text) {
  const json object = json::parse(text);
  if (!object.is_object()) throw std::invalid_argument("not a JSON object");
  Decision decision;
  decision.id = string_field(object, "id", true);
  decision.run_id = string_field(object, "run_id", true);
  decision.run_started = string_field(object, "run_started", false);
  const auto kind = parse_decision_kind(string_field(object, "kind", true));
  if (!kind) throw std::invalid_argument("an unknown \"kind\"");
  decision.kind = *kind;
  decision.task = string_field(object, "task", true);
  if (decision.kind == DecisionKind::mark) {
    const auto verdict = parse_verdict(string_field(object, "verdict", true));
    if (!verdict) throw std::invalid_argument("an unknown \"verdict\"");
    decision.verdict = *verdict;
  }
  decision.by = string_field(object, "by", true);
  decision.note = string_field(object, "note", false);
  decision.user = string_field(object, "user", false);
  decision.host = string_field(object, "host", false);
  const auto time = parse_timestamp(string_field(object, "time", true));
  if (!time) throw std::invalid_argument("no valid \"time\"");
  decision.time = time->utc;
  decision.signature = string_field(object, "signature", false);
  return decision;
}

}  // namespace

std::string new_decision_id(UtcTime now) {
  std::random_device device;
  return fmt::format("{}-{}-{:08x}", compact_utc(now), ::getpid(), device());
}

json decision_json(const Decision& decision) {
  json object = {{"id", decision.id},
                 {"run_id", decision.run_id},
                 {"kind", to_string(decision.kind)},
                 {"task", decision.task}};
  if (decision.kind == DecisionKind::mark) object["verdict"] = to_string(decision.verdict);
  object["by"] = decision.by;
  if (!decision.note.empty()) object["note"] = decision.note;
  object["user"] = decision.user;
  object["host"] = decision.host;
  object["time"] = format_utc_ms(decision.time);
  if (!decision.run_started.empty()) object["run_started"] = decision.run_started;
  if (!decision.signature.empty()) object["signature"] = decision.signature;
  return object;
}

std::filesystem::path make_inbox(const std::filesystem::path& run_dir, FileSystem& file_system) {
  const auto inbox = run_dir / inbox_dir_name;
  file_system.create_directories(inbox);
  return inbox;
}

void deliver(const std::filesystem::path& run_dir, const Decision& decision,
             FileSystem& file_system) {
  const auto inbox = make_inbox(run_dir, file_system);
  // Under a hidden temporary name first (read_inbox skips names starting with '.'), then
  // renamed: the executor never reads half a decision.
  write_file_atomically(file_system, inbox / (decision.id + ".json"),
                        decision_json(decision).dump() + "\n");
}

std::vector<InboxItem> read_inbox(const std::filesystem::path& run_dir) {
  std::vector<InboxItem> items;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(run_dir / inbox_dir_name, error)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with('.') || !name.ends_with(".json") || !entry.is_regular_file(error)) {
      continue;
    }
    InboxItem item{entry.path(), std::string{}};
    try {
      item.content = parse_decision(read_file(entry.path()));
    } catch (const std::exception& problem) {
      item.content = fmt::format("{} cannot be read as a decision: {}", name, problem.what());
    }
    items.push_back(std::move(item));
  }
  std::sort(items.begin(), items.end(),
            [](const InboxItem& a, const InboxItem& b) { return a.file < b.file; });
  return items;
}

void remove_from_inbox(const InboxItem& item, FileSystem& file_system) {
  file_system.remove(item.file);
  file_system.sync_directory(item.file.parent_path());
}

}  // namespace cutover
