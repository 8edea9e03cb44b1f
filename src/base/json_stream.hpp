#pragma once
// Large JSON documents written a record at a time, in exactly the text nlohmann's dump(2) would
// give for the whole tree: each value is still made and escaped by nlohmann-json, but a plan or
// a status of 100,000 tasks never holds them all as one ordered tree (which costs several times
// the text it dumps).

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace cutover {

// One top-level object: members in the order written, an array member written element by
// element. finish() closes the object and returns the text, with a final newline. Pretty is
// dump(2)'s layout; compact is dump()'s, one line.
class JsonObjectStream {
 public:
  enum Layout { pretty, compact };
  explicit JsonObjectStream(Layout layout = pretty) : pretty_(layout == pretty) { out_ = "{"; }

  void member(std::string_view key, const nlohmann::ordered_json& value);
  void begin_array(std::string_view key);
  void element(const nlohmann::ordered_json& value);
  void end_array();
  std::string finish() &&;

 private:
  void key(std::string_view key);
  // Appends `value` as dump(2) would print it `depth` levels in.
  void value(const nlohmann::ordered_json& value, int depth);

  std::string out_;
  bool pretty_;
  bool first_member_ = true;
  bool first_element_ = true;
};

}  // namespace cutover
