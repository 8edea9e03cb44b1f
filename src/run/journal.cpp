#include "cutover/run/journal.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/sha256.hpp"

namespace cutover {

namespace {

using Json = nlohmann::ordered_json;

[[noreturn]] void fail_io(const std::filesystem::path& path, std::string_view what) {
  throw EnvironmentError(fmt::format("{}: {}: {}", path.string(), what, std::strerror(errno)));
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail_io(path, "cannot be read");
  std::ostringstream content;
  content << in.rdbuf();
  return std::move(content).str();
}

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

Json header_json(const JournalHeader& header) {
  return Json{{"format", journal_format_name},
              {"version", journal_format_version},
              {"run_id", header.run_id},
              {"label", header.label},
              {"runbook_sha256", header.runbook_sha256},
              {"cutover_version", header.cutover_version},
              {"host", header.host},
              {"user", header.user},
              {"time", format_utc_ms(header.time)}};
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

JournalEvent parse_event(const Json& json) {
  JournalEvent event;
  event.seq = *field<std::uint64_t>(json, "seq");
  event.time = parse_timestamp(*field<std::string>(json, "time"))->utc;
  event.elapsed_ms = *field<std::int64_t>(json, "elapsed_ms");
  Json fields = Json::object();
  for (const auto& [key, value] : json.items()) {
    if (std::find(std::begin(framing_keys), std::end(framing_keys), key) ==
        std::end(framing_keys)) {
      fields[key] = value;
    }
  }
  event.body = decode_event(*field<std::string>(json, "event"), fields);
  return event;
}

void write_all(int fd, std::string_view bytes, const std::filesystem::path& path) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      fail_io(path, "cannot be written");
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
}

// A new file's name is durable only once its directory is synced.
void sync_directory(const std::filesystem::path& file) {
  const auto directory = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail_io(directory, "cannot be opened");
  const int result = ::fsync(fd);
  ::close(fd);
  if (result != 0) fail_io(directory, "cannot be synced");
}

}  // namespace

JournalError::JournalError(const std::filesystem::path& path, std::size_t line,
                           const std::string& problem)
    : Error(exit_environment, fmt::format("{}:{}: {}", path.string(), line, problem)),
      line_(line) {}

JournalWriter::JournalWriter(int fd, std::filesystem::path path, const Clock& clock)
    : fd_(fd), path_(std::move(path)), clock_(&clock), opened_(clock.steady_now()) {}

JournalWriter::JournalWriter(JournalWriter&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      path_(std::move(other.path_)),
      clock_(other.clock_),
      previous_hash_(std::move(other.previous_hash_)),
      elapsed_base_ms_(other.elapsed_base_ms_),
      opened_(other.opened_),
      unsynced_(other.unsynced_),
      last_(std::move(other.last_)) {}

JournalWriter::~JournalWriter() {
  if (fd_ < 0) return;
  if (unsynced_) ::fdatasync(fd_);  // best effort: a destructor cannot report
  ::close(fd_);
}

JournalWriter JournalWriter::create(const std::filesystem::path& path, const JournalHeader& header,
                                    const Clock& clock) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) fail_io(path, "cannot be created");
  JournalWriter writer(fd, path, clock);
  writer.write_line(dump(header_json(header)));
  writer.sync();
  sync_directory(path);
  return writer;
}

JournalWriter JournalWriter::reopen(const std::filesystem::path& path, const Clock& clock) {
  const std::string text = read_file(path);
  const Lines lines = split_lines(text);
  if (lines.complete.empty()) throw JournalError(path, 1, "the journal has no header");
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) fail_io(path, "cannot be opened for writing");
  JournalWriter writer(fd, path, clock);
  if (!lines.torn.empty()) {
    // Never acknowledged, so nothing depended on it: cut it off before writing after it.
    if (::ftruncate(fd, static_cast<off_t>(text.size() - lines.torn.size())) != 0) {
      fail_io(path, "cannot be truncated");
    }
    writer.unsynced_ = true;
    writer.sync();
  }
  const Journal journal = read_journal(path);
  writer.previous_hash_ = sha256_hex(lines.complete.back());
  if (!journal.events.empty()) {
    writer.last_ = journal.events.back();
    writer.elapsed_base_ms_ = writer.last_.elapsed_ms;
  }
  return writer;
}

const JournalEvent& JournalWriter::append(EventBody body, Durability durability) {
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
  write_all(fd_, line + "\n", path_);
  previous_hash_ = sha256_hex(line);
  unsynced_ = true;
}

void JournalWriter::sync() {
  if (!unsynced_) return;
  if (::fdatasync(fd_) != 0) fail_io(path_, "cannot be synced to disk");
  unsynced_ = false;
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
  journal.events.reserve(lines.complete.size() - 1);
  for (std::size_t i = 1; i < lines.complete.size(); ++i) {
    const auto json = parse_object(lines.complete[i]);
    if (const std::string problem = event_problem(json); !problem.empty()) {
      throw JournalError(path, i + 1, problem);
    }
    journal.events.push_back(parse_event(*json));
  }
  if (!lines.torn.empty()) journal.warning = torn_warning(lines.complete.size() + 1);
  return journal;
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
    if (*field<std::string>(*json, "prev") != sha256_hex(lines.complete[i - 1])) {
      return broken(number, fmt::format("its prev is not the SHA-256 of line {}: line {} was "
                                        "changed, or lines were inserted or removed before "
                                        "line {}",
                                        i, i, number));
    }
    if (*field<std::uint64_t>(*json, "seq") != i) {
      return broken(number,
                    fmt::format("seq is {}, expected {}", *field<std::uint64_t>(*json, "seq"), i));
    }
  }
  if (!lines.torn.empty()) verdict.warning = torn_warning(lines.complete.size() + 1);
  return verdict;
}

}  // namespace cutover
