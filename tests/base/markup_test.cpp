#include "base/markup.hpp"

#include <doctest/doctest.h>

using cutover::markup_escape;

TEST_CASE("markup_escape: the five special characters as entities") {
  CHECK(markup_escape("a < b & c > \"d\" 'e'") ==
        "a &lt; b &amp; c &gt; &quot;d&quot; &apos;e&apos;");
  CHECK(markup_escape("plain ✓ text") == "plain ✓ text");
}

TEST_CASE("markup_escape: control characters become ? - tab and line ends stay") {
  CHECK(markup_escape(std::string("a\x01"
                                  "b\x1b[31m",
                                  8)) == "a?b?[31m");
  CHECK(markup_escape("a\tb\r\nc") == "a\tb\r\nc");
}
