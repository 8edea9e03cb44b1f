#include "cutover/run/journal.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/sha256.hpp"

namespace cutover {

namespace {

using Json = nlohmann::ordered_json;

// The complete lines of a journal and what follows the last newline (a torn write, if any).
struct Lines {
  std::vector<std::string_view> complete;
  std::string_view torn;
};

Lines split_lines(std::string_view text) {
  Lines lines;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string_view::npos; start = end + 1) {
    lines.complete.push_back(text.substr(start, end - start));
  }
  lines.torn = text.substr(start);
  return lines;
}

std::string torn_warning(std::size_t line) {
  return fmt::format("line {} is incomplete (a write cut short by a crash) and is ignored", line);
}

Json go_live_json(const GoLiveBasis& basis) {
  Json signoffs = Json::array();
  for (const auto& [by, run] : basis.signoffs) signoffs.push_back({{"by", by}, {"run", run}});
  Json override_by = nullptr;
  if (basis.override_by) {
    override_by = {{"by", basis.override_by->by}, {"reason", basis.override_by->reason}};
    if (const auto& signature = basis.override_by->signature) {
      override_by["signature"] = encode_signature(*signature);
    }
  }
  return {{"rehearsals", basis.rehearsals},
          {"signoffs", std::move(signoffs)},
          {"override", std::move(override_by)}};
}

Json header_json(const JournalHeader& header) {
  Json json{{"format", journal_format_name},
            {"version", journal_format_version},
            {"run_id", header.run_id},
            {"label", header.label},
            {"runbook_sha256", header.runbook_sha256},
            {"cutover_version", header.cutover_version},
            {"host", header.host},
            {"user", header.user},
            {"time", format_utc_ms(header.time)}};
  if (header.go_live) json["go_live"] = go_live_json(*header.go_live);
  if (!header.allowed_signers_sha256.empty()) {
    json["allowed_signers_sha256"] = header.allowed_signers_sha256;
  }
  return json;
}

std::string dump(const Json& json) {
  // Invalid UTF-8 (a child's output, say) is replaced rather than failing the write.
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::optional<Json> parse_object(std::string_view line) {
  Json json = Json::parse(line, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  return json;
}

template <typename T>
std::optional<T> field(const Json& json, std::string_view name) {
  const auto found = json.find(name);
  if (found == json.end()) return std::nullopt;
  if constexpr (std::is_same_v<T, std::string>) {
    if (!found->is_string()) return std::nullopt;
  } else {
    if (!found->is_number_integer()) return std::nullopt;
  }
  return found->template get<T>();
}

// The header's problem, or empty when it is one.
std::string header_problem(const std::optional<Json>& json) {
  if (!json) return "the header is not a JSON object";
  if (field<std::string>(*json, "format") != journal_format_name) {
    return "not a cutover journal (no \"format\": \"cutover-journal\")";
  }
  const auto version = field<int>(*json, "version");
  if (version != journal_format_version) {
    return fmt::format("journal format version {} is not the {} this cutover reads",
                       version ? std::to_string(*version) : "?", journal_format_version);
  }
  return {};
}

// Tolerant, as every reading of a journal: what does not fit is left out.
std::optional<GoLiveBasis> parse_go_live(const Json& header) {
  const auto found = header.find("go_live");
  if (found == header.end() || !found->is_object()) return std::nullopt;
  GoLiveBasis basis;
  if (const auto runs = found->find("rehearsals"); runs != found->end() && runs->is_array()) {
    for (const Json& run : *runs) {
      if (run.is_string()) basis.rehearsals.push_back(run.get<std::string>());
    }
  }
  if (const auto signoffs = found->find("signoffs");
      signoffs != found->end() && signoffs->is_array()) {
    for (const Json& signoff : *signoffs) {
      if (!signoff.is_object()) continue;
      basis.signoffs.emplace_back(field<std::string>(signoff, "by").value_or(""),
                                  field<std::string>(signoff, "run").value_or(""));
    }
  }
  if (const auto override_by = found->find("override");
      override_by != found->end() && override_by->is_object()) {
    basis.override_by = GoLiveOverride{field<std::string>(*override_by, "by").value_or(""),
                                       field<std::string>(*override_by, "reason").value_or("")};
    const auto signature = override_by->find("signature");
    basis.override_by->signature =
        decode_signature(signature == override_by->end() ? nullptr : &*signature);
  }
  return basis;
}

JournalHeader parse_header(const Json& json) {
  JournalHeader header;
  header.run_id = field<std::string>(json, "run_id").value_or("");
  header.label = field<std::string>(json, "label").value_or("");
  header.runbook_sha256 = field<std::string>(json, "runbook_sha256").value_or("");
  header.cutover_version = field<std::string>(json, "cutover_version").value_or("");
  header.host = field<std::string>(json, "host").value_or("");
  header.user = field<std::string>(json, "user").value_or("");
  if (auto time = parse_timestamp(field<std::string>(json, "time").value_or(""))) {
    header.time = time->utc;
  }
  header.go_live = parse_go_live(json);
  header.allowed_signers_sha256 = field<std::string>(json, "allowed_signers_sha256").value_or("");
  return header;
}

constexpr std::string_view framing_keys[] = {"seq", "time", "elapsed_ms", "event", "prev"};

// An event line's problem, or empty when it is one.
std::string event_problem(const std::optional<Json>& json) {
  if (!json) return "not a JSON object";
  if (!field<std::uint64_t>(*json, "seq")) return "no \"seq\"";
  if (!parse_timestamp(field<std::string>(*json, "time").value_or(""))) return "no valid \"time\"";
  if (!field<std::int64_t>(*json, "elapsed_ms")) return "no \"elapsed_ms\"";
  if (!field<std::string>(*json, "event")) return "no \"event\"";
  if (!field<std::string>(*json, "prev")) return "no \"prev\"";
  return {};
}

// Why event line `index` (0 is the header) does not link to the line before it, or "". Its
// fields must have passed event_problem.
std::string link_problem(const Json& json, std::string_view previous_line, std::size_t index) {
  if (*field<std::string>(json, "prev") != sha256_hex(previous_line)) {
    return fmt::format(
        "its prev is not the SHA-256 of line {}: line {} was changed, or lines were inserted or "
        "removed before line {}",
        index, index, index + 1);
  }
  if (const auto seq = *field<std::uint64_t>(json, "seq"); seq != index) {
    return fmt::format("seq is {}, expected {}", seq, index);
  }
  return {};
}

// Takes the line's JSON apart: what is left after the framing keys are the event's fields.
JournalEvent parse_event(Json json) {
  JournalEvent event;
  event.seq = *field<std::uint64_t>(json, "seq");
  event.time = parse_timestamp(*field<std::string>(json, "time"))->utc;
  event.elapsed_ms = *field<std::int64_t>(json, "elapsed_ms");
  const std::string name = *field<std::string>(json, "event");
  for (const std::string_view key : framing_keys) json.erase(std::string(key));
  event.body = decode_event(name, json);
  return event;
}

}  // namespace

JournalError::JournalError(const std::filesystem::path& path, std::size_t line,
                           const std::string& problem)
    : Error(exit_environment, fmt::format("{}:{}: {}", path.string(), line, problem)),
      line_(line) {}

JournalWriter::JournalWriter(std::unique_ptr<WritableFile> file, const Clock& clock)
    : file_(std::move(file)),
      clock_(&clock),
      opened_(clock.steady_now()),
      durable_size_(file_->size()) {}

JournalWriter::~JournalWriter() {
  if (!file_ || failed_ || !unsynced_) return;
  try {
    file_->sync();  // best effort: a destructor cannot report
  } catch (const WriteError&) {
  }
}

JournalWriter JournalWriter::create(const std::filesystem::path& path, const JournalHeader& header,
                                    const Clock& clock, FileSystem& file_system) {
  JournalWriter writer(file_system.open(path, OpenMode::create_new), clock);
  try {
    writer.write_line(dump(header_json(header)));
    writer.sync();
    file_system.sync_directory(path.parent_path());
  } catch (const WriteError&) {
    try {
      file_system.remove(path);
    } catch (const WriteError&) {
      // A header that is torn or missing makes no run: latest_run and resume refuse it.
    }
    throw;
  }
  return writer;
}

JournalWriter JournalWriter::reopen(const std::filesystem::path& path, const Clock& clock,
                                    FileSystem& file_system) {
  const std::string text = read_file(path);
  const Lines lines = split_lines(text);
  if (lines.complete.empty()) throw JournalError(path, 1, "the journal has no header");
  JournalWriter writer(file_system.open(path, OpenMode::append), clock);
  if (!lines.torn.empty()) {
    // Never acknowledged, so nothing depended on it: cut it off before writing after it.
    writer.file_->truncate(text.size() - lines.torn.size());
    writer.file_->sync();
    writer.durable_size_ = writer.file_->size();
  }
  const Journal journal = read_journal(path);
  writer.previous_hash_ = sha256_hex(lines.complete.back());
  if (!journal.events.empty()) {
    writer.last_ = journal.events.back();
    writer.elapsed_base_ms_ = writer.last_.elapsed_ms;
    writer.durable_seq_ = writer.last_.seq;
  }
  return writer;
}

const JournalEvent& JournalWriter::append(EventBody body, Durability durability) {
  refuse_if_failed();
  JournalEvent event;
  event.seq = last_.seq + 1;
  event.time = clock_->utc_now();
  event.elapsed_ms =
      elapsed_base_ms_ +
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_->steady_now() - opened_).count();
  event.body = std::move(body);

  Json line{{"seq", event.seq},
            {"time", format_utc_ms(event.time)},
            {"elapsed_ms", event.elapsed_ms},
            {"event", event.type()}};
  const Json fields = encode_fields(event.body);
  for (const auto& [key, value] : fields.items()) {
    if (std::find(std::begin(framing_keys), std::end(framing_keys), key) !=
        std::end(framing_keys)) {
      throw std::logic_error(fmt::format("journal field '{}' is reserved", key));
    }
    line[key] = value;
  }
  line["prev"] = previous_hash_;
  write_line(dump(line));
  last_ = std::move(event);
  if (durability == Durability::now) sync();
  return last_;
}

void JournalWriter::write_line(const std::string& line) {
  refuse_if_failed();
  const std::uint64_t complete = file_->size();
  try {
    file_->append(line + "\n");
  } catch (const WriteError& error) {
    // The lines before this one are whole; they become durable with the next sync, if any.
    fail(error, complete);
  }
  previous_hash_ = sha256_hex(line);
  unsynced_ = true;
}

void JournalWriter::sync() {
  refuse_if_failed();
  if (!unsynced_) return;
  try {
    file_->sync();
  } catch (const WriteError& error) {
    // After a failed fdatasync the kernel may have dropped the pages it could not write: what
    // came after the last good sync is not known to be anywhere, and nothing depended on it.
    fail(error, durable_size_);
  }
  unsynced_ = false;
  durable_size_ = file_->size();
  durable_seq_ = last_.seq;
}

void JournalWriter::fail(const WriteError& error, std::uint64_t keep) {
  failed_ = error.error_number();
  try {
    if (file_->size() != keep) file_->truncate(keep);
  } catch (const WriteError&) {
    // The torn line stays; readers ignore a torn last line and `resume` cuts it off.
  }
  throw error;
}

void JournalWriter::refuse_if_failed() const {
  if (failed_) {
    throw WriteError(file_->path(), "not written after an earlier error", *failed_);
  }
}

Journal read_journal(const std::filesystem::path& path) {
  const std::string text = read_file(path);
  const Lines lines = split_lines(text);
  Journal journal;
  if (lines.complete.empty()) throw JournalError(path, 1, "the journal has no header");
  const auto header = parse_object(lines.complete.front());
  if (const std::string problem = header_problem(header); !problem.empty()) {
    throw JournalError(path, 1, problem);
  }
  journal.header = parse_header(*header);
  journal.chain.lines = lines.complete.size();
  journal.events.reserve(lines.complete.size() - 1);
  for (std::size_t i = 1; i < lines.complete.size(); ++i) {
    auto json = parse_object(lines.complete[i]);
    if (const std::string problem = event_problem(json); !problem.empty()) {
      throw JournalError(path, i + 1, problem);
    }
    if (journal.chain.intact) {
      if (std::string problem = link_problem(*json, lines.complete[i - 1], i); !problem.empty()) {
        journal.chain.intact = false;
        journal.chain.bad_line = i + 1;
        journal.chain.problem = std::move(problem);
      }
    }
    journal.events.push_back(parse_event(std::move(*json)));
  }
  if (!lines.torn.empty()) journal.warning = torn_warning(lines.complete.size() + 1);
  journal.chain.warning = journal.warning;
  return journal;
}

std::optional<JournalHeader> read_journal_header(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  const auto json = parse_object(line);
  if (!header_problem(json).empty()) return std::nullopt;
  return parse_header(*json);
}

std::optional<event::RunStarted> read_run_started(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  if (!std::getline(in, line) || !std::getline(in, line) || in.eof()) return std::nullopt;
  auto json = parse_object(line);
  if (!event_problem(json).empty()) return std::nullopt;
  JournalEvent event = parse_event(std::move(*json));
  if (const auto* started = event.as<event::RunStarted>()) return *started;
  return std::nullopt;
}

ChainVerdict verify_journal(const std::filesystem::path& path) {
  const std::string text = read_file(path);
  const Lines lines = split_lines(text);
  ChainVerdict verdict;
  verdict.lines = lines.complete.size();
  const auto broken = [&](std::size_t line, std::string problem) {
    verdict.intact = false;
    verdict.bad_line = line;
    verdict.problem = std::move(problem);
    return verdict;
  };
  if (lines.complete.empty()) return broken(1, "the journal has no header");
  if (std::string problem = header_problem(parse_object(lines.complete.front()));
      !problem.empty()) {
    return broken(1, std::move(problem));
  }
  for (std::size_t i = 1; i < lines.complete.size(); ++i) {
    const std::size_t number = i + 1;
    const auto json = parse_object(lines.complete[i]);
    if (std::string problem = event_problem(json); !problem.empty()) {
      return broken(number, std::move(problem));
    }
    if (std::string problem = link_problem(*json, lines.complete[i - 1], i); !problem.empty()) {
      return broken(number, std::move(problem));
    }
  }
  if (!lines.torn.empty()) verdict.warning = torn_warning(lines.complete.size() + 1);
  return verdict;
}

}  // namespace cutover
