#include "base/table.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "base/markup.hpp"

namespace cutover {

namespace {

std::string markdown_cell(const std::string& text) {
  std::string escaped;
  for (const char c : text) {
    if (c == '|') escaped += '\\';
    escaped += c;
  }
  return escaped;
}

}  // namespace

std::string signed_duration(Duration value) {
  const Duration magnitude = value < Duration::zero() ? -value : value;
  return (value < Duration::zero() ? "-" : "+") + format_took(magnitude);
}

std::string optional_took(const std::optional<Duration>& value) {
  return value ? format_took(*value) : "";
}

std::string optional_estimate(const std::optional<Duration>& value) {
  return value ? format_duration(*value) : "";
}

std::string cut(std::string text, std::size_t width) {
  if (text.size() <= width) return text;
  std::size_t end = width - 3;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text + "...";
}

std::string wrap(std::string_view text, std::size_t first, std::size_t indent, std::size_t width) {
  std::string out;
  std::size_t used = first;
  bool line_empty = true;
  while (!text.empty()) {
    const std::size_t space = text.find(' ');
    const std::string_view word = text.substr(0, space);
    text = space == std::string_view::npos ? std::string_view{} : text.substr(space + 1);
    if (!line_empty && used + 1 + word.size() > width) {
      out += "\n" + std::string(indent, ' ');
      used = indent;
      line_empty = true;
    }
    if (!line_empty) {
      out += ' ';
      ++used;
    }
    out += word;
    used += word.size();
    line_empty = false;
  }
  return out;
}

std::string Table::text(std::string_view indent) const {
  std::vector<std::size_t> widths(headers_.size());
  for (std::size_t c = 0; c < headers_.size(); ++c) widths[c] = headers_[c].size();
  for (const auto& row : rows_) {
    for (std::size_t c = 0; c < row.size() && c < widths.size(); ++c) {
      widths[c] = std::max(widths[c], row[c].size());
    }
  }
  std::string out;
  const auto emit = [&](const std::vector<std::string>& row) {
    std::string line(indent);
    for (std::size_t c = 0; c < row.size() && c < widths.size(); ++c) {
      line += right_aligned(c) ? fmt::format("{:>{}}", row[c], widths[c])
                               : fmt::format("{:<{}}", row[c], widths[c]);
      if (c + 1 < row.size()) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  };
  emit(headers_);
  for (const auto& row : rows_) emit(row);
  return out;
}

std::string Table::markdown() const {
  std::string out = "|";
  for (const auto& header : headers_) out += " " + markdown_cell(header) + " |";
  out += "\n|";
  for (std::size_t c = 0; c < headers_.size(); ++c) out += right_aligned(c) ? " ---: |" : " --- |";
  out += "\n";
  for (const auto& row : rows_) {
    out += "|";
    for (const auto& value : row) out += " " + markdown_cell(value) + " |";
    out += "\n";
  }
  return out;
}

std::string Table::html() const {
  const auto cells = [&](const std::vector<std::string>& row, std::string_view tag) {
    std::string out = "<tr>";
    for (std::size_t c = 0; c < row.size(); ++c) {
      out += fmt::format("<{0}{1}>{2}</{0}>", tag, right_aligned(c) ? " class=\"r\"" : "",
                         markup_escape(row[c]));
    }
    return out + "</tr>\n";
  };
  std::string out = "<table><thead>" + cells(headers_, "th") + "</thead><tbody>\n";
  for (const auto& row : rows_) out += cells(row, "td");
  return out + "</tbody></table>\n";
}

}  // namespace cutover
