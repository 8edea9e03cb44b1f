#pragma once
// The process's heap on transparent huge pages. Reading a large run is mostly first touches of
// fresh memory, and on a virtual machine each 4 KiB page fault is a trip through the hypervisor:
// status of a 10,000-task run faulted 10,000 times for 40 MiB. Called first thing in main;
// measured in docs/performance.md ("The heap on huge pages").

namespace cutover {

// Makes glibc's malloc take every block from one heap (one arena; large blocks too), grown in
// steps of 1 GiB of address space, and advises the kernel to back that space with 2 MiB pages
// (MADV_HUGEPAGE). Only address space is reserved: memory is still taken as it is touched.
// A hint: when the kernel gives no huge pages, nothing changes but the fault count. Does
// nothing under AddressSanitizer, which brings its own allocator.
void advise_huge_pages_for_the_heap();

}  // namespace cutover
