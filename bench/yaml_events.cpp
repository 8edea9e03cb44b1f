// The floor under `validate`: yaml-cpp's event parser alone, counting events and doing nothing
// else, read the way the loader reads (the whole file, then a stream over it). Run by
// bench/load.sh beside `cutover validate`:  ninja -C build yaml_events && build/yaml_events FILE

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <fstream>
#include <sstream>
#include <streambuf>
#include <string>

namespace {

class TextStreamBuf : public std::streambuf {
 public:
  explicit TextStreamBuf(std::string& text) {
    setg(text.data(), text.data(), text.data() + text.size());
  }
};

class Counter final : public YAML::EventHandler {
 public:
  std::size_t events = 0;

  void OnDocumentStart(const YAML::Mark&) override { ++events; }
  void OnDocumentEnd() override { ++events; }
  void OnNull(const YAML::Mark&, YAML::anchor_t) override { ++events; }
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override { ++events; }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {
    ++events;
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    ++events;
  }
  void OnSequenceEnd() override { ++events; }
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    ++events;
  }
  void OnMapEnd() override { ++events; }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    fmt::print(stderr, "usage: yaml_events FILE\n");
    return 2;
  }
  std::ifstream file(argv[1], std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  TextStreamBuf buffer(text);
  std::istream in(&buffer);
  YAML::Parser parser(in);
  Counter counter;
  while (parser.HandleNextDocument(counter)) {
  }
  fmt::print("{} events\n", counter.events);
  return 0;
}
