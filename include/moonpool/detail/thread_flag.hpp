#pragma once
// MOONPOOL_DETAIL_THREAD_FLAG_READ: the attribute of the inline functions
// that read the library's thread-local switches (assertions recording,
// buggify enabled) from user code, which every MP_ macro does.
//
// Why no_sanitize("null"): under -fsanitize=null, g++ 12 checks that the
// address of an extern thread_local is not null before reading it, and in
// position-independent code (Debian's default PIE) it takes the answer
// from the flags of the initial-exec address computation:
//
//     movq %fs:0, %rax
//     addq flag@gottpoff(%rip), %rax
//     je   <report "load of null pointer">
//
// Linking an executable, GNU ld relaxes that add to local-exec as
// `leaq flag@tpoff(%rax), %rax`, which sets no flags, so the je tests
// whatever an earlier instruction left, and UBSan reports "load of null
// pointer of type 'bool'" at an address that is never null (sim-maze
// --seed 1 built -O2 with the asan preset's sanitizers, on MP_ALWAYS at
// examples/maze/main.cpp:60, after a weak _ZTH test had set ZF). The
// address of a thread_local cannot be null, so that check proves nothing;
// dropping it from this one read keeps every other null check, and the
// function still inlines to a single load.

#if defined(__GNUC__) || defined(__clang__)
#define MOONPOOL_DETAIL_THREAD_FLAG_READ __attribute__((no_sanitize("null"))) inline
#else
#define MOONPOOL_DETAIL_THREAD_FLAG_READ inline
#endif
