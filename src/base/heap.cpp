#include "base/heap.hpp"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

namespace cutover {

void advise_huge_pages_for_the_heap() {
#if !defined(__SANITIZE_ADDRESS__)
  constexpr int reserve = 1 << 30;
  constexpr std::uintptr_t huge_page = std::uintptr_t{2} << 20;
  // A second thread's arena and blocks above the mmap threshold would be outside the advised
  // range. 32 MiB is the largest threshold glibc takes; larger blocks are rare and big enough
  // for the kernel's own huge-page choice.
  ::mallopt(M_ARENA_MAX, 1);
  ::mallopt(M_MMAP_THRESHOLD, 32 << 20);
  ::mallopt(M_TOP_PAD, reserve);
  ::mallopt(M_TRIM_THRESHOLD, reserve);
  const auto start = reinterpret_cast<std::uintptr_t>(::sbrk(0));
  // One allocation larger than what is left of the heap makes malloc grow it now, by the pad.
  // volatile: a malloc freed at once may otherwise be left out by the compiler.
  void* volatile grow = std::malloc(std::size_t{1} << 20);
  std::free(grow);
  const auto end = reinterpret_cast<std::uintptr_t>(::sbrk(0));
  const std::uintptr_t first = (start + huge_page - 1) & ~(huge_page - 1);
  if (start == static_cast<std::uintptr_t>(-1) || end <= first) return;
  ::madvise(reinterpret_cast<void*>(first), end - first, MADV_HUGEPAGE);
#endif
}

}  // namespace cutover
