#pragma once
// The frame of the HTML reports: one self-contained page (inline CSS, no script, no external
// asset, nothing fetched), readable on a war room's big screen and printable.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/markup.hpp"

namespace cutover {

class HtmlPage {
 public:
  explicit HtmlPage(std::string_view title);

  void heading(std::string_view subtitle);
  // Large figures in a row: (caption, value).
  void cards(const std::vector<std::pair<std::string, std::string>>& cards);
  void paragraph(std::string_view text);
  void warning(std::string_view text);
  void raw(std::string_view html) { body_ += html; }
  std::string finish();

 private:
  std::string title_;
  std::string body_;
};

}  // namespace cutover
