#include "base/heap.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace {

struct Heap {
  unsigned long long kib = 0;          // the size of its mappings together
  unsigned long long advised_kib = 0;  // of those with MADV_HUGEPAGE ("hg" in VmFlags)
};

// The [heap] mappings of /proc/self/smaps. madvise over part of the heap splits it in two.
Heap heap_mappings() {
  std::ifstream smaps("/proc/self/smaps");
  Heap heap;
  bool in_heap = false;
  unsigned long long size = 0;
  for (std::string line; std::getline(smaps, line);) {
    std::istringstream fields(line);
    std::string key;
    fields >> key;
    if (!key.ends_with(":")) {
      in_heap = line.ends_with("[heap]");  // a mapping's first line: its range, then its name
      continue;
    }
    if (!in_heap) continue;
    if (key == "Size:") {
      fields >> size;
      heap.kib += size;
    }
    if (key == "VmFlags:" && (line + " ").find(" hg ") != std::string::npos) {
      heap.advised_kib += size;
    }
  }
  return heap;
}

}  // namespace

#if defined(__SANITIZE_ADDRESS__)
TEST_CASE("under AddressSanitizer the heap is left to its allocator") {
  cutover::advise_huge_pages_for_the_heap();
  CHECK(heap_mappings().advised_kib == 0);
}
#else
TEST_CASE("the heap is advised to use huge pages over a reserve of a gigabyte") {
  cutover::advise_huge_pages_for_the_heap();
  const Heap heap = heap_mappings();
  CHECK(heap.advised_kib >= 1024 * 1024 - 2048);  // all but the start before a 2 MiB boundary
  CHECK(heap.kib >= heap.advised_kib);
}
#endif
