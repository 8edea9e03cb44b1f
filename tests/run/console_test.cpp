#include "cutover/run/console.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

using namespace cutover;

namespace {

// A console writing into memory; text() is everything written so far.
class Screen {
 public:
  explicit Screen(ConsoleStyle style)
      : file_(open_memstream(&buffer_, &size_)), console_(file_, style) {
    REQUIRE(file_ != nullptr);
  }
  ~Screen() {
    std::fclose(file_);
    std::free(buffer_);
  }
  Screen(const Screen&) = delete;
  Screen& operator=(const Screen&) = delete;

  Console& console() { return console_; }
  std::string text() {
    std::fflush(file_);
    return std::string(buffer_, size_);
  }
  // What was written since the last call.
  std::string fresh() {
    const std::string all = text();
    std::string news = all.substr(seen_);
    seen_ = all.size();
    return news;
  }

 private:
  char* buffer_ = nullptr;
  std::size_t size_ = 0;
  std::FILE* file_;
  Console console_;
  std::size_t seen_ = 0;
};

const ConsoleStyle plain{false, false};
const ConsoleStyle live{false, true};
const ConsoleStyle coloured{true, false};
const std::string clear_line = "\r\033[K";

}  // namespace

TEST_CASE("console: a task's line is prefixed with its id - cutover's own lines are not") {
  Screen screen(plain);
  screen.console().task_line("copy", 0, "12 rows");
  screen.console().note("copy succeeded in 2s");
  screen.console().alert("FAILED load");
  CHECK(screen.text() == "[copy] 12 rows\ncopy succeeded in 2s\nFAILED load\n");
  CHECK_FALSE(screen.console().colour());
}

TEST_CASE("console: with colour the prefix takes the task's colour - eight of them in turn") {
  Screen screen(coloured);
  CHECK(screen.console().colour());
  screen.console().task_line("a", 0, "x");
  CHECK(screen.fresh() == "\033[36m[a]\033[0m x\n");  // cyan
  screen.console().task_line("b", 1, "y");
  CHECK(screen.fresh() == "\033[35m[b]\033[0m y\n");  // magenta
  screen.console().task_line("i", 8, "z");
  CHECK(screen.fresh() == "\033[36m[i]\033[0m z\n");  // round again
  screen.console().task_line("h", 7, "w");
  CHECK(screen.fresh() == "\033[32m[h]\033[0m w\n");  // green
  screen.console().note("plain note");
  CHECK(screen.fresh() == "plain note\n");
}

TEST_CASE("console: an alert is bold red with colour") {
  Screen screen(coloured);
  screen.console().alert("STOP");
  const std::string text = screen.text();
  CHECK(text.find("\033[31m") != std::string::npos);
  CHECK(text.find("\033[1m") != std::string::npos);
  CHECK(text.ends_with("STOP\033[0m\n"));
}

TEST_CASE("console: the live status line stays at the bottom while lines scroll above it") {
  Screen screen(live);
  screen.console().status("[0/2 done]");
  CHECK(screen.fresh() == "[0/2 done]");
  screen.console().status("[0/2 done]");  // unchanged: not drawn again
  CHECK(screen.fresh() == "");
  screen.console().task_line("copy", 0, "working");
  CHECK(screen.fresh() == clear_line + "[copy] working\n[0/2 done]");
  screen.console().status("[1/2 done]");
  CHECK(screen.fresh() == clear_line + "[1/2 done]");
  screen.console().finish();
  CHECK(screen.fresh() == clear_line);
  // Over: no status line drawn again, lines are plain.
  screen.console().status("[2/2 done]");
  screen.console().note("done");
  CHECK(screen.fresh() == "done\n");
}

TEST_CASE("console: without the live view there is no status line") {
  Screen screen(plain);
  screen.console().status("[0/2 done]");
  screen.console().note("a");
  screen.console().finish();
  CHECK(screen.text() == "a\n");
}

TEST_CASE("console: a question on the live view stays below the lines - the status line after") {
  Screen screen(live);
  screen.console().status("[0/1 done]");
  screen.fresh();
  screen.console().ask("[go] go or no-go? [g/n]: ");
  CHECK(screen.fresh() == clear_line + "[go] go or no-go? [g/n]: ");
  // The status line waits while a question is shown.
  screen.console().status("[0/1 done] waiting");
  CHECK(screen.fresh() == "");
  screen.console().task_line("copy", 0, "out");
  CHECK(screen.fresh() == clear_line + "[copy] out\n[go] go or no-go? [g/n]: ");
  // The terminal echoed the answer and its newline: the status line comes back below it.
  screen.console().answered();
  CHECK(screen.fresh() == "[0/1 done] waiting");
}

TEST_CASE("console: a question withdrawn - cleared on the live view - left on its line without") {
  SUBCASE("live") {
    Screen screen(live);
    screen.console().ask("[m] done? ");
    screen.fresh();
    screen.console().withdraw();
    CHECK(screen.fresh() == clear_line);
    screen.console().note("answered elsewhere");
    CHECK(screen.fresh() == "answered elsewhere\n");  // the question is gone
  }
  SUBCASE("not live") {
    Screen screen(plain);
    screen.console().ask("[m] done? ");
    screen.console().withdraw();
    screen.console().note("answered elsewhere");
    CHECK(screen.text() == "[m] done? \nanswered elsewhere\n");
  }
  SUBCASE("nothing asked") {
    Screen screen(plain);
    screen.console().withdraw();
    CHECK(screen.text() == "");
  }
}

TEST_CASE("console: without the live view a line printed while a question waits starts a line") {
  Screen screen(plain);
  screen.console().ask("[go] go or no-go? [g/n]: ");
  screen.console().task_line("copy", 0, "out");
  // Not glued to the question: the line on its own, then the question asked again.
  CHECK(screen.text() == "[go] go or no-go? [g/n]: \n[copy] out\n[go] go or no-go? [g/n]: ");
  screen.fresh();
  screen.console().answered();
  screen.console().note("next");
  CHECK(screen.fresh() == "next\n");
}

TEST_CASE("console: after the terminal is lost nothing more is written") {
  Screen screen(live);
  screen.console().note("before");
  screen.console().lose_terminal();
  screen.console().note("after");
  screen.console().status("[1/1 done]");
  screen.console().ask("[m] done? ");
  screen.console().finish();
  CHECK(screen.text() == "before\n");
}

TEST_CASE(
    "fit_to_columns: a line wider than the terminal loses its middle - colour codes take no "
    "column") {
  CHECK(fit_to_columns("[3/10 done] running: a b", 0) == "[3/10 done] running: a b");
  CHECK(fit_to_columns("[3/10 done]", 12) == "[3/10 done]");  // 11 columns fit in 12
  CHECK(fit_to_columns("[3/10 done] running: load 2m/5m | forecast end 21:30", 21) ==
        "[3/10 don...nd 21:30");
  CHECK(fit_to_columns("Prüfung läuft noch", 10) == "Prü...och");  // by characters, not bytes
  CHECK(fit_to_columns("\033[31mred and rather long\033[0m", 11) ==
        "\033[31mred ...ong\033[0m\033[0m");
  CHECK(fit_to_columns("abcdef", 3) == "..");
}

TEST_CASE("console: the status line is cut to the terminal's width") {
  ConsoleStyle style{false, true};
  style.columns = 20;
  Screen screen(style);
  screen.console().status("[1/4 done] running: extract 1m/5m load 2m/5m | forecast end 21:30");
  CHECK(screen.fresh() == "[1/4 don...nd 21:30");
}
