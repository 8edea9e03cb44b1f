#pragma once
// A table of texts, aligned in columns for a terminal or written as a markdown table (the
// reports' tables in both dressings), and the texts of durations in their cells.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cutover/base/time.hpp"

namespace cutover {

// Reports in text fit a terminal this wide.
inline constexpr std::size_t report_text_width = 100;

// "+2m30s", "-0.5s": a variance.
std::string signed_duration(Duration value);
// format_took (what something took), or "" for nothing.
std::string optional_took(const std::optional<Duration>& value);
// format_duration (as estimates are written: "1m30s"), or "" for nothing.
std::string optional_estimate(const std::optional<Duration>& value);
// At most `width` bytes, cut where no UTF-8 character is split, "..." saying so.
std::string cut(std::string text, std::size_t width);
// Broken at spaces into lines of at most `width` bytes, the first `first` bytes shorter; the
// lines after the first start with `indent` spaces. A word longer than a line stays whole.
std::string wrap(std::string_view text, std::size_t first, std::size_t indent, std::size_t width);

class Table {
 public:
  // `alignment`: one letter per column, 'r' for right-aligned (numbers), anything else left.
  explicit Table(std::vector<std::string> headers, std::string alignment = {})
      : headers_(std::move(headers)), alignment_(std::move(alignment)) {}

  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  bool empty() const { return rows_.empty(); }

  // Each line starts with `indent`; columns two spaces apart, no trailing spaces.
  std::string text(std::string_view indent) const;
  // A '|' in a cell is escaped.
  std::string markdown() const;
  // Cells escaped; right-aligned ones have class "r".
  std::string html() const;

 private:
  bool right_aligned(std::size_t column) const {
    return column < alignment_.size() && alignment_[column] == 'r';
  }

  std::vector<std::string> headers_;
  std::string alignment_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace cutover
