#include "base/heap.hpp"

#include <doctest/doctest.h>
#include <sys/resource.h>

#include <fstream>
#include <sstream>
#include <string>

extern "C" void __asan_init() __attribute__((weak));

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

// The test objects are compiled once, without sanitizers, and linked into both test programs:
// whether AddressSanitizer's runtime is in is known only when running.
bool under_address_sanitizer() {
  return &__asan_init != nullptr;
}

std::string first_word(const char* path) {
  std::ifstream file(path);
  std::string word;
  file >> word;
  return word;
}

bool unlimited(int resource) {
  struct rlimit limit {};
  return ::getrlimit(resource, &limit) == 0 && limit.rlim_cur == RLIM_INFINITY;
}

// Where the heap is meant to be advised: the cases the header lists, read independently. A
// kernel with transparent huge pages has their settings file, whichever mode it is in.
bool advice_expected() {
  return !under_address_sanitizer() &&
         !first_word("/sys/kernel/mm/transparent_hugepage/enabled").empty() &&
         first_word("/proc/sys/vm/overcommit_memory") != "2" && unlimited(RLIMIT_AS) &&
         unlimited(RLIMIT_DATA);
}

}  // namespace

TEST_CASE("the heap is advised to use huge pages over a gigabyte - where that is cheap") {
  const bool advised = cutover::advise_huge_pages_for_the_heap();
  const Heap heap = heap_mappings();
  CHECK(advised == advice_expected());
  if (!advised) {
    CHECK(heap.advised_kib == 0);
    return;
  }
  CHECK(heap.advised_kib >= 1024 * 1024 - 2048);  // all but the start before a 2 MiB boundary
  CHECK(heap.kib >= heap.advised_kib);
}
