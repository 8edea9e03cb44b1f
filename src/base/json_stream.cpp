#include "base/json_stream.hpp"

namespace cutover {

void JsonObjectStream::key(std::string_view key) {
  out_ += first_member_ ? "\n  " : ",\n  ";
  first_member_ = false;
  out_ += nlohmann::ordered_json(key).dump();
  out_ += ": ";
}

void JsonObjectStream::value(const nlohmann::ordered_json& value, int depth) {
  const std::string text = value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
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
  out_ += first_element_ ? "\n    " : ",\n    ";
  first_element_ = false;
  value(content, 2);
}

void JsonObjectStream::end_array() {
  out_ += first_element_ ? "]" : "\n  ]";
}

std::string JsonObjectStream::finish() && {
  out_ += first_member_ ? "}\n" : "\n}\n";
  return std::move(out_);
}

}  // namespace cutover
