#include "base/json_stream.hpp"

namespace cutover {

namespace {

// Where the next member or element starts, `depth` levels in.
std::string_view separator(bool first, bool pretty, int depth) {
  static constexpr std::string_view breaks[] = {"\n", "\n  ", "\n    "};
  static constexpr std::string_view comma_breaks[] = {",\n", ",\n  ", ",\n    "};
  if (!pretty) return first ? "" : ",";
  return first ? breaks[depth] : comma_breaks[depth];
}

}  // namespace

void JsonObjectStream::key(std::string_view key) {
  out_ += separator(first_member_, pretty_, 1);
  first_member_ = false;
  out_ += nlohmann::ordered_json(key).dump();
  out_ += pretty_ ? ": " : ":";
}

void JsonObjectStream::value(const nlohmann::ordered_json& value, int depth) {
  const auto invalid_utf8 = nlohmann::json::error_handler_t::replace;
  if (!pretty_) {
    out_ += value.dump(-1, ' ', false, invalid_utf8);
    return;
  }
  const std::string text = value.dump(2, ' ', false, invalid_utf8);
  const std::string indent(static_cast<std::size_t>(2 * depth), ' ');
  out_.reserve(out_.size() + text.size());
  for (const char c : text) {
    out_ += c;
    if (c == '\n') out_ += indent;  // dump(2) escapes newlines inside strings: these are its own
  }
}

void JsonObjectStream::member(std::string_view name, const nlohmann::ordered_json& content) {
  key(name);
  value(content, 1);
}

void JsonObjectStream::begin_array(std::string_view name) {
  key(name);
  out_ += '[';
  first_element_ = true;
}

void JsonObjectStream::element(const nlohmann::ordered_json& content) {
  out_ += separator(first_element_, pretty_, 2);
  first_element_ = false;
  value(content, 2);
}

void JsonObjectStream::end_array() {
  if (!first_element_) out_ += separator(true, pretty_, 1);
  out_ += ']';
}

std::string JsonObjectStream::finish() && {
  if (!first_member_) out_ += separator(true, pretty_, 0);
  out_ += "}\n";
  return std::move(out_);
}

}  // namespace cutover
