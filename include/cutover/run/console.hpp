#pragma once
// What a run shows on the terminal: task output prefixed `[task-id]`, cutover's own notes,
// prompts, and on a terminal a live status line that stays at the bottom while output
// scrolls. Writes that fail (a terminal gone with a dropped ssh session) are ignored: the
// journal and the logs keep everything.

#include <cstdio>
#include <string>
#include <string_view>

namespace cutover {

struct ConsoleStyle {
  bool colour = false;
  bool live = false;  // a status line at the bottom; only on a terminal
  // The terminal's width for the status line; 0: asked of the terminal at every redraw, so that
  // a resized window is followed.
  std::size_t columns = 0;
};

// `line` in at most `columns` - 1 columns (the last one would make some terminals wrap), the
// middle elided as "..." when it is longer; ANSI colour codes take no column. 0: unlimited.
std::string fit_to_columns(std::string_view line, std::size_t columns);

class Console {
 public:
  Console(std::FILE* out, ConsoleStyle style);

  // One line of a task's output; `colour_index` picks the task's colour.
  void task_line(std::string_view task_id, std::size_t colour_index, std::string_view line);
  // A line of cutover's own ("started", "succeeded in 2s", a summary).
  void note(std::string_view line);
  // The same, emphasised: failures, "fix forward".
  void alert(std::string_view line);
  // A question waiting for a typed line; it stays at the bottom until answer() or another ask.
  void ask(std::string_view question);
  void answered();
  // The question was settled elsewhere (another terminal): it goes, unanswered.
  void withdraw();
  // The live view's line; ignored unless live.
  void status(std::string_view line);
  // The run is over: the status line is cleared and not drawn again.
  void finish();
  // The terminal is gone (SIGHUP): write nothing more.
  void lose_terminal() { lost_ = true; }
  bool colour() const { return style_.colour; }

 private:
  void write(std::string_view text);
  void clear_bottom();
  void draw_bottom();
  void print_line(std::string_view line);
  std::size_t columns() const;

  std::FILE* out_;
  ConsoleStyle style_;
  bool lost_ = false;
  bool bottom_shown_ = false;
  std::string question_;
  std::string status_;
};

}  // namespace cutover
