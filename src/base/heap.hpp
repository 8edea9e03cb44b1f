#pragma once
// The process's heap on transparent huge pages. Reading a large run is mostly first touches of
// fresh memory, and on a virtual machine each 4 KiB page fault is a trip through the hypervisor:
// status of a 10,000-task run faulted 10,000 times for 40 MiB. Called first thing in main;
// measured in docs/performance.md (`cutover status`).

namespace cutover {

// Makes glibc's malloc take its blocks from one heap (one arena; blocks up to 32 MiB too),
// grows that heap by 1 GiB of address space at once, and advises the kernel to back that
// gigabyte with 2 MiB pages (MADV_HUGEPAGE): a page fault per 2 MiB instead of per 4 KiB.
// Memory is still taken as it is touched. Growth past the gigabyte gets ordinary pages.
//
// Left undone, with glibc's defaults put back, where the gigabyte would cost or fail: under
// strict overcommit (vm.overcommit_memory=2, where it would be charged up front), under a
// finite RLIMIT_AS or RLIMIT_DATA, when the heap cannot grow by it, and under
// AddressSanitizer, which has its own allocator. Returns whether the heap was advised; the
// advice is a hint, and a kernel without transparent huge pages refuses it.
bool advise_huge_pages_for_the_heap();

}  // namespace cutover
