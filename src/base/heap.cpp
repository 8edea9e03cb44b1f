#include "base/heap.hpp"

#include <malloc.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>

namespace cutover {

#if !defined(__SANITIZE_ADDRESS__)
namespace {

constexpr int reserve = 1 << 30;
constexpr int glibc_default_pad = 128 * 1024;  // M_TOP_PAD's and M_TRIM_THRESHOLD's

bool limited(int resource) {
  struct rlimit limit {};
  return ::getrlimit(resource, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY;
}

// Where a gigabyte of address space is not free: strict overcommit charges it at once, and a
// limit may be below it.
bool reserve_is_cheap() {
  std::ifstream policy("/proc/sys/vm/overcommit_memory");
  int mode = 0;
  if (policy >> mode && mode == 2) return false;
  return !limited(RLIMIT_AS) && !limited(RLIMIT_DATA);
}

bool put_glibc_defaults_back() {
  ::mallopt(M_TOP_PAD, glibc_default_pad);
  ::mallopt(M_TRIM_THRESHOLD, glibc_default_pad);
  return false;
}

}  // namespace
#endif

bool advise_huge_pages_for_the_heap() {
#if defined(__SANITIZE_ADDRESS__)
  return false;
#else
  if (!reserve_is_cheap()) return put_glibc_defaults_back();
  constexpr std::uintptr_t huge_page = std::uintptr_t{2} << 20;
  // A second thread's arena and blocks above the mmap threshold would be outside the advised
  // range. 32 MiB is the largest threshold glibc takes.
  ::mallopt(M_ARENA_MAX, 1);
  ::mallopt(M_MMAP_THRESHOLD, 32 << 20);
  ::mallopt(M_TOP_PAD, reserve);
  ::mallopt(M_TRIM_THRESHOLD, reserve);
  const auto start = reinterpret_cast<std::uintptr_t>(::sbrk(0));
  // A block larger than the free top of the heap makes malloc grow it now, by the pad.
  // volatile: a malloc freed at once may otherwise be left out by the compiler.
  void* volatile grow = std::malloc(::mallinfo2().keepcost + (std::size_t{1} << 20));
  const bool grew = grow != nullptr;
  std::free(grow);
  const auto end = reinterpret_cast<std::uintptr_t>(::sbrk(0));
  const std::uintptr_t first = (start + huge_page - 1) & ~(huge_page - 1);
  // Refused, or served elsewhere (an mmap when the break cannot move): every later growth
  // would ask for the gigabyte again.
  if (!grew || start == static_cast<std::uintptr_t>(-1) || end < first + reserve / 2) {
    return put_glibc_defaults_back();
  }
  return ::madvise(reinterpret_cast<void*>(first), end - first, MADV_HUGEPAGE) == 0;
#endif
}

}  // namespace cutover
