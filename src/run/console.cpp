#include "cutover/run/console.hpp"

#include <fmt/color.h>
#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <vector>

namespace cutover {

namespace {

constexpr fmt::terminal_color task_colours[] = {
    fmt::terminal_color::cyan,        fmt::terminal_color::magenta,
    fmt::terminal_color::blue,        fmt::terminal_color::yellow,
    fmt::terminal_color::bright_cyan, fmt::terminal_color::bright_magenta,
    fmt::terminal_color::bright_blue, fmt::terminal_color::green,
};

// The visible pieces of a line: each code point with the bytes that draw it, ANSI escape
// sequences (which draw nothing) attached to the code point after them.
std::vector<std::string> glyphs(std::string_view line) {
  std::vector<std::string> out;
  std::string pending;
  for (std::size_t i = 0; i < line.size();) {
    if (line[i] == '\033' && i + 1 < line.size() && line[i + 1] == '[') {
      std::size_t end = i + 2;
      while (end < line.size() && !(line[end] >= '@' && line[end] <= '~')) ++end;
      pending.append(line.substr(i, end + 1 - i));
      i = end + 1;
      continue;
    }
    std::size_t end = i + 1;
    while (end < line.size() && (static_cast<unsigned char>(line[end]) & 0xC0) == 0x80) ++end;
    out.push_back(pending + std::string(line.substr(i, end - i)));
    pending.clear();
    i = end;
  }
  if (!pending.empty()) {  // a trailing reset: no column of its own
    if (out.empty()) out.emplace_back();
    out.back() += pending;
  }
  return out;
}

}  // namespace

std::string fit_to_columns(std::string_view line, std::size_t columns) {
  if (columns == 0) return std::string(line);
  const std::vector<std::string> pieces = glyphs(line);
  const std::size_t room = columns - 1;
  if (pieces.size() <= room) return std::string(line);
  constexpr std::string_view dots = "...";
  if (room <= dots.size()) return std::string(dots.substr(0, room));
  const std::size_t keep = room - dots.size();
  const std::size_t head = keep - keep / 2;
  const std::size_t tail = keep / 2;
  std::string out;
  for (std::size_t i = 0; i < head; ++i) out += pieces[i];
  out += dots;
  for (std::size_t i = pieces.size() - tail; i < pieces.size(); ++i) out += pieces[i];
  // A colour cut off in the middle must not run on.
  if (line.find('\033') != std::string_view::npos) out += "\033[0m";
  return out;
}

Console::Console(std::FILE* out, ConsoleStyle style) : out_(out), style_(style) {}

void Console::write(std::string_view text) {
  if (lost_ || text.empty()) return;
  // A failed write is ignored on purpose: see the header.
  (void)std::fwrite(text.data(), 1, text.size(), out_);
}

void Console::clear_bottom() {
  if (!bottom_shown_) return;
  write("\r\033[K");
  bottom_shown_ = false;
}

void Console::draw_bottom() {
  if (!question_.empty()) {
    write(question_);
    bottom_shown_ = style_.live;
  } else if (style_.live && !status_.empty()) {
    // Wider than the terminal, the line would wrap, and "\r" would clear only its last row:
    // every redraw would leave a half line behind.
    write(fit_to_columns(status_, columns()));
    bottom_shown_ = true;
  }
  std::fflush(out_);
}

std::size_t Console::columns() const {
  if (style_.columns > 0) return style_.columns;
  winsize size{};
  if (::ioctl(::fileno(out_), TIOCGWINSZ, &size) != 0) return 0;
  return size.ws_col;
}

void Console::print_line(std::string_view line) {
  // Without the live view a question waiting for its answer ends no line: start one.
  const bool after_question = !question_.empty() && !bottom_shown_;
  clear_bottom();
  if (after_question) write("\n");
  write(line);
  write("\n");
  if (style_.live || !question_.empty()) {
    draw_bottom();
  } else {
    std::fflush(out_);
  }
}

void Console::task_line(std::string_view task_id, std::size_t colour_index, std::string_view line) {
  std::string prefix = fmt::format("[{}]", task_id);
  if (style_.colour) {
    const auto colour = task_colours[colour_index % std::size(task_colours)];
    prefix = fmt::format(fmt::fg(colour), "{}", prefix);
  }
  print_line(fmt::format("{} {}", prefix, line));
}

void Console::note(std::string_view line) {
  print_line(line);
}

void Console::alert(std::string_view line) {
  if (!style_.colour) return print_line(line);
  print_line(fmt::format(fmt::fg(fmt::terminal_color::red) | fmt::emphasis::bold, "{}", line));
}

void Console::ask(std::string_view question) {
  clear_bottom();
  question_ = question;
  draw_bottom();
}

void Console::answered() {
  // The typed answer and its newline were echoed by the terminal: the question's line is done.
  question_.clear();
  bottom_shown_ = false;
  if (style_.live) draw_bottom();
}

void Console::withdraw() {
  if (question_.empty()) return;
  if (bottom_shown_) {
    clear_bottom();
  } else {
    write("\n");  // the question stands on its own line, unanswered
  }
  question_.clear();
  if (style_.live) draw_bottom();
  std::fflush(out_);
}

void Console::finish() {
  clear_bottom();
  std::fflush(out_);
  style_.live = false;
  status_.clear();
}

void Console::status(std::string_view line) {
  if (!style_.live || status_ == line) return;
  status_ = line;
  if (!question_.empty()) return;
  clear_bottom();
  draw_bottom();
}

}  // namespace cutover
