#include "cutover/template.hpp"

namespace cutover {

namespace {

bool identifier_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool identifier_char(char c) {
  return identifier_start(c) || (c >= '0' && c <= '9');
}

std::size_t skip_spaces(std::string_view text, std::size_t at) {
  while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
  return at;
}

}  // namespace

bool is_identifier(std::string_view name) {
  if (name.empty() || !identifier_start(name.front())) return false;
  for (const char c : name) {
    if (!identifier_char(c)) return false;
  }
  return true;
}

std::vector<TemplateReference> find_references(std::string_view text) {
  std::vector<TemplateReference> references;
  std::size_t open = text.find("{{");
  while (open != std::string_view::npos) {
    const std::size_t name_begin = skip_spaces(text, open + 2);
    std::size_t name_end = name_begin;
    while (name_end < text.size() && identifier_char(text[name_end])) ++name_end;
    const std::size_t close = skip_spaces(text, name_end);
    const std::string_view name = text.substr(name_begin, name_end - name_begin);
    if (is_identifier(name) && text.substr(close, 2) == "}}") {
      references.push_back({name, open, close + 2 - open});
      open = text.find("{{", close + 2);
    } else {
      open = text.find("{{", open + 1);
    }
  }
  return references;
}

}  // namespace cutover
